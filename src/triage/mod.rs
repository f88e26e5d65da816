//! Triage: gathering evidence and ranking risky accounts (docs/triage.md).

pub mod model;

pub use model::{AccountAssessment, Evidence, Indicator, Verdict};
