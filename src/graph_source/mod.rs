//! The console's [`DataSource`] over the Graph client: the accounts table streams from
//! `gather`, the detail tabs come from the facts it read (methods fetched on demand where the
//! gather skipped them, everything read afresh for an account it never saw), the audit view
//! from the tenant's journal.

mod app_rows;
pub mod detail;

use self::detail::account_detail;
use futures::future::BoxFuture;
use reclaim_graph::progress::{Progress, ProgressEvent};
use reclaim_graph::GraphClient;
use reclaim_triage::assess::assess;
use reclaim_triage::convert;
use reclaim_triage::facts::{AccountFacts, SourceState};
use reclaim_triage::gather::{self, GatherEvent, GatherOptions, RecentFacts};
use reclaim_triage::indicators::TenantContext;
use reclaim_triage::model::AccountAssessment;
use reclaim_triage::pack::Pack;
use reclaim_tui::source::{AccountDetail, DataSource, Feed, JournalRow, SourceError, TenantInfo};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// What the last gather learned, for the detail view.
#[derive(Default)]
struct Cache {
    facts: HashMap<String, AccountFacts>,
    context: TenantContext,
}

/// Where throttle waits go: the feed of the load running now.
pub type ThrottleSlot = Arc<Mutex<Option<Feed>>>;

pub struct TriageSource {
    client: GraphClient,
    pack: Arc<Pack>,
    opts: GatherOptions,
    info: TenantInfo,
    audit_dir: Option<PathBuf>,
    throttle: ThrottleSlot,
    cache: Arc<Mutex<Cache>>,
    /// The journal's tenant name when it differs from the client's (the token's tenant id).
    journal_tenant: Option<String>,
    /// The tenant's audit key: the live view then checks MACs as well as the chain.
    journal_key: Option<reclaim_audit::key::AuditKey>,
    /// What the gather read, shared with the planner so a plan does not read it again.
    recent: RecentFacts,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Client options whose progress hook reports throttle waits to whichever load is running.
pub fn throttle_progress() -> (Progress, ThrottleSlot) {
    let slot: ThrottleSlot = Arc::new(Mutex::new(None));
    let hooked = slot.clone();
    let progress = Progress::with_hook(Arc::new(move |e| {
        let Some(feed) = lock(&hooked).clone() else {
            return;
        };
        match e {
            // The gather pacing itself is its own business (its progress shows); the operator
            // hears when it steps aside for them, and when their own work waits.
            ProgressEvent::ThrottleWait {
                yielded: true,
                wait,
                ..
            } => feed.yielded(*wait),
            ProgressEvent::ThrottleWait {
                background: false,
                wait,
                ..
            }
            | ProgressEvent::Retry { wait, .. } => feed.throttled(*wait),
            _ => {}
        }
    }));
    (progress, slot)
}

impl TriageSource {
    /// `throttle` is the slot from [`throttle_progress`] whose `Progress` the client was built
    /// with (or a fresh slot, if throttle waits need not show).
    pub fn new(
        client: GraphClient,
        pack: Arc<Pack>,
        opts: GatherOptions,
        info: TenantInfo,
        audit_dir: Option<PathBuf>,
        throttle: ThrottleSlot,
    ) -> Self {
        Self {
            client,
            pack,
            opts,
            info,
            audit_dir,
            throttle,
            cache: Arc::new(Mutex::new(Cache::default())),
            journal_tenant: None,
            journal_key: None,
            recent: RecentFacts::default(),
        }
    }

    /// Shares what the gather reads with `recent` (the containment service's).
    pub fn with_recent(mut self, recent: RecentFacts) -> Self {
        self.recent = recent;
        self
    }

    /// Reads the journal the containment service writes: `tenant` names its file, `key`
    /// (if the keyring has it) authenticates its records in the live view.
    pub fn with_journal(
        mut self,
        tenant: String,
        key: Option<reclaim_audit::key::AuditKey>,
    ) -> Self {
        self.journal_tenant = Some(tenant);
        self.journal_key = key;
        self
    }

    fn journal_tenant(&self) -> String {
        self.journal_tenant
            .clone()
            .unwrap_or_else(|| self.client.authenticator().tenant().to_string())
    }

