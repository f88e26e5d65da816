//! The client's Graph models against the real schema (tests/data/client-schema.json, extracted
//! by scripts/extract_client_schema.py), and parsing of sample payloads: unknown fields,
//! `unknownFutureValue`, unknown members and unknown method types never break a parse.

use reclaim_graph::models::*;
use serde_json::{json, Value};

fn schema() -> Value {
    serde_json::from_str(include_str!("../data/client-schema.json")).expect("schema extract parses")
}

/// Whether a model field kind fits a v1.0 schema type.
fn compatible(kind: &FieldKind, ty: &str, schema: &Value) -> Result<(), String> {
    if let (FieldKind::Collection(inner), Some(rest)) = (kind, ty.strip_prefix("Collection(")) {
        return compatible(inner, rest.trim_end_matches(')'), schema);
    }
    let ok = match kind {
        // Edm.Binary travels as base64 text in JSON (a certificate, its thumbprint).
        FieldKind::String => matches!(
            ty,
            "Edm.String" | "Edm.Guid" | "Edm.Duration" | "Edm.Date" | "Edm.Binary"
        ),
        FieldKind::Bool => ty == "Edm.Boolean",
        FieldKind::Int => matches!(ty, "Edm.Int32" | "Edm.Int64" | "Edm.Int16" | "Edm.Byte"),
        FieldKind::Float => matches!(ty, "Edm.Double" | "Edm.Single" | "Edm.Decimal"),
        FieldKind::DateTime => ty == "Edm.DateTimeOffset",
        FieldKind::Json => true,
        FieldKind::Enum(name, members) => {
            if ty != format!("microsoft.graph.{name}") {
                false
            } else {
                let known = &schema["v1.0"]["enums"][name];
                for m in members.iter() {
                    let found = known.as_array().is_some_and(|a| a.iter().any(|k| k == m));
                    if !found {
                        return Err(format!("enum {name} has no member {m}"));
                    }
                }
                true
            }
        }
        FieldKind::Complex(name) => ty == format!("microsoft.graph.{name}"),
        FieldKind::Collection(_) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{kind:?} does not fit {ty}"))
    }
}

