//! Every endpoint method of the Graph client against the simulator over real HTTP.

use super::support::*;
use reclaim_core::secrets::Secret;
use reclaim_graph::auth::Credential;
use reclaim_graph::client::{PasswordReset, RiskyUserFilter};
use reclaim_graph::models::*;
use reclaim_graph::requests;
use reclaim_graph::throttle::Limits;
use reclaim_graph::{ClientOptions, GraphError};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn every_endpoint_method_works_against_the_simulator() {
    let s = sim(fast()).await;
    // The fast profile throttles nothing; neither need the client.
    let c = app(
        &s,
        ClientOptions {
            limits: Limits::none(),
            ..Default::default()
        },
    );
    let (admin, cfo, dev) = (user_id(&s, "admin"), user_id(&s, "cfo"), user_id(&s, "dev"));

    // Users, manager, roles.
    let u = c.get_user("cfo@contoso-sim.onmicrosoft.com").await.unwrap();
    assert_eq!(u.value.id, cfo);
    assert_eq!(
        u.value.job_title.as_deref(),
        Some("Chief Financial Officer")
    );
    assert!(u.ids.request_id.is_some() && !u.ids.client_request_id.is_empty());
    // A user without a manager answers 404, which is an answer, not a failure.
    let manager = format!("/users/{}/manager", requests::seg(&cfo));
    match c
        .send_json::<User>(requests::directory_get(manager, "read-users"))
        .await
    {
        Ok(_) => {}
        Err(e) => assert!(e.is_not_found(), "{e}"),
    }
    let roles = c.user_roles(&admin).collect().await.unwrap().items;
    assert_eq!(
        roles[0]
            .role_definition
            .as_ref()
            .unwrap()
            .template_id
            .as_deref(),
        Some("62e90394-69f5-4237-9190-012177145e10")
    );
    let member_of = format!(
        "/users/{}/memberOf/microsoft.graph.directoryRole",
        requests::seg(&admin)
    );
    assert!(!c
        .pager::<DirectoryRole>(requests::directory_get(member_of, "read-roles"))
        .collect()
        .await
        .unwrap()
        .items
        .is_empty());
    assert!(!c
        .list_role_assignments()
        .collect()
        .await
        .unwrap()
        .items
        .is_empty());
    let err = c
        .get_user("nobody@contoso-sim.onmicrosoft.com")
        .await
        .unwrap_err();
    assert!(
        err.is_not_found() && err.code() == Some("Request_ResourceNotFound"),
        "{err:?}"
    );

    // Identity Protection with typed enum filters.
    add_risky_user(&s, &cfo, "high");
    add_risky_user(&s, &dev, "low");
    let high = c
        .list_risky_users(&RiskyUserFilter {
            levels: vec![RiskLevel::High],
            top: Some(50),
            ..Default::default()
        })
        .collect()
        .await
        .unwrap();
    assert_eq!(
        high.items.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![cfo.clone()]
    );
    assert_eq!(
        c.get_risky_user(&cfo).await.unwrap().value.risk_state,
        Some(RiskState::AtRisk)
    );
    c.send_empty(requests::confirm_compromised(&[cfo.as_str()]))
        .await
        .unwrap();
    assert_eq!(
        c.get_risky_user(&cfo).await.unwrap().value.risk_level,
        Some(RiskLevel::High)
    );
    let history = format!(
        "/identityProtection/riskyUsers/{}/history",
        requests::seg(&cfo)
    );
    assert!(c
        .pager::<RiskyUserHistoryItem>(requests::identity_protection(
            reqwest::Method::GET,
            history,
            "read-risky-users"
        ))
        .collect()
        .await
        .is_ok());
    c.send_empty(requests::dismiss_risk(&[dev.as_str()]))
        .await
        .unwrap();
    assert!(c
        .list_risk_detections(
            Some(&cfo),
            Some(chrono::Utc::now() - chrono::Duration::days(30)),
            Some(100)
        )
        .collect()
        .await
        .is_ok());

    // Sessions, sign-in blocking, password profile; the audits they leave.
    let revoked = c
        .send_empty(requests::revoke_sign_in_sessions(&dev))
        .await
        .unwrap();
    assert!((200..300).contains(&revoked.status));
    c.send_empty(requests::set_account_enabled(&dev, false))
        .await
        .unwrap();
    assert_eq!(
        c.get_user(&dev).await.unwrap().value.account_enabled,
        Some(false)
    );
    c.send_empty(requests::set_account_enabled(&dev, true))
        .await
        .unwrap();
    let password = Secret::new("Xy9!long-enough-Pass".into());
    c.send_empty(requests::set_password_profile(&dev, Some(&password), true))
        .await
        .unwrap();
    let since = (chrono::Utc::now() - chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let audits = c
        .list_directory_audits(
            Some(&format!(
                "activityDateTime ge {since} and targetResources/any(t:t/id eq '{dev}')"
            )),
            None,
        )
        .collect()
        .await
        .unwrap();
    assert!(
        audits
            .items
            .iter()
            .any(|a| a.activity_display_name.as_deref()
                == Some("Update StsRefreshTokenValidFrom Timestamp")),
        "{:?}",
        audits.items
    );
    assert!(c
        .list_sign_ins(
            Some(&format!("userId eq '{cfo}' and createdDateTime ge {since}")),
            Some(10)
        )
        .collect()
        .await
        .is_ok());
    assert!(c.list_sign_ins_beta(None, Some(10)).collect().await.is_ok());

    // Authentication methods: phones, TAP, delete by kind.
    let phone = c
        .send_json::<PhoneMethod>(requests::add_phone(&dev, "+1 5555550100", "mobile"))
        .await
        .unwrap()
        .value;
    assert_eq!(phone.phone_type, Some(PhoneType::Mobile));
    c.send_empty(requests::update_phone(&dev, &phone.id, "+44 7700900123"))
        .await
        .unwrap();
    let phones = c
        .pager::<PhoneMethod>(requests::reports_get(
            format!("/users/{}/authentication/phoneMethods", requests::seg(&dev)),
            "read-auth-methods",
        ))
        .collect()
        .await
        .unwrap()
        .items;
    assert_eq!(phones[0].phone_number.as_deref(), Some("+44 7700900123"));
    let tap = c
        .send_json::<TemporaryAccessPassMethod>(requests::create_tap(
            &dev,
            json!({ "lifetimeInMinutes": 60, "isUsableOnce": true }),
        ))
        .await
        .unwrap()
        .value;
    assert!(tap.temporary_access_pass.is_some());
    let methods = c.list_methods(&dev).collect().await.unwrap().items;
    assert!(methods.iter().any(|m| m.kind() == Some(MethodKind::Phone)));
    assert!(methods
        .iter()
        .any(|m| m.kind() == Some(MethodKind::TemporaryAccessPass)));
    c.send_empty(requests::delete_method(&dev, MethodKind::TemporaryAccessPass, &tap.id).unwrap())
        .await
        .unwrap();
    // The service's rule: the default method goes last. Its 400 comes back as Graph said it.
    s.with_tenant_mut(|t| {
        t.methods
            .entry(dev.as_str().into())
            .or_default()
            .push(reclaim_sim::model::AuthMethod {
                id: "0000a0a0-0000-4000-8000-00000000d0e5".into(),
                kind: Some(reclaim_sim::model::MethodKind::MicrosoftAuthenticator),
                display_name: Some("iPhone 15".into()),
                ..Default::default()
            })
    });
    let prefs = c
        .send_json::<SignInPreferences>(requests::get_sign_in_preferences(&dev))
        .await
        .unwrap()
        .value;
    assert_eq!(
        prefs.user_preferred_method_for_secondary_authentication,
        Some(DefaultMfaMethod::Sms)
    );
    assert_eq!(
        prefs.is_system_preferred_authentication_method_enabled,
        Some(false)
    );
    let delete_phone = || requests::delete_method(&dev, MethodKind::Phone, &phone.id).unwrap();
    let default = c.send_empty(delete_phone()).await.unwrap_err();
    assert_eq!(
        (default.status(), default.code()),
        (Some(400), Some("badRequest"))
    );
    assert!(default
        .to_string()
        .contains("default authentication method"));
    // Beta moves the default; then the phone may go. A kind not registered is a 400.
    c.send_empty(requests::set_preferred_mfa_method(
        &dev,
        DefaultMfaMethod::Push.as_str(),
    ))
    .await
    .unwrap();
    assert_eq!(
        c.send_json::<SignInPreferences>(requests::get_sign_in_preferences(&dev))
            .await
            .unwrap()
            .value
            .user_preferred_method_for_secondary_authentication,
        Some(DefaultMfaMethod::Push)
    );
    let office = c
        .send_empty(requests::set_preferred_mfa_method(
            &dev,
            DefaultMfaMethod::VoiceOffice.as_str(),
        ))
        .await
        .unwrap_err();
    assert_eq!(office.status(), Some(400));
    c.send_empty(delete_phone()).await.unwrap();
    assert!(matches!(
        requests::delete_method(&dev, MethodKind::Password, PASSWORD_METHOD_ID),
        Err(GraphError::Invalid(_))
    ));

    // Delegated password reset with its long-running operation.
    let token = s.mint_delegated_token(
        &admin,
        &s.apps.full.client_id,
        &[
            "UserAuthMethod-Password.ReadWrite.All",
            "UserAuthenticationMethod.ReadWrite.All",
            "UserAuthenticationMethod.Read.All",
        ],
    );
    let delegated = client_with(
        &s,
        Credential::StaticToken(Secret::new(token)),
        None,
        ClientOptions::default(),
    );
    let reset = delegated
        .send(&requests::reset_password(&dev, None))
        .await
        .unwrap();
    assert_eq!(reset.status, 202);
    assert!(reset.location.is_some());
    let reset = PasswordReset {
        operation_url: reset.location,
        generated_password: None,
        retry_after: reset.retry_after,
    };
    let op = delegated
        .wait_for_password_reset(&dev, &reset, Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(op.value.status, Some(OperationStatus::Succeeded));

    // Inbox rules, folders, mailbox settings.
    add_mailbox(&s, &cfo);
    let rule = MessageRule {
        display_name: Some("..".into()),
        sequence: Some(1),
        is_enabled: Some(true),
        conditions: Some(MessageRulePredicates {
            subject_contains: vec!["invoice".into()],
            ..Default::default()
        }),
        actions: Some(MessageRuleActions {
            move_to_folder: Some("rss-id".into()),
            mark_as_read: Some(true),
            stop_processing_rules: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    };
    let created = c
        .send_json::<MessageRule>(requests::create_rule(&cfo, rule.to_create_body()))
        .await
        .unwrap()
        .value;
    assert_eq!(
        created.actions.as_ref().unwrap().move_to_folder.as_deref(),
        Some("rss-id")
    );
    let listed = c.list_inbox_rules(&cfo).collect().await.unwrap().items;
    assert_eq!(listed.len(), 1);
    let disabled = c
        .send_json::<MessageRule>(requests::update_rule(
            &cfo,
            &created.id,
            json!({ "isEnabled": false }),
        ))
        .await
        .unwrap()
        .value;
    assert_eq!(disabled.is_enabled, Some(false));
    c.send_empty(requests::delete_rule(&cfo, &created.id))
        .await
        .unwrap();
    assert!(c
        .list_inbox_rules(&cfo)
        .collect()
        .await
        .unwrap()
        .items
        .is_empty());
    let folders = c.list_mail_folders(&cfo).collect().await.unwrap().items;
    assert!(folders
        .iter()
        .any(|f| f.display_name.as_deref() == Some("RSS Feeds")));
    assert_eq!(
        c.get_mail_folder(&cfo, "inbox").await.unwrap().value.id,
        "inbox-id"
    );
    assert_eq!(
        c.send_json::<MailboxSettings>(requests::outlook(
            reqwest::Method::GET,
            &cfo,
            format!("/users/{}/mailboxSettings", requests::seg(&cfo)),
            "read-inbox-rules",
        ))
        .await
        .unwrap()
        .value
        .time_zone
        .as_deref(),
        Some("UTC")
    );
    let no_mailbox = c.list_inbox_rules(&dev).collect().await.unwrap_err();
    assert_eq!(no_mailbox.status(), Some(404));

    // OAuth grants and service principals.
    assert!(c.user_oauth_grants(&cfo).collect().await.is_ok());
    let sp = c.claims().await.unwrap().unwrap().oid.unwrap();
    assert_eq!(
        c.get_service_principal(&sp)
            .await
            .unwrap()
            .value
            .app_id
            .as_deref(),
        Some(s.apps.full.client_id.as_str())
    );
    let by_client = format!(
        "/oauth2PermissionGrants?$filter={}",
        requests::query_value(&format!("clientId eq {}", requests::odata_str(&sp)))
    );
    assert!(c
        .pager::<OAuth2PermissionGrant>(requests::directory_get(by_client, "read-oauth-grants"))
        .collect()
        .await
        .is_ok());
    let missing = c
        .send_empty(requests::delete_grant("no-such-grant"))
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
}
