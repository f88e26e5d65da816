//! Every way a journal leaves reclaim (JSON, CSV and Markdown exports, syslog messages, the
//! ticket line) for records whose every text field is hostile: no control, bidi or zero-width
//! character survives (the formats' own line breaks aside), and JSON stays valid.
//!
//! 128 cases by default; `PROPTEST_CASES=5000` for a long run.

use proptest::prelude::*;
use reclaim_audit::chain::{self, VerifyOptions};
use reclaim_audit::export::{self, ExportMeta};
use reclaim_audit::forward::syslog_message;
use reclaim_audit::{Record, RecordKind, RequestSummary, StepResult};
use reclaim_core::sanitize::is_dangerous;
use serde_json::Value;

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 128;
    }
    c.failure_persistence = None;
    c
}

fn text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        3 => any::<char>(),
        2 => prop::char::range('\0', '\u{a0}'),
        2 => prop::sample::select(vec![
            '\u{1b}', '\u{9b}', '\u{7f}', '\u{202e}', '\u{2066}', '\u{200b}', '\u{feff}',
            '\u{2028}', '\u{ad}', '\r', '\n', '|', '*', '`', '<', '=', '"', ',', ']', '\\',
        ]),
    ];
    prop::collection::vec(c, 0..16).prop_map(|v| v.into_iter().collect())
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop::collection::btree_map(text(), inner, 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
    })
}

fn record() -> impl Strategy<Value = Record> {
    let kind = prop::sample::select(vec![
        RecordKind::Open,
        RecordKind::Intent,
        RecordKind::Outcome,
        RecordKind::Note,
        RecordKind::Recovery,
        RecordKind::Seal,
    ]);
    let result = prop_oneof![
        Just(None),
        Just(Some(StepResult::Succeeded)),
        Just(Some(StepResult::Unknown)),
        text().prop_map(|error| Some(StepResult::Failed { error })),
    ];
    let strings = prop::collection::vec(text(), 10);
    let values = prop::collection::vec(json(), 4);
    (kind, result, strings, values, any::<Option<u16>>()).prop_map(|(kind, result, s, v, st)| {
        let mut r = Record::new(kind, &s[0], &s[1], chrono::Utc::now());
        r.seq = 1;
        r.incident = Some(s[2].clone());
        r.plan_id = Some(s[3].clone());
        r.step_id = Some(s[4].clone());
        r.action = Some(s[5].clone());
        r.target = Some(s[6].clone());
        r.note = Some(s[7].clone());
        r.graph_request_id = Some(s[8].clone());
        r.request = Some(RequestSummary {
            method: "PATCH".into(),
            path: s[9].clone(),
            body: Some(v[0].clone()),
        });
        r.before = Some(v[1].clone());
        r.verification = Some(v[2].clone());
        r.data = Some(v[3].clone());
        r.status = st;
        r.result = result;
        r.hash = "ab".repeat(32);
        r
    })
}

fn assert_inert(what: &str, out: &str, allowed: &[char]) {
    let bad: Vec<char> = out
        .chars()
        .filter(|c| is_dangerous(*c) && !allowed.contains(c))
        .collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} in {out:?}");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_export_and_message_is_inert(
        records in prop::collection::vec(record(), 1..4),
        tenant in text(),
        incident in text(),
        host in text(),
    ) {
        let report = chain::verify_bytes(b"", &VerifyOptions::default());
        let meta = ExportMeta { tenant: &tenant, incident: Some(&incident), report: &report };
        let json = export::to_json(&meta, &records);
        assert_inert("json export", &json, &['\n']);
        prop_assert!(serde_json::from_str::<Value>(&json).is_ok(), "invalid JSON: {}", json);
        let csv = export::to_csv(&records);
        assert_inert("csv export", &csv.replace("\r\n", ""), &[]);
        // Tenant text never adds a row: a header, then one row per record.
        prop_assert_eq!(csv.matches("\r\n").count(), records.len() + 1, "{}", csv);
        assert_inert("markdown export", &export::to_markdown(&meta, &records), &['\n']);
        for r in &records {
            assert_inert("syslog message", &syslog_message(r, &host), &[]);
        }
        if let Some(line) = export::ticket_line(&tenant, &report) {
            assert_inert("ticket line", &line, &[]);
        }
    }
}
