//! Finding 1 of #17: C1 controls, DEL and bidi characters in a rule name or forwarding name
//! reached stdout and the `-o` plan file raw, as did a token's `upn` in `whoami --json`. Every
//! output of every command that shows tenant text is checked here, byte for byte.

use super::{assert_inert, env};
use reclaim_graph::requests;
use serde_json::json;

const HOSTILE_NAME: &str = "x\u{9b}31m\u{202e}TXT\u{2066}\u{7f}";
const HOSTILE_FORWARD: &str = "\u{9d}0;t\u{9c}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_text_is_inert_on_every_output() {
    let e = env(60, 17).await;
    let (id, upn) = e.ruled();
    let rule = json!({
        "displayName": HOSTILE_NAME,
        "sequence": 1,
        "isEnabled": true,
        "conditions": {"subjectContains": ["invoice"]},
        "actions": {
            "forwardTo": [{"emailAddress": {"name": HOSTILE_FORWARD, "address": "drop@evil.example"}}],
            "stopProcessingRules": true
        }
    });
    e.client()
        .send_json::<serde_json::Value>(requests::create_rule(&id, rule))
        .await
        .unwrap();

    let dir = e.dir.path();
    let plan_file = dir.join("plan.json");
    let snap_file = dir.join("snap.json");
    let pf = plan_file.to_str().unwrap();
    let sf = snap_file.to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["plan", "--user", &upn],
        vec!["plan", "--user", &upn, "-o", pf],
        vec!["apply", pf, "--dry-run"],
        vec!["snapshot", "--user", &upn, "-o", sf],
        vec!["triage", "--json"],
        vec!["triage", "--csv"],
        vec!["triage"],
        vec!["investigate", &upn],
        vec!["investigate", &upn, "--json"],
        vec!["whoami", "--json"],
    ];
    let mut saw_rule = 0;
    for args in &runs {
        let r = e.run(args).await;
        assert!(r.code == 0 || r.code == 3, "{args:?}: {}", r.stderr);
        assert_inert(&format!("{args:?} stdout"), &r.stdout);
        assert_inert(&format!("{args:?} stderr"), &r.stderr);
        if r.stdout.contains("TXT") {
            saw_rule += 1;
        }
    }
    assert!(
        saw_rule >= 4,
        "the rule was shown by too few commands ({saw_rule})"
    );
    for f in [&plan_file, &snap_file] {
        let text = std::fs::read_to_string(f).unwrap();
        assert_inert(&f.display().to_string(), &text);
        assert!(text.contains("TXT"), "{} names the rule", f.display());
    }
    // The plan file still means the same: the name survives parsing, escapes and all.
    let plan = reclaim_contain::Plan::load(&plan_file).unwrap();
    let raw = serde_json::to_string(&plan).unwrap();
    assert!(
        raw.contains(HOSTILE_NAME),
        "the escaped name parses back to the raw one"
    );
    let log = std::fs::read_to_string(dir.join("state/reclaim/reclaim.log")).unwrap();
    assert_inert("the log file", &log);
}

fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// A token's claims are shown, never trusted: a hostile `upn` stays inert in whoami.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whoami_shows_a_hostile_token_inertly() {
    let e = env(60, 3).await;
    let claims = json!({
        "tid": e.sim.tenant_id, "oid": "00000000-0000-0000-0000-000000000001",
        "upn": "boss\u{9b}2J\u{202e}@corp.example", "scp": "User.Read.All\u{2066}",
        "exp": chrono::Utc::now().timestamp() + 3600
    });
    let token = format!(
        "{}.{}.sig",
        b64url(br#"{"alg":"none","typ":"JWT"}"#),
        b64url(claims.to_string().as_bytes())
    );
    for args in [["whoami", "--json"].as_slice(), ["whoami"].as_slice()] {
        let home = e.dir.path();
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_reclaim"))
            .args([
                "--graph-url",
                &e.sim.graph_url,
                "--login-url",
                &e.sim.login_url,
            ])
            .args(["--auth", "env-token"])
            .args(args)
            .env("RECLAIM_ACCESS_TOKEN", &token)
            .env("RECLAIM_KEYRING", "memory")
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stdout.contains("boss"), "{stdout}");
        assert_inert("whoami stdout", &stdout);
        assert_inert("whoami stderr", &stderr);
    }
}