#[test]
fn every_model_field_exists_in_the_schema_with_a_compatible_type() {
    let schema = schema();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (ty, fields) in schema_registry() {
        let v1 = &schema["v1.0"]["types"][ty]["properties"];
        let beta = schema["beta"]["types"][ty]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for f in fields {
            checked += 1;
            if f.beta {
                // Beta lists only a type's own properties; inherited ones are in v1.0.
                let in_beta = beta.iter().any(|p| p == f.json);
                if !in_beta {
                    problems.push(format!("{ty}.{}: not in the beta schema", f.json));
                }
                if v1.get(f.json).is_some() {
                    problems.push(format!("{ty}.{}: marked beta but v1.0 has it", f.json));
                }
                continue;
            }
            match v1.get(f.json).and_then(Value::as_str) {
                None => problems.push(format!("{ty}.{}: not in the v1.0 schema", f.json)),
                Some(sty) => {
                    if let Err(e) = compatible(&f.kind, sty, &schema) {
                        problems.push(format!("{ty}.{}: {e}", f.json));
                    }
                }
            }
        }
    }
    assert!(checked > 200, "only {checked} fields checked");
    assert!(
        problems.is_empty(),
        "schema mismatches:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_schema_check_catches_a_wrong_field() {
    // The checker itself can fail: a made-up field and a wrong type are reported.
    let schema = schema();
    let v1 = &schema["v1.0"]["types"]["riskyUser"]["properties"];
    assert!(v1.get("riskScore").is_none());
    assert!(compatible(&FieldKind::Bool, v1["riskLevel"].as_str().unwrap(), &schema).is_err());
    assert!(compatible(
        &FieldKind::Enum("riskLevel", &["low", "severe"]),
        "microsoft.graph.riskLevel",
        &schema
    )
    .is_err());
}

#[test]
fn risky_user_tolerates_unknown_fields_and_members() {
    let u: RiskyUser = serde_json::from_value(json!({
        "id": "u1", "isDeleted": false, "isProcessing": false,
        "riskLastUpdatedDateTime": "2024-03-01T10:11:12.1234567Z",
        "riskLevel": "unknownFutureValue", "riskState": "brandNewState",
        "riskDetail": null, "userDisplayName": "Ada", "userPrincipalName": "ada@contoso.com",
        "someFutureField": {"nested": [1, 2, 3]}
    }))
    .unwrap();
    assert_eq!(u.risk_level, Some(RiskLevel::UnknownFutureValue));
    assert_eq!(u.risk_state, Some(RiskState::Other("brandNewState".into())));
    assert_eq!(u.risk_detail, None);
    assert_eq!(
        u.risk_last_updated_date_time.unwrap().to_string(),
        "2024-03-01T10:11:12.123456700Z"
    );
    // Round trip keeps the wire names and unknown members.
    let back = serde_json::to_value(&u).unwrap();
    assert_eq!(back["riskState"], "brandNewState");
    assert_eq!(back["riskLevel"], "unknownFutureValue");
}

#[test]
fn sign_in_parses_v1_and_beta_shapes_and_nulls() {
    let s: SignIn = serde_json::from_value(json!({
        "id": "s1", "createdDateTime": "2024-03-01T10:00:00Z", "userId": "u1",
        "appDisplayName": "OfficeHome", "ipAddress": "203.0.113.9",
        "status": {"errorCode": 0, "failureReason": null, "additionalDetails": null},
        "location": {"city": "Lagos", "countryOrRegion": "NG", "geoCoordinates": {"latitude": 6.5, "longitude": 3.4}},
        "deviceDetail": {"browser": "Chrome 120", "operatingSystem": "Windows10"},
        "riskEventTypes_v2": null,
        "autonomousSystemNumber": 64500,
        "networkLocationDetails": [{"networkType": "namedNetwork", "networkNames": ["HQ"]}],
        "signInEventTypes": ["interactiveUser"],
        "riskLevelDuringSignIn": "high"
    }))
    .unwrap();
    assert!(s.succeeded());
    assert!(s.risk_event_types_v2.is_empty());
    assert_eq!(s.autonomous_system_number, Some(64500));
    assert_eq!(s.network_location_details[0].network_names, vec!["HQ"]);
    assert_eq!(
        s.location.unwrap().geo_coordinates.unwrap().latitude,
        Some(6.5)
    );
    assert_eq!(s.risk_level_during_sign_in, Some(RiskLevel::High));
}

#[test]
fn directory_audit_keeps_json_text_in_modified_properties() {
    let a: DirectoryAudit = serde_json::from_value(json!({
        "id": "a1", "category": "UserManagement", "result": "success",
        "activityDisplayName": "Update user", "activityDateTime": "2024-03-01T10:05:00Z",
        "loggedByService": "Core Directory", "operationType": "Update",
        "initiatedBy": {"user": {"id": "u1", "userPrincipalName": "ada@contoso.com", "ipAddress": "203.0.113.9"}, "app": null},
        "targetResources": [{"id": "u1", "type": "User", "modifiedProperties": [
            {"displayName": "StrongAuthenticationUserDetails",
             "oldValue": "[{\"PhoneNumber\":\"+1 5550100\"}]", "newValue": "[{\"PhoneNumber\":\"+44 7700900123\"}]"}
        ]}],
        "additionalDetails": []
    }))
    .unwrap();
    let p = a
        .modified_property("StrongAuthenticationUserDetails")
        .unwrap();
    let old: Value = serde_json::from_str(p.old_value.as_deref().unwrap()).unwrap();
    assert_eq!(old[0]["PhoneNumber"], "+1 5550100");
    assert_eq!(a.result, Some(OperationResult::Success));
}

#[test]
fn authentication_methods_dispatch_on_odata_type_with_an_unknown_variant() {
    let methods: Vec<AuthenticationMethod> = serde_json::from_value(json!([
        {"@odata.type": "#microsoft.graph.passwordAuthenticationMethod", "id": PASSWORD_METHOD_ID, "password": null, "createdDateTime": null},
        {"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "3179e48a-750b-4051-897c-87b9720928f7",
         "phoneNumber": "+1 5555550100", "phoneType": "mobile", "smsSignInState": "notEnabled"},
        {"@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod", "id": "m1",
         "displayName": "Pixel 8", "deviceTag": "SoftwareTokenActivated", "phoneAppVersion": "6.2401.0119",
         "createdDateTime": "2024-03-02T09:00:00Z", "clientAppName": "microsoftAuthenticator"},
        {"@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod", "id": "t1",
         "temporaryAccessPass": null, "isUsable": true, "methodUsabilityReason": "EnabledByPolicy", "lifetimeInMinutes": 60},
        {"@odata.type": "#microsoft.graph.fido2AuthenticationMethod", "id": "f1", "model": "YubiKey 5", "attestationCertificates": null},
        {"@odata.type": "#microsoft.graph.softwareOathAuthenticationMethod", "id": "o1"},
        {"@odata.type": "#microsoft.graph.emailAuthenticationMethod", "id": "e1", "emailAddress": "ada@example.org"},
        {"@odata.type": "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod", "id": "w1", "displayName": "LAPTOP-1", "keyStrength": "normal"},
        {"@odata.type": "#microsoft.graph.quantumEntanglementAuthenticationMethod", "id": "q1", "createdDateTime": "2024-03-01T00:00:00Z"}
    ]))
    .unwrap();
    assert_eq!(methods.len(), 9);
    assert_eq!(methods[0].kind(), Some(MethodKind::Password));
    match &methods[1] {
        AuthenticationMethod::Phone(p) => {
            assert_eq!(p.phone_type, Some(PhoneType::Mobile));
            assert_eq!(PhoneType::Mobile.method_id(), Some(p.id.as_str()));
        }
        other => panic!("not a phone: {other:?}"),
    }
    assert_eq!(methods[2].label(), "Pixel 8");
    assert_eq!(methods[4].label(), "YubiKey 5");
    match &methods[8] {
        AuthenticationMethod::Unknown {
            odata_type,
            id,
            created_date_time,
            ..
        } => {
            assert!(odata_type.contains("quantum"));
            assert_eq!(id, "q1");
            assert!(created_date_time.is_some());
        }
        other => panic!("not unknown: {other:?}"),
    }
    assert_eq!(methods[8].kind(), None);
    // Serializing puts @odata.type back, so a parsed method round-trips.
    let v = serde_json::to_value(&methods[1]).unwrap();
    assert_eq!(
        v["@odata.type"],
        "#microsoft.graph.phoneAuthenticationMethod"
    );
    let again: AuthenticationMethod = serde_json::from_value(v).unwrap();
    assert_eq!(again, methods[1]);
}

#[test]
fn message_rule_round_trips_to_a_create_body() {
    let rule: MessageRule = serde_json::from_value(json!({
        "id": "AQAAAJ5dZqA=", "displayName": "..", "sequence": 1, "isEnabled": true,
        "hasError": false, "isReadOnly": false,
        "conditions": {"subjectContains": ["invoice", "payment"], "futurePredicate": true},
        "exceptions": {},
        "actions": {"moveToFolder": "RSSFeedsId", "markAsRead": true,
            "forwardTo": [{"emailAddress": {"name": "x", "address": "drop@evil.example"}}],
            "redirectTo": null, "stopProcessingRules": true, "markImportance": "unknownFutureValue"}
    }))
    .unwrap();
    let actions = rule.actions.as_ref().unwrap();
    assert_eq!(actions.outbound_addresses(), vec!["drop@evil.example"]);
    assert_eq!(
        actions.mark_importance,
        Some(Importance::UnknownFutureValue)
    );
    let body = rule.to_create_body();
    assert!(body.get("id").is_none());
    assert_eq!(
        body["conditions"],
        json!({"subjectContains": ["invoice", "payment"]})
    );
    assert!(body["actions"].get("redirectTo").is_none());
    assert_eq!(
        body["actions"]["forwardTo"][0]["emailAddress"]["address"],
        "drop@evil.example"
    );
}

#[test]
fn grants_operations_and_settings_parse() {
    let g: OAuth2PermissionGrant = serde_json::from_value(json!({
        "id": "E3NH", "clientId": "sp1", "consentType": "Principal", "principalId": "u1",
        "resourceId": "sp2", "scope": " Mail.Read offline_access"
    }))
    .unwrap();
    assert_eq!(g.scopes(), vec!["Mail.Read", "offline_access"]);
    let op: LongRunningOperation = serde_json::from_value(json!({
        "id": "op1", "status": "running", "createdDateTime": "2024-03-01T10:00:00",
        "resourceLocation": null
    }))
    .unwrap();
    assert_eq!(op.status, Some(OperationStatus::Running));
    assert!(!op.status.unwrap().is_terminal());
    assert!(
        op.created_date_time.is_some(),
        "offset-less timestamps read as UTC"
    );
    let ms: MailboxSettings = serde_json::from_value(json!({
        "automaticRepliesSetting": {"status": "alwaysEnabled", "externalAudience": "all",
            "scheduledStartDateTime": {"dateTime": "2024-03-01T00:00:00.0000000", "timeZone": "UTC"}},
        "timeZone": "UTC", "workingHours": {"daysOfWeek": ["monday"]}
    }))
    .unwrap();
    let auto = ms.automatic_replies_setting.unwrap();
    assert_eq!(auto.status, Some(AutomaticRepliesStatus::AlwaysEnabled));
    assert_eq!(auto.external_audience, Some(ExternalAudienceScope::All));
}

#[test]
fn every_permission_in_the_capability_table_exists_for_its_token_kind() {
    use reclaim_graph::permissions::CAPABILITIES;
    let catalog: serde_json::Map<String, Value> =
        serde_json::from_str(include_str!("../data/client-permissions.json")).unwrap();
    let has = |name: &str, scheme: &str| {
        catalog
            .get(name)
            .and_then(Value::as_array)
            .is_some_and(|s| s.iter().any(|x| x == scheme))
    };
    let mut problems = Vec::new();
    for c in CAPABILITIES {
        for p in c.application.iter().flat_map(|a| a.iter()) {
            if !has(p, "Application") {
                problems.push(format!("{}: {p} is not an application permission", c.name));
            }
        }
        for p in c.delegated.iter().flat_map(|a| a.iter()) {
            if !has(p, "DelegatedWork") {
                problems.push(format!("{}: {p} is not a delegated permission", c.name));
            }
        }
    }
    assert!(
        !has("Mail.ReadBasic.All", "DelegatedWork"),
        "the check can fail"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn sign_in_preferences_tolerate_new_members_nulls_and_extra_fields() {
    let p: SignInPreferences = serde_json::from_value(serde_json::json!({
        "@odata.type": "#microsoft.graph.signInPreferences",
        "isSystemPreferredAuthenticationMethodEnabled": null,
        "userPreferredMethodForSecondaryAuthentication": "unknownFutureValue",
        "systemPreferredAuthenticationMethod": "push"
    }))
    .unwrap();
    assert_eq!(
        p.user_preferred_method_for_secondary_authentication,
        Some(DefaultMfaMethod::UnknownFutureValue)
    );
    assert_eq!(p.is_system_preferred_authentication_method_enabled, None);
    let later: SignInPreferences = serde_json::from_value(serde_json::json!({
        "userPreferredMethodForSecondaryAuthentication": "passkey"
    }))
    .unwrap();
    assert_eq!(
        later.user_preferred_method_for_secondary_authentication,
        Some(DefaultMfaMethod::Other("passkey".into()))
    );
    assert_eq!(
        DefaultMfaMethod::from_wire("voiceAlternateMobile").as_str(),
        "voiceAlternateMobile"
    );
}
