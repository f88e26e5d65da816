//! The console's only door to data: [`DataSource`], implemented over the Graph client by
//! triage and by [`super::fixture::FixtureSource`] for tests.
//!
//! Sources run inside spawned tasks; everything they learn reaches the console as an
//! [`Action`] through a [`Feed`], so the screen never waits on the network. Rows are
//! display-ready but still raw tenant text: the views sanitize every string they draw.

use super::action::{Action, JobId};
use futures::future::BoxFuture;
use reclaim_triage::AccountAssessment;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// Who and what the console is looking at, for the header.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantInfo {
    /// Profile or tenant name shown in the header (e.g. `contoso`).
    pub name: String,
    /// Primary domain or tenant id.
    #[serde(default)]
    pub domain: String,
    /// The signed-in operator (UPN or app name).
    #[serde(default)]
    pub operator: String,
}

/// A failure a source reports; the message is shown to the operator (sanitized).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct SourceError {
    pub message: String,
}

impl SourceError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl From<reclaim_contain::service::ServiceError> for SourceError {
    fn from(e: reclaim_contain::service::ServiceError) -> Self {
        Self::new(e.to_string())
    }
}

/// How far a long load has come, for the status line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadProgress {
    /// What is being fetched now, e.g. `sign-ins` or `inbox rules`.
    pub phase: String,
    pub done: u64,
    /// `None` while the total is unknown (paging without a count).
    pub total: Option<u64>,
}

/// A tab's rows, or why there are none: "not available" must never look like "empty".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Section<T> {
    Rows(Vec<T>),
    /// e.g. `403: MailboxNotEnabledForRESTAPI` or `needs AuditLog.Read.All`.
    Unavailable(String),
}

impl<T> Default for Section<T> {
    fn default() -> Self {
        Section::Rows(Vec::new())
    }
}

impl<T> Section<T> {
    pub fn rows(&self) -> &[T] {
        match self {
            Section::Rows(rows) => rows,
            Section::Unavailable(_) => &[],
        }
    }
}

/// One sign-in, ready to show. `flag` names the indicator that ties it to the attacker.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SignInRow {
    pub time: String,
    pub app: String,
    pub ip: String,
    pub location: String,
    pub client: String,
    pub user_agent: String,
    /// `success` or the failure reason.
    pub status: String,
    pub risk: String,
    pub flag: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MethodRow {
    /// `password`, `phone (mobile)`, `microsoftAuthenticator`, ...
    pub kind: String,
    /// Phone number, device name, app version...
    pub detail: String,
    pub created: String,
    pub flag: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RuleRow {
    pub name: String,
    pub enabled: bool,
    /// One line summary of the conditions, e.g. `subject contains "invoice"`.
    pub conditions: String,
    /// One line summary of the actions, e.g. `move to RSS Feeds; mark as read`.
    pub actions: String,
    pub flag: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AuditEventRow {
    pub time: String,
    pub activity: String,
    pub initiated_by: String,
    pub target: String,
    /// Changed values, e.g. `mobile: +1 555 0100 -> +44 7700 900123`.
    pub detail: String,
    pub result: String,
    pub flag: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GrantRow {
    pub client: String,
    pub scopes: String,
    /// `AllPrincipals` or `Principal`.
    pub consent: String,
    pub created: String,
    pub flag: Option<String>,
}

/// A device the account is a registered user or owner of.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeviceRow {
    pub name: String,
    pub os: String,
    /// `Workplace`, `AzureAd`, `ServerAd`.
    pub trust: String,
    /// `managed, compliant` or `unmanaged, non-compliant`.
    pub management: String,
    pub enabled: String,
    pub registered: String,
    pub flag: Option<String>,
}

/// A directory role the account holds, or a role or group membership added to it in the
/// window (from the directory audits).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MembershipRow {
    /// `role` or `group`.
    pub kind: String,
    /// Tenant text.
    pub name: String,
    /// When it was added, when an audit record says so.
    pub added: String,
    /// Who added it and from where (tenant text).
    pub added_by: String,
    pub flag: Option<String>,
}

/// A secret or certificate the account added to an application or service principal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppCredentialRow {
    /// `application` or `service principal`.
    pub holder: String,
    pub app: String,
    /// `secret` or `certificate`.
    pub kind: String,
    pub name: String,
    pub key_id: String,
    pub added: String,
    pub flag: Option<String>,
}

