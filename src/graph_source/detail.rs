//! One account's facts and assessment as the console's detail tabs show them: rows still
//! holding raw tenant text (the views sanitize), each flagged with what ties it to the attacker.

use reclaim_triage::facts::{AccountFacts, AuditEvent, Method, Rule, SignIn, SourceState, Time};
use reclaim_triage::indicators::evidence::rfc3339;
use reclaim_triage::model::AccountAssessment;
use reclaim_tui::source::{
    AccountDetail, AuditEventRow, DeviceRow, GrantRow, MembershipRow, MethodRow, RuleRow, Section,
    SignInRow,
};
use std::collections::HashMap;

/// Which indicator first cites each record id.
fn citations(a: &AccountAssessment) -> HashMap<&str, &str> {
    let mut m = HashMap::new();
    for i in a.indicators.iter().filter(|i| i.weight > 0) {
        for e in &i.evidence {
            m.entry(e.id.as_str()).or_insert(i.id.as_str());
        }
    }
    m
}

fn section<T>(state: &SourceState, rows: Vec<T>) -> Section<T> {
    match state {
        SourceState::Failed(why) => Section::Unavailable(format!("could not be read: {why}")),
        SourceState::Unavailable(why) if rows.is_empty() => Section::Unavailable(why.clone()),
        SourceState::NotRead if rows.is_empty() => Section::Unavailable("not read yet".into()),
        _ => Section::Rows(rows),
    }
}

fn time(t: Option<Time>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%MZ").to_string())
        .unwrap_or_default()
}

fn sign_in_row(s: &SignIn, flag: Option<&str>, attacker: bool) -> SignInRow {
    let location = [s.city.as_deref(), s.country.as_deref()]
        .into_iter()
        .flatten()
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let location = match s.asn {
        Some(asn) => format!("{location} AS{asn}"),
        None => location,
    };
    SignInRow {
        time: time(Some(s.time)),
        app: s.app.clone(),
        ip: s.ip.clone(),
        location,
        client: s.client_app.clone().unwrap_or_default(),
        user_agent: s.user_agent.clone(),
        status: if s.succeeded() {
            "success".into()
        } else {
            s.failure_reason
                .clone()
                .unwrap_or_else(|| format!("error {}", s.error_code))
        },
        risk: s.risk_during.as_str().into(),
        flag: flag
            .map(str::to_string)
            .or_else(|| attacker.then(|| "attacker sign-in".to_string())),
    }
}

