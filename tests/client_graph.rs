//! The Graph client against the simulator over real HTTP: every endpoint method, paging
//! across many pages with ConsistencyLevel resent, `$batch` with dependsOn and per-item 429,
//! and throttling in the realistic and hostile profiles (every request eventually served, no
//! mutating request processed twice — checked in the simulator's request log).

use futures::StreamExt as _;
use reclaim::graph::auth::{Authenticator, Credential, Secret};
use reclaim::graph::batch::BatchItem;
use reclaim::graph::client::{RiskyUserFilter, TapRequest};
use reclaim::graph::cloud::{ApiVersion, Endpoints, NationalCloud};
use reclaim::graph::models::*;
use reclaim::graph::progress::{Progress, ProgressEvent};
use reclaim::graph::throttle::{Limits, ThrottleScope, Window};
use reclaim::graph::{ClientOptions, GraphClient, GraphError};
use reclaim::sim::knobs::{Knobs, Limits as SimLimits, RateLimit};
use reclaim::sim::{fixture, Profile, SimConfig, SimHandle};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn sim(cfg: SimConfig, extra_users: usize) -> SimHandle {
    let mut scenario = fixture::small_tenant(cfg.seed, chrono::Utc::now());
    for i in 0..extra_users {
        let u = fixture::user(
            &format!("00000000-0000-4000-8000-{i:012}"),
            &format!("user{i}@contoso-sim.onmicrosoft.com"),
            &format!("User {i}"),
            Some("Clerk"),
        );
        scenario.tenant.users.push(u);
    }
    reclaim::sim::start_with(cfg, scenario)
        .await
        .expect("simulator starts")
}

fn client_with(s: &SimHandle, credential: Credential, options: ClientOptions) -> GraphClient {
    let e = Endpoints::resolve(
        NationalCloud::Global,
        Some(&s.login_url),
        Some(&s.graph_url),
    )
    .unwrap();
    let auth = Authenticator::new(
        reqwest::Client::new(),
        e,
        s.tenant_id.clone(),
        credential,
        None,
    );
    GraphClient::with_http(reqwest::Client::new(), Arc::new(auth), options)
}

fn full(s: &SimHandle) -> Credential {
    Credential::ClientSecret {
        client_id: s.apps.full.client_id.clone(),
        secret: Secret::new(s.apps.full.client_secret.clone()),
    }
}

fn user_id(s: &SimHandle, alias: &str) -> String {
    s.with_tenant(|t| {
        t.users
            .iter()
            .find(|u| u.user_principal_name.starts_with(&format!("{alias}@")))
            .unwrap()
            .id
            .clone()
    })
}

fn add_mailbox(s: &SimHandle, user: &str) {
    use reclaim::sim::model::{MailFolder, Mailbox};
    let folder = |id: &str, name: &str, wk: &str| MailFolder {
        id: id.into(),
        display_name: name.into(),
        parent_folder_id: None,
        well_known_name: Some(wk.into()),
    };
    s.with_tenant_mut(|t| {
        t.mailboxes.insert(
            user.to_string(),
            Mailbox {
                extra_folders: vec![folder("inbox-id", "Inbox", "inbox"), folder("rss-id", "RSS Feeds", "rssfeeds")],
                settings: json!({"timeZone": "UTC", "automaticRepliesSetting": {"status": "disabled", "externalAudience": "none"}}).into(),
                ..Default::default()
            },
        );
    });
}

fn add_risky_user(s: &SimHandle, user: &str, level: &str) {
    let upn = s.with_tenant(|t| {
        t.users
            .iter()
            .find(|u| u.id == user)
            .unwrap()
            .user_principal_name
            .clone()
    });
    let r: reclaim::sim::model::RiskyUser = serde_json::from_value(json!({
        "id": user, "isDeleted": false, "isProcessing": false,
        "riskLastUpdatedDateTime": chrono::Utc::now(), "riskLevel": level, "riskState": "atRisk",
        "riskDetail": "none", "userDisplayName": upn, "userPrincipalName": upn
    }))
    .unwrap();
    s.with_tenant_mut(|t| t.risky_users.insert(user.to_string(), r));
}

