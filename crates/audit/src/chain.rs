//! The hash chain and its authentication, and verification of a whole journal.
//!
//! For record n: `hash_n = SHA-256(prev_n || "\n" || canonical_n)` where `prev_n` is the hex
//! `hash_{n-1}` (64 zeros for seq 1) and `canonical_n` is the record's JSON without `hash` and
//! `mac`, keys sorted, no whitespace. `mac_n = HMAC-SHA256(key, hash_n)` with the tenant's
//! audit key. Verification recomputes both from each line's parsed JSON, so fields a newer
//! reclaim adds are covered too.

use super::key::{AuditKey, StoredHead};
use super::record::RecordRef;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Compact JSON with object keys sorted bytewise at every level: the bytes that are hashed.
pub fn canonical(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                write_canonical(&map[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        // Scalars: serde_json's own rendering is deterministic.
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// The hash of a record given its `prev` and its JSON (the `hash` and `mac` fields, if
/// present, are ignored).
pub fn record_hash(prev: &str, record: &Value) -> String {
    let body = match record {
        Value::Object(map) => {
            let mut m = map.clone();
            m.remove("hash");
            m.remove("mac");
            Value::Object(m)
        }
        other => other.clone(),
    };
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(canonical(&body).as_bytes());
    hex::encode(h.finalize())
}

/// The first problem found, naming the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord {
    /// 1-based line number in the file; for records missing at the end, the line after the
    /// last one.
    pub line: usize,
    pub seq: Option<u64>,
    pub reason: String,
}

impl std::fmt::Display for BadRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.seq {
            Some(s) => write!(f, "line {}, seq {}: {}", self.line, s, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// What verification needs besides the file.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The tenant's audit key, if the store has it.
    pub key: Option<AuditKey>,
    /// Every record must carry a MAC made with `key` (the default with a persistent keyring).
    /// Without it, records made with another key are counted as unauthenticated, not bad.
    pub require_auth: bool,
    /// Every record must name this tenant.
    pub tenant: Option<String>,
    /// A head pasted into a ticket earlier (hash, optionally with seq): it must be in the chain.
    pub expected_head: Option<ExpectedHead>,
    /// The head the secret store remembers: the journal must reach at least this far.
    pub stored_head: Option<StoredHead>,
}

/// A head as given on the command line: `HASH` or `SEQ:HASH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedHead {
    pub seq: Option<u64>,
    pub hash: String,
}

impl std::str::FromStr for ExpectedHead {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (seq, hash) = match s.split_once(':') {
            Some((a, b)) => (
                Some(a.parse().map_err(|_| format!("bad seq in head `{s}`"))?),
                b,
            ),
            None => (None, s),
        };
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "a head is 64 hex digits, optionally SEQ:HASH; got `{s}`"
            ));
        }
        Ok(ExpectedHead {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

/// The result of checking a journal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Complete records read (up to the first bad one).
    pub records: u64,
    /// The last good record.
    pub head: Option<RecordRef>,
    pub authenticated: u64,
    /// Records whose key is not available (memory-only store): only the chain protects them.
    pub unauthenticated: u64,
    /// The last record is a seal (the last writer closed cleanly).
    pub sealed: bool,
    /// Bytes of an incomplete last line (a write cut off by a crash).
    pub torn_tail: Option<usize>,
    pub first_bad: Option<BadRecord>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.first_bad.is_none()
    }
}

/// Splits journal bytes into complete lines and an incomplete tail (no trailing newline).
pub fn split_lines(bytes: &[u8]) -> (Vec<&[u8]>, Option<&[u8]>) {
    let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    // `split` yields a final empty piece after a trailing newline, or the torn remainder.
    let last = lines.pop().filter(|l| !l.is_empty());
    (lines, last)
}

/// Checks every complete line of a journal: sequence, chain, hash, MAC, tenant, and the
/// expected heads. Stops at the first bad record.
pub fn verify_bytes(bytes: &[u8], opts: &VerifyOptions) -> VerifyReport {
    let (lines, torn) = split_lines(bytes);
    let mut rep = VerifyReport {
        torn_tail: torn.map(|t| t.len()),
        ..Default::default()
    };
    let mut prev = GENESIS.to_string();
    let mut seen: Vec<(u64, String)> = Vec::with_capacity(lines.len());
    let key_id = opts.key.as_ref().map(|k| k.id());
    for (i, raw) in lines.iter().enumerate() {
        let line = i + 1;
        let expected_seq = rep.records + 1;
        match check_line(raw, expected_seq, &prev, opts, key_id.as_deref()) {
            Ok(checked) => {
                rep.records += 1;
                if checked.authenticated {
                    rep.authenticated += 1;
                } else {
                    rep.unauthenticated += 1;
                }
                rep.sealed = checked.seal;
                prev = checked.hash.clone();
                seen.push((expected_seq, checked.hash.clone()));
                rep.head = Some(RecordRef {
                    seq: expected_seq,
                    hash: checked.hash,
                });
            }
            Err((seq, reason)) => {
                rep.first_bad = Some(BadRecord { line, seq, reason });
                return rep;
            }
        }
    }
    let end = lines.len() + 1;
    let has = |seq: Option<u64>, hash: &str| {
        seen.iter()
            .any(|(s, h)| h == hash && seq.is_none_or(|want| want == *s))
    };
    if let Some(h) = &opts.stored_head {
        if !has(Some(h.seq), &h.hash) {
            rep.first_bad = Some(BadRecord {
                line: end,
                seq: Some(h.seq),
                reason: format!(
                    "the secret store remembers head seq {} ({}) but the journal {}: records were removed or rewritten",
                    h.seq,
                    short(&h.hash),
                    if h.seq > rep.records { format!("ends at seq {}", rep.records) } else { "holds a different record there".to_string() }
                ),
            });
            return rep;
        }
    }
    if let Some(h) = &opts.expected_head {
        if !has(h.seq, &h.hash) {
            rep.first_bad = Some(BadRecord {
                line: end,
                seq: h.seq,
                reason: format!(
                    "the expected head {} is not in this journal (it ends at seq {}): records were removed or rewritten",
                    short(&h.hash),
                    rep.records
                ),
            });
        }
    }
    rep
}

