//! Evidence records: which sign-in, audit record, method, rule or grant an indicator rests on,
//! with one line a responder can read. Tenant text goes in verbatim; outputs sanitize it.

use crate::facts::{AuditEvent, Detection, Grant, Method, Profile, Rule, SignIn, Time};
use crate::model::Evidence;
use crate::pack::Pack;
use chrono::SecondsFormat;

/// At most this many records per indicator; the summary gives the full count.
pub const MAX_EVIDENCE: usize = 8;

pub fn rfc3339(t: Time) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn ev(kind: &str, id: &str, time: Option<Time>, detail: String) -> Evidence {
    Evidence {
        kind: kind.to_string(),
        id: id.to_string(),
        time: time.map(rfc3339),
        detail,
    }
}

/// Where a sign-in came from: `102.89.1.1 (Lagos, NG; AS29465 MTN Nigeria...)`.
pub fn place(s: &SignIn, pack: &Pack) -> String {
    let mut parts: Vec<String> = Vec::new();
    let loc: Vec<&str> = [s.city.as_deref(), s.country.as_deref()]
        .into_iter()
        .flatten()
        .filter(|x| !x.is_empty())
        .collect();
    if !loc.is_empty() {
        parts.push(loc.join(", "));
    }
    match (s.asn, pack.network_of(s.asn, &s.network_names)) {
        (Some(asn), Some(n)) if pack.network(asn).is_some() => {
            parts.push(format!("AS{asn} {} ({})", n.name, n.kind.as_str()))
        }
        (asn, Some(n)) => {
            let asn = asn.map(|a| format!("AS{a}, ")).unwrap_or_default();
            parts.push(format!(
                "{asn}named network {:?}: {} ({})",
                s.network_names.join(", "),
                n.name,
                n.kind.as_str()
            ))
        }
        (Some(asn), None) => parts.push(format!("AS{asn}")),
        (None, None) => {}
    }
    if parts.is_empty() {
        s.ip.clone()
    } else {
        format!("{} ({})", s.ip, parts.join("; "))
    }
}

pub fn sign_in(s: &SignIn, pack: &Pack) -> Evidence {
    let outcome = if s.succeeded() {
        "succeeded".to_string()
    } else {
        format!("failed {}", s.error_code)
    };
    ev(
        "signIn",
        &s.id,
        Some(s.time),
        format!(
            "{} from {}, {outcome}; user agent: {}",
            s.app,
            place(s, pack),
            s.user_agent
        ),
    )
}

pub fn audit(a: &AuditEvent, detail: String) -> Evidence {
    let who = match (&a.initiator_upn, &a.initiator_ip) {
        (Some(u), Some(ip)) => format!(" by {u} from {ip}"),
        (Some(u), None) => format!(" by {u}"),
        (None, Some(ip)) => format!(" from {ip}"),
        (None, None) => String::new(),
    };
    ev(
        "directoryAudit",
        &a.id,
        a.time,
        format!("{}{who}: {detail}", a.activity),
    )
}

/// What an audit record changed, in one line: phone numbers old -> new, Authenticator devices
/// added, methods added, or else its result reason.
pub fn audit_change(a: &AuditEvent) -> String {
    let mut parts: Vec<String> = a
        .mfa
        .phones
        .iter()
        .map(|p| {
            format!(
                "{} phone {} -> {}",
                p.phone_type.as_str(),
                p.old.as_deref().unwrap_or("(none)"),
                p.new.as_deref().unwrap_or("(none)")
            )
        })
        .collect();
    parts.extend(a.mfa.app_devices_added.iter().map(|d| {
        format!(
            "Authenticator device added: {}",
            d.name.as_deref().or(d.id.as_deref()).unwrap_or("?")
        )
    }));
    if parts.is_empty() && !a.mfa.methods_added.is_empty() {
        parts.push(format!("methods added: {:?}", a.mfa.methods_added));
    }
    if parts.is_empty() {
        a.result_reason.clone()
    } else {
        parts.join("; ")
    }
}

pub fn method_label(m: &Method) -> String {
    match (&m.phone_number, &m.display_name, &m.email) {
        (Some(n), _, _) => format!(
            "{} {n}",
            m.phone_type.map(|t| t.as_str()).unwrap_or("phone")
        ),
        (None, Some(d), _) => format!("{} \"{d}\"", m.kind.label()),
        (None, None, Some(e)) => format!("{} {e}", m.kind.label()),
        _ => m.kind.label().to_string(),
    }
}

pub fn method(m: &Method, detail: &str) -> Evidence {
    ev(
        "authenticationMethod",
        &m.id,
        m.created,
        format!("{}: {detail}", method_label(m)),
    )
}

pub fn rule(r: &Rule, detail: &str) -> Evidence {
    let state = if r.enabled { "" } else { " (disabled)" };
    ev(
        "messageRule",
        &r.id,
        None,
        format!("rule \"{}\"{state}: {detail}", r.name),
    )
}

pub fn grant(g: &Grant, detail: &str) -> Evidence {
    let name = g.app_name.as_deref().unwrap_or(g.client_id.as_str());
    ev(
        "oauth2PermissionGrant",
        &g.id,
        None,
        format!("{name} ({}): {detail}", g.scopes.join(" ")),
    )
}

pub fn detection(d: &Detection) -> Evidence {
    let place = [d.ip.as_deref(), d.city.as_deref(), d.country.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    ev(
        "riskDetection",
        &d.id,
        d.time,
        format!(
            "{} ({} risk, {}){}",
            d.event_type,
            d.level.as_str(),
            d.state.as_str(),
            if place.is_empty() {
                String::new()
            } else {
                format!(" at {place}")
            }
        ),
    )
}

pub fn user(p: &Profile, detail: String) -> Evidence {
    ev("user", &p.id, None, detail)
}

pub fn risky_user(p: &Profile, time: Option<Time>, detail: String) -> Evidence {
    ev("riskyUser", &p.id, time, detail)
}

/// Keeps the first [`MAX_EVIDENCE`] records.
pub fn limit(mut list: Vec<Evidence>) -> Vec<Evidence> {
    list.truncate(MAX_EVIDENCE);
    list
}
