//! Application footholds through the binary: `whoami` names the least permission of each new
//! capability; applying a plan that removes an attacker's app credential or a flagged consent
//! with a token lacking Application.ReadWrite.All / AppRoleAssignment.ReadWrite.All exits 4
//! and sends nothing; the dry run shows the requests and sends nothing that mutates.

mod common;
// Shared with other test binaries; this one uses part of it.
#[allow(dead_code)]
#[path = "common/containment.rs"]
mod containment;

use containment::{make_contain_plan, mutating};
use reclaim_sim::apps::FULL_PERMISSIONS;
use reclaim_sim::model::AppRegistration;
use reclaim_sim::scenario::{self, ScenarioKnobs};
use reclaim_sim::{AppCredentials, Profile, SimConfig, SimHandle};
use std::process::Stdio;

async fn sim(users: usize, seed: u64) -> SimHandle {
    let s = scenario::generate_with(
        "campaign-2024",
        users,
        seed,
        chrono::Utc::now(),
        &ScenarioKnobs::default(),
    )
    .unwrap();
    let cfg = SimConfig {
        profile: Profile::Fast,
        users,
        seed,
        ..SimConfig::default()
    };
    reclaim_sim::start_with(cfg, s).await.unwrap()
}

async fn run(
    sim: &SimHandle,
    app: &AppCredentials,
    home: &std::path::Path,
    args: &[&str],
) -> (i32, String, String) {
    let mut c = tokio::process::Command::from(common::reclaim_as(sim, app, home));
    c.arg("--audit-dir")
        .arg(home.join("audit"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let out = c.output().await.unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_app_permissions_exit_4_and_send_nothing() {
    let s = sim(250, 13).await;
    let dir = tempfile::tempdir().unwrap();
    let truth = s.ground_truth();
    let mut users: Vec<String> = truth
        .compromised()
        .filter(|a| !a.attacker_credential_key_ids.is_empty())
        .map(|a| a.user_id.clone())
        .take(1)
        .collect();
    let consenting = truth
        .compromised()
        .filter(|a| !a.attacker_app_role_assignment_ids.is_empty())
        .map(|a| a.user_id.clone())
        .find(|u| !users.contains(u));
    users.extend(consenting);
    let file = dir.path().join("plan.json");
    let plan = make_contain_plan(&s, &users, &file).await;
    let actions: Vec<_> = plan
        .accounts
        .iter()
        .flat_map(|a| &a.steps)
        .map(|st| st.action)
        .collect();
    assert!(actions.contains(&reclaim_contain::ActionKind::RemoveAttackerAppCredentials));
    let pf = file.to_str().unwrap();

    // whoami: the new capabilities with their least permissions, ready for the full app.
    let (code, out, err) = run(&s, &s.apps.full, dir.path(), &["whoami", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    for (cap, perm) in [
        ("remove-app-credentials", "Application.ReadWrite.All"),
        (
            "revoke-app-role-assignments",
            "AppRoleAssignment.ReadWrite.All",
        ),
        ("read-app-role-assignments", "Directory.Read.All"),
    ] {
        assert!(out.contains(cap) && out.contains(perm), "{cap}: {out}");
    }

    // The dry run shows the credential removals and sends nothing that mutates.
    let (code, out, err) = run(&s, &s.apps.full, dir.path(), &["apply", pf, "--dry-run"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("/removePassword") || out.contains("keyCredentials"),
        "{out}"
    );
    assert!(mutating(&s).is_empty());

    // Without the application and app-role write permissions: exit 4, nothing sent.
    s.register_app(AppRegistration {
        client_id: "no-app-writes".into(),
        display_name: "reclaim without app writes".into(),
        client_secret: Some("s3cret-no-app-writes".into()),
        application_permissions: FULL_PERMISSIONS
            .iter()
            .filter(|p| {
                ![
                    "Application.ReadWrite.All",
                    "AppRoleAssignment.ReadWrite.All",
                ]
                .contains(p)
            })
            .map(|p| p.to_string())
            .collect(),
        ..Default::default()
    });
    let weak = AppCredentials {
        client_id: "no-app-writes".into(),
        client_secret: "s3cret-no-app-writes".into(),
    };
    let (code, _, err) = run(&s, &weak, dir.path(), &["apply", pf, "--yes"]).await;
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("remove-attacker-app-credentials needs Application.ReadWrite.All"),
        "{err}"
    );
    if actions.contains(&reclaim_contain::ActionKind::RevokeOauthGrants) {
        assert!(err.contains("AppRoleAssignment.ReadWrite.All"), "{err}");
    }
    assert!(mutating(&s).is_empty(), "refused before anything is sent");
}

/// An owner the attacker added to an application ("Add owner to application" from the
/// attacker's address) is `app-credential-added-by-attacker` evidence in `triage --json` and
/// `investigate`, and the plan names it for the operator (no removal is sent); the admin's
/// owner added from the office is never evidence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_added_by_the_attacker_is_evidence_and_named_in_the_plan() {
    let s = sim(150, 13).await;
    let truth = s.ground_truth();
    let home = tempfile::tempdir().unwrap();
    let a = truth
        .compromised()
        .find(|a| !a.attacker_owned_app_ids.is_empty())
        .expect("an account the attacker made an app owner");
    let app = a.attacker_owned_app_ids[0].clone();
    let (code, out, err) = run(&s, &s.apps.full, home.path(), &["triage", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let owner_evidence = |acct: &serde_json::Value| -> Vec<String> {
        acct["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["id"] == "app-credential-added-by-attacker")
            .flat_map(|i| i["evidence"].as_array().unwrap().clone())
            .filter(|e| e["kind"] == "appOwner")
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect()
    };
    let accounts = v["accounts"].as_array().unwrap();
    let mine = accounts
        .iter()
        .find(|x| x["id"] == a.user_id.as_str())
        .unwrap();
    assert!(owner_evidence(mine).contains(&app), "{mine}");
    for x in accounts {
        for id in owner_evidence(x) {
            assert!(!truth.benign_owner_app_ids.contains(&id), "admin's owner");
        }
    }
    let (code, out, err) = run(
        &s,
        &s.apps.full,
        home.path(),
        &["investigate", &a.user_principal_name],
    )
    .await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("application \"") && out.contains(&app),
        "{out}"
    );

    let plan = make_contain_plan(
        &s,
        std::slice::from_ref(&a.user_id),
        &home.path().join("owner-plan.json"),
    )
    .await;
    let acct = &plan.accounts[0];
    assert!(
        acct.warnings
            .iter()
            .any(|w| w.starts_with("MANUAL (app owner)") && w.contains(&app)),
        "{:?}",
        acct.warnings
    );
    let owners_path = format!("/applications/{app}/owners");
    assert!(
        !acct
            .steps
            .iter()
            .any(|st| st.request.path.contains(&owners_path)),
        "no owner removal is planned"
    );
    assert!(mutating(&s).is_empty(), "planning sends nothing");
}
