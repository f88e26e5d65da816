//! The journal in one process: write-ahead records and step states, file modes, redaction,
//! every kind of tampering, torn tails, the lock, concurrent threads, exports, the CLI.

use reclaim::audit::export::{self, ExportMeta};
use reclaim::audit::forward;
use reclaim::audit::key::{self, AuditKey};
use reclaim::audit::{
    chain, load_timeline, step_states, AuditError, Journal, Note, OpenOptions, Record, RecordRef,
    RequestSummary, StepIntent, StepOutcome, StepResult, StepState, VerifyOptions,
};
use reclaim::secrets::{MemoryStore, SecretStore};
use serde_json::{json, Value};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const TENANT: &str = "contoso-tenant";

fn store() -> Arc<MemoryStore> {
    let s = MemoryStore::default();
    s.set(
        &key::key_name(TENANT),
        &AuditKey::from_bytes([7; 32]).to_hex(),
    )
    .unwrap();
    Arc::new(s)
}

fn the_key() -> AuditKey {
    AuditKey::from_bytes([7; 32])
}

fn open(dir: &Path, store: &Arc<MemoryStore>) -> Journal {
    Journal::open(dir, TENANT, "admin@contoso.com", store.clone()).unwrap()
}

fn intent(step: &str, action: &str, target: &str, body: Option<Value>) -> StepIntent {
    StepIntent {
        incident: "INC-1".into(),
        plan_id: "plan-1".into(),
        step_id: step.into(),
        action: action.into(),
        target: target.into(),
        before: json!({"accountEnabled": true, "note": "state before"}),
        request: RequestSummary {
            method: "POST".into(),
            path: format!("/v1.0/users/{target}/{action}"),
            body,
        },
    }
}

fn outcome(result: StepResult) -> StepOutcome {
    StepOutcome {
        status: Some(204),
        graph_request_id: Some("req-123".into()),
        result,
        verification: Some(json!({"read": "ok"})),
    }
}

/// A journal of a few steps: done, failed, unknown; closed.
fn sample(dir: &Path, store: &Arc<MemoryStore>) -> PathBuf {
    let j = open(dir, store);
    j.note("plan-created", "INC-1", json!({"steps": 4}))
        .unwrap();
    let a = j
        .intent(intent("s1", "revoke-sessions", "cfo@contoso.com", None))
        .unwrap();
    j.outcome(&a, outcome(StepResult::Succeeded)).unwrap();
    let b = j
        .intent(intent("s2", "disable-signin", "cfo@contoso.com", None))
        .unwrap();
    j.outcome(
        &b,
        outcome(StepResult::Failed {
            error: "403 Authorization_RequestDenied".into(),
        }),
    )
    .unwrap();
    j.intent(intent(
        "s3",
        "remove-malicious-rules",
        "vp@contoso.com",
        None,
    ))
    .unwrap();
    j.close().unwrap();
    j.path().to_path_buf()
}

fn strict(store: &Arc<MemoryStore>) -> VerifyOptions {
    VerifyOptions {
        key: key::load(store.as_ref(), TENANT).unwrap(),
        require_auth: true,
        tenant: Some(TENANT.into()),
        expected_head: None,
        stored_head: None,
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn join(lines: &[String]) -> Vec<u8> {
    let mut s = lines.join("\n");
    s.push('\n');
    s.into_bytes()
}

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
        .all(|r| r.kind != reclaim::audit::RecordKind::Recovery));
}

const PASSWORD: &str = "Zq9!long-Generated-Pw";
const TAP: &str = "TAP-7fQx2mLp9s";
const CLIENT_SECRET: &str = "Kx8Q~clientsecretvalue.abc";
const REFRESH: &str = "0.AAAArefreshtokenvalue123456";
const JWT: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJhZG1pbkBjb250b3NvLmNvbSJ9.c2lnbmF0dXJlLXZhbHVl";

