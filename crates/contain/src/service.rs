//! The containment service the console's event loop calls from background tasks: it plans,
//! saves the plan where a later `reclaim apply FILE` finds it, applies and undoes.

use crate::apply::{apply, ApplyOptions, SecretSink};
use crate::plan::{Plan, PlanError};
use crate::planner::{make_plan_reusing, MakePlanError, PlanMeta};
use crate::playbook::Playbook;
use crate::report::{ApplyEvent, ApplyReport};
use crate::undo::{undo, UndoError, Undone};
use reclaim_audit::{AuditError, Journal};
use reclaim_core::secrets::SecretStore;
use reclaim_graph::GraphClient;
use std::path::PathBuf;
use std::sync::Arc;

/// Why the service did not plan, save, apply or undo.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("read-only: {0} is not available")]
    ReadOnly(&'static str),
    #[error(transparent)]
    Plan(Box<MakePlanError>),
    #[error("cannot save plan {0:?}: its id is not a plain name; nothing was sent")]
    PlanId(String),
    #[error("cannot save the plan to {} (it is what resumes an interrupted apply); nothing was sent: {source}", path.display())]
    SavePlan {
        path: PathBuf,
        #[source]
        source: SaveError,
    },
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error(transparent)]
    Undo(#[from] UndoError),
    #[error(transparent)]
    Ack(#[from] super::exchange::AckError),
}

impl From<MakePlanError> for ServiceError {
    fn from(e: MakePlanError) -> Self {
        ServiceError::Plan(Box::new(e))
    }
}

/// What failed while saving a plan file.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    Dir(#[from] std::io::Error),
    #[error(transparent)]
    Write(#[from] PlanError),
}

/// Where the console keeps a plan it applies: `<audit_dir>/plans/<id>.json`, beside the
/// journal. `None` for an id that is not a plain name (ids read back from a journal are data).
pub fn plan_file_in(audit_dir: &std::path::Path, plan_id: &str) -> Option<PathBuf> {
    let plain = !plan_id.is_empty()
        && plan_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    plain.then(|| audit_dir.join("plans").join(format!("{plan_id}.json")))
}

/// Plans, applies and undoes for the console's event loop (background tasks).
#[derive(Clone)]
pub struct ContainmentService {
    pub client: GraphClient,
    pub audit_dir: PathBuf,
    pub store: Arc<dyn SecretStore>,
    pub tenant: String,
    pub operator: String,
    pub delegated: bool,
    /// What the console's gather read: a plan reuses an account's recent facts instead of
    /// investigating it again (`reclaim_triage::gather::FRESH_FOR`).
    pub recent: Option<reclaim_triage::gather::RecentFacts>,
}

impl ContainmentService {
    pub async fn plan(
        &self,
        account_ids: &[String],
        playbook: &Playbook,
    ) -> Result<Plan, ServiceError> {
        let meta = PlanMeta {
            tenant: self.tenant.clone(),
            operator: self.operator.clone(),
            incident: None,
            delegated: self.delegated,
            created: chrono::Utc::now(),
        };
        let baseline = crate::snapshot::default_path(&self.tenant)
            .and_then(|p| crate::snapshot::Snapshot::load(&p).ok());
        make_plan_reusing(
            &self.client,
            account_ids,
            playbook,
            &meta,
            baseline.as_ref(),
            self.recent.as_ref(),
        )
        .await
        .map_err(ServiceError::from)
    }

    /// Writes the plan to [`plan_file_in`] (0600, in a 0700 dir) before anything is sent:
    /// if this console dies mid-apply, `reclaim apply FILE` finishes it from the journal.
    pub fn save_plan(&self, plan: &Plan) -> Result<PathBuf, ServiceError> {
        use std::os::unix::fs::DirBuilderExt;
        let path = plan_file_in(&self.audit_dir, &plan.id)
            .ok_or_else(|| ServiceError::PlanId(plan.id.clone()))?;
        let write = || -> Result<(), SaveError> {
            if let Some(dir) = path.parent() {
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)?;
            }
            Ok(plan.save(&path)?)
        };
        write().map_err(|source| ServiceError::SavePlan {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }

    /// Refused under `--read-only`. Secrets go to `sink` (the console shows them in a dialog).
    /// The console saves the plan first ([`Self::save_plan`]).
    pub async fn apply(
        &self,
        plan: &Plan,
        events: tokio::sync::mpsc::UnboundedSender<ApplyEvent>,
        sink: &dyn SecretSink,
    ) -> Result<ApplyReport, ServiceError> {
        if self.client.is_read_only() {
            return Err(ServiceError::ReadOnly("containment"));
        }
        let journal = Journal::open(
            &self.audit_dir,
            &self.tenant,
            &self.operator,
            self.store.clone(),
        )?;
        let opts = ApplyOptions {
            events: Some(events),
            ..ApplyOptions::default()
        };
        let r = apply(&self.client, &journal, plan, &opts, sink)
            .await
            .map_err(ServiceError::from);
        let _ = journal.close();
        // An account the tenant changed under is planned again from fresh reads, not from
        // the gather's facts the drifted plan was made from.
        if let (Ok(report), Some(recent)) = (&r, &self.recent) {
            for (acct, done) in plan.accounts.iter().zip(&report.accounts) {
                if matches!(done.outcome, crate::report::AccountOutcome::Drift { .. }) {
                    recent.forget(&acct.user_id);
                }
            }
        }
        r
    }

    /// Journals the operator's confirmation of a handed-over manual step (`reclaim ack`);
    /// sends nothing to Graph, so read-only mode allows it.
    pub async fn acknowledge(&self, step_id: &str, note: Option<&str>) -> Result<(), ServiceError> {
        let journal = Journal::open(
            &self.audit_dir,
            &self.tenant,
            &self.operator,
            self.store.clone(),
        )?;
        let r = super::exchange::acknowledge(&journal, step_id, note).await;
        let _ = journal.close();
        r.map_err(|e| match e {
            super::exchange::AcknowledgeError::Refused(e) => ServiceError::Ack(e),
            super::exchange::AcknowledgeError::Journal(e) => ServiceError::Audit(e),
        })
    }

    pub async fn undo(&self, step_id: &str) -> Result<Undone, ServiceError> {
        if self.client.is_read_only() {
            return Err(ServiceError::ReadOnly("undo"));
        }
        let journal = Journal::open(
            &self.audit_dir,
            &self.tenant,
            &self.operator,
            self.store.clone(),
        )?;
        let r = undo(&self.client, &journal, step_id)
            .await
            .map_err(ServiceError::from);
        let _ = journal.close();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::plan_file_in;

    #[test]
    fn a_plan_file_is_named_only_by_a_plain_id() {
        let dir = std::path::Path::new("/state/audit");
        assert_eq!(
            plan_file_in(dir, "0f8fad5b-d9cb-469f-a165-70867728950e"),
            Some(dir.join("plans/0f8fad5b-d9cb-469f-a165-70867728950e.json"))
        );
        for id in ["", "../../etc/x", "a/b", "p\u{1b}[2J", "p.json"] {
            assert_eq!(plan_file_in(dir, id), None, "{id:?}");
        }
    }
}
