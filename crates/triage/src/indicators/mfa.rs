//! How the attacker stayed in: MFA methods registered from the attacker's IP or soon after an
//! attacker sign-in, and phone numbers changed (with the owner's number from the audit record's
//! old value). Also decides, method by method, whose each one is: containment removes only the
//! attacker's and restores the owner's phones.

use super::evidence;
use super::{Ctx, Family, Hit, Outcome};
use crate::audit_parse::{method_hint, MethodHint};
use crate::facts::{same_phone, AuditEvent, AuditKind, Method, MethodKind, PhoneType, Time};
use crate::model::{Evidence, KnownGoodPhone, KnownGoodSource, TiedMethod, TiedPhone};
use chrono::Duration;
use std::collections::BTreeMap;

/// How close an audit record must be to a method's creation time to describe it.
const MATCH_SLACK_MINUTES: i64 = 15;

/// Whose a registration or change is.
#[derive(Debug, Clone)]
enum Tie {
    /// From an IP the attacker signed in from.
    AttackerIp(String),
    /// Within the window after this attacker sign-in.
    AfterSignIn {
        sign_in_id: String,
        at: Time,
    },
    Owner(&'static str),
    Unknown,
}

impl Tie {
    fn is_attacker(&self) -> bool {
        matches!(self, Tie::AttackerIp(_) | Tie::AfterSignIn { .. })
    }
    fn reason(&self) -> String {
        match self {
            Tie::AttackerIp(ip) => {
                format!("registered from {ip}, an IP the attacker signed in from")
            }
            Tie::AfterSignIn { sign_in_id, at } => format!(
                "registered soon after the attacker's sign-in {sign_in_id} at {}",
                evidence::rfc3339(*at)
            ),
            Tie::Owner(why) => (*why).to_string(),
            Tie::Unknown => "no evidence either way".to_string(),
        }
    }
}

/// Decides a tie from the initiating IP (if the audit has it) and the time.
fn tie(ctx: &Ctx<'_>, ip: Option<&str>, t: Option<Time>) -> Tie {
    let a = &ctx.signins;
    if let Some(ip) = ip {
        if a.attacker_ips.contains(ip) {
            return Tie::AttackerIp(ip.to_string());
        }
        if a.owner_ips.contains(ip) {
            return Tie::Owner("registered from a network the owner signs in from");
        }
    }
    let Some(t) = t else { return Tie::Unknown };
    if let Some(s) = a.attacker_signin_before(t) {
        if t - s.time <= ctx.pack.mfa_after_signin {
            return Tie::AfterSignIn {
                sign_in_id: s.id.clone(),
                at: s.time,
            };
        }
    }
    match a.compromise_started {
        Some(c) if t < c => Tie::Owner("registered before the compromise began"),
        None => Tie::Owner("no attacker sign-in on the account"),
        _ => Tie::Unknown,
    }
}

fn is_registration(a: &AuditEvent) -> bool {
    a.success
        && matches!(
            a.kind,
            AuditKind::SecurityInfoRegistered
                | AuditKind::SecurityInfoUpdated
                | AuditKind::UserUpdated
                | AuditKind::PhoneAppDetailAdded
        )
}

/// Does this audit record describe the method's registration?
fn describes(a: &AuditEvent, m: &Method) -> bool {
    let hint = method_hint(&a.result_reason);
    match m.kind.known() {
        Some(MethodKind::MicrosoftAuthenticator) => {
            hint == Some(MethodHint::Authenticator)
                || a.mfa.app_devices_added.iter().any(|d| {
                    d.id.as_deref() == Some(m.id.as_str())
                        || (d.name.is_some() && d.name == m.display_name)
                })
        }
        Some(MethodKind::Phone) => {
            let by_hint = match hint {
                Some(MethodHint::Phone(Some(t))) => Some(t) == m.phone_type,
                Some(MethodHint::Phone(None)) => true,
                _ => false,
            };
            by_hint || a.mfa.phones.iter().any(|c| {
                Some(c.phone_type) == m.phone_type
                    && matches!((&c.new, &m.phone_number), (Some(n), Some(p)) if same_phone(n, p))
            })
        }
        Some(MethodKind::SoftwareOath) => hint == Some(MethodHint::SoftwareOath),
        Some(MethodKind::Fido2) => hint == Some(MethodHint::Fido2),
        Some(MethodKind::Email) => hint == Some(MethodHint::Email),
        Some(MethodKind::TemporaryAccessPass) => hint == Some(MethodHint::TemporaryAccessPass),
        _ => false,
    }
}

/// The audit records of a method's registration, closest in time first.
fn registration_audits<'a>(ctx: &Ctx<'a>, m: &Method) -> Vec<&'a AuditEvent> {
    let mut found: Vec<(i64, &AuditEvent)> = ctx
        .facts
        .audits
        .iter()
        .filter(|a| is_registration(a) && describes(a, m))
        .filter_map(|a| match (a.time, m.created) {
            (Some(at), Some(mt)) => {
                let gap = (at - mt).num_seconds().abs();
                (gap <= MATCH_SLACK_MINUTES * 60).then_some((gap, a))
            }
            // Without a creation time only a phone number match identifies the record.
            (Some(at), None) if m.kind == MethodKind::Phone => {
                Some((-at.timestamp(), a)).filter(|_| !a.mfa.phones.is_empty())
            }
            _ => None,
        })
        .collect();
    found.sort_by_key(|(gap, _)| *gap);
    found.into_iter().map(|(_, a)| a).collect()
}

