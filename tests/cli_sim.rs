//! `reclaim sim` as a process: one JSON line on stdout (CONTRACT.md), then the generated
//! `campaign-2024` tenant of the given size and seed, served until SIGTERM.

use serde_json::Value;

/// Kills the child process if the test fails before stopping it.
struct Reaper(std::process::Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn post_form(url: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(url)
        .form(form)
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Starts `reclaim sim` on a free loopback port with these arguments and reads the one JSON
/// line it prints: the process (killed when dropped) and the line.
async fn start_sim(args: &[&str]) -> (Reaper, Value) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_reclaim"))
        .args(["sim", "--listen", "127.0.0.1:0"])
        .args(args)
        .env("RECLAIM_KEYRING", "memory")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn reclaim sim");
    let stdout = child.stdout.take().expect("stdout");
    let child = Reaper(child);
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .map(|_| line)
    })
    .await
    .expect("join")
    .expect("a line");
    let printed: Value = serde_json::from_str(&line).expect("one JSON line");
    (child, printed)
}

#[tokio::test]
async fn reclaim_sim_prints_one_json_line_and_serves_the_seeded_campaign() {
    let (mut child, printed) =
        start_sim(&["--users", "60", "--seed", "77", "--profile", "fast"]).await;
    let graph_url = printed["graph_url"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let login_url = printed["login_url"].as_str().unwrap_or_default();
    let tenant = printed["tenant_id"].as_str().unwrap_or_default();
    assert!(graph_url.starts_with("http://127.0.0.1:"));
    for app in ["full", "read_only"] {
        for k in ["client_id", "client_secret"] {
            assert!(printed["apps"][app][k].is_string(), "{app}.{k}");
        }
    }
    let (status, body) = post_form(
        &format!("{login_url}/{tenant}/oauth2/v2.0/token"),
        &[
            ("grant_type", "client_credentials"),
            (
                "client_id",
                printed["apps"]["full"]["client_id"]
                    .as_str()
                    .unwrap_or_default(),
            ),
            (
                "client_secret",
                printed["apps"]["full"]["client_secret"]
                    .as_str()
                    .unwrap_or_default(),
            ),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let get = |path: String| {
        let token = token.clone();
        async move {
            let resp = reqwest::Client::new()
                .get(path)
                .bearer_auth(token)
                .send()
                .await
                .expect("request");
            assert_eq!(resp.status(), 200);
            resp.json::<Value>().await.expect("json")
        }
    };
    // The very tenant the generator makes from that size and seed: same id, same people.
    let want = reclaim_sim::scenario::generate("campaign-2024", 60, 77, chrono::Utc::now())
        .expect("generates")
        .tenant;
    assert_eq!(tenant, want.id);
    let served = get(format!("{graph_url}/v1.0/users?$select=id&$top=999")).await;
    let mut ids: Vec<&str> = served["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|u| u["id"].as_str())
        .collect();
    ids.sort();
    let mut live: Vec<&str> = want
        .users
        .iter()
        .filter(|u| !u.deleted)
        .map(|u| &*u.id)
        .collect();
    live.sort();
    assert_eq!(ids, live);
    let risky = get(format!(
        "{graph_url}/v1.0/identityProtection/riskyUsers?$top=500"
    ))
    .await;
    assert_eq!(
        risky["value"].as_array().map(Vec::len),
        Some(want.risky_users.len())
    );

    // SIGTERM stops it cleanly (exit 0).
    #[cfg(unix)]
    {
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &child.0.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let status = child.0.wait().expect("wait");
        assert_eq!(status.code(), Some(0));
    }
    #[cfg(not(unix))]
    drop(child);

    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_reclaim"))
        .args(["sim", "--profile", "chaotic"])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
}

/// `reclaim sim --licence free`: the sign-in log refused with Graph's licence 403, the
/// subscriptions without an Entra ID premium plan.
#[tokio::test]
async fn reclaim_sim_licence_free_refuses_the_sign_in_log() {
    let (_child, printed) =
        start_sim(&["--users", "60", "--profile", "fast", "--licence", "free"]).await;
    let graph = printed["graph_url"].as_str().unwrap_or_default();
    let login = printed["login_url"].as_str().unwrap_or_default();
    let tenant = printed["tenant_id"].as_str().unwrap_or_default();
    let app = &printed["apps"]["full"];
    let (status, body) = post_form(
        &format!("{login}/{tenant}/oauth2/v2.0/token"),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", app["client_id"].as_str().unwrap_or_default()),
            (
                "client_secret",
                app["client_secret"].as_str().unwrap_or_default(),
            ),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let get = |path: &str| {
        let url = format!("{graph}/v1.0{path}");
        let token = token.clone();
        async move {
            let r = reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("request");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, body) = get("/auditLogs/signIns?$top=1").await;
    assert_eq!(status, 403);
    assert_eq!(
        body["error"]["code"],
        "Authentication_RequestFromNonPremiumTenantOrB2CTenant"
    );
    let (status, body) = get("/subscribedSkus").await;
    assert_eq!(status, 200);
    let text = body.to_string();
    assert!(!text.contains("AAD_PREMIUM"), "{text}");
    assert_eq!(get("/users?$top=1").await.0, 200);
}
