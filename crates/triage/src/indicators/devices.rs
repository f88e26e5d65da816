//! Devices the attacker registered to the account: unmanaged and non-compliant, and either
//! registered from an address the attacker signed in from, or within the MFA window after an
//! attacker sign-in. An owner's managed or compliant device is never tied, whenever it was
//! enrolled (a device an attacker registers with a password and an MFA prompt is neither).

use super::evidence::{self, rfc3339};
use super::{Ctx, Family, Hit, Outcome};
use crate::facts::{AccountFacts, AuditKind, Device};
use crate::model::{Evidence, TiedDevice};

/// Addresses an unmanaged, non-compliant device was registered to the account from: like a
/// security-info change, a sign-in from there is more likely the attacker's.
pub fn unmanaged_registration_ips(facts: &AccountFacts) -> impl Iterator<Item = &str> {
    facts
        .audits
        .iter()
        .filter(|a| a.success && a.kind == AuditKind::DeviceUserAdded)
        .filter(|a| {
            a.target_object_ids.iter().any(|id| {
                facts
                    .devices
                    .iter()
                    .any(|d| &d.id == id && !d.is_corporate())
            })
        })
        .filter_map(|a| a.initiator_ip.as_deref())
}

fn describe(d: &Device) -> String {
    format!(
        "{} \"{}\" ({}, {}, {})",
        d.operating_system.as_deref().unwrap_or("device"),
        d.name,
        d.trust_type.as_deref().unwrap_or("unknown trust"),
        if d.managed { "managed" } else { "unmanaged" },
        if d.compliant {
            "compliant"
        } else {
            "non-compliant"
        }
    )
}

/// Why the device is the attacker's, with the records it rests on; `None` when it is not.
fn tie(ctx: &Ctx<'_>, d: &Device) -> Option<(Vec<String>, Vec<Evidence>)> {
    if d.is_corporate() {
        return None;
    }
    let mut reasons = Vec::new();
    let mut records = Vec::new();
    let audits = ctx.facts.audits.iter().filter(|a| {
        matches!(
            a.kind,
            AuditKind::DeviceRegistered | AuditKind::DeviceUserAdded
        ) && a.target_object_ids.iter().any(|t| t == &d.id)
    });
    for a in audits {
        let Some(ip) = a
            .initiator_ip
            .as_deref()
            .filter(|ip| ctx.signins.attacker_ips.contains(*ip))
        else {
            continue;
        };
        if reasons.is_empty() {
            reasons.push(format!(
                "registered from the attacker's address {ip} (audit {})",
                a.id
            ));
        }
        records.push(evidence::audit(a, describe(d)));
    }
    if let Some(at) = d.registered {
        if let Some(s) = ctx.signins.attacker_signin_before(at) {
            if at - s.time <= ctx.pack.mfa_after_signin {
                reasons.push(format!(
                    "registered {}, {} minutes after the attacker's sign-in {}",
                    rfc3339(at),
                    (at - s.time).num_minutes(),
                    s.id
                ));
                records.push(evidence::sign_in(s, ctx.pack));
            }
        }
    }
    if reasons.is_empty() {
        return None;
    }
    reasons.push("unmanaged and non-compliant".into());
    Some((reasons, records))
}

pub fn evaluate(ctx: &Ctx<'_>, out: &mut Outcome) {
    let mut found = Vec::new();
    for d in &ctx.facts.devices {
        let Some((reasons, mut records)) = tie(ctx, d) else {
            continue;
        };
        records.insert(
            0,
            Evidence {
                kind: "device".into(),
                id: d.id.clone(),
                time: d.registered.map(rfc3339),
                detail: format!("{}: {}", describe(d), reasons.join("; ")),
            },
        );
        found.extend(records);
        out.findings.attacker_devices.push(TiedDevice {
            id: d.id.clone(),
            name: d.name.clone(),
            operating_system: d.operating_system.clone(),
            registered: d.registered,
            reasons,
        });
    }
    if out.findings.attacker_devices.is_empty() {
        return;
    }
    let n = out.findings.attacker_devices.len();
    out.push(
        Hit::new(
            "device-registered-by-attacker",
            Family::Persistence,
            ctx.pack.weight("device-registered-by-attacker"),
            format!("{n} device(s) registered to the account by the attacker"),
        )
        .with_evidence(evidence::limit(found)),
    );
}

#[cfg(test)]
#[path = "devices_tests.rs"]
mod tests;