    async fn accounts(&self, feed: Feed) -> Result<(), SourceError> {
        *lock(&self.throttle) = Some(feed.clone());
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let forward = {
            let feed = feed.clone();
            tokio::spawn(async move {
                while let Some(e) = rx.recv().await {
                    match e {
                        GatherEvent::Accounts(list) => feed.accounts(list),
                        GatherEvent::Progress { phase, done, total } => {
                            feed.progress(phase, done, total)
                        }
                        GatherEvent::Warning(w) => {
                            tracing::warn!(target: "triage", "{}", reclaim_core::sanitize::inert(&w))
                        }
                    }
                }
            })
        };
        // Background work: the operator's reads, plans and applies go first in every
        // throttle scope (docs/throttling.md).
        let client = self.client.background();
        // The responder opened the console to act: the top account's history (four reports
        // reads) should not wait a whole window behind the gather's first reports reads.
        // Identity Protection is not held: the accounts table comes from it.
        client.hold_for_operator(&reclaim_graph::throttle::ThrottleScope::Reports);
        let result = gather::gather(&client, self.pack.clone(), self.opts.clone(), Some(tx)).await;
        let _ = forward.await;
        *lock(&self.throttle) = None;
        let got = result.map_err(|e| SourceError::new(e.to_string()))?;
        // The final ranking (every account, each with its last assessment).
        feed.accounts(got.accounts.clone());
        let now = got.context.now.unwrap_or_else(chrono::Utc::now);
        self.recent
            .record_all(&got.facts, &got.context, now - self.opts.since);
        let mut cache = lock(&self.cache);
        cache.facts = got.facts;
        cache.context = got.context;
        // The status line says what the verdicts were made without (a licence is the
        // tenant's, not a failure), then what was only partly read.
        // Paging totals first: nothing is cut short unseen.
        let mut notes = vec![reclaim_triage::output::reads_summary(&got.reads)];
        if !got.unavailable.is_empty() {
            let lines = reclaim_triage::output::unavailable_lines(&got.unavailable);
            notes.push(format!("unavailable: {}", lines.join("; ")));
        }
        if !got.complete {
            let note = if got.warnings.is_empty() {
                "some sources were not fully read".to_string()
            } else {
                got.warnings.join("; ")
            };
            notes.push(format!("partial: {note}"));
        }
        if !notes.is_empty() {
            feed.progress(notes.join(" | "), 0, None);
        }
        Ok(())
    }

    async fn detail(&self, id: &str, feed: Feed) -> Result<AccountDetail, SourceError> {
        let cached = {
            let c = lock(&self.cache);
            c.facts.get(id).cloned().map(|f| (f, c.context.clone()))
        };
        let (facts, context) = match cached {
            Some((mut facts, context)) => {
                if !facts.coverage.methods.is_complete()
                    || matches!(facts.coverage.methods, SourceState::Unavailable(_))
                        && facts.methods.is_empty()
                        && !facts.profile.deleted
                {
                    feed.progress("authentication methods", 0, Some(1));
                    match self.client.list_methods(id).collect().await {
                        Ok(list) => {
                            facts.methods = list.items.iter().map(convert::method).collect();
                            facts.coverage.methods = match &list.partial {
                                None => SourceState::Complete,
                                Some(why) => SourceState::Partial(why.to_string()),
                            };
                        }
                        Err(e) => facts.coverage.methods = SourceState::Failed(e.to_string()),
                    }
                    lock(&self.cache)
                        .facts
                        .insert(id.to_string(), facts.clone());
                }
                (facts, context)
            }
            None => {
                feed.progress("account", 0, Some(1));
                let opts = GatherOptions {
                    methods_for_all: true,
                    ..self.opts.clone()
                };
                let inv = gather::investigate(&self.client, self.pack.clone(), opts, id)
                    .await
                    .map_err(|e| SourceError::new(e.to_string()))?;
                let context = TenantContext {
                    now: self.opts.now.or(Some(chrono::Utc::now())),
                    ..TenantContext::default()
                };
                // Opened while the gather still runs: a plan of it reuses this investigation.
                let since = context.now.unwrap_or_else(chrono::Utc::now) - self.opts.since;
                self.recent.record(id, &inv.facts, &context, since);
                lock(&self.cache)
                    .facts
                    .insert(id.to_string(), inv.facts.clone());
                (inv.facts, context)
            }
        };
        let assessment: AccountAssessment = assess(&facts, &self.pack, &context);
        feed.accounts(vec![assessment.clone()]);
        Ok(account_detail(&assessment, &facts))
    }

    fn journal(&self) -> Result<Vec<JournalRow>, SourceError> {
        let Some(dir) = self
            .audit_dir
            .clone()
            .or_else(reclaim_audit::default_audit_dir)
        else {
            return Ok(Vec::new());
        };
        let tenant = self.journal_tenant();
        let records = reclaim_audit::load_timeline(&dir, &tenant, None)
            .map_err(|e| SourceError::new(e.to_string()))?;
        Ok(records.iter().map(JournalRow::from_record).collect())
    }
}

impl DataSource for TriageSource {
    fn tenant(&self) -> TenantInfo {
        self.info.clone()
    }

    fn load_accounts(&self, feed: Feed) -> BoxFuture<'_, Result<(), SourceError>> {
        Box::pin(self.accounts(feed))
    }

    fn load_detail<'a>(
        &'a self,
        account_id: &'a str,
        feed: Feed,
    ) -> BoxFuture<'a, Result<AccountDetail, SourceError>> {
        Box::pin(self.detail(account_id, feed))
    }

    fn load_journal(&self, _feed: Feed) -> BoxFuture<'_, Result<Vec<JournalRow>, SourceError>> {
        Box::pin(async move { self.journal() })
    }

    /// Follows the tenant's journal file: records appended by any writer appear live.
    fn watch_journal(&self, feed: Feed) -> BoxFuture<'_, Result<(), SourceError>> {
        Box::pin(async move {
            let Some(dir) = self
                .audit_dir
                .clone()
                .or_else(reclaim_audit::default_audit_dir)
            else {
                feed.journal(Vec::new());
                return Ok(());
            };
            let tenant = self.journal_tenant();
            let path = reclaim_audit::journal_path(&dir, &tenant)
                .map_err(|e| SourceError::new(e.to_string()))?;
            reclaim_tui::journal_watch::follow(
                path,
                Some(tenant),
                self.journal_key.clone(),
                feed,
                reclaim_tui::journal_watch::POLL_INTERVAL,
            )
            .await
        })
    }
}
