//! The MFA actions' expansion: `remove-attacker-mfa`, `reset-mfa`, `restore-phone`.
//!
//! Only what the evidence ties to the attacker is removed by `remove-attacker-mfa`; a phone
//! holding the attacker's number is left to `restore-phone` when the playbook has it, so the
//! owner's number goes back instead of the phone simply vanishing. Every deletion respects the
//! default MFA method ([`super::default_mfa`]).

use super::action::ActionKind;
use super::default_mfa;
use super::evidence::KnownGood;
use super::expand::{deletion_order, describe_method, method_before, phone_id, Ctx};
use super::op::Op;
use super::state::MethodState;
use reclaim_core::sanitize::inert;
use reclaim_graph::models::MethodKind;

fn is_phone(m: &MethodState) -> bool {
    m.kind == Some(MethodKind::Phone)
}

fn push_deletions(
    cx: &mut Ctx<'_>,
    action: ActionKind,
    mut targets: Vec<(MethodState, Vec<String>)>,
) {
    let mut ms: Vec<MethodState> = targets.iter().map(|(m, _)| m.clone()).collect();
    deletion_order(&mut ms);
    default_mfa::default_last(cx, &mut ms);
    default_mfa::before_deleting(cx, action, &ms);
    for m in ms {
        let Some(pos) = targets.iter().position(|(t, _)| t.id == m.id) else {
            continue;
        };
        let (m, mut why) = targets.swap_remove(pos);
        // A mobile phone cannot go while an alternate mobile that stays depends on it.
        let alt_stays = m.phone_type.as_deref() == Some("mobile")
            && cx.work.phone("alternateMobile").is_some()
            && !targets
                .iter()
                .any(|(t, _)| t.phone_type.as_deref() == Some("alternateMobile"));
        if is_phone(&m) && alt_stays {
            cx.skip(action, format!(
                "the mobile phone {} cannot be deleted while the alternate mobile phone stays (Graph requires deleting the alternate first); remove or change it in the Entra admin center",
                inert(m.phone_number.as_deref().unwrap_or(""))
            ));
            continue;
        }
        why.extend(cx.verdict_why());
        cx.push(
            action,
            Op::DeleteMethod {
                method_id: m.id.clone(),
                kind: m.kind.unwrap_or(MethodKind::Phone),
            },
            format!("Delete {}", describe_method(&m)),
            method_before(&m),
            why,
        );
    }
}

pub(super) fn remove_attacker_mfa(cx: &mut Ctx<'_>) {
    let a = ActionKind::RemoveAttackerMfa;
    let Some(methods) = cx.work.methods.clone() else {
        cx.skip(a, "the account's methods could not be read");
        return;
    };
    if cx.ev.attacker_methods.is_empty() && cx.ev.attacker_phones.is_empty() {
        cx.skip(a, "the evidence ties no method to the attacker");
        return;
    }
    let restore = cx.has(ActionKind::RestorePhone);
    let mut targets: Vec<(MethodState, Vec<String>)> = Vec::new();
    for tied in cx.ev.attacker_methods.clone() {
        let Some(m) = methods.iter().find(|m| m.id == tied.id) else {
            cx.skip(a, format!("method {} is already gone", tied.id));
            continue;
        };
        if cx.ev.owner_method_ids.contains(&m.id) {
            cx.skip(
                a,
                format!(
                    "method {} is also judged the owner's: left alone, check it by hand",
                    m.id
                ),
            );
            continue;
        }
        match m.kind {
            None => {
                cx.skip(a, format!("method {} is of a type this build does not know ({}): remove it in the Entra admin center", m.id, inert(&m.odata_type)));
                continue;
            }
            Some(MethodKind::Password) => continue,
            Some(MethodKind::Phone) if restore => {
                cx.skip(
                    a,
                    format!(
                        "the {} phone is handled by restore-phone",
                        m.phone_type.as_deref().unwrap_or("")
                    ),
                );
                continue;
            }
            Some(_) => {}
        }
        let why = tied.reasons.iter().map(|r| inert(r).into_owned()).collect();
        targets.push((m.clone(), why));
    }
    if !restore {
        for m in methods.iter().filter(|m| is_phone(m)) {
            let attacker = m
                .phone_number
                .as_deref()
                .is_some_and(|n| cx.ev.is_attacker_number(n));
            let listed = targets.iter().any(|(t, _)| t.id == m.id);
            if attacker && !listed && !cx.ev.owner_method_ids.contains(&m.id) {
                targets.push((
                    m.clone(),
                    vec!["holds the phone number the attacker registered".into()],
                ));
            }
        }
    }
    if targets.is_empty() {
        if cx.out_is_empty_for(a) {
            cx.skip(a, "no attacker method remains to delete");
        }
        return;
    }
    push_deletions(cx, a, targets);
}

pub(super) fn reset_mfa(cx: &mut Ctx<'_>) {
    let a = ActionKind::ResetMfa;
    let Some(methods) = cx.work.methods.clone() else {
        cx.skip(a, "the account's methods could not be read");
        return;
    };
    let mut targets = Vec::new();
    for m in methods
        .iter()
        .filter(|m| m.kind != Some(MethodKind::Password))
    {
        if m.kind.is_none() {
            cx.skip(a, format!("method {} is of a type this build does not know ({}): remove it in the Entra admin center", m.id, inert(&m.odata_type)));
            continue;
        }
        let why = match cx.ev.reasons_for_method(&m.id) {
            Some(r) => r.iter().map(|r| inert(r).into_owned()).collect(),
            None => vec!["reset-mfa removes every method but the password".to_string()],
        };
        targets.push((m.clone(), why));
    }
    if targets.is_empty() {
        cx.skip(a, "the account has no method but the password");
        return;
    }
    if !cx.has(ActionKind::IssueTap) {
        cx.warn("after reset-mfa the owner has no MFA method: issue a Temporary Access Pass (issue-tap) so they can register again");
    }
    push_deletions(cx, a, targets);
}

