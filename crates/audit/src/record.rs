//! What one journal line holds, and the inputs the containment engine hands the journal.
//!
//! A record is one JSON object on one line. Fields that do not apply to a record's kind are
//! left out rather than written as `null`, so the lines stay short and a future field never
//! changes the meaning of an old one. See docs/audit.md for the field list.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The journal format version written in every record's `v`.
pub const FORMAT_VERSION: u32 = 1;

/// What a record says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A writer opened the journal (one per session).
    Open,
    /// A mutating request is about to be sent (written and fsynced before it leaves).
    Intent,
    /// What came of an earlier intent.
    Outcome,
    /// A non-mutating event: plan created, drift detected, finding, apply summary, undo...
    Note,
    /// The journal repaired itself on open (torn last line) or found the last session unsealed.
    Recovery,
    /// The writer closed cleanly; nothing follows until the next `open`.
    Seal,
    /// A kind written by a newer reclaim: kept, chained and verified like any other.
    #[serde(other)]
    Unknown,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Open => "open",
            RecordKind::Intent => "intent",
            RecordKind::Outcome => "outcome",
            RecordKind::Note => "note",
            RecordKind::Recovery => "recovery",
            RecordKind::Seal => "seal",
            RecordKind::Unknown => "unknown",
        }
    }
}

/// The request a step sends, as recorded (secrets redacted before it is written).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RequestSummary {
    pub method: String,
    /// Path relative to the Graph root, e.g. `/v1.0/users/{id}/revokeSignInSessions`.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepResult {
    /// Graph accepted the request (and, where the engine verified, the read-back agreed).
    Succeeded,
    /// Graph refused it, or the read-back showed it did not take effect.
    Failed { error: String },
    /// The request may or may not have taken effect (timeout, connection lost after sending):
    /// the tenant must be checked before the step is repeated.
    Unknown,
    /// A run cut off after this intent; the resumed run read the tenant, found the step not
    /// done, and runs it again under a new intent, which this closes the old one in favour of.
    Superseded { detail: String },
}

/// Everything the journal needs before a mutating request leaves.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepIntent {
    pub incident: String,
    pub plan_id: String,
    pub step_id: String,
    /// A CONTRACT.md action name, e.g. `revoke-sessions`, or `undo:<action>`.
    pub action: String,
    /// The account (UPN or object id) the step acts on.
    pub target: String,
    /// The state before, enough to undo the step.
    pub before: Value,
    pub request: RequestSummary,
}

/// What came back, written after the request (and its verification read).
#[derive(Debug, Clone, PartialEq)]
pub struct StepOutcome {
    /// The HTTP status Graph answered with, if an answer came.
    pub status: Option<u16>,
    /// Graph's `request-id` response header, for Microsoft support.
    pub graph_request_id: Option<String>,
    pub result: StepResult,
    /// The read-back that checked the change took effect.
    pub verification: Option<Value>,
}

/// Points at one record: its sequence number and hash. Returned by every append; an outcome
/// names its intent this way.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RecordRef {
    pub seq: u64,
    pub hash: String,
}

/// One journal record, as written and as read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub v: u32,
    pub seq: u64,
    /// RFC 3339, UTC, microseconds.
    pub time: String,
    pub kind: RecordKind,
    pub operator: String,
    pub tenant: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestSummary>,
    /// For an outcome: the intent it resolves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<RecordRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph_request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<StepResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<Value>,
    /// For a note or recovery record: what kind of event (`plan-created`, `drift-detected`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// Hash of the previous record (hex SHA-256); the genesis value for seq 1.
    pub prev: String,
    /// SHA-256 over `prev` and this record's canonical bytes (hex).
    pub hash: String,
    /// Which key authenticated the record (first 8 bytes of SHA-256 over the key, hex).
    pub key_id: String,
    /// HMAC-SHA256 over `hash` with the tenant's audit key (hex).
    pub mac: String,
}

impl Record {
    /// A record with the envelope filled in and every optional field empty; the chain fields
    /// are set by the journal when it is appended.
    pub fn new(kind: RecordKind, operator: &str, tenant: &str, time: DateTime<Utc>) -> Self {
        Record {
            v: FORMAT_VERSION,
            seq: 0,
            time: time.to_rfc3339_opts(SecondsFormat::Micros, true),
            kind,
            operator: operator.to_string(),
            tenant: tenant.to_string(),
            incident: None,
            plan_id: None,
            step_id: None,
            action: None,
            target: None,
            before: None,
            request: None,
            intent: None,
            status: None,
            graph_request_id: None,
            result: None,
            verification: None,
            note: None,
            data: None,
            prev: String::new(),
            hash: String::new(),
            key_id: String::new(),
            mac: String::new(),
        }
    }

    /// The reference an outcome uses to name this record.
    pub fn reference(&self) -> RecordRef {
        RecordRef {
            seq: self.seq,
            hash: self.hash.clone(),
        }
    }

    /// The time as a timestamp (None if a hand-edited file holds something unparseable).
    pub fn timestamp(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.time)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// A one-line human summary of the event, for the timeline and syslog.
    pub fn summary(&self) -> String {
        let action = self.action.as_deref().unwrap_or("");
        let target = self.target.as_deref().unwrap_or("");
        match self.kind {
            RecordKind::Intent => format!("intent {action} on {target}"),
            RecordKind::Outcome => {
                let res = match &self.result {
                    Some(StepResult::Succeeded) => "succeeded".to_string(),
                    Some(StepResult::Failed { error }) => format!("failed: {error}"),
                    Some(StepResult::Unknown) | None => "outcome unknown".to_string(),
                    Some(StepResult::Superseded { .. }) => {
                        "superseded by a resumed run".to_string()
                    }
                };
                format!("{action} on {target} {res}")
            }
            RecordKind::Note | RecordKind::Recovery => {
                let what = self.note.as_deref().unwrap_or(self.kind.as_str());
                if target.is_empty() {
                    what.to_string()
                } else {
                    format!("{what} for {target}")
                }
            }
            RecordKind::Open => "journal opened".to_string(),
            RecordKind::Seal => "journal sealed".to_string(),
            RecordKind::Unknown => "record of an unknown kind".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_fields_are_left_out_and_unknown_kinds_parse() {
        let r = Record::new(RecordKind::Seal, "op", "t", Utc::now());
        let s = serde_json::to_string(&r).unwrap();
        assert!(!s.contains("incident"));
        let mut v: Value = serde_json::from_str(&s).unwrap();
        v["kind"] = Value::from("checkpoint");
        v["someFutureField"] = Value::from(1);
        let back: Record = serde_json::from_value(v).unwrap();
        assert_eq!(back.kind, RecordKind::Unknown);
    }

    #[test]
    fn step_result_is_tagged() {
        let v = serde_json::to_value(StepResult::Failed {
            error: "403".into(),
        })
        .unwrap();
        assert_eq!(v, serde_json::json!({"kind": "failed", "error": "403"}));
    }
}
