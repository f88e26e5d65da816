//! The simulator core under load rules, over real HTTP: each throttling scope, `$batch`
//! semantics and the hostile profile's faults (`reclaim sim` as a process: cli_sim.rs).
//! Endpoint handlers are not needed: throttling happens before routing, so the assertions hold
//! whatever the endpoint answers.

use super::http_support::*;
use reclaim_sim::{FaultRates, Knobs, Limits, RateLimit, SimHandle};
use serde_json::{json, Value};
use std::time::Duration;

fn limits() -> Limits {
    Limits::default()
}

async fn throttled_sim(limits: Limits) -> SimHandle {
    let sim = start(fast()).await;
    sim.set_knobs(Knobs::limits_only(limits));
    sim
}

fn retry_after(resp: &reqwest::Response) -> Option<f64> {
    resp.headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

async fn error_code(resp: reqwest::Response) -> (String, String) {
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    (
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test]
async fn identity_protection_is_one_per_second_per_tenant_without_retry_after() {
    let sim = throttled_sim(limits()).await;
    let full = full_token(&sim).await;
    let read_only = read_only_token(&sim).await;
    let first = get(&sim, "/v1.0/identityProtection/riskyUsers", &full).await;
    assert_ne!(first.status(), 429);
    // Another app of the same tenant shares the budget.
    let second = get(&sim, "/beta/riskyUsers", &read_only).await;
    assert_eq!(second.status(), 429);
    assert!(second.headers().get("retry-after").is_none());
    assert_eq!(error_code(second).await.0, "TooManyRequests");
    let log = sim.request_log();
    assert_eq!(log.last().map(|e| e.status), Some(429));
}

#[tokio::test]
async fn reports_are_limited_per_app_with_retry_after() {
    let mut l = limits();
    l.reports = RateLimit::new(2, Duration::from_secs(10));
    let sim = throttled_sim(l).await;
    let full = full_token(&sim).await;
    let read_only = read_only_token(&sim).await;
    let admin_id = sim.with_tenant(|t| t.users[0].id.clone());
    for path in [
        "/v1.0/auditLogs/signIns",
        &format!("/v1.0/users/{admin_id}/authentication/methods"),
    ] {
        assert_ne!(get(&sim, path, &full).await.status(), 429);
    }
    let refused = get(&sim, "/v1.0/auditLogs/directoryAudits", &full).await;
    assert_eq!(refused.status(), 429);
    let wait = retry_after(&refused).expect("Retry-After");
    assert!(wait > 0.0 && wait <= 10.0, "{wait}");
    assert_eq!(error_code(refused).await.0, "TooManyRequests");
    // Per app: the read-only app still has its own budget.
    assert_ne!(
        get(&sim, "/v1.0/auditLogs/signIns", &read_only)
            .await
            .status(),
        429
    );
}

#[tokio::test]
async fn outlook_allows_four_concurrent_requests_per_mailbox() {
    let sim = start(fast()).await;
    let mut knobs = Knobs::limits_only(limits());
    // Each request holds its slot for a second: all six are in flight together.
    knobs.latency = (Duration::from_secs(1), Duration::from_secs(1));
    sim.set_knobs(knobs.clone());
    let token = full_token(&sim).await;
    let user = sim.with_tenant(|t| t.users[1].id.clone());
    let path = format!("/v1.0/users/{user}/mailFolders/inbox/messageRules");
    let requests = (0..6).map(|_| get(&sim, &path, &token));
    let responses = futures::future::join_all(requests).await;
    let mut refused = 0;
    for resp in responses {
        if resp.status() == 429 {
            refused += 1;
            let (code, message) = error_code(resp).await;
            assert_eq!(code, "ApplicationThrottled");
            assert_eq!(message, "Application is over its MailboxConcurrency limit.");
        }
    }
    assert_eq!(refused, 2);

    // The same six as one batch: forwarded four at a time, none refused (items start together,
    // so a shorter hold suffices).
    knobs.latency = (Duration::from_millis(300), Duration::from_millis(300));
    sim.set_knobs(knobs);
    let items: Vec<Value> = (0..6)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": format!("/users/{user}/mailFolders/inbox/messageRules")}))
        .collect();
    let (status, body) = batch(&sim, &token, json!({ "requests": items })).await;
    assert_eq!(status, 200);
    let replies = body["responses"].as_array().cloned().unwrap_or_default();
    assert_eq!(replies.len(), 6);
    assert!(replies.iter().all(|r| r["status"] != 429), "{body}");
}

#[tokio::test]
async fn outlook_request_rate_is_per_mailbox() {
    let mut l = limits();
    l.outlook_requests = RateLimit::new(1, Duration::from_secs(600));
    let sim = throttled_sim(l).await;
    let token = full_token(&sim).await;
    let (a, b) = sim.with_tenant(|t| (t.users[1].id.clone(), t.users[2].id.clone()));
    assert_ne!(
        get(&sim, &format!("/v1.0/users/{a}/mailboxSettings"), &token)
            .await
            .status(),
        429
    );
    let refused = get(
        &sim,
        &format!("/v1.0/users/{a}/mailFolders/inbox/messageRules"),
        &token,
    )
    .await;
    assert_eq!(refused.status(), 429);
    assert!(retry_after(&refused).is_some());
    assert_eq!(error_code(refused).await.0, "ApplicationThrottled");
    assert_ne!(
        get(&sim, &format!("/v1.0/users/{b}/mailboxSettings"), &token)
            .await
            .status(),
        429
    );
}

#[tokio::test]
async fn directory_resource_units_and_writes_are_budgeted() {
    let mut l = limits();
    l.resource_units.small = 5;
    l.writes = RateLimit::new(1, Duration::from_secs(150));
    let sim = throttled_sim(l).await;
    let token = full_token(&sim).await;
    let first = get(&sim, "/v1.0/users", &token).await;
    assert_ne!(first.status(), 429);
    assert_eq!(first.headers()["x-ms-resource-unit"], "2");
    let cheap = get(&sim, "/v1.0/users?$select=id&$top=5", &token).await;
    assert_eq!(cheap.headers()["x-ms-resource-unit"], "1");
    assert_ne!(get(&sim, "/v1.0/users", &token).await.status(), 429);
    // 5 units spent: the next read is refused with a fractional Retry-After and the scope.
    let refused = get(&sim, "/v1.0/organization", &token).await;
    assert_eq!(refused.status(), 429);
    let wait = retry_after(&refused).expect("Retry-After");
    assert!(wait > 0.0 && wait <= 10.0);
    assert_eq!(
        refused.headers()["x-ms-throttle-scope"]
            .to_str()
            .unwrap_or_default(),
        format!(
            "Tenant_Application/ReadWrite/{}/{}",
            sim.apps.full.client_id, sim.tenant_id
        )
    );
    assert_eq!(
        refused.headers()["x-ms-throttle-information"],
        "ResourceUnitLimitExceeded"
    );
    assert_eq!(
        error_code(refused).await,
        ("TooManyRequests".into(), "Please retry again later.".into())
    );

    let sim = throttled_sim({
        let mut l = limits();
        l.writes = RateLimit::new(1, Duration::from_secs(150));
        l
    })
    .await;
    let token = full_token(&sim).await;
    let user = sim.with_tenant(|t| t.users[1].id.clone());
    let path = format!("/v1.0/users/{user}");
    let body = Some(json!({"jobTitle": "x"}));
    let ok = send(&sim, reqwest::Method::PATCH, &path, &token, body.clone()).await;
    assert_ne!(ok.status(), 429);
    let refused = send(&sim, reqwest::Method::PATCH, &path, &token, body).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(
        refused.headers()["x-ms-throttle-information"],
        "WriteLimitExceeded"
    );
    assert!(retry_after(&refused).is_some_and(|w| w > 100.0));
}

#[tokio::test]
async fn fast_profile_never_throttles() {
    let sim = start(fast()).await;
    let token = full_token(&sim).await;
    for _ in 0..5 {
        assert_ne!(
            get(&sim, "/v1.0/identityProtection/riskyUsers", &token)
                .await
                .status(),
            429
        );
    }
}

async fn batch(sim: &SimHandle, token: &str, body: Value) -> (u16, Value) {
    let resp = send(
        sim,
        reqwest::Method::POST,
        "/v1.0/$batch",
        token,
        Some(body),
    )
    .await;
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn reply<'a>(body: &'a Value, id: &str) -> &'a Value {
    body["responses"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["id"] == id))
        .unwrap_or(&Value::Null)
}

