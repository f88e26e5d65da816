//! Don't read twice: planning an account the console gathered minutes ago reuses the facts
//! the gather read (profile, roles, sign-ins, audits, detections) and takes fresh only what an
//! attacker can change in the meantime: inbox rules, delegated grants and, unless the gather
//! read them in full (methods) or found the account at risk (risk state), the authentication
//! methods and the Identity Protection risk state, which the planner reads for the plan's
//! state anyway (apply's drift check lists the methods before anything is sent). Facts older than [`FRESH_FOR`] are not reused; apply's drift check (every step's target
//! re-read before it is sent) stays the safety net either way.

use super::{Investigation, KnownReads};
use crate::collector::Collector;
use crate::convert;
use crate::facts::{AccountFacts, FolderRef, SourceState, Time};
use crate::indicators::TenantContext;
use crate::pack::Pack;
use reclaim_graph::{GraphClient, GraphError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long gathered facts may stand in for a fresh investigation (docs/throttling.md): short
/// enough that history the attacker could add since (a new sign-in) is minutes old, long
/// enough to cover "open the top account, press p" after a gather.
pub const FRESH_FOR: Duration = Duration::from_secs(300);

/// One account's facts, when they were read, and the judgement's context and window.
struct Entry {
    facts: AccountFacts,
    at: Instant,
    context: TenantContext,
    since: Time,
}

#[derive(Default)]
struct Recent {
    accounts: HashMap<String, Entry>,
}

/// Facts the console's gather (and detail reads) learned, shared with the planner. Memory
/// only: a plan from the command line starts a fresh process and investigates afresh.
#[derive(Clone, Default)]
pub struct RecentFacts {
    inner: Arc<Mutex<Recent>>,
}

fn lock(m: &Mutex<Recent>) -> std::sync::MutexGuard<'_, Recent> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl RecentFacts {
    /// Everything a gather read, judged in `context` over the window from `since`.
    pub fn record_all(
        &self,
        facts: &HashMap<String, AccountFacts>,
        context: &TenantContext,
        since: Time,
    ) {
        for (id, f) in facts {
            self.record(id, f, context, since);
        }
    }

    /// One account's facts, read just now (the console's detail view investigating an
    /// account the gather has not finished with).
    pub fn record(&self, id: &str, facts: &AccountFacts, context: &TenantContext, since: Time) {
        let entry = Entry {
            facts: facts.clone(),
            at: Instant::now(),
            context: context.clone(),
            since,
        };
        lock(&self.inner).accounts.insert(id.to_string(), entry);
    }

    /// The account's facts if read within [`FRESH_FOR`] and complete enough to judge from,
    /// with the context they were judged in and the window's start.
    pub fn fresh(&self, id: &str) -> Option<(AccountFacts, TenantContext, Time)> {
        let r = lock(&self.inner);
        let e = r.accounts.get(id)?;
        let usable = e.at.elapsed() < FRESH_FOR
            && e.facts.coverage.sign_ins.is_complete()
            && e.facts.coverage.audits.is_complete();
        usable.then(|| (e.facts.clone(), e.context.clone(), e.since))
    }
}

impl RecentFacts {
    /// The account's authentication methods as the gather listed them, if its facts are fresh
    /// and the listing was read in full. The planner takes them instead of listing the methods
    /// again (one request of the reports' five per 10 s): apply's drift check lists them before
    /// anything is sent, and a plan that drifted forgets them ([`Self::forget`]).
    pub fn fresh_methods(&self, id: &str) -> Option<Vec<crate::facts::Method>> {
        let (facts, _, _) = self.fresh(id)?;
        (facts.coverage.methods == SourceState::Complete).then_some(facts.methods)
    }

    /// The account's Identity Protection risk as the gather read it, if its facts are fresh.
    pub fn fresh_risky(&self, id: &str) -> Option<crate::facts::RiskyUser> {
        self.fresh(id)?.0.risky
    }

    /// Forgets an account (its apply found the tenant changed since the plan): the next plan
    /// reads it afresh.
    pub fn forget(&self, id: &str) {
        lock(&self.inner).accounts.remove(id);
    }
}

/// Judges an account from recent `facts` with what the caller read afresh (`known`: each part
/// given replaces the gathered one; the planner gives all four). Sends a request only for the
/// app behind a grant the gather never saw.
pub async fn refresh(
    client: &GraphClient,
    pack: Arc<Pack>,
    (mut facts, context, since): (AccountFacts, TenantContext, Time),
    known: KnownReads,
) -> Result<Investigation, GraphError> {
    let id = facts.profile.id.clone();
    if let Some(list) = &known.methods {
        facts.methods = list.iter().map(convert::method).collect();
        facts.coverage.methods = SourceState::Complete;
    }
    match &known.rules {
        Some(Some(list)) => {
            // Folder names as the gather resolved them; a new target shows by id.
            let folders: HashMap<String, FolderRef> = facts
                .rules
                .iter()
                .flat_map(|r| [r.actions.move_to.clone(), r.actions.copy_to.clone()])
                .flatten()
                .map(|f| (f.id.clone(), f))
                .collect();
            facts.rules = list.iter().map(|r| convert::rule(r, &folders)).collect();
            facts.coverage.rules = SourceState::Complete;
        }
        Some(None) => {
            facts.rules.clear();
            facts.coverage.rules = SourceState::Unavailable("no Exchange Online mailbox".into());
        }
        None => {}
    }
    if let Some(list) = &known.grants {
        let mut apps: HashMap<String, crate::facts::Grant> = facts
            .grants
            .iter()
            .map(|g| (g.client_id.clone(), g.clone()))
            .collect();
        let mut grants = Vec::with_capacity(list.len());
        for gr in list {
            let mut g = convert::grant(gr, None);
            match apps.get(&g.client_id) {
                Some(seen) => {
                    g.app_name = seen.app_name.clone();
                    g.app_id = seen.app_id.clone();
                    g.publisher = seen.publisher.clone();
                }
                None if !g.client_id.is_empty() => {
                    let sp = super::per_user::service_principal(client, &g.client_id).await;
                    g = convert::grant(gr, sp.as_ref());
                    apps.insert(g.client_id.clone(), g.clone());
                }
                None => {}
            }
            grants.push(g);
        }
        facts.grants = grants;
        facts.coverage.grants = SourceState::Complete;
    }
    let mut c = Collector::new(pack, context, since);
    let risky = known.risky_user.clone();
    if risky.is_some() {
        facts.risky = None;
    }
    *c.account_mut(&id) = facts;
    c.request(&id);
    if let Some(Some(r)) = &risky {
        c.add_risky_user(r);
    }
    let assessment = c
        .assess(&id)
        .ok_or_else(|| GraphError::Invalid(format!("no facts about {id}")))?;
    let complete = assessment.complete;
    let facts = c.into_facts().remove(&id).unwrap_or_default();
    Ok(Investigation {
        tenant: client.authenticator().tenant().to_string(),
        assessment,
        facts,
        warnings: Vec::new(),
        missing_permissions: Vec::new(),
        complete,
        unavailable: Vec::new(),
    })
}
