//! Crash safety and cross-process locking, with real processes: the test binary re-executes
//! itself (`child_writer`, driven by environment variables) as the writer that gets killed.
//!
//! - kill -9 at seeded random points of a long write sequence, 25 trials on one journal: no
//!   acknowledged record is lost or duplicated, the chain stays intact, and the next writer's
//!   step states are exactly what was acknowledged (done, or unknown for an intent whose
//!   outcome was not acknowledged).
//! - four writer processes in rounds: their sessions never interleave.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reclaim_audit::key::AuditKey;
use reclaim_audit::{
    chain, step_states, Journal, OpenOptions, Record, RecordKind, RecordRef, RequestSummary,
    StepIntent, StepOutcome, StepResult, StepState, VerifyOptions,
};
use reclaim_core::secrets::MemoryStore;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const TENANT: &str = "crash-tenant";
const KEY: [u8; 32] = [42; 32];
const TRIALS: u64 = 25;
const STEPS_PER_CHILD: usize = 400;

fn store() -> Arc<MemoryStore> {
    super::support::keyed_store(TENANT, KEY)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The child side. Does nothing unless the parent set RECLAIM_AUDIT_CHILD.
#[test]
fn child_writer() {
    let Some(mode) = env("RECLAIM_AUDIT_CHILD") else {
        return;
    };
    let dir = PathBuf::from(env("RECLAIM_AUDIT_DIR").unwrap());
    let writer = env("RECLAIM_AUDIT_WRITER").unwrap();
    let opts = OpenOptions {
        lock_wait: Duration::from_secs(300),
    };
    match mode.as_str() {
        "steps" => {
            let j = Journal::open_with(&dir, TENANT, &writer, store(), opts).unwrap();
            println!("OPENED {}", j.head().seq);
            // A large before-state makes each write long enough to be interrupted.
            let before = json!({"rules": "x".repeat(1000)});
            for i in 0..STEPS_PER_CHILD {
                let step = format!("{writer}-s{i}");
                let r = j
                    .intent(StepIntent {
                        incident: "INC-CRASH".into(),
                        plan_id: writer.clone(),
                        step_id: step.clone(),
                        action: "revoke-sessions".into(),
                        target: format!("user{i}@contoso.com"),
                        before: before.clone(),
                        request: RequestSummary {
                            method: "POST".into(),
                            path: format!("/v1.0/users/user{i}/revokeSignInSessions"),
                            body: None,
                        },
                    })
                    .unwrap();
                println!("ACK intent {} {} {step}", r.seq, r.hash);
                let o = j
                    .outcome(
                        &r,
                        StepOutcome {
                            status: Some(200),
                            graph_request_id: Some(format!("req-{i}")),
                            result: StepResult::Succeeded,
                            verification: Some(json!({"signInSessionsValidFromDateTime": "now"})),
                        },
                    )
                    .unwrap();
                println!("ACK outcome {} {} {step}", o.seq, o.hash);
            }
            j.close().unwrap();
        }
        "rounds" => {
            for round in 0..3 {
                let j = Journal::open_with(&dir, TENANT, &writer, store(), opts.clone()).unwrap();
                for i in 0..10 {
                    j.note("tick", "INC-LOCK", json!({"round": round, "i": i}))
                        .unwrap();
                }
                j.close().unwrap();
            }
        }
        other => panic!("unknown child mode {other}"),
    }
}

fn spawn_child(mode: &str, dir: &Path, writer: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash::child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("RECLAIM_AUDIT_CHILD", mode)
        .env("RECLAIM_AUDIT_DIR", dir)
        .env("RECLAIM_AUDIT_WRITER", writer)
        .env("RECLAIM_KEYRING", "memory")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

struct Ack {
    kind: String,
    reference: RecordRef,
    step: String,
}

/// A child's `ACK <kind> <seq> <hash> <step>` line.
fn ack(line: &str) -> Option<Ack> {
    let parts: Vec<&str> = line.split_whitespace().collect();
    let ["ACK", kind, seq, hash, step] = parts[..] else {
        return None;
    };
    Some(Ack {
        kind: kind.to_string(),
        reference: RecordRef {
            seq: seq.parse().unwrap(),
            hash: hash.to_string(),
        },
        step: step.to_string(),
    })
}

fn strict() -> VerifyOptions {
    VerifyOptions {
        key: Some(AuditKey::from_bytes(KEY)),
        require_auth: true,
        tenant: Some(TENANT.into()),
        ..VerifyOptions::default()
    }
}

#[test]
fn kill_dash_nine_at_random_points_loses_and_duplicates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let path = reclaim_audit::journal_path(dir, TENANT).unwrap();
    let mut all_acked: Vec<Ack> = Vec::new();
    let mut torn_seen = 0;
    let mut unknown_seen = 0;
    for trial in 0..TRIALS {
        let mut rng = ChaCha8Rng::seed_from_u64(0x5eed_0000 + trial);
        let writer = format!("t{trial}");
        // Kill after a random number of acknowledgements, sometimes after a short extra delay
        // so the kill also lands in the middle of a write or an fsync.
        let kill_after = rng.gen_range(0..STEPS_PER_CHILD / 2);
        let extra_delay_us = if rng.gen_bool(0.5) {
            rng.gen_range(0..3000)
        } else {
            0
        };
        let mut child = spawn_child("steps", dir, &writer);
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let mut acked = Vec::new();
        while acked.len() < kill_after {
            let Some(Ok(line)) = lines.next() else { break };
            acked.extend(ack(&line));
        }
        std::thread::sleep(Duration::from_micros(extra_delay_us));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Acks the child printed before it died but we had not read yet count too.
        for line in lines.map_while(Result::ok) {
            acked.extend(ack(&line));
        }

        let bytes = std::fs::read(&path).unwrap();
        let rep = chain::verify_bytes(&bytes, &strict());
        assert!(rep.is_ok(), "trial {trial}: {:?}", rep.first_bad);
        assert!(
            !rep.sealed,
            "trial {trial}: a killed writer cannot have sealed"
        );
        if rep.torn_tail.is_some() {
            torn_seen += 1;
        }
        let (lines_in_file, _) = chain::split_lines(&bytes);
        let records: Vec<Record> = lines_in_file
            .iter()
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        all_acked.extend(acked);
        // No acknowledged record lost or changed, in this trial or any earlier one.
        for a in &all_acked {
            let r = &records[(a.reference.seq - 1) as usize];
            assert_eq!(
                r.reference(),
                a.reference,
                "trial {trial}: acked record lost"
            );
        }
        // None duplicated: each step has at most one intent and one outcome.
        let mut per_step: HashMap<(&str, RecordKind), usize> = HashMap::new();
        for r in &records {
            if let Some(s) = r.step_id.as_deref() {
                *per_step.entry((s, r.kind)).or_default() += 1;
            }
        }
        assert!(
            per_step.values().all(|n| *n == 1),
            "trial {trial}: duplicate"
        );

        // The next writer: recovery noted, states match what was acknowledged.
        let j = Journal::open(dir, TENANT, "parent", store()).unwrap();
        let recs = j.records().unwrap();
        assert!(recs
            .iter()
            .rev()
            .take(3)
            .any(|r| r.note.as_deref() == Some("unsealed-previous-session")));
        let states = step_states(&recs, Some(&writer));
        let acked_here: BTreeMap<&str, Vec<&str>> = all_acked
            .iter()
            .filter(|a| a.step.starts_with(&format!("{writer}-")))
            .fold(BTreeMap::new(), |mut m, a| {
                m.entry(a.step.as_str()).or_default().push(a.kind.as_str());
                m
            });
        for (step, kinds) in &acked_here {
            let st = states.get(*step).expect("acked intent missing from states");
            if kinds.contains(&"outcome") {
                assert!(matches!(st, StepState::Done { .. }), "trial {trial} {step}");
            }
        }
        // At most one step is in doubt (the one in flight), and every state has its intent.
        let unknown: Vec<_> = states
            .iter()
            .filter(|(_, s)| matches!(s, StepState::Unknown(_)))
            .collect();
        assert!(
            unknown.len() <= 1,
            "trial {trial}: {} unknown",
            unknown.len()
        );
        unknown_seen += unknown.len();
        // Resolve it as the engine would after reading the tenant, then close cleanly.
        for (_, s) in unknown {
            j.outcome(
                &s.intent().reference(),
                StepOutcome {
                    status: Some(200),
                    graph_request_id: None,
                    result: StepResult::Succeeded,
                    verification: Some(json!({"checked_after_crash": true})),
                },
            )
            .unwrap();
        }
        j.close().unwrap();
    }
    let rep = chain::verify_bytes(&std::fs::read(&path).unwrap(), &strict());
    assert!(rep.is_ok() && rep.sealed);
    eprintln!(
        "{TRIALS} kills: {} acknowledged records kept, {} records in the journal, {torn_seen} torn tails repaired, {unknown_seen} steps in doubt resolved",
        all_acked.len(),
        rep.records
    );
}

#[test]
fn writer_processes_never_interleave() {
    let tmp = tempfile::tempdir().unwrap();
    let children: Vec<Child> = (0..4)
        .map(|w| spawn_child("rounds", tmp.path(), &format!("proc{w}")))
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let path = reclaim_audit::journal_path(tmp.path(), TENANT).unwrap();
    let rep = chain::verify_bytes(&std::fs::read(&path).unwrap(), &strict());
    assert!(rep.is_ok(), "{:?}", rep.first_bad);
    assert_eq!(rep.records, 4 * 3 * 12);
    let records = reclaim_audit::load_timeline(tmp.path(), TENANT, None).unwrap();
    let mut current: Option<String> = None;
    for r in &records {
        match r.kind {
            RecordKind::Open => {
                assert!(current.is_none(), "open inside a session at {}", r.seq);
                current = Some(r.operator.clone());
            }
            RecordKind::Seal => current = None,
            _ => assert_eq!(current.as_deref(), Some(r.operator.as_str())),
        }
    }
}
