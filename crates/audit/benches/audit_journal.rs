//! What the journal costs: appends against a bare `write + fdatasync` of the same bytes, and
//! verification against plain JSON parsing of the same lines, both measured in the same run.
//! Run: `RECLAIM_KEYRING=memory cargo bench --bench audit_journal`.

use reclaim_audit::key::{self, AuditKey};
use reclaim_audit::{chain, Journal, RequestSummary, StepIntent, VerifyOptions};
use reclaim_core::secrets::{MemoryStore, SecretStore};
use serde_json::json;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

const N: usize = 500;
const TENANT: &str = "bench";

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = MemoryStore::default();
    let k = AuditKey::from_bytes([9; 32]);
    store
        .set(&key::key_name(TENANT), &k.to_hex())
        .expect("memory store");
    let store: Arc<MemoryStore> = Arc::new(store);
    let j = Journal::open(tmp.path(), TENANT, "bench@contoso.com", store.clone()).expect("open");
    let before =
        json!({"rules": [{"displayName": "x".repeat(400), "actions": {"moveToFolder": "RSS"}}]});

    // Baseline: a line of the same size written and fdatasynced to another file, interleaved
    // with the journal's appends so both see the same disk conditions.
    let raw_path = tmp.path().join("raw");
    let mut raw = std::fs::File::create(&raw_path).expect("raw");
    let line = format!("{}\n", "y".repeat(1100));
    let (mut journal_s, mut raw_s) = (0.0, 0.0);
    for i in 0..N {
        let t = Instant::now();
        j.intent(StepIntent {
            incident: "INC".into(),
            plan_id: "p".into(),
            step_id: format!("s{i}"),
            action: "remove-malicious-rules".into(),
            target: "cfo@contoso.com".into(),
            before: before.clone(),
            request: RequestSummary {
                method: "DELETE".into(),
                path: format!("/v1.0/users/1/mailFolders/inbox/messageRules/{i}"),
                body: None,
            },
        })
        .expect("append");
        journal_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        raw.write_all(line.as_bytes()).expect("write");
        raw.sync_data().expect("sync");
        raw_s += t.elapsed().as_secs_f64();
    }
    j.close().expect("close");
    let bytes = std::fs::read(j.path()).expect("read");
    let line_len = bytes.len() / (N + 2);

    let opts = VerifyOptions {
        key: Some(k),
        require_auth: true,
        ..VerifyOptions::default()
    };
    let t = Instant::now();
    let rep = chain::verify_bytes(&bytes, &opts);
    let verify_s = t.elapsed().as_secs_f64();
    assert!(rep.is_ok());
    let t = Instant::now();
    let (lines, _) = chain::split_lines(&bytes);
    let parsed = lines
        .iter()
        .filter(|l| serde_json::from_slice::<serde_json::Value>(l).is_ok())
        .count();
    let parse_s = t.elapsed().as_secs_f64();
    assert_eq!(parsed, N + 2);

    println!(
        "records: {N} of ~{line_len} bytes (baseline lines {} bytes)",
        line.len()
    );
    println!(
        "append (redact, chain, HMAC, write, fdatasync): {:.3} ms each; bare write+fdatasync {:.3} ms; ratio {:.2}",
        journal_s * 1e3 / N as f64,
        raw_s * 1e3 / N as f64,
        journal_s / raw_s
    );
    println!(
        "verify: {:.1} µs per record; plain JSON parse {:.1} µs; ratio {:.2}",
        verify_s * 1e6 / (N + 2) as f64,
        parse_s * 1e6 / (N + 2) as f64,
        verify_s / parse_s
    );
    follow(tmp.path(), &store, &opts);
}

/// The live audit view: a poll after one appended record against re-reading and verifying
/// the whole journal (what a view without a follower would do), and an idle poll.
fn follow(dir: &std::path::Path, store: &Arc<MemoryStore>, opts: &VerifyOptions) {
    let path = reclaim_audit::journal_path(dir, TENANT).expect("path");
    let mut f = reclaim_audit::Follower::new(&path, Some(TENANT.into()), opts.key.clone());
    let first = f.poll().expect("poll").len();
    const ROUNDS: usize = 50;
    let j = Journal::open(dir, TENANT, "bench@contoso.com", store.clone()).expect("reopen");
    f.poll().expect("poll"); // the reopened journal's `open` record
    let (mut poll_s, mut full_s, mut idle_s) = (0.0, 0.0, 0.0);
    for _ in 0..ROUNDS {
        j.note("finding", "INC", json!({"x": 1})).expect("append");
        let t = Instant::now();
        let got = f.poll().expect("poll");
        poll_s += t.elapsed().as_secs_f64();
        assert_eq!(got.len(), 1);
        let t = Instant::now();
        let bytes = std::fs::read(&path).expect("read");
        let rep = chain::verify_bytes(&bytes, opts);
        full_s += t.elapsed().as_secs_f64();
        assert!(rep.is_ok());
        let t = Instant::now();
        assert!(f.poll().expect("poll").is_empty());
        idle_s += t.elapsed().as_secs_f64();
    }
    println!(
        "live view ({first}+ records): poll after one append {:.1} µs; full re-read + verify {:.1} µs; ratio {:.3}; idle poll {:.1} µs",
        poll_s * 1e6 / ROUNDS as f64,
        full_s * 1e6 / ROUNDS as f64,
        poll_s / full_s,
        idle_s * 1e6 / ROUNDS as f64
    );
}
