//! `reclaim apply`: carry out a plan, account by account (several in parallel), step by step.
//!
//! Per account: read the tenant and compare it with the plan's "before" (drift: the account
//! stops and asks for a re-plan); resolve what the journal says (done steps are never
//! repeated; a step whose outcome is unknown is checked against the tenant first); then for
//! each remaining step write the intent (fsynced), send the request, read back to verify, and
//! write the outcome. The first step that fails, cannot be verified or has an unknown outcome
//! stops its account (so `enable-signin`, last, only runs when everything before it worked);
//! other accounts go on.

use super::op::Op;
use super::plan::{AccountPlan, Plan, Step};
use super::read::read_state;
use super::report::{
    AccountOutcome, AccountReport, ApplyEvent, ApplyReport, StepReport, StepStatus,
};
pub use super::resume::{resolve, Resolution};
pub use super::reveal::{generate_password, CollectingSink, SecretSink};
use futures::StreamExt;
use reclaim_audit::{Journal, Note, StepOutcome, StepResult, StepState};
use reclaim_graph::GraphClient;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

mod step;
use step::{run_step, secret_name};

#[derive(Clone)]
pub struct ApplyOptions {
    /// Accounts worked on at once (the client's scheduler keeps within throttle budgets).
    pub concurrency: usize,
    /// Read-backs before a step counts as not verified (revocation can lag).
    pub verify_attempts: u32,
    /// Wait before the second read-back; doubled each time.
    pub verify_delay: Duration,
    /// Sends of an idempotent write (DELETE, PATCH to a fixed value) whose outcome is unknown
    /// (a 5xx, a lost answer) and whose read-back shows it not done, within one run.
    pub write_attempts: u32,
    pub events: Option<UnboundedSender<ApplyEvent>>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            verify_attempts: 4,
            verify_delay: Duration::from_millis(500),
            write_attempts: 3,
            events: None,
        }
    }
}

struct Ctx<'a> {
    client: &'a GraphClient,
    journal: &'a Journal,
    plan: &'a Plan,
    opts: &'a ApplyOptions,
    sink: &'a dyn SecretSink,
    states: &'a BTreeMap<String, StepState>,
    /// Manual steps already handed over or acknowledged in the journal.
    manual: &'a super::exchange::ManualStates,
}

impl Ctx<'_> {
    fn emit(&self, e: ApplyEvent) {
        if let Some(tx) = &self.opts.events {
            let _ = tx.send(e);
        }
    }
}

/// Applies the plan. Journal errors before a request is sent stop that account without
/// sending anything.
pub async fn apply(
    client: &GraphClient,
    journal: &Journal,
    plan: &Plan,
    opts: &ApplyOptions,
    sink: &dyn SecretSink,
) -> Result<ApplyReport, reclaim_audit::AuditError> {
    let states = journal.step_states(Some(&plan.id))?;
    let manual = if plan.accounts.iter().any(|a| !a.manual.is_empty()) {
        super::exchange::manual_states(&journal.records()?)
    } else {
        super::exchange::ManualStates::default()
    };
    tracing::info!(
        plan = %plan.id,
        playbook = %reclaim_core::sanitize::inert(&plan.playbook.name),
        accounts = plan.accounts.len(),
        steps = plan.step_count(),
        "applying a plan"
    );
    journal
        .note_async(Note {
            kind: "apply-started".into(),
            incident: plan.incident.clone(),
            plan_id: Some(plan.id.clone()),
            data: json!({ "digest": plan.digest, "accounts": plan.accounts.len(),
                      "steps": plan.step_count(), "playbook": plan.playbook.name }),
            ..Note::default()
        })
        .await?;
    let cx = Ctx {
        client,
        journal,
        plan,
        opts,
        sink,
        states: &states,
        manual: &manual,
    };
    // Indices, not references, into the stream: a closure over borrowed items makes the
    // future fail `Send` for the console's spawned tasks (rustc #102211).
    let accounts: Vec<AccountReport> = futures::stream::iter(0..plan.accounts.len())
        .map(|i| apply_account(&cx, &plan.accounts[i]))
        .buffered(opts.concurrency.max(1))
        .collect()
        .await;
    let report = ApplyReport {
        plan_id: plan.id.clone(),
        accounts,
    };
    journal
        .note_async(Note {
            kind: "apply-summary".into(),
            incident: plan.incident.clone(),
            plan_id: Some(plan.id.clone()),
            data: report.summary_json(),
            ..Note::default()
        })
        .await?;
    Ok(report)
}

fn not_run(steps: &[Step], from: usize) -> Vec<StepReport> {
    steps[from..]
        .iter()
        .map(|s| StepReport::new(s, StepStatus::NotRun))
        .collect()
}

