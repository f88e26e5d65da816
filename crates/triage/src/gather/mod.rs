//! Gathering: the fetch order is designed around Graph's throttle budgets.
//!
//! 1. Tenant-wide first, each budget working in parallel:
//!    - Identity Protection (1 request/s per tenant): every risky user in every state, then the
//!      window's risk detections (500 a page).
//!    - Reports (5 requests/10 s): directory audits by activity (security-info changes, their
//!      `Update user` twins with old and new values, consents), then the window's sign-ins
//!      (1,000 a page, beta for the ASN), from which only accounts with a campaign trace are
//!      kept.
//!    - Directory (resource units, generous): profiles and roles of each candidate as soon as
//!      it is known, so the first screen (risky users with names, titles, roles) comes within
//!      seconds even when the sign-in log of a 100,000-user tenant takes minutes.
//! 2. Per-user detail only for the shortlist, most urgent first: inbox rules and folders
//!    (Outlook, per mailbox, so many mailboxes in parallel), OAuth grants (directory), and
//!    authentication methods (reports budget: only for accounts whose audit log shows MFA
//!    changes in the window or that have attacker sign-ins; nothing else can tie a method to
//!    the attacker).
//!
//! Everything streams: each stage and each account reassessed is sent as it happens. Nothing
//! is truncated silently: a source that stopped early marks the accounts it covers partial
//! and adds a warning.

mod app_consents;
mod domains;
mod footholds;
mod one;
mod passes;
mod per_user;
mod refresh;

pub use domains::verified_domains;
pub use one::{investigate, investigate_knowing, Investigation, KnownReads};
pub use refresh::{refresh, RecentFacts, FRESH_FOR};