/// Everything the detail view shows about one account, one field per tab.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AccountDetail {
    /// Extra profile lines for the overview (`manager`, `created`, `last password change`...).
    pub profile: Vec<(String, String)>,
    pub sign_ins: Section<SignInRow>,
    pub methods: Section<MethodRow>,
    pub rules: Section<RuleRow>,
    pub audit_events: Section<AuditEventRow>,
    pub grants: Section<GrantRow>,
    pub devices: Section<DeviceRow>,
    pub memberships: Section<MembershipRow>,
    pub app_credentials: Section<AppCredentialRow>,
}

/// One entry of the operator's audit journal, for the timeline view.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JournalRow {
    pub time: String,
    pub operator: String,
    pub account: String,
    pub action: String,
    /// `planned`, `applied`, `verified`, `failed`, `undone`...
    pub outcome: String,
    pub step_id: String,
    pub detail: String,
    /// The incident the record belongs to (empty for session records: open, seal).
    pub incident: String,
    /// What the read-back after the step found, e.g. `sessions revoked at ...`.
    pub verification: String,
    /// Not a record: a problem with the journal itself (a broken chain, a replaced file),
    /// with `detail` saying what. Drawn as a warning line.
    pub warning: bool,
}

impl JournalRow {
    /// A journal record as the timeline shows it (for sources reading `reclaim_audit`).
    pub fn from_record(r: &reclaim_audit::Record) -> JournalRow {
        use reclaim_audit::record::{RecordKind, StepResult};
        let outcome = match (r.kind, &r.result) {
            (RecordKind::Outcome, Some(StepResult::Succeeded)) if r.verification.is_some() => {
                "verified"
            }
            (RecordKind::Outcome, Some(StepResult::Succeeded)) => "applied",
            (RecordKind::Outcome, Some(StepResult::Failed { .. })) => "failed",
            (RecordKind::Outcome, _) => "unknown",
            (kind, _) => kind.as_str(),
        };
        JournalRow {
            time: r
                .timestamp()
                .map(|t| t.format("%Y-%m-%d %H:%MZ").to_string())
                .unwrap_or_else(|| r.time.clone()),
            operator: r.operator.clone(),
            account: r.target.clone().unwrap_or_default(),
            action: r.action.clone().unwrap_or_default(),
            outcome: outcome.to_string(),
            step_id: r.step_id.clone().unwrap_or_default(),
            detail: r.summary(),
            incident: r.incident.clone().unwrap_or_default(),
            verification: verification_text(r),
            warning: false,
        }
    }

    /// A warning line about the journal itself.
    pub fn warning(detail: impl Into<String>) -> JournalRow {
        JournalRow {
            outcome: "warning".into(),
            detail: detail.into(),
            warning: true,
            ..JournalRow::default()
        }
    }
}

/// The read-back of an outcome in a few words: its `check` (what the engine writes), else
/// the JSON itself.
fn verification_text(r: &reclaim_audit::Record) -> String {
    match &r.verification {
        None => String::new(),
        Some(v) => match v.get("check").and_then(serde_json::Value::as_str) {
            Some(check) => {
                let ok = v.get("ok").and_then(serde_json::Value::as_bool);
                match ok {
                    Some(false) => format!("NOT verified: {check}"),
                    _ => check.to_string(),
                }
            }
            None => v.to_string(),
        },
    }
}

/// Where a running load reports to. Cheap to clone; sending never blocks, and a closed
/// console (or a newer job for the same pane) silently drops what arrives late.
#[derive(Clone)]
pub struct Feed {
    tx: UnboundedSender<Action>,
    job: JobId,
}

impl Feed {
    pub fn new(tx: UnboundedSender<Action>, job: JobId) -> Self {
        Self { tx, job }
    }

    pub fn job(&self) -> JobId {
        self.job
    }

    /// More judged accounts; they appear in the table at once.
    pub fn accounts(&self, accounts: Vec<AccountAssessment>) {
        let _ = self.tx.send(Action::AccountsBatch {
            job: self.job,
            accounts,
        });
    }