fn method_row(m: &Method, a: &AccountAssessment) -> MethodRow {
    let kind = match m.phone_type {
        Some(t) => format!("phone ({})", t.as_str()),
        None => m.kind.stem().to_string(),
    };
    let detail = [
        m.phone_number.as_deref(),
        m.display_name.as_deref(),
        m.email.as_deref(),
        m.app_version.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let f = &a.findings;
    let flag = match f.attacker_methods.iter().find(|t| t.id == m.id) {
        Some(t) => Some(format!("attacker's: {}", t.reasons.join("; "))),
        None => f
            .attacker_phones
            .iter()
            .find(|p| p.method_id.as_deref() == Some(m.id.as_str()))
            .map(|p| format!("holds the attacker's number {}", p.number)),
    };
    MethodRow {
        kind,
        detail,
        created: time(m.created),
        flag,
    }
}

fn describe_conditions(r: &Rule) -> String {
    let c = &r.conditions;
    let mut parts = Vec::new();
    if !c.keywords.is_empty() {
        parts.push(format!("contains \"{}\"", c.keywords.join("\", \"")));
    }
    if !c.senders.is_empty() {
        parts.push(format!("from {}", c.senders.join(", ")));
    }
    parts.extend(c.other.iter().cloned());
    if parts.is_empty() {
        "all mail".into()
    } else {
        parts.join("; ")
    }
}

fn describe_actions(r: &Rule) -> String {
    let a = &r.actions;
    let mut parts = Vec::new();
    let folder =
        |f: &reclaim_triage::facts::FolderRef| f.name.clone().unwrap_or_else(|| f.id.clone());
    if let Some(f) = &a.move_to {
        parts.push(format!("move to {}", folder(f)));
    }
    if let Some(f) = &a.copy_to {
        parts.push(format!("copy to {}", folder(f)));
    }
    if a.permanent_delete {
        parts.push("delete permanently".into());
    } else if a.delete {
        parts.push("delete".into());
    }
    if a.mark_as_read {
        parts.push("mark as read".into());
    }
    for (what, list) in [
        ("forward to", &a.forward_to),
        ("redirect to", &a.redirect_to),
        ("forward as attachment to", &a.forward_as_attachment_to),
    ] {
        if !list.is_empty() {
            parts.push(format!("{what} {}", list.join(", ")));
        }
    }
    if a.stop_processing {
        parts.push("stop processing rules".into());
    }
    if r.read_only {
        parts.push("(read-only: not all actions visible)".into());
    }
    parts.join("; ")
}

fn audit_row(e: &AuditEvent, flag: Option<&str>) -> AuditEventRow {
    let mut detail: Vec<String> = e
        .mfa
        .phones
        .iter()
        .map(|p| {
            format!(
                "{}: {} -> {}",
                p.phone_type.as_str(),
                p.old.as_deref().unwrap_or("(none)"),
                p.new.as_deref().unwrap_or("(none)")
            )
        })
        .collect();
    detail.extend(
        e.mfa
            .app_devices_added
            .iter()
            .map(|d| format!("Authenticator added: {}", d.name.as_deref().unwrap_or("?"))),
    );
    if detail.is_empty() && !e.result_reason.is_empty() {
        detail.push(e.result_reason.clone());
    }
    let initiated_by = match (&e.initiator_upn, &e.initiator_ip, &e.initiator_app) {
        (Some(u), Some(ip), _) => format!("{u} ({ip})"),
        (Some(u), None, _) => u.clone(),
        (None, Some(ip), _) => ip.clone(),
        (None, None, Some(app)) => app.clone(),
        _ => String::new(),
    };
    AuditEventRow {
        time: time(e.time),
        activity: e.activity.clone(),
        initiated_by,
        target: e.target_names.join(", "),
        detail: detail.join("; "),
        result: if e.success { "success" } else { "failure" }.into(),
        flag: flag.map(str::to_string),
    }
}

/// The detail view of one account.
pub fn account_detail(a: &AccountAssessment, f: &AccountFacts) -> AccountDetail {
    let cited = citations(a);
    let attacker_ips = &a.findings.attacker_ips;
    let mut profile: Vec<(String, String)> = vec![
        (
            "User principal name".into(),
            f.profile.user_principal_name.clone(),
        ),
        (
            "Job title".into(),
            f.profile.job_title.clone().unwrap_or_default(),
        ),
        (
            "Department".into(),
            f.profile.department.clone().unwrap_or_default(),
        ),
        ("Roles".into(), a.roles.join(", ")),
        (
            "Account enabled".into(),
            f.profile
                .account_enabled
                .map(|b| b.to_string())
                .unwrap_or_else(|| "unknown".into()),
        ),
        (
            "User type".into(),
            f.profile.user_type.clone().unwrap_or_default(),
        ),
        (
            "Risk".into(),
            format!("{} / {}", a.risk_level, a.risk_state),
        ),
    ];
    if let Some(m) = &f.profile.manager {
        profile.push(("Manager".into(), m.clone()));
    }
    if let Some(t) = a.findings.compromise_started {
        profile.push(("Compromise started".into(), rfc3339(t)));
    }
    if !attacker_ips.is_empty() {
        profile.push(("Attacker IPs".into(), attacker_ips.join(", ")));
    }
    for (name, state) in f.coverage.sources() {
        match state {
            SourceState::Complete => {}
            SourceState::Partial(w) => profile.push((name.to_string(), format!("partial: {w}"))),
            SourceState::Failed(w) => profile.push((name.to_string(), format!("failed: {w}"))),
            SourceState::Unavailable(w) => profile.push((name.to_string(), w.clone())),
            SourceState::NotRead => profile.push((name.to_string(), "not read".into())),
        }
    }
    profile.push((
        "Not visible to Graph".into(),
        "hidden inbox rules and mailbox forwarding: check with Exchange Online PowerShell".into(),
    ));

    let mut sign_ins: Vec<&SignIn> = f.sign_ins.iter().collect();
    sign_ins.sort_by_key(|s| std::cmp::Reverse(s.time));
    let sign_in_rows = sign_ins
        .iter()
        .map(|s| {
            sign_in_row(
                s,
                cited.get(s.id.as_str()).copied(),
                attacker_ips.contains(&s.ip),
            )
        })
        .collect();
    let mut audits: Vec<&AuditEvent> = f.audits.iter().collect();
    audits.sort_by_key(|e| std::cmp::Reverse(e.time));
    let malicious_rules: HashMap<&str, &str> = a
        .findings
        .malicious_rules
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                r.reasons.first().map(String::as_str).unwrap_or(""),
            )
        })
        .collect();
    let malicious_grants: HashMap<&str, &str> = a
        .findings
        .malicious_grants
        .iter()
        .map(|g| {
            (
                g.id.as_str(),
                g.reasons.first().map(String::as_str).unwrap_or(""),
            )
        })
        .collect();
    AccountDetail {
        profile,
        sign_ins: section(&f.coverage.sign_ins, sign_in_rows),
        methods: section(
            &f.coverage.methods,
            f.methods.iter().map(|m| method_row(m, a)).collect(),
        ),
        rules: section(
            &f.coverage.rules,
            f.rules
                .iter()
                .map(|r| RuleRow {
                    name: r.name.clone(),
                    enabled: r.enabled,
                    conditions: describe_conditions(r),
                    actions: describe_actions(r),
                    flag: malicious_rules
                        .get(r.id.as_str())
                        .map(|why| format!("malicious: {why}"))
                        .or_else(|| cited.get(r.id.as_str()).map(|s| s.to_string())),
                })
                .collect(),
        ),
        audit_events: section(
            &f.coverage.audits,
            audits
                .iter()
                .map(|e| audit_row(e, cited.get(e.id.as_str()).copied()))
                .collect(),
        ),
        grants: section(
            &f.coverage.grants,
            f.grants
                .iter()
                .map(|g| GrantRow {
                    client: g.app_name.clone().unwrap_or_else(|| g.client_id.clone()),
                    scopes: g.scopes.join(" "),
                    consent: g.consent_type.clone(),
                    created: String::new(),
                    flag: malicious_grants
                        .get(g.id.as_str())
                        .map(|why| format!("malicious: {why}"))
                        .or_else(|| cited.get(g.id.as_str()).map(|s| s.to_string())),
                })
                .chain(
                    f.app_consents
                        .iter()
                        .map(|c| super::app_rows::consent_row(c, a)),
                )
                .collect(),
        ),
        devices: section(
            &f.coverage.devices,
            f.devices.iter().map(|d| device_row(d, a)).collect(),
        ),
        memberships: section(&f.coverage.roles, membership_rows(a, f)),
        app_credentials: section(&f.coverage.audits, super::app_rows::credential_rows(a)),
    }
}

