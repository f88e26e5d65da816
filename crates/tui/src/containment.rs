//! The console's door to containment: [`Containment`] plans, applies and undoes, next to the
//! [`DataSource`] that reads (a source offers it through [`DataSource::containment`]).
//! Implemented over [`ContainmentService`] (Graph + the audit journal) by
//! [`ServiceContainment`], and by the fixture for tests.
//!
//! Like data loads, containment runs in spawned tasks: an apply reports each step through an
//! [`ApplyFeed`] as [`Action`]s, so the screen follows it live and never waits on Graph.
//! Generated secrets (a password, a TAP) travel as [`Secret`] (redacted `Debug`), go to the
//! progress screen and nowhere else.

use super::action::{Action, JobId};
use super::source::{AccountDetail, DataSource, Feed, JournalRow, SourceError, TenantInfo};
use futures::future::BoxFuture;
use reclaim_contain::action::ActionKind;
use reclaim_contain::apply::SecretSink;
use reclaim_contain::earlier::EarlierApplies;
use reclaim_contain::plan::Plan;
use reclaim_contain::playbook;
use reclaim_contain::report::{ApplyEvent, ApplyReport};
use reclaim_contain::service::ContainmentService;
use reclaim_contain::undo::Undone;
use reclaim_contain::undo_preview::UndoPreview;
use reclaim_core::secrets::Secret;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// Plans, applies and undoes containment for the console. Planning sends no mutating
/// request; `apply` and `undo` refuse under `--read-only`.
pub trait Containment: Send + Sync {
    /// Playbook names for `:playbook NAME` (the default, `contain-ato`, first).
    fn playbooks(&self) -> Vec<String>;

    /// A plan of `playbook` for these accounts (ids from `AccountAssessment::id`).
    fn plan<'a>(
        &'a self,
        account_ids: &'a [String],
        playbook: &'a str,
    ) -> BoxFuture<'a, Result<Plan, SourceError>>;

    /// Carries the plan out through the journal; every step's start and finish, and any
    /// secret shown once, go to `feed` as they happen.
    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        feed: ApplyFeed,
    ) -> BoxFuture<'a, Result<ApplyReport, SourceError>>;

    /// Reverses one applied step (its id from the journal) from its recorded pre-state.
    fn undo<'a>(&'a self, step_id: &'a str) -> BoxFuture<'a, Result<Undone, SourceError>>;

    /// What undoing the step would restore (or why it cannot be undone), read from the
    /// journal without sending anything: the undo confirmation shows it.
    fn undo_preview<'a>(
        &'a self,
        step_id: &'a str,
    ) -> BoxFuture<'a, Result<UndoPreview, SourceError>> {
        Box::pin(async move {
            Err(SourceError::new(format!(
                "this console cannot show what undoing step {step_id} would restore"
            )))
        })
    }

    /// Journals that the operator carried out a handed-over manual step (`reclaim ack`).
    fn acknowledge<'a>(&'a self, step_id: &'a str) -> BoxFuture<'a, Result<(), SourceError>> {
        Box::pin(async move {
            Err(SourceError::new(format!(
                "this console cannot acknowledge step {step_id}: use `reclaim ack {step_id}`"
            )))
        })
    }

    /// What earlier applies (any console or `reclaim apply`) left, from the journal: each
    /// account's mark, and the applies cut off before their end, so a console opened after
    /// a dropped session shows what is contained and how to finish the rest.
    fn earlier_applies(&self) -> BoxFuture<'_, Result<EarlierApplies, SourceError>> {
        Box::pin(async { Ok(EarlierApplies::default()) })
    }
}

/// Where a running apply reports to. Also the [`SecretSink`] the apply shows secrets on.
#[derive(Clone)]
pub struct ApplyFeed {
    tx: UnboundedSender<Action>,
    job: JobId,
}

impl ApplyFeed {
    pub fn new(tx: UnboundedSender<Action>, job: JobId) -> Self {
        Self { tx, job }
    }

    pub fn job(&self) -> JobId {
        self.job
    }

    pub fn event(&self, event: ApplyEvent) {
        let _ = self.tx.send(Action::ApplyProgress {
            job: self.job,
            event,
        });
    }

    /// The plan was saved to `path` before the apply started.
    pub fn plan_saved(&self, path: PathBuf) {
        let _ = self.tx.send(Action::PlanSaved {
            job: self.job,
            path,
        });
    }

    /// An unbounded channel of apply events forwarded to the console (what
    /// [`reclaim_contain::apply::ApplyOptions::events`] takes), and the task forwarding them.
    pub fn events(&self) -> (UnboundedSender<ApplyEvent>, tokio::task::JoinHandle<()>) {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<ApplyEvent>();
        let feed = self.clone();
        let task = tokio::spawn(async move {
            while let Some(e) = rx.recv().await {
                feed.event(e);
            }
        });
        (tx, task)
    }
}

impl SecretSink for ApplyFeed {
    fn show(&self, account: &str, step_id: &str, what: &str, secret: &str) {
        let _ = self.tx.send(Action::SecretShown {
            job: self.job,
            account: account.to_string(),
            step: step_id.to_string(),
            what: what.to_string(),
            secret: Secret::new(secret.to_string()),
        });
    }
}

/// [`Containment`] over Graph and the operator's audit journal.
pub struct ServiceContainment {
    pub service: ContainmentService,
    /// User playbooks (`playbooks/` in the config dir), besides the embedded ones.
    pub playbook_dir: Option<PathBuf>,
}

