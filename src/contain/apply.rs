//! `reclaim apply`: carry out a plan, account by account (several in parallel), step by step.
//!
//! Per account: read the tenant and compare it with the plan's "before" (drift: the account
//! stops and asks for a re-plan); resolve what the journal says (done steps are never
//! repeated; a step whose outcome is unknown is checked against the tenant first); then for
//! each remaining step write the intent (fsynced), send the request, read back to verify, and
//! write the outcome. The first step that fails, cannot be verified or has an unknown outcome
//! stops its account (so `enable-signin`, last, only runs when everything before it worked);
//! other accounts go on.

use super::op::{Op, PasswordReset};
use super::plan::{AccountPlan, Plan, Step};
use super::read::{read_state, to_graph_request};
use super::report::{
    AccountOutcome, AccountReport, ApplyEvent, ApplyReport, StepReport, StepStatus,
};
pub use super::resume::{resolve, Resolution};
pub use super::reveal::{generate_password, CollectingSink, SecretSink};
use super::state::AccountState;
use super::verify::Check;
use crate::audit::{Journal, Note, StepIntent, StepOutcome, StepResult, StepState};
use crate::graph::{GraphClient, GraphError};
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Clone)]
pub struct ApplyOptions {
    /// Accounts worked on at once (the client's scheduler keeps within throttle budgets).
    pub concurrency: usize,
    /// Read-backs before a step counts as not verified (revocation can lag).
    pub verify_attempts: u32,
    /// Wait before the second read-back; doubled each time.
    pub verify_delay: Duration,
    pub events: Option<UnboundedSender<ApplyEvent>>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            verify_attempts: 4,
            verify_delay: Duration::from_millis(500),
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
) -> Result<ApplyReport, crate::audit::AuditError> {
    let states = journal.step_states(Some(&plan.id))?;
    tracing::info!(
        plan = %plan.id,
        playbook = %crate::sanitize::inert(&plan.playbook.name),
        accounts = plan.accounts.len(),
        steps = plan.step_count(),
        "applying a plan"
    );
    journal.note_with(Note {
        kind: "apply-started".into(),
        incident: plan.incident.clone(),
        plan_id: Some(plan.id.clone()),
        data: json!({ "digest": plan.digest, "accounts": plan.accounts.len(),
                      "steps": plan.step_count(), "playbook": plan.playbook.name }),
        ..Note::default()
    })?;
    let cx = Ctx {
        client,
        journal,
        plan,
        opts,
        sink,
        states: &states,
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
    journal.note_with(Note {
        kind: "apply-summary".into(),
        incident: plan.incident.clone(),
        plan_id: Some(plan.id.clone()),
        data: report.summary_json(),
        ..Note::default()
    })?;
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
        let _ = cx.journal.note_with(Note {
            kind: "drift-detected".into(),
            incident: cx.plan.incident.clone(),
            plan_id: Some(cx.plan.id.clone()),
            target: Some(acct.user_principal_name.clone()),
            data: json!({ "changes": changes }),
            ..Note::default()
        });
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
            if let Err(e) = cx.journal.outcome(&intent.reference(), out) {
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
    report
}

fn secret_name(op: &Op) -> &'static str {
    match op {
        Op::IssueTap { .. } => "Temporary Access Pass",
        _ => "new password",
    }
}

/// Hints for errors the operator can act on.
fn explain(e: &GraphError) -> String {
    let text = e.to_string();
    if text.contains("default authentication method")
        || text.contains("Cannot delete default method")
    {
        format!("{text}. The method is the account's default MFA method and this plan could not move the default (beta signInPreferences was not readable): make one of the owner's methods the default (Entra admin center > user > Authentication methods, or re-plan with UserAuthenticationMethod.ReadWrite.All and beta access) and run apply again; never delete an owner's method to get around it")
    } else if text.contains("alternate mobile") {
        format!("{text}. Delete the alternate mobile phone first")
    } else {
        text
    }
}

/// One log line a step: which, on whom, and how it ended (the journal has the detail).
fn log_step(acct: &AccountPlan, step: &Step, status: &StepStatus) {
    let (user, action) = (acct.user_id.as_str(), step.action.name());
    match status {
        StepStatus::Failed { error } | StepStatus::Unknown { error } => tracing::warn!(
            step = %step.id, action, user, status = status.label(),
            error = %crate::sanitize::inert(error), "step finished"
        ),
        _ => {
            tracing::info!(step = %step.id, action, user, status = status.label(), "step finished")
        }
    }
}

/// Intent, request, read-back, outcome. Returns the step's status and whether a permission
/// was missing.
async fn run_step(cx: &Ctx<'_>, acct: &AccountPlan, step: &Step) -> (StepStatus, bool) {
    let upn = &acct.user_principal_name;
    let secret = step.request.secret.map(|_| generate_password());
    if let Some(s) = &secret {
        cx.journal.register_secret(s);
    }
    let intent = StepIntent {
        incident: cx.plan.incident.clone(),
        plan_id: cx.plan.id.clone(),
        step_id: step.id.clone(),
        action: step.action.name().into(),
        target: upn.clone(),
        before: json!({ "userId": acct.user_id, "op": step.op, "state": step.before }),
        request: step.request.summary(),
    };
    let intent = match cx.journal.intent(intent) {
        Ok(r) => r,
        Err(e) => {
            return (
                StepStatus::Failed {
                    error: format!("cannot write the journal, nothing sent: {e}"),
                },
                false,
            )
        }
    };
    let mut body = step.request.body.clone();
    if let (Some(slot), Some(s), Some(b)) = (step.request.secret, &secret, body.as_mut()) {
        slot.fill(b, s);
    }
    let capability = step
        .op
        .capability()
        .unwrap_or(step.action.info().capability);
    let sent = match to_graph_request(&step.request, body, capability, &acct.user_id) {
        Ok(req) => cx.client.send(&req).await,
        Err(e) => Err(e),
    };
    let outcome = |status: Option<u16>,
                   rid: Option<String>,
                   result: StepResult,
                   verification: Option<Value>| StepOutcome {
        status,
        graph_request_id: rid,
        result,
        verification,
    };
    let resp = match sent {
        Ok(r) => r,
        Err(e) if e.is_outcome_unknown() => {
            if let Some(s) = &secret {
                cx.sink.show(
                    upn,
                    &step.id,
                    "new password (the reset may or may not have taken effect)",
                    s,
                );
            }
            let rid = e.ids().and_then(|i| i.request_id.clone());
            // The answer was lost, not necessarily the change: read the state back now, as a
            // resumed run would, so one lost response does not stop the account. Not for
            // steps whose result carries a secret (a TAP or password that never reached us).
            if secret.is_none()
                && !matches!(step.op, Op::IssueTap { .. } | Op::ResetPassword { .. })
            {
                let why = "read back after the response was lost";
                if let Some(done) =
                    done_if_read_back(cx, acct, step, &intent, None, rid.clone(), why).await
                {
                    return done;
                }
            }
            let _ = cx
                .journal
                .outcome(&intent, outcome(None, rid, StepResult::Unknown, None));
            return (
                StepStatus::Unknown {
                    error: e.to_string(),
                },
                false,
            );
        }
        Err(e) => {
            // Refused. A delete of something already gone has the effect the plan wants.
            let gone = e.is_not_found()
                && matches!(
                    step.op,
                    Op::DeleteMethod { .. } | Op::DeleteRule { .. } | Op::DeleteGrant { .. }
                );
            if gone {
                let why = "it was already gone";
                if let Some(done) =
                    done_if_read_back(cx, acct, step, &intent, e.status(), None, why).await
                {
                    return done;
                }
            }
            let error = explain(&e);
            let rid = e.ids().and_then(|i| i.request_id.clone());
            let _ = cx.journal.outcome(
                &intent,
                outcome(
                    e.status(),
                    rid,
                    StepResult::Failed {
                        error: error.clone(),
                    },
                    None,
                ),
            );
            return (StepStatus::Failed { error }, e.is_missing_permission());
        }
    };
    let rid = resp.ids.request_id.clone();
    let mut created: Option<String> = None;
    if let Op::IssueTap { .. } = step.op {
        let v: Value = serde_json::from_slice(&resp.body).unwrap_or_default();
        created = v.get("id").and_then(Value::as_str).map(str::to_string);
        match v.get("temporaryAccessPass").and_then(Value::as_str) {
            Some(pass) => {
                cx.journal.register_secret(pass);
                cx.sink.show(upn, &step.id, "Temporary Access Pass", pass);
            }
            None => cx.sink.show(
                upn,
                &step.id,
                "Temporary Access Pass",
                "(Graph returned no pass)",
            ),
        }
    }
    if let Op::ResetPassword {
        via: PasswordReset::ResetPassword,
    } = step.op
    {
        let reset = crate::graph::client::PasswordReset {
            operation_url: resp.location.clone(),
            generated_password: None,
            retry_after: resp.retry_after,
        };
        if let Err(e) = cx
            .client
            .wait_for_password_reset(&acct.user_id, &reset, Duration::from_secs(120))
            .await
        {
            let error = format!("the password reset did not complete: {e}");
            let _ = cx.journal.outcome(
                &intent,
                outcome(
                    Some(resp.status),
                    rid,
                    StepResult::Failed {
                        error: error.clone(),
                    },
                    None,
                ),
            );
            return (StepStatus::Failed { error }, e.is_missing_permission());
        }
    }
    if let Some(s) = &secret {
        cx.sink.show(upn, &step.id, "new password", s);
    }
    match verify(cx, acct, step, created.as_deref()).await {
        Some(check) if check.ok => {
            let v = json!({ "ok": true, "check": check.detail, "createdId": created });
            let _ = cx.journal.outcome(
                &intent,
                outcome(Some(resp.status), rid, StepResult::Succeeded, Some(v)),
            );
            (
                StepStatus::Done {
                    detail: check.detail,
                },
                false,
            )
        }
        other => {
            let detail = other.map_or_else(|| "the read-back failed".to_string(), |c| c.detail);
            let error = format!("not verified: {detail}");
            let v = json!({ "ok": false, "check": detail, "createdId": created });
            let _ = cx.journal.outcome(
                &intent,
                outcome(
                    Some(resp.status),
                    rid,
                    StepResult::Failed { error },
                    Some(v),
                ),
            );
            (StepStatus::Unverified { detail }, false)
        }
    }
}

/// For a step whose request went wrong in a way that may still have had the planned effect
/// (its answer lost, or a delete answered 404): reads the state back and, when the check
/// passes, records the step done with `why` beside the check.
async fn done_if_read_back(
    cx: &Ctx<'_>,
    acct: &AccountPlan,
    step: &Step,
    intent: &crate::audit::RecordRef,
    status: Option<u16>,
    graph_request_id: Option<String>,
    why: &str,
) -> Option<(StepStatus, bool)> {
    let check = verify(cx, acct, step, None).await.filter(|c| c.ok)?;
    let v = json!({ "ok": true, "check": format!("{} ({why})", check.detail) });
    let _ = cx.journal.outcome(
        intent,
        StepOutcome {
            status,
            graph_request_id,
            result: StepResult::Succeeded,
            verification: Some(v),
        },
    );
    Some((
        StepStatus::Done {
            detail: check.detail,
        },
        false,
    ))
}

/// Reads back until the check passes or the attempts run out.
async fn verify(
    cx: &Ctx<'_>,
    acct: &AccountPlan,
    step: &Step,
    created: Option<&str>,
) -> Option<Check> {
    let mut last = None;
    let mut delay = cx.opts.verify_delay;
    for attempt in 0..cx.opts.verify_attempts.max(1) {
        if attempt > 0 {
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
        let read = match super::read::read_method_target(
            cx.client,
            &acct.user_id,
            &step.op,
            created,
        )
        .await
        {
            Some(r) => r,
            None => read_state(cx.client, &acct.user_id, step.op.parts()).await,
        };
        let now: AccountState = match read {
            Ok(s) => s,
            Err(e) => {
                last = Some(Check {
                    ok: false,
                    detail: format!("read-back failed: {e}"),
                });
                continue;
            }
        };
        let c = step.op.check(&acct.before, &now, created);
        if c.ok {
            return Some(c);
        }
        last = Some(c);
    }
    last
}
