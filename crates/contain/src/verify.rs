//! What each op should leave behind, and the read-back that checks it did.
//!
//! The same judgement serves three purposes: verifying a step right after it was sent,
//! deciding after a crash whether a step whose outcome is unknown already took effect, and
//! projecting the state a plan expects (drift detection) once some steps are done.

use super::op::{phone_method_id, Op};
use super::state::{AccountState, MethodState, Part, RulesState};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The result of reading back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub ok: bool,
    pub detail: String,
}

impl Check {
    pub(crate) fn yes(detail: impl Into<String>) -> Check {
        Check {
            ok: true,
            detail: detail.into(),
        }
    }
    pub(crate) fn no(detail: impl Into<String>) -> Check {
        Check {
            ok: false,
            detail: detail.into(),
        }
    }
}

fn same_number(a: &str, b: &str) -> bool {
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    a.trim() == b.trim() || (!digits(a).is_empty() && digits(a) == digits(b))
}

impl Op {
    /// The parts of the account to read to verify this op.
    pub fn parts(&self) -> &'static [Part] {
        match self {
            Op::RevokeSessions | Op::SetAccountEnabled { .. } | Op::ResetPassword { .. } => {
                &[Part::User]
            }
            Op::DeleteMethod { .. }
            | Op::SetPhoneNumber { .. }
            | Op::AddPhone { .. }
            | Op::IssueTap { .. } => &[Part::Methods],
            Op::DeleteRule { .. } | Op::SetRuleEnabled { .. } | Op::CreateRule { .. } => {
                &[Part::Rules]
            }
            Op::ConfirmCompromised => &[Part::Risk],
            Op::DeleteGrant { .. } => &[Part::Grants],
            Op::SetDefaultMfa { .. } => &[Part::Preferences],
            Op::SetDeviceEnabled { .. } => &[Part::Devices],
            Op::DeleteRoleAssignment { .. } | Op::CreateRoleAssignment { .. } => &[Part::Roles],
            Op::RemoveGroupMember { .. } | Op::AddGroupMember { .. } => &[Part::Groups],
            // Read per holder (app_footholds::read_target), not per account.
            Op::RemoveAppPassword { .. } | Op::RemoveAppKey { .. } => &[],
            // Read per resource (app_grants::read_target).
            Op::DeleteAppRoleGrant { .. } | Op::CreateAppRoleGrant { .. } => &[],
            Op::DeleteAppRoleAssignment { .. } | Op::CreateAppRoleAssignment { .. } => {
                &[Part::AppConsents]
            }
        }
    }

    /// Did the op take effect? `before` is the state recorded before it was sent; `created`
    /// the id of the object the request created, when it returned one.
    pub fn check(&self, before: &AccountState, now: &AccountState, created: Option<&str>) -> Check {
        let unread = |p: &str| Check::no(format!("{p} were not read back"));
        match self {
            Op::RevokeSessions => {
                let Some(u) = &now.user else {
                    return unread("the user's properties");
                };
                let was = before
                    .user
                    .as_ref()
                    .and_then(|u| u.sign_in_sessions_valid_from);
                match (was, u.sign_in_sessions_valid_from) {
                    (_, None) => Check::no("signInSessionsValidFromDateTime is not set"),
                    (Some(w), Some(n)) if n <= w => Check::no(format!(
                        "signInSessionsValidFromDateTime is still {n} (revocation can lag minutes)"
                    )),
                    (_, Some(n)) => Check::yes(format!("signInSessionsValidFromDateTime {n}")),
                }
            }
            Op::SetAccountEnabled { enabled } => match now.user.as_ref() {
                None => unread("the user's properties"),
                Some(u) if u.account_enabled == Some(*enabled) => {
                    Check::yes(format!("accountEnabled {enabled}"))
                }
                Some(u) => Check::no(format!("accountEnabled reads {:?}", u.account_enabled)),
            },
            Op::ResetPassword { .. } => {
                let Some(u) = &now.user else {
                    return unread("the user's properties");
                };
                let was = before.user.as_ref().and_then(|u| u.last_password_change);
                match (was, u.last_password_change) {
                    (_, None) => Check::no("lastPasswordChangeDateTime is not set"),
                    (Some(w), Some(n)) if n <= w => {
                        Check::no(format!("lastPasswordChangeDateTime is still {n}"))
                    }
                    (_, Some(n)) => Check::yes(format!("password changed at {n}")),
                }
            }
            Op::DeleteMethod { method_id, .. } => match &now.methods {
                None => unread("the methods"),
                Some(_) if now.method(method_id).is_some() => {
                    Check::no(format!("method {method_id} is still registered"))
                }
                Some(_) => Check::yes(format!("method {method_id} is gone")),
            },
            Op::SetPhoneNumber { phone_type, number } | Op::AddPhone { phone_type, number } => {
                match (&now.methods, now.phone(phone_type)) {
                    (None, _) => unread("the methods"),
                    (
                        _,
                        Some(MethodState {
                            phone_number: Some(n),
                            ..
                        }),
                    ) if same_number(n, number) => {
                        Check::yes(format!("{phone_type} phone reads {n}"))
                    }
                    (_, Some(m)) => Check::no(format!(
                        "{phone_type} phone reads {}",
                        m.phone_number.as_deref().unwrap_or("no number")
                    )),
                    (_, None) => Check::no(format!("no {phone_type} phone is registered")),
                }
            }
            Op::DeleteRule { rule_id } => match &now.rules {
                None => unread("the inbox rules"),
                Some(RulesState::NoMailbox) => Check::no("the mailbox is not reachable"),
                Some(_) if now.rule(rule_id).is_some() => {
                    Check::no(format!("rule {rule_id} is still there"))
                }
                Some(_) => Check::yes(format!("rule {rule_id} is gone")),
            },
            Op::SetRuleEnabled { rule_id, enabled } => match now.rule(rule_id) {
                Some(r) if r.is_enabled == *enabled => {
                    Check::yes(format!("rule {rule_id} isEnabled {enabled}"))
                }
                Some(r) => Check::no(format!("rule {rule_id} isEnabled {}", r.is_enabled)),
                None if now.rules.is_none() => unread("the inbox rules"),
                None => Check::no(format!("rule {rule_id} is gone")),
            },
            Op::CreateRule { rule } => {
                let want = super::state::RuleState::from_graph(rule).digest;
                let found = now.rule_list().and_then(|rs| {
                    rs.iter()
                        .find(|r| created.map_or(r.digest == want, |id| r.id == id))
                });
                match found {
                    Some(r) => Check::yes(format!("rule recreated as {}", r.id)),
                    None if now.rules.is_none() => unread("the inbox rules"),
                    None => Check::no("no rule with the recorded definition"),
                }
            }
            Op::ConfirmCompromised => match &now.risk {
                None => unread("the risky user"),
                Some(r) if r.is_confirmed_compromised() => Check::yes(format!(
                    "riskState {}, riskLevel {}",
                    r.risk_state, r.risk_level
                )),
                Some(r) => Check::no(format!(
                    "riskState {}, riskDetail {}",
                    r.risk_state, r.risk_detail
                )),
            },
            Op::IssueTap { .. } => {
                let Some(ms) = &now.methods else {
                    return unread("the methods");
                };
                // The pass the step created: by id when known, else any pass that was not
                // there before the plan.
                let tap = ms.iter().find(|m| {
                    m.kind == Some(reclaim_graph::models::MethodKind::TemporaryAccessPass)
                        && match created {
                            Some(id) => m.id == id,
                            None => before.method(&m.id).is_none(),
                        }
                });
                match (tap, created) {
                    (Some(m), _) => Check::yes(format!("Temporary Access Pass {} listed", m.id)),
                    (None, Some(id)) => Check::no(format!("Temporary Access Pass {id} not listed")),
                    (None, None) => Check::no("no new Temporary Access Pass is listed"),
                }
            }
            Op::DeleteGrant { grant_id } => match &now.grants {
                None => unread("the grants"),
                Some(_) if now.grant(grant_id).is_some() => {
                    Check::no(format!("grant {grant_id} is still there"))
                }
                Some(_) => Check::yes(format!("grant {grant_id} is gone")),
            },
            Op::SetDeviceEnabled { device_id, enabled } => {
                super::footholds::check_device(now, device_id, *enabled)
            }
            Op::DeleteRoleAssignment { .. }
            | Op::CreateRoleAssignment { .. }
            | Op::RemoveGroupMember { .. }
            | Op::AddGroupMember { .. } => super::memberships::check(now, self),
            Op::RemoveAppPassword { .. }
            | Op::RemoveAppKey { .. }
            | Op::DeleteAppRoleAssignment { .. }
            | Op::CreateAppRoleAssignment { .. } => {
                super::app_footholds::check(self, before, now, created)
            }
            Op::DeleteAppRoleGrant { .. } | Op::CreateAppRoleGrant { .. } => {
                super::app_grants::check(self, now, created)
            }
            Op::SetDefaultMfa { preferred } => match now.preferences.as_ref() {
                None => unread("the sign-in preferences"),
                Some(p) => match p.known() {
                    None => Check::no(format!(
                        "the sign-in preferences could not be read: {}",
                        p.unreadable.as_deref().unwrap_or_default()
                    )),
                    Some(Some(now)) if now == preferred => Check::yes(format!(
                        "userPreferredMethodForSecondaryAuthentication {now}"
                    )),
                    Some(now) => Check::no(format!(
                        "userPreferredMethodForSecondaryAuthentication reads {}",
                        now.unwrap_or("nothing")
                    )),
                },
            },
        }
    }

    /// The state after this op, as far as drift detection compares it.
    pub fn project(&self, state: &mut AccountState) {
        match self {
            Op::SetAccountEnabled { enabled } => {
                if let Some(u) = state.user.as_mut() {
                    u.account_enabled = Some(*enabled);
                }
            }
            Op::DeleteMethod { method_id, .. } => {
                if let Some(ms) = state.methods.as_mut() {
                    ms.retain(|m| &m.id != method_id);
                }
            }
            Op::SetPhoneNumber { phone_type, number } | Op::AddPhone { phone_type, number } => {
                let Some(ms) = state.methods.as_mut() else {
                    return;
                };
                let id = phone_method_id(phone_type).unwrap_or_default().to_string();
                match ms.iter_mut().find(|m| m.id == id) {
                    Some(m) => m.phone_number = Some(number.clone()),
                    None => ms.push(MethodState {
                        id,
                        kind: Some(reclaim_graph::models::MethodKind::Phone),
                        odata_type: "#microsoft.graph.phoneAuthenticationMethod".into(),
                        label: number.clone(),
                        phone_type: Some(phone_type.clone()),
                        phone_number: Some(number.clone()),
                        created: None,
                    }),
                }
            }
            Op::DeleteRule { rule_id } => {
                if let Some(RulesState::Rules { rules }) = state.rules.as_mut() {
                    rules.retain(|r| &r.id != rule_id);
                }
            }
            Op::SetRuleEnabled { rule_id, enabled } => {
                if let Some(RulesState::Rules { rules }) = state.rules.as_mut() {
                    for r in rules.iter_mut().filter(|r| &r.id == rule_id) {
                        r.is_enabled = *enabled;
                    }
                }
            }
            Op::DeleteGrant { grant_id } => {
                if let Some(gs) = state.grants.as_mut() {
                    gs.retain(|g| &g.id != grant_id);
                }
            }
            Op::SetDeviceEnabled { device_id, enabled } => {
                super::footholds::project_device(state, device_id, *enabled)
            }
            Op::DeleteRoleAssignment { .. }
            | Op::CreateRoleAssignment { .. }
            | Op::RemoveGroupMember { .. }
            | Op::AddGroupMember { .. } => super::memberships::project(state, self),
            Op::RemoveAppPassword { .. }
            | Op::RemoveAppKey { .. }
            | Op::DeleteAppRoleAssignment { .. }
            | Op::CreateAppRoleAssignment { .. } => super::app_footholds::project(self, state),
            Op::DeleteAppRoleGrant { .. } | Op::CreateAppRoleGrant { .. } => {
                super::app_grants::project(self, state)
            }
            Op::SetDefaultMfa { preferred } => {
                if let Some(p) = state.preferences.as_mut() {
                    p.preferred = Some(preferred.clone());
                }
            }
            // Not part of the drift fingerprint (times, risk, new objects with unknown ids).
            Op::RevokeSessions
            | Op::ResetPassword { .. }
            | Op::CreateRule { .. }
            | Op::ConfirmCompromised
            | Op::IssueTap { .. } => {}
        }
    }

    /// The expected state after, for the plan file and the confirmation screen.
    pub fn expected(&self, before: &AccountState) -> Value {
        match self {
            Op::RevokeSessions => json!({
                "signInSessionsValidFromDateTime": format!("later than {}",
                    before.user.as_ref().and_then(|u| u.sign_in_sessions_valid_from)
                        .map_or("its current value".to_string(), |t| t.to_rfc3339())),
                "note": "access tokens already issued stay valid until they expire (60-90 min; \
                         CAE-aware services cut them within ~15 min)"
            }),
            Op::SetAccountEnabled { enabled } => json!({ "accountEnabled": enabled }),
            Op::ResetPassword { .. } => json!({
                "password": "a new generated password, shown once to the operator",
                "lastPasswordChangeDateTime": "later than before"
            }),
            Op::DeleteMethod { method_id, .. } => json!({ "method": method_id, "present": false }),
            Op::SetPhoneNumber { phone_type, number } | Op::AddPhone { phone_type, number } => {
                json!({ "phoneType": phone_type, "phoneNumber": number })
            }
            Op::DeleteRule { rule_id } => json!({ "rule": rule_id, "present": false }),
            Op::SetRuleEnabled { rule_id, enabled } => {
                json!({ "rule": rule_id, "isEnabled": enabled })
            }
            Op::CreateRule { rule } => {
                json!({ "rule": super::op::creatable_rule(rule), "present": true })
            }
            Op::ConfirmCompromised => {
                json!({ "riskState": "confirmedCompromised", "riskLevel": "high" })
            }
            Op::IssueTap {
                lifetime_in_minutes,
                is_usable_once,
            } => json!({
                "temporaryAccessPass": "one new pass, shown once to the operator",
                "lifetimeInMinutes": lifetime_in_minutes, "isUsableOnce": is_usable_once
            }),
            Op::DeleteGrant { grant_id } => json!({ "grant": grant_id, "present": false }),
            Op::SetDeviceEnabled { device_id, enabled } => {
                super::footholds::expected_device(device_id, *enabled)
            }
            Op::DeleteRoleAssignment { .. }
            | Op::CreateRoleAssignment { .. }
            | Op::RemoveGroupMember { .. }
            | Op::AddGroupMember { .. } => super::memberships::expected(self),
            Op::RemoveAppPassword { .. }
            | Op::RemoveAppKey { .. }
            | Op::DeleteAppRoleAssignment { .. }
            | Op::CreateAppRoleAssignment { .. } => super::app_footholds::expected(self),
            Op::DeleteAppRoleGrant { .. } | Op::CreateAppRoleGrant { .. } => {
                super::app_grants::expected(self)
            }
            Op::SetDefaultMfa { preferred } => {
                json!({ "userPreferredMethodForSecondaryAuthentication": preferred })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{RuleState, UserState};
    use chrono::{Duration, Utc};
    use reclaim_graph::models::MethodKind;

    fn phone(t: &str, n: &str) -> MethodState {
        MethodState {
            id: phone_method_id(t).unwrap().into(),
            kind: Some(MethodKind::Phone),
            odata_type: "#microsoft.graph.phoneAuthenticationMethod".into(),
            label: n.into(),
            phone_type: Some(t.into()),
            phone_number: Some(n.into()),
            created: None,
        }
    }

    #[test]
    fn revoke_needs_the_valid_from_time_to_move() {
        let t = Utc::now();
        let state = |at| AccountState {
            user: Some(UserState {
                sign_in_sessions_valid_from: Some(at),
                ..UserState::default()
            }),
            ..AccountState::default()
        };
        let before = state(t);
        assert!(!Op::RevokeSessions.check(&before, &state(t), None).ok);
        assert!(
            Op::RevokeSessions
                .check(&before, &state(t + Duration::seconds(1)), None)
                .ok
        );
        assert!(
            !Op::RevokeSessions
                .check(&before, &AccountState::default(), None)
                .ok
        );
    }

    #[test]
    fn phone_checks_and_projection_agree() {
        let before = AccountState {
            methods: Some(vec![phone("mobile", "+1 5550199")]),
            ..AccountState::default()
        };
        let op = Op::SetPhoneNumber {
            phone_type: "mobile".into(),
            number: "+1 5550100".into(),
        };
        assert!(!op.check(&before, &before, None).ok);
        let mut after = before.clone();
        op.project(&mut after);
        assert!(op.check(&before, &after, None).ok);
        let add = Op::AddPhone {
            phone_type: "alternateMobile".into(),
            number: "+1 5550111".into(),
        };
        add.project(&mut after);
        assert!(add.check(&before, &after, None).ok);
        assert_eq!(after.methods.as_ref().unwrap().len(), 2);
    }

    #[test]
    fn rule_ops_read_the_rules() {
        let rule = serde_json::json!({"id": "r1", "displayName": ".", "isEnabled": true,
            "actions": {"moveToFolder": "rss"}});
        let before = AccountState {
            rules: Some(RulesState::Rules {
                rules: vec![RuleState::from_graph(&rule)],
            }),
            ..AccountState::default()
        };
        let del = Op::DeleteRule {
            rule_id: "r1".into(),
        };
        let mut after = before.clone();
        del.project(&mut after);
        assert!(!del.check(&before, &before, None).ok);
        assert!(del.check(&before, &after, None).ok);
        // Recreating it is recognized by its definition, under a new id.
        let create = Op::CreateRule { rule: rule.clone() };
        assert!(!create.check(&before, &after, None).ok);
        let mut recreated = rule;
        recreated["id"] = "r2".into();
        let again = AccountState {
            rules: Some(RulesState::Rules {
                rules: vec![RuleState::from_graph(&recreated)],
            }),
            ..AccountState::default()
        };
        assert!(create.check(&before, &again, None).ok);
        assert!(!create.check(&before, &again, Some("r3")).ok);
        assert!(!del.check(&before, &AccountState::default(), None).ok);
    }
}
