//! The binary's `triage --json|--csv` and `investigate` against the simulated campaign over
//! real HTTP: the contract's shape, inert text, exit codes, and no mutating request.

use super::support::*;
use chrono::Utc;
use reclaim_core::sanitize::is_dangerous;
use reclaim_sim::model::Time;
use reclaim_sim::SimHandle;
use std::process::Output;

/// The binary judges against the wall clock, so the tenant is generated for now.
fn now() -> Time {
    Utc::now()
}

async fn sim(users: usize, seed: u64) -> SimHandle {
    campaign(users, seed, now(), &Default::default()).await
}

/// Runs the binary against the simulator with the read-only app.
async fn reclaim(sim: &SimHandle, home: &std::path::Path, args: &[&str]) -> Output {
    let mut command = crate::common::reclaim_as(sim, &sim.apps.read_only, home);
    command.args(args);
    tokio::task::spawn_blocking(move || command.output().expect("the binary runs"))
        .await
        .unwrap()
}

fn inert(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes)
        .chars()
        .all(|c| !is_dangerous(c) || c == '\n' || c == '\r')
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_and_investigate_from_the_binary() {
    let sim = sim(150, 11).await;
    let home = tempfile::tempdir().unwrap();
    let truth = sim.ground_truth();
    let compromised: Vec<&str> = truth.compromised().map(|a| a.user_id.as_str()).collect();
    assert!(!compromised.is_empty());

    // JSON: the contract, ranked, inert, every compromised account found.
    let out = reclaim(&sim, home.path(), &["triage", "--json", "--since", "30d"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(inert(&out.stdout), "control characters in the JSON");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tenant"], sim.tenant_id.as_str());
    assert!(chrono::DateTime::parse_from_rfc3339(v["generated"].as_str().unwrap()).is_ok());
    let accounts = v["accounts"].as_array().unwrap();
    let scores: Vec<u64> = accounts
        .iter()
        .map(|a| a["score"].as_u64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "sorted by score");
    for a in accounts {
        for key in [
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
            assert!(a.get(key).is_some(), "account without {key}: {a}");
        }
        assert!(["compromised", "suspicious", "clear"].contains(&a["verdict"].as_str().unwrap()));
        assert!(a["score"].as_u64().unwrap() <= 100);
        for i in a["indicators"].as_array().unwrap() {
            assert!(i["id"].is_string() && i["summary"].is_string() && i["evidence"].is_array());
        }
    }
    for id in &compromised {
        let a = accounts.iter().find(|a| a["id"] == *id).expect("listed");
        assert_eq!(a["verdict"], "compromised", "{a}");
    }
    // Roles and groups the attacker added: an indicator each, with the role or group as
    // evidence; `investigate` lists them too.
    let given_role = truth
        .compromised()
        .filter(|t| !t.attacker_role_assignment_ids.is_empty())
        .collect::<Vec<_>>();
    assert!(!given_role.is_empty(), "the scenario gives a role");
    for t in &given_role {
        let a = accounts
            .iter()
            .find(|a| a["id"] == t.user_id.as_str())
            .unwrap();
        let hit = a["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == "role-added-by-attacker")
            .unwrap_or_else(|| panic!("{a}"));
        let ev = hit["evidence"].as_array().unwrap();
        assert!(ev.iter().any(|e| e["kind"] == "role"), "{hit}");
    }
    let upn = given_role[0].user_principal_name.clone();
    let text = reclaim(&sim, home.path(), &["investigate", &upn, "--since", "30d"]).await;
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("role-added-by-attacker"), "{text}");
    assert!(text.contains("from the attacker's address"), "{text}");
    // The scenario plants terminal escapes in attacker text: they arrive escaped, as data.
    let raw = String::from_utf8_lossy(&out.stdout);
    assert!(
        raw.contains("\\u001b") || raw.contains("\\u202e"),
        "hostile text kept as data"
    );

    // CSV: one row per account, inert, no formula cells.
    let out = reclaim(&sim, home.path(), &["triage", "--csv", "--since", "30d"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(inert(&out.stdout));
    let csv = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(rows[0].starts_with("score,verdict,userPrincipalName"));
    assert_eq!(rows.len(), accounts.len() + 1);
    for row in &rows[1..] {
        for cell in row.split(',') {
            let c = cell.trim_start_matches('"');
            assert!(!c.starts_with(['=', '+', '-', '@']), "formula cell {cell}");
        }
    }

    // investigate: everything about one compromised account, found by UPN.
    let upn = truth.accounts[compromised[0]].user_principal_name.clone();
    let out = reclaim(
        &sim,
        home.path(),
        &["investigate", &upn, "--json", "--since", "30d"],
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(inert(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["account"]["verdict"], "compromised");
    assert!(!v["facts"]["signIns"].as_array().unwrap().is_empty());
    assert!(v["facts"]["coverage"]["methods"]["status"] == "complete");
    let text = reclaim(&sim, home.path(), &["investigate", &upn, "--since", "30d"]).await;
    assert!(inert(&text.stdout));
    assert!(String::from_utf8_lossy(&text.stdout).contains("Evidence"));

    // Triage reads, never writes.
    assert!(
        sim.request_log().iter().all(|e| !e.is_mutating()),
        "a mutating request was sent"
    );

    // Mistakes: an unknown account, a bad duration, a broken pack.
    let out = reclaim(&sim, home.path(), &["investigate", "nobody@example.com"]).await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "as plan --user with no such account"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("nobody@example.com"));
    let out = reclaim(&sim, home.path(), &["triage", "--since", "soon"]).await;
    assert_eq!(out.status.code(), Some(2));
    let packs = home.path().join("config/reclaim/packs");
    std::fs::create_dir_all(&packs).unwrap();
    std::fs::write(
        packs.join("local.toml"),
        "name = \"local\"\n[weights]\n\"typo\" = 5\n",
    )
    .unwrap();
    let out = reclaim(&sim, home.path(), &["triage", "--json"]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("local.toml") && err.contains("typo"), "{err}");
    assert!(out.stdout.is_empty());
}
