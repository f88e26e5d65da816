//! Folding Graph records into per-account facts as they arrive, deciding which accounts are
//! worth per-user calls (the shortlist) and in which order, and assessing at any moment.
//!
//! No network here: `gather` feeds it, tests feed it directly.

use super::assess::{assess, rank};
use super::convert;
use super::facts::{AccountFacts, Profile, SourceState, Time};
use super::indicators::signins::Analysis;
use super::indicators::TenantContext;
use super::model::AccountAssessment;
use super::pack::Pack;
use super::sign_in_store::{SignInKey, SignInStore};
use reclaim_graph::models as g;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Why an account is on the shortlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    RiskyUser,
    Detection,
    SignInTrace,
    MfaChange,
    Consent,
    Requested,
}

#[derive(Debug)]
pub struct Collector {
    pack: Arc<Pack>,
    tenant: TenantContext,
    since: Time,
    accounts: HashMap<String, AccountFacts>,
    reasons: HashMap<String, HashSet<Reason>>,
    /// The sign-ins of accounts with nothing else on them, packed until the sign-in pass
    /// settles: most of the tenant, and most of the pass's memory.
    held: SignInStore,
    /// The tenant-wide sources' states as last set, for an account let go from `held` later.
    tenant_states: Vec<(Source, SourceState)>,
    /// Sign-ins already folded in (tenant-wide and per-user passes may overlap).
    seen_sign_ins: HashSet<SignInKey>,
    seen_audits: HashSet<String>,
}

impl Collector {
    pub fn new(pack: Arc<Pack>, tenant: TenantContext, since: Time) -> Self {
        Self {
            pack,
            tenant,
            since,
            accounts: HashMap::new(),
            reasons: HashMap::new(),
            held: SignInStore::default(),
            tenant_states: Vec::new(),
            seen_sign_ins: HashSet::new(),
            seen_audits: HashSet::new(),
        }
    }

    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    pub fn tenant(&self) -> &TenantContext {
        &self.tenant
    }

    fn entry(&mut self, id: &str) -> &mut AccountFacts {
        if !self.accounts.contains_key(id) {
            let f = self.let_go(id);
            self.accounts.insert(id.to_string(), f);
        }
        self.accounts.entry(id.to_string()).or_default()
    }

    /// A new account's facts: what `held` had of it (its sign-ins and names, with the
    /// tenant-wide states set while it was held), or nothing but its id.
    fn let_go(&mut self, id: &str) -> AccountFacts {
        let mut f = AccountFacts::new(Profile {
            id: id.to_string(),
            ..Profile::default()
        });
        if let Some((held, sign_ins)) = self.held.release(id) {
            f.profile.user_principal_name = held.user_principal_name;
            f.profile.display_name = held.display_name;
            f.sign_ins = sign_ins;
            for (source, state) in &self.tenant_states {
                *source.of(&mut f) = state.clone();
            }
        }
        f
    }

    fn flag(&mut self, id: &str, r: Reason) {
        self.reasons.entry(id.to_string()).or_default().insert(r);
    }

    /// Marks an account as asked for (investigate), whatever its evidence.
    pub fn request(&mut self, id: &str) {
        self.entry(id);
        self.flag(id, Reason::Requested);
    }

    pub fn add_risky_user(&mut self, r: &g::RiskyUser) {
        let f = self.entry(&r.id);
        f.risky = Some(convert::risky(r));
        if f.profile.user_principal_name.is_empty() {
            let keep_id = f.profile.id.clone();
            f.profile = convert::profile_from_risky(r);
            f.profile.id = keep_id;
        }
        // The directory is the authority on whether the account exists (finding 14 of #17):
        // Identity Protection's isDeleted counts only until /users has answered.
        let directory_read = matches!(f.coverage.profile, SourceState::Complete);
        if r.is_deleted == Some(true) && !directory_read {
            f.profile.deleted = true;
        }
        self.flag(&r.id, Reason::RiskyUser);
    }