enum PhoneStep {
    Delete(MethodState, Vec<String>, u8),
    Set(String, String, String, Vec<String>),
    Add(String, String, Vec<String>, u8),
}

fn type_rank(t: &str, deleting: bool) -> u8 {
    match (t, deleting) {
        ("alternateMobile", true) => 0,
        ("office", true) => 1,
        ("mobile", true) => 2,
        ("mobile", false) => 0,
        ("alternateMobile", false) => 1,
        _ => 2,
    }
}

pub(super) fn restore_phone(cx: &mut Ctx<'_>) {
    let a = ActionKind::RestorePhone;
    let Some(methods) = cx.work.methods.clone() else {
        cx.skip(a, "the account's methods could not be read");
        return;
    };
    let attacker_ids: Vec<&str> = cx
        .ev
        .attacker_methods
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    let mut steps = Vec::new();
    for t in super::op::PHONE_TYPES {
        let current = methods
            .iter()
            .find(|m| is_phone(m) && m.phone_type.as_deref() == Some(t));
        let holds_attacker = current.is_some_and(|m| {
            m.phone_number
                .as_deref()
                .is_some_and(|n| cx.ev.is_attacker_number(n))
                || attacker_ids.contains(&m.id.as_str())
        });
        let touched = holds_attacker || cx.ev.attacker_phone_types().contains(&t);
        // A phone this plan already deleted (reset-mfa) is put back when its number is known.
        let deleted_here = current.is_none() && cx.original_phone(t);
        if !touched && !deleted_here {
            continue;
        }
        let kg: Option<KnownGood> = cx.ev.known_good(t).cloned();
        let cur_num = current
            .and_then(|m| m.phone_number.clone())
            .unwrap_or_default();
        match (current, kg) {
            (
                Some(_),
                Some(KnownGood {
                    number: Some(n), ..
                }),
            ) if super::evidence::same_digits(&cur_num, &n) => {
                cx.skip(
                    a,
                    format!("the {t} phone already has the known-good number"),
                );
            }
            (
                Some(_),
                Some(KnownGood {
                    number: Some(n),
                    source,
                    ..
                }),
            ) => steps.push(PhoneStep::Set(
                t.to_string(),
                n.clone(),
                format!(
                    "Put the {t} phone back to {} (from {}), replacing {}",
                    inert(&n),
                    inert(&source),
                    inert(&cur_num)
                ),
                vec![
                    format!("{} is the attacker's number", inert(&cur_num)),
                    format!("known-good value from {}", inert(&source)),
                ],
            )),
            (
                Some(m),
                Some(KnownGood {
                    number: None,
                    source,
                    ..
                }),
            ) => steps.push(PhoneStep::Delete(
                m.clone(),
                vec![format!(
                    "{} shows no {t} phone before the attacker added {}",
                    inert(&source),
                    inert(&cur_num)
                )],
                type_rank(t, true),
            )),
            (Some(m), None) if holds_attacker => {
                cx.warn(format!("no trustworthy earlier {t} number exists (no directory audit old value, no baseline snapshot): the attacker's number is removed instead; ask the owner for their number"));
                steps.push(PhoneStep::Delete(
                    m.clone(),
                    vec![format!(
                        "{} is the attacker's number and no trustworthy old value exists",
                        inert(&cur_num)
                    )],
                    type_rank(t, true),
                ));
            }
            (Some(_), None) => cx.skip(
                a,
                format!(
                    "the {t} phone holds {}, not the attacker's number",
                    inert(&cur_num)
                ),
            ),
            (
                None,
                Some(KnownGood {
                    number: Some(n),
                    source,
                    ..
                }),
            ) => steps.push(PhoneStep::Add(
                t.to_string(),
                n.clone(),
                vec![format!("known-good {t} number from {}", inert(&source))],
                type_rank(t, false),
            )),
            (None, _) => cx.skip(
                a,
                format!("no {t} phone now and no known-good number to put back"),
            ),
        }
    }
    if steps.is_empty() {
        if cx.out_is_empty_for(a) {
            cx.skip(a, "no phone holds the attacker's number");
        }
        return;
    }
    // Deletions (alternate mobile first), then changes, then additions (mobile first).
    steps.sort_by_key(|s| match s {
        PhoneStep::Delete(_, _, r) => (0, *r),
        PhoneStep::Set(..) => (1, 0),
        PhoneStep::Add(_, _, _, r) => (2, *r),
    });
    for s in steps {
        match s {
            PhoneStep::Delete(m, why, _) => push_deletions(cx, a, vec![(m, why)]),
            PhoneStep::Set(t, n, summary, mut why) => {
                why.extend(cx.verdict_why());
                let before = cx.work.phone(&t).map(method_before).unwrap_or_default();
                cx.push(
                    a,
                    Op::SetPhoneNumber {
                        phone_type: t,
                        number: n,
                    },
                    summary,
                    before,
                    why,
                );
            }
            PhoneStep::Add(t, n, why, _) => {
                if t == "alternateMobile" && cx.work.phone("mobile").is_none() {
                    cx.skip(a, format!("the alternate mobile {} cannot be added without a mobile phone (Graph rule)", inert(&n)));
                    continue;
                }
                let summary = format!("Add the {t} phone {} back", inert(&n));
                cx.push(
                    a,
                    Op::AddPhone {
                        phone_type: t.clone(),
                        number: n,
                    },
                    summary,
                    serde_json::json!({ "phoneType": t, "id": phone_id(&t), "present": false }),
                    why,
                );
            }
        }
    }
}
