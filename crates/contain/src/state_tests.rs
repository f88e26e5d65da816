use super::*;
use serde_json::json;

#[test]
fn methods_parse_kinds_and_phones() {
    let m = MethodState::from_graph(&json!({
        "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
        "id": "3179e48a-750b-4051-897c-87b9720928f7",
        "phoneNumber": "+1 5555550100", "phoneType": "mobile", "smsSignInState": "ready",
        "someFutureField": 1
    }));
    assert_eq!(m.kind, Some(MethodKind::Phone));
    assert_eq!(m.phone_type.as_deref(), Some("mobile"));
    let u = MethodState::from_graph(&json!({
        "@odata.type": "#microsoft.graph.externalAuthenticationMethod", "id": "x"
    }));
    assert_eq!(u.kind, None);
}

#[test]
fn rule_digest_ignores_enabled_but_not_actions() {
    let a = json!({"id": "r1", "displayName": "x", "isEnabled": true, "hasError": false,
                   "actions": {"delete": true}});
    let mut b = a.clone();
    b["isEnabled"] = json!(false);
    let mut c = a.clone();
    c["actions"]["delete"] = json!(false);
    let (ra, rb, rc) = (
        RuleState::from_graph(&a),
        RuleState::from_graph(&b),
        RuleState::from_graph(&c),
    );
    assert_eq!(ra.digest, rb.digest);
    assert_ne!(ra.digest, rc.digest);
}

#[test]
fn fingerprint_diff_names_what_changed() {
    let mut s = AccountState {
        user: Some(UserState {
            account_enabled: Some(true),
            ..UserState::default()
        }),
        methods: Some(vec![]),
        ..AccountState::default()
    };
    let before = s.fingerprint(None);
    s.methods = Some(vec![MethodState::from_graph(&json!({
        "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        "id": "new", "displayName": "Attacker phone"
    }))]);
    let d = diff(&before, &s.fingerprint(None));
    assert_eq!(d.len(), 1);
    assert!(d[0].contains("method new appeared"));
}