#[tokio::test]
async fn every_endpoint_method_works_against_the_simulator() {
    let s = sim(SimConfig::with_profile(Profile::Fast), 0).await;
    // The fast profile throttles nothing; neither need the client.
    let c = client_with(
        &s,
        full(&s),
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
    assert!(c.get_manager(&cfo).await.is_ok());
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
    assert!(!c
        .user_directory_roles(&admin)
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
    c.confirm_compromised(std::slice::from_ref(&cfo))
        .await
        .unwrap();
    assert_eq!(
        c.get_risky_user(&cfo).await.unwrap().value.risk_level,
        Some(RiskLevel::High)
    );
    assert!(c.risky_user_history(&cfo).collect().await.is_ok());
    c.dismiss_risk(std::slice::from_ref(&dev)).await.unwrap();
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
    let revoked = c.revoke_sign_in_sessions(&dev).await.unwrap();
    assert!((200..300).contains(&revoked.status));
    c.set_account_enabled(&dev, false).await.unwrap();
    assert_eq!(
        c.get_user(&dev).await.unwrap().value.account_enabled,
        Some(false)
    );
    c.set_account_enabled(&dev, true).await.unwrap();
    c.set_password_profile(&dev, &Secret::new("Xy9!long-enough-Pass".into()), true)
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
        .add_phone(&dev, "+1 5555550100", &PhoneType::Mobile)
        .await
        .unwrap()
        .value;
    assert_eq!(phone.phone_type, Some(PhoneType::Mobile));
    c.update_phone(&dev, &phone.id, "+44 7700900123")
        .await
        .unwrap();
    let phones = c.list_phone_methods(&dev).collect().await.unwrap().items;
    assert_eq!(phones[0].phone_number.as_deref(), Some("+44 7700900123"));
    let tap = c
        .create_tap(
            &dev,
            &TapRequest {
                lifetime_minutes: Some(60),
                usable_once: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .value;
    assert!(tap.pass.is_some() && tap.method.temporary_access_pass.is_none());
    let methods = c.list_methods(&dev).collect().await.unwrap().items;
    assert!(methods.iter().any(|m| m.kind() == Some(MethodKind::Phone)));
    assert!(methods
        .iter()
        .any(|m| m.kind() == Some(MethodKind::TemporaryAccessPass)));
    c.delete_method(&dev, MethodKind::TemporaryAccessPass, &tap.method.id)
        .await
        .unwrap();
    // The service's rule: the default method goes last. Its 400 comes back as Graph said it.
    let default = c.delete_phone(&dev, &phone.id).await.unwrap_err();
    assert_eq!(
        (default.status(), default.code()),
        (Some(400), Some("badRequest"))
    );
    assert!(default
        .to_string()
        .contains("default authentication method"));
    assert!(matches!(
        c.delete_method(&dev, MethodKind::Password, PASSWORD_METHOD_ID)
            .await,
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
        ClientOptions::default(),
    );
    let reset = delegated.reset_password(&dev, None).await.unwrap();
    assert_eq!(reset.status, 202);
    assert!(reset.value.operation_url.is_some());
    let op = delegated
        .wait_for_password_reset(&dev, &reset.value, Duration::from_secs(20))
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
        .create_rule(&cfo, rule.to_create_body())
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
        .set_rule_enabled(&cfo, &created.id, false)
        .await
        .unwrap()
        .value;
    assert_eq!(disabled.is_enabled, Some(false));
    c.delete_rule(&cfo, &created.id).await.unwrap();
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
        c.mailbox_settings(&cfo)
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
    assert!(c.grants_for_client(&sp).collect().await.is_ok());
    let missing = c.delete_grant("no-such-grant").await.unwrap_err();
    assert_eq!(missing.status(), Some(404));
}

#[tokio::test]
async fn paging_follows_every_link_resends_consistency_level_and_streams() {
    let s = sim(SimConfig::with_profile(Profile::Fast), 120).await;
    let progress_events = Arc::new(Mutex::new(Vec::new()));
    let ev = progress_events.clone();
    let progress = Progress::with_hook(Arc::new(move |e: &ProgressEvent| {
        ev.lock().unwrap().push(e.clone())
    }));
    let c = client_with(
        &s,
        full(&s),
        ClientOptions {
            progress,
            ..Default::default()
        },
    );
    let all = c.list_users(None, Some(7), false).collect().await.unwrap();
    assert_eq!(all.items.len(), 125);
    assert_eq!(all.pages, 18);
    assert!(all.is_complete());
    let mut ids: Vec<&str> = all.items.iter().map(|u| u.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 125, "no duplicates across pages");
    // An advanced query needs ConsistencyLevel on every page (nextLink does not carry it).
    let advanced = c
        .list_users(
            Some("endsWith(userPrincipalName,'@contoso-sim.onmicrosoft.com')"),
            Some(10),
            true,
        )
        .collect()
        .await
        .unwrap();
    assert_eq!(advanced.items.len(), 125);
    assert_eq!(advanced.count, Some(125));
    assert!(advanced.pages > 10);
    // Streaming: pages arrive one by one.
    let mut stream = Box::pin(c.list_users(None, Some(50), false).into_stream());
    let mut sizes = Vec::new();
    while let Some(page) = stream.next().await {
        sizes.push(page.unwrap().items.len());
    }
    assert_eq!(sizes, vec![50, 50, 25]);
    // Capped: flagged partial, never silently truncated.
    let capped = c
        .list_users(None, Some(10), false)
        .page_cap(3)
        .collect()
        .await
        .unwrap();
    assert_eq!(capped.items.len(), 30);
    assert!(matches!(
        capped.partial,
        Some(reclaim::graph::Incomplete::PageCap { pages: 3 })
    ));
    let snapshot = c.progress_snapshot();
    assert!(snapshot.pages >= 18 + 13 + 3 + 3 && snapshot.requests >= snapshot.pages);
    assert!(progress_events
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, ProgressEvent::Page { pages: 18, .. })));
}

#[tokio::test]
async fn batch_sends_twenty_per_request_keeps_depends_on_and_retries_throttled_items() {
    // The simulator allows 2 reports requests per 2 s; the client's scheduler assumes 5 per
    // 2.2 s, so items get their own 429s and must be retried alone.
    let limits = SimLimits {
        reports: RateLimit::new(2, Duration::from_secs(2)),
        ..SimLimits::default()
    };
    let s = sim(
        SimConfig {
            knobs: Some(Knobs::limits_only(limits)),
            ..SimConfig::with_profile(Profile::Fast)
        },
        40,
    )
    .await;
    let client_limits = Limits {
        reports: Window {
            limit: 5,
            period: Duration::from_millis(2200),
        },
        ..Limits::default()
    };
    let c = client_with(
        &s,
        full(&s),
        ClientOptions {
            limits: client_limits,
            ..Default::default()
        },
    );
    let users = c
        .list_users(None, Some(100), false)
        .collect()
        .await
        .unwrap()
        .items;
    let mut items: Vec<BatchItem> = users
        .iter()
        .take(30)
        .enumerate()
        .map(|(i, u)| {
            BatchItem::get(
                format!("u{i}"),
                format!("/users/{}?$select=id,displayName", u.id),
                "read-users",
                ThrottleScope::directory("/users/x?$select=id", false),
            )
        })
        .collect();
    for (i, u) in users.iter().take(6).enumerate() {
        items.push(BatchItem::get(
            format!("m{i}"),
            format!("/users/{}/authentication/methods", u.id),
            "read-auth-methods",
            ThrottleScope::Reports,
        ));
    }
    let dev = user_id(&s, "dev");
    items.push(BatchItem {
        method: reqwest::Method::POST,
        body: Some(json!({"phoneNumber": "+1 5555550111", "phoneType": "mobile"})),
        ..BatchItem::get(
            "add",
            format!("/users/{dev}/authentication/phoneMethods"),
            "restore-phone",
            ThrottleScope::directory("/x", true),
        )
    });
    items.push(BatchItem {
        depends_on: vec!["add".into()],
        ..BatchItem::get(
            "after",
            format!("/users/{dev}/authentication/phoneMethods"),
            "read-auth-methods",
            ThrottleScope::Reports,
        )
    });
    s.clear_request_log();
    let results = c.batch(ApiVersion::V1, items).await.unwrap();
    assert_eq!(results.len(), 38);
    for r in &results {
        let ok = r
            .outcome
            .as_ref()
            .unwrap_or_else(|e| panic!("{}: {e}", r.id));
        assert!((200..300).contains(&ok.status), "{}: {}", r.id, ok.status);
    }
    assert_eq!(
        results
            .iter()
            .find(|r| r.id == "after")
            .unwrap()
            .outcome
            .as_ref()
            .unwrap()
            .body["value"][0]["phoneNumber"],
        "+1 5555550111"
    );
    let log = s.request_log();
    let envelopes = log.iter().filter(|e| e.path.ends_with("/$batch")).count();
    assert!(
        envelopes >= 3,
        "30+ items need at least 3 batches ({envelopes})"
    );
    assert!(
        log.iter().any(|e| e.in_batch && e.status == 429),
        "items were throttled individually"
    );
    let adds = log
        .iter()
        .filter(|e| e.in_batch && e.method == "POST" && (200..300).contains(&e.status))
        .count();
    assert_eq!(adds, 1, "the POST item was processed exactly once");
}

/// For every mutating (method, path), entries the service processed (anything but 429/503).
fn processed_writes(s: &SimHandle) -> HashMap<(String, String), usize> {
    let mut m = HashMap::new();
    for e in s
        .request_log()
        .iter()
        .filter(|e| e.is_mutating() && e.status != 429 && e.status != 503)
    {
        *m.entry((e.method.clone(), e.path.clone())).or_default() += 1;
    }
    m
}

async fn workload(c: &GraphClient, s: &SimHandle, ids: &[String]) -> (usize, usize, usize) {
    let mut reads = Vec::new();
    reads.push(tokio::spawn({
        let c = c.clone();
        async move {
            c.list_users(None, Some(20), false)
                .collect()
                .await
                .map(|x| assert!(x.is_complete()))
        }
    }));
    for id in ids.iter().take(4) {
        let (c2, id) = (c.clone(), id.clone());
        reads.push(tokio::spawn(async move {
            c2.get_risky_user(&id).await.map(|_| ())
        }));
    }
    for id in ids.iter().take(8) {
        let (c2, id) = (c.clone(), id.clone());
        reads.push(tokio::spawn(async move {
            c2.list_sign_ins(Some(&format!("userId eq '{id}'")), Some(50))
                .collect()
                .await
                .map(|_| ())
        }));
    }
    let cfo = user_id(s, "cfo");
    for _ in 0..8 {
        let (c2, cfo) = (c.clone(), cfo.clone());
        reads.push(tokio::spawn(async move {
            c2.list_inbox_rules(&cfo).collect().await.map(|_| ())
        }));
    }
    let mut writes = Vec::new();
    for id in ids.iter().take(10) {
        let (c2, id) = (c.clone(), id.clone());
        writes.push(tokio::spawn(async move {
            c2.revoke_sign_in_sessions(&id).await.map(|_| ())
        }));
    }
    let total_reads = reads.len();
    for r in reads {
        r.await.unwrap().expect("every read is eventually served");
    }
    let (mut ok, mut unknown) = (0, 0);
    for w in writes {
        match w.await.unwrap() {
            Ok(()) => ok += 1,
            Err(e) if e.is_outcome_unknown() => unknown += 1,
            Err(e) => panic!("write failed: {e}"),
        }
    }
    (total_reads, ok, unknown)
}

#[tokio::test]
async fn realistic_profile_stays_within_the_limits_without_429s() {
    // Realistic latency and every limit, with the windows shortened on both sides so the
    // test is quick; the client keeps its usual margins over them.
    let limits = SimLimits {
        identity_protection: RateLimit::new(1, Duration::from_millis(250)),
        reports: RateLimit::new(5, Duration::from_secs(2)),
        ..SimLimits::default()
    };
    let knobs = Knobs {
        limits: Some(limits),
        ..Knobs::for_profile(Profile::Realistic)
    };
    let s = sim(
        SimConfig {
            knobs: Some(knobs),
            ..SimConfig::with_profile(Profile::Realistic)
        },
        20,
    )
    .await;
    add_mailbox(&s, &user_id(&s, "cfo"));
    // Margins over the shortened windows larger than the latency jitter (40-150 ms), as the
    // default margins are over the real ones.
    let client_limits = Limits {
        identity_protection: Window {
            limit: 1,
            period: Duration::from_millis(450),
        },
        reports: Window {
            limit: 5,
            period: Duration::from_millis(2300),
        },
        ..Limits::default()
    };
    let c = client_with(
        &s,
        full(&s),
        ClientOptions {
            limits: client_limits,
            ..Default::default()
        },
    );
    let ids: Vec<String> = s.with_tenant(|t| t.users.iter().map(|u| u.id.clone()).collect());
    for id in ids.iter().take(4) {
        add_risky_user(&s, id, "medium");
    }
    s.clear_request_log();
    let (reads, ok, unknown) = workload(&c, &s, &ids).await;
    assert_eq!((ok, unknown), (10, 0));
    assert!(reads >= 20);
    let log = s.request_log();
    let throttled: Vec<_> = log.iter().filter(|e| e.status == 429).collect();
    assert!(
        throttled.is_empty(),
        "the scheduler bounced off the limits: {throttled:?}"
    );
    assert!(processed_writes(&s).values().all(|n| *n == 1));
    assert!(
        c.progress_snapshot().throttle_waits > 0,
        "the scheduler had to hold requests back"
    );
}

#[tokio::test]
async fn realistic_identity_protection_limit_with_the_documented_numbers() {
    let s = sim(SimConfig::with_profile(Profile::Realistic), 0).await;
    let c = client_with(&s, full(&s), ClientOptions::default());
    let cfo = user_id(&s, "cfo");
    add_risky_user(&s, &cfo, "high");
    s.clear_request_log();
    for _ in 0..3 {
        c.get_risky_user(&cfo).await.unwrap();
    }
    assert!(
        s.request_log().iter().all(|e| e.status != 429),
        "1 request/s per tenant is kept"
    );
}

#[tokio::test]
async fn hostile_profile_every_request_is_served_and_no_write_is_repeated() {
    let limits = SimLimits {
        identity_protection: RateLimit::new(1, Duration::from_millis(250)),
        reports: RateLimit::new(5, Duration::from_secs(2)),
        ..SimLimits::default()
    };
    let mut knobs = Knobs {
        limits: Some(limits),
        ..Knobs::for_profile(Profile::Hostile)
    };
    // Faults more often than the profile's default, so a short run meets each kind.
    knobs.faults.throttled = 0.15;
    knobs.faults.unavailable = 0.08;
    knobs.faults.gateway_timeout = 0.05;
    knobs.faults.connection_reset = 0.05;
    knobs.faults.slow_body_duration = Duration::from_millis(300);
    let s = sim(
        SimConfig {
            knobs: Some(knobs),
            ..SimConfig::with_profile(Profile::Hostile)
        },
        20,
    )
    .await;
    add_mailbox(&s, &user_id(&s, "cfo"));
    let client_limits = Limits {
        identity_protection: Window {
            limit: 1,
            period: Duration::from_millis(300),
        },
        reports: Window {
            limit: 5,
            period: Duration::from_millis(2200),
        },
        ..Limits::default()
    };
    let c = client_with(
        &s,
        full(&s),
        ClientOptions {
            limits: client_limits,
            ..Default::default()
        },
    );
    let ids: Vec<String> = s.with_tenant(|t| t.users.iter().map(|u| u.id.clone()).collect());
    for id in ids.iter().take(4) {
        add_risky_user(&s, id, "high");
    }
    s.clear_request_log();
    let (reads, ok, unknown) = workload(&c, &s, &ids).await;
    assert_eq!(ok + unknown, 10);
    assert!(reads >= 20);
    // No mutating request was processed twice, whatever happened to its response.
    let writes = processed_writes(&s);
    assert!(
        writes.values().all(|n| *n <= 1),
        "a write was repeated: {writes:?}"
    );
    assert!(
        writes.len() >= ok,
        "every write reported done was processed once: {writes:?}"
    );
    let log = s.request_log();
    assert!(
        log.iter().any(|e| e.status == 429 || e.status == 503),
        "the hostile profile injected faults"
    );
    let snap = c.progress_snapshot();
    assert!(snap.retries > 0, "{snap:?}");
}