    pub fn add_detection(&mut self, d: &g::RiskDetection) {
        let Some(user) = d.user_id.clone().filter(|u| !u.is_empty()) else {
            return;
        };
        let det = convert::detection(&d.clone());
        if det.time.is_some_and(|t| t < self.since) {
            return;
        }
        let f = self.entry(&user);
        if f.profile.user_principal_name.is_empty() {
            f.profile.user_principal_name = d.user_principal_name.clone().unwrap_or_default();
            f.profile.display_name = d.user_display_name.clone().unwrap_or_default();
        }
        if !f.detections.iter().any(|x| x.id == det.id) {
            f.detections.push(det);
        }
        self.flag(&user, Reason::Detection);
    }

    /// A sign-in from any pass. Accounts with a trace become candidates.
    pub fn add_sign_in(&mut self, s: &g::SignIn) {
        if !self.seen_sign_ins.insert(SignInKey::new(&s.id)) {
            return;
        }
        let Some((user, fact)) = convert::sign_in(s) else {
            return;
        };
        if user.is_empty() || fact.time < self.since {
            return;
        }
        if let Some(upn) = s.user_principal_name.as_deref() {
            self.note_domain(upn);
        }
        if !self.accounts.contains_key(&user) {
            let (upn, name) = (
                s.user_principal_name.as_deref(),
                s.user_display_name.as_deref(),
            );
            self.held.hold(&user, upn, name, &fact);
            return;
        }
        let f = self.entry(&user);
        if f.profile.user_principal_name.is_empty() {
            f.profile.user_principal_name = s.user_principal_name.clone().unwrap_or_default();
            f.profile.display_name = s.user_display_name.clone().unwrap_or_default();
        }
        f.sign_ins.push(fact);
    }

    /// Learns one of the tenant's own domains from a member's UPN (guests' `#EXT#` UPNs
    /// name someone else's domain and are skipped).
    pub fn note_domain(&mut self, upn: &str) {
        if upn.contains("#EXT#") {
            return;
        }
        if let Some((_, d)) = upn.rsplit_once('@') {
            let d = d.trim().to_lowercase();
            if !d.is_empty() && !self.tenant.internal_domains.contains(&d) {
                self.tenant.internal_domains.push(d);
            }
        }
    }

    /// A directory audit record; it lands on every user it targets.
    pub fn add_audit(&mut self, a: &g::DirectoryAudit) {
        if !self.seen_audits.insert(a.id.clone()) {
            return;
        }
        let ev = convert::audit(a);
        if ev.time.is_some_and(|t| t < self.since) {
            return;
        }
        use super::facts::AuditKind as K;
        let reason = match ev.kind {
            K::ConsentGranted | K::GrantAdded => Some(Reason::Consent),
            K::SecurityInfoRegistered
            | K::SecurityInfoUpdated
            | K::SecurityInfoDeleted
            | K::PhoneAppDetailAdded => Some(Reason::MfaChange),
            K::UserUpdated if !ev.mfa.is_empty() => Some(Reason::MfaChange),
            _ => None,
        };
        let mut targets = convert::audit_user_targets(a);
        if matches!(reason, Some(Reason::Consent))
            || matches!(
                ev.kind,
                K::AppCredentialAdded | K::AppRoleGranted | K::AppOwnerAdded
            )
        {
            // A consent's targets are the app; the user is whoever consented. A credential
            // record's target is the application, a grant's two service principals: the
            // account is whoever added it.
            if let Some(u) = a
                .initiated_by
                .as_ref()
                .and_then(|i| i.user.as_ref())
                .and_then(|u| u.id.clone())
            {
                targets.push(u);
            }
        }
        for user in targets {
            let f = self.entry(&user);
            f.audits.push(ev.clone());
            if let Some(r) = reason {
                self.flag(&user, r);
            }
        }
    }

    /// Marks a source complete (or partial/failed) on every account held.
    pub fn set_tenant_wide_state(&mut self, source: Source, state: &SourceState) {
        for f in self.accounts.values_mut() {
            *source.of(f) = state.clone();
        }
        self.tenant_states.retain(|(s, _)| *s != source);
        self.tenant_states.push((source, state.clone()));
    }

