//! The tenant's licence tier (`reclaim sim --licence p2|p1|free`) and what it refuses.
//!
//! - **P2** (Entra ID P2, e.g. Microsoft 365 E5): everything.
//! - **P1** (Entra ID P1, e.g. Business Premium, E3): sign-ins and `signInActivity` readable;
//!   Identity Protection (risky users, their history and actions, risk detections) refused.
//! - **Free** (Office 365 only): Identity Protection, `/auditLogs/signIns` and `signInActivity`
//!   refused; directory audits kept 7 days (REFERENCE §5); users, roles, methods, rules and
//!   grants readable.
//!
//! A refusal is 403 `Authentication_RequestFromNonPremiumTenantOrB2CTenant` "Neither tenant is
//! B2C or tenant doesn't have premium license", the body Graph answers the sign-in log with on
//! an unlicensed tenant. Microsoft documents no distinct body for Identity Protection without
//! P2 (public reports show a bare 403), so the simulator answers it with the same code [U].
//!
//! The intermittent licence 403 that public reports show on licensed tenants
//! (microsoft-graph-docs #11986) is the `flap_every` knob: every Nth request to a premium API
//! is refused although the tier includes it. Deterministic, so tests can count on a retry
//! landing on an answered request.

use crate::error::GraphError;
use crate::state::{read_lock, Shared};
use axum::http::{Method, StatusCode};
use serde::Serialize;
use std::sync::atomic::Ordering;

pub const UNLICENSED_CODE: &str = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";
pub const UNLICENSED_MESSAGE: &str = "Neither tenant is B2C or tenant doesn't have premium license";

/// Days of directory audits a tenant without Entra ID P1 keeps.
pub const FREE_AUDIT_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Licence {
    #[default]
    P2,
    P1,
    Free,
}

impl std::str::FromStr for Licence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "p2" => Ok(Licence::P2),
            "p1" => Ok(Licence::P1),
            "free" => Ok(Licence::Free),
            other => Err(format!(
                "unknown licence tier `{other}` (expected p2, p1 or free)"
            )),
        }
    }
}

impl Licence {
    pub fn as_str(self) -> &'static str {
        match self {
            Licence::P2 => "p2",
            Licence::P1 => "p1",
            Licence::Free => "free",
        }
    }

    fn includes(self, feature: Premium) -> bool {
        matches!(
            (self, feature),
            (Licence::P2, _) | (Licence::P1, Premium::SignInLogs)
        )
    }
}

/// The licence settings of a running simulator (switchable through the handle).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LicenceSettings {
    pub tier: Licence,
    /// Every Nth request to a premium API the tier includes is refused anyway (`None`: never).
    pub flap_every: Option<u32>,
}

impl LicenceSettings {
    pub fn tier(tier: Licence) -> Self {
        Self {
            tier,
            flap_every: None,
        }
    }
}

/// A premium feature a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Premium {
    /// Entra ID P2: riskyUsers (and history, confirmCompromised, dismiss), riskDetections.
    IdentityProtection,
    /// Entra ID P1: `/auditLogs/signIns`, `signInActivity` on users.
    SignInLogs,
}

fn premium_feature(rest: &str, query: &str) -> Option<Premium> {
    let path = rest.to_ascii_lowercase();
    if path.starts_with("/identityprotection/") || path.starts_with("/riskyusers") {
        return Some(Premium::IdentityProtection);
    }
    if path.starts_with("/auditlogs/signins") {
        return Some(Premium::SignInLogs);
    }
    let users = path == "/users" || path.starts_with("/users/") || path == "/me";
    let query = percent_encoding::percent_decode_str(query)
        .decode_utf8_lossy()
        .to_ascii_lowercase();
    (users && query.contains("signinactivity")).then_some(Premium::SignInLogs)
}

/// The licence refusal for a Graph request, if the tier (or the flap knob) refuses it.
pub fn check(state: &Shared, _method: &Method, rest: &str, query: &str) -> Option<GraphError> {
    let feature = premium_feature(rest, query)?;
    let settings = *read_lock(&state.licence);
    let refused = if !settings.tier.includes(feature) {
        true
    } else if let Some(n) = settings.flap_every.filter(|n| *n > 0) {
        let seen = state.licence_requests.fetch_add(1, Ordering::Relaxed) + 1;
        seen.is_multiple_of(u64::from(n))
    } else {
        false
    };
    refused.then(unlicensed)
}

pub fn unlicensed() -> GraphError {
    GraphError::new(StatusCode::FORBIDDEN, UNLICENSED_CODE, UNLICENSED_MESSAGE)
}

/// The oldest directory audit the tier still serves (`None`: the whole log).
pub fn audit_cutoff(state: &Shared) -> Option<crate::model::Time> {
    (read_lock(&state.licence).tier == Licence::Free).then(|| {
        state.config.now.unwrap_or_else(chrono::Utc::now) - chrono::Duration::days(FREE_AUDIT_DAYS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn premium_apis_by_path_and_query() {
        assert_eq!(
            premium_feature("/identityProtection/riskyUsers", ""),
            Some(Premium::IdentityProtection)
        );
        assert_eq!(
            premium_feature("/riskyUsers/confirmCompromised", ""),
            Some(Premium::IdentityProtection)
        );
        assert_eq!(
            premium_feature("/auditLogs/signIns", "$top=1"),
            Some(Premium::SignInLogs)
        );
        assert_eq!(
            premium_feature("/users", "%24select=id%2CsignInActivity"),
            Some(Premium::SignInLogs)
        );
        assert_eq!(premium_feature("/users", "$select=id"), None);
        assert_eq!(premium_feature("/auditLogs/directoryAudits", ""), None);
        assert!(Licence::P1.includes(Premium::SignInLogs));
        assert!(!Licence::P1.includes(Premium::IdentityProtection));
        assert!(!Licence::Free.includes(Premium::SignInLogs));
        assert_eq!("FREE".parse::<Licence>(), Ok(Licence::Free));
        assert!("e5".parse::<Licence>().is_err());
    }
}