/// `revoke-sessions,disable-signin`: single actions instead of a playbook, if that is what
/// `name` lists.
pub fn parse_actions(name: &str) -> Option<Vec<ActionKind>> {
    name.split(',')
        .map(|a| ActionKind::parse(a.trim()).ok())
        .collect()
}

impl ServiceContainment {
    /// `f` over the tenant's journal records (and the audit dir), on the blocking pool:
    /// reading the whole journal blocks.
    fn read_journal<T: Send + 'static>(
        &self,
        f: impl FnOnce(&std::path::Path, &[reclaim_audit::Record]) -> T + Send + 'static,
    ) -> impl std::future::Future<Output = Result<T, SourceError>> + Send + 'static {
        let dir = self.service.audit_dir.clone();
        let tenant = self.service.tenant.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let path = reclaim_audit::journal_path(&dir, &tenant)?;
                let (records, _) = reclaim_audit::read_records(&path)?;
                Ok::<_, reclaim_audit::AuditError>(f(&dir, &records))
            })
            .await
            .map_err(|e| SourceError::new(format!("reading the journal failed: {e}")))?
            .map_err(|e| SourceError::new(e.to_string()))
        }
    }

    /// A playbook by name, or the single actions `name` lists (comma-separated).
    fn find(&self, name: &str) -> Result<playbook::Playbook, SourceError> {
        match playbook::find(name, self.playbook_dir.as_deref()) {
            Ok(pb) => Ok(pb),
            Err(e) => match parse_actions(name) {
                Some(actions) => playbook::Playbook::from_actions(&actions)
                    .map_err(|e| SourceError::new(e.to_string())),
                None => Err(SourceError::new(e.to_string())),
            },
        }
    }
}

impl Containment for ServiceContainment {
    fn playbooks(&self) -> Vec<String> {
        let mut names: Vec<String> = playbook::load_all(self.playbook_dir.as_deref())
            .map(|all| all.playbooks.into_keys().collect())
            .unwrap_or_default();
        // The default first: it is what `p` plans.
        names.retain(|n| n != playbook::DEFAULT_PLAYBOOK);
        names.insert(0, playbook::DEFAULT_PLAYBOOK.to_string());
        names
    }

    fn plan<'a>(
        &'a self,
        account_ids: &'a [String],
        playbook: &'a str,
    ) -> BoxFuture<'a, Result<Plan, SourceError>> {
        Box::pin(async move {
            let pb = self.find(playbook)?;
            self.service
                .plan(account_ids, &pb)
                .await
                .map_err(SourceError::from)
        })
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        feed: ApplyFeed,
    ) -> BoxFuture<'a, Result<ApplyReport, SourceError>> {
        Box::pin(async move {
            if !self.service.client.is_read_only() {
                let path = self.service.save_plan(plan)?;
                feed.plan_saved(path);
            }
            let (events, forward) = feed.events();
            let result = self.service.apply(plan, events, &feed).await;
            // Every step event reaches the console before the final report.
            let _ = forward.await;
            result.map_err(SourceError::from)
        })
    }

    fn undo<'a>(&'a self, step_id: &'a str) -> BoxFuture<'a, Result<Undone, SourceError>> {
        Box::pin(async move { Ok(self.service.undo(step_id).await?) })
    }

    fn undo_preview<'a>(
        &'a self,
        step_id: &'a str,
    ) -> BoxFuture<'a, Result<UndoPreview, SourceError>> {
        let step = step_id.to_string();
        Box::pin(
            self.read_journal(move |_, records| {
                reclaim_contain::undo_preview::preview(records, &step)
            }),
        )
    }

    fn earlier_applies(&self) -> BoxFuture<'_, Result<EarlierApplies, SourceError>> {
        Box::pin(self.read_journal(|dir, records| EarlierApplies::read(records, dir)))
    }

    fn acknowledge<'a>(&'a self, step_id: &'a str) -> BoxFuture<'a, Result<(), SourceError>> {
        Box::pin(async move { Ok(self.service.acknowledge(step_id, None).await?) })
    }
}

/// A [`DataSource`] with containment: reads go to `inner`, [`DataSource::containment`]
/// returns `containment`.
pub struct WithContainment<S> {
    pub inner: S,
    pub containment: Arc<dyn Containment>,
}

impl<S: DataSource> DataSource for WithContainment<S> {
    fn tenant(&self) -> TenantInfo {
        self.inner.tenant()
    }

    fn load_accounts(&self, feed: Feed) -> BoxFuture<'_, Result<(), SourceError>> {
        self.inner.load_accounts(feed)
    }

    fn load_detail<'a>(
        &'a self,
        account_id: &'a str,
        feed: Feed,
    ) -> BoxFuture<'a, Result<AccountDetail, SourceError>> {
        self.inner.load_detail(account_id, feed)
    }

    fn load_journal(&self, feed: Feed) -> BoxFuture<'_, Result<Vec<JournalRow>, SourceError>> {
        self.inner.load_journal(feed)
    }

    fn watch_journal(&self, feed: Feed) -> BoxFuture<'_, Result<(), SourceError>> {
        self.inner.watch_journal(feed)
    }

    fn containment(&self) -> Option<Arc<dyn Containment>> {
        Some(self.containment.clone())
    }
}
