//! The client's sign-in against the simulator over real HTTP: every auth flow end to end,
//! refresh on expiry, a revoked refresh token, national cloud mapping, missing permissions
//! (exit 4), the keyring-backed token cache, and no secret in the log file.

use reclaim::cli::connect::{resolve, ConnectOptions};
use reclaim::cli::{AuthMethod, Cloud, Exit, GlobalOpts};
use reclaim::graph::auth::cache::TokenCache;
use reclaim::graph::auth::certificate::CertificateCredential;
use reclaim::graph::auth::device_code::{DeviceCodePrompt, PromptHook};
use reclaim::graph::auth::{Authenticator, Credential, Secret};
use reclaim::graph::cloud::{Endpoints, NationalCloud};
use reclaim::graph::{AuthError, ClientOptions, GraphClient, GraphError};
use reclaim::secrets::{KeyringStore, MemoryStore, SecretStore};
use reclaim::sim::model::AppRegistration;
use reclaim::sim::{fixture, DeviceCodeApproval, Profile, SimConfig, SimHandle};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ADMIN: &str = "admin@contoso-sim.onmicrosoft.com";

async fn sim(cfg: SimConfig) -> SimHandle {
    let scenario = fixture::small_tenant(cfg.seed, chrono::Utc::now());
    reclaim::sim::start_with(cfg, scenario)
        .await
        .expect("simulator starts")
}

fn fast() -> SimConfig {
    SimConfig::with_profile(Profile::Fast)
}

fn endpoints(s: &SimHandle) -> Endpoints {
    Endpoints::resolve(
        NationalCloud::Global,
        Some(&s.login_url),
        Some(&s.graph_url),
    )
    .unwrap()
}

fn client(
    s: &SimHandle,
    credential: Credential,
    cache: Option<TokenCache>,
    read_only: bool,
) -> GraphClient {
    let auth = Authenticator::new(
        reqwest::Client::new(),
        endpoints(s),
        s.tenant_id.clone(),
        credential,
        cache,
    );
    GraphClient::with_http(
        reqwest::Client::new(),
        Arc::new(auth),
        ClientOptions {
            read_only,
            ..Default::default()
        },
    )
}

fn full(s: &SimHandle) -> Credential {
    Credential::ClientSecret {
        client_id: s.apps.full.client_id.clone(),
        secret: Secret::new(s.apps.full.client_secret.clone()),
    }
}

fn admin_id(s: &SimHandle) -> String {
    s.with_tenant(|t| {
        t.users
            .iter()
            .find(|u| u.user_principal_name == ADMIN)
            .unwrap()
            .id
            .clone()
    })
}

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
    let c = client(s, device_credential(s, Some(prompt)), Some(cache), false);
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

