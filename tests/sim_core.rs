//! The simulator core over real HTTP: identity platform, bearer tokens, middleware, throttling,
//! `$batch`, the request log and `reclaim sim`.

use reclaim::sim::{self, fixture, Profile, SimConfig, SimHandle};
use serde_json::{json, Value};

fn fast() -> SimConfig {
    SimConfig::with_profile(Profile::Fast)
}

async fn start(cfg: SimConfig) -> SimHandle {
    let scenario = fixture::small_tenant(cfg.seed, chrono::Utc::now());
    sim::start_with(cfg, scenario)
        .await
        .expect("simulator starts")
}

fn token_url(sim: &SimHandle) -> String {
    format!("{}/{}/oauth2/v2.0/token", sim.login_url, sim.tenant_id)
}

async fn secret_token(sim: &SimHandle, client_id: &str, secret: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(token_url(sim))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .expect("token request")
}

async fn app_token(sim: &SimHandle) -> String {
    let resp = secret_token(sim, &sim.apps.full.client_id, &sim.apps.full.client_secret).await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

async fn get(sim: &SimHandle, path: &str, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}{}", sim.graph_url, path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn client_secret_token_reads_the_organization() {
    let sim = start(fast()).await;
    let token = app_token(&sim).await;
    let resp = get(&sim, "/v1.0/organization", &token).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().contains_key("request-id"));
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["value"][0]["id"], json!(sim.tenant_id));
    assert_eq!(
        body["value"][0]["verifiedDomains"][0]["isDefault"],
        json!(true)
    );

    let log = sim.request_log();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].path, format!("/{}/oauth2/v2.0/token", sim.tenant_id));
    assert_eq!(
        log[0].app_id.as_deref(),
        Some(sim.apps.full.client_id.as_str())
    );
    assert_eq!(log[1].path, "/v1.0/organization");
    assert_eq!(log[1].status, 200);
    assert_eq!(
        log[1].app_id.as_deref(),
        Some(sim.apps.full.client_id.as_str())
    );
    assert!(!log[1].in_batch && !log[1].is_mutating());
}
