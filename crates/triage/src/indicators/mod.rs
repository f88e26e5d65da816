//! The indicators: each reads an account's facts (through the shared sign-in analysis) and
//! reports hits, each with its evidence, plus the artefacts it ties to the attacker.
//!
//! Indicator ids are stable (docs/triage.md lists them); their points come from the pack.

pub mod access;
pub mod app_footholds;
pub mod consent;
pub mod context;
pub mod devices;
pub mod evidence;
pub mod mailbox;
pub mod memberships;
pub mod mfa;
pub mod risk;
pub mod signins;

use super::facts::{AccountFacts, Time};
use super::model::{Evidence, Findings, Verdict};
use super::pack::Pack;
use signins::Analysis;

/// Families of evidence; each is capped by the pack (`[caps]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Risk,
    Access,
    Persistence,
    Mailbox,
    Consent,
    /// Executive / money-adjacent weighting: ranks within a verdict, never makes one.
    HighValue,
    /// Notes that carry no points (deleted, guest, incomplete data...).
    Context,
}

impl Family {
    pub fn cap_id(self) -> Option<&'static str> {
        match self {
            Self::Risk => Some("risk"),
            Self::Access => Some("access"),
            Self::Persistence => Some("persistence"),
            Self::Mailbox => Some("mailbox"),
            Self::Consent => Some("consent"),
            Self::HighValue => Some("high-value"),
            Self::Context => None,
        }
    }
}

/// One indicator that fired.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: &'static str,
    pub family: Family,
    pub points: u32,
    /// Counts beyond its family's cap (e.g. an admin confirmed the compromise).
    pub decisive: bool,
    pub summary: String,
    pub evidence: Vec<Evidence>,
}

impl Hit {
    pub fn new(id: &'static str, family: Family, points: u32, summary: impl Into<String>) -> Self {
        Self {
            id,
            family,
            points,
            decisive: false,
            summary: summary.into(),
            evidence: Vec::new(),
        }
    }
    pub fn with_evidence(mut self, evidence: Vec<Evidence>) -> Self {
        self.evidence = evidence;
        self
    }
}

/// What the tenant, not the account, contributes to the judgement.
#[derive(Debug, Clone, Default)]
pub struct TenantContext {
    /// The tenant's own mail domains (verified domains, UPN suffixes): forwarding elsewhere is
    /// external.
    pub internal_domains: Vec<String>,
    /// The instant the judgement is made for.
    pub now: Option<Time>,
}

impl TenantContext {
    /// True when the address's domain is none of the tenant's (nor a subdomain of one).
    pub fn is_external(&self, address: &str, account_domains: &[String]) -> bool {
        let Some((_, domain)) = address.trim().rsplit_once('@') else {
            // Not an address we can place: treat as external, it is going somewhere unknown.
            return true;
        };
        let domain = domain.trim_end_matches('>').trim().to_lowercase();
        !self
            .internal_domains
            .iter()
            .chain(account_domains)
            .any(|d| {
                let d = d.to_lowercase();
                domain == d || domain.ends_with(&format!(".{d}"))
            })
    }
}

/// Everything an indicator reads.
pub struct Ctx<'a> {
    pub facts: &'a AccountFacts,
    pub pack: &'a Pack,
    pub tenant: &'a TenantContext,
    pub signins: Analysis<'a>,
}

impl Ctx<'_> {
    /// The account's own domains (UPN and mail), always internal.
    pub fn account_domains(&self) -> Vec<String> {
        let p = &self.facts.profile;
        [Some(p.user_principal_name.as_str()), p.mail.as_deref()]
            .into_iter()
            .flatten()
            .filter(|a| !a.contains("#EXT#"))
            .filter_map(|a| a.rsplit_once('@').map(|(_, d)| d.to_lowercase()))
            .collect()
    }
}

/// Hits, findings, and an upper bound on the verdict with its reason.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub hits: Vec<Hit>,
    pub findings: Findings,
    pub max_verdict: Option<(Verdict, String)>,
}

impl Outcome {
    pub fn push(&mut self, hit: Hit) {
        self.hits.push(hit);
    }
    pub fn cap_verdict(&mut self, v: Verdict, why: impl Into<String>) {
        match &self.max_verdict {
            Some((cur, _)) if *cur <= v => {}
            _ => self.max_verdict = Some((v, why.into())),
        }
    }
}

/// Runs every indicator over one account.
pub fn evaluate(facts: &AccountFacts, pack: &Pack, tenant: &TenantContext) -> Outcome {
    let ctx = Ctx {
        facts,
        pack,
        tenant,
        signins: Analysis::new(facts, pack),
    };
    let mut out = Outcome::default();
    out.findings.compromise_started = ctx.signins.compromise_started;
    out.findings.attacker_ips = ctx.signins.attacker_ips.iter().cloned().collect();
    risk::evaluate(&ctx, &mut out);
    access::evaluate(&ctx, &mut out);
    mfa::evaluate(&ctx, &mut out);
    mailbox::evaluate(&ctx, &mut out);
    consent::evaluate(&ctx, &mut out);
    devices::evaluate(&ctx, &mut out);
    memberships::evaluate(&ctx, &mut out);
    app_footholds::evaluate(&ctx, &mut out);
    context::evaluate(&ctx, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_addresses() {
        let t = TenantContext {
            internal_domains: vec!["contoso.com".into()],
            now: None,
        };
        let own = vec!["contoso.onmicrosoft.com".to_string()];
        assert!(!t.is_external("a@contoso.com", &own));
        assert!(!t.is_external("a@mail.contoso.com", &own));
        assert!(!t.is_external("a@CONTOSO.onmicrosoft.com", &own));
        assert!(t.is_external("a@contoso.com.evil.ru", &own));
        assert!(t.is_external("a@notcontoso.com", &own));
        assert!(t.is_external("no-at-sign", &own));
    }
}