/// Roles and groups added to the account in the window (the attacker's flagged with why),
/// then the directory roles it holds that no such record explains.
fn membership_rows(a: &AccountAssessment, f: &AccountFacts) -> Vec<MembershipRow> {
    use reclaim_triage::facts::AuditKind;
    let mut rows: Vec<MembershipRow> = Vec::new();
    for e in f.audits.iter().filter(|e| {
        e.success
            && e.target_id.as_deref() == Some(f.profile.id.as_str())
            && matches!(
                e.kind,
                AuditKind::RoleMemberAdded | AuditKind::GroupMemberAdded
            )
    }) {
        let (kind, object) = if e.kind == AuditKind::RoleMemberAdded {
            ("role", e.role_template_id.clone().unwrap_or_default())
        } else {
            (
                "group",
                e.target_object_ids.first().cloned().unwrap_or_default(),
            )
        };
        let tied = a
            .findings
            .attacker_memberships
            .iter()
            .find(|m| m.kind == kind && m.object_id == object);
        let by = [e.initiator_upn.as_deref(), e.initiator_ip.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" from ");
        rows.push(MembershipRow {
            kind: kind.into(),
            name: e.target_names.last().cloned().unwrap_or(object),
            added: time(e.time),
            added_by: by,
            flag: tied.map(|t| {
                format!(
                    "attacker: {}",
                    t.reasons.first().map(String::as_str).unwrap_or("")
                )
            }),
        });
    }
    for r in &f.roles {
        if !rows.iter().any(|x| x.kind == "role" && x.name == r.name) {
            rows.push(MembershipRow {
                kind: "role".into(),
                name: r.name.clone(),
                ..MembershipRow::default()
            });
        }
    }
    rows
}

