//! What apply reports: per step, per account, overall; the progress events the console and
//! the command line follow; the summary text and the contract's exit code.

use super::action::ActionKind;
use super::plan::{AccountPlan, Step};
use reclaim_core::sanitize::inert;
use serde::Serialize;
use serde_json::{json, Value};

/// How one step ended in this run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum StepStatus {
    /// Sent, accepted and verified by reading back.
    Done { detail: String },
    /// The journal already had it done: not repeated.
    AlreadyDone,
    /// Cut off by an earlier crash; the tenant shows it took effect: not repeated.
    Recovered { detail: String },
    /// Graph refused it.
    Failed { error: String },
    /// Accepted, but the read-back does not show the change.
    Unverified { detail: String },
    /// Sent, but whether it took effect is not known: the next run checks first.
    Unknown { error: String },
    /// Not reached (an earlier step of the account stopped it, or drift).
    NotRun,
}

impl StepStatus {
    pub fn is_ok(&self) -> bool {
        matches!(
            self,
            StepStatus::Done { .. } | StepStatus::AlreadyDone | StepStatus::Recovered { .. }
        )
    }
    pub fn label(&self) -> &'static str {
        match self {
            StepStatus::Done { .. } => "done",
            StepStatus::AlreadyDone => "already done",
            StepStatus::Recovered { .. } => "done (confirmed after an interrupted run)",
            StepStatus::Failed { .. } => "FAILED",
            StepStatus::Unverified { .. } => "NOT VERIFIED",
            StepStatus::Unknown { .. } => "OUTCOME UNKNOWN",
            StepStatus::NotRun => "not run",
        }
    }
    fn detail(&self) -> Option<&str> {
        match self {
            StepStatus::Done { detail }
            | StepStatus::Recovered { detail }
            | StepStatus::Unverified { detail } => Some(detail),
            StepStatus::Failed { error } | StepStatus::Unknown { error } => Some(error),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    pub id: String,
    pub action: ActionKind,
    pub summary: String,
    #[serde(flatten)]
    pub status: StepStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

impl StepReport {
    pub fn new(step: &Step, status: StepStatus) -> Self {
        StepReport {
            id: step.id.clone(),
            action: step.action,
            summary: step.summary.clone(),
            status,
            warning: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum AccountOutcome {
    Completed,
    /// The tenant changed since the plan: nothing was sent; make a new plan.
    Drift {
        changes: Vec<String>,
    },
    /// A step did not succeed; the steps after it were not run.
    Stopped {
        step: String,
    },
    /// The account's state could not be read: nothing was sent.
    Unreadable {
        error: String,
    },
}

impl AccountOutcome {
    /// The outcome's name in the journal's `apply-summary` (`outcomes[].outcome`).
    pub fn name(&self) -> &'static str {
        match self {
            AccountOutcome::Completed => "completed",
            AccountOutcome::Drift { .. } => "drift",
            AccountOutcome::Stopped { .. } => "stopped",
            AccountOutcome::Unreadable { .. } => "unreadable",
        }
    }
}

/// What applies did to an account: the console's accounts table shows it in the verdict
/// column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Every step of its plan verified (or found done already).
    Contained,
    /// Some steps ran, not all: the progress screen (or the journal) says which and why.
    Partial,
    /// Every Graph step verified; the Exchange check was handed over and not yet confirmed.
    ExchangePending,
}

impl Applied {
    /// An account's mark after an apply; `None` when nothing was sent for it (drift, an
    /// unreadable account), so what an earlier apply left stands.
    pub fn from_outcome(outcome: &str) -> Option<Applied> {
        match outcome {
            "completed" => Some(Applied::Contained),
            "stopped" => Some(Applied::Partial),
            super::exchange::PENDING_OUTCOME => Some(Applied::ExchangePending),
            _ => None,
        }
    }

    pub fn from_report(a: &AccountReport) -> Option<Applied> {
        Applied::from_outcome(a.outcome_name())
    }

    pub fn label(self) -> &'static str {
        match self {
            Applied::Contained => "contained",
            Applied::Partial => "partial",
            Applied::ExchangePending => "contained in Graph, Exchange check pending",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountReport {
    pub user_id: String,
    pub user_principal_name: String,
    #[serde(flatten)]
    pub outcome: AccountOutcome,
    pub steps: Vec<StepReport>,
    pub missing_permission: bool,
    /// Manual steps handed to the operator (the Exchange check) and whether each is confirmed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handed_over: Vec<super::exchange::HandOver>,
}

impl AccountReport {
    pub fn new(a: &AccountPlan) -> Self {
        AccountReport {
            user_id: a.user_id.clone(),
            user_principal_name: a.user_principal_name.clone(),
            outcome: AccountOutcome::Completed,
            steps: Vec::new(),
            missing_permission: false,
            handed_over: Vec::new(),
        }
    }

    /// Every Graph step done, but a handed-over manual step is not yet confirmed.
    pub fn exchange_pending(&self) -> bool {
        self.outcome == AccountOutcome::Completed
            && self.handed_over.iter().any(|h| !h.acknowledged)
    }

    /// The outcome as the journal's `apply-summary` names it.
    pub fn outcome_name(&self) -> &'static str {
        if self.exchange_pending() {
            super::exchange::PENDING_OUTCOME
        } else {
            self.outcome.name()
        }
    }
}

/// Progress for the console and the command line.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplyEvent {
    AccountStarted { user: String },
    StepStarted { step: String },
    StepFinished { step: String, status: StepStatus },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    pub plan_id: String,
    pub accounts: Vec<AccountReport>,
}

/// The overall result, as CONTRACT.md's exit codes see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every step done (or already done) and verified.
    Success,
    /// Some steps or accounts did not complete.
    Partial,
    /// Nothing at all succeeded.
    Failure,
    /// A step was refused for a missing permission.
    MissingPermission,
}

impl ApplyReport {
    fn steps(&self) -> impl Iterator<Item = &StepReport> {
        self.accounts.iter().flat_map(|a| a.steps.iter())
    }

    /// The verdict of the Graph steps alone: what it would be with every handed-over manual
    /// step acknowledged.
    pub fn graph_verdict(&self) -> Verdict {
        let mut all_acked = self.clone();
        for a in &mut all_acked.accounts {
            for h in &mut a.handed_over {
                h.acknowledged = true;
            }
        }
        all_acked.verdict()
    }

    /// Manual steps handed over and not yet acknowledged, by step id.
    pub fn pending_manual_steps(&self) -> Vec<&str> {
        self.accounts
            .iter()
            .flat_map(|a| &a.handed_over)
            .filter(|h| !h.acknowledged)
            .map(|h| h.id.as_str())
            .collect()
    }

    pub fn verdict(&self) -> Verdict {
        if self.accounts.iter().any(|a| a.missing_permission) {
            return Verdict::MissingPermission;
        }
        let complete = self
            .accounts
            .iter()
            .all(|a| a.outcome == AccountOutcome::Completed && !a.exchange_pending());
        if complete {
            return Verdict::Success;
        }
        if self.steps().any(|s| s.status.is_ok()) {
            Verdict::Partial
        } else {
            Verdict::Failure
        }
    }

    pub fn summary_json(&self) -> Value {
        let count = |f: &dyn Fn(&StepStatus) -> bool| self.steps().filter(|s| f(&s.status)).count();
        json!({
            "accounts": self.accounts.len(),
            "completed": self.accounts.iter().filter(|a| a.outcome == AccountOutcome::Completed && !a.exchange_pending()).count(),
            "exchangePending": self.accounts.iter().filter(|a| a.exchange_pending()).count(),
            "drift": self.accounts.iter().filter(|a| matches!(a.outcome, AccountOutcome::Drift { .. })).count(),
            "done": count(&|s| matches!(s, StepStatus::Done { .. })),
            "alreadyDone": count(&|s| matches!(s, StepStatus::AlreadyDone | StepStatus::Recovered { .. })),
            "failed": count(&|s| matches!(s, StepStatus::Failed { .. } | StepStatus::Unverified { .. })),
            "unknown": count(&|s| matches!(s, StepStatus::Unknown { .. })),
            "notRun": count(&|s| matches!(s, StepStatus::NotRun)),
            // Ids only (tenant text stays out of the summary): what a later console marks.
            "outcomes": self.accounts.iter()
                .map(|a| json!({ "userId": a.user_id, "outcome": a.outcome_name() }))
                .collect::<Vec<_>>(),
        })
    }

    /// The human summary (tenant text made inert).
    pub fn render(&self) -> String {
        let mut out = String::new();
        for a in &self.accounts {
            let head = match &a.outcome {
                AccountOutcome::Completed if a.exchange_pending() => {
                    "contained in Graph, Exchange check pending".to_string()
                }
                AccountOutcome::Completed => "contained".to_string(),
                AccountOutcome::Drift { .. } => "STOPPED: the account changed since the plan; nothing was sent. Make a new plan with `reclaim plan`".to_string(),
                AccountOutcome::Stopped { step } => format!("STOPPED at step {step}; later steps were not run (fix the cause and run apply again: done steps are not repeated)"),
                AccountOutcome::Unreadable { error } => format!("NOT STARTED: its state could not be read: {}", inert(error)),
            };
            out.push_str(&format!("{}: {head}\n", inert(&a.user_principal_name)));
            if let AccountOutcome::Drift { changes } = &a.outcome {
                for c in changes {
                    out.push_str(&format!("    changed: {}\n", inert(c)));
                }
            }
            for s in &a.steps {
                out.push_str(&format!(
                    "  [{}] {:<24} {}: {}\n",
                    s.id,
                    s.action.name(),
                    s.status.label(),
                    inert(&s.summary)
                ));
                if let Some(d) = s.status.detail() {
                    out.push_str(&format!("        {}\n", inert(d)));
                }
                if let Some(w) = &s.warning {
                    out.push_str(&format!("        warning: {}\n", inert(w)));
                }
            }
            out.push_str(&super::exchange::render_handed_over(&a.handed_over));
        }
        let v = self.summary_json();
        out.push_str(&format!(
            "{} of {} accounts contained ({} with the Exchange check pending); steps: {} done now, {} already done, {} failed or not verified, {} unknown, {} not run\n",
            v["completed"], v["accounts"], v["exchangePending"], v["done"], v["alreadyDone"], v["failed"], v["unknown"], v["notRun"]
        ));
        out
    }
}
