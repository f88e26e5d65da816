//! Delegated permission grants: apps the campaign is known to abuse (by app id or name), and
//! mailbox- or file-reading grants to apps from untrusted publishers.
//!
//! A grant to a known campaign app is tied to the attacker. A merely risky grant is tied only
//! when a consent record from the attacker's IP or after the compromise began names its app:
//! people do consent to third-party mail apps.

use super::evidence;
use super::{Ctx, Family, Hit, Outcome};
use crate::facts::{AuditKind, Grant};
use crate::model::TiedGrant;

fn consented_by_attacker(ctx: &Ctx<'_>, g: &Grant) -> Option<String> {
    let name = g.app_name.as_deref()?;
    ctx.facts
        .audits
        .iter()
        .filter(|a| matches!(a.kind, AuditKind::ConsentGranted | AuditKind::GrantAdded))
        .filter(|a| a.target_names.iter().any(|t| t.eq_ignore_ascii_case(name)))
        .find_map(|a| {
            let from_ip = a
                .initiator_ip
                .as_deref()
                .filter(|ip| ctx.signins.attacker_ips.contains(*ip));
            if let Some(ip) = from_ip {
                return Some(format!(
                    "consented from the attacker's IP {ip} (audit {})",
                    a.id
                ));
            }
            match (a.time, ctx.signins.compromise_started) {
                (Some(t), Some(start)) if t >= start => Some(format!(
                    "consented after the compromise began (audit {})",
                    a.id
                )),
                _ => None,
            }
        })
}

pub fn evaluate(ctx: &Ctx<'_>, out: &mut Outcome) {
    let pack = ctx.pack;
    let (mut known, mut risky) = (Vec::new(), Vec::new());
    for g in &ctx.facts.grants {
        let risky_scopes: Vec<&str> = g
            .scopes
            .iter()
            .map(String::as_str)
            .filter(|s| pack.is_risky_scope(s))
            .collect();
        if let Some(app) = pack.suspicious_oauth_app(g.app_id.as_deref(), g.app_name.as_deref()) {
            let why = format!("{app} is an app account-takeover campaigns abuse");
            known.push(evidence::grant(g, &why));
            out.findings.malicious_grants.push(TiedGrant {
                id: g.id.clone(),
                client_id: g.client_id.clone(),
                app_name: g.app_name.clone(),
                scopes: g.scopes.clone(),
                reasons: vec![why],
            });
            continue;
        }
        let trusted = g
            .publisher
            .as_deref()
            .is_some_and(|p| pack.is_trusted_publisher(p));
        if risky_scopes.is_empty() || trusted {
            continue;
        }
        let mut why = format!(
            "delegated {} to an app from {}",
            risky_scopes.join(", "),
            g.publisher.as_deref().unwrap_or("an unknown publisher")
        );
        if let Some(tie) = consented_by_attacker(ctx, g) {
            why = format!("{why}; {tie}");
            out.findings.malicious_grants.push(TiedGrant {
                id: g.id.clone(),
                client_id: g.client_id.clone(),
                app_name: g.app_name.clone(),
                scopes: g.scopes.clone(),
                reasons: vec![why.clone()],
            });
        }
        risky.push(evidence::grant(g, &why));
    }
    if !known.is_empty() {
        out.push(
            Hit::new(
                "suspicious-oauth-grant",
                Family::Consent,
                pack.weight("suspicious-oauth-grant"),
                format!(
                    "{} grant(s) to apps account-takeover campaigns abuse",
                    known.len()
                ),
            )
            .with_evidence(evidence::limit(known)),
        );
    }
    if !risky.is_empty() {
        out.push(
            Hit::new(
                "risky-oauth-grant",
                Family::Consent,
                pack.weight("risky-oauth-grant"),
                format!(
                    "{} grant(s) of mailbox or file access to third-party apps",
                    risky.len()
                ),
            )
            .with_evidence(evidence::limit(risky)),
        );
    }
}
