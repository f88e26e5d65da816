//! The audit trail: a tamper-evident, crash-safe journal of everything reclaim does to a
//! tenant, and the tools to check it and hand it over. docs/audit.md is the full description.
//!
//! For the containment engine:
//! ```no_run
//! # use reclaim_audit::*;
//! # fn demo(store: std::sync::Arc<dyn reclaim_core::secrets::SecretStore>) -> Result<(), AuditError> {
//! let journal = Journal::open(std::path::Path::new("/state/audit"), "tenant-id", "admin@contoso.com", store)?;
//! // Resume: what the journal says about this plan's steps.
//! let states = recover::step_states(&journal.records()?, Some("plan-1"));
//! let r = journal.intent(StepIntent {
//!     incident: "INC-1".into(), plan_id: "plan-1".into(), step_id: "s1".into(),
//!     action: "revoke-sessions".into(), target: "cfo@contoso.com".into(),
//!     before: serde_json::json!({}),
//!     request: RequestSummary { method: "POST".into(), path: "/v1.0/users/x/revokeSignInSessions".into(), body: None },
//! })?; // durable before the request leaves
//! // ... send the request, read back ...
//! journal.outcome(&r, StepOutcome { status: Some(200), graph_request_id: None,
//!     result: StepResult::Succeeded, verification: None })?;
//! journal.close()?;
//! # let _ = states; Ok(()) }
//! ```

pub mod archive;
pub mod chain;
pub mod export;
pub mod follow;
pub mod forward;
pub mod journal;
mod journal_handle;
pub mod key;
pub mod record;
pub mod recover;
pub mod redact;
pub mod timeline;

pub use archive::archive;
pub use chain::{BadRecord, ExpectedHead, VerifyOptions, VerifyReport};
pub use follow::{Followed, Follower};
pub use journal::{journal_path, JournalFile, Note, OpenOptions};
pub use journal_handle::Journal;
pub use record::{
    Record, RecordKind, RecordRef, RequestSummary, StepIntent, StepOutcome, StepResult,
};
pub use recover::{step_states, StepState};
pub use timeline::{list_tenants, load_timeline, read_records};

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything that can go wrong with the journal.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the audit journal {} is in use by another reclaim (waited {}s): only one console may \
         write a tenant's journal at a time; finish or close the other session",
        path.display(), waited.as_secs_f32()
    )]
    Locked { path: PathBuf, waited: Duration },
    #[error(
        "the audit journal {} failed verification at {bad}; refusing to append to it. Run \
         `reclaim audit verify`, keep the file as evidence and `reclaim audit archive` to start anew",
        path.display()
    )]
    Tampered { path: PathBuf, bad: BadRecord },
    #[error("no audit journal at {}", .0.display())]
    NoJournal(PathBuf),
    #[error("`{0}` cannot name a journal: use the tenant id (letters, digits, `.`, `-`, `_`)")]
    InvalidTenant(String),
    #[error(transparent)]
    Key(#[from] key::KeyError),
    #[error("the journal was closed")]
    Closed,
    #[error("{0}")]
    Invalid(String),
}

impl AuditError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        AuditError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Where journals live when `--audit-dir` is not given: the platform state dir (e.g.
/// `~/.local/state/reclaim/audit`), or the local data dir where there is no state dir.
pub fn default_audit_dir() -> Option<PathBuf> {
    Some(reclaim_core::paths::state_dir()?.join("audit"))
}
