//! Background jobs: one slot per pane, a newer job aborts (or, for a blocking filter scan,
//! cancels) the older one, and a panicking job reports a failure instead of leaving its pane
//! loading forever.

use super::action::{Action, JobId, OpenedTenant, Pane};
use super::containment::ApplyFeed;
use super::filter::{Filter, SearchIndex};
use super::reducer::Request;
use super::source::{DataSource, Feed, TenantDirectory};
use futures::FutureExt as _;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

pub(crate) struct Jobs {
    tx: UnboundedSender<Action>,
    slots: HashMap<Pane, JoinHandle<()>>,
    timers: Vec<JoinHandle<()>>,
    /// Cancels the running filter scan (a blocking task cannot be aborted).
    filter_cancel: Arc<AtomicBool>,
}

impl Jobs {
    pub(crate) fn new(tx: UnboundedSender<Action>) -> Jobs {
        Jobs {
            tx,
            slots: HashMap::new(),
            timers: Vec::new(),
            filter_cancel: Arc::default(),
        }
    }

    pub(crate) fn spawn(
        &mut self,
        source: &Arc<dyn DataSource>,
        tenants: &Option<Arc<dyn TenantDirectory>>,
        job: JobId,
        request: Request,
    ) {
        let tx = self.tx.clone();
        let source = source.clone();
        let tenants = tenants.clone();
        let pane = request.pane();
        let failed = failure(job, &request);
        let handle = tokio::spawn(async move {
            let work = perform(source, tenants, job, request, tx.clone());
            // A bug in a data source must not leave a pane loading forever.
            let action = AssertUnwindSafe(work)
                .catch_unwind()
                .await
                .unwrap_or(failed);
            let _ = tx.send(action);
        });
        if let Some(old) = self.slots.insert(pane, handle) {
            old.abort();
        }
    }

    /// Filters on the blocking pool; a newer filter cancels the scan in progress.
    pub(crate) fn filter(
        &mut self,
        job: JobId,
        filter: Filter,
        index: Arc<SearchIndex>,
        previous: Option<(Filter, Vec<bool>)>,
    ) {
        self.filter_cancel.store(true, Ordering::Relaxed);
        let cancel = Arc::new(AtomicBool::new(false));
        self.filter_cancel = cancel.clone();
        let tx = self.tx.clone();
        let handle = tokio::task::spawn_blocking(move || {
            let previous = previous.as_ref().map(|(f, h)| (f, h.as_slice()));
            if let Some(hits) = index.matches_until(&filter, previous, &cancel) {
                let _ = tx.send(Action::FilterDone { job, filter, hits });
            }
        });
        if let Some(old) = self.slots.insert(Pane::Filter, handle) {
            old.abort();
        }
    }

    pub(crate) fn cancel(&mut self, pane: Pane) {
        if pane == Pane::Filter {
            self.filter_cancel.store(true, Ordering::Relaxed);
        }
        if let Some(old) = self.slots.remove(&pane) {
            old.abort();
        }
    }

    pub(crate) fn timer(&mut self, seq: u64, wait: Duration) {
        let tx = self.tx.clone();
        self.timers.retain(|t| !t.is_finished());
        self.timers.push(tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            let _ = tx.send(Action::ThrottleOver { seq });
        }));
    }

    pub(crate) fn abort_all(&mut self) {
        self.filter_cancel.store(true, Ordering::Relaxed);
        for (_, h) in self.slots.drain() {
            h.abort();
        }
        for t in self.timers.drain(..) {
            t.abort();
        }
    }
}

/// Carries out one request and returns the action that reports its result; along the way
/// it sends progress (and, for an apply, step events and secrets) to `tx`. What the event
/// loop's tasks run, and what tests drive synchronously.
pub async fn perform(
    source: Arc<dyn DataSource>,
    tenants: Option<Arc<dyn TenantDirectory>>,
    job: JobId,
    request: Request,
    tx: UnboundedSender<Action>,
) -> Action {
    let feed = Feed::new(tx.clone(), job);
    match request {
        Request::Accounts => {
            // What earlier applies left, read from the journal beside the accounts.
            let marks = async {
                let Some(c) = source.containment() else {
                    return;
                };
                match c.earlier_applies().await {
                    Ok(earlier) if earlier != Default::default() => {
                        let _ = tx.send(Action::EarlierApplies { job, earlier });
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e.message, "cannot read earlier applies"),
                }
            };
            let (result, ()) = futures::join!(source.load_accounts(feed), marks);
            Action::AccountsDone {
                job,
                result: result.map_err(|e| e.message),
            }
        }
        Request::Detail(id) => {
            let result = source.load_detail(&id, feed).await;
            Action::DetailLoaded {
                job,
                account_id: id,
                result: result.map(Box::new).map_err(|e| e.message),
            }
        }
        // Rows stream through the feed (live, until the job is cancelled); the end, or why
        // the journal could not be read on, comes last.
        Request::Journal => Action::JournalLoaded {
            job,
            result: source
                .watch_journal(feed)
                .await
                .map(|()| Vec::new())
                .map_err(|e| e.message),
        },
        Request::Tenant(name) => {
            let result = match &tenants {
                None => Err("no tenant profiles are configured".to_string()),
                Some(dir) => {
                    dir.open(&name)
                        .await
                        .map_err(|e| e.message)
                        .map(|source| OpenedTenant {
                            info: source.tenant(),
                            source,
                        })
                }
            };
            Action::TenantOpened { job, result }
        }
        Request::Plan {
            account_ids,
            playbook,
        } => Action::PlanReady {
            job,
            result: match source.containment() {
                None => Err(NO_CONTAINMENT.to_string()),
                Some(c) => c
                    .plan(&account_ids, &playbook)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.message),
            },
        },
        Request::Apply(plan) => Action::ApplyDone {
            job,
            result: match source.containment() {
                None => Err(NO_CONTAINMENT.to_string()),
                Some(c) => c
                    .apply(&plan, ApplyFeed::new(tx, job))
                    .await
                    .map(Box::new)
                    .map_err(|e| e.message),
            },
        },
        Request::Undo(step) => {
            let result = match source.containment() {
                None => Err(NO_CONTAINMENT.to_string()),
                Some(c) => c.undo(&step).await.map(Box::new).map_err(|e| e.message),
            };
            Action::UndoDone { job, step, result }
        }
        Request::Ack(step) => {
            let result = match source.containment() {
                None => Err(NO_CONTAINMENT.to_string()),
                Some(c) => c.acknowledge(&step).await.map_err(|e| e.message),
            };
            Action::AckDone { job, step, result }
        }
        Request::UndoPreview(step) => Action::UndoPreviewReady {
            job,
            result: match source.containment() {
                None => Err(NO_CONTAINMENT.to_string()),
                Some(c) => c
                    .undo_preview(&step)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.message),
            },
        },
    }
}

