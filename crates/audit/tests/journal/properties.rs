//! Properties of the journal reader and verifier on a real journal file, edited at random:
//!
//! - any bytes (edits, insertions, truncations, line swaps and deletions) are read, verified
//!   and reopened without a panic;
//! - any edit that changes what a record says (its JSON, or makes it unreadable) is reported by
//!   `verify` against the head the writer left (`--expect-head`), with the key; without it,
//!   any such edit outside the key's own fields (`mac`, `key_id`).
//!
//! 128 cases each by default; `PROPTEST_CASES=5000` for a long run.

use super::support::*;
use proptest::prelude::*;
use reclaim_audit::chain::{self, ExpectedHead};
use reclaim_audit::{read_records, step_states, Journal, VerifyOptions};
use std::sync::OnceLock;

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 128;
    }
    c.failure_persistence = None;
    c
}

/// The sample journal's bytes (written once).
fn journal() -> &'static Vec<u8> {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = sample(dir.path(), &store());
        std::fs::read(path).unwrap()
    })
}

#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
    SwapLines(usize, usize),
    DropLine(usize),
    DuplicateLine(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let byte = prop_oneof![any::<u8>(), Just(b'\n'), Just(b'"'), Just(b'0'), Just(b'a')];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<usize>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Remove),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        any::<usize>().prop_map(Edit::DropLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
    ]
}

fn apply(bytes: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for e in edits {
        let n = b.len().max(1);
        let mut lines: Vec<Vec<u8>> = b.split(|c| *c == b'\n').map(<[u8]>::to_vec).collect();
        let l = lines.len();
        match *e {
            Edit::Set(i, v) if !b.is_empty() => b[i % n] = v,
            Edit::Insert(i, v) => b.insert(i % (b.len() + 1), v),
            Edit::Remove(i) if !b.is_empty() => {
                b.remove(i % n);
            }
            Edit::Truncate(i) => b.truncate(i % (b.len() + 1)),
            Edit::SwapLines(x, y) => {
                lines.swap(x % l, y % l);
                b = lines.join(&b'\n');
            }
            Edit::DropLine(x) => {
                lines.remove(x % l);
                b = lines.join(&b'\n');
            }
            Edit::DuplicateLine(x) => {
                let d = lines[x % l].clone();
                lines.insert(x % l, d);
                b = lines.join(&b'\n');
            }
            _ => {}
        }
    }
    b
}

fn expecting_head(opts: VerifyOptions) -> VerifyOptions {
    let head = chain::verify_bytes(journal(), &opts).head.unwrap();
    VerifyOptions {
        expected_head: Some(ExpectedHead {
            seq: Some(head.seq),
            hash: head.hash,
        }),
        ..opts
    }
}

/// What each line says, as JSON (`None`: not JSON); without the key's fields (`mac`,
/// `key_id`) when `keyed` is false: only the key can check those, and the chain's hash does
/// not cover them.
fn meaning(bytes: &[u8], keyed: bool) -> Vec<Option<serde_json::Value>> {
    bytes
        .split(|c| *c == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_slice(l).ok()?;
            if let (false, Some(m)) = (keyed, v.as_object_mut()) {
                m.remove("mac");
                m.remove("key_id");
            }
            Some(v)
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_are_read_verified_and_reopened_without_panic(
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let bytes = apply(journal(), &edits);
        let st = store();
        let _ = chain::verify_bytes(&bytes, &strict(&st));
        let _ = chain::verify_bytes(&bytes, &VerifyOptions::default());
        let dir = tempfile::tempdir().unwrap();
        let path = reclaim_audit::journal_path(dir.path(), TENANT).unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        if let Ok((records, _)) = read_records(&path) {
            let _ = step_states(&records, None);
            let _ = step_states(&records, Some("plan-1"));
        }
        // Opening for writing either refuses (a damaged chain) or appends after it.
        if let Ok(j) = Journal::open(dir.path(), TENANT, "admin@contoso.com", st) {
            let _ = j.step_states(None);
            let _ = j.note("after-edit", "INC-1", serde_json::json!({}));
        }
    }

    #[test]
    fn any_change_to_what_a_record_says_is_detected(
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let bytes = apply(journal(), &edits);
        prop_assume!(meaning(&bytes, true) != meaning(journal(), true));
        let st = store();
        for opts in [expecting_head(strict(&st)), expecting_head(VerifyOptions::default())] {
            let keyed = opts.key.is_some();
            if meaning(&bytes, keyed) == meaning(journal(), keyed) {
                continue;
            }
            let rep = chain::verify_bytes(&bytes, &opts);
            prop_assert!(
                rep.first_bad.is_some() || rep.torn_tail.is_some(),
                "undetected (key: {}): {:?}\n{}", keyed, edits, String::from_utf8_lossy(&bytes)
            );
        }
    }
}
