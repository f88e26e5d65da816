//! What the account is, rather than what happened to it: executive and money-adjacent
//! weighting (ranks within a verdict), and the look-alikes that must not be called compromised
//! (deleted accounts, guests), resolved risk, and data that was not fully read.

use super::evidence;
use super::{Ctx, Family, Hit, Outcome};
use crate::model::Verdict;

pub fn evaluate(ctx: &Ctx<'_>, out: &mut Outcome) {
    high_value(ctx, out);
    let facts = ctx.facts;
    let p = &facts.profile;

    // The directory decides; Identity Protection's isDeleted only when /users was not read.
    let directory_read = matches!(facts.coverage.profile, crate::facts::SourceState::Complete);
    let risky_says_deleted = facts.risky.as_ref().is_some_and(|r| r.deleted);
    if p.deleted || (risky_says_deleted && !directory_read) {
        let why = "The account is deleted: nothing can sign in to it; restore it before containing";
        out.push(
            Hit::new("account-deleted", Family::Context, 0, why)
                .with_evidence(vec![evidence::user(p, "deleted".into())]),
        );
        out.cap_verdict(Verdict::Suspicious, why);
    }
    if p.is_guest() {
        let why =
            "Guest (B2B) account: its sign-in and MFA live in its home tenant; contain it there";
        out.push(
            Hit::new("guest-account", Family::Context, 0, why).with_evidence(vec![evidence::user(
                p,
                format!("userType {}", p.user_type.as_deref().unwrap_or("Guest")),
            )]),
        );
        out.cap_verdict(Verdict::Suspicious, why);
    }
    if let Some(r) = facts.risky.as_ref().filter(|r| r.state.is_resolved()) {
        out.push(
            Hit::new(
                "risk-resolved",
                Family::Context,
                0,
                format!(
                    "Identity Protection risk {} ({}); earlier sign-in evidence counts half",
                    r.state.as_str(),
                    r.detail
                ),
            )
            .with_evidence(vec![evidence::risky_user(
                p,
                r.updated,
                format!("risk {} / {}", r.level.as_str(), r.state.as_str()),
            )]),
        );
    }
    let missing: Vec<String> = facts
        .coverage
        .sources()
        .iter()
        .filter(|(_, s)| !s.is_complete())
        .map(|(name, s)| match s {
            crate::facts::SourceState::NotRead => format!("{name} not read"),
            crate::facts::SourceState::Partial(w) => format!("{name} partial: {w}"),
            crate::facts::SourceState::Failed(w) => format!("{name} failed: {w}"),
            _ => name.to_string(),
        })
        .collect();
    if !missing.is_empty() {
        out.push(Hit::new(
            "incomplete-data",
            Family::Context,
            0,
            format!("Not everything was read: {}", missing.join("; ")),
        ));
    }
}

fn high_value(ctx: &Ctx<'_>, out: &mut Outcome) {
    let pack = ctx.pack;
    let p = &ctx.facts.profile;
    if let Some(t) = p
        .job_title
        .as_deref()
        .filter(|t| pack.is_executive_title(t))
    {
        out.push(
            Hit::new(
                "high-value-title",
                Family::HighValue,
                pack.weight("high-value-title"),
                format!("Executive or money role: {t}"),
            )
            .with_evidence(vec![evidence::user(p, format!("jobTitle {t}"))]),
        );
    }
    if let Some(d) = p
        .department
        .as_deref()
        .filter(|d| pack.is_money_department(d))
    {
        out.push(
            Hit::new(
                "high-value-department",
                Family::HighValue,
                pack.weight("high-value-department"),
                format!("Department the campaign targets: {d}"),
            )
            .with_evidence(vec![evidence::user(p, format!("department {d}"))]),
        );
    }
    let roles: Vec<&str> = ctx
        .facts
        .roles
        .iter()
        .filter(|r| pack.is_privileged_role(&r.name, r.template_id.as_deref()))
        .map(|r| r.name.as_str())
        .collect();
    if !roles.is_empty() {
        out.push(
            Hit::new(
                "high-value-role",
                Family::HighValue,
                pack.weight("high-value-role"),
                format!("Privileged directory role: {}", roles.join(", ")),
            )
            .with_evidence(vec![evidence::user(
                p,
                format!("roles {}", roles.join(", ")),
            )]),
        );
    }
}
