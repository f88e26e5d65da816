//! Handing the journal over: JSON (complete, machine-readable), CSV (one row per record, safe
//! against formula injection) and Markdown (an incident report to paste into a ticket).
//!
//! Everything here comes from records already redacted when written. Tenant text (names,
//! rule names, errors) is made inert for each format: `json_text` for JSON, `csv_field` for
//! CSV, [`md`] for Markdown.

use super::chain::VerifyReport;
use super::record::{Record, RecordKind, StepResult};
use super::recover::{step_states, StepState};
use reclaim_core::sanitize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What every export carries besides the records.
pub struct ExportMeta<'a> {
    pub tenant: &'a str,
    /// The incident the records were filtered to, if any.
    pub incident: Option<&'a str>,
    /// The verification of the whole journal the records come from.
    pub report: &'a VerifyReport,
}

fn verification_json(r: &VerifyReport) -> Value {
    json!({
        "ok": r.is_ok(),
        "records": r.records,
        "head": r.head,
        "authenticated": r.authenticated,
        "unauthenticated": r.unauthenticated,
        "sealed": r.sealed,
        "torn_tail_bytes": r.torn_tail,
        "first_bad": r.first_bad.as_ref().map(|b| json!({"line": b.line, "seq": b.seq, "reason": b.reason})),
    })
}