    pub fn account_mut(&mut self, id: &str) -> &mut AccountFacts {
        self.entry(id)
    }

    pub fn account(&self, id: &str) -> Option<&AccountFacts> {
        self.accounts.get(id)
    }

    /// Flags accounts whose sign-ins carry a campaign trace, and forgets accounts that have
    /// neither a reason nor a trace (ordinary users seen only through the sign-in pass).
    pub fn settle_sign_ins(&mut self) {
        let mut flagged: Vec<String> = (self.accounts.iter())
            .filter(|(_, f)| self.traced(f))
            .map(|(id, _)| id.clone())
            .collect();
        // Held accounts one at a time: unpacked, judged, kept if traced, else let go.
        for id in self.held.users() {
            let f = self.let_go(&id);
            if self.traced(&f) {
                self.accounts.insert(id.clone(), f);
                flagged.push(id);
            }
        }
        self.held.clear();
        for id in flagged {
            self.flag(&id, Reason::SignInTrace);
        }
        let reasons = &self.reasons;
        self.accounts.retain(|id, _| reasons.contains_key(id));
    }

    /// An attacker sign-in, or a trace of the campaign (its client or networks, or a campaign
    /// country the user does not use) on a client that is not the owner's.
    fn traced(&self, f: &AccountFacts) -> bool {
        Analysis::new(f, &self.pack).views.iter().any(|v| {
            v.attacker()
                || (!v.facets.owner_client && (v.facets.has_trace() || v.facets.campaign_country))
        })
    }

    /// Sign-ins held for accounts with nothing else on them (until the pass settles).
    pub fn held_sign_ins(&self) -> usize {
        self.held.len()
    }

    pub fn reasons(&self, id: &str) -> Vec<Reason> {
        let mut v: Vec<Reason> = self
            .reasons
            .get(id)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Candidates, most urgent first (preliminary score on what is known now).
    pub fn shortlist(&self) -> Vec<String> {
        let mut list = self.assess_all();
        list.retain(|a| self.reasons.contains_key(&a.id));
        list.into_iter().map(|a| a.id).collect()
    }

    /// Candidates whose profile has not been read, most urgent first.
    pub fn unread_profiles(&self) -> Vec<String> {
        let mut ids = self.shortlist();
        ids.retain(|id| {
            self.accounts
                .get(id)
                .is_some_and(|f| f.coverage.profile == SourceState::NotRead)
        });
        ids
    }

    pub fn assess(&self, id: &str) -> Option<AccountAssessment> {
        self.accounts
            .get(id)
            .map(|f| assess(f, &self.pack, &self.tenant))
    }

    /// Every candidate assessed and ranked.
    pub fn assess_all(&self) -> Vec<AccountAssessment> {
        let mut list: Vec<AccountAssessment> = self
            .accounts
            .iter()
            .filter(|(id, _)| self.reasons.contains_key(*id))
            .map(|(_, f)| assess(f, &self.pack, &self.tenant))
            .collect();
        rank(&mut list);
        list
    }

    pub fn len(&self) -> usize {
        self.reasons.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reasons.is_empty()
    }

    pub fn into_facts(self) -> HashMap<String, AccountFacts> {
        self.accounts
    }
}

/// A source of facts whose completeness is tracked per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Profile,
    Roles,
    SignIns,
    Audits,
    Methods,
    Rules,
    Grants,
    Devices,
    AppConsents,
}

impl Source {
    pub fn of(self, f: &mut AccountFacts) -> &mut SourceState {
        let c = &mut f.coverage;
        match self {
            Source::Profile => &mut c.profile,
            Source::Roles => &mut c.roles,
            Source::SignIns => &mut c.sign_ins,
            Source::Audits => &mut c.audits,
            Source::Methods => &mut c.methods,
            Source::Rules => &mut c.rules,
            Source::Grants => &mut c.grants,
            Source::Devices => &mut c.devices,
            Source::AppConsents => &mut c.app_consents,
        }
    }
}

#[cfg(test)]
#[path = "collector_tests.rs"]
mod tests;
