//! Headless output of triage and investigate: the contract's JSON, CSV safe against formula
//! injection, and a plain-text table. Tenant text never reaches the output as control
//! sequences: JSON through `sanitize::json_text`, CSV through `sanitize::csv_field`, text
//! through `sanitize::for_display`.

use super::facts::AccountFacts;
use super::model::AccountAssessment;
use chrono::{DateTime, SecondsFormat, Utc};
use reclaim_core::sanitize::{csv_field, for_display, json_text};
use serde::Serialize;

/// `triage --json` (CONTRACT.md), plus whether the gather was complete.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriageReport<'a> {
    pub tenant: &'a str,
    pub generated: String,
    pub accounts: &'a [AccountAssessment],
    /// False when something was not (fully) read; `warnings` says what.
    pub complete: bool,
    pub warnings: &'a [String],
    /// Every source that could not be read: `{source, reason, detail}` (CONTRACT.md).
    pub unavailable: &'a [crate::model::Unavailable],
    /// How much of each tenant-wide source was read: `{source, records, pages, complete,
    /// splits, restarts}`.
    pub reads: &'a [crate::model::SourceRead],
}

/// One line for a status bar or stderr: records and pages per source, what was cut short.
pub fn reads_summary(reads: &[crate::model::SourceRead]) -> String {
    let parts: Vec<String> = reads
        .iter()
        .map(|r| {
            let plural = if r.pages == 1 { "" } else { "s" };
            let mut s = format!("{} {} in {} page{plural}", r.source, r.records, r.pages);
            if r.splits > 0 {
                s.push_str(&format!(", {} splits", r.splits));
            }
            if r.restarts > 0 {
                s.push_str(&format!(", {} restarts", r.restarts));
            }
            if !r.complete {
                s.push_str(" (incomplete)");
            }
            s
        })
        .collect();
    format!("read: {}", parts.join("; "))
}

/// `investigate --json`: the assessment and every fact it rests on.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvestigateReport<'a> {
    pub tenant: &'a str,
    pub generated: String,
    pub account: &'a AccountAssessment,
    pub facts: &'a AccountFacts,
    pub unavailable: &'a [crate::model::Unavailable],
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Serialized and made inert. Serializing these types cannot fail (string keys, no maps with
/// non-string keys), so an error can only be a bug: it is reported as a JSON error object.
fn to_json<T: Serialize>(v: &T) -> String {
    match serde_json::to_string_pretty(v) {
        Ok(s) => json_text(&s).into_owned(),
        Err(e) => format!("{{\"error\": {:?}}}", e.to_string()),
    }
}

pub fn triage_json(report: &TriageReport<'_>) -> String {
    to_json(report)
}

pub fn investigate_json(report: &InvestigateReport<'_>) -> String {
    to_json(report)
}

pub const CSV_HEADER: &[&str] = &[
    "score",
    "verdict",
    "userPrincipalName",
    "displayName",
    "jobTitle",
    "department",
    "roles",
    "riskLevel",
    "riskState",
    "indicators",
    "topEvidence",
    "accountEnabled",
    "userType",
    "complete",
    "id",
    "unavailableSources",
];

/// An `unavailable[].reason` in plain words (CONTRACT.md's reasons).
pub fn reason_words(reason: &str) -> &'static str {
    match reason {
        "licence" => "not included in the tenant's licence",
        "permission" => "the app or signed-in user lacks the permission",
        "role" => "the signed-in admin lacks the Entra role it needs",
        "conditional-access" => "blocked by a Conditional Access policy",
        "throttled" => "throttled by Graph for longer than reclaim waits",
        _ => "failed",
    }
}

/// One line per unavailable source: `sign-ins: not included in the tenant's licence`.
pub fn unavailable_lines(unavailable: &[crate::model::Unavailable]) -> Vec<String> {
    unavailable
        .iter()
        .map(|u| format!("{}: {}", u.source, reason_words(&u.reason)))
        .collect()
}

/// One header line and one line per account, CRLF as RFC 4180 says.
pub fn triage_csv(accounts: &[AccountAssessment]) -> String {
    triage_csv_with(accounts, &[])
}

