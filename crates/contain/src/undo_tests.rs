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
                via: crate::op::PasswordReset::PasswordProfile,
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
