//! Graph writes seen from the identity platform, end to end over HTTP: a disabled account gets
//! no token, an admin password reset kills only password-based refresh tokens, a revoke kills
//! them all, a guest's revoke is a no-op, and issued access tokens live to `exp` regardless.

use super::support::Api;
use reclaim_sim::graph::sample::{self, ADMIN, CFO, GUEST};
use reclaim_sim::{DeviceCodeApproval, Profile, SimConfig};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

const SCOPE: &str = "https://graph.microsoft.com/User.Read offline_access";
const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const PASSWORD: &str = "28c10230-6103-485e-b985-444c60001490";

async fn manual() -> Api {
    let cfg = SimConfig {
        device_code_approval: DeviceCodeApproval::Manual,
        ..SimConfig::with_profile(Profile::Fast)
    };
    Api::start_with(cfg, sample::sample_tenant(0, 0)).await
}

/// A pending device code: (device_code, user_code).
async fn device_code(api: &Api) -> (String, String) {
    let client = api.sim.apps.full.client_id.clone();
    let (s, code) = api
        .form("devicecode", &[("client_id", &client), ("scope", SCOPE)])
        .await;
    assert_eq!(s, 200, "{code}");
    let text = |k: &str| code[k].as_str().unwrap_or_default().to_string();
    (text("device_code"), text("user_code"))
}

async fn poll(api: &Api, device_code: &str) -> (u16, Value) {
    let client = api.sim.apps.full.client_id.clone();
    api.form(
        "token",
        &[
            ("grant_type", DEVICE_GRANT),
            ("client_id", &client),
            ("device_code", device_code),
        ],
    )
    .await
}

/// Signs `user` in; (access token, refresh token).
async fn sign_in(api: &Api, user: &str, password_based: bool) -> (String, String) {
    let (device, user_code) = device_code(api).await;
    let approved = if password_based {
        api.sim.approve_device_code(&user_code, user)
    } else {
        api.sim.approve_device_code_passwordless(&user_code, user)
    };
    assert!(approved);
    let (s, tokens) = poll(api, &device).await;
    assert_eq!(s, 200, "{tokens}");
    let text = |k: &str| tokens[k].as_str().unwrap_or_default().to_string();
    // Refresh tokens must be strictly older than the changes the tests make next.
    tokio::time::sleep(Duration::from_millis(20)).await;
    (text("access_token"), text("refresh_token"))
}

/// Redeems a refresh token: status and AADSTS code (0 on success).
async fn refresh(api: &Api, rt: &str) -> (u16, u64) {
    let client = api.sim.apps.full.client_id.clone();
    let (s, body) = api
        .form(
            "token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &client),
                ("refresh_token", rt),
                ("scope", SCOPE),
            ],
        )
        .await;
    (s, body["error_codes"][0].as_u64().unwrap_or(0))
}

async fn me_status(api: &Api, access_token: &str) -> u16 {
    api.send_as(access_token, Method::GET, "/v1.0/me", None)
        .await
        .status
}

#[tokio::test]
async fn a_disabled_account_gets_no_token_and_the_log_names_the_user() {
    let api = manual().await;
    let (at, rt) = sign_in(&api, CFO, true).await;
    let (pending, user_code) = device_code(&api).await;
    assert!(api.sim.approve_device_code(&user_code, CFO));
    api.expect(
        Method::PATCH,
        &format!("/v1.0/users/{CFO}"),
        Some(json!({"accountEnabled": false})),
        204,
    )
    .await;
    assert_eq!(refresh(&api, &rt).await, (400, 50057));
    // Approved before the account was disabled, redeemed after: refused too.
    let (s, body) = poll(&api, &pending).await;
    assert_eq!((s, body["error_codes"][0].as_u64()), (400, Some(50057)));
    let (_, another) = device_code(&api).await;
    assert!(!api.sim.approve_device_code(&another, CFO));
    // The access token already issued keeps working until it expires.
    assert_eq!(me_status(&api, &at).await, 200);

    // Token requests are logged with the user they were for, refusals included.
    let log = api.sim.request_log();
    let token_path = format!("/{}/oauth2/v2.0/token", api.sim.tenant_id);
    let for_cfo: Vec<u16> = log
        .iter()
        .filter(|e| e.path == token_path && e.user_id.as_deref() == Some(CFO))
        .map(|e| e.status)
        .collect();
    assert_eq!(for_cfo, [200, 400, 400], "sign-in, refresh, late poll");
    assert!(log
        .iter()
        .filter(|e| e.path == token_path)
        .all(|e| e.app_id.as_deref() == Some(api.sim.apps.full.client_id.as_str())));
}

#[tokio::test]
async fn password_reset_kills_password_based_tokens_and_revoke_kills_all() {
    let api = manual().await;
    let (at, with_password) = sign_in(&api, CFO, true).await;
    let (_, passwordless) = sign_in(&api, CFO, false).await;
    let admin = api.delegated(ADMIN, &["UserAuthenticationMethod.ReadWrite.All"]);
    let reset = format!("/v1.0/users/{CFO}/authentication/methods/{PASSWORD}/resetPassword");
    let r = api
        .send_as(&admin, Method::POST, &reset, Some(json!({})))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(refresh(&api, &with_password).await, (400, 50173));
    assert_eq!(refresh(&api, &passwordless).await, (200, 0));

    // The app-only alternative (passwordProfile) has the same effect.
    let (_, again) = sign_in(&api, CFO, true).await;
    assert_eq!(refresh(&api, &again).await, (200, 0));
    let profile = json!({"passwordProfile": {"password": "Kx9!vQ2p-long", "forceChangePasswordNextSignIn": true}});
    api.expect(
        Method::PATCH,
        &format!("/v1.0/users/{CFO}"),
        Some(profile),
        204,
    )
    .await;
    assert_eq!(refresh(&api, &again).await, (400, 50173));
    assert_eq!(refresh(&api, &passwordless).await, (200, 0));

    // revokeSignInSessions: every class of refresh token.
    api.expect(
        Method::POST,
        &format!("/v1.0/users/{CFO}/revokeSignInSessions"),
        None,
        200,
    )
    .await;
    assert_eq!(refresh(&api, &passwordless).await, (400, 50173));
    // Access tokens are not refresh tokens: valid to `exp` after all of it.
    assert_eq!(me_status(&api, &at).await, 200);
}

#[tokio::test]
async fn revoking_a_guest_leaves_their_sessions_alone() {
    let api = manual().await;
    let (_, rt) = sign_in(&api, GUEST, true).await;
    let r = api
        .expect(
            Method::POST,
            &format!("/v1.0/users/{GUEST}/revokeSignInSessions"),
            None,
            200,
        )
        .await;
    assert_eq!(r.body["value"], true);
    assert_eq!(
        refresh(&api, &rt).await,
        (200, 0),
        "revoke in their home tenant"
    );
    // A member's revoke, for contrast.
    let (_, member) = sign_in(&api, sample::SALES, true).await;
    api.expect(
        Method::POST,
        &format!("/v1.0/users/{}/revokeSignInSessions", sample::SALES),
        None,
        200,
    )
    .await;
    assert_eq!(refresh(&api, &member).await, (400, 50173));
}
