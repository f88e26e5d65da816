//! The journal in one process: write-ahead records and step states, torn tails, the lock,
//! concurrent threads.

use super::support::*;
use reclaim_audit::{
    chain, load_timeline, step_states, AuditError, Journal, OpenOptions, Record, RecordRef,
    StepResult, StepState,
};
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

#[test]
fn write_ahead_records_give_step_states_and_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("audit");
    let st = store();
    let path = sample(&dir, &st);

    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&path), 0o600);

    let rep = chain::verify_bytes(&std::fs::read(&path).unwrap(), &strict(&st));
    assert!(rep.is_ok(), "{rep:?}");
    assert!(rep.sealed);
    // open, note, 2 x (intent, outcome), intent, seal
    assert_eq!(rep.records, 8);
    assert_eq!(rep.authenticated, 8);

    let j = open(&dir, &st);
    let states = step_states(&j.records().unwrap(), Some("plan-1"));
    assert!(matches!(states["s1"], StepState::Done { .. }));
    assert!(matches!(&states["s2"], StepState::Failed { error, .. } if error.contains("403")));
    let StepState::Unknown(pending) = &states["s3"] else {
        panic!("s3 should be unknown: {:?}", states["s3"]);
    };
    assert!(!states.contains_key("s4"), "never started is absent");
    // After checking the tenant, the engine resolves the earlier session's intent.
    j.outcome(&pending.reference(), outcome(StepResult::Succeeded))
        .unwrap();
    let bogus = RecordRef {
        seq: 2,
        hash: "00".repeat(32),
    };
    assert!(matches!(
        j.outcome(&bogus, outcome(StepResult::Succeeded)),
        Err(AuditError::Invalid(_))
    ));
    let states = j.step_states(Some("plan-1")).unwrap();
    assert!(matches!(states["s3"], StepState::Done { .. }));
    // The reopen found a sealed journal: no recovery record.
    assert!(j
        .records()
        .unwrap()
        .iter()
        .all(|r| r.kind != reclaim_audit::RecordKind::Recovery));
}

#[test]
fn a_torn_last_line_is_cut_and_noted_on_open() {
    let tmp = tempfile::tempdir().unwrap();
    let st = store();
    let path = sample(tmp.path(), &st);
    let before = lines(&path);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(br#"{"v":1,"seq":9,"time":"2024"#);
    std::fs::write(&path, &bytes).unwrap();

    let rep = chain::verify_bytes(&bytes, &strict(&st));
    assert!(rep.is_ok());
    assert_eq!(rep.torn_tail, Some(27));

    let j = open(tmp.path(), &st);
    let recs = j.records().unwrap();
    assert_eq!(recs.len(), before.len() + 2, "torn note + open record");
    let torn = &recs[before.len()];
    assert_eq!(torn.note.as_deref(), Some("torn-tail-truncated"));
    assert_eq!(torn.data.as_ref().unwrap()["bytes"], 27);
    j.close().unwrap();
    let after = lines(&path);
    assert_eq!(after[..before.len()], before[..], "no complete record lost");
    let rep = chain::verify_bytes(&std::fs::read(&path).unwrap(), &strict(&st));
    assert!(rep.is_ok() && rep.torn_tail.is_none() && rep.sealed);
}

#[test]
fn a_real_last_record_without_its_newline_is_not_taken_for_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let st = store();
    let path = sample(tmp.path(), &st);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.pop(); // the seal's newline: it now looks like a torn write
    std::fs::write(&path, &bytes).unwrap();
    match Journal::open(tmp.path(), TENANT, "op", st.clone()) {
        Err(AuditError::Tampered { bad, .. }) => assert_eq!(bad.seq, Some(8)),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("the keyring's head should have caught the missing record"),
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "evidence left untouched"
    );
}

#[test]
fn a_second_writer_waits_then_fails_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let st = store();
    let first = open(tmp.path(), &st);
    let quick = OpenOptions {
        lock_wait: Duration::from_millis(100),
    };
    match Journal::open_with(tmp.path(), TENANT, "other", st.clone(), quick.clone()) {
        Err(e @ AuditError::Locked { .. }) => {
            assert!(e.to_string().contains("in use by another reclaim"))
        }
        Err(e) => panic!("unexpected {e}"),
        Ok(_) => panic!("two writers at once"),
    }
    first.close().unwrap();
    let second = Journal::open_with(tmp.path(), TENANT, "other", st.clone(), quick).unwrap();
    drop(second); // seals
    let rep = chain::verify_bytes(&std::fs::read(first.path()).unwrap(), &strict(&st));
    assert!(rep.is_ok() && rep.sealed);
}

#[test]
fn concurrent_threads_never_interleave_or_break_the_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let st = store();
    // Many threads on one shared journal.
    let shared = Arc::new(open(tmp.path(), &st));
    let mut rx = shared.subscribe();
    let handles: Vec<_> = (0..6)
        .map(|t| {
            let j = shared.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    j.note("tick", "INC-1", json!({"thread": t, "i": i}))
                        .unwrap();
                }
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    let mut live = 0;
    while rx.try_recv().is_ok() {
        live += 1;
    }
    assert_eq!(live, 150, "the live feed saw every record");
    shared.close().unwrap();
    drop(shared);

    // Separate writers, each opening its own journal handle, in rounds.
    let handles: Vec<_> = (0..4)
        .map(|w| {
            let dir = tmp.path().to_path_buf();
            let st = st.clone();
            std::thread::spawn(move || {
                let slow = OpenOptions {
                    lock_wait: Duration::from_secs(120),
                };
                for round in 0..3 {
                    let j = Journal::open_with(
                        &dir,
                        TENANT,
                        &format!("w{w}"),
                        st.clone(),
                        slow.clone(),
                    )
                    .unwrap();
                    for i in 0..10 {
                        j.note(
                            "tick",
                            "INC-2",
                            json!({"writer": w, "round": round, "i": i}),
                        )
                        .unwrap();
                    }
                    j.close().unwrap();
                }
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    let path = reclaim_audit::journal_path(tmp.path(), TENANT).unwrap();
    let rep = chain::verify_bytes(&std::fs::read(&path).unwrap(), &strict(&st));
    assert!(rep.is_ok(), "{:?}", rep.first_bad);
    assert_eq!(rep.records, 152 + 4 * 3 * 12);
    assert_sessions_do_not_interleave(&load_timeline(tmp.path(), TENANT, None).unwrap());
}

/// Between a writer's `open` and its `seal`, every record is that writer's.
fn assert_sessions_do_not_interleave(records: &[Record]) {
    let mut current: Option<&str> = None;
    for r in records {
        match r.kind {
            reclaim_audit::RecordKind::Open => {
                assert!(
                    current.is_none(),
                    "open inside another session at {}",
                    r.seq
                );
                current = Some(&r.operator);
            }
            reclaim_audit::RecordKind::Seal => {
                assert_eq!(current, Some(r.operator.as_str()));
                current = None;
            }
            _ => assert_eq!(
                current,
                Some(r.operator.as_str()),
                "interleaved at {}",
                r.seq
            ),
        }
    }
}
