//! Raw HTTP helpers shared by the identity, bearer and traffic tests.
#![allow(dead_code)]

pub mod flows;

use base64::Engine as _;
use reclaim_sim::{self as sim, fixture, Profile, SimConfig, SimHandle};
use serde_json::Value;

pub fn fast() -> SimConfig {
    SimConfig::with_profile(Profile::Fast)
}

pub async fn start(cfg: SimConfig) -> SimHandle {
    let scenario = fixture::small_tenant(cfg.seed, chrono::Utc::now());
    sim::start_with(cfg, scenario)
        .await
        .expect("simulator starts")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

pub fn token_url(sim: &SimHandle) -> String {
    format!("{}/{}/oauth2/v2.0/token", sim.login_url, sim.tenant_id)
}

pub async fn post_form(url: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = client().post(url).form(form).send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

pub async fn secret_token_response(sim: &SimHandle, client_id: &str, secret: &str) -> (u16, Value) {
    post_form(
        &token_url(sim),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await
}

/// A client-credentials token of the built-in `full` app.
pub async fn full_token(sim: &SimHandle) -> String {
    let (status, body) =
        secret_token_response(sim, &sim.apps.full.client_id, &sim.apps.full.client_secret).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

pub async fn read_only_token(sim: &SimHandle) -> String {
    let (status, body) = secret_token_response(
        sim,
        &sim.apps.read_only.client_id,
        &sim.apps.read_only.client_secret,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

pub async fn send(
    sim: &SimHandle,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = client()
        .request(method, format!("{}{}", sim.graph_url, path))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("request")
}

pub async fn get(sim: &SimHandle, path: &str, token: &str) -> reqwest::Response {
    send(sim, reqwest::Method::GET, path, token, None).await
}

/// The claims of a JWT, unverified (as a client reads them).
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("json claims")
}

/// The first user of the fixture tenant: a Global Administrator.
pub fn admin_upn(sim: &SimHandle) -> String {
    sim.with_tenant(|t| t.users[0].user_principal_name.to_string())
}