#[test]
fn no_secret_reaches_the_journal_or_any_export() {
    let tmp = tempfile::tempdir().unwrap();
    let st = store();
    let j = open(tmp.path(), &st);
    j.register_secret(PASSWORD);
    let r = j
        .intent(intent(
            "s1",
            "reset-password",
            "cfo@contoso.com",
            Some(json!({"passwordProfile": {"password": PASSWORD, "forceChangePasswordNextSignIn": true}})),
        ))
        .unwrap();
    j.outcome(
        &r,
        StepOutcome {
            status: Some(204),
            graph_request_id: None,
            result: StepResult::Failed {
                error: format!("rejected new password {PASSWORD}"),
            },
            verification: Some(json!({"newPassword": PASSWORD})),
        },
    )
    .unwrap();
    let t = j
        .intent(intent(
            "s2",
            "issue-tap",
            "cfo@contoso.com",
            Some(json!({"lifetimeInMinutes": 60})),
        ))
        .unwrap();
    j.outcome(
        &t,
        StepOutcome {
            status: Some(201),
            graph_request_id: Some("r".into()),
            result: StepResult::Succeeded,
            verification: Some(json!({"temporaryAccessPass": TAP, "isUsableOnce": true})),
        },
    )
    .unwrap();
    j.note_with(Note {
        kind: "auth".into(),
        incident: "INC-1".into(),
        target: Some("app".into()),
        data: json!({
            "client_secret": CLIENT_SECRET,
            "tokens": {"refresh_token": REFRESH, "access_token": JWT},
            "headers": {"Authorization": format!("Bearer {JWT}")},
            "innocent": JWT,
        }),
        ..Note::default()
    })
    .unwrap();
    let mut with_query = intent("s3", "revoke-sessions", "x", None);
    with_query.request.path = format!("/oauth2/token?client_secret={CLIENT_SECRET}&x=1");
    j.intent(with_query).unwrap();
    j.close().unwrap();

    let raw = std::fs::read_to_string(j.path()).unwrap();
    let records: Vec<Record> = j.records().unwrap();
    let rep = chain::verify_bytes(raw.as_bytes(), &strict(&st));
    assert!(rep.is_ok());
    let meta = ExportMeta {
        tenant: TENANT,
        incident: Some("INC-1"),
        report: &rep,
    };
    let outputs = [
        ("journal", raw.clone()),
        ("json", export::to_json(&meta, &records)),
        ("csv", export::to_csv(&records)),
        ("md", export::to_markdown(&meta, &records)),
        (
            "syslog",
            records
                .iter()
                .map(|r| forward::syslog_frame(r, "h"))
                .collect(),
        ),
    ];
    for (what, text) in &outputs {
        for secret in [PASSWORD, TAP, CLIENT_SECRET, REFRESH, JWT, "Bearer "] {
            assert!(!text.contains(secret), "{secret} leaked into the {what}");
        }
    }
    // What is evidence stays.
    assert!(raw.contains("forceChangePasswordNextSignIn"));
    assert!(raw.contains("lifetimeInMinutes"));
    assert!(raw.contains("[redacted]"));
}

