//! How `remove-attacker-app-credentials` and the consent part of `revoke-oauth-grants` become
//! ops (the states and checks are in `app_footholds`).

use super::action::ActionKind;
use super::app_footholds::text;
use super::expand::Ctx;
use super::op::Op;
use reclaim_core::sanitize::inert;
use serde_json::{json, Value};

/// `remove-attacker-app-credentials`: one removal per keyId the evidence names that is still
/// on its holder; nothing else on the holder is touched.
pub(crate) fn remove_credentials(cx: &mut Ctx<'_>) {
    let a = ActionKind::RemoveAttackerAppCredentials;
    // An owner the attacker added is named, not removed (the issue asks no removal action).
    for o in cx.ev.attacker_app_owners.clone() {
        let (app, owner) = o.id.split_once('/').unwrap_or((o.id.as_str(), ""));
        cx.warn(format!(
            "MANUAL (app owner): the attacker added owner {owner} to application {app}; \
             remove it unless it is legitimate (Entra admin center > App registrations > \
             Owners, or DELETE /applications/{app}/owners/{owner}/$ref with \
             Application.ReadWrite.All): {}",
            o.reasons
                .iter()
                .map(|r| inert(r).into_owned())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    if cx.ev.attacker_app_credentials.is_empty() {
        cx.skip(
            a,
            "the evidence ties no application secret or certificate to the attacker",
        );
        return;
    }
    let Some(holders) = cx.work.app_credentials.clone() else {
        cx.skip(a, "the applications' credentials could not be read");
        return;
    };
    for tied in cx.ev.attacker_app_credentials.clone() {
        let label = tied.holder.label();
        let Some(h) = holders
            .iter()
            .find(|h| h.holder == tied.holder && h.id.eq_ignore_ascii_case(&tied.holder_id))
        else {
            cx.skip(a, format!("{label} {} no longer exists", tied.holder_id));
            continue;
        };
        // The projected state: an earlier step of this plan may already remove it.
        let h = cx
            .work
            .app_credentials
            .iter()
            .flatten()
            .find(|x| x.id == h.id)
            .cloned()
            .unwrap_or_else(|| h.clone());
        let name = inert(&h.display_name).into_owned();
        let mut why: Vec<String> = tied.reasons.iter().map(|r| inert(r).into_owned()).collect();
        why.extend(cx.verdict_why());
        if let Some(s) = h
            .secrets
            .iter()
            .find(|s| s.key_id.eq_ignore_ascii_case(&tied.key_id))
        {
            let before = json!({ "holder": tied.holder, "holderId": h.id, "secret": s });
            cx.push(
                a,
                Op::RemoveAppPassword {
                    holder: tied.holder,
                    holder_id: h.id.clone(),
                    key_id: s.key_id.clone(),
                },
                format!(
                    "Remove the secret \"{}\" (keyId {}) the attacker added to {label} \"{name}\" (not undoable)",
                    inert(s.display_name.as_deref().unwrap_or("")),
                    s.key_id
                ),
                before,
                why,
            );
        } else if let Some(c) = h.certificate(&tied.key_id).cloned() {
            let keep: Vec<Value> = h
                .certificates
                .iter()
                .filter(|x| !text(x, "keyId").is_some_and(|k| k.eq_ignore_ascii_case(&tied.key_id)))
                .cloned()
                .collect();
            let shown = text(&c, "displayName").unwrap_or_default();
            let before = json!({ "holder": tied.holder, "holderId": h.id, "certificate": c });
            cx.push(
                a,
                Op::RemoveAppKey {
                    holder: tied.holder,
                    holder_id: h.id.clone(),
                    key_id: tied.key_id.clone(),
                    keep,
                },
                format!(
                    "Remove the certificate \"{}\" (keyId {}) the attacker added to {label} \"{name}\", keeping its other certificates (not undoable)",
                    inert(&shown),
                    tied.key_id
                ),
                before,
                why,
            );
        } else {
            cx.skip(
                a,
                format!(
                    "keyId {} is already gone from {label} \"{name}\"",
                    tied.key_id
                ),
            );
        }
    }
}

/// The app role assignments of flagged consents (within `revoke-oauth-grants`).
pub(crate) fn revoke_consents(cx: &mut Ctx<'_>) {
    let a = ActionKind::RevokeOauthGrants;
    if cx.ev.flagged_app_consents.is_empty() {
        return;
    }
    let Some(list) = cx.work.app_consents.clone() else {
        cx.skip(a, "the account's app role assignments could not be read");
        return;
    };
    for tied in cx.ev.flagged_app_consents.clone() {
        let Some(x) = list.iter().find(|x| x.id == tied.id) else {
            cx.skip(
                a,
                format!("app role assignment {} is already gone", tied.id),
            );
            continue;
        };
        let mut why: Vec<String> = tied.reasons.iter().map(|r| inert(r).into_owned()).collect();
        why.extend(cx.verdict_why());
        cx.push(
            a,
            Op::DeleteAppRoleAssignment {
                assignment_id: x.id.clone(),
            },
            format!(
                "Delete the app role assignment to \"{}\" the flagged consent created",
                inert(&x.resource_display_name)
            ),
            serde_json::to_value(x).unwrap_or(Value::Null),
            why,
        );
    }
}
