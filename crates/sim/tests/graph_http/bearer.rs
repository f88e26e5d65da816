//! Bearer tokens at Graph over real HTTP: missing, malformed, foreign and expired tokens, the
//! Graph error envelope with its request ids, and the hostile profile's early expiry.

use super::http_support::*;
use reclaim_sim::auth::jwt::TokenSpec;
use serde_json::{json, Value};
use std::time::Duration;

fn graph_error(body: &Value) -> (&str, &str) {
    (
        body["error"]["code"].as_str().unwrap_or_default(),
        body["error"]["message"].as_str().unwrap_or_default(),
    )
}

#[tokio::test]
async fn bearer_tokens_are_checked_and_errors_use_the_graph_envelope() {
    let sim = start(fast()).await;
    // Missing token, with a client-request-id that must be echoed.
    let resp = client()
        .get(format!("{}/v1.0/organization", sim.graph_url))
        .header("client-request-id", "7b0e5b5c-0000-4000-8000-000000000001")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 401);
    assert!(resp.headers().contains_key("www-authenticate"));
    let request_id = resp.headers()["request-id"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        resp.headers()["client-request-id"],
        "7b0e5b5c-0000-4000-8000-000000000001"
    );
    let body: Value = resp.json().await.expect("json");
    assert_eq!(graph_error(&body).0, "InvalidAuthenticationToken");
    assert_eq!(body["error"]["innerError"]["request-id"], json!(request_id));
    assert_eq!(
        body["error"]["innerError"]["client-request-id"],
        json!("7b0e5b5c-0000-4000-8000-000000000001")
    );
    assert!(body["error"]["innerError"]["date"].is_string());

    let expired = sim.mint_token(&TokenSpec {
        tenant_id: sim.tenant_id.clone(),
        app_id: sim.apps.full.client_id.clone(),
        roles: vec!["Organization.Read.All".into()],
        issued_at: Some(chrono::Utc::now() - chrono::Duration::hours(2)),
        lifetime: Duration::from_secs(3600),
        ..Default::default()
    });
    let other_tenant = sim.mint_token(&TokenSpec {
        tenant_id: "11111111-2222-3333-4444-555555555555".into(),
        app_id: sim.apps.full.client_id.clone(),
        roles: vec!["Organization.Read.All".into()],
        lifetime: Duration::from_secs(3600),
        ..Default::default()
    });
    for (token, message) in [
        (
            expired.as_str(),
            "Lifetime validation failed, the token is expired.",
        ),
        (
            "garbage",
            "CompactToken parsing failed with error code: 80049217",
        ),
        (
            other_tenant.as_str(),
            "Access token validation failure. Invalid audience.",
        ),
    ] {
        let resp = get(&sim, "/v1.0/organization", token).await;
        assert_eq!(resp.status(), 401);
        let body: Value = resp.json().await.expect("json");
        assert_eq!(graph_error(&body), ("InvalidAuthenticationToken", message));
    }

    // A valid token without the permission: 403.
    let no_perms =
        sim.mint_delegated_token(&admin_upn(&sim), &sim.apps.full.client_id, &["Mail.Read"]);
    let resp = get(&sim, "/v1.0/organization", &no_perms).await;
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(
        graph_error(&body),
        (
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation."
        )
    );
    let delegated =
        sim.mint_delegated_token(&admin_upn(&sim), &sim.apps.full.client_id, &["User.Read"]);
    assert_eq!(
        get(&sim, "/v1.0/organization", &delegated).await.status(),
        200
    );

    // Unknown segments and wrong methods, Graph style.
    let token = full_token(&sim).await;
    let resp = get(&sim, "/v1.0/noSuchThing", &token).await;
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(
        graph_error(&body),
        (
            "BadRequest",
            "Resource not found for the segment 'noSuchThing'."
        )
    );
    let resp = send(
        &sim,
        reqwest::Method::DELETE,
        "/v1.0/organization",
        &token,
        None,
    )
    .await;
    assert_eq!(resp.status(), 405);
    assert!(resp.headers().contains_key("request-id"));
    let resp = get(&sim, "/v2.0/users", &token).await;
    assert_eq!(resp.status(), 400);

    // Every request was logged, failures included; none of them mutating.
    let log = sim.request_log();
    assert!(log
        .iter()
        .any(|e| e.status == 401 && e.path == "/v1.0/organization"));
    assert!(log
        .iter()
        .any(|e| e.status == 405 && e.method == "DELETE" && e.is_mutating()));
}

#[tokio::test]
async fn hostile_profile_expires_tokens_early() {
    let sim = start(fast()).await;
    let token = full_token(&sim).await;
    let mut knobs = reclaim_sim::Knobs::for_profile(reclaim_sim::Profile::Fast);
    knobs.faults.early_token_expiry = 1.0;
    knobs.faults.early_token_expiry_after = Duration::ZERO;
    sim.set_knobs(knobs);
    let resp = get(&sim, "/v1.0/organization", &token).await;
    assert_eq!(resp.status(), 401);
    sim.set_profile(reclaim_sim::Profile::Fast);
    assert_eq!(get(&sim, "/v1.0/organization", &token).await.status(), 200);
}