/// Rewrites the chain from `from` (0-based line) on as an attacker without the key would.
fn rechain(lines: &mut [String], from: usize) {
    let mut prev = if from == 0 {
        chain::GENESIS.to_string()
    } else {
        serde_json::from_str::<Value>(&lines[from - 1]).unwrap()["hash"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for (i, line) in lines.iter_mut().enumerate().skip(from) {
        let mut v: Value = serde_json::from_str(line).unwrap();
        v["seq"] = json!(i + 1);
        v["prev"] = json!(prev);
        let h = chain::record_hash(&prev, &v);
        v["hash"] = json!(h);
        prev = h;
        *line = chain::canonical(&v);
    }
}

#[test]
fn every_kind_of_tampering_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let st = store();
    let path = sample(tmp.path(), &st);
    let good = lines(&path);
    assert_eq!(good.len(), 8);
    let check = |bytes: Vec<u8>, opts: &VerifyOptions| chain::verify_bytes(&bytes, opts);
    let opts = strict(&st);
    let bad_at = |l: &[String]| {
        let rep = check(join(l), &opts);
        let bad = rep.first_bad.expect("tampering not detected");
        (bad.line, bad.seq, bad.reason)
    };

    // Edit a field.
    let mut l = good.clone();
    l[3] = l[3].replace("cfo@contoso.com", "ceo@contoso.com");
    let (line, seq, reason) = bad_at(&l);
    assert_eq!((line, seq), (4, Some(4)));
    assert!(reason.contains("edited"), "{reason}");

    // Edit a field and rebuild the whole chain without the key: the MAC gives it away.
    let mut l = good.clone();
    l[3] = l[3].replace("cfo@contoso.com", "ceo@contoso.com");
    rechain(&mut l, 3);
    let (line, _, reason) = bad_at(&l);
    assert_eq!(line, 4);
    assert!(reason.contains("HMAC"), "{reason}");

    // Delete a record.
    let mut l = good.clone();
    l.remove(4);
    let (line, seq, reason) = bad_at(&l);
    assert_eq!((line, seq), (5, Some(6)));
    assert!(reason.contains("missing"), "{reason}");

    // Reorder two.
    let mut l = good.clone();
    l.swap(4, 5);
    let (line, seq, _) = bad_at(&l);
    assert_eq!((line, seq), (5, Some(6)));

    // Replace the HMAC.
    let mut l = good.clone();
    let mut v: Value = serde_json::from_str(&l[2]).unwrap();
    v["mac"] = json!("ab".repeat(32));
    l[2] = chain::canonical(&v);
    let (line, _, reason) = bad_at(&l);
    assert_eq!(line, 3);
    assert!(reason.contains("HMAC"), "{reason}");

    // Insert a forged record (chain rebuilt), with our key id or a made-up one.
    for forged_key in [the_key().id(), "0123456789abcdef".to_string()] {
        let mut l = good.clone();
        let mut v: Value = serde_json::from_str(&l[2]).unwrap();
        v["note"] = json!("forged");
        v["key_id"] = json!(forged_key);
        l.insert(3, chain::canonical(&v));
        rechain(&mut l, 3);
        let (line, _, reason) = bad_at(&l);
        assert_eq!(line, 4, "{reason}");
    }

    // Truncate the tail by whole records: the chain alone cannot tell (documented limit) ...
    let cut = good[..5].to_vec();
    assert!(check(join(&cut), &opts).is_ok());
    // ... the keyring's remembered head can ...
    let with_stored = VerifyOptions {
        stored_head: key::load_head(st.as_ref(), TENANT).unwrap(),
        ..opts.clone()
    };
    assert!(check(join(&good), &with_stored).is_ok());
    let bad = check(join(&cut), &with_stored).first_bad.unwrap();
    assert_eq!((bad.line, bad.seq), (6, Some(8)));
    // ... and so can the head pasted into the ticket.
    let head = chain::verify_bytes(&join(&good), &opts).head.unwrap();
    let with_ticket = VerifyOptions {
        expected_head: Some(format!("{}:{}", head.seq, head.hash).parse().unwrap()),
        ..opts.clone()
    };
    assert!(check(join(&good), &with_ticket).is_ok());
    assert!(check(join(&cut), &with_ticket).first_bad.is_some());
    // The next writer refuses a cut journal (the store remembers the head).
    std::fs::write(&path, join(&cut)).unwrap();
    match Journal::open(tmp.path(), TENANT, "op", st.clone()) {
        Err(AuditError::Tampered { bad, .. }) => assert_eq!(bad.seq, Some(8)),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a truncated journal was accepted"),
    }
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
    let path = reclaim::audit::journal_path(tmp.path(), TENANT).unwrap();
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
            reclaim::audit::RecordKind::Open => {
                assert!(
                    current.is_none(),
                    "open inside another session at {}",
                    r.seq
                );
                current = Some(&r.operator);
            }
            reclaim::audit::RecordKind::Seal => {
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

#[test]
fn exports_in_all_three_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let st = store();
    let j = open(tmp.path(), &st);
    j.note_with(Note {
        kind: "finding".into(),
        incident: "INC-1".into(),
        target: Some("cfo@contoso.com".into()),
        data: json!({"summary": "inbox rule `=HYPERLINK(\"x\")` | <b>forwards</b> to attacker\u{1b}[2J"}),
        ..Note::default()
    })
    .unwrap();
    drop(j);
    sample(tmp.path(), &st);
    let path = reclaim::audit::journal_path(tmp.path(), TENANT).unwrap();
    let rep = chain::verify_bytes(&std::fs::read(&path).unwrap(), &strict(&st));
    let all = load_timeline(tmp.path(), TENANT, None).unwrap();
    let records = load_timeline(tmp.path(), TENANT, Some("INC-1")).unwrap();
    assert!(
        records.len() < all.len()
            && records
                .iter()
                .all(|r| r.incident.as_deref() == Some("INC-1"))
    );
    let meta = ExportMeta {
        tenant: TENANT,
        incident: Some("INC-1"),
        report: &rep,
    };

    let doc: Value = serde_json::from_str(&export::to_json(&meta, &records)).unwrap();
    assert_eq!(doc["records"].as_array().unwrap().len(), records.len());
    assert_eq!(doc["verification"]["ok"], true);
    assert_eq!(doc["verification"]["head"]["seq"], rep.records);

    let csv = export::to_csv(&records);
    let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), records.len() + 1);
    assert!(rows[0].starts_with("seq,time,kind,operator"));
    assert!(csv.contains("'=HYPERLINK") || !csv.contains(",=HYPERLINK"));
    assert!(!csv.contains('\x1b'));

    let md = export::to_markdown(&meta, &records);
    for needle in [
        "# Incident report: INC-1",
        "## Timeline",
        "### cfo@contoso.com",
        "**Found**",
        "inbox rule",
        "revoke-sessions (step s1): succeeded, HTTP 204, request-id req-123",
        "**Verified**",
        "disable-signin (step s2): failed, HTTP 204: 403 Authorization\\_RequestDenied",
        "remove-malicious-rules (step s3): outcome unknown",
        "Steps succeeded: 1",
    ] {
        assert!(md.contains(needle), "missing `{needle}` in:\n{md}");
    }
    assert!(!md.contains('\x1b') && !md.contains("<b>"));
}

