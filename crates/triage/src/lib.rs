//! Triage: gathering evidence and ranking risky accounts (docs/triage.md).
//!
//! - [`facts`]: normalized facts per account (what the judgement reads; never Graph JSON).
//! - [`audit_parse`]: directory audit activity names and MFA changes in modifiedProperties.
//! - [`pack`]: indicator packs (TOML): the campaign's traces, weights, caps, thresholds.
//! - [`indicators`]: the indicators, each with its evidence and attacker-tied artefacts.
//! - [`score`]: hits to a 0-100 score and a verdict.
//! - [`assess`]: one account's facts to one [`AccountAssessment`].

pub mod assess;
pub mod audit_parse;
pub mod collector;
pub mod convert;
pub mod facts;
pub mod gather;
pub mod indicators;
pub mod model;
pub mod output;
pub mod pack;
pub mod score;
pub mod sign_in_store;

pub use assess::{assess, rank};
pub use facts::AccountFacts;
pub use indicators::TenantContext;
pub use model::{
    AccountAssessment, Evidence, Findings, Indicator, KnownGoodPhone, TiedGrant, TiedMethod,
    TiedPhone, TiedRule, Verdict,
};
pub use pack::Pack;

#[cfg(test)]
mod assess_tests;
#[cfg(test)]
mod reporting_tests;
/// Builders for facts, for this crate's tests and (feature `testkit`) its dependents'.
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
