//! Identity Protection: the user's risk level and state, and the risk detections.
//!
//! Risk alone is capped (`[caps] risk`) below `compromised`: a medium risk with nothing else
//! is worth a look, not a verdict. An admin's confirmation of the compromise is decisive.
//! Dismissed, remediated and confirmed-safe risk counts nothing.

use super::evidence;
use super::{Ctx, Family, Hit, Outcome};
use crate::facts::{RiskLevel, RiskState};
use std::collections::BTreeMap;

pub fn evaluate(ctx: &Ctx<'_>, out: &mut Outcome) {
    let facts = ctx.facts;
    let pack = ctx.pack;
    if let Some(r) = &facts.risky {
        let ev = evidence::risky_user(
            &facts.profile,
            r.updated,
            format!(
                "risk {} / {} ({})",
                r.level.as_str(),
                r.state.as_str(),
                r.detail
            ),
        );
        match r.state {
            RiskState::ConfirmedCompromised => {
                let mut hit = Hit::new(
                    "risk-confirmed-compromised",
                    Family::Risk,
                    pack.weight("risk-confirmed-compromised"),
                    "An administrator confirmed this account compromised",
                )
                .with_evidence(vec![ev]);
                hit.decisive = true;
                out.push(hit);
            }
            RiskState::AtRisk | RiskState::None | RiskState::Unknown => {
                let id = match r.level {
                    RiskLevel::High => Some("identity-protection-risk-high"),
                    RiskLevel::Medium => Some("identity-protection-risk-medium"),
                    RiskLevel::Low => Some("identity-protection-risk-low"),
                    _ => None,
                };
                if let Some(id) = id {
                    out.push(
                        Hit::new(
                            id,
                            Family::Risk,
                            pack.weight(id),
                            format!(
                                "Identity Protection rates the user {} risk",
                                r.level.as_str()
                            ),
                        )
                        .with_evidence(vec![ev]),
                    );
                }
            }
            RiskState::Dismissed | RiskState::Remediated | RiskState::ConfirmedSafe => {
                // Counted in context (risk-resolved); no points.
            }
        }
    }

    // Distinct strong detection types that are still open.
    let mut by_type: BTreeMap<&str, Vec<&crate::facts::Detection>> = BTreeMap::new();
    for d in &facts.detections {
        if pack.is_strong_detection(&d.event_type) && !d.state.is_resolved() {
            by_type.entry(d.event_type.as_str()).or_default().push(d);
        }
    }
    if !by_type.is_empty() {
        let types: Vec<&str> = by_type.keys().copied().collect();
        let evidence = evidence::limit(
            by_type
                .values()
                .flat_map(|v| v.iter().map(|d| evidence::detection(d)))
                .collect(),
        );
        out.push(
            Hit::new(
                "risk-detections",
                Family::Risk,
                pack.weight("risk-detections") * types.len() as u32,
                format!("Risk detections: {}", types.join(", ")),
            )
            .with_evidence(evidence),
        );
    }
}
