//! The console's containment screens as plain state, ready for its reducer: the plan as
//! before/after rows with the evidence, the confirmation (Cancel focused; several accounts need
//! their count typed, one account with irreversible steps its UPN), and the progress of an
//! apply folded from its events. The plan and progress views (`views::plan`,
//! `views::progress`) draw them; no terminal and no I/O here.

use reclaim_contain::op::Op;
use reclaim_contain::plan::{Plan, Step};
use reclaim_contain::report::{ApplyEvent, ApplyReport, StepStatus};
use reclaim_core::sanitize::inert;
use serde_json::Value;

/// One line of the plan screen.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanRow {
    Account {
        upn: String,
        assessment: String,
    },
    Step {
        id: String,
        action: String,
        summary: String,
        before: String,
        after: String,
        reversible: bool,
    },
    Why(String),
    Note(String),
}

fn short(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "none".into(),
        Some(other) => other.to_string(),
    }
}

/// The state before and after a step, in a few words each.
pub fn before_after(step: &Step) -> (String, String) {
    let b = &step.before;
    match &step.op {
        Op::SetAccountEnabled { enabled } => (
            format!("sign-in {}", if *enabled { "blocked" } else { "allowed" }),
            format!("sign-in {}", if *enabled { "allowed" } else { "blocked" }),
        ),
        Op::RevokeSessions => (
            format!(
                "sessions valid from {}",
                short(b.get("signInSessionsValidFromDateTime"))
            ),
            "every session revoked".into(),
        ),
        Op::ResetPassword { .. } => ("current password".into(), "new password, shown once".into()),
        Op::DeleteMethod { .. } => (
            format!(
                "{} {}",
                short(b.get("odataType")).trim_start_matches("#microsoft.graph."),
                short(b.get("label"))
            ),
            "deleted".into(),
        ),
        Op::SetPhoneNumber { phone_type, number } => (
            format!("{phone_type} {}", short(b.get("phoneNumber"))),
            format!("{phone_type} {number}"),
        ),
        Op::AddPhone { phone_type, number } => (
            format!("no {phone_type} phone"),
            format!("{phone_type} {number}"),
        ),
        Op::DeleteRule { .. } => (
            format!("rule \"{}\"", short(b.get("displayName"))),
            "deleted (recorded for undo)".into(),
        ),
        Op::SetRuleEnabled { .. } => (
            format!("rule \"{}\" on", short(b.get("displayName"))),
            "off".into(),
        ),
        Op::CreateRule { rule } => (
            "no rule".into(),
            format!("rule \"{}\"", short(rule.get("displayName"))),
        ),
        Op::SetDeviceEnabled { enabled, .. } => (
            format!(
                "device \"{}\" {}",
                short(b.get("displayName")),
                if *enabled { "disabled" } else { "enabled" }
            ),
            format!("device {}", if *enabled { "enabled" } else { "disabled" }),
        ),
        Op::DeleteRoleAssignment { .. } => (
            format!("role {}", short(b.get("roleDefinitionId"))),
            "role removed".into(),
        ),
        Op::CreateRoleAssignment {
            role_definition_id, ..
        } => (
            "no role".into(),
            format!("role {}", inert(role_definition_id)),
        ),
        Op::RemoveGroupMember { .. } => (
            format!("member of \"{}\"", short(b.get("displayName"))),
            "not a member".into(),
        ),
        Op::AddGroupMember { group_id } => (
            "not a member".into(),
            format!("member of {}", inert(group_id)),
        ),
        Op::DeleteAppRoleGrant { .. } => (
            format!(
                "\"{}\" holds app role {}",
                short(b.get("principalDisplayName")),
                short(b.get("appRoleId"))
            ),
            "app role taken back".into(),
        ),
        Op::CreateAppRoleGrant {
            principal_id,
            app_role_id,
            ..
        } => (
            "no app role".into(),
            format!("app role {} to {}", inert(app_role_id), inert(principal_id)),
        ),
        Op::ConfirmCompromised => (
            format!("risk {}", short(b.get("riskState"))),
            "risk confirmedCompromised".into(),
        ),
        Op::IssueTap {
            lifetime_in_minutes,
            ..
        } => (
            "no new pass".into(),
            format!("pass for {lifetime_in_minutes} min, shown once"),
        ),
        Op::DeleteGrant { .. } => (format!("grant{}", short(b.get("scope"))), "deleted".into()),
        Op::RemoveAppPassword { key_id, .. } | Op::RemoveAppKey { key_id, .. } => (
            format!("app credential {key_id}"),
            "removed (not undoable)".into(),
        ),
        Op::DeleteAppRoleAssignment { .. } => (
            format!("app role to \"{}\"", short(b.get("resourceDisplayName"))),
            "deleted (recorded for undo)".into(),
        ),
        Op::CreateAppRoleAssignment { resource_id, .. } => {
            ("no app role".into(), format!("app role to {resource_id}"))
        }
        Op::SetDefaultMfa { preferred } => (
            format!(
                "default MFA {}",
                short(b.get("userPreferredMethodForSecondaryAuthentication"))
            ),
            format!("default MFA {preferred}"),
        ),
    }
}