/// [`triage_csv`] whose last column, `unavailableSources`, names on every row the sources the
/// gather could not read and why (`sign-ins (licence); risky users (licence)`): the same for
/// every row, so a spreadsheet filtered to one account still says what its verdict lacks.
pub fn triage_csv_with(
    accounts: &[AccountAssessment],
    unavailable: &[crate::model::Unavailable],
) -> String {
    let missing: Vec<String> = unavailable
        .iter()
        .map(|u| format!("{} ({})", u.source, u.reason))
        .collect();
    let missing = missing.join("; ");
    let mut out = CSV_HEADER.join(",");
    out.push_str("\r\n");
    for a in accounts {
        let indicators: Vec<&str> = a
            .indicators
            .iter()
            .filter(|i| i.weight > 0)
            .map(|i| i.id.as_str())
            .collect();
        let top = a
            .indicators
            .iter()
            .find(|i| i.weight > 0)
            .map(|i| i.summary.clone())
            .unwrap_or_default();
        let fields = [
            a.score.to_string(),
            a.verdict.as_str().to_string(),
            a.user_principal_name.clone(),
            a.display_name.clone(),
            a.job_title.clone().unwrap_or_default(),
            a.department.clone().unwrap_or_default(),
            a.roles.join("; "),
            a.risk_level.clone(),
            a.risk_state.clone(),
            indicators.join("; "),
            top,
            a.account_enabled.map(|b| b.to_string()).unwrap_or_default(),
            a.user_type.clone().unwrap_or_default(),
            a.complete.to_string(),
            a.id.clone(),
            missing.clone(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn cell(s: &str, width: usize) -> String {
    let shown = for_display(s, width);
    let used = unicode_width::UnicodeWidthStr::width(shown.as_str());
    format!("{shown}{}", " ".repeat(width.saturating_sub(used)))
}

/// A plain table for a terminal or a ticket.
pub fn triage_text(tenant: &str, accounts: &[AccountAssessment], warnings: &[String]) -> String {
    triage_text_with(tenant, accounts, warnings, &[])
}

/// [`triage_text`] with a line per source that could not be read, above the table.
pub fn triage_text_with(
    tenant: &str,
    accounts: &[AccountAssessment],
    warnings: &[String],
    unavailable: &[crate::model::Unavailable],
) -> String {
    let mut out = format!("reclaim triage: {}\n", for_display(tenant, 80));
    for line in unavailable_lines(unavailable) {
        out.push_str(&format!("unavailable: {}\n", for_display(&line, 200)));
    }
    for w in warnings {
        out.push_str(&format!("warning: {}\n", for_display(w, 200)));
    }
    out.push_str(&format!(
        "{} {} {} {} {} {}\n",
        cell("SCORE", 5),
        cell("VERDICT", 11),
        cell("ACCOUNT", 36),
        cell("TITLE", 24),
        cell("RISK", 14),
        "TOP INDICATORS"
    ));
    for a in accounts {
        let top: Vec<&str> = a
            .indicators
            .iter()
            .filter(|i| i.weight > 0)
            .take(3)
            .map(|i| i.id.as_str())
            .collect();
        let risk = format!("{}/{}", a.risk_level, a.risk_state);
        out.push_str(&format!(
            "{} {} {} {} {} {}\n",
            cell(&a.score.to_string(), 5),
            cell(a.verdict.as_str(), 11),
            cell(&a.user_principal_name, 36),
            cell(a.job_title.as_deref().unwrap_or(""), 24),
            cell(&risk, 14),
            for_display(&top.join(", "), 60)
        ));
    }
    let compromised = accounts
        .iter()
        .filter(|a| a.verdict == super::Verdict::Compromised)
        .count();
    out.push_str(&format!(
        "{} account(s), {compromised} compromised\n",
        accounts.len()
    ));
    out
}

/// Everything about one account, for a terminal.
pub fn investigate_text(a: &AccountAssessment, f: &AccountFacts) -> String {
    let d = |s: &str| for_display(s, 160);
    let mut out = String::new();
    out.push_str(&format!(
        "{} <{}>\n",
        d(&a.display_name),
        d(&a.user_principal_name)
    ));
    out.push_str(&format!(
        "verdict {}  score {}  risk {}/{}{}\n",
        a.verdict.as_str(),
        a.score,
        d(&a.risk_level),
        d(&a.risk_state),
        if a.complete {
            ""
        } else {
            "  (incomplete data)"
        }
    ));
    out.push_str(&format!(
        "title {}  department {}  roles {}\n",
        d(a.job_title.as_deref().unwrap_or("-")),
        d(a.department.as_deref().unwrap_or("-")),
        d(&a.roles.join(", "))
    ));
    out.push_str("\nEvidence\n");
    for i in &a.indicators {
        out.push_str(&format!(
            "  [{:>3}] {}: {}\n",
            i.weight,
            i.id,
            d(&i.summary)
        ));
        for e in &i.evidence {
            out.push_str(&format!(
                "        {} {} {}: {}\n",
                e.time.as_deref().unwrap_or(""),
                e.kind,
                d(&e.id),
                d(&e.detail)
            ));
        }
    }
    let fi = &a.findings;
    out.push_str("\nTied to the attacker\n");
    for m in &fi.attacker_methods {
        out.push_str(&format!(
            "  method {} {} {}: {}\n",
            d(&m.kind),
            d(&m.id),
            d(m.label.as_deref().unwrap_or("")),
            d(&m.reasons.join("; "))
        ));
    }
    for p in &fi.attacker_phones {
        out.push_str(&format!("  phone {} {}\n", d(&p.phone_type), d(&p.number)));
    }
    for k in &fi.known_good_phones {
        out.push_str(&format!(
            "  known-good {} {} ({})\n",
            d(&k.phone_type),
            d(k.number.as_deref().unwrap_or("(none)")),
            d(&k.audit_id
                .as_ref()
                .map(|a| format!("audit {a}"))
                .unwrap_or_else(|| "current method".into()))
        ));
    }
    for r in &fi.malicious_rules {
        out.push_str(&format!("  rule {} \"{}\"\n", d(&r.id), d(&r.name)));
    }
    for g in &fi.malicious_grants {
        out.push_str(&format!(
            "  grant {} {}\n",
            d(&g.id),
            d(g.app_name.as_deref().unwrap_or(&g.client_id))
        ));
    }
    for m in &fi.attacker_memberships {
        out.push_str(&format!(
            "  {} {} \"{}\": {}\n",
            d(&m.kind),
            d(&m.object_id),
            d(&m.name),
            d(&m.reasons.join("; "))
        ));
    }
    for c in &fi.attacker_app_credentials {
        out.push_str(&format!(
            "  app credential {} on {} \"{}\": {}\n",
            d(&c.key_id),
            c.holder.label(),
            d(&c.holder_name),
            d(&c.reasons.join("; "))
        ));
    }
    for c in &fi.flagged_app_consents {
        out.push_str(&format!(
            "  app consent {} to \"{}\" ({} publisher): {}\n",
            d(&c.id),
            d(c.app_name.as_deref().unwrap_or(&c.resource_id)),
            if c.publisher_verified {
                "verified"
            } else {
                "unverified"
            },
            d(&c.reasons.join("; "))
        ));
    }
    for dv in &fi.attacker_devices {
        out.push_str(&format!(
            "  device {} \"{}\": {}\n",
            d(&dv.id),
            d(&dv.name),
            d(&dv.reasons.join("; "))
        ));
    }
    out.push_str(&format!(
        "\n{} sign-in(s), {} audit record(s), {} method(s), {} inbox rule(s), {} grant(s), \
         {} device(s)\n",
        f.sign_ins.len(),
        f.audits.len(),
        f.methods.len(),
        f.rules.len(),
        f.grants.len(),
        f.devices.len()
    ));
    out.push_str(
        "Graph cannot list MAPI-hidden inbox rules or mailbox forwarding: check those with \
         Exchange Online PowerShell (Get-InboxRule -IncludeHidden, Get-Mailbox).\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, Findings, Indicator, Verdict};
    use reclaim_core::sanitize::is_dangerous;

    fn hostile() -> AccountAssessment {
        AccountAssessment {
            id: "u1".into(),
            user_principal_name: "=cmd|' /C calc'!A0@contoso.com".into(),
            display_name: "Eve\u{1b}[2J\u{1b}]0;owned\u{7}\u{202e}gnp.exe".into(),
            job_title: Some("+CFO".into()),
            department: Some("-Finance\r\n=1+1".into()),
            roles: vec!["@Global Administrator".into()],
            risk_level: "high".into(),
            risk_state: "atRisk".into(),
            score: 95,
            verdict: Verdict::Compromised,
            indicators: vec![Indicator {
                id: "rule-name-punctuation".into(),
                summary: "rule \u{200b}.\u{9b}31m".into(),
                weight: 20,
                evidence: vec![Evidence {
                    kind: "messageRule".into(),
                    id: "r\u{1b}1".into(),
                    time: None,
                    detail: "\u{1b}P evil \u{1b}\\".into(),
                }],
            }],
            account_enabled: Some(true),
            user_type: Some("Member".into()),
            high_value: true,
            findings: Findings::default(),
            complete: true,
        }
    }

    #[test]
    fn json_is_the_contract_and_inert() {
        let accounts = vec![hostile()];
        let warnings = vec!["signIns partial\u{1b}[1m".to_string()];
        let r = TriageReport {
            tenant: "contoso",
            generated: "2024-05-01T00:00:00Z".into(),
            accounts: &accounts,
            complete: false,
            warnings: &warnings,
            unavailable: &[],
            reads: &[],
        };
        let s = triage_json(&r);
        assert!(!s.chars().any(|c| is_dangerous(c) && c != '\n'), "{s}");
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["tenant"], "contoso");
        assert_eq!(v["generated"], "2024-05-01T00:00:00Z");
        let a = &v["accounts"][0];
        for key in [
            "id",
            "userPrincipalName",
            "displayName",
            "jobTitle",
            "department",
            "roles",
            "riskLevel",
            "riskState",
            "score",
            "verdict",
            "indicators",
        ] {
            assert!(a.get(key).is_some(), "missing {key}");
        }
        assert_eq!(a["verdict"], "compromised");
        assert_eq!(a["displayName"], hostile().display_name, "data survives");
        let ind = &a["indicators"][0];
        assert!(
            ind.get("id").is_some()
                && ind.get("summary").is_some()
                && ind.get("evidence").is_some()
        );
    }

    #[test]
    fn csv_defuses_formulas_and_controls() {
        let s = triage_csv(&[hostile()]);
        assert!(!s.chars().any(|c| is_dangerous(c) && c != '\r' && c != '\n'));
        let lines: Vec<&str> = s.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines.len(),
            2,
            "one header, one row: embedded CR/LF are escaped: {s}"
        );
        assert_eq!(lines[0].split(',').count(), CSV_HEADER.len());
        for cell in lines[1].split(',') {
            let c = cell.trim_start_matches('"');
            assert!(!c.starts_with(['=', '+', '-', '@']), "formula cell {cell}");
        }
    }

    #[test]
    fn text_is_inert() {
        let a = hostile();
        let t = triage_text("contoso", std::slice::from_ref(&a), &["w\u{1b}".into()]);
        assert!(!t.chars().any(|c| is_dangerous(c) && c != '\n'));
        let i = investigate_text(&a, &AccountFacts::default());
        assert!(!i.chars().any(|c| is_dangerous(c) && c != '\n'));
    }

    #[test]
    fn the_reads_summary_names_splits_restarts_and_what_was_cut_short() {
        let read = |source: &str, complete, splits, restarts| crate::model::SourceRead {
            source: source.into(),
            records: 1200,
            pages: 3,
            complete,
            splits,
            restarts,
        };
        let line = reads_summary(&[
            crate::model::SourceRead {
                pages: 1,
                ..read("risky users", true, 0, 0)
            },
            read("sign-ins", false, 2, 1),
        ]);
        assert_eq!(
            line,
            "read: risky users 1200 in 1 page; sign-ins 1200 in 3 pages, 2 splits, 1 restarts (incomplete)"
        );
    }
}
