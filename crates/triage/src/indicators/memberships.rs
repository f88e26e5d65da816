//! Roles and groups the attacker added the account to: an "Add member to role" / "Add
//! eligible member to role" / "Add member to group" record in the window that names the
//! account as the member and was initiated from an address the attacker signed in to this
//! account from. An eligible (PIM) role says "eligible role" in its evidence. Who initiated it does not matter (the account itself, or another compromised
//! account driven from the same machine); a grant an admin makes from the office never ties.

use super::evidence::{self, rfc3339};
use super::{Ctx, Family, Hit, Outcome};
use crate::facts::{AuditEvent, AuditKind};
use crate::model::{Evidence, TiedMembership};

/// The activity that makes a role eligible (PIM) rather than active.
pub const ELIGIBLE_ACTIVITY: &str = "Add eligible member to role";

/// (kind, object id, display name) of the role or group a record adds the account to.
fn what(a: &AuditEvent) -> Option<(&'static str, String, String)> {
    let name = a.target_names.last().cloned().unwrap_or_default();
    match a.kind {
        AuditKind::RoleMemberAdded => Some(("role", a.role_template_id.clone()?, name)),
        AuditKind::GroupMemberAdded => Some(("group", a.target_object_ids.first()?.clone(), name)),
        _ => None,
    }
}

pub fn evaluate(ctx: &Ctx<'_>, out: &mut Outcome) {
    let me = ctx.facts.profile.id.as_str();
    let (mut roles, mut groups) = (Vec::new(), Vec::new());
    for a in &ctx.facts.audits {
        if !a.success || a.target_id.as_deref() != Some(me) {
            continue;
        }
        let Some((kind, object_id, name)) = what(a) else {
            continue;
        };
        let Some(ip) = a
            .initiator_ip
            .as_deref()
            .filter(|ip| ctx.signins.attacker_ips.contains(*ip))
        else {
            continue;
        };
        let eligible = a.activity == ELIGIBLE_ACTIVITY;
        if out
            .findings
            .attacker_memberships
            .iter()
            .any(|m| m.kind == kind && m.object_id == object_id && m.eligible == eligible)
        {
            continue;
        }
        let by = a.initiator_upn.clone();
        let label = if eligible { "eligible role" } else { kind };
        let reason = format!(
            "{label} \"{name}\" added {} by {} from the attacker's address {ip} (audit {})",
            a.time
                .map(rfc3339)
                .unwrap_or_else(|| "at an unknown time".into()),
            by.as_deref().unwrap_or("an unknown initiator"),
            a.id
        );
        let line = Evidence {
            kind: kind.into(),
            id: object_id.clone(),
            time: a.time.map(rfc3339),
            detail: reason.clone(),
        };
        let records = if kind == "role" {
            &mut roles
        } else {
            &mut groups
        };
        records.push(line);
        records.push(evidence::audit(a, format!("{label} \"{name}\"")));
        out.findings.attacker_memberships.push(TiedMembership {
            kind: kind.into(),
            object_id,
            name,
            added: a.time,
            added_by: by,
            eligible,
            reasons: vec![reason],
        });
    }
    for (id, kind, found) in [
        ("role-added-by-attacker", "role", roles),
        ("group-added-by-attacker", "group", groups),
    ] {
        if found.is_empty() {
            continue;
        }
        let n = found.len() / 2;
        out.push(
            Hit::new(
                id,
                Family::Persistence,
                ctx.pack.weight(id),
                format!("{n} {kind}(s) added to the account from the attacker's address"),
            )
            .with_evidence(evidence::limit(found)),
        );
    }
}

#[cfg(test)]
#[path = "memberships_tests.rs"]
mod tests;
