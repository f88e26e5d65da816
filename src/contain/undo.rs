//! `reclaim undo STEP`: reverse one applied step from the pre-state the journal recorded.
//!
//! Reversible: sign-in blocked or allowed, a phone number changed, added or deleted, an inbox
//! rule deleted (recreated from its recorded definition) or disabled, a Temporary Access
//! Pass issued. Everything else says plainly why it cannot be undone.

use super::action::ActionKind;
use super::op::{phone_method_id, Op};
use crate::graph::models::MethodKind;
use serde_json::Value;

/// The op that reverses `op`, given the object's recorded state before it (`before`) and the
/// id of what the step created, if anything. `Err` says why it cannot be reversed.
pub fn reverse(
    action: ActionKind,
    op: &Op,
    before: &Value,
    created: Option<&str>,
) -> Result<Op, String> {
    let s = |k: &str| before.get(k).and_then(Value::as_str).map(str::to_string);
    let not = |why: &str| Err(format!("`{action}` cannot be undone: {why}"));
    match op {
        Op::SetAccountEnabled { enabled } => Ok(Op::SetAccountEnabled {
            enabled: before
                .get("accountEnabled")
                .and_then(Value::as_bool)
                .unwrap_or(!enabled),
        }),
        Op::SetPhoneNumber { phone_type, .. } => match s("phoneNumber") {
            Some(number) => Ok(Op::SetPhoneNumber {
                phone_type: phone_type.clone(),
                number,
            }),
            None => not("the journal holds no earlier number for this phone"),
        },
        Op::AddPhone { phone_type, .. } => match phone_method_id(phone_type) {
            Some(id) => Ok(Op::DeleteMethod {
                method_id: id.into(),
                kind: MethodKind::Phone,
            }),
            None => not("unknown phone type"),
        },
        Op::DeleteMethod {
            kind: MethodKind::Phone,
            ..
        } => match (s("phoneType"), s("phoneNumber")) {
            (Some(phone_type), Some(number)) => Ok(Op::AddPhone { phone_type, number }),
            _ => not("the journal holds no number for the deleted phone"),
        },
        Op::DeleteMethod {
            kind: MethodKind::TemporaryAccessPass,
            ..
        } => not("a Temporary Access Pass cannot be brought back; issue a new one"),
        Op::DeleteMethod { kind, .. } => not(&format!(
            "a {} method holds a secret that lives on the owner's device; Graph cannot \
             recreate it, the owner registers it again (issue-tap gives them a way in)",
            kind.segment().trim_end_matches("Methods")
        )),
        Op::DeleteRule { .. } => {
            if before.get("displayName").is_none() {
                return not("the journal holds no definition of the deleted rule");
            }
            Ok(Op::CreateRule {
                rule: before.clone(),
            })
        }
        Op::SetRuleEnabled { rule_id, enabled } => Ok(Op::SetRuleEnabled {
            rule_id: rule_id.clone(),
            enabled: before
                .get("isEnabled")
                .and_then(Value::as_bool)
                .unwrap_or(!enabled),
        }),
        Op::IssueTap { .. } => match created {
            Some(id) => Ok(Op::DeleteMethod {
                method_id: id.into(),
                kind: MethodKind::TemporaryAccessPass,
            }),
            None => not("the journal does not name the pass that was created"),
        },
        Op::CreateRule { .. } => {
            not("it is itself an undo; delete the recreated rule in Outlook or re-apply the plan")
        }
        Op::RevokeSessions
        | Op::ResetPassword { .. }
        | Op::ConfirmCompromised
        | Op::DeleteGrant { .. } => not(action.info().reversibility.text()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use ActionKind::*;

    #[test]
    fn reversible_steps_reverse_to_their_pre_state() {
        assert_eq!(
            reverse(
                DisableSignin,
                &Op::SetAccountEnabled { enabled: false },
                &json!({"accountEnabled": true}),
                None
            ),
            Ok(Op::SetAccountEnabled { enabled: true })
        );
        let patch = Op::SetPhoneNumber {
            phone_type: "mobile".into(),
            number: "+1 5550100".into(),
        };
        assert_eq!(
            reverse(
                RestorePhone,
                &patch,
                &json!({"phoneType": "mobile", "phoneNumber": "+1 5550199"}),
                None
            ),
            Ok(Op::SetPhoneNumber {
                phone_type: "mobile".into(),
                number: "+1 5550199".into()
            })
        );
        let del = Op::DeleteMethod {
            method_id: "b6332ec1-7057-4abe-9331-3d72feddfe41".into(),
            kind: MethodKind::Phone,
        };
        assert_eq!(
            reverse(
                RemoveAttackerMfa,
                &del,
                &json!({"phoneType": "alternateMobile", "phoneNumber": "+1 5550111"}),
                None
            ),
            Ok(Op::AddPhone {
                phone_type: "alternateMobile".into(),
                number: "+1 5550111".into()
            })
        );
        let rule = json!({"id": "r", "displayName": "..", "actions": {"delete": true}});
        assert_eq!(
            reverse(
                RemoveMaliciousRules,
                &Op::DeleteRule {
                    rule_id: "r".into()
                },
                &rule,
                None
            ),
            Ok(Op::CreateRule { rule: rule.clone() })
        );
        assert_eq!(
            reverse(
                IssueTap,
                &Op::IssueTap {
                    lifetime_in_minutes: 60,
                    is_usable_once: true
                },
                &json!({}),
                Some("tap1")
            ),
            Ok(Op::DeleteMethod {
                method_id: "tap1".into(),
                kind: MethodKind::TemporaryAccessPass
            })
        );
    }

    #[test]
    fn the_rest_say_why_not() {
        let cases = [
            (RevokeSessions, Op::RevokeSessions, "revoked tokens"),
            (ConfirmCompromised, Op::ConfirmCompromised, "dismiss"),
            (
                RevokeOauthGrants,
                Op::DeleteGrant {
                    grant_id: "g".into(),
                },
                "consent",
            ),
            (
                RemoveAttackerMfa,
                Op::DeleteMethod {
                    method_id: "m".into(),
                    kind: MethodKind::MicrosoftAuthenticator,
                },
                "device",
            ),
            (
                ResetPassword,
                Op::ResetPassword {
                    via: crate::contain::op::PasswordReset::PasswordProfile,
                },
                "never recorded",
            ),
        ];
        for (action, op, want) in cases {
            let e = reverse(action, &op, &json!({}), None).unwrap_err();
            assert!(e.contains("cannot be undone") && e.contains(want), "{e}");
        }
        assert!(reverse(
            IssueTap,
            &Op::IssueTap {
                lifetime_in_minutes: 60,
                is_usable_once: true
            },
            &json!({}),
            None
        )
        .is_err());
    }
}
