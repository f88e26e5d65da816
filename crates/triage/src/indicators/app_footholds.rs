//! Application footholds.
//!
//! `app-credential-added-by-attacker`: a secret or certificate the account added to an
//! application or service principal from an address the attacker signed in from. An
//! administrator's routine rotation from the office is never tied: the address decides, not
//! the act (owners and admins add secrets every day).
//!
//! `app-consent-flagged`: an app role the account holds (a consent's default access) to an
//! app whose delegated grant is already tied to the attacker, to an app public BEC reporting
//! names (the pack's `[[bec_reported_apps]]`), or to an unverified publisher's app the
//! attacker's address consented to. A verified publisher's app consented from the office
//! stays clear. The same indicator carries the application permissions the account granted
//! to a service principal from the attacker's address (a compromised admin giving an app
//! Mail.Read on every mailbox); an admin's grant from the office stays clear.

use super::evidence::{self, rfc3339};
use super::{Ctx, Family, Hit, Outcome};
use crate::facts::{AppConsent, AuditKind};
use crate::model::{Evidence, TiedAppConsent, TiedAppCredential};

fn credentials(ctx: &Ctx<'_>, out: &mut Outcome) {
    let mut found = Vec::new();
    let audits = ctx.facts.audits.iter().filter(|a| {
        a.success && a.kind == AuditKind::AppCredentialAdded && !a.added_credentials.is_empty()
    });
    for a in audits {
        let Some(ip) = a
            .initiator_ip
            .as_deref()
            .filter(|ip| ctx.signins.attacker_ips.contains(*ip))
        else {
            continue;
        };
        for c in &a.added_credentials {
            if out
                .findings
                .attacker_app_credentials
                .iter()
                .any(|t| t.key_id.eq_ignore_ascii_case(&c.key_id))
            {
                continue;
            }
            let why = format!(
                "{} added to {} \"{}\" from the attacker's address {ip} (audit {})",
                c.kind_label(),
                c.holder.label(),
                c.holder_name,
                a.id
            );
            found.push(Evidence {
                kind: "appCredential".into(),
                id: c.key_id.clone(),
                time: a.time.map(rfc3339),
                detail: format!(
                    "{} \"{}\" (keyId {}) on {} {}: {why}",
                    c.kind_label(),
                    c.name.as_deref().unwrap_or(""),
                    c.key_id,
                    c.holder.label(),
                    c.holder_id
                ),
            });
            found.push(evidence::audit(a, format!("keyId {}", c.key_id)));
            out.findings
                .attacker_app_credentials
                .push(TiedAppCredential {
                    holder: c.holder,
                    holder_id: c.holder_id.clone(),
                    holder_name: c.holder_name.clone(),
                    key_id: c.key_id.clone(),
                    key_type: c.key_type.clone(),
                    name: c.name.clone(),
                    added: a.time,
                    reasons: vec![why],
                });
        }
    }
    owners(ctx, out, &mut found);
    let n = out.findings.attacker_app_credentials.len();
    let m = out.findings.attacker_app_owners.len();
    if n + m == 0 {
        return;
    }
    let summary = match (n, m) {
        (n, 0) => format!("{n} secret(s) or certificate(s) added to applications by the attacker"),
        (0, m) => format!("{m} owner(s) added to applications by the attacker"),
        (n, m) => format!(
            "{n} secret(s) or certificate(s) and {m} owner(s) added to applications by the \
             attacker"
        ),
    };
    out.push(
        Hit::new(
            "app-credential-added-by-attacker",
            Family::Persistence,
            ctx.pack.weight("app-credential-added-by-attacker"),
            summary,
        )
        .with_evidence(evidence::limit(found)),
    );
}

/// "Add owner to application" initiated by the account from an attacker's address: an
/// owner can add a secret to the app at any later time. An admin's from the office never ties.
fn owners(ctx: &Ctx<'_>, out: &mut Outcome, found: &mut Vec<Evidence>) {
    let me = ctx.facts.profile.user_principal_name.as_str();
    let audits = ctx.facts.audits.iter().filter(|a| {
        a.success
            && a.kind == AuditKind::AppOwnerAdded
            && a.initiator_upn
                .as_deref()
                .is_some_and(|u| u.eq_ignore_ascii_case(me))
    });
    for a in audits {
        let Some(ip) = a
            .initiator_ip
            .as_deref()
            .filter(|ip| ctx.signins.attacker_ips.contains(*ip))
        else {
            continue;
        };
        let (Some(app_id), Some(owner_id)) = (a.target_object_ids.first(), a.target_id.as_ref())
        else {
            continue;
        };
        if out
            .findings
            .attacker_app_owners
            .iter()
            .any(|o| &o.app_id == app_id && &o.owner_id == owner_id)
        {
            continue;
        }
        let app_name = a.target_names.last().cloned().unwrap_or_default();
        let why = format!(
            "owner {owner_id} added to application \"{app_name}\" ({app_id}) from the \
             attacker's address {ip} (audit {})",
            a.id
        );
        found.push(Evidence {
            kind: "appOwner".into(),
            id: app_id.clone(),
            time: a.time.map(rfc3339),
            detail: why.clone(),
        });
        found.push(evidence::audit(a, format!("application {app_id}")));
        out.findings
            .attacker_app_owners
            .push(crate::model::TiedAppOwner {
                app_id: app_id.clone(),
                app_name,
                owner_id: owner_id.clone(),
                added: a.time,
                reasons: vec![why],
            });
    }
}

