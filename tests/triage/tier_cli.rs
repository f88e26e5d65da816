//! The binary on each licence tier: `triage --json` says which sources the licence refused
//! (`unavailable`, reason `licence`) and exits 0; `--csv` carries them in its last column;
//! accounts are still `compromised` on a free tenant from audit and mailbox evidence; a source
//! refused for a missing permission is told apart (reason `permission`, exit 4).

use super::support::*;
use reclaim_sim::model::AppRegistration;
use reclaim_sim::{AppCredentials, Licence, LicenceSettings, SimHandle};
use std::process::Output;

async fn run(sim: &SimHandle, app: &AppCredentials, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut command = crate::common::reclaim_as(sim, app, home.path());
    command.args(args);
    let out = tokio::task::spawn_blocking(move || command.output().expect("the binary runs"))
        .await
        .unwrap();
    drop(home);
    out
}

fn unavailable(v: &serde_json::Value) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = v["unavailable"]
        .as_array()
        .expect("unavailable is a list")
        .iter()
        .map(|u| {
            (
                u["source"].as_str().unwrap().to_string(),
                u["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    list.sort();
    list
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// `reclaim --demo --licence TIER ARGS...`: the in-process tenant, unpaced.
async fn demo(tier: &str, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_reclaim"));
    command
        .args(["--demo", "--licence", tier])
        .args(args)
        .env("RECLAIM_KEYRING", "memory")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_DATA_HOME", home.path().join("data"));
    let out = tokio::task::spawn_blocking(move || command.output().expect("the binary runs"))
        .await
        .unwrap();
    drop(home);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_tier_reports_what_its_licence_refused_and_exits_zero() {
    for tier in ["p2", "p1", "free"] {
        let out = demo(tier, &["triage", "--json"]).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{tier}: {stderr}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let want = match tier {
            "p2" => vec![],
            "p1" => pairs(&[("risk detections", "licence"), ("risky users", "licence")]),
            _ => pairs(&[
                ("risk detections", "licence"),
                ("risky users", "licence"),
                ("sign-ins", "licence"),
            ]),
        };
        assert_eq!(unavailable(&v), want, "{tier}");
        assert_eq!(v["complete"], true, "{tier}: {stderr}");
        if tier != "p2" {
            assert!(
                stderr.contains("unavailable: risky users: not included in the tenant's licence"),
                "{stderr}"
            );
        }
        // Verdicts from what remains: some accounts are still compromised, on free from
        // audit and mailbox evidence alone (the per-tier recall is in `tiers`).
        let accounts = v["accounts"].as_array().unwrap();
        let compromised: Vec<&serde_json::Value> = accounts
            .iter()
            .filter(|a| a["verdict"] == "compromised")
            .collect();
        assert!(!compromised.is_empty(), "{tier}");
        if tier == "free" {
            let ids = |a: &serde_json::Value| -> Vec<String> {
                a["indicators"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i["id"].as_str().unwrap().to_string())
                    .collect()
            };
            assert!(compromised.iter().all(|a| !ids(a)
                .iter()
                .any(|i| i.starts_with("identity-protection") || i.starts_with("campaign-"))));
        }
    }
    let csv = demo("free", &["triage", "--csv"]).await;
    assert_eq!(csv.status.code(), Some(0));
    let text = String::from_utf8_lossy(&csv.stdout);
    let mut lines = text.lines();
    assert!(lines.next().unwrap().ends_with(",unavailableSources"));
    let row = lines.next().expect("a ranked account");
    assert!(
        row.ends_with("risk detections (licence); risky users (licence); sign-ins (licence)")
            || row.contains("sign-ins (licence)"),
        "{row}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_permission_is_not_taken_for_the_licence() {
    let sim = campaign(150, 11, chrono::Utc::now(), &Default::default()).await;
    sim.set_licence(LicenceSettings::tier(Licence::P1));
    let app = AppCredentials {
        client_id: "11111111-2222-4333-8444-777777777777".into(),
        client_secret: "no-audit-secret".into(),
    };
    sim.register_app(AppRegistration {
        client_id: app.client_id.clone(),
        display_name: "no audit log".into(),
        client_secret: Some(app.client_secret.clone()),
        application_permissions: reclaim_sim::apps::READ_PERMISSIONS
            .iter()
            .filter(|p| !p.starts_with("MailboxSettings"))
            .map(|p| p.to_string())
            .collect(),
        ..AppRegistration::default()
    });
    let out = run(&sim, &app, &["triage", "--json"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = unavailable(&v);
    assert!(
        list.contains(&("risky users".into(), "licence".into())),
        "{list:?}"
    );
    assert!(
        list.contains(&("inbox rules".into(), "permission".into())),
        "{list:?}"
    );
}

fn source<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == name)
        .unwrap_or_else(|| panic!("no source {name} in {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whoami_reports_each_source_and_the_tier() {
    for tier in ["p2", "p1", "free"] {
        let out = demo(tier, &["whoami", "--json"]).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{tier}: {stderr}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["licence"]["tier"], tier, "{}", v["licence"]);
        let basis = v["licence"]["basis"].as_array().unwrap();
        assert!(basis.contains(&"answers".into()) && basis.contains(&"subscribedSkus".into()));
        let refused: &[&str] = match tier {
            "p2" => &[],
            "p1" => &["risky users", "risk detections"],
            _ => &[
                "risky users",
                "risk detections",
                "sign-ins",
                "signInActivity",
            ],
        };
        for name in [
            "risky users",
            "risk detections",
            "sign-ins",
            "signInActivity",
            "directory audits",
            "users",
            "directory roles",
            "authentication methods",
            "inbox rules",
            "OAuth grants",
            "subscribed SKUs",
        ] {
            let s = source(&v, name);
            if refused.contains(&name) {
                assert_eq!(s["readable"], false, "{tier} {name}");
                assert_eq!(s["reason"], "licence", "{tier} {name}");
                assert_eq!(s["explanation"], "not included in the tenant's licence");
            } else {
                assert_eq!(s["readable"], true, "{tier} {name}: {s}");
            }
        }
    }
    let text = demo("free", &["whoami"]).await;
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("licence       Entra ID Free"), "{text}");
    assert!(
        text.contains("sign-ins")
            && text.contains("not included in the tenant's licence (licence)"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whoami_tells_a_missing_permission_from_the_licence() {
    let sim = campaign(60, 5, chrono::Utc::now(), &Default::default()).await;
    sim.set_licence(LicenceSettings::tier(Licence::P1));
    let app = AppCredentials {
        client_id: "11111111-2222-4333-8444-888888888888".into(),
        client_secret: "no-mail-secret".into(),
    };
    sim.register_app(AppRegistration {
        client_id: app.client_id.clone(),
        display_name: "no mailbox settings".into(),
        client_secret: Some(app.client_secret.clone()),
        application_permissions: reclaim_sim::apps::READ_PERMISSIONS
            .iter()
            .filter(|p| !p.starts_with("MailboxSettings") && !p.starts_with("Organization"))
            .filter(|p| !p.starts_with("Directory"))
            .map(|p| p.to_string())
            .collect(),
        ..AppRegistration::default()
    });
    let out = run(&sim, &app, &["whoami", "--json"]).await;
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(source(&v, "risky users")["reason"], "licence");
    assert_eq!(source(&v, "inbox rules")["reason"], "permission");
    assert_eq!(
        source(&v, "inbox rules")["explanation"],
        "the app or signed-in user lacks the permission"
    );
    assert_eq!(source(&v, "subscribed SKUs")["reason"], "permission");
    // Without the subscriptions the refusals still tell the tier.
    assert_eq!(v["licence"]["tier"], "p1");
    assert_eq!(v["licence"]["basis"], serde_json::json!(["answers"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn investigate_on_a_free_tenant_says_what_the_licence_refused() {
    let triage = demo("free", &["triage", "--json"]).await;
    let v: serde_json::Value = serde_json::from_slice(&triage.stdout).unwrap();
    let upn = v["accounts"][0]["userPrincipalName"]
        .as_str()
        .expect("a ranked account")
        .to_string();
    let out = demo("free", &["investigate", &upn, "--json"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = unavailable(&v);
    for source in ["risky user", "risk detections", "sign-ins"] {
        assert!(
            list.contains(&(source.to_string(), "licence".to_string())),
            "{source}: {list:?}"
        );
    }
    assert!(
        list.iter().all(|(_, reason)| reason == "licence"),
        "{list:?}"
    );
}
