//! The simulated identity platform over real HTTP: client secrets, certificate assertions,
//! device codes through every state, refresh tokens and their revocation, AADSTS errors, and
//! the request log. Bearer tokens at Graph: bearer.rs.

use super::http_support::flows::*;
use super::http_support::*;
use reclaim_sim::DeviceCodeApproval;
use serde_json::{json, Value};
use std::time::Duration;

fn aadsts(body: &Value) -> u64 {
    body["error_codes"][0].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn client_secret_token_reads_the_organization_and_is_logged() {
    let sim = start(fast()).await;
    let token = full_token(&sim).await;
    let c = claims(&token);
    assert_eq!(c["tid"], json!(sim.tenant_id));
    assert_eq!(c["appid"], json!(sim.apps.full.client_id));
    assert_eq!(c["azp"], json!(sim.apps.full.client_id));
    assert_eq!(c["aud"], json!("https://graph.microsoft.com"));
    assert!(c["roles"]
        .as_array()
        .is_some_and(|r| r.contains(&json!("AuditLog.Read.All"))));
    assert!(c["wids"]
        .as_array()
        .is_some_and(|w| w.contains(&json!("7be44c8a-adaf-4e2a-84d6-ab2649e08a13"))));
    assert!(c.get("scp").is_none() && c.get("upn").is_none());
    for k in ["iat", "nbf", "exp", "iss", "oid"] {
        assert!(!c[k].is_null(), "{k}");
    }

    let resp = get(&sim, "/v1.0/organization", &token).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().contains_key("request-id"));
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["value"][0]["id"], json!(sim.tenant_id));
    assert_eq!(
        body["value"][0]["verifiedDomains"][0]["isDefault"],
        json!(true)
    );
    let one = get(
        &sim,
        &format!("/beta/organization/{}", sim.tenant_id),
        &token,
    )
    .await;
    assert_eq!(one.status(), 200);

    let log = sim.request_log();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, format!("/{}/oauth2/v2.0/token", sim.tenant_id));
    assert_eq!(log[0].status, 200);
    assert_eq!(
        log[0].app_id.as_deref(),
        Some(sim.apps.full.client_id.as_str())
    );
    assert_eq!(log[1].path, "/v1.0/organization");
    assert_eq!(
        log[1].app_id.as_deref(),
        Some(sim.apps.full.client_id.as_str())
    );
    assert!(log
        .iter()
        .all(|e| !e.in_batch && !e.is_mutating() && e.user_id.is_none()));
    sim.clear_request_log();
    assert!(sim.request_log().is_empty());
}

#[tokio::test]
async fn token_endpoint_errors_carry_the_aadsts_body() {
    let sim = start(fast()).await;
    let (status, body) = secret_token_response(&sim, &sim.apps.full.client_id, "wrong").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(aadsts(&body), 7000215);
    let description = body["error_description"].as_str().unwrap_or_default();
    assert!(description.starts_with("AADSTS7000215: "), "{description}");
    assert!(description.contains("\r\nTrace ID: "));
    for k in ["timestamp", "trace_id", "correlation_id", "error_uri"] {
        assert!(body[k].is_string(), "{k}");
    }

    let wrong_tenant = format!(
        "{}/not-this-tenant.onmicrosoft.com/oauth2/v2.0/token",
        sim.login_url
    );
    let (status, body) = post_form(
        &wrong_tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &sim.apps.full.client_id),
        ],
    )
    .await;
    assert_eq!((status, aadsts(&body)), (400, 90002));

    let resp = client().get(token_url(&sim)).send().await.expect("request");
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(aadsts(&body), 900561);

    let (status, body) =
        secret_token_response(&sim, "00000000-0000-0000-0000-000000000001", "x").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unauthorized_client"))
    );
    assert_eq!(aadsts(&body), 700016);

    let (status, body) = post_form(
        &token_url(&sim),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &sim.apps.full.client_id),
            ("client_secret", &sim.apps.full.client_secret),
            ("scope", "https://graph.microsoft.com/User.Read.All"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );

    // The tenant may be named by domain or by the multi-tenant aliases.
    let domain = sim.with_tenant(|t| t.domain.clone());
    for t in [domain.as_str(), "organizations", "common"] {
        let (status, _) = post_form(
            &format!("{}/{t}/oauth2/v2.0/token", sim.login_url),
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &sim.apps.read_only.client_id),
                ("client_secret", &sim.apps.read_only.client_secret),
                ("scope", "https://graph.microsoft.com/.default"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{t}");
    }
}