/// A consent record from the attacker's address naming the app.
fn consented_from_attacker(ctx: &Ctx<'_>, c: &AppConsent) -> Option<String> {
    let name = c.app_name.as_deref()?;
    ctx.facts
        .audits
        .iter()
        .filter(|a| matches!(a.kind, AuditKind::ConsentGranted | AuditKind::GrantAdded))
        .filter(|a| {
            a.target_object_ids.iter().any(|t| t == &c.resource_id)
                || a.target_names.iter().any(|t| t.eq_ignore_ascii_case(name))
        })
        .find_map(|a| {
            let ip = a
                .initiator_ip
                .as_deref()
                .filter(|ip| ctx.signins.attacker_ips.contains(*ip))?;
            Some(format!(
                "consented from the attacker's address {ip} (audit {})",
                a.id
            ))
        })
}

fn consents(ctx: &Ctx<'_>, out: &mut Outcome) {
    let mut found = Vec::new();
    for c in &ctx.facts.app_consents {
        let scopes: Vec<String> = ctx
            .facts
            .grants
            .iter()
            .filter(|g| g.client_id == c.resource_id)
            .flat_map(|g| g.scopes.iter().cloned())
            .collect();
        let reported = ctx
            .pack
            .bec_reported_app(c.app_id.as_deref(), c.app_name.as_deref());
        let mut reasons = Vec::new();
        if out
            .findings
            .malicious_grants
            .iter()
            .any(|g| g.client_id == c.resource_id)
        {
            reasons.push("the app's delegated grant is tied to the attacker".to_string());
        }
        if let Some(src) = &reported {
            reasons.push(format!("named in public BEC reporting ({src})"));
        }
        if !c.publisher_verified {
            if let Some(tie) = consented_from_attacker(ctx, c) {
                reasons.push(tie);
            }
        }
        if reasons.is_empty() {
            continue;
        }
        let name = c.app_name.clone().unwrap_or_else(|| c.resource_id.clone());
        let publisher = match (&c.publisher, c.publisher_verified) {
            (Some(p), true) => format!("verified publisher {p}"),
            (Some(p), false) => format!("unverified publisher {p}"),
            (None, _) => "unverified publisher".to_string(),
        };
        found.push(Evidence {
            kind: "appRoleAssignment".into(),
            id: c.id.clone(),
            time: c.created.map(rfc3339),
            detail: format!(
                "{name} ({publisher}; scopes {}): {}",
                if scopes.is_empty() {
                    "none delegated".to_string()
                } else {
                    scopes.join(" ")
                },
                reasons.join("; ")
            ),
        });
        out.findings.flagged_app_consents.push(TiedAppConsent {
            id: c.id.clone(),
            resource_id: c.resource_id.clone(),
            app_role_id: c.app_role_id.clone(),
            app_name: c.app_name.clone(),
            publisher: c.publisher.clone(),
            publisher_verified: c.publisher_verified,
            scopes,
            reported,
            reasons,
        });
    }
    let granted = grants(ctx, out, &mut found);
    let n = out.findings.flagged_app_consents.len();
    if n + granted == 0 {
        return;
    }
    let summary = match (n, granted) {
        (n, 0) => format!("{n} app consent(s) (app role assignments) tied to the attacker"),
        (0, m) => format!("{m} application permission(s) granted from the attacker's address"),
        (n, m) => format!(
            "{n} app consent(s) tied to the attacker, {m} application permission(s) granted \
             from the attacker's address"
        ),
    };
    out.push(
        Hit::new(
            "app-consent-flagged",
            Family::Consent,
            ctx.pack.weight("app-consent-flagged"),
            summary,
        )
        .with_evidence(evidence::limit(found)),
    );
}

/// Application permissions the account granted to a service principal ("Add app role
/// assignment to service principal") from an address the attacker signed in from; an
/// admin's grant from the office never ties. The number found.
fn grants(ctx: &Ctx<'_>, out: &mut Outcome, found: &mut Vec<Evidence>) -> usize {
    let audits = ctx
        .facts
        .audits
        .iter()
        .filter(|a| a.success && a.kind == AuditKind::AppRoleGranted);
    let mut n = 0;
    for a in audits {
        let Some(grant) = &a.granted_app_role else {
            continue;
        };
        let Some(ip) = a
            .initiator_ip
            .as_deref()
            .filter(|ip| ctx.signins.attacker_ips.contains(*ip))
        else {
            continue;
        };
        if out
            .findings
            .attacker_app_role_grants
            .iter()
            .any(|t| t.grant.assignment_id == grant.assignment_id)
        {
            continue;
        }
        let why = format!(
            "app role {} of \"{}\" granted to service principal \"{}\" ({}) by {} from the \
             attacker's address {ip} (audit {})",
            grant.app_role_id,
            grant.resource_name,
            grant.principal_name,
            grant.principal_id,
            a.initiator_upn.as_deref().unwrap_or("the account"),
            a.id
        );
        found.push(Evidence {
            kind: "appRoleGrant".into(),
            id: grant.assignment_id.clone(),
            time: a.time.map(rfc3339),
            detail: format!("application permission: {why}"),
        });
        found.push(evidence::audit(
            a,
            format!("app role assignment {}", grant.assignment_id),
        ));
        out.findings
            .attacker_app_role_grants
            .push(crate::model::TiedAppRoleGrant {
                grant: grant.clone(),
                granted: a.time,
                reasons: vec![why],
            });
        n += 1;
    }
    n
}

pub fn evaluate(ctx: &Ctx<'_>, out: &mut Outcome) {
    credentials(ctx, out);
    consents(ctx, out);
}
