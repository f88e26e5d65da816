//! What the tenant's licence allows, and why a source could not be read.
//!
//! The tier comes from two places: the APIs' own answers (a confirmed licence 403 from
//! Identity Protection means no Entra ID P2; from the sign-in log, no P1; an answer means the
//! tier has it) and, where the permission allows, `GET /subscribedSkus` (service plans
//! `AAD_PREMIUM` = P1, `AAD_PREMIUM_P2` = P2). Answers win: they are what reclaim will get.

use crate::auth::claims::TokenClaims;
use crate::error::{AuthError, GraphError};
use crate::models::SubscribedSku;
use serde::Serialize;

/// Entra ID licence tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// No Entra ID premium plan (Office 365 only).
    Free,
    P1,
    P2,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::P1 => "p1",
            Tier::P2 => "p2",
        }
    }

    /// In words, for `whoami`.
    pub fn describe(self) -> &'static str {
        match self {
            Tier::Free => {
                "Entra ID Free (no sign-in log, no Identity Protection, 7 days of audits)"
            }
            Tier::P1 => "Entra ID P1 (no Identity Protection: risky users, risk detections)",
            Tier::P2 => "Entra ID P2 (every source)",
        }
    }
}

/// The highest tier an enabled subscription's provisioned service plans give.
pub fn tier_from_skus(skus: &[SubscribedSku]) -> Tier {
    let enabled = |s: &&SubscribedSku| {
        s.capability_status
            .as_deref()
            .is_none_or(|c| c.eq_ignore_ascii_case("Enabled") || c.eq_ignore_ascii_case("Warning"))
    };
    let mut tier = Tier::Free;
    for plan in skus.iter().filter(enabled).flat_map(|s| &s.service_plans) {
        let provisioned = plan
            .provisioning_status
            .as_deref()
            .is_none_or(|p| !p.eq_ignore_ascii_case("Disabled"));
        let name = plan.service_plan_name.as_deref().unwrap_or_default();
        let t = match name {
            "AAD_PREMIUM_P2" => Tier::P2,
            "AAD_PREMIUM" => Tier::P1,
            _ => continue,
        };
        if provisioned {
            tier = tier.max(t);
        }
    }
    tier
}

/// The tier the APIs' answers imply: `identity_protection` / `sign_in_log` are `Some(true)`
/// when the API answered, `Some(false)` when it was refused for the licence (confirmed),
/// `None` when it could not tell (another error, no permission).
pub fn tier_from_answers(
    identity_protection: Option<bool>,
    sign_in_log: Option<bool>,
) -> Option<Tier> {
    match (identity_protection, sign_in_log) {
        (Some(true), _) => Some(Tier::P2),
        (_, Some(false)) => Some(Tier::Free),
        (Some(false), Some(true)) => Some(Tier::P1),
        _ => None,
    }
}

/// Why a source could not be read, in CONTRACT.md's words: `licence`, `permission`, `role`
/// (the token has the permission, so the principal lacks the Entra role Graph checks),
/// `conditional-access`, `throttled` or `error`.
pub fn reason(e: &GraphError, claims: Option<&TokenClaims>) -> &'static str {
    if let GraphError::MissingPermission { capability, .. } = e {
        let granted = claims.zip(crate::permissions::capability(capability));
        if let Some((claims, cap)) = granted {
            if cap.check(claims).is_ready() {
                return "role";
            }
        }
    }
    if let GraphError::Auth(AuthError::SignInAgain { reason }) = e {
        // A Conditional Access block surfaces as a refused token or claims challenge.
        if reason.contains("53003") || reason.contains("insufficient_claims") {
            return "conditional-access";
        }
    }
    e.unavailable_reason()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ServicePlanInfo;

    fn sku(plans: &[&str]) -> SubscribedSku {
        serde_json::from_value(serde_json::json!({
            "capabilityStatus": "Enabled",
            "servicePlans": plans.iter().map(|p| serde_json::json!({
                "servicePlanName": p, "provisioningStatus": "Success"
            })).collect::<Vec<_>>(),
        }))
        .unwrap()
    }

    #[test]
    fn tiers_from_service_plans_and_answers() {
        assert_eq!(tier_from_skus(&[sku(&["EXCHANGE_S_STANDARD"])]), Tier::Free);
        assert_eq!(tier_from_skus(&[sku(&["AAD_PREMIUM"])]), Tier::P1);
        assert_eq!(
            tier_from_skus(&[sku(&["AAD_PREMIUM"]), sku(&["AAD_PREMIUM_P2"])]),
            Tier::P2
        );
        let mut suspended = sku(&["AAD_PREMIUM_P2"]);
        suspended.capability_status = Some("Suspended".into());
        assert_eq!(tier_from_skus(&[suspended]), Tier::Free);
        let _ = ServicePlanInfo::default();
        assert_eq!(tier_from_answers(Some(true), None), Some(Tier::P2));
        assert_eq!(tier_from_answers(Some(false), Some(true)), Some(Tier::P1));
        assert_eq!(tier_from_answers(None, Some(false)), Some(Tier::Free));
        assert_eq!(tier_from_answers(Some(false), None), None);
    }

    #[test]
    fn a_403_with_the_permission_granted_is_a_role() {
        let e = GraphError::MissingPermission {
            capability: "read-sign-ins".into(),
            permissions: vec!["AuditLog.Read.All".into()],
            message: String::new(),
            ids: Default::default(),
        };
        let with = TokenClaims {
            roles: vec!["AuditLog.Read.All".into()],
            ..TokenClaims::default()
        };
        assert_eq!(reason(&e, Some(&with)), "role");
        assert_eq!(reason(&e, Some(&TokenClaims::default())), "permission");
        assert_eq!(reason(&e, None), "permission");
    }
}