#[tokio::test]
async fn certificate_assertions_are_really_verified() {
    let sim = start(fast()).await;
    let client_id = cert_app(&sim);

    for sha256 in [false, true] {
        let jwt = assertion(KEY_PEM, sha256, &assertion_claims(&sim, &client_id, 600));
        let (status, body) = redeem_assertion(&sim, &client_id, &jwt).await;
        assert_eq!(status, 200, "sha256={sha256}: {body}");
        let token = body["access_token"].as_str().unwrap_or_default();
        assert_eq!(claims(token)["roles"], json!(["Organization.Read.All"]));
        assert_eq!(get(&sim, "/v1.0/organization", token).await.status(), 200);

        // The same assertion cannot be redeemed twice.
        let (status, body) = redeem_assertion(&sim, &client_id, &jwt).await;
        assert_eq!((status, aadsts(&body)), (401, 700027), "replay {body}");
    }

    // A payload changed after signing fails the signature check.
    let jwt = assertion(KEY_PEM, true, &assertion_claims(&sim, &client_id, 600));
    let mut parts: Vec<String> = jwt.split('.').map(str::to_string).collect();
    let mut forged = assertion_claims(&sim, &client_id, 600);
    forged["jti"] = json!("forged");
    parts[1] = b64url(forged.to_string().as_bytes());
    let (status, body) = redeem_assertion(&sim, &client_id, &parts.join(".")).await;
    assert_eq!(
        (status, body["error"].as_str(), aadsts(&body)),
        (401, Some("invalid_client"), 700027)
    );

    // Signed by another key while naming the registered certificate.
    let jwt = assertion(
        OTHER_KEY_PEM,
        false,
        &assertion_claims(&sim, &client_id, 600),
    );
    let (status, body) = redeem_assertion(&sim, &client_id, &jwt).await;
    assert_eq!((status, aadsts(&body)), (401, 700027));

    // Wrong audience, wrong issuer, too long a lifetime, already expired.
    let mut c = assertion_claims(&sim, &client_id, 600);
    c["aud"] = json!("https://login.microsoftonline.com/other/oauth2/v2.0/token");
    let (status, body) = redeem_assertion(&sim, &client_id, &assertion(KEY_PEM, true, &c)).await;
    assert_eq!((status, aadsts(&body)), (401, 700023));
    let mut c = assertion_claims(&sim, &client_id, 600);
    c["iss"] = json!("someone-else");
    let (status, body) = redeem_assertion(&sim, &client_id, &assertion(KEY_PEM, true, &c)).await;
    assert_eq!((status, aadsts(&body)), (401, 700021));
    let c = assertion_claims(&sim, &client_id, 3600);
    let (status, body) = redeem_assertion(&sim, &client_id, &assertion(KEY_PEM, true, &c)).await;
    assert_eq!((status, aadsts(&body)), (401, 700024));
    let mut c = assertion_claims(&sim, &client_id, 600);
    c["exp"] = json!(chrono::Utc::now().timestamp() - 3600);
    c["nbf"] = json!(chrono::Utc::now().timestamp() - 4000);
    let (status, body) = redeem_assertion(&sim, &client_id, &assertion(KEY_PEM, false, &c)).await;
    assert_eq!((status, aadsts(&body)), (401, 700024));

    // The built-in app has no certificate: the thumbprint is unknown there.
    let full = sim.apps.full.client_id.clone();
    let jwt = assertion(KEY_PEM, true, &assertion_claims(&sim, &full, 600));
    let (status, body) = redeem_assertion(&sim, &full, &jwt).await;
    assert_eq!((status, aadsts(&body)), (401, 700027));
}

#[tokio::test]
async fn device_code_goes_through_every_state() {
    let mut cfg = device_cfg();
    cfg.device_code_lifetime = Duration::from_secs(5);
    let sim = start(cfg).await;
    let code = device_code(&sim, DELEGATED).await;
    for k in ["device_code", "user_code", "verification_uri", "message"] {
        assert!(code[k].is_string(), "{k}");
    }
    assert!(code.get("verification_uri_complete").is_none());
    assert_eq!(code["interval"], json!(1));
    assert_eq!(code["expires_in"], json!(5));

    let (status, body) = poll(&sim, &code).await;
    assert_eq!(
        (status, body["error"].as_str(), aadsts(&body)),
        (400, Some("authorization_pending"), 70016)
    );
    let (status, body) = poll(&sim, &code).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("slow_down")));

    let user_code = code["user_code"].as_str().unwrap_or_default();
    assert!(!sim.approve_device_code(user_code, "nobody@nowhere.example"));
    assert!(sim.approve_device_code(user_code, &admin_upn(&sim)));
    // Wait out the polling interval.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, tokens) = poll(&sim, &code).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    for k in ["access_token", "refresh_token", "id_token", "scope"] {
        assert!(tokens[k].is_string(), "{k}");
    }
    let c = claims(tokens["access_token"].as_str().unwrap_or_default());
    assert_eq!(c["upn"], json!(admin_upn(&sim)));
    assert_eq!(c["scp"], json!("User.Read.All Organization.Read.All"));
    assert!(c["wids"]
        .as_array()
        .is_some_and(|w| w.contains(&json!("62e90394-69f5-4237-9190-012177145e10"))));
    let token = tokens["access_token"].as_str().unwrap_or_default();
    assert_eq!(get(&sim, "/v1.0/organization", token).await.status(), 200);
    assert_eq!(
        sim.request_log().last().and_then(|e| e.user_id.clone()),
        c["oid"].as_str().map(str::to_string)
    );

    // A redeemed code is gone.
    let (status, body) = poll(&sim, &code).await;
    assert_eq!(
        (status, body["error"].as_str(), aadsts(&body)),
        (400, Some("bad_verification_code"), 70018)
    );

    let declined = device_code(&sim, DELEGATED).await;
    assert!(sim.decline_device_code(declined["user_code"].as_str().unwrap_or_default()));
    let (status, body) = poll(&sim, &declined).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_declined"))
    );

    // Asking for a permission the app was never granted.
    let unconsented =
        device_code(&sim, "https://graph.microsoft.com/Directory.ReadWrite.All").await;
    assert!(sim.approve_device_code(
        unconsented["user_code"].as_str().unwrap_or_default(),
        &admin_upn(&sim)
    ));
    let (status, body) = poll(&sim, &unconsented).await;
    assert_eq!((status, aadsts(&body)), (400, 65001));
}