// A keyring backend for tests: the real `keyring` crate API over a process-wide map, so
// entries persist across `Entry` values like a real keyring (keyring's own mock does not).
mod test_keyring {
    use keyring::credential::{Credential, CredentialApi, CredentialBuilderApi};
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};

    fn map() -> &'static Mutex<HashMap<String, Vec<u8>>> {
        static M: OnceLock<Mutex<HashMap<String, Vec<u8>>>> = OnceLock::new();
        M.get_or_init(Default::default)
    }

    #[derive(Debug)]
    struct Cred(String);
    impl CredentialApi for Cred {
        fn set_secret(&self, s: &[u8]) -> keyring::Result<()> {
            map().lock().unwrap().insert(self.0.clone(), s.to_vec());
            Ok(())
        }
        fn get_secret(&self) -> keyring::Result<Vec<u8>> {
            map()
                .lock()
                .unwrap()
                .get(&self.0)
                .cloned()
                .ok_or(keyring::Error::NoEntry)
        }
        fn delete_credential(&self) -> keyring::Result<()> {
            map()
                .lock()
                .unwrap()
                .remove(&self.0)
                .map(|_| ())
                .ok_or(keyring::Error::NoEntry)
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    #[derive(Debug)]
    struct Builder;
    impl CredentialBuilderApi for Builder {
        fn build(
            &self,
            _t: Option<&str>,
            service: &str,
            user: &str,
        ) -> keyring::Result<Box<Credential>> {
            Ok(Box::new(Cred(format!("{service}\u{0}{user}"))))
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    pub fn install() {
        keyring::set_default_credential_builder(Box::new(Builder));
    }

    pub fn values() -> Vec<String> {
        map()
            .lock()
            .unwrap()
            .values()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect()
    }
}

#[tokio::test]
async fn client_secret_signs_in_and_reads() {
    let s = sim(fast()).await;
    let c = client(&s, full(&s), None, false);
    let users = c.list_users(None, None, false).collect().await.unwrap();
    assert_eq!(users.items.len(), 5);
    assert!(users.is_complete());
    let claims = c.claims().await.unwrap().unwrap();
    assert_eq!(claims.tid.as_deref(), Some(s.tenant_id.as_str()));
    assert!(!claims.is_delegated());
    // A wrong secret is refused with the AADSTS explanation.
    let bad = client(
        &s,
        Credential::ClientSecret {
            client_id: s.apps.full.client_id.clone(),
            secret: Secret::new("wrong".into()),
        },
        None,
        false,
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
    let der = std::fs::read("tests/data/client-test-cert.der").unwrap();
    s.register_app(AppRegistration {
        client_id: "cert-app".into(),
        display_name: "reclaim cert test".into(),
        certificate_der: vec![der],
        application_permissions: vec!["User.Read.All".into()],
        ..Default::default()
    });
    let pem = CertificateCredential::load(Path::new("tests/data/client-test-cert.pem")).unwrap();
    let pfx = CertificateCredential::from_bytes(
        Path::new("client-test-cert.pfx"),
        &std::fs::read("tests/data/client-test-cert.pfx").unwrap(),
        Some(&Secret::new("reclaim-test".into())),
    )
    .unwrap();
    for (cert, label) in [
        (pem.clone(), "pem"),
        (pfx, "pfx"),
        (pem.with_rs256(), "rs256"),
    ] {
        let c = client(
            &s,
            Credential::Certificate {
                client_id: "cert-app".into(),
                certificate: cert,
            },
            None,
            false,
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
    let later = client(&s, device_credential(&s, None), Some(cache()), false);
    let me = later
        .claims()
        .await
        .expect("refresh from the keyring")
        .unwrap();
    assert_eq!(me.upn.as_deref(), Some(ADMIN));
    // logout forgets it, and the next session must sign in again.
    later.authenticator().sign_out().await.unwrap();
    let after = client(&s, device_credential(&s, None), Some(cache()), false);
    assert!(after.claims().await.unwrap_err().is_sign_in_again());
}

#[tokio::test]
async fn device_code_declined_and_expired_are_reported_clearly() {
    let s = sim(manual_device_cfg()).await;
    let (prompt, mut codes) = prompt_channel();
    let c = client(&s, device_credential(&s, Some(prompt.clone())), None, false);
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
    let c = client(&s, device_credential(&s, Some(prompt)), None, false);
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
    let app = client(&s, full(&s), None, false);
    app.revoke_sign_in_sessions(&admin_id(&s)).await.unwrap();
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
async fn missing_permission_names_it_and_exits_4_and_read_only_sends_nothing() {
    let s = sim(fast()).await;
    let ro = Credential::ClientSecret {
        client_id: s.apps.read_only.client_id.clone(),
        secret: Secret::new(s.apps.read_only.client_secret.clone()),
    };
    let c = client(&s, ro.clone(), None, false);
    let err = c.revoke_sign_in_sessions(&admin_id(&s)).await.unwrap_err();
    match &err {
        GraphError::MissingPermission {
            capability,
            permissions,
            ids,
            ..
        } => {
            assert_eq!(capability, "revoke-sessions");
            assert_eq!(permissions, &vec!["User.RevokeSessions.All".to_string()]);
            assert!(ids.request_id.is_some(), "Graph's request-id is kept");
        }
        other => panic!("{other:?}"),
    }
    let cli = reclaim::cli::CliError::from(err);
    assert_eq!(cli.exit, Exit::MissingPermission);
    assert!(
        cli.message.contains("User.RevokeSessions.All") && cli.message.contains("revoke-sessions")
    );

    s.clear_request_log();
    let locked = client(&s, ro, None, true);
    assert!(matches!(
        locked.set_account_enabled(&admin_id(&s), false).await,
        Err(GraphError::ReadOnly { .. })
    ));
    assert!(matches!(
        locked.confirm_compromised(&[admin_id(&s)]).await,
        Err(GraphError::ReadOnly { .. })
    ));
    assert!(locked.list_users(None, None, false).collect().await.is_ok());
    // A $batch of reads passes --read-only; one write in it refuses the whole batch.
    use reclaim::graph::batch::BatchItem;
    use reclaim::graph::throttle::ThrottleScope;
    let read = BatchItem::get(
        "1",
        format!("/users/{}", admin_id(&s)),
        "read-users",
        ThrottleScope::directory("/users/x", false),
    );
    let results = locked
        .batch(reclaim::graph::ApiVersion::V1, vec![read.clone()])
        .await
        .unwrap();
    assert_eq!(results[0].outcome.as_ref().unwrap().status, 200);
    let write = BatchItem {
        id: "2".into(),
        method: reqwest::Method::POST,
        url: format!("/users/{}/revokeSignInSessions", admin_id(&s)),
        ..read
    };
    assert!(matches!(
        locked
            .batch(reclaim::graph::ApiVersion::V1, vec![write])
            .await,
        Err(GraphError::ReadOnly { .. })
    ));
    assert!(
        s.request_log().iter().all(|e| !e.is_mutating()),
        "--read-only sent a mutating request"
    );
}

#[tokio::test]
async fn a_token_graph_refuses_even_after_a_refresh_says_sign_in_again() {
    let s = sim(fast()).await;
    // A well-formed, unexpired token for another tenant: Graph answers 401.
    let foreign = s.mint_token(&reclaim::sim::auth::jwt::TokenSpec {
        tenant_id: "00000000-0000-0000-0000-00000000beef".into(),
        app_id: s.apps.full.client_id.clone(),
        roles: vec!["User.Read.All".into()],
        lifetime: Duration::from_secs(3600),
        ..Default::default()
    });
    let c = client(
        &s,
        Credential::StaticToken(Secret::new(foreign)),
        None,
        false,
    );
    let err = c.get_user(ADMIN).await.unwrap_err();
    assert!(err.is_sign_in_again(), "{err:?}");
    assert!(err.to_string().contains("even after a refresh"));
    let attempts = s.request_log().iter().filter(|e| e.status == 401).count();
    assert_eq!(attempts, 2, "one retry with a refreshed token, then stop");
}

#[tokio::test]
async fn national_clouds_map_to_their_hosts_and_overrides_reach_the_simulator() {
    let s = sim(fast()).await;
    let expect = [
        (
            Cloud::Global,
            "https://login.microsoftonline.com",
            "https://graph.microsoft.com",
        ),
        (
            Cloud::Usgov,
            "https://login.microsoftonline.us",
            "https://graph.microsoft.us",
        ),
        (
            Cloud::UsgovDod,
            "https://login.microsoftonline.us",
            "https://dod-graph.microsoft.us",
        ),
        (
            Cloud::China,
            "https://login.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let empty_config = dir.path().join("config.toml");
    std::fs::write(&empty_config, "").unwrap();
    for (cloud, login, graph) in expect {
        let g = GlobalOpts {
            tenant: Some(s.tenant_id.clone()),
            cloud: Some(cloud),
            auth: Some(AuthMethod::ClientSecret),
            client_id: Some(s.apps.full.client_id.clone()),
            config: Some(empty_config.clone()),
            ..Default::default()
        };
        let r = resolve(&g).unwrap();
        assert_eq!(
            (
                r.endpoints.login_url.as_str(),
                r.endpoints.graph_url.as_str()
            ),
            (login, graph),
            "{cloud:?}"
        );
        assert_eq!(
            r.endpoints.token_url("t"),
            format!("{login}/t/oauth2/v2.0/token")
        );
        // With --login-url/--graph-url, the same cloud talks to the simulator over HTTP.
        let over = GlobalOpts {
            login_url: Some(s.login_url.clone()),
            graph_url: Some(format!("{}/", s.graph_url)),
            ..g
        };
        let settings = resolve(&over).unwrap();
        assert_eq!(settings.endpoints.cloud, NationalCloud::from(cloud));
        let auth = Authenticator::new(
            reqwest::Client::new(),
            settings.endpoints,
            settings.tenant,
            full(&s),
            None,
        );
        let c = GraphClient::with_http(
            reqwest::Client::new(),
            Arc::new(auth),
            ClientOptions::default(),
        );
        // The token is asked for the cloud's Graph resource. The simulator stands in for the
        // global cloud; if it refuses another cloud's resource, its answer must name it.
        match c.get_user(ADMIN).await {
            Ok(_) => {}
            Err(GraphError::Auth(AuthError::Refused {
                error, description, ..
            })) if cloud != Cloud::Global => {
                assert_eq!(error, "invalid_scope");
                assert!(
                    description.contains(&format!("{graph}/.default")),
                    "{description}"
                );
            }
            Err(e) => panic!("{cloud:?}: {e:?}"),
        }
    }
}

#[tokio::test]
async fn env_token_az_cli_and_connect_from_options_and_environment() {
    // Everything that reads process environment lives in this one test (tests run in
    // parallel threads; no other test touches these variables).
    let s = sim(fast()).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "active_profile = \"sim\"\n[profiles.sim]\ntenant = \"{}\"\nclient_id = \"{}\"\nauth = \"client-secret\"\nlogin_url = \"{}\"\ngraph_url = \"{}\"\n",
            s.tenant_id, s.apps.full.client_id, s.login_url, s.graph_url
        ),
    )
    .unwrap();
    let g = GlobalOpts {
        config: Some(config.clone()),
        ..Default::default()
    };
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let opts = ConnectOptions {
        store: Some(store.clone()),
        ..Default::default()
    };
    // No secret anywhere: a usage error naming the variable.
    std::env::remove_var("RECLAIM_CLIENT_SECRET");
    let err = reclaim::cli::connect_with(&g, opts.clone())
        .await
        .err()
        .unwrap();
    assert_eq!(err.exit, Exit::Usage);
    assert!(err.message.contains("RECLAIM_CLIENT_SECRET"));
    // The profile plus RECLAIM_CLIENT_SECRET.
    std::env::set_var("RECLAIM_CLIENT_SECRET", &s.apps.full.client_secret);
    let c = reclaim::cli::connect_with(&g, opts.clone()).await.unwrap();
    let report = reclaim::cli::auth_cmd_report(&c).await.unwrap();
    assert_eq!(report.principal_type, "application");
    assert!(
        report.capabilities.iter().all(|c| c.readiness.is_ready()),
        "the full app is ready for everything"
    );
    std::env::remove_var("RECLAIM_CLIENT_SECRET");
    // The secret kept in the (keyring) store by `login` is found without the variable.
    TokenCache::new(
        store.clone(),
        &s.login_url,
        &s.tenant_id,
        &s.apps.full.client_id,
    )
    .set_client_secret(&Secret::new(s.apps.full.client_secret.clone()))
    .unwrap();
    assert!(reclaim::cli::connect_with(&g, opts.clone())
        .await
        .unwrap()
        .get_user(ADMIN)
        .await
        .is_ok());

    // env-token: a bearer token from RECLAIM_ACCESS_TOKEN, claims read for whoami.
    let token = s.mint_delegated_token(ADMIN, &s.apps.read_only.client_id, &["User.Read.All"]);
    std::env::set_var("RECLAIM_ACCESS_TOKEN", &token);
    let g_env = GlobalOpts {
        auth: Some(AuthMethod::EnvToken),
        ..g.clone()
    };
    let c = reclaim::cli::connect_with(&g_env, opts.clone())
        .await
        .unwrap();
    let report = reclaim::cli::auth_cmd_report(&c).await.unwrap();
    assert_eq!(report.principal, ADMIN);
    assert_eq!(report.permissions, vec!["User.Read.All"]);
    let revoke = report
        .capabilities
        .iter()
        .find(|c| c.name == "revoke-sessions")
        .unwrap();
    assert!(!revoke.readiness.is_ready());
    assert!(c.get_user(ADMIN).await.is_ok());
    std::env::remove_var("RECLAIM_ACCESS_TOKEN");

    // az-cli: a stand-in `az` printing what `az account get-access-token` prints.
    let az = dir.path().join("az");
    let app_token = s.mint_app_token(&s.apps.full.client_id);
    std::fs::write(
        &az,
        format!(
            "#!/bin/sh\necho \"$@\" > \"{}\"\necho '{{\"accessToken\":\"{app_token}\",\"expiresOn\":\"x\",\"expires_on\":{},\"tenant\":\"t\",\"tokenType\":\"Bearer\"}}'\n",
            dir.path().join("args").display(),
            chrono::Utc::now().timestamp() + 3600
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::env::set_var("RECLAIM_AZ", &az);
    let g_az = GlobalOpts {
        auth: Some(AuthMethod::AzCli),
        ..g.clone()
    };
    let c = reclaim::cli::connect_with(&g_az, opts.clone())
        .await
        .unwrap();
    assert!(c.get_user(ADMIN).await.is_ok());
    let args = std::fs::read_to_string(dir.path().join("args")).unwrap();
    assert!(
        args.contains("get-access-token --resource-type ms-graph -o json"),
        "{args}"
    );
    std::env::remove_var("RECLAIM_AZ");

    // --demo: the in-process simulator with its read_only app under --read-only.
    let demo = GlobalOpts {
        demo: true,
        read_only: true,
        ..Default::default()
    };
    let c = reclaim::cli::connect_with(&demo, ConnectOptions::default())
        .await
        .unwrap();
    assert!(c.is_read_only());
    let report = reclaim::cli::auth_cmd_report(&c).await.unwrap();
    assert!(report.capabilities.iter().all(|c| !c.writes));
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
    let app = client(&s, full(&s), None, false);
    let target = s.with_tenant(|t| {
        t.users
            .iter()
            .find(|u| u.user_principal_name.starts_with("dev@"))
            .unwrap()
            .id
            .clone()
    });
    let tap = app
        .create_tap(&target, &Default::default())
        .await
        .unwrap()
        .value;
    let pass = tap.pass.clone().expect("the pass is returned once");
    let reset = delegated.reset_password(&target, None).await.unwrap().value;
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
        pass.expose().to_string(),
    ];
    if let Some(p) = reset.generated_password {
        secrets.push(p.expose().to_string());
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
    assert!(
        !format!("{tap:?}").contains(pass.expose()),
        "Debug output hides the pass"
    );
    let _ = test_keyring::values;
}

fn reclaim_bin(args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_reclaim"));
    cmd.args(args)
        .env("RECLAIM_KEYRING", "memory")
        .env_remove("RECLAIM_ACCESS_TOKEN")
        .env_remove("RECLAIM_CLIENT_SECRET");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

#[test]
fn the_binary_whoami_login_and_config_errors() {
    // --demo: the built-in tenant, full app; JSON on stdout.
    let out = reclaim_bin(&["--demo", "whoami", "--json"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["principalType"], "application");
    let caps = report["capabilities"].as_array().unwrap();
    assert!(caps
        .iter()
        .any(|c| c["name"] == "revoke-sessions" && c["status"] == "ready"));
    // --read-only: the read-only app, write capabilities not offered.
    let out = reclaim_bin(&["--demo", "--read-only", "whoami"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("read-only")
            && text.contains("read-users")
            && !text.contains("revoke-sessions"),
        "{text}"
    );

    // A broken config file: usage error naming the line; the file is left as it was.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let broken =
        "active_profile = \"a\"\n[profiles.a]\ntenant = \"x\"\nclient_secret = \"hunter2\"\n";
    std::fs::write(&config, broken).unwrap();
    let out = reclaim_bin(&["--config", config.to_str().unwrap(), "whoami"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 4") && err.contains("never stored") && !err.contains("hunter2"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), broken);

    // login with a client secret against a standalone simulator, then logout.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(sim(fast()));
    let base = [
        "--tenant",
        &s.tenant_id,
        "--login-url",
        &s.login_url,
        "--graph-url",
        &s.graph_url,
        "--auth",
        "client-secret",
        "--client-id",
        &s.apps.read_only.client_id,
    ];
    let out = reclaim_bin(
        &[&base[..], &["login"]].concat(),
        &[("RECLAIM_CLIENT_SECRET", &s.apps.read_only.client_secret)],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("Signed in") && err.contains("memory only"),
        "{err}"
    );
    assert!(!err.contains(&s.apps.read_only.client_secret));
    let out = reclaim_bin(
        &[&base[..], &["whoami"]].concat(),
        &[("RECLAIM_CLIENT_SECRET", &s.apps.read_only.client_secret)],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("MISSING") && text.contains("User.RevokeSessions.All"),
        "{text}"
    );
    assert!(reclaim_bin(&[&base[..], &["logout"]].concat(), &[])
        .status
        .success());
    drop(s);
}
