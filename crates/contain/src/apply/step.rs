//! One step of an apply: the intent written before the request leaves, the request, the
//! read-back that verifies it, and the outcome; lost answers are settled by reading back.

use super::Ctx;
use crate::op::{Op, PasswordReset};
use crate::plan::{AccountPlan, Step};
use crate::read::read_state;
use crate::report::StepStatus;
use crate::reveal::generate_password;
use crate::state::AccountState;
use crate::verify::Check;
use reclaim_audit::{StepIntent, StepOutcome, StepResult};
use reclaim_graph::GraphError;
use serde_json::{json, Value};
use std::time::Duration;

pub(super) fn secret_name(op: &Op) -> &'static str {
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

/// Intent, request, read-back, outcome. Returns the step's status and whether a permission
/// was missing.
pub(super) async fn run_step(cx: &Ctx<'_>, acct: &AccountPlan, step: &Step) -> (StepStatus, bool) {
    // A credential lives on its application, outside the account's drift check: its holder
    // is read again now, and nothing is sent when it changed or the credential is gone.
    if let Some(pre) = crate::app_footholds::pre_send(cx.client, &step.op).await {
        use crate::app_footholds::PreSend;
        match pre {
            Ok(PreSend::Proceed) => {}
            // Journaled like any step: a run cut off after sending it leaves the credential
            // gone (its intent closed as superseded), and the journal must say it is done.
            Ok(PreSend::Done(why)) => return journal_already_done(cx, acct, step, &why).await,
            Ok(PreSend::Drift(why)) => {
                return (
                    StepStatus::Failed {
                        error: format!("drift, nothing sent: {why}"),
                    },
                    false,
                )
            }
            Err(e) => {
                return (
                    StepStatus::Failed {
                        error: format!("could not read the credential's holder, nothing sent: {e}"),
                    },
                    e.is_missing_permission(),
                )
            }
        }
    }
    let upn = &acct.user_principal_name;
    let secret = step.request.secret.map(|_| generate_password());
    if let Some(s) = &secret {
        cx.journal.register_secret(s);
    }
    let intent = match cx.journal.intent_async(step_intent(cx, acct, step)).await {
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
    let outcome = |status: Option<u16>,
                   rid: Option<String>,
                   result: StepResult,
                   verification: Option<Value>| StepOutcome {
        status,
        graph_request_id: rid,
        result,
        verification,
    };
    let mut attempt = 0;
    let resp = loop {
        attempt += 1;
        // The plan's request was checked against the op when the plan was loaded; the typed
        // request carries its throttle scope, the action's capability names a refusal.
        let sent = match step.op.graph_request(&acct.user_id) {
            Ok(mut req) => {
                req.body = body.clone();
                req.capability = capability;
                cx.client.send(&req).await
            }
            Err(e) => Err(GraphError::Invalid(e.to_string())),
        };
        match sent {
            Ok(r) => break r,
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
                // The answer was lost, not necessarily the change: read the state back now,
                // as a resumed run would, so one lost response does not stop the account. Not
                // for steps whose result carries a secret (a TAP or password that never
                // reached us).
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
                // Not done: an idempotent write is sent again, said in the journal first.
                if step.op.is_idempotent_write() && attempt < cx.opts.write_attempts {
                    let note = reclaim_audit::Note {
                        kind: "retry".into(),
                        incident: cx.plan.incident.clone(),
                        plan_id: Some(cx.plan.id.clone()),
                        step_id: Some(step.id.clone()),
                        target: Some(upn.clone()),
                        data: json!({
                            "attempt": attempt + 1,
                            "of": cx.opts.write_attempts,
                            "after": e.to_string(),
                            "readBack": "not done",
                        }),
                    };
                    if cx.journal.note_async(note).await.is_ok() {
                        tokio::time::sleep(cx.opts.verify_delay * attempt).await;
                        continue;
                    }
                }
                let _ = cx
                    .journal
                    .outcome_async(&intent, outcome(None, rid, StepResult::Unknown, None))
                    .await;
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
                let _ = cx
                    .journal
                    .outcome_async(
                        &intent,
                        outcome(
                            e.status(),
                            rid,
                            StepResult::Failed {
                                error: error.clone(),
                            },
                            None,
                        ),
                    )
                    .await;
                return (StepStatus::Failed { error }, e.is_missing_permission());
            }
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
        let reset = reclaim_graph::client::PasswordReset {
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
            let _ = cx
                .journal
                .outcome_async(
                    &intent,
                    outcome(
                        Some(resp.status),
                        rid,
                        StepResult::Failed {
                            error: error.clone(),
                        },
                        None,
                    ),
                )
                .await;
            return (StepStatus::Failed { error }, e.is_missing_permission());
        }
    }
    if let Some(s) = &secret {
        cx.sink.show(upn, &step.id, "new password", s);
    }
    match verify(cx, acct, step, created.as_deref()).await {
        Some(check) if check.ok => {
            let v = json!({ "ok": true, "check": check.detail, "createdId": created });
            let _ = cx
                .journal
                .outcome_async(
                    &intent,
                    outcome(Some(resp.status), rid, StepResult::Succeeded, Some(v)),
                )
                .await;
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
            let _ = cx
                .journal
                .outcome_async(
                    &intent,
                    outcome(
                        Some(resp.status),
                        rid,
                        StepResult::Failed { error },
                        Some(v),
                    ),
                )
                .await;
            (StepStatus::Unverified { detail }, false)
        }
    }
}

/// For a step whose request went wrong in a way that may still have had the planned effect
/// (its answer lost, or a delete answered 404): reads the state back and, when the check
/// passes, records the step done with `why` beside the check.
fn step_intent(cx: &Ctx<'_>, acct: &AccountPlan, step: &Step) -> StepIntent {
    StepIntent {
        incident: cx.plan.incident.clone(),
        plan_id: cx.plan.id.clone(),
        step_id: step.id.clone(),
        action: step.action.name().into(),
        target: acct.user_principal_name.clone(),
        before: json!({ "userId": acct.user_id, "op": step.op, "state": step.before }),
        request: step.request.summary(),
    }
}

/// A credential step whose holder, read just before, shows it already done: an intent and a
/// succeeded outcome carrying that read, nothing sent.
async fn journal_already_done(
    cx: &Ctx<'_>,
    acct: &AccountPlan,
    step: &Step,
    why: &str,
) -> (StepStatus, bool) {
    let written = match cx.journal.intent_async(step_intent(cx, acct, step)).await {
        Ok(intent) => {
            let v = json!({ "ok": true, "check": why, "alreadyDone": true });
            let out = StepOutcome {
                status: None,
                graph_request_id: None,
                result: StepResult::Succeeded,
                verification: Some(v),
            };
            cx.journal.outcome_async(&intent, out).await.map(|_| ())
        }
        Err(e) => Err(e),
    };
    match written {
        Ok(()) => (StepStatus::AlreadyDone, false),
        Err(e) => (
            StepStatus::Failed {
                error: format!("cannot write the journal: {e}"),
            },
            false,
        ),
    }
}

async fn done_if_read_back(
    cx: &Ctx<'_>,
    acct: &AccountPlan,
    step: &Step,
    intent: &reclaim_audit::RecordRef,
    status: Option<u16>,
    graph_request_id: Option<String>,
    why: &str,
) -> Option<(StepStatus, bool)> {
    let check = verify(cx, acct, step, None).await.filter(|c| c.ok)?;
    let v = json!({ "ok": true, "check": format!("{} ({why})", check.detail) });
    let _ = cx
        .journal
        .outcome_async(
            intent,
            StepOutcome {
                status,
                graph_request_id,
                result: StepResult::Succeeded,
                verification: Some(v),
            },
        )
        .await;
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
        let read = match crate::read::read_method_target(
            cx.client,
            &acct.user_id,
            &step.op,
            created,
        )
        .await
        {
            Some(r) => r,
            None => match crate::app_footholds::read_target(cx.client, &step.op).await {
                Some(r) => r,
                None => read_state(cx.client, &acct.user_id, step.op.parts()).await,
            },
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