fn device_row(d: &reclaim_triage::facts::Device, a: &AccountAssessment) -> DeviceRow {
    let tied = a.findings.attacker_devices.iter().find(|t| t.id == d.id);
    DeviceRow {
        name: d.name.clone(),
        os: d.operating_system.clone().unwrap_or_default(),
        trust: d.trust_type.clone().unwrap_or_default(),
        management: format!(
            "{}, {}",
            if d.managed { "managed" } else { "unmanaged" },
            if d.compliant {
                "compliant"
            } else {
                "non-compliant"
            }
        ),
        enabled: match d.enabled {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => String::new(),
        },
        registered: time(d.registered),
        flag: tied.map(|t| {
            format!(
                "attacker: {}",
                t.reasons.first().map(String::as_str).unwrap_or("")
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reclaim_triage::testkit::*;
    use reclaim_triage::{assess, Pack, TenantContext};

    #[test]
    fn rows_carry_flags_and_unavailable_is_not_empty() {
        let mut f = facts("d", "CFO", "Finance");
        f.sign_ins.push(owner_signin("own", 0));
        f.sign_ins.push(attacker_signin("evil", 5));
        f.methods.push(authenticator("auth-evil", 6, "Galaxy"));
        f.audits.push(audit(
            "aud",
            6,
            "User registered security info",
            Some(ATTACKER_IP),
            "User registered Authenticator App with Notification and Code",
        ));
        let mut r = rule("r1", ".");
        r.actions.move_to = Some(folder("RSS Feeds", None));
        r.actions.mark_as_read = true;
        f.rules.push(r);
        f.coverage.grants = SourceState::Failed("403".into());
        let a = assess(&f, &Pack::embedded(), &TenantContext::default());
        let d = account_detail(&a, &f);
        let rows = d.sign_ins.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].ip, ATTACKER_IP, "newest first");
        assert!(rows[0].flag.is_some());
        assert!(rows[1].flag.is_none());
        assert!(d.methods.rows()[0]
            .flag
            .as_deref()
            .unwrap()
            .starts_with("attacker's"));
        assert!(d.rules.rows()[0]
            .flag
            .as_deref()
            .unwrap()
            .starts_with("malicious"));
        assert!(d.rules.rows()[0].actions.contains("move to RSS Feeds"));
        assert!(d.audit_events.rows()[0].flag.is_some());
        assert!(matches!(d.grants, Section::Unavailable(_)));
        assert!(d.profile.iter().any(|(k, _)| k == "Attacker IPs"));
    }
}