/// One phone change read from the audit trail.
struct PhoneEvent<'a> {
    audit: &'a AuditEvent,
    phone_type: PhoneType,
    old: Option<String>,
    new: Option<String>,
    tie: Tie,
}

fn phone_events<'a>(ctx: &Ctx<'a>) -> Vec<PhoneEvent<'a>> {
    let mut audits: Vec<&AuditEvent> = ctx
        .facts
        .audits
        .iter()
        .filter(|a| a.success && !a.mfa.phones.is_empty())
        .collect();
    audits.sort_by_key(|a| a.time);
    let mut out: Vec<PhoneEvent<'a>> = Vec::new();
    for a in audits {
        for c in &a.mfa.phones {
            // The same change recorded twice (service record and its `Update user` twin).
            let dup = out.iter().any(|e| {
                e.phone_type == c.phone_type
                    && e.old == c.old
                    && e.new == c.new
                    && matches!((e.audit.time, a.time), (Some(x), Some(y)) if (y - x) <= Duration::minutes(MATCH_SLACK_MINUTES))
            });
            if dup {
                continue;
            }
            out.push(PhoneEvent {
                audit: a,
                phone_type: c.phone_type,
                old: c.old.clone(),
                new: c.new.clone(),
                tie: tie(ctx, a.initiator_ip.as_deref(), a.time),
            });
        }
    }
    out
}

fn signin_evidence(ctx: &Ctx<'_>, t: &Tie) -> Vec<Evidence> {
    match t {
        Tie::AttackerIp(ip) => {
            // The follow-on app the methods were added through (My Signins) first, then the
            // way in.
            let mut from = ctx.signins.attacker_signins_from(ip);
            from.sort_by_key(|s| !ctx.pack.is_follow_on_app(&s.app));
            from.into_iter()
                .take(2)
                .map(|s| evidence::sign_in(s, ctx.pack))
                .collect()
        }
        Tie::AfterSignIn { sign_in_id, .. } => ctx
            .facts
            .sign_ins
            .iter()
            .filter(|s| &s.id == sign_in_id)
            .map(|s| evidence::sign_in(s, ctx.pack))
            .collect(),
        _ => Vec::new(),
    }
}

fn phone_text(n: &Option<String>) -> &str {
    n.as_deref().unwrap_or("(none)")
}