#[tokio::test]
async fn device_codes_expire_and_can_be_auto_approved() {
    let mut cfg = device_cfg();
    cfg.device_code_lifetime = Duration::from_millis(100);
    let sim = start(cfg).await;
    let code = device_code(&sim, DELEGATED).await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let (status, body) = poll(&sim, &code).await;
    assert_eq!(
        (status, body["error"].as_str(), aadsts(&body)),
        (400, Some("expired_token"), 70019)
    );

    let mut cfg = device_cfg();
    cfg.device_code_approval = DeviceCodeApproval::After(Duration::ZERO);
    let sim = start(cfg).await;
    let code = device_code(&sim, DELEGATED).await;
    let (status, body) = poll(&sim, &code).await;
    assert_eq!(status, 200, "{body}");
    // The demo admin (the tenant's Global Administrator) signs in.
    assert_eq!(
        claims(body["access_token"].as_str().unwrap_or_default())["upn"],
        json!(admin_upn(&sim))
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_die_on_revocation_disable_and_password_reset() {
    let sim = start(device_cfg()).await;
    let rt1 = signed_in_refresh_token(&sim).await;
    let (status, body) = refresh(&sim, &rt1).await;
    assert_eq!(status, 200, "{body}");
    let rt2 = body["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!rt2.is_empty() && rt2 != rt1);
    assert_eq!(
        claims(body["access_token"].as_str().unwrap_or_default())["scp"],
        json!("User.Read.All Organization.Read.All")
    );
    // The old refresh token stays valid after use.
    assert_eq!(refresh(&sim, &rt1).await.0, 200);
    let (status, body) = refresh(&sim, "not-a-refresh-token").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // revokeSignInSessions moves signInSessionsValidFromDateTime: every older RT dies.
    let admin = admin_upn(&sim);
    sim.with_tenant_mut(|t| t.users[0].sign_in_sessions_valid_from_date_time = chrono::Utc::now());
    for rt in [&rt1, &rt2] {
        let (status, body) = refresh(&sim, rt).await;
        assert_eq!(
            (status, body["error"].as_str(), aadsts(&body)),
            (400, Some("invalid_grant"), 50173)
        );
    }
    // A fresh sign-in after the revocation works.
    let rt3 = signed_in_refresh_token(&sim).await;
    assert_eq!(refresh(&sim, &rt3).await.0, 200);

    // A password reset kills password-based refresh tokens.
    sim.with_tenant_mut(|t| t.users[0].last_password_change_date_time = Some(chrono::Utc::now()));
    let (status, body) = refresh(&sim, &rt3).await;
    assert_eq!((status, aadsts(&body)), (400, 50173));

    // A disabled account can get no token.
    let rt4 = signed_in_refresh_token(&sim).await;
    sim.with_tenant_mut(|t| t.users[0].account_enabled = false);
    let (status, body) = refresh(&sim, &rt4).await;
    assert_eq!(
        (status, body["error"].as_str(), aadsts(&body)),
        (400, Some("invalid_grant"), 50057)
    );
    let code = device_code(&sim, DELEGATED).await;
    assert!(!sim.approve_device_code(code["user_code"].as_str().unwrap_or_default(), &admin));
}

#[tokio::test]
async fn revocation_lag_delays_the_refusal() {
    let mut cfg = device_cfg();
    cfg.revocation_lag = Duration::from_secs(3600);
    let sim = start(cfg).await;
    let rt = signed_in_refresh_token(&sim).await;
    sim.with_tenant_mut(|t| t.users[0].sign_in_sessions_valid_from_date_time = chrono::Utc::now());
    assert_eq!(refresh(&sim, &rt).await.0, 200);
}
