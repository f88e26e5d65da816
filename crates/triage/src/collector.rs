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
    /// Sign-ins already folded in (tenant-wide and per-user passes may overlap).
    seen_sign_ins: HashSet<String>,
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
        self.accounts.entry(id.to_string()).or_insert_with(|| {
            AccountFacts::new(Profile {
                id: id.to_string(),
                ..Profile::default()
            })
        })
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
        if !self.seen_sign_ins.insert(s.id.clone()) {
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
        let mut flagged = Vec::new();
        for (id, f) in &self.accounts {
            let a = Analysis::new(f, &self.pack);
            // An attacker sign-in, or a trace of the campaign (its client or networks, or a
            // campaign country the user does not use) on a client that is not the owner's.
            let traced = a.views.iter().any(|v| {
                v.attacker()
                    || (!v.facets.owner_client
                        && (v.facets.has_trace() || v.facets.campaign_country))
            });
            if traced {
                flagged.push(id.clone());
            }
        }
        for id in flagged {
            self.flag(&id, Reason::SignInTrace);
        }
        let reasons = &self.reasons;
        self.accounts.retain(|id, _| reasons.contains_key(id));
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
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    fn collector() -> Collector {
        Collector::new(
            Arc::new(Pack::embedded()),
            TenantContext::default(),
            Utc.with_ymd_and_hms(2024, 4, 1, 0, 0, 0).unwrap(),
        )
    }

    fn sign_in(id: &str, user: &str, ip: &str, asn: i64, ua: &str, when: &str) -> g::SignIn {
        serde_json::from_value(json!({
            "id": id, "userId": user, "createdDateTime": when, "ipAddress": ip,
            "appDisplayName": "OfficeHome", "userAgent": ua, "status": {"errorCode": 0},
            "autonomousSystemNumber": asn, "location": {"countryOrRegion": "US"}
        }))
        .unwrap()
    }

    #[test]
    fn ordinary_users_are_dropped_and_traced_ones_kept() {
        let mut c = collector();
        c.add_sign_in(&sign_in(
            "1",
            "plain",
            "1.1.1.1",
            7922,
            "Edge",
            "2024-05-01T00:00:00Z",
        ));
        c.add_sign_in(&sign_in(
            "2",
            "proxied",
            "159.89.1.1",
            14061,
            "Edge",
            "2024-05-01T00:00:00Z",
        ));
        c.add_sign_in(&sign_in(
            "2",
            "proxied",
            "159.89.1.1",
            14061,
            "Edge",
            "2024-05-01T00:00:00Z",
        ));
        c.add_sign_in(&sign_in(
            "3",
            "old",
            "159.89.1.1",
            14061,
            "Edge",
            "2024-01-01T00:00:00Z",
        ));
        c.settle_sign_ins();
        assert_eq!(c.len(), 1);
        assert_eq!(c.reasons("proxied"), vec![Reason::SignInTrace]);
        assert_eq!(
            c.account("proxied").unwrap().sign_ins.len(),
            1,
            "deduplicated"
        );
        assert!(c.account("old").is_none(), "outside the window");
    }

    #[test]
    fn risky_users_and_audits_make_candidates() {
        let mut c = collector();
        let r: g::RiskyUser = serde_json::from_value(json!({
            "id": "u1", "riskLevel": "high", "riskState": "atRisk", "isDeleted": true,
            "userPrincipalName": "gone@contoso.com"
        }))
        .unwrap();
        c.add_risky_user(&r);
        let a: g::DirectoryAudit = serde_json::from_value(json!({
            "id": "a1", "activityDisplayName": "User registered security info",
            "activityDateTime": "2024-05-01T00:00:00Z", "result": "success",
            "targetResources": [{"id": "u2", "type": "User"}]
        }))
        .unwrap();
        c.add_audit(&a);
        c.settle_sign_ins();
        assert_eq!(c.len(), 2);
        let f = c.account("u1").unwrap();
        assert!(f.profile.deleted);
        assert_eq!(f.profile.user_principal_name, "gone@contoso.com");
        assert_eq!(c.reasons("u2"), vec![Reason::MfaChange]);
        let order = c.shortlist();
        assert_eq!(order.len(), 2);
    }
}