pub fn evaluate(ctx: &Ctx<'_>, out: &mut Outcome) {
    let pack = ctx.pack;
    let phones = phone_events(ctx);

    // Phone changes: replaced, added or removed numbers.
    let mut known_good: BTreeMap<PhoneType, KnownGoodPhone> = BTreeMap::new();
    let (mut by_attacker, mut other) = (Vec::new(), Vec::new());
    for e in &phones {
        let detail = format!(
            "{} phone {} -> {}",
            e.phone_type.as_str(),
            phone_text(&e.old),
            phone_text(&e.new)
        );
        if e.tie.is_attacker() {
            known_good
                .entry(e.phone_type)
                .or_insert_with(|| KnownGoodPhone {
                    phone_type: e.phone_type.as_str().to_string(),
                    number: e.old.clone(),
                    source: KnownGoodSource::AuditOldValue,
                    audit_id: Some(e.audit.id.clone()),
                    as_of: e.audit.time,
                });
            if let Some(new) = &e.new {
                let current = ctx.facts.methods.iter().find(|m| {
                    m.phone_type == Some(e.phone_type)
                        && m.phone_number
                            .as_deref()
                            .is_some_and(|p| same_phone(p, new))
                });
                out.findings.attacker_phones.push(TiedPhone {
                    number: new.clone(),
                    phone_type: e.phone_type.as_str().to_string(),
                    method_id: current.map(|m| m.id.clone()),
                    reasons: vec![e.tie.reason()],
                    evidence: vec![e.audit.id.clone()],
                });
            }
            let mut ev = vec![evidence::audit(e.audit, detail)];
            ev.extend(signin_evidence(ctx, &e.tie));
            by_attacker.extend(ev);
        } else if e.old.is_some() {
            // The owner's number replaced or removed, with nothing tying it to the attacker.
            other.push(evidence::audit(e.audit, detail));
        }
    }
    if !by_attacker.is_empty() {
        out.push(
            Hit::new(
                "phone-changed-by-attacker",
                Family::Persistence,
                pack.weight("phone-changed-by-attacker"),
                format!(
                    "{} phone change(s) made by the attacker; the owner's numbers are in the audit records",
                    phones.iter().filter(|e| e.tie.is_attacker()).count()
                ),
            )
            .with_evidence(evidence::limit(by_attacker)),
        );
    }
    if !other.is_empty() {
        out.push(
            Hit::new(
                "phone-changed",
                Family::Persistence,
                pack.weight("phone-changed"),
                format!(
                    "{} phone number change(s) (old number recorded)",
                    other.len()
                ),
            )
            .with_evidence(evidence::limit(other)),
        );
    }
    out.findings.known_good_phones = known_good.into_values().collect();

    // Methods, one by one.
    let (mut from_ip, mut after, mut recent) = (Vec::new(), Vec::new(), Vec::new());
    // Without the sign-in log (a tenant without Entra ID P1) nothing can clear a new method
    // either: it counts as unverified instead of as nothing.
    let mut unverified = Vec::new();
    let no_sign_ins = ctx.facts.coverage.sign_ins.is_unlicensed();
    let recent_since = ctx.tenant.now.map(|n| n - Duration::days(14));
    for m in &ctx.facts.methods {
        if m.kind == MethodKind::Password {
            continue;
        }
        let audits = registration_audits(ctx, m);
        let ip = audits.iter().find_map(|a| a.initiator_ip.as_deref());
        let when = m.created.or_else(|| audits.first().and_then(|a| a.time));
        let t = tie(ctx, ip, when);
        let mut ev = vec![evidence::method(m, &t.reason())];
        ev.extend(
            audits
                .iter()
                .take(2)
                .map(|a| evidence::audit(a, evidence::audit_change(a))),
        );
        if t.is_attacker() {
            ev.extend(signin_evidence(ctx, &t));
            // A phone whose type the attacker re-pointed is restored, not deleted.
            let restore = m.kind == MethodKind::Phone
                && out.findings.known_good_phones.iter().any(|k| {
                    Some(k.phone_type.as_str()) == m.phone_type.map(|p| p.as_str())
                        && k.number.is_some()
                });
            if !restore {
                out.findings.attacker_methods.push(TiedMethod {
                    id: m.id.clone(),
                    kind: m.kind.stem().to_string(),
                    label: m
                        .phone_number
                        .clone()
                        .or_else(|| m.display_name.clone())
                        .or_else(|| m.email.clone()),
                    created: m.created,
                    reasons: vec![t.reason()],
                    evidence: ev.iter().map(|e| e.id.clone()).collect(),
                });
            }
            if let (Some(n), Some(pt)) = (&m.phone_number, m.phone_type) {
                if !out
                    .findings
                    .attacker_phones
                    .iter()
                    .any(|p| same_phone(&p.number, n))
                {
                    out.findings.attacker_phones.push(TiedPhone {
                        number: n.clone(),
                        phone_type: pt.as_str().to_string(),
                        method_id: Some(m.id.clone()),
                        reasons: vec![t.reason()],
                        evidence: ev.iter().map(|e| e.id.clone()).collect(),
                    });
                }
            }
            match t {
                Tie::AttackerIp(_) => from_ip.extend(ev),
                _ => after.extend(ev),
            }
        } else {
            out.findings.owner_method_ids.push(m.id.clone());
            let is_recent = match (m.created, recent_since, ctx.signins.compromise_started) {
                (Some(c), _, Some(start)) => c >= start,
                (Some(c), Some(since), None) => c >= since,
                _ => false,
            };
            if is_recent && no_sign_ins {
                unverified.extend(ev);
            } else if is_recent {
                recent.extend(ev);
            }
        }
    }
    // A phone the attacker re-pointed holds the attacker's number now: not the owner's to keep.
    let repointed: Vec<String> = out
        .findings
        .attacker_phones
        .iter()
        .filter_map(|p| p.method_id.clone())
        .collect();
    out.findings
        .owner_method_ids
        .retain(|id| !repointed.contains(id));

    // Types the attacker never touched keep the owner's current number.
    for m in &ctx.facts.methods {
        let (Some(pt), Some(n)) = (m.phone_type, &m.phone_number) else {
            continue;
        };
        let touched = out
            .findings
            .known_good_phones
            .iter()
            .any(|k| k.phone_type == pt.as_str());
        let attackers = out
            .findings
            .attacker_phones
            .iter()
            .any(|p| same_phone(&p.number, n));
        if !touched && !attackers {
            out.findings.known_good_phones.push(KnownGoodPhone {
                phone_type: pt.as_str().to_string(),
                number: Some(n.clone()),
                source: KnownGoodSource::CurrentMethod,
                audit_id: None,
                as_of: ctx.tenant.now,
            });
        }
    }

    let count = |ev: &[Evidence]| {
        ev.iter()
            .filter(|e| e.kind == "authenticationMethod")
            .count()
    };
    if !from_ip.is_empty() {
        out.push(
            Hit::new(
                "mfa-registered-from-attacker-ip",
                Family::Persistence,
                pack.weight("mfa-registered-from-attacker-ip"),
                format!(
                    "{} MFA method(s) registered from the attacker's IP",
                    count(&from_ip)
                ),
            )
            .with_evidence(evidence::limit(from_ip)),
        );
    }
    if !after.is_empty() {
        let hours = pack.mfa_after_signin.num_hours();
        out.push(
            Hit::new(
                "mfa-registered-after-risky-signin",
                Family::Persistence,
                pack.weight("mfa-registered-after-risky-signin"),
                format!(
                    "{} MFA method(s) registered within {hours} h after an attacker sign-in",
                    count(&after)
                ),
            )
            .with_evidence(evidence::limit(after)),
        );
    }
    if !unverified.is_empty() {
        out.push(
            Hit::new(
                "mfa-registered-unverified",
                Family::Persistence,
                pack.weight("mfa-registered-unverified"),
                format!(
                    "{} MFA method(s) registered recently; the tenant's licence has no sign-in log to check them against",
                    count(&unverified)
                ),
            )
            .with_evidence(evidence::limit(unverified)),
        );
    }
    if !recent.is_empty() {
        out.push(
            Hit::new(
                "mfa-registered-recently",
                Family::Persistence,
                pack.weight("mfa-registered-recently"),
                format!(
                    "{} MFA method(s) registered recently, nothing ties them to an attacker",
                    count(&recent)
                ),
            )
            .with_evidence(evidence::limit(recent)),
        );
    }
}
