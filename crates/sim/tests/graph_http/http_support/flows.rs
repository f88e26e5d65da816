//! Identity platform flows the tests drive: certificate assertions, device code, refresh.

use super::*;
use base64::Engine as _;
use reclaim_sim::model::AppRegistration;
use reclaim_sim::{DeviceCodeApproval, SimConfig, SimHandle};
use serde_json::{json, Value};
use sha1::Digest as _;
use std::time::Duration;

pub const CERT_PEM: &str = include_str!("../../data/sim_assertion_cert.pem");
pub const KEY_PEM: &str = include_str!("../../data/sim_assertion_key.pem");
pub const OTHER_KEY_PEM: &str = include_str!("../../data/sim_other_key.pem");
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
pub fn cert_der() -> Vec<u8> {
    pem::parse(CERT_PEM)
        .expect("certificate PEM")
        .into_contents()
}

pub fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn cert_app(sim: &SimHandle) -> String {
    let client_id = "5f1c7a58-3f6e-4b7e-9a59-2a8f1b2c3d4e".to_string();
    sim.register_app(AppRegistration {
        client_id: client_id.clone(),
        display_name: "cert app".into(),
        certificate_der: vec![cert_der()],
        application_permissions: vec!["Organization.Read.All".into()],
        ..Default::default()
    });
    client_id
}

/// Signs an assertion the way MSAL does; `sha256` picks `x5t#S256` + PS256, else `x5t` + RS256.
pub fn assertion(key_pem: &str, sha256: bool, claims: &Value) -> String {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    let der = cert_der();
    let mut header = Header::new(if sha256 {
        Algorithm::PS256
    } else {
        Algorithm::RS256
    });
    if sha256 {
        header.x5t_s256 = Some(b64url(&sha2::Sha256::digest(&der)));
    } else {
        header.x5t = Some(b64url(&sha1::Sha1::digest(&der)));
    }
    let key = EncodingKey::from_rsa_pem(key_pem.as_bytes()).expect("RSA key");
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

pub fn assertion_claims(sim: &SimHandle, client_id: &str, lifetime_secs: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "aud": token_url(sim),
        "iss": client_id,
        "sub": client_id,
        "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": now,
        "iat": now,
        "exp": now + lifetime_secs,
    })
}

pub async fn redeem_assertion(sim: &SimHandle, client_id: &str, jwt: &str) -> (u16, Value) {
    post_form(
        &token_url(sim),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("scope", "https://graph.microsoft.com/.default"),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", jwt),
        ],
    )
    .await
}

pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub fn device_cfg() -> SimConfig {
    SimConfig {
        device_code_approval: DeviceCodeApproval::Manual,
        // Long enough that two back-to-back polls are reliably "too fast" on a busy machine.
        device_code_interval: Duration::from_secs(1),
        ..fast()
    }
}

pub async fn device_code(sim: &SimHandle, scope: &str) -> Value {
    let url = format!("{}/{}/oauth2/v2.0/devicecode", sim.login_url, sim.tenant_id);
    let (status, body) = post_form(
        &url,
        &[("client_id", &sim.apps.full.client_id), ("scope", scope)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

pub async fn poll(sim: &SimHandle, code: &Value) -> (u16, Value) {
    post_form(
        &token_url(sim),
        &[
            ("grant_type", DEVICE_GRANT),
            ("client_id", &sim.apps.full.client_id),
            (
                "device_code",
                code["device_code"].as_str().unwrap_or_default(),
            ),
        ],
    )
    .await
}

pub const DELEGATED: &str = "https://graph.microsoft.com/User.Read.All https://graph.microsoft.com/Organization.Read.All offline_access openid profile";

pub async fn refresh(sim: &SimHandle, rt: &str) -> (u16, Value) {
    post_form(
        &token_url(sim),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &sim.apps.full.client_id),
            ("refresh_token", rt),
            ("scope", DELEGATED),
        ],
    )
    .await
}

pub async fn signed_in_refresh_token(sim: &SimHandle) -> String {
    let code = device_code(sim, DELEGATED).await;
    assert!(sim.approve_device_code(
        code["user_code"].as_str().unwrap_or_default(),
        &admin_upn(sim)
    ));
    let (status, body) = poll(sim, &code).await;
    assert_eq!(status, 200, "{body}");
    body["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