async fn apply_account(cx: &Ctx<'_>, acct: &AccountPlan) -> AccountReport {
    let mut report = AccountReport::new(acct);
    cx.emit(ApplyEvent::AccountStarted {
        user: acct.user_principal_name.clone(),
    });
    let parts = super::resume::start_parts(acct, cx.states);
    let now = match read_state(cx.client, &acct.user_id, &parts).await {
        Ok(s) => s,
        Err(e) => {
            report.missing_permission |= e.is_missing_permission();
            report.outcome = AccountOutcome::Unreadable {
                error: e.to_string(),
            };
            report.steps = not_run(&acct.steps, 0);
            return report;
        }
    };
    let Resolution {
        done,
        mut recovered,
        changes,
    } = resolve(acct, &now, cx.states);
    if !changes.is_empty() {
        let _ = cx
            .journal
            .note_async(Note {
                kind: "drift-detected".into(),
                incident: cx.plan.incident.clone(),
                plan_id: Some(cx.plan.id.clone()),
                target: Some(acct.user_principal_name.clone()),
                data: json!({ "changes": changes }),
                ..Note::default()
            })
            .await;
        report.outcome = AccountOutcome::Drift { changes };
        report.steps = acct
            .steps
            .iter()
            .zip(&done)
            .map(|(s, d)| {
                StepReport::new(
                    s,
                    if *d {
                        StepStatus::AlreadyDone
                    } else {
                        StepStatus::NotRun
                    },
                )
            })
            .collect();
        return report;
    }
    for (i, step) in acct.steps.iter().enumerate() {
        if let Some((intent, check)) = recovered[i].take() {
            let warning = matches!(step.op, Op::IssueTap { .. } | Op::ResetPassword { .. }).then(|| {
                format!("the {} was set by an earlier run that was cut off before it could be shown: plan `{}` again for this account to get a new one", secret_name(&step.op), step.action)
            });
            let out = StepOutcome {
                status: None,
                graph_request_id: None,
                result: StepResult::Succeeded,
                verification: Some(json!({ "ok": true, "check": check.detail, "resumed": true })),
            };
            if let Err(e) = cx.journal.outcome_async(&intent.reference(), out).await {
                report.steps.push(StepReport::new(
                    step,
                    StepStatus::Failed {
                        error: format!("cannot write the journal: {e}"),
                    },
                ));
                report.steps.extend(not_run(&acct.steps, i + 1));
                report.outcome = AccountOutcome::Stopped {
                    step: step.id.clone(),
                };
                return report;
            }
            let mut r = StepReport::new(
                step,
                StepStatus::Recovered {
                    detail: check.detail,
                },
            );
            r.warning = warning;
            cx.emit(ApplyEvent::StepFinished {
                step: step.id.clone(),
                status: r.status.clone(),
            });
            report.steps.push(r);
            continue;
        }
        if done[i] {
            report
                .steps
                .push(StepReport::new(step, StepStatus::AlreadyDone));
            continue;
        }
        // An earlier run was cut off after this step's intent and the tenant shows the step
        // not done: close that intent before the new one, so none stays pending for ever.
        if let Some(StepState::Unknown(old)) = cx.states.get(&step.id) {
            let out = StepOutcome {
                status: None,
                graph_request_id: None,
                result: StepResult::Superseded {
                    detail: format!(
                        "the tenant shows step {} not done; it runs again under a new intent",
                        step.id
                    ),
                },
                verification: None,
            };
            if let Err(e) = cx.journal.outcome_async(&old.reference(), out).await {
                report.steps.push(StepReport::new(
                    step,
                    StepStatus::Failed {
                        error: format!("cannot write the journal: {e}"),
                    },
                ));
                report.steps.extend(not_run(&acct.steps, i + 1));
                report.outcome = AccountOutcome::Stopped {
                    step: step.id.clone(),
                };
                return report;
            }
        }
        cx.emit(ApplyEvent::StepStarted {
            step: step.id.clone(),
        });
        let (status, missing) = run_step(cx, acct, step).await;
        log_step(acct, step, &status);
        report.missing_permission |= missing;
        cx.emit(ApplyEvent::StepFinished {
            step: step.id.clone(),
            status: status.clone(),
        });
        let ok = status.is_ok();
        report.steps.push(StepReport::new(step, status));
        if !ok {
            report.steps.extend(not_run(&acct.steps, i + 1));
            report.outcome = AccountOutcome::Stopped {
                step: step.id.clone(),
            };
            return report;
        }
    }
    report.outcome = AccountOutcome::Completed;
    report.handed_over = hand_over(cx, acct).await;
    report
}

/// Hands the account's manual steps (the Exchange check) to the operator once its Graph
/// steps are all done: journaled once as handed over, reported until acknowledged.
async fn hand_over(cx: &Ctx<'_>, acct: &AccountPlan) -> Vec<super::exchange::HandOver> {
    let mut out = Vec::new();
    for m in &acct.manual {
        let acknowledged = cx.manual.acknowledged.contains_key(&m.id);
        if !acknowledged && !cx.manual.handed_over.contains(&m.id) {
            let note = Note {
                kind: super::exchange::HANDED_OVER.into(),
                incident: cx.plan.incident.clone(),
                plan_id: Some(cx.plan.id.clone()),
                step_id: Some(m.id.clone()),
                target: Some(acct.user_principal_name.clone()),
                data: json!({ "action": m.action, "mailbox": m.mailbox, "commands": m.commands }),
            };
            if let Err(e) = cx.journal.note_async(note).await {
                tracing::warn!(step = %m.id, error = %e, "the hand-over could not be journaled");
            }
        }
        out.push(super::exchange::HandOver {
            id: m.id.clone(),
            action: m.action,
            mailbox: m.mailbox.clone(),
            commands: m.commands.clone(),
            acknowledged,
        });
    }
    out
}

/// One log line a step: which, on whom, and how it ended (the journal has the detail).
fn log_step(acct: &AccountPlan, step: &Step, status: &StepStatus) {
    let (user, action) = (acct.user_id.as_str(), step.action.name());
    match status {
        StepStatus::Failed { error } | StepStatus::Unknown { error } => tracing::warn!(
            step = %step.id, action, user, status = status.label(),
            error = %reclaim_core::sanitize::inert(error), "step finished"
        ),
        _ => {
            tracing::info!(step = %step.id, action, user, status = status.label(), "step finished")
        }
    }
}