use super::collector::{Collector, Reason, Source};
use super::facts::{AccountFacts, SourceState, Time};
use super::indicators::TenantContext;
use super::model::AccountAssessment;
use super::pack::Pack;
use futures::StreamExt;
use reclaim_graph::{GraphClient, GraphError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::UnboundedSender;

/// How to gather.
#[derive(Debug, Clone)]
pub struct GatherOptions {
    /// How far back to read sign-ins, audits and detections.
    pub since: chrono::Duration,
    /// The instant to judge for (default: now).
    pub now: Option<Time>,
    /// Accounts whose detail is fetched at once.
    pub concurrency: usize,
    /// Read sign-ins from the beta endpoint (ASN, network names); v1.0 otherwise.
    pub beta_sign_ins: bool,
    /// Read authentication methods for every shortlisted account, not only those with MFA
    /// changes in the window or attacker sign-ins.
    pub methods_for_all: bool,
    /// Sign-in and audit ranges the service fails on are split down to this length; a range
    /// that still fails is reported as not read.
    pub split_floor: chrono::Duration,
}

impl Default for GatherOptions {
    fn default() -> Self {
        Self {
            since: chrono::Duration::days(14),
            now: None,
            concurrency: 8,
            beta_sign_ins: true,
            methods_for_all: false,
            split_floor: reclaim_graph::log_reader::DEFAULT_FLOOR,
        }
    }
}

/// What a running gather reports.
#[derive(Debug, Clone, PartialEq)]
pub enum GatherEvent {
    Progress {
        phase: String,
        done: u64,
        total: Option<u64>,
    },
    /// Accounts assessed or reassessed (upsert by id).
    Accounts(Vec<AccountAssessment>),
    Warning(String),
}

/// The result of a gather.
#[derive(Debug, Clone)]
pub struct Gathered {
    pub tenant: String,
    /// Ranked, highest score first.
    pub accounts: Vec<AccountAssessment>,
    pub facts: HashMap<String, AccountFacts>,
    /// What the judgement knew of the tenant (its domains, the instant judged for).
    pub context: TenantContext,
    pub warnings: Vec<String>,
    /// Permissions a source lacked (CLI exit 4).
    pub missing_permissions: Vec<String>,
    /// Every source read in full.
    pub complete: bool,
    /// Sources that could not be read, and why.
    pub unavailable: Vec<crate::model::Unavailable>,
    /// How much of each tenant-wide source was read (records, pages, splits, restarts).
    pub reads: Vec<crate::model::SourceRead>,
}

/// State shared by the concurrent passes. Locks are never held across an await.
pub(crate) struct Shared {
    pub collector: Mutex<Collector>,
    events: Option<UnboundedSender<GatherEvent>>,
    warnings: Mutex<Vec<String>>,
    missing: Mutex<Vec<String>>,
    /// Sources that could not be read, one entry per source (the first failure's reason).
    unavailable: Mutex<Vec<crate::model::Unavailable>>,
    /// What each tenant-wide pass read, in the order they finished.
    reads: Mutex<Vec<crate::model::SourceRead>>,
    /// Per-account failures by source: the first is a warning, the rest are counted.
    failures: Mutex<HashMap<String, usize>>,
    pub since: Time,
    pub opts: GatherOptions,
    /// The account's methods, already listed by the caller (`plan` reads them for its
    /// state): used instead of listing them again under the reports budget.
    pub known_methods: Option<Vec<reclaim_graph::models::AuthenticationMethod>>,
    /// The inbox rules, likewise (`Some(None)`: no mailbox).
    pub known_rules: Option<Option<Vec<reclaim_graph::models::MessageRule>>>,
    /// The account's delegated grants, likewise.
    pub known_grants: Option<Vec<reclaim_graph::models::OAuth2PermissionGrant>>,
    /// The token's claims: a 403 despite a granted permission is a missing Entra role.
    pub claims: Option<reclaim_graph::auth::claims::TokenClaims>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock poisons it; the data is still consistent enough to
    // report what was gathered.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    pub fn emit(&self, e: GatherEvent) {
        if let Some(tx) = &self.events {
            let _ = tx.send(e);
        }
    }

    pub fn progress(&self, phase: &str, done: u64, total: Option<u64>) {
        self.emit(GatherEvent::Progress {
            phase: phase.to_string(),
            done,
            total,
        });
    }

    pub fn warn(&self, msg: String) {
        tracing::warn!(target: "triage", "{}", reclaim_core::sanitize::inert(&msg));
        self.emit(GatherEvent::Warning(msg.clone()));
        lock(&self.warnings).push(msg);
    }

    /// Records a failed source; the state to mark the covered accounts with.
    pub fn failed(&self, what: &str, e: &GraphError) -> SourceState {
        if let GraphError::MissingPermission { permissions, .. } = e {
            let mut m = lock(&self.missing);
            for p in permissions {
                if !m.contains(p) {
                    m.push(p.clone());
                }
            }
        }
        {
            let mut u = lock(&self.unavailable);
            if !u.iter().any(|x| x.source == what) {
                u.push(crate::model::Unavailable {
                    source: what.to_string(),
                    reason: reclaim_graph::licence::reason(e, self.claims.as_ref()).to_string(),
                    detail: reclaim_core::sanitize::inert(&e.to_string()).into_owned(),
                });
            }
        }
        if e.is_unlicensed() {
            // The tenant's licence, not a failure: said in `unavailable` (and the console's
            // status line), judged from the rest, and no reason for a partial exit.
            self.emit(GatherEvent::Warning(format!(
                "{what}: not included in the tenant's licence"
            )));
            return SourceState::Unavailable(format!(
                "{} ({})",
                crate::facts::UNLICENSED_NOTE,
                e.code().unwrap_or("403")
            ));
        }
        let first = {
            let mut f = lock(&self.failures);
            let n = f.entry(what.to_string()).or_default();
            *n += 1;
            *n == 1
        };
        if first {
            self.warn(format!("{what}: {e}"));
        }
        SourceState::Failed(e.to_string())
    }

    /// Records what a pass read.
    pub fn read(&self, r: crate::model::SourceRead) {
        lock(&self.reads).push(r);
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut Collector) -> R) -> R {
        f(&mut lock(&self.collector))
    }

    /// Assesses these accounts and sends them.
    pub fn publish(&self, ids: &[String]) {
        let list: Vec<AccountAssessment> =
            self.with(|c| ids.iter().filter_map(|id| c.assess(id)).collect());
        if !list.is_empty() {
            self.emit(GatherEvent::Accounts(list));
        }
    }
}

