//! Inbox rule writes (hidden rules untouchable, read-only shells), Identity Protection
//! verdicts with history and records, and OAuth grant narrowing and removal.

use super::support::{find, modified, Api};
use reclaim_sim::graph::sample::{self, CFO, RULE_HIDDEN, RULE_MOVE, RULE_SHELL, SALES};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn inbox_rules_risk_actions_and_grants() {
    let api = Api::start(3, 20).await;
    let rules = format!("/v1.0/users/{CFO}/mailFolders/inbox/messageRules");
    let forward = json!({"displayName": "Fwd", "sequence": 3, "actions": {"forwardTo": [{"emailAddress": {"address": "x@evil.example"}}]}});
    let r = api.expect(Method::POST, &rules, Some(forward), 201).await;
    let new_id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.body["actions"]["forwardTo"][0]["emailAddress"]["address"],
        "x@evil.example"
    );
    api.expect(
        Method::POST,
        &rules,
        Some(json!({"displayName": "bad", "actions": {"teleport": true}})),
        400,
    )
    .await;
    let r = api
        .expect(
            Method::PATCH,
            &format!("{rules}/{RULE_MOVE}"),
            Some(json!({"isEnabled": false})),
            200,
        )
        .await;
    assert_eq!(r.body["isEnabled"], false);
    api.expect(
        Method::PATCH,
        &format!("{rules}/{RULE_SHELL}"),
        Some(json!({"displayName": "x"})),
        400,
    )
    .await;
    api.expect(
        Method::PATCH,
        &format!("{rules}/{RULE_SHELL}"),
        Some(json!({"isEnabled": false})),
        200,
    )
    .await;
    api.expect(Method::DELETE, &format!("{rules}/{new_id}"), None, 204)
        .await;
    let gone = api
        .expect(Method::DELETE, &format!("{rules}/{new_id}"), None, 404)
        .await;
    assert_eq!(gone.code(), "ErrorItemNotFound");
    api.expect(Method::DELETE, &format!("{rules}/{RULE_HIDDEN}"), None, 404)
        .await;
    assert_eq!(api.get(&rules).await["value"].as_array().unwrap().len(), 2);
    assert!(api
        .sim
        .with_tenant(|t| t.mailboxes[CFO].hidden_rules.len() == 1));

    // Identity Protection verdicts.
    let risky = "/v1.0/identityProtection/riskyUsers";
    api.expect(
        Method::POST,
        &format!("{risky}/confirmCompromised"),
        Some(json!({})),
        400,
    )
    .await;
    let ro = api.sim.mint_app_token(&api.sim.apps.read_only.client_id);
    let r = api
        .send_as(
            &ro,
            Method::POST,
            &format!("{risky}/dismiss"),
            Some(json!({"userIds": [SALES]})),
        )
        .await;
    assert_eq!(r.status, 403);
    api.expect(
        Method::POST,
        &format!("{risky}/confirmCompromised"),
        Some(json!({"userIds": [SALES]})),
        204,
    )
    .await;
    let s = api.get(&format!("{risky}/{SALES}")).await;
    let got = (
        s["riskState"].as_str(),
        s["riskLevel"].as_str(),
        s["riskDetail"].as_str(),
    );
    assert_eq!(
        got,
        (
            Some("confirmedCompromised"),
            Some("high"),
            Some("adminConfirmedUserCompromised")
        )
    );
    let h = api.get(&format!("{risky}/{SALES}/history")).await;
    assert_eq!(
        h["value"][0]["initiatedBy"],
        api.sim.apps.full.client_id.as_str()
    );
    assert_eq!(
        h["value"][0]["activity"]["detail"],
        "adminConfirmedUserCompromised"
    );
    assert_eq!(
        find(&api.audits_for(SALES).await, "ConfirmCompromised")["loggedByService"],
        "Identity Protection"
    );
    api.expect(
        Method::POST,
        "/beta/riskyUsers/dismiss",
        Some(json!({"userIds": [CFO]})),
        204,
    )
    .await;
    let c = api.get(&format!("{risky}/{CFO}")).await;
    assert_eq!(
        (c["riskState"].as_str(), c["riskLevel"].as_str()),
        (Some("dismissed"), Some("none"))
    );
    find(&api.audits_for(CFO).await, "DismissUser");

    // Grants: narrow, then revoke.
    let grant = format!("/v1.0/oauth2PermissionGrants/{}", sample::GRANT_PRINCIPAL);
    api.expect(
        Method::PATCH,
        &grant,
        Some(json!({"scope": "User.Read"})),
        204,
    )
    .await;
    assert_eq!(api.get(&grant).await["scope"], "User.Read");
    api.expect(
        Method::PATCH,
        &grant,
        Some(json!({"consentType": "AllPrincipals"})),
        400,
    )
    .await;
    api.expect(Method::DELETE, &grant, None, 204).await;
    api.expect(Method::GET, &grant, None, 404).await;
    assert!(api
        .get(&format!("/v1.0/users/{CFO}/oauth2PermissionGrants"))
        .await["value"]
        .as_array()
        .unwrap()
        .is_empty());
    let removal = find(
        &api.audits_for(CFO).await,
        "Remove delegated permission grant",
    )
    .clone();
    assert_eq!(removal["category"], "ApplicationManagement");
    assert_eq!(
        modified(&removal, "DelegatedPermissionGrant.Scope")["oldValue"],
        "\"User.Read\""
    );
}

