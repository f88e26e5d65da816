//! Every sign-in flow end to end over real HTTP: client secret, certificate (PEM, PFX), device
//! code with the keyring-backed token cache, refresh on expiry, a revoked refresh token, a token
//! Graph refuses, and no secret in the log file.

use super::support::*;
use super::test_keyring;
use reclaim_core::secrets::Secret;
use reclaim_core::secrets::{KeyringStore, MemoryStore, SecretStore};
use reclaim_graph::auth::cache::TokenCache;
use reclaim_graph::auth::certificate::CertificateCredential;
use reclaim_graph::auth::device_code::{DeviceCodePrompt, PromptHook};
use reclaim_graph::auth::Credential;
use reclaim_graph::models::TemporaryAccessPassMethod;
use reclaim_graph::requests;
use reclaim_graph::{AuthError, ClientOptions, GraphClient, GraphError};
use reclaim_sim::model::AppRegistration;
use reclaim_sim::{DeviceCodeApproval, SimConfig, SimHandle};
use serde_json::json;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A device-code prompt that hands the user code to the test.
fn prompt_channel() -> (
    PromptHook,
    tokio::sync::mpsc::UnboundedReceiver<DeviceCodePrompt>,
) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    (
        Arc::new(move |p: &DeviceCodePrompt| drop(tx.send(p.clone()))),
        rx,
    )
}

fn device_credential(s: &SimHandle, prompt: Option<PromptHook>) -> Credential {
    Credential::DeviceCode {
        client_id: s.apps.full.client_id.clone(),
        permissions: Vec::new(),
        prompt,
    }
}

fn manual_device_cfg() -> SimConfig {
    SimConfig {
        device_code_approval: DeviceCodeApproval::Manual,
        device_code_interval: Duration::from_millis(200),
        ..fast()
    }
}

/// Signs in with a device code approved as the admin; returns the client.
async fn device_sign_in(s: &SimHandle, cache: TokenCache) -> GraphClient {
    let (prompt, mut codes) = prompt_channel();
    let c = client_with(
        s,
        device_credential(s, Some(prompt)),
        Some(cache),
        ClientOptions::default(),
    );
    let auth = c.clone();
    let signing_in = tokio::spawn(async move { auth.authenticator().sign_in().await });
    let p = codes.recv().await.expect("a device code is shown");
    assert!(p.message.contains(&p.user_code));
    assert!(s.approve_device_code(&p.user_code, ADMIN));
    let token = signing_in
        .await
        .unwrap()
        .expect("device code sign-in succeeds");
    let claims = token.claims.expect("a JWT");
    assert_eq!(claims.upn.as_deref(), Some(ADMIN));
    assert!(claims.is_delegated());
    c
}