/// One line that passed [`check_line`].
pub(crate) struct Checked {
    pub(crate) hash: String,
    pub(crate) authenticated: bool,
    pub(crate) seal: bool,
}

/// Checks one line against the record before it (`prev`, `expected_seq`): what
/// [`verify_bytes`] does per line, shared with the live follower (`super::follow`).
pub(crate) fn check_line(
    raw: &[u8],
    expected_seq: u64,
    prev: &str,
    opts: &VerifyOptions,
    key_id: Option<&str>,
) -> Result<Checked, (Option<u64>, String)> {
    let v: Value =
        serde_json::from_slice(raw).map_err(|e| (None, format!("not a JSON record ({e})")))?;
    let obj = v
        .as_object()
        .ok_or((None, "not a JSON object".to_string()))?;
    let seq = obj
        .get("seq")
        .and_then(Value::as_u64)
        .ok_or((None, "no seq".to_string()))?;
    let s = Some(seq);
    let field = |name: &str| -> Result<&str, (Option<u64>, String)> {
        obj.get(name)
            .and_then(Value::as_str)
            .ok_or((s, format!("no `{name}` field")))
    };
    if seq < expected_seq {
        return Err((
            s,
            format!(
                "seq {seq} where {expected_seq} was expected: a record was duplicated or reordered"
            ),
        ));
    }
    if seq > expected_seq {
        return Err((
            s,
            format!("seq {seq} where {expected_seq} was expected: records are missing"),
        ));
    }
    if field("prev")? != prev {
        return Err((s, "`prev` does not match the previous record's hash: the chain is broken (a record was removed, inserted or reordered)".to_string()));
    }
    let hash = field("hash")?;
    if record_hash(prev, &v) != hash {
        return Err((
            s,
            "the record's content does not match its hash: it was edited".to_string(),
        ));
    }
    if let Some(t) = &opts.tenant {
        if field("tenant")? != t {
            return Err((
                s,
                format!("the record belongs to tenant `{}`", field("tenant")?),
            ));
        }
    }
    let rec_key = field("key_id")?;
    let mac = field("mac")?;
    let authenticated = match (&opts.key, key_id) {
        (Some(key), Some(id)) if id == rec_key => {
            if !key.verify_hex(hash.as_bytes(), mac) {
                return Err((s, "the HMAC does not match: the record was forged or altered by someone without the audit key".to_string()));
            }
            true
        }
        _ if opts.require_auth => {
            return Err((s, format!(
                "the record is not authenticated by this tenant's audit key (record key {}, keyring key {})",
                rec_key,
                key_id.unwrap_or("absent")
            )));
        }
        _ => false,
    };
    Ok(Checked {
        hash: hash.to_string(),
        authenticated,
        seal: obj.get("kind").and_then(Value::as_str) == Some("seal"),
    })
}

/// The first 16 hex digits of a hash, for messages.
pub fn short(hash: &str) -> &str {
    hash.get(..16).unwrap_or(hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_sorts_keys_at_every_level() {
        let v = json!({"b": 1, "a": {"d": [1, {"z": 0, "y": "x\u{1b}"}], "c": null}});
        assert_eq!(
            canonical(&v),
            r#"{"a":{"c":null,"d":[1,{"y":"x\u001b","z":0}]},"b":1}"#
        );
    }

    #[test]
    fn hash_ignores_hash_and_mac_fields() {
        let a = json!({"seq": 1, "x": "y"});
        let b = json!({"seq": 1, "x": "y", "hash": "h", "mac": "m"});
        assert_eq!(record_hash(GENESIS, &a), record_hash(GENESIS, &b));
        assert_ne!(record_hash(GENESIS, &a), record_hash("1", &a));
    }

    #[test]
    fn split_lines_finds_the_torn_tail() {
        let (l, t) = split_lines(b"a\nb\n");
        assert_eq!(l.len(), 2);
        assert!(t.is_none());
        let (l, t) = split_lines(b"a\nb");
        assert_eq!(l.len(), 1);
        assert_eq!(t, Some(&b"b"[..]));
        let (l, t) = split_lines(b"");
        assert!(l.is_empty() && t.is_none());
    }

    #[test]
    fn expected_head_parses() {
        let h = "ab".repeat(32);
        assert_eq!(
            format!("7:{h}").parse::<ExpectedHead>().unwrap().seq,
            Some(7)
        );
        assert!("xyz".parse::<ExpectedHead>().is_err());
    }
}