#[tokio::test]
async fn batch_envelope_rules() {
    let sim = start(fast()).await;
    let token = full_token(&sim).await;
    let item = |id: &str| json!({"id": id, "method": "GET", "url": "/organization"});

    let (status, body) = batch(
        &sim,
        &token,
        json!({"requests": (0..21).map(|i| item(&i.to_string())).collect::<Vec<_>>()}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "BadRequest");
    let (status, _) = batch(
        &sim,
        &token,
        json!({"requests": (0..20).map(|i| item(&i.to_string())).collect::<Vec<_>>()}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = batch(&sim, &token, json!({"requests": [item("1"), item("1")]})).await;
    assert_eq!(status, 400);
    let resp = client()
        .post(format!("{}/v1.0/$batch", sim.graph_url))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 400);
    let (status, _) = batch(&sim, &token, json!({"requests": [{"id": "1", "method": "GET", "url": "/organization", "dependsOn": ["9"]}]})).await;
    assert_eq!(status, 400);
    // The envelope needs a token too.
    let resp = client()
        .post(format!("{}/v1.0/$batch", sim.graph_url))
        .json(&json!({"requests": [item("1")]}))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn batch_items_run_through_the_router_with_their_own_status() {
    let sim = start(fast()).await;
    let token = full_token(&sim).await;
    let user = sim.with_tenant(|t| t.users[1].id.clone());
    sim.clear_request_log();
    let requests = json!({"requests": [
        {"id": "1", "method": "GET", "url": "/organization"},
        {"id": "2", "method": "GET", "url": "organization"},
        {"id": "3", "method": "DELETE", "url": "/organization"},
        {"id": "4", "method": "GET", "url": "/organization", "dependsOn": ["3"]},
        {"id": "5", "method": "GET", "url": "/organization", "dependsOn": ["4"]},
        {"id": "6", "method": "GET", "url": "/organization", "dependsOn": ["1", "2"]},
        {"id": "7", "method": "POST", "url": format!("/users/{user}/revokeSignInSessions")},
        {"id": "8", "method": "PATCH", "url": format!("/users/{user}"), "body": {"jobTitle": "x"}},
        {"id": "9", "method": "POST", "url": format!("/users/{user}/revokeSignInSessions"), "headers": {"Content-Type": "application/json"}, "body": {}},
        {"id": "10", "method": "GET", "url": "https://graph.microsoft.com/v1.0/organization"},
    ]});
    let (status, body) = batch(&sim, &token, requests).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["responses"].as_array().map(Vec::len), Some(10));
    assert_eq!(reply(&body, "1")["status"], 200);
    assert_eq!(
        reply(&body, "1")["body"]["value"][0]["id"],
        json!(sim.tenant_id)
    );
    assert_eq!(reply(&body, "2")["status"], 200);
    assert_eq!(reply(&body, "3")["status"], 405);
    assert_eq!(reply(&body, "4")["status"], 424);
    assert_eq!(
        reply(&body, "4")["body"]["error"]["code"],
        "FailedDependency"
    );
    assert_eq!(reply(&body, "5")["status"], 424);
    assert_eq!(reply(&body, "6")["status"], 200);
    let no_content_type = "does not contain Content-Type header or body";
    for id in ["7", "8"] {
        assert_eq!(reply(&body, id)["status"], 400, "{id}");
        assert!(reply(&body, id)["body"]["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains(no_content_type));
    }
    // Item 9 is well formed: it is dispatched (whatever the endpoint answers).
    let dispatched = reply(&body, "9")["body"]["error"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(!dispatched.contains(no_content_type));
    assert_eq!(reply(&body, "10")["status"], 400);

    // Items are logged one by one, flagged in_batch; rejected and 424 items never ran.
    let log = sim.request_log();
    let items: Vec<_> = log.iter().filter(|e| e.in_batch).collect();
    assert_eq!(items.len(), 5, "{items:?}");
    assert!(items
        .iter()
        .all(|e| e.app_id.as_deref() == Some(sim.apps.full.client_id.as_str())));
    assert!(items.iter().any(|e| e.method == "POST"
        && e.path == format!("/v1.0/users/{user}/revokeSignInSessions")
        && e.is_mutating()));
    let envelope: Vec<_> = log.iter().filter(|e| !e.in_batch).collect();
    assert_eq!(envelope.len(), 1);
    assert_eq!(envelope[0].path, "/v1.0/$batch");
    assert!(!envelope[0].is_mutating());
}

#[tokio::test]
async fn batch_item_urls_may_carry_unencoded_filters() {
    let sim = start(fast()).await;
    let token = full_token(&sim).await;
    let url = "/organization?$filter=displayName eq 'Contoso \"sim\"'";
    let (status, body) = batch(
        &sim,
        &token,
        json!({"requests": [{"id": "1", "method": "GET", "url": url}]}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(reply(&body, "1")["status"], 200, "{body}");
    let logged = sim
        .request_log()
        .into_iter()
        .find(|e| e.in_batch)
        .map(|e| e.path);
    assert_eq!(
        logged.as_deref(),
        Some("/v1.0/organization?$filter=displayName%20eq%20'Contoso%20%22sim%22'")
    );
}

#[tokio::test]
async fn batch_replies_come_back_shuffled() {
    let sim = start(fast()).await;
    let token = full_token(&sim).await;
    let items: Vec<Value> = (0..20)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/organization"}))
        .collect();
    let (_, body) = batch(&sim, &token, json!({ "requests": items })).await;
    let order: Vec<String> = body["responses"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|x| x["id"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    let sorted: Vec<String> = (0..20).map(|i| i.to_string()).collect();
    assert_eq!(order.len(), 20);
    // 20 replies in request order by chance: 1 in 20!.
    assert_ne!(order, sorted);
}

#[tokio::test]
async fn batch_items_are_throttled_individually() {
    let mut l = limits();
    l.reports = RateLimit::new(2, Duration::from_secs(10));
    let sim = throttled_sim(l).await;
    let token = full_token(&sim).await;
    let items: Vec<Value> = (0..3)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/auditLogs/signIns"}))
        .collect();
    let (status, body) = batch(&sim, &token, json!({ "requests": items })).await;
    assert_eq!(status, 200);
    let throttled: Vec<&Value> = body["responses"]
        .as_array()
        .map(|r| r.iter().filter(|x| x["status"] == 429).collect())
        .unwrap_or_default();
    assert_eq!(throttled.len(), 1, "{body}");
    let wait: f64 = throttled[0]["headers"]["Retry-After"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("item Retry-After");
    assert!(wait > 0.0);

    let items: Vec<Value> = (0..2).map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/identityProtection/riskyUsers"})).collect();
    let (_, body) = batch(&sim, &token, json!({ "requests": items })).await;
    let throttled: Vec<&Value> = body["responses"]
        .as_array()
        .map(|r| r.iter().filter(|x| x["status"] == 429).collect())
        .unwrap_or_default();
    assert_eq!(throttled.len(), 1, "{body}");
    assert!(throttled[0]["headers"].get("Retry-After").is_none());
}

#[tokio::test]
async fn hostile_faults() {
    let sim = start(fast()).await;
    let token = full_token(&sim).await;
    let hostile = |faults: FaultRates| Knobs {
        faults,
        ..Knobs::limits_only(limits())
    };

    sim.set_knobs(hostile(FaultRates {
        throttled: 1.0,
        ..FaultRates::NONE
    }));
    let (mut with, mut without) = (0, 0);
    for _ in 0..20 {
        let resp = get(&sim, "/v1.0/users", &token).await;
        assert_eq!(resp.status(), 429);
        match retry_after(&resp) {
            Some(_) => with += 1,
            None => without += 1,
        }
    }
    assert!(
        with > 0 && without > 0,
        "{with} with, {without} without Retry-After"
    );

    sim.set_knobs(hostile(FaultRates {
        unavailable: 1.0,
        ..FaultRates::NONE
    }));
    assert_eq!(get(&sim, "/v1.0/organization", &token).await.status(), 503);
    sim.set_knobs(hostile(FaultRates {
        gateway_timeout: 1.0,
        ..FaultRates::NONE
    }));
    assert_eq!(get(&sim, "/v1.0/organization", &token).await.status(), 504);

    sim.set_knobs(hostile(FaultRates {
        connection_reset: 1.0,
        ..FaultRates::NONE
    }));
    let sent = client()
        .get(format!("{}/v1.0/organization", sim.graph_url))
        .bearer_auth(&token)
        .send()
        .await;
    let broke_off = match sent {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(broke_off, "the connection must drop");

    sim.set_knobs(hostile(FaultRates {
        slow_body: 1.0,
        slow_body_duration: Duration::from_millis(100),
        ..FaultRates::NONE
    }));
    let resp = get(&sim, "/v1.0/organization", &token).await;
    let body: Value = resp.json().await.expect("a slow body still arrives whole");
    assert_eq!(body["value"][0]["id"], json!(sim.tenant_id));
}