/// The plan screen's rows, tenant text made inert.
pub fn plan_rows(plan: &Plan) -> Vec<PlanRow> {
    let mut rows = Vec::new();
    for a in &plan.accounts {
        let assessment = a
            .assessment
            .as_ref()
            .map_or_else(String::new, |x| format!("{} {}", x.verdict, x.score));
        rows.push(PlanRow::Account {
            upn: inert(&a.user_principal_name).into_owned(),
            assessment,
        });
        for s in &a.steps {
            let (before, after) = before_after(s);
            rows.push(PlanRow::Step {
                id: s.id.clone(),
                action: s.action.name().into(),
                summary: inert(&s.summary).into_owned(),
                before: inert(&before).into_owned(),
                after: inert(&after).into_owned(),
                reversible: s.reversible,
            });
            for w in s.why.iter().filter(|w| !w.starts_with("order: ")).take(2) {
                rows.push(PlanRow::Why(inert(w).into_owned()));
            }
        }
        for k in &a.skipped {
            rows.push(PlanRow::Note(format!(
                "skipped {}: {}",
                k.action,
                inert(&k.reason)
            )));
        }
        for w in &a.warnings {
            rows.push(PlanRow::Note(inert(w).into_owned()));
        }
    }
    rows
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Cancel,
    Confirm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmKey {
    Char(char),
    Backspace,
    /// Tab / arrows: move between the buttons.
    Switch,
    Enter,
    Esc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmOutcome {
    Pending,
    Cancelled,
    Confirmed,
}

/// The confirmation under the plan: Cancel has the focus until the operator moves it, and the
/// apply button works only once the required text is typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub focus: Focus,
    pub typed: String,
    /// What must be typed: the account count (several accounts) or the UPN (one account
    /// with irreversible steps); `None`: moving the focus is enough.
    pub required: Option<String>,
}

impl Confirm {
    pub fn for_plan(plan: &Plan) -> Confirm {
        let irreversible = plan
            .accounts
            .iter()
            .flat_map(|a| &a.steps)
            .any(|s| !s.reversible);
        let required = match plan.accounts.as_slice() {
            [one] if irreversible => Some(one.user_principal_name.clone()),
            [_] | [] => None,
            many => Some(many.len().to_string()),
        };
        Confirm {
            focus: Focus::Cancel,
            typed: String::new(),
            required,
        }
    }

    pub fn satisfied(&self) -> bool {
        self.required
            .as_ref()
            .is_none_or(|r| self.typed.trim() == r)
    }

    pub fn on_key(&mut self, key: ConfirmKey) -> ConfirmOutcome {
        match key {
            ConfirmKey::Esc => return ConfirmOutcome::Cancelled,
            ConfirmKey::Char(c) if self.required.is_some() && !c.is_control() => self.typed.push(c),
            ConfirmKey::Backspace => {
                self.typed.pop();
            }
            ConfirmKey::Switch => {
                self.focus = match self.focus {
                    Focus::Cancel => Focus::Confirm,
                    Focus::Confirm => Focus::Cancel,
                }
            }
            ConfirmKey::Enter => {
                return match self.focus {
                    Focus::Cancel => ConfirmOutcome::Cancelled,
                    Focus::Confirm if self.satisfied() => ConfirmOutcome::Confirmed,
                    Focus::Confirm => ConfirmOutcome::Pending,
                }
            }
            ConfirmKey::Char(_) => {}
        }
        ConfirmOutcome::Pending
    }
}

/// One step's line on the progress screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressRow {
    pub id: String,
    pub account: String,
    pub action: String,
    pub summary: String,
    /// `None`: waiting; `Some(None)`: sending; `Some(Some(status))`: finished.
    pub state: Option<Option<StepStatus>>,
}

/// The progress of an apply, folded from its events and its final report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgressView {
    pub rows: Vec<ProgressRow>,
    pub summary: Option<String>,
}

impl ProgressView {
    pub fn new(plan: &Plan) -> Self {
        let rows = plan
            .accounts
            .iter()
            .flat_map(|a| {
                a.steps.iter().map(|s| ProgressRow {
                    id: s.id.clone(),
                    account: inert(&a.user_principal_name).into_owned(),
                    action: s.action.name().into(),
                    summary: inert(&s.summary).into_owned(),
                    state: None,
                })
            })
            .collect();
        ProgressView {
            rows,
            summary: None,
        }
    }

    pub fn on_event(&mut self, e: &ApplyEvent) {
        let (id, state) = match e {
            ApplyEvent::StepStarted { step } => (step, Some(None)),
            ApplyEvent::StepFinished { step, status } => (step, Some(Some(status.clone()))),
            ApplyEvent::AccountStarted { .. } => return,
        };
        if let Some(r) = self.rows.iter_mut().find(|r| &r.id == id) {
            r.state = state;
        }
    }

    pub fn finish(&mut self, report: &ApplyReport) {
        for s in report.accounts.iter().flat_map(|a| &a.steps) {
            if let Some(r) = self.rows.iter_mut().find(|r| r.id == s.id) {
                r.state = Some(Some(s.status.clone()));
            }
        }
        let v = report.summary_json();
        let pending = v["exchangePending"].as_u64().unwrap_or(0);
        let exo = if pending > 0 {
            format!(", {pending} contained in Graph with the Exchange check pending (reclaim ack)")
        } else {
            String::new()
        };
        self.summary = Some(format!(
            "{} of {} accounts contained{exo}",
            v["completed"], v["accounts"]
        ));
    }
}

#[cfg(test)]
#[path = "contain_view_tests.rs"]
mod tests;
