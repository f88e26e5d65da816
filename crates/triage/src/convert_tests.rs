use super::*;
use serde_json::json;

/// Finding 13 of #17: the Graph reference's roleAssignment example carries only
/// `roleDefinitionId`; the role came out empty.
#[test]
fn a_role_without_its_expanded_definition_keeps_its_id() {
    let a: g::RoleAssignment = serde_json::from_value(json!({
        "id": "lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hr48lds9SGHI-1",
        "principalId": "4aae6e0e-1d0d-4a42-8d6e-f1f2a2ee5a4e",
        "directoryScopeId": "/",
        "roleDefinitionId": "62E90394-69F5-4237-9190-012177145E10"
    }))
    .unwrap();
    let r = role_from_assignment(&a).unwrap();
    assert_eq!(r.name, "Global Administrator");
    assert_eq!(
        r.template_id.as_deref(),
        Some("62e90394-69f5-4237-9190-012177145e10")
    );
    let pack = crate::Pack::embedded();
    assert!(pack.is_privileged_role(&r.name, r.template_id.as_deref()));
    let custom: g::RoleAssignment = serde_json::from_value(json!({
        "id": "x", "principalId": "p", "roleDefinitionId": "aaaaaaaa-0000-0000-0000-000000000001"
    }))
    .unwrap();
    assert_eq!(
        role_from_assignment(&custom).unwrap().name,
        "role aaaaaaaa-0000-0000-0000-000000000001"
    );
}

#[test]
fn sign_in_from_graph_json() {
    let s: g::SignIn = serde_json::from_value(json!({
        "id": "s1", "createdDateTime": "2024-05-01T10:00:00Z", "userId": "u1",
        "appDisplayName": "OfficeHome", "ipAddress": "102.89.1.1",
        "userAgent": "UA\u{1b}[2J", "status": {"errorCode": 0},
        "riskLevelDuringSignIn": "unknownFutureValue",
        "deviceDetail": {"deviceId": "", "isManaged": false},
        "location": {"city": "Lagos", "countryOrRegion": "NG",
                     "geoCoordinates": {"latitude": 6.5, "longitude": 3.4}},
        "autonomousSystemNumber": 29465, "brandNewField": {"x": 1},
        "networkLocationDetails": [
            {"networkType": "namedNetwork", "networkNames": ["Selena Telecom LLC", " "]},
            {"networkType": "trustedNamedLocation", "networkNames": ["HQ"]}
        ]
    }))
    .unwrap();
    let (user, f) = sign_in(&s).unwrap();
    assert_eq!(user, "u1");
    assert_eq!(f.network_names, vec!["Selena Telecom LLC".to_string()]);
    assert!(f.succeeded());
    assert_eq!(f.asn, Some(29465));
    assert_eq!(f.device_id, None, "empty device id means none");
    assert_eq!(f.geo, Some((6.5, 3.4)));
    assert_eq!(f.risk_during, RiskLevel::Unknown);
    assert!(f.user_agent.contains('\u{1b}'), "kept as data");
}

#[test]
fn audit_with_json_in_strings() {
    let a: g::DirectoryAudit = serde_json::from_value(json!({
        "id": "a1", "activityDisplayName": "Update user",
        "activityDateTime": "2024-05-01T10:00:00Z", "result": "success",
        "loggedByService": "Core Directory",
        "initiatedBy": {"user": {"userPrincipalName": "x@contoso.com", "ipAddress": "1.2.3.4"}},
        "targetResources": [{"id": "u1", "type": "User", "modifiedProperties": [
            {"displayName": "StrongAuthenticationUserDetails",
             "oldValue": "[{\"PhoneNumber\":\"+1 5550100\"}]",
             "newValue": "[{\"PhoneNumber\":\"+234 8030000000\"}]"}]}]
    }))
    .unwrap();
    let e = audit(&a);
    assert_eq!(e.target_id.as_deref(), Some("u1"));
    assert_eq!(e.initiator_ip.as_deref(), Some("1.2.3.4"));
    assert_eq!(e.mfa.phones.len(), 1);
    assert_eq!(e.mfa.phones[0].old.as_deref(), Some("+1 5550100"));
}

#[test]
fn rule_folders_and_predicates() {
    let r: g::MessageRule = serde_json::from_value(json!({
        "id": "r1", "displayName": ".", "isEnabled": true,
        "conditions": {"subjectContains": ["invoice"], "hasAttachments": true,
                       "fromAddresses": [{"emailAddress": {"address": "ceo@x.com"}}]},
        "actions": {"moveToFolder": "AAMkRSS=", "markAsRead": true,
                    "forwardTo": [{"emailAddress": {"name": "n", "address": "a@evil.ru"}}]}
    }))
    .unwrap();
    let folders = folder_index(&[g::MailFolder {
        id: "AAMkRSS=".into(),
        display_name: Some("RSS Feeds".into()),
        ..Default::default()
    }]);
    let f = rule(&r, &folders);
    assert_eq!(
        f.actions.move_to.unwrap().name.as_deref(),
        Some("RSS Feeds")
    );
    assert_eq!(f.conditions.keywords, vec!["invoice"]);
    assert_eq!(f.conditions.senders, vec!["ceo@x.com"]);
    assert_eq!(f.conditions.other, vec!["hasAttachments"]);
    assert_eq!(f.actions.forward_to, vec!["a@evil.ru"]);
}

#[test]
fn methods_of_every_kind() {
    let list: Vec<g::AuthenticationMethod> = serde_json::from_value(json!([
        {"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "3179e48a-750b-4051-897c-87b9720928f7",
         "phoneNumber": "+1 5555550100", "phoneType": "mobile"},
        {"@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod", "id": "m2",
         "displayName": "Pixel\u{202e}", "createdDateTime": "2024-05-01T10:00:00Z"},
        {"@odata.type": "#microsoft.graph.qrCodePinAuthenticationMethod", "id": "m3"}
    ]))
    .unwrap();
    let m: Vec<Method> = list.iter().map(method).collect();
    assert_eq!(m[0].phone_type, Some(PhoneType::Mobile));
    assert_eq!(m[1].kind, MethodKind::MicrosoftAuthenticator);
    assert!(m[1].created.is_some());
    assert_eq!(m[2].kind, MethodType::Other("qrCodePin".into()));
}