fn reclaim_cmd(dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_reclaim"));
    c.env("RECLAIM_KEYRING", "memory")
        .arg("--audit-dir")
        .arg(dir)
        .arg("audit");
    c
}

#[test]
fn cli_verify_prints_the_head_or_names_the_bad_record() {
    let tmp = tempfile::tempdir().unwrap();
    let st = store();
    let path = sample(tmp.path(), &st);
    let out = reclaim_cmd(tmp.path()).arg("verify").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let head = chain::verify_bytes(&std::fs::read(&path).unwrap(), &strict(&st))
        .head
        .unwrap();
    assert!(stdout.contains(&format!(
        "reclaim-audit-head tenant={TENANT} seq=8 sha256={}",
        head.hash
    )));
    // A memory-only keyring has not the key: only the chain is checked, and it says so.
    assert!(String::from_utf8_lossy(&out.stderr).contains("only the hash chain"));

    let expect = format!("{}:{}", head.seq, head.hash);
    let ok = reclaim_cmd(tmp.path())
        .args(["verify", "--expect-head", &expect])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));

    let mut l = lines(&path);
    l[3] = l[3].replace("\"status\":204", "\"status\":200");
    std::fs::write(&path, join(&l)).unwrap();
    let out = reclaim_cmd(tmp.path()).arg("verify").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("line 4, seq 4"), "{all}");

    std::fs::write(&path, join(&lines(&path)[..6])).unwrap();
    let out = reclaim_cmd(tmp.path())
        .args(["verify", "--expect-head", &expect])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    for format in ["json", "csv", "md"] {
        let out = reclaim_cmd(tmp.path())
            .args(["export", "--format", format, "--incident", "INC-1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "export {format}");
        assert!(!out.stdout.is_empty());
    }
}