/// What a job reports if it panics.
fn failure(job: JobId, request: &Request) -> Action {
    let e = "internal error in the data source (see the log)".to_string();
    match request {
        Request::Accounts => Action::AccountsDone {
            job,
            result: Err(e),
        },
        Request::Detail(id) => Action::DetailLoaded {
            job,
            account_id: id.clone(),
            result: Err(e),
        },
        Request::Journal => Action::JournalLoaded {
            job,
            result: Err(e),
        },
        Request::Tenant(_) => Action::TenantOpened {
            job,
            result: Err(e),
        },
        Request::Plan { .. } => Action::PlanReady {
            job,
            result: Err(e),
        },
        Request::Apply(_) => Action::ApplyDone {
            job,
            result: Err(e),
        },
        Request::Undo(step) => Action::UndoDone {
            job,
            step: step.clone(),
            result: Err(e),
        },
        Request::UndoPreview(_) => Action::UndoPreviewReady {
            job,
            result: Err(e),
        },
        Request::Ack(step) => Action::AckDone {
            job,
            step: step.clone(),
            result: Err(e),
        },
    }
}

const NO_CONTAINMENT: &str = "containment is not available for this tenant";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{AccountDetail, JournalRow, SourceError, TenantInfo};
    use futures::future::BoxFuture;
    use tokio::sync::mpsc;

    struct Buggy;

    impl DataSource for Buggy {
        fn tenant(&self) -> TenantInfo {
            TenantInfo::default()
        }
        fn load_accounts(&self, _feed: Feed) -> BoxFuture<'_, Result<(), SourceError>> {
            Box::pin(async { Ok(()) })
        }
        fn load_detail<'a>(
            &'a self,
            _id: &'a str,
            _feed: Feed,
        ) -> BoxFuture<'a, Result<AccountDetail, SourceError>> {
            Box::pin(async { panic!("bug in a data source") })
        }
        fn load_journal(&self, _feed: Feed) -> BoxFuture<'_, Result<Vec<JournalRow>, SourceError>> {
            Box::pin(async { Ok(vec![]) })
        }
    }

    #[tokio::test]
    async fn a_panicking_job_reports_failure_instead_of_hanging() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut jobs = Jobs {
            tx,
            slots: HashMap::new(),
            timers: Vec::new(),
            filter_cancel: Arc::default(),
        };
        let source: Arc<dyn DataSource> = Arc::new(Buggy);
        jobs.spawn(&source, &None, JobId(7), Request::Detail("u1".into()));
        match rx.recv().await {
            Some(Action::DetailLoaded {
                job,
                result: Err(e),
                ..
            }) => {
                assert_eq!(job, JobId(7));
                assert!(e.contains("internal error"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_newer_job_aborts_the_older_one() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut jobs = Jobs {
            tx,
            slots: HashMap::new(),
            timers: Vec::new(),
            filter_cancel: Arc::default(),
        };
        let source: Arc<dyn DataSource> = Arc::new(Buggy);
        jobs.spawn(&source, &None, JobId(1), Request::Journal);
        jobs.spawn(&source, &None, JobId(2), Request::Journal);
        // The default watch reads once: its rows, then the end of the job.
        let first = rx.recv().await;
        assert!(
            matches!(first, Some(Action::JournalAppended { job: JobId(2), .. })),
            "{first:?}"
        );
        let end = rx.recv().await;
        assert!(
            matches!(end, Some(Action::JournalLoaded { job: JobId(2), .. })),
            "{end:?}"
        );
        tokio::task::yield_now().await;
        assert!(rx.try_recv().is_err(), "the aborted job still reported");
    }
}
