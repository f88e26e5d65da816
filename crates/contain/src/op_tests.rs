use super::*;

const U: &str = "11111111-2222-3333-4444-555555555555";

fn req(op: Op) -> PlannedRequest {
    op.request(U).unwrap()
}

#[test]
fn requests_follow_the_reference() {
    let r = req(Op::RevokeSessions);
    assert_eq!((r.method, r.body), (HttpMethod::Post, None));
    assert_eq!(r.path, format!("/v1.0/users/{U}/revokeSignInSessions"));

    let r = req(Op::SetAccountEnabled { enabled: false });
    assert_eq!(r.method, HttpMethod::Patch);
    assert_eq!(r.body, Some(json!({"accountEnabled": false})));

    let r = req(Op::DeleteMethod {
        method_id: "abc".into(),
        kind: MethodKind::MicrosoftAuthenticator,
    });
    assert_eq!(
        r.path,
        format!("/v1.0/users/{U}/authentication/microsoftAuthenticatorMethods/abc")
    );
    assert_eq!(r.method, HttpMethod::Delete);

    let r = req(Op::SetPhoneNumber {
        phone_type: "alternateMobile".into(),
        number: "+1 5555550100".into(),
    });
    assert_eq!(
        r.path,
        format!("/v1.0/users/{U}/authentication/phoneMethods/b6332ec1-7057-4abe-9331-3d72feddfe41")
    );
    assert_eq!(r.body, Some(json!({"phoneNumber": "+1 5555550100"})));

    let r = req(Op::AddPhone {
        phone_type: "mobile".into(),
        number: "+44 7700900123".into(),
    });
    assert_eq!(
        r.path,
        format!("/v1.0/users/{U}/authentication/phoneMethods")
    );
    assert_eq!(
        r.body,
        Some(json!({"phoneNumber": "+44 7700900123", "phoneType": "mobile"}))
    );

    let r = req(Op::ConfirmCompromised);
    assert_eq!(
        r.path,
        "/v1.0/identityProtection/riskyUsers/confirmCompromised"
    );
    assert_eq!(r.body, Some(json!({"userIds": [U]})));

    let r = req(Op::IssueTap {
        lifetime_in_minutes: 60,
        is_usable_once: true,
    });
    assert_eq!(
        r.body,
        Some(json!({"lifetimeInMinutes": 60, "isUsableOnce": true}))
    );
    assert_eq!(
        r.path,
        format!("/v1.0/users/{U}/authentication/temporaryAccessPassMethods")
    );

    let r = req(Op::DeleteGrant {
        grant_id: "E3NH_x-1".into(),
    });
    assert_eq!(r.path, "/v1.0/oauth2PermissionGrants/E3NH_x-1");

    let r = req(Op::SetRuleEnabled {
        rule_id: "AQAA/J5d+ZqA=".into(),
        enabled: false,
    });
    assert_eq!(
        r.path,
        format!("/v1.0/users/{U}/mailFolders/inbox/messageRules/AQAA%2FJ5d%2BZqA=")
    );
    assert_eq!(r.body, Some(json!({"isEnabled": false})));
}

#[test]
fn password_resets_carry_no_secret_until_sent() {
    let r = req(Op::ResetPassword {
        via: PasswordReset::ResetPassword,
    });
    assert_eq!(
        r.path,
        format!("/v1.0/users/{U}/authentication/methods/28c10230-6103-485e-b985-444c60001490/resetPassword")
    );
    assert_eq!(r.body, Some(json!({})));
    let mut body = r.body.clone().unwrap();
    r.secret.unwrap().fill(&mut body, "Kx9!vQ2p");
    assert_eq!(body, json!({"newPassword": "Kx9!vQ2p"}));

    let r = req(Op::ResetPassword {
        via: PasswordReset::PasswordProfile,
    });
    assert_eq!(r.method, HttpMethod::Patch);
    let shown = r.display_body().unwrap();
    assert_eq!(
        shown["passwordProfile"]["password"],
        json!(SecretSlot::PLACEHOLDER)
    );
    assert!(r.body.unwrap()["passwordProfile"].get("password").is_none());
}

#[test]
fn each_op_carries_its_throttle_scope() {
    use reclaim_graph::throttle::ThrottleScope;
    let scope = |op: Op| op.graph_request(U).unwrap().scope;
    assert_eq!(
        scope(Op::ConfirmCompromised),
        ThrottleScope::IdentityProtection
    );
    assert_eq!(
        scope(Op::DeleteRule {
            rule_id: "r".into()
        }),
        ThrottleScope::Outlook { mailbox: U.into() }
    );
    assert!(matches!(
        scope(Op::SetPhoneNumber {
            phone_type: "mobile".into(),
            number: "+1 5".into()
        }),
        ThrottleScope::Directory { write: true, .. }
    ));
    assert!(matches!(
        scope(Op::SetDefaultMfa {
            preferred: "sms".into()
        }),
        ThrottleScope::Directory { write: true, .. }
    ));
}

#[test]
fn impossible_ops_are_refused() {
    assert!(Op::DeleteMethod {
        method_id: reclaim_graph::models::PASSWORD_METHOD_ID.into(),
        kind: MethodKind::Password
    }
    .request(U)
    .is_err());
    assert!(Op::SetPhoneNumber {
        phone_type: "pager".into(),
        number: "+1 1".into()
    }
    .request(U)
    .is_err());
    assert!(Op::IssueTap {
        lifetime_in_minutes: 5,
        is_usable_once: true
    }
    .request(U)
    .is_err());
}

#[test]
fn recreated_rules_drop_server_fields() {
    let rule = json!({"id": "r", "displayName": "x", "sequence": 2, "isEnabled": true,
        "hasError": false, "isReadOnly": false, "conditions": {"subjectContains": ["invoice"]},
        "exceptions": null, "actions": {"delete": true}});
    let r = req(Op::CreateRule { rule });
    assert_eq!(
        r.body,
        Some(json!({"displayName": "x", "sequence": 2, "isEnabled": true,
            "conditions": {"subjectContains": ["invoice"]}, "actions": {"delete": true}}))
    );
}

#[test]
fn ops_serialize_with_a_tag() {
    let op = Op::DeleteMethod {
        method_id: "m".into(),
        kind: MethodKind::Phone,
    };
    let v = serde_json::to_value(&op).unwrap();
    assert_eq!(
        v,
        json!({"op": "deleteMethod", "methodId": "m", "kind": "phone"})
    );
    assert_eq!(serde_json::from_value::<Op>(v).unwrap(), op);
}