#[tokio::test]
async fn client_secret_signs_in_and_reads() {
    let s = sim(fast()).await;
    let c = app(&s, ClientOptions::default());
    let users = c.list_users(None, None, false).collect().await.unwrap();
    assert_eq!(users.items.len(), 5);
    assert!(users.is_complete());
    let claims = c.claims().await.unwrap().unwrap();
    assert_eq!(claims.tid.as_deref(), Some(s.tenant_id.as_str()));
    assert!(!claims.is_delegated());
    // A wrong secret is refused with the AADSTS explanation.
    let bad = client_with(
        &s,
        Credential::ClientSecret {
            client_id: s.apps.full.client_id.clone(),
            secret: Secret::new("wrong".into()),
        },
        None,
        ClientOptions::default(),
    );
    match bad.claims().await.unwrap_err() {
        GraphError::Auth(AuthError::Refused { error, codes, .. }) => {
            assert_eq!(error, "invalid_client");
            assert!(codes.contains(&7000215));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn certificate_pem_and_pfx_sign_in_with_ps256() {
    let s = sim(fast()).await;
    let der = std::fs::read("crates/graph/tests/data/client-test-cert.der").unwrap();
    s.register_app(AppRegistration {
        client_id: "cert-app".into(),
        display_name: "reclaim cert test".into(),
        certificate_der: vec![der],
        application_permissions: vec!["User.Read.All".into()],
        ..Default::default()
    });
    let pem =
        CertificateCredential::load(Path::new("crates/graph/tests/data/client-test-cert.pem"))
            .unwrap();
    let pfx = CertificateCredential::from_bytes(
        Path::new("client-test-cert.pfx"),
        &std::fs::read("crates/graph/tests/data/client-test-cert.pfx").unwrap(),
        Some(&Secret::new("reclaim-test".into())),
    )
    .unwrap();
    for (cert, label) in [
        (pem.clone(), "pem"),
        (pfx, "pfx"),
        (pem.with_rs256(), "rs256"),
    ] {
        let c = client_with(
            &s,
            Credential::Certificate {
                client_id: "cert-app".into(),
                certificate: cert,
            },
            None,
            ClientOptions::default(),
        );
        let users = c.list_users(None, None, false).collect().await;
        assert!(users.is_ok(), "{label}: {users:?}");
        let claims = c.claims().await.unwrap().unwrap();
        assert_eq!(claims.roles, vec!["User.Read.All"], "{label}");
    }
}

#[tokio::test]
async fn device_code_signs_in_caches_in_the_keyring_and_refreshes_in_a_new_session() {
    test_keyring::install();
    let s = sim(manual_device_cfg()).await;
    let store: Arc<dyn SecretStore> = Arc::new(KeyringStore::new("reclaim-client-test"));
    let cache = || {
        TokenCache::new(
            store.clone(),
            &s.login_url,
            &s.tenant_id,
            &s.apps.full.client_id,
        )
    };
    let c = device_sign_in(&s, cache()).await;
    assert!(c.get_user(ADMIN).await.is_ok());
    // The refresh token and the account are in the keyring, not in a file.
    assert!(cache().refresh_token().unwrap().is_some());
    assert_eq!(
        cache().account().unwrap().unwrap().username.as_deref(),
        Some(ADMIN)
    );
    // A later session with no way to prompt signs in from the cached refresh token.
    let later = client_with(
        &s,
        device_credential(&s, None),
        Some(cache()),
        ClientOptions::default(),
    );
    let me = later
        .claims()
        .await
        .expect("refresh from the keyring")
        .unwrap();
    assert_eq!(me.upn.as_deref(), Some(ADMIN));
    // logout forgets it, and the next session must sign in again.
    later.authenticator().sign_out().await.unwrap();
    let after = client_with(
        &s,
        device_credential(&s, None),
        Some(cache()),
        ClientOptions::default(),
    );
    assert!(after.claims().await.unwrap_err().is_sign_in_again());
}

#[tokio::test]
async fn device_code_declined_and_expired_are_reported_clearly() {
    let s = sim(manual_device_cfg()).await;
    let (prompt, mut codes) = prompt_channel();
    let c = client_with(
        &s,
        device_credential(&s, Some(prompt.clone())),
        None,
        ClientOptions::default(),
    );
    let a = c.clone();
    let pending = tokio::spawn(async move { a.authenticator().sign_in().await });
    let p = codes.recv().await.unwrap();
    assert!(s.decline_device_code(&p.user_code));
    assert_eq!(
        pending.await.unwrap().unwrap_err(),
        AuthError::DeviceCodeDeclined
    );
    // Nobody approves: the code expires.
    let s = sim(SimConfig {
        device_code_lifetime: Duration::from_secs(1),
        ..manual_device_cfg()
    })
    .await;
    let c = client_with(
        &s,
        device_credential(&s, Some(prompt)),
        None,
        ClientOptions::default(),
    );
    let err = c.authenticator().sign_in().await.unwrap_err();
    assert_eq!(err, AuthError::DeviceCodeExpired);
    assert!(err.to_string().contains("reclaim login"));
}

#[tokio::test]
async fn access_tokens_are_refreshed_on_expiry_and_revoked_refresh_tokens_say_sign_in_again() {
    let s = sim(SimConfig {
        access_token_lifetime: Duration::from_secs(2),
        ..manual_device_cfg()
    })
    .await;
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let cache = TokenCache::new(store, &s.login_url, &s.tenant_id, &s.apps.full.client_id);
    let c = device_sign_in(&s, cache.clone()).await;
    let first = c.authenticator().token().await.unwrap();
    let token_calls = || {
        s.request_log()
            .iter()
            .filter(|e| e.path.contains("/oauth2/v2.0/token"))
            .count()
    };
    let before = token_calls();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    // The old token has expired; the client refreshes before sending.
    assert!(c.get_user(ADMIN).await.is_ok());
    let second = c.authenticator().token().await.unwrap();
    assert_ne!(first.secret, second.secret);
    assert_eq!(token_calls(), before + 1, "one refresh-token request");

    // An admin revokes the admin's sessions: the refresh token dies with them.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let app = app(&s, ClientOptions::default());
    app.send_empty(requests::revoke_sign_in_sessions(&admin_id(&s)))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await; // the access token expires too
    let err = c.get_user(ADMIN).await.unwrap_err();
    assert!(err.is_sign_in_again(), "{err:?}");
    let msg = reclaim::cli::CliError::from(err).message;
    assert!(
        msg.contains("sign in again") && msg.contains("revoked"),
        "{msg}"
    );
    assert!(
        cache.refresh_token().unwrap().is_none(),
        "a revoked refresh token is forgotten"
    );
}

#[tokio::test]
async fn a_token_graph_refuses_even_after_a_refresh_says_sign_in_again() {
    let s = sim(fast()).await;
    // A well-formed, unexpired token for another tenant: Graph answers 401.
    let foreign = s.mint_token(&reclaim_sim::auth::jwt::TokenSpec {
        tenant_id: "00000000-0000-0000-0000-00000000beef".into(),
        app_id: s.apps.full.client_id.clone(),
        roles: vec!["User.Read.All".into()],
        lifetime: Duration::from_secs(3600),
        ..Default::default()
    });
    let c = client_with(
        &s,
        Credential::StaticToken(Secret::new(foreign)),
        None,
        ClientOptions::default(),
    );
    let err = c.get_user(ADMIN).await.unwrap_err();
    assert!(err.is_sign_in_again(), "{err:?}");
    assert!(err.to_string().contains("even after a refresh"));
    let attempts = s.request_log().iter().filter(|e| e.status == 401).count();
    assert_eq!(attempts, 2, "one retry with a refreshed token, then stop");
}

#[tokio::test]
async fn no_secret_reaches_the_log_file() {
    use tracing_subscriber::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("reclaim.log");
    let file = std::fs::File::create(&log_path).unwrap();
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_writer(Mutex::new(file))
            .with_ansi(false)
            .with_filter(tracing_subscriber::filter::LevelFilter::TRACE),
    );
    // Global, so spans and events on every thread land in the file (the only test here that
    // installs a subscriber; other tests' requests may land in it too, which is harmless).
    tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
    tracing::info!("log file opened");

    let s = sim(manual_device_cfg()).await;
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let cache = TokenCache::new(
        store.clone(),
        &s.login_url,
        &s.tenant_id,
        &s.apps.full.client_id,
    );
    let delegated = device_sign_in(&s, cache.clone()).await;
    let app = app(&s, ClientOptions::default());
    let target = s.with_tenant(|t| {
        t.users
            .iter()
            .find(|u| u.user_principal_name.starts_with("dev@"))
            .unwrap()
            .id
            .clone()
    });
    let tap = app
        .send_json::<TemporaryAccessPassMethod>(requests::create_tap(&target, json!({})))
        .await
        .unwrap()
        .value;
    let pass = tap
        .temporary_access_pass
        .clone()
        .expect("the pass is returned once");
    let reset = delegated
        .send(&requests::reset_password(&target, None))
        .await
        .unwrap();
    let _ = app.get_user("nobody@nowhere").await; // an error path too

    let mut secrets = vec![
        s.apps.full.client_secret.clone(),
        app.authenticator()
            .token()
            .await
            .unwrap()
            .secret
            .expose()
            .to_string(),
        delegated
            .authenticator()
            .token()
            .await
            .unwrap()
            .secret
            .expose()
            .to_string(),
        cache.refresh_token().unwrap().unwrap().expose().to_string(),
        pass,
    ];
    let generated = serde_json::from_slice::<serde_json::Value>(&reset.body).ok();
    if let Some(p) = generated.as_ref().and_then(|v| v["newPassword"].as_str()) {
        secrets.push(p.to_string());
    }
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("graph response"),
        "the log file records requests: {log}"
    );
    for secret in secrets {
        assert!(secret.len() >= 6);
        assert!(!log.contains(&secret), "a secret reached the log file");
    }
    let _ = test_keyring::values;
}
