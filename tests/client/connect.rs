//! From options, config and environment to a client: missing permissions (exit 4) and
//! `--read-only`, national clouds, env-token, az-cli, `--demo`, and the binary's `whoami`,
//! `login` and config errors.

use super::support::*;
use reclaim::cli::connect::{resolve, ConnectOptions};
use reclaim::cli::{AuthMethod, Cloud, Exit, GlobalOpts};
use reclaim_core::secrets::Secret;
use reclaim_core::secrets::{MemoryStore, SecretStore};
use reclaim_graph::auth::cache::TokenCache;
use reclaim_graph::auth::Authenticator;
use reclaim_graph::cloud::NationalCloud;
use reclaim_graph::requests;
use reclaim_graph::{AuthError, ClientOptions, GraphClient, GraphError};
use std::sync::Arc;

#[tokio::test]
async fn missing_permission_names_it_and_exits_4_and_read_only_sends_nothing() {
    let s = sim(fast()).await;
    let c = read_only_app(&s, ClientOptions::default());
    let err = c
        .send_empty(requests::revoke_sign_in_sessions(&admin_id(&s)))
        .await
        .unwrap_err();
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
    let locked = read_only_app(
        &s,
        ClientOptions {
            read_only: true,
            ..Default::default()
        },
    );
    assert!(matches!(
        locked
            .send_empty(requests::set_account_enabled(&admin_id(&s), false))
            .await,
        Err(GraphError::ReadOnly { .. })
    ));
    assert!(matches!(
        locked
            .send_empty(requests::confirm_compromised(&[&admin_id(&s)]))
            .await,
        Err(GraphError::ReadOnly { .. })
    ));
    assert!(locked.list_users(None, None, false).collect().await.is_ok());
    // A $batch of reads passes --read-only; one write in it refuses the whole batch.
    use reclaim_graph::batch::BatchItem;
    use reclaim_graph::throttle::ThrottleScope;
    let read = BatchItem::get(
        "1",
        format!("/users/{}", admin_id(&s)),
        "read-users",
        ThrottleScope::directory("/users/x", false),
    );
    let results = locked
        .batch(reclaim_graph::ApiVersion::V1, vec![read.clone()])
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
            .batch(reclaim_graph::ApiVersion::V1, vec![write])
            .await,
        Err(GraphError::ReadOnly { .. })
    ));
    assert!(
        s.request_log().iter().all(|e| !e.is_mutating()),
        "--read-only sent a mutating request"
    );
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
    // Without the variable: a usage error (2), like a client secret missing.
    let Err(e) = reclaim::cli::connect_with(&g_env, opts.clone()).await else {
        panic!("env-token without RECLAIM_ACCESS_TOKEN connected");
    };
    assert_eq!(e.exit, reclaim::cli::Exit::Usage, "{}", e.message);
    assert!(e.message.contains("RECLAIM_ACCESS_TOKEN"), "{}", e.message);

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

fn reclaim_bin(args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_reclaim"));
    cmd.args(args)
        .env("RECLAIM_KEYRING", "memory")
        // The log file goes to a scratch state dir, not the developer's.
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join("reclaim-client-test-state"),
        )
        .env_remove("RECLAIM_ACCESS_TOKEN")
        .env_remove("RECLAIM_CLIENT_SECRET");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

#[test]
fn the_binary_whoami_login_and_config_errors() {
    // --demo: the built-in tenant, full app; JSON on stdout, the log in the state dir.
    let state = tempfile::tempdir().unwrap();
    let state_home = state.path().to_str().unwrap();
    let out = reclaim_bin(
        &["--demo", "whoami", "--json"],
        &[("XDG_STATE_HOME", state_home)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let log_path = state.path().join("reclaim/reclaim.log");
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("command started command=\"whoami\"") && log.contains("exit=0"),
        "{log}"
    );
    assert!(!log.contains("eyJ"), "no token in the log");
    assert_eq!(report["principalType"], "application");
    let caps = report["capabilities"].as_array().unwrap();
    assert!(caps
        .iter()
        .any(|c| c["name"] == "revoke-sessions" && c["status"] == "ready"));
    // --read-only: the read-only app, write capabilities not offered. RECLAIM_LOG=off: silent.
    let out = reclaim_bin(
        &["--demo", "--read-only", "whoami"],
        &[("XDG_STATE_HOME", state_home), ("RECLAIM_LOG", "off")],
    );
    assert_eq!(std::fs::read_to_string(&log_path).unwrap(), log);
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
    let home = tempfile::tempdir().unwrap();
    let reclaim = |command: &str| {
        let mut c = crate::common::reclaim_as(&s, &s.apps.read_only, home.path());
        c.arg(command);
        c
    };
    let out = reclaim("login").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("Signed in") && err.contains("memory only"),
        "{err}"
    );
    assert!(!err.contains(&s.apps.read_only.client_secret));
    let out = reclaim("whoami").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("MISSING") && text.contains("User.RevokeSessions.All"),
        "{text}"
    );
    // logout needs no secret.
    assert!(reclaim("logout")
        .env_remove("RECLAIM_CLIENT_SECRET")
        .status()
        .unwrap()
        .success());
    drop(s);
}

/// A script's `reclaim --demo triage --json`: the CONTRACT's shape, from the in-process tenant
/// served with the `fast` profile to an unpaced client (the console keeps `realistic`), so it
/// answers in seconds rather than minutes of reports-throttle pacing.
#[test]
fn the_binary_demo_triage_json_is_headless_and_unpaced() {
    let state = tempfile::tempdir().unwrap();
    let out = reclaim_bin(
        &["--demo", "triage", "--json"],
        &[("XDG_STATE_HOME", state.path().to_str().unwrap())],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let accounts = report["accounts"].as_array().unwrap();
    assert!(!accounts.is_empty());
    let scores: Vec<u64> = accounts
        .iter()
        .map(|a| a["score"].as_u64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(accounts.iter().any(|a| a["verdict"] == "compromised"));
    for a in accounts {
        for field in [
            "id",
            "userPrincipalName",
            "displayName",
            "jobTitle",
            "department",
            "roles",
            "riskLevel",
            "riskState",
            "score",
            "verdict",
            "indicators",
        ] {
            assert!(a.get(field).is_some(), "{field} missing in {a}");
        }
    }
    let log = std::fs::read_to_string(state.path().join("reclaim/reclaim.log")).unwrap();
    assert!(
        log.contains("connecting to the demo tenant") && log.contains("interactive=false"),
        "{log}"
    );
}

/// An opaque (non-JWT) token from `env-token`: whoami cannot read its permissions and says
/// so, rather than calling every capability missing.
#[test]
fn the_binary_whoami_with_an_opaque_token_says_unknown_not_missing() {
    let out = reclaim_bin(
        &[
            "--graph-url",
            "http://127.0.0.1:9",
            "--tenant",
            "contoso.onmicrosoft.com",
            "--auth",
            "env-token",
            "whoami",
            "--json",
        ],
        &[("RECLAIM_ACCESS_TOKEN", "opaque-token-value")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["permissionsKnown"], false);
    assert_eq!(report["principalType"], "unknown");
    let caps = report["capabilities"].as_array().unwrap();
    assert!(!caps.is_empty());
    assert!(caps.iter().all(|c| c["status"] == "unknown"), "{caps:?}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("opaque-token-value"));
}