    pub fn progress(&self, phase: impl Into<String>, done: u64, total: Option<u64>) {
        let _ = self.tx.send(Action::Progress {
            job: self.job,
            progress: LoadProgress {
                phase: phase.into(),
                done,
                total,
            },
        });
    }

    /// Journal rows for the audit view: what was already written, then each record as it
    /// is appended (a live source keeps sending until its job is cancelled).
    pub fn journal(&self, rows: Vec<JournalRow>) {
        let _ = self.tx.send(Action::JournalAppended {
            job: self.job,
            rows,
        });
    }

    /// Graph asked us to wait (429 / Retry-After); shown in the status line for `wait`.
    pub fn throttled(&self, wait: Duration) {
        let _ = self.tx.send(Action::Throttled { wait });
    }

    /// Background work waits (for `wait`) while the operator's work goes first.
    pub fn yielded(&self, wait: Duration) {
        let _ = self.tx.send(Action::Yielded { wait });
    }
}

/// The console's data boundary. Implementations must be cancel-safe: a newer request for
/// the same pane aborts the task running the older one.
pub trait DataSource: Send + Sync {
    fn tenant(&self) -> TenantInfo;

    /// Streams every assessed account through `feed.accounts` (in batches, as they are
    /// judged) with `feed.progress` along the way; returns when the list is complete.
    fn load_accounts(&self, feed: Feed) -> BoxFuture<'_, Result<(), SourceError>>;

    /// The per-tab rows for one account (its id from [`AccountAssessment::id`]).
    fn load_detail<'a>(
        &'a self,
        account_id: &'a str,
        feed: Feed,
    ) -> BoxFuture<'a, Result<AccountDetail, SourceError>>;

    /// The audit journal, oldest first.
    fn load_journal(&self, feed: Feed) -> BoxFuture<'_, Result<Vec<JournalRow>, SourceError>>;

    /// The audit journal live: every row already written, then each one appended (by this
    /// process or another writing the same journal) through `feed.journal`, until the job
    /// is cancelled. Problems with the journal itself arrive as [`JournalRow::warning`]
    /// rows. The default reads the journal once and returns: no live updates.
    fn watch_journal(&self, feed: Feed) -> BoxFuture<'_, Result<(), SourceError>> {
        Box::pin(async move {
            let rows = self.load_journal(feed.clone()).await?;
            feed.journal(rows);
            Ok(())
        })
    }

    /// Planning, applying and undoing containment in this tenant, if this source can.
    fn containment(&self) -> Option<Arc<dyn super::containment::Containment>> {
        None
    }
}

/// Tenant profiles the console can switch between (`:tenant NAME`).
pub trait TenantDirectory: Send + Sync {
    fn profiles(&self) -> Vec<String>;
    fn open<'a>(&'a self, name: &'a str)
        -> BoxFuture<'a, Result<Arc<dyn DataSource>, SourceError>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use reclaim_audit::record::{Record, RecordKind, StepResult};

    #[test]
    fn journal_records_become_timeline_rows() {
        let time = chrono::DateTime::parse_from_rfc3339("2024-03-05T07:40:12Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut r = Record::new(RecordKind::Outcome, "op@contoso.com", "contoso", time);
        r.action = Some("revoke-sessions".into());
        r.target = Some("dana@contoso.com".into());
        r.step_id = Some("st-1".into());
        r.result = Some(StepResult::Failed {
            error: "429".into(),
        });
        let row = JournalRow::from_record(&r);
        assert_eq!(row.time, "2024-03-05 07:40Z");
        assert_eq!(row.outcome, "failed");
        assert_eq!(row.account, "dana@contoso.com");
        assert!(row.detail.contains("failed: 429"), "{}", row.detail);
        r.result = Some(StepResult::Succeeded);
        r.verification = Some(serde_json::json!({"ok": true}));
        assert_eq!(JournalRow::from_record(&r).outcome, "verified");
        r.incident = Some("INC-7".into());
        r.verification = Some(serde_json::json!({"ok": true, "check": "sessions revoked"}));
        let row = JournalRow::from_record(&r);
        assert_eq!(row.incident, "INC-7");
        assert_eq!(row.verification, "sessions revoked");
        assert!(!row.warning);
    }
}
