use super::*;
use crate::key::{self, AuditKey};
use crate::{Journal, RecordKind};
use reclaim_core::secrets::{MemoryStore, SecretStore};
use serde_json::json;
use std::io::Write;
use std::sync::Arc;

const TENANT: &str = "contoso-tenant";

fn store() -> Arc<dyn SecretStore> {
    let s = MemoryStore::default();
    s.set(
        &key::key_name(TENANT),
        &AuditKey::from_bytes([7; 32]).to_hex(),
    )
    .unwrap();
    Arc::new(s)
}

fn records(items: &[Followed]) -> Vec<&Record> {
    items
        .iter()
        .filter_map(|f| match f {
            Followed::Record(r) => Some(r.as_ref()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_missing_journal_is_empty_until_it_appears() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::journal_path(dir.path(), TENANT).unwrap();
    let mut f = Follower::new(&path, Some(TENANT.into()), None);
    assert!(f.poll().unwrap().is_empty());
    let store = store();
    let j = Journal::open(dir.path(), TENANT, "a@contoso.com", store).unwrap();
    j.note("finding", "INC-1", json!({})).unwrap();
    let got = f.poll().unwrap();
    let kinds: Vec<_> = records(&got).iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [RecordKind::Open, RecordKind::Note]);
}

#[test]
fn records_from_separate_writers_arrive_once_each_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::journal_path(dir.path(), TENANT).unwrap();
    let store = store();
    let first = Journal::open(dir.path(), TENANT, "a@contoso.com", store.clone()).unwrap();
    first.note("plan-created", "INC-1", json!({})).unwrap();
    first.close().unwrap();
    drop(first);

    let mut f = Follower::new(
        &path,
        Some(TENANT.into()),
        Some(AuditKey::from_bytes([7; 32])),
    );
    assert_eq!(records(&f.poll().unwrap()).len(), 3); // open, note, seal
    assert!(f.poll().unwrap().is_empty(), "nothing new, nothing read");

    // Another "process": a second handle on the same file, after the first let go.
    let second = Journal::open(dir.path(), TENANT, "b@contoso.com", store).unwrap();
    second.note("finding", "INC-2", json!({"x": 1})).unwrap();
    let got = f.poll().unwrap();
    let new = records(&got);
    assert_eq!(new.len(), 2, "{got:?}"); // open, note
    assert_eq!(new[1].operator, "b@contoso.com");
    assert_eq!(new[1].incident.as_deref(), Some("INC-2"));
    assert_eq!(f.verified(), 5);
}

#[test]
fn an_incomplete_line_waits_for_its_newline() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::journal_path(dir.path(), TENANT).unwrap();
    let j = Journal::open(dir.path(), TENANT, "a@contoso.com", store()).unwrap();
    j.close().unwrap();
    drop(j);
    let mut f = Follower::new(&path, Some(TENANT.into()), None);
    assert_eq!(records(&f.poll().unwrap()).len(), 2);
    // A writer in the middle of a line: nothing yet, and no false alarm.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    file.write_all(b"{\"v\":1,\"seq\":3").unwrap();
    assert!(f.poll().unwrap().is_empty());
}

#[test]
fn a_tampered_appended_record_is_reported_once_and_nothing_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::journal_path(dir.path(), TENANT).unwrap();
    let j = Journal::open(dir.path(), TENANT, "a@contoso.com", store()).unwrap();
    j.close().unwrap();
    drop(j);
    let mut f = Follower::new(&path, Some(TENANT.into()), None);
    assert_eq!(records(&f.poll().unwrap()).len(), 2);

    // Someone appends a line that claims to continue the chain but does not.
    let text = std::fs::read_to_string(&path).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let mut forged = last.clone();
    forged["seq"] = json!(3);
    forged["operator"] = json!("attacker\u{1b}[2J");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    writeln!(file, "{forged}").unwrap();
    writeln!(file, "{forged}").unwrap();
    let got = f.poll().unwrap();
    match got.as_slice() {
        [Followed::Broken(bad)] => {
            assert_eq!(bad.line, 3);
            assert_eq!(bad.seq, Some(3));
            assert!(bad.reason.contains("chain"), "{}", bad.reason);
        }
        other => panic!("{other:?}"),
    }
    writeln!(file, "{forged}").unwrap();
    assert!(
        f.poll().unwrap().is_empty(),
        "a broken journal is not read on"
    );
}

#[test]
fn a_replaced_file_is_reported_and_followed_from_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::journal_path(dir.path(), TENANT).unwrap();
    let store = store();
    let j = Journal::open(dir.path(), TENANT, "a@contoso.com", store.clone()).unwrap();
    j.note("finding", "INC-1", json!({})).unwrap();
    j.close().unwrap();
    drop(j);
    let mut f = Follower::new(&path, Some(TENANT.into()), None);
    assert_eq!(records(&f.poll().unwrap()).len(), 3);
    std::fs::rename(&path, dir.path().join("old.jsonl")).unwrap();
    drop(store); // `audit archive` forgets the old head; a fresh store does the same here
    let j = Journal::open(dir.path(), TENANT, "a@contoso.com", self::store()).unwrap();
    j.close().unwrap();
    let got = f.poll().unwrap();
    assert_eq!(got.first(), Some(&Followed::Replaced), "{got:?}");
    assert_eq!(records(&got).len(), 2);
    assert_eq!(records(&got)[0].seq, 1);
}