/// Gathers and judges the tenant's risky accounts, streaming into `events` as it goes.
///
/// Fails only when nothing at all could be read; anything less is a partial result with
/// warnings.
pub async fn gather(
    client: &GraphClient,
    pack: Arc<Pack>,
    opts: GatherOptions,
    events: Option<UnboundedSender<GatherEvent>>,
) -> Result<Gathered, GraphError> {
    let now = opts.now.unwrap_or_else(chrono::Utc::now);
    let since = now - opts.since;
    let domains = domains::verified_domains(client).await;
    let tenant = TenantContext {
        internal_domains: domains.as_ref().cloned().unwrap_or_default(),
        now: Some(now),
    };
    let sh = Arc::new(Shared {
        collector: Mutex::new(Collector::new(pack, tenant, since)),
        events,
        warnings: Mutex::new(Vec::new()),
        missing: Mutex::new(Vec::new()),
        unavailable: Mutex::new(Vec::new()),
        reads: Mutex::new(Vec::new()),
        failures: Mutex::new(HashMap::new()),
        since,
        opts: opts.clone(),
        known_methods: None,
        known_rules: None,
        known_grants: None,
        claims: client.claims().await.ok().flatten(),
    });
    if let Err(e) = &domains {
        sh.failed(domains::SOURCE, e);
    }

    // Reports in the background while Identity Protection and the directory give the first
    // screen.
    let reports = {
        let (client, sh) = (client.clone(), sh.clone());
        tokio::spawn(async move {
            let mut early = None;
            let r = passes::reports(&client, &sh, || early = first_from_audits(&client, &sh)).await;
            if let Some(task) = early {
                let _ = task.await;
            }
            r
        })
    };
    let risky_ok = passes::risky_users(client, &sh).await;
    let first: Vec<String> = sh.with(|c| c.shortlist());
    per_user::profiles(client, &sh, &first).await;
    sh.publish(&first);
    let detections_ok = passes::detections(client, &sh).await;

    let reports_ok = match reports.await {
        Ok(r) => {
            mark_all(&sh, Source::Audits, r.audits);
            mark_all(&sh, Source::SignIns, r.sign_ins);
            r.read_something
        }
        Err(e) => {
            let why = format!("the sign-in and audit reader stopped: {e}");
            sh.warn(why.clone());
            mark_all(&sh, Source::Audits, SourceState::Failed(why.clone()));
            mark_all(&sh, Source::SignIns, SourceState::Failed(why));
            false
        }
    };
    if !risky_ok && !detections_ok && !reports_ok {
        let missing = lock(&sh.missing).clone();
        let warnings = lock(&sh.warnings).join("; ");
        return Err(if missing.is_empty() {
            GraphError::Invalid(format!("nothing could be read: {warnings}"))
        } else {
            GraphError::MissingPermission {
                capability: "triage".into(),
                permissions: missing,
                message: warnings,
                ids: Default::default(),
            }
        });
    }

    // Shortlist: everyone with a reason, most urgent first.
    sh.with(|c| c.settle_sign_ins());
    let new: Vec<String> = sh.with(|c| c.unread_profiles());
    per_user::profiles(client, &sh, &new).await;
    let shortlist: Vec<String> = sh.with(|c| c.shortlist());
    sh.publish(&shortlist);

    let total = shortlist.len() as u64;
    let done = Arc::new(std::sync::atomic::AtomicU64::new(0));
    futures::stream::iter(shortlist.iter().cloned())
        .map(|id| {
            let (client, sh, done) = (client.clone(), sh.clone(), done.clone());
            async move {
                per_user::detail(&client, &sh, &id).await;
                sh.publish(std::slice::from_ref(&id));
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                sh.progress("account detail", n, Some(total));
            }
        })
        .buffer_unordered(sh.opts.concurrency.max(1))
        .collect::<Vec<()>>()
        .await;

    let tenant = client.authenticator().tenant().to_string();
    for (what, n) in lock(&sh.failures).iter().filter(|(_, n)| **n > 1) {
        lock(&sh.warnings).push(format!("{what}: failed for {n} accounts in all"));
    }
    let warnings = lock(&sh.warnings).clone();
    let missing_permissions = lock(&sh.missing).clone();
    let unavailable = lock(&sh.unavailable).clone();
    let reads = lock(&sh.reads).clone();
    let Ok(shared) = Arc::try_unwrap(sh) else {
        // Every task above has finished, so this is the last reference.
        return Err(GraphError::Invalid("gather tasks still running".into()));
    };
    let collector = shared
        .collector
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    let accounts = collector.assess_all();
    let context = collector.tenant().clone();
    let complete = warnings.is_empty()
        && accounts.iter().all(|a| a.complete)
        && missing_permissions.is_empty();
    Ok(Gathered {
        tenant,
        accounts,
        facts: collector.into_facts(),
        context,
        warnings,
        missing_permissions,
        complete,
        unavailable,
        reads,
    })
}

/// The console's rows for the accounts the audits flagged (security-info changes and
/// consents), shown once the audits are read instead of after the sign-in log.
/// On a tenant without Identity Protection (P1, free) nothing else fills the first screen, and
/// the sign-in log takes minutes on a large tenant. Accounts Identity Protection flagged are
/// the first screen's already. Headless, nothing is shown early, so nothing is done.
fn first_from_audits(
    client: &GraphClient,
    sh: &Arc<Shared>,
) -> Option<tokio::task::JoinHandle<()>> {
    sh.events.as_ref()?;
    let (client, sh) = (client.clone(), sh.clone());
    Some(tokio::spawn(async move {
        let ids: Vec<String> = sh.with(|c| {
            let mut ids = c.unread_profiles();
            ids.retain(|id| !c.reasons(id).contains(&Reason::RiskyUser));
            ids
        });
        if ids.is_empty() {
            return;
        }
        per_user::profiles(&client, &sh, &ids).await;
        sh.publish(&ids);
    }))
}

/// Marks a tenant-wide source's outcome on every account the collector holds.
pub(crate) fn mark_all(sh: &Shared, source: Source, state: SourceState) {
    sh.with(|c| c.set_tenant_wide_state(source, &state));
}
