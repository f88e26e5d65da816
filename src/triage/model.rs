//! What triage concludes about an account: the contract's `triage --json` account object.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Clear,
    Suspicious,
    Compromised,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clear => "clear",
            Verdict::Suspicious => "suspicious",
            Verdict::Compromised => "compromised",
        }
    }
}

/// A pointer to the record an indicator rests on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// `signIn`, `directoryAudit`, `riskDetection`, `authenticationMethod`, `messageRule`,
    /// `oauth2PermissionGrant`, `user`, `riskyUser`.
    pub kind: String,
    /// The record's Graph id.
    pub id: String,
    /// When the recorded event happened, if it has a time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// One line a responder can read (tenant text already in it is data, sanitized on output).
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Indicator {
    /// Stable id, e.g. `campaign-user-agent`, `mfa-registered-after-risky-signin`.
    pub id: String,
    pub summary: String,
    /// Points this indicator added to the score.
    pub weight: u8,
    pub evidence: Vec<Evidence>,
}

/// One ranked account (CONTRACT.md `triage --json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AccountAssessment {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub job_title: Option<String>,
    pub department: Option<String>,
    /// Directory role names.
    pub roles: Vec<String>,
    pub risk_level: String,
    pub risk_state: String,
    /// 0-100.
    pub score: u8,
    pub verdict: Verdict,
    pub indicators: Vec<Indicator>,
    pub account_enabled: Option<bool>,
    pub user_type: Option<String>,
    /// Executive / money-adjacent weighting applied (title, department, privileged role).
    pub high_value: bool,
}
