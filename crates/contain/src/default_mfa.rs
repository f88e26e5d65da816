//! The default MFA method while deleting methods (REFERENCE §3.5, §5).
//!
//! Graph refuses to delete the user's default MFA method while another method that could be
//! the default remains. v1.0 can neither read nor change the default; beta
//! `signInPreferences` can. When the attacker's method is the default and one of the owner's
//! methods stays, the plan first makes the owner's method the default (a step of its own,
//! verified and undoable), then deletes the attacker's. When the default cannot be read, the
//! likely default is deleted last and a refusal is reported for the operator to fix by hand;
//! an owner's method is never deleted to get around it. The default alone may always go.

use super::action::ActionKind;
use super::expand::{describe_method, Ctx};
use super::op::Op;
use super::state::MethodState;
use reclaim_core::sanitize::inert;
use reclaim_graph::models::MethodKind;
use serde_json::json;

/// What the plan says when the default cannot be read.
pub const UNKNOWN_DEFAULT_WARNING: &str = "the account's default MFA method could not be read (beta signInPreferences unavailable to this token or cloud; v1.0 cannot read it): reclaim deletes the likely default last; Graph refuses to delete the default while other methods remain, so if a deletion is refused for that reason make one of the owner's methods the default (Entra admin center > user > Authentication methods) and run apply again";

/// The settable members of `userDefaultAuthenticationMethodType` (`unknownFutureValue` is
/// the evolvable-enum sentinel, never sent).
pub const PREFERENCES: [&str; 6] = [
    "push",
    "oath",
    "sms",
    "voiceMobile",
    "voiceAlternateMobile",
    "voiceOffice",
];

/// Whether a method can be the default MFA method at all.
pub fn can_be_default(m: &MethodState) -> bool {
    matches!(
        m.kind,
        Some(MethodKind::Phone | MethodKind::MicrosoftAuthenticator | MethodKind::SoftwareOath)
    )
}

fn phone_is(m: &MethodState, t: &str) -> bool {
    m.kind == Some(MethodKind::Phone) && m.phone_type.as_deref() == Some(t)
}

/// Whether signing in with `preference` (`userDefaultAuthenticationMethodType`) uses `m`.
pub fn serves(m: &MethodState, preference: &str) -> bool {
    match preference {
        "push" => m.kind == Some(MethodKind::MicrosoftAuthenticator),
        "oath" => matches!(
            m.kind,
            Some(MethodKind::SoftwareOath | MethodKind::MicrosoftAuthenticator)
        ),
        "sms" | "voiceMobile" => phone_is(m, "mobile"),
        "voiceAlternateMobile" => phone_is(m, "alternateMobile"),
        "voiceOffice" => phone_is(m, "office"),
        _ => false,
    }
}

/// The preference that makes `m` the default, and how good a default it is (lower first:
/// the Authenticator's push, then a text to the mobile, codes, the other phones).
fn preference_for(m: &MethodState) -> Option<(u8, &'static str)> {
    match (m.kind?, m.phone_type.as_deref()) {
        (MethodKind::MicrosoftAuthenticator, _) => Some((0, "push")),
        (MethodKind::Phone, Some("mobile")) => Some((1, "sms")),
        (MethodKind::SoftwareOath, _) => Some((2, "oath")),
        (MethodKind::Phone, Some("alternateMobile")) => Some((3, "voiceAlternateMobile")),
        (MethodKind::Phone, Some("office")) => Some((4, "voiceOffice")),
        _ => None,
    }
}

/// The known default's preference, if the account has one and it could be read.
pub(super) fn known_default(cx: &Ctx<'_>) -> Option<String> {
    cx.work
        .preferences
        .as_ref()
        .and_then(|p| p.known())
        .flatten()
        .map(str::to_string)
}

/// Orders deletions so the known default goes last (an alternate mobile still before the
/// mobile: Graph needs that whatever the default is).
pub(super) fn default_last(cx: &Ctx<'_>, ms: &mut [MethodState]) {
    if let Some(pref) = known_default(cx) {
        ms.sort_by_key(|m| serves(m, &pref) && !phone_is(m, "alternateMobile"));
    }
}

/// Before `targets` are deleted by `action`: moves the default to one of the owner's methods
/// when the attacker's method holds it and others stay, or warns when the default is unknown.
pub(super) fn before_deleting(cx: &mut Ctx<'_>, action: ActionKind, targets: &[MethodState]) {
    if !targets.iter().any(can_be_default) {
        return;
    }
    let Some(methods) = cx.work.methods.clone() else {
        return;
    };
    let remaining: Vec<MethodState> = methods
        .into_iter()
        .filter(|m| can_be_default(m) && !targets.iter().any(|t| t.id == m.id))
        .collect();
    if remaining.is_empty() {
        // The deleted methods are the last ones that could be the default: Graph allows it.
        return;
    }
    let Some(prefs) = cx.work.preferences.clone() else {
        cx.warn(UNKNOWN_DEFAULT_WARNING);
        return;
    };
    let Some(known) = prefs.known().map(|p| p.map(str::to_string)) else {
        let why = prefs.unreadable.as_deref().unwrap_or_default();
        cx.warn(format!(
            "{UNKNOWN_DEFAULT_WARNING} (reading it failed: {})",
            inert(why)
        ));
        return;
    };
    let Some(pref) = known else {
        return; // No default at all.
    };
    let holder = targets.iter().find(|t| serves(t, &pref));
    let Some(holder) = holder.cloned() else {
        return;
    };
    if remaining.iter().any(|m| serves(m, &pref)) {
        // Another method of the same kind stays: the preference keeps naming a method.
        return;
    }
    // A phone the playbook puts back to the owner's known-good number is the owner's (the
    // attacker swapped the number, not the method).
    let restored = |m: &MethodState| {
        cx.has(ActionKind::RestorePhone)
            && m.kind == Some(MethodKind::Phone)
            && m.phone_type
                .as_deref()
                .and_then(|t| cx.ev.known_good(t))
                .is_some_and(|k| k.number.is_some())
    };
    let attacker = |m: &MethodState| {
        let tied = cx.ev.attacker_methods.iter().any(|t| t.id == m.id)
            || m.phone_number
                .as_deref()
                .is_some_and(|n| cx.ev.is_attacker_number(n));
        tied && !restored(m)
    };
    let owner = remaining
        .iter()
        .filter(|m| !attacker(m))
        .filter_map(|m| preference_for(m).map(|(rank, p)| (rank, p, m)))
        .min_by_key(|(rank, _, _)| *rank);
    let Some((_, new_pref, owner_method)) = owner else {
        cx.skip(
            action,
            format!(
                "{} is the default MFA method and only methods tied to the attacker would remain: it is deleted after them, not replaced by one of them",
                describe_method(&holder)
            ),
        );
        return;
    };
    let why = vec![
        format!(
            "{} is the account's default MFA method ({pref}); Graph refuses to delete the default while other methods remain",
            describe_method(&holder)
        ),
        format!(
            "{} is the owner's: it becomes the default instead",
            describe_method(owner_method)
        ),
    ];
    let summary = format!(
        "Make the owner's {} the default MFA method ({new_pref}) instead of {pref}",
        describe_method(owner_method)
    );
    cx.push(
        action,
        Op::SetDefaultMfa {
            preferred: new_pref.to_string(),
        },
        summary,
        json!({
            "userPreferredMethodForSecondaryAuthentication": pref,
            "isSystemPreferredAuthenticationMethodEnabled": prefs.system_preferred,
        }),
        why,
    );
}

#[cfg(test)]
#[path = "default_mfa_tests.rs"]
mod tests;