#[tokio::test]
async fn mailbox_settings_update_and_rule_folders_must_exist() {
    let api = Api::start(0, 0).await;
    let settings = format!("/v1.0/users/{CFO}/mailboxSettings");
    let replies = json!({"automaticRepliesSetting": {
        "status": "Scheduled",
        "scheduledStartDateTime": {"dateTime": "2024-03-20T18:00:00.0000000", "timeZone": "UTC"},
        "scheduledEndDateTime": {"dateTime": "2024-03-28T18:00:00.0000000", "timeZone": "UTC"},
        "externalReplyMessage": "Out of office"
    }});
    let r = api
        .expect(Method::PATCH, &settings, Some(replies), 200)
        .await;
    // Only the updated properties come back, enum values in their canonical case, merged.
    let keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["@odata.context", "automaticRepliesSetting"]);
    assert!(r.body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with(&format!("users('{CFO}')/mailboxSettings")));
    let set = &r.body["automaticRepliesSetting"];
    assert_eq!(
        (set["status"].as_str(), set["externalAudience"].as_str()),
        (Some("scheduled"), Some("none"))
    );
    let now = api.get(&settings).await;
    assert_eq!(
        now["automaticRepliesSetting"]["externalReplyMessage"],
        "Out of office"
    );
    assert_eq!(now["timeZone"], "Pacific Standard Time", "untouched");
    let hours = |h: Value| Some(json!({ "workingHours": h }));
    for (body, code) in [
        (
            hours(json!({"startTime": "18:00:00.0000000", "endTime": "09:00:00.0000000"})),
            "ErrorInvalidTimeSettings",
        ),
        (
            hours(json!({"daysOfWeek": ["RandomDay"]})),
            "InvalidArguments",
        ),
        (hours(json!({"startTime": "08"})), "RequestBodyRead"),
        (
            Some(json!({"userPurpose": "shared"})),
            "ErrorInvalidRequest",
        ),
    ] {
        let r = api.expect(Method::PATCH, &settings, body, 400).await;
        assert_eq!(r.code(), code);
    }
    let r = api
        .expect(
            Method::PATCH,
            &format!("/v1.0/users/{}/mailboxSettings", sample::NO_MAILBOX),
            Some(json!({"timeZone": "UTC"})),
            404,
        )
        .await;
    assert_eq!(r.code(), "MailboxNotEnabledForRESTAPI");
    let ro = api.sim.mint_app_token(&api.sim.apps.read_only.client_id);
    let r = api
        .send_as(
            &ro,
            Method::PATCH,
            &settings,
            Some(json!({"timeZone": "UTC"})),
        )
        .await;
    assert_eq!(r.status, 403);

    // A rule's target folder must exist in that mailbox.
    let rules = format!("/v1.0/users/{CFO}/mailFolders/inbox/messageRules");
    let rule = |target: &str| {
        Some(
            json!({"displayName": "t", "actions": {"moveToFolder": target, "stopProcessingRules": true}}),
        )
    };
    api.expect(Method::POST, &rules, rule("AAMkRss"), 201).await;
    api.expect(Method::POST, &rules, rule("deleteditems"), 201)
        .await;
    let r = api
        .expect(Method::POST, &rules, rule("AAMkNoSuchFolder"), 404)
        .await;
    assert_eq!(r.code(), "ErrorItemNotFound");
    let r = api
        .expect(Method::POST, &rules, rule("RSS Feeds"), 400)
        .await;
    assert_eq!(r.code(), "ErrorInvalidIdMalformed");
    let copy = Some(json!({"displayName": "c", "actions": {"copyToFolder": "AAMkGone"}}));
    api.expect(Method::POST, &rules, copy, 404).await;
    let moved = format!("{rules}/{RULE_MOVE}");
    let bad = Some(json!({"actions": {"moveToFolder": "AAMkGone"}}));
    api.expect(Method::PATCH, &moved, bad, 404).await;
    assert_eq!(api.get(&moved).await["actions"]["moveToFolder"], "AAMkRss");
    assert_eq!(
        api.get(&rules).await["value"].as_array().unwrap().len(),
        4,
        "two rules added, the refused ones not"
    );
}