/// One JSON document: tenant, time of export, verification, and the records.
pub fn to_json(meta: &ExportMeta<'_>, records: &[Record]) -> String {
    let doc = json!({
        "tenant": meta.tenant,
        "incident": meta.incident,
        "exported": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "verification": verification_json(meta.report),
        "records": records,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    let mut out = sanitize::json_text(&text).into_owned();
    out.push('\n');
    out
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "seq",
    "time",
    "kind",
    "operator",
    "tenant",
    "incident",
    "plan_id",
    "step_id",
    "action",
    "target",
    "method",
    "path",
    "status",
    "graph_request_id",
    "result",
    "error",
    "note",
    "before",
    "request_body",
    "verification",
    "data",
    "hash",
];

/// One row per record; JSON-valued columns hold compact JSON.
pub fn to_csv(records: &[Record]) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for r in records {
        let compact = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
        let (result, error) = result_parts(r);
        let cells: Vec<String> = vec![
            r.seq.to_string(),
            r.time.clone(),
            r.kind.as_str().to_string(),
            r.operator.clone(),
            r.tenant.clone(),
            r.incident.clone().unwrap_or_default(),
            r.plan_id.clone().unwrap_or_default(),
            r.step_id.clone().unwrap_or_default(),
            r.action.clone().unwrap_or_default(),
            r.target.clone().unwrap_or_default(),
            r.request
                .as_ref()
                .map(|q| q.method.clone())
                .unwrap_or_default(),
            r.request
                .as_ref()
                .map(|q| q.path.clone())
                .unwrap_or_default(),
            r.status.map(|s| s.to_string()).unwrap_or_default(),
            r.graph_request_id.clone().unwrap_or_default(),
            result.to_string(),
            error,
            r.note.clone().unwrap_or_default(),
            compact(&r.before),
            compact(&r.request.as_ref().and_then(|q| q.body.clone())),
            compact(&r.verification),
            compact(&r.data),
            r.hash.clone(),
        ];
        let row: Vec<String> = cells.iter().map(|c| sanitize::csv_field(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

fn result_parts(r: &Record) -> (&'static str, String) {
    match &r.result {
        Some(StepResult::Succeeded) => ("succeeded", String::new()),
        Some(StepResult::Failed { error }) => ("failed", error.clone()),
        Some(StepResult::Unknown) => ("unknown", String::new()),
        Some(StepResult::Superseded { detail }) => ("superseded", detail.clone()),
        None => ("", String::new()),
    }
}

/// Markdown-inert text: control characters escaped, then Markdown and HTML metacharacters
/// backslash-escaped so tenant text cannot add links, images, HTML or table cells.
pub fn md(s: &str) -> String {
    let clean = sanitize::inert(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        if "\\`*_[]<>|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// JSON for a report line, cut to `max` characters.
fn md_json(v: &Value, max: usize) -> String {
    let s = v.to_string();
    let cut: String = s.chars().take(max).collect();
    if cut.len() < s.len() {
        format!("{}…", md(&cut))
    } else {
        md(&cut)
    }
}

/// The incident report: header with integrity, summary, timeline, per-account sections.
pub fn to_markdown(meta: &ExportMeta<'_>, records: &[Record]) -> String {
    let mut o = String::new();
    let title = meta.incident.unwrap_or("all incidents");
    let _ = writeln!(o, "# Incident report: {}\n", md(title));
    let _ = writeln!(o, "| | |\n|---|---|");
    let _ = writeln!(o, "| Tenant | {} |", md(meta.tenant));
    let mut ops: Vec<&str> = records.iter().map(|r| r.operator.as_str()).collect();
    ops.sort_unstable();
    ops.dedup();
    let ops: Vec<String> = ops.iter().map(|o| md(o)).collect();
    let _ = writeln!(o, "| Operators | {} |", ops.join(", "));
    if let (Some(first), Some(last)) = (records.first(), records.last()) {
        let _ = writeln!(
            o,
            "| Period (UTC) | {} to {} |",
            md(&first.time),
            md(&last.time)
        );
    }
    let rep = meta.report;
    match (&rep.head, &rep.first_bad) {
        (_, Some(bad)) => {
            let _ = writeln!(o, "| Integrity | **FAILED** at {} |", md(&bad.to_string()));
        }
        (Some(h), None) => {
            let _ =
                writeln!(
                o,
                "| Integrity | verified: {} records chained, {} authenticated by the audit key{} |",
                rep.records,
                rep.authenticated,
                if rep.sealed { ", sealed" } else { ", not sealed (a writer is open or crashed)" }
            );
            let _ = writeln!(o, "| Journal head | seq {}, sha256 {} |", h.seq, h.hash);
        }
        (None, None) => {
            let _ = writeln!(o, "| Integrity | empty journal |");
        }
    }

    let states = step_states(records, None);
    let count = |l: &str| states.values().filter(|s| s.label() == l).count();
    let mut accounts: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
    for r in records {
        if let Some(t) = r.target.as_deref().filter(|t| !t.is_empty()) {
            accounts.entry(t.to_string()).or_default().push(r);
        }
    }
    let _ = writeln!(o, "\n## Summary\n");
    let _ = writeln!(
        o,
        "- Accounts: {}\n- Steps succeeded: {}\n- Steps failed: {}\n- Steps with unknown outcome (check the tenant): {}",
        accounts.len(),
        count("done"),
        count("failed"),
        count("unknown")
    );

    let _ = writeln!(o, "\n## Timeline\n");
    let _ = writeln!(
        o,
        "| Seq | Time (UTC) | Operator | Event | Status | Request id |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|---|");
    for r in records {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            r.seq,
            md(&r.time),
            md(&r.operator),
            md(&r.summary()),
            r.status.map(|s| s.to_string()).unwrap_or_default(),
            md(r.graph_request_id.as_deref().unwrap_or(""))
        );
    }

    let _ = writeln!(o, "\n## Accounts");
    for (account, recs) in &accounts {
        account_section(&mut o, account, recs, &states);
    }
    o
}

fn account_section(
    o: &mut String,
    account: &str,
    recs: &[&Record],
    states: &BTreeMap<String, StepState>,
) {
    let _ = writeln!(o, "\n### {}\n", md(account));
    let _ = writeln!(o, "**Found**\n");
    let mut any = false;
    for r in recs.iter().filter(|r| r.kind == RecordKind::Note) {
        any = true;
        let what = r.note.as_deref().unwrap_or("note");
        let detail = match r.data.as_ref() {
            Some(Value::Object(m)) if m.get("summary").is_some_and(Value::is_string) => {
                md(m["summary"].as_str().unwrap_or_default())
            }
            Some(v) => md_json(v, 300),
            None => String::new(),
        };
        let _ = writeln!(o, "- {}: {}", md(what), detail);
    }
    for r in recs.iter().filter(|r| r.kind == RecordKind::Intent) {
        if let Some(before) = r.before.as_ref().filter(|b| !is_empty_json(b)) {
            any = true;
            let action = r.action.as_deref().unwrap_or("");
            let _ = writeln!(o, "- before {}: {}", md(action), md_json(before, 300));
        }
    }
    if !any {
        let _ = writeln!(o, "- nothing recorded");
    }

    let mut done = Vec::new();
    let mut verified = Vec::new();
    let mut failed = Vec::new();
    for state in states.values() {
        let intent = state.intent();
        if intent.target.as_deref() != Some(account) {
            continue;
        }
        let action = md(intent.action.as_deref().unwrap_or(""));
        let step = md(intent.step_id.as_deref().unwrap_or(""));
        match state {
            StepState::Done { outcome, .. } => {
                done.push(format!(
                    "- {action} (step {step}): succeeded{}{}",
                    outcome.status.map(|s| format!(", HTTP {s}")).unwrap_or_default(),
                    outcome
                        .graph_request_id
                        .as_deref()
                        .map(|id| format!(", request-id {}", md(id)))
                        .unwrap_or_default()
                ));
                match &outcome.verification {
                    Some(v) => verified.push(format!("- {action}: {}", md_json(v, 300))),
                    None => verified.push(format!("- {action}: not verified by a read-back")),
                }
            }
            StepState::Failed { outcome, error, .. } => failed.push(format!(
                "- {action} (step {step}): failed{}: {}",
                outcome.status.map(|s| format!(", HTTP {s}")).unwrap_or_default(),
                md(error)
            )),
            StepState::Unknown(_) => failed.push(format!(
                "- {action} (step {step}): outcome unknown (process stopped or no answer); check the tenant"
            )),
        }
    }
    for (title, lines) in [
        ("Done", done),
        ("Verified", verified),
        ("Failed or unknown", failed),
    ] {
        let _ = writeln!(o, "\n**{title}**\n");
        if lines.is_empty() {
            let _ = writeln!(o, "- none");
        }
        for l in lines {
            let _ = writeln!(o, "{l}");
        }
    }
}

fn is_empty_json(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The line to paste into a ticket: `reclaim-audit-head tenant=T seq=N sha256=H`.
pub fn ticket_line(tenant: &str, report: &VerifyReport) -> Option<String> {
    report.head.as_ref().map(|h| {
        format!(
            "reclaim-audit-head tenant={} seq={} sha256={}",
            sanitize::inert(tenant),
            h.seq,
            h.hash
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md_neutralises_links_html_and_tables() {
        assert_eq!(md("[x](http://e) <b>|"), "\\[x\\](http://e) \\<b\\>\\|");
        assert_eq!(md("a\x1b[2J"), "a\\\\x1b\\[2J");
    }
}
