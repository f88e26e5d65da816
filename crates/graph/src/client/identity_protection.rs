//! Identity Protection: risky users, history, detections, confirm compromised, dismiss.

use super::{GraphClient, Response};
use crate::error::GraphError;
use crate::models::{RiskDetection, RiskLevel, RiskState, RiskyUser};
use crate::paging::Pager;
use crate::requests::{self, odata_str, query_value};

/// Typed filters for `riskyUsers` (`riskLevel eq microsoft.graph.riskLevel'high'`).
#[derive(Debug, Clone, Default)]
pub struct RiskyUserFilter {
    pub levels: Vec<RiskLevel>,
    pub states: Vec<RiskState>,
    /// `$top` (Graph allows up to 500).
    pub top: Option<u32>,
}

impl RiskyUserFilter {
    /// The `$filter` expression, `None` when nothing is filtered.
    pub fn expression(&self) -> Option<String> {
        let any = |name: &str, ty: &str, values: Vec<&str>| -> Option<String> {
            if values.is_empty() {
                return None;
            }
            let parts: Vec<String> = values
                .iter()
                .map(|v| format!("{name} eq microsoft.graph.{ty}'{v}'"))
                .collect();
            Some(if parts.len() == 1 {
                parts[0].clone()
            } else {
                format!("({})", parts.join(" or "))
            })
        };
        let parts: Vec<String> = [
            any(
                "riskLevel",
                "riskLevel",
                self.levels.iter().map(RiskLevel::as_str).collect(),
            ),
            any(
                "riskState",
                "riskState",
                self.states.iter().map(RiskState::as_str).collect(),
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join(" and "))
    }
}

fn ip_get(path: String, capability: &'static str) -> crate::http::GraphRequest {
    requests::identity_protection(reqwest::Method::GET, path, capability)
}

impl GraphClient {
    /// `GET /identityProtection/riskyUsers` with typed filters.
    pub fn list_risky_users(&self, filter: &RiskyUserFilter) -> Pager<RiskyUser> {
        let mut q = Vec::new();
        if let Some(f) = filter.expression() {
            q.push(format!("$filter={}", query_value(&f)));
        }
        if let Some(top) = filter.top {
            q.push(format!("$top={}", top.clamp(1, 500)));
        }
        let path = if q.is_empty() {
            "/identityProtection/riskyUsers".to_string()
        } else {
            format!("/identityProtection/riskyUsers?{}", q.join("&"))
        };
        self.pager(ip_get(path, "read-risky-users"))
    }

    /// `GET /identityProtection/riskyUsers/{id}`.
    pub async fn get_risky_user(&self, user_id: &str) -> Result<Response<RiskyUser>, GraphError> {
        self.send_json(requests::get_risky_user(user_id)).await
    }

    /// `GET /identityProtection/riskDetections`, optionally for one user and/or since a time.
    pub fn list_risk_detections(
        &self,
        user_id: Option<&str>,
        since: Option<chrono::DateTime<chrono::Utc>>,
        top: Option<u32>,
    ) -> Pager<RiskDetection> {
        let mut f = Vec::new();
        if let Some(u) = user_id {
            f.push(format!("userId eq {}", odata_str(u)));
        }
        if let Some(t) = since {
            f.push(format!(
                "detectedDateTime ge {}",
                t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ));
        }
        let mut q = Vec::new();
        if !f.is_empty() {
            q.push(format!("$filter={}", query_value(&f.join(" and "))));
        }
        if let Some(top) = top {
            q.push(format!("$top={}", top.clamp(1, 500)));
        }
        let mut path = "/identityProtection/riskDetections".to_string();
        if !q.is_empty() {
            path = format!("{path}?{}", q.join("&"));
        }
        self.pager(ip_get(path, "read-risk-detections"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_use_typed_enum_literals() {
        let f = RiskyUserFilter {
            levels: vec![RiskLevel::High],
            ..Default::default()
        };
        assert_eq!(
            f.expression().unwrap(),
            "riskLevel eq microsoft.graph.riskLevel'high'"
        );
        let f = RiskyUserFilter {
            levels: vec![RiskLevel::High, RiskLevel::Medium],
            states: vec![RiskState::AtRisk],
            top: None,
        };
        assert_eq!(
            f.expression().unwrap(),
            "(riskLevel eq microsoft.graph.riskLevel'high' or riskLevel eq microsoft.graph.riskLevel'medium') and riskState eq microsoft.graph.riskState'atRisk'"
        );
        assert!(RiskyUserFilter::default().expression().is_none());
    }
}
