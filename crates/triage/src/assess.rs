//! One account's facts in, one ranked assessment out (the contract's account object).

use super::facts::AccountFacts;
use super::indicators::{self, Family, TenantContext};
use super::model::{AccountAssessment, Indicator};
use super::pack::Pack;
use super::score;

/// Judges one account.
pub fn assess(facts: &AccountFacts, pack: &Pack, tenant: &TenantContext) -> AccountAssessment {
    let outcome = indicators::evaluate(facts, pack, tenant);
    let (scored, findings) = score::score(outcome, pack);
    let p = &facts.profile;
    let high_value = scored.hits.iter().any(|h| h.family == Family::HighValue);
    AccountAssessment {
        id: p.id.clone(),
        user_principal_name: p.user_principal_name.clone(),
        display_name: p.display_name.clone(),
        job_title: p.job_title.clone(),
        department: p.department.clone(),
        roles: facts.roles.iter().map(|r| r.name.clone()).collect(),
        risk_level: facts.risk_level().as_str().to_string(),
        risk_state: facts.risk_state().as_str().to_string(),
        score: scored.score,
        verdict: scored.verdict,
        indicators: scored
            .hits
            .into_iter()
            .map(|h| Indicator {
                id: h.id.to_string(),
                summary: h.summary,
                weight: h.points.min(100) as u8,
                evidence: h.evidence,
            })
            .collect(),
        account_enabled: p.account_enabled,
        user_type: p.user_type.clone(),
        high_value,
        findings,
        complete: facts.coverage.all_complete(),
    }
}

/// Ranks assessments: score first, then name, so the order is stable.
pub fn rank(list: &mut [AccountAssessment]) {
    list.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| b.verdict.cmp(&a.verdict))
            .then_with(|| a.user_principal_name.cmp(&b.user_principal_name))
            .then_with(|| a.id.cmp(&b.id))
    });
}
