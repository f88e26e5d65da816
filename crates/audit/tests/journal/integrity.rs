//! What the journal refuses to keep and what it catches: no secret in the journal or any
//! export, and every kind of tampering detected.

use super::support::*;
use reclaim_audit::export::{self, ExportMeta};
use reclaim_audit::forward;
use reclaim_audit::key::{self};
use reclaim_audit::{
    chain, AuditError, Journal, Note, Record, StepOutcome, StepResult, VerifyOptions,
};
use serde_json::{json, Value};

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
