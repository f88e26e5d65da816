//! `reclaim undo STEP`: reverse one applied step from the pre-state the journal recorded.
//!
//! Reversible: sign-in blocked or allowed, a phone number changed, added or deleted, an inbox
//! rule deleted (recreated from its recorded definition) or disabled, a Temporary Access
//! Pass issued. Everything else says plainly why it cannot be undone.

use super::action::ActionKind;
use super::op::{phone_method_id, Op, PlannedRequest};
use reclaim_graph::models::MethodKind;
use serde_json::Value;

/// The op that reverses `op`, given the object's recorded state before it (`before`) and the
/// id of what the step created, if anything. `Err` says why it cannot be reversed.
pub(crate) fn reverse(
    action: ActionKind,
    op: &Op,
    before: &Value,
    created: Option<&str>,
) -> Result<Op, String> {
    let s = |k: &str| before.get(k).and_then(Value::as_str).map(str::to_string);
    let not = |why: &str| Err(format!("`{action}` cannot be undone: {why}"));
    match op {
        Op::SetAccountEnabled { enabled } => Ok(Op::SetAccountEnabled {
            enabled: before
                .get("accountEnabled")
                .and_then(Value::as_bool)
                .unwrap_or(!enabled),
        }),
        Op::SetPhoneNumber { phone_type, .. } => match s("phoneNumber") {
            Some(number) => Ok(Op::SetPhoneNumber {
                phone_type: phone_type.clone(),
                number,
            }),
            None => not("the journal holds no earlier number for this phone"),
        },
        Op::AddPhone { phone_type, .. } => match phone_method_id(phone_type) {
            Some(id) => Ok(Op::DeleteMethod {
                method_id: id.into(),
                kind: MethodKind::Phone,
            }),
            None => not("unknown phone type"),
        },
        Op::DeleteMethod {
            kind: MethodKind::Phone,
            ..
        } => match (s("phoneType"), s("phoneNumber")) {
            (Some(phone_type), Some(number)) => Ok(Op::AddPhone { phone_type, number }),
            _ => not("the journal holds no number for the deleted phone"),
        },
        Op::DeleteMethod {
            kind: MethodKind::TemporaryAccessPass,
            ..
        } => not("a Temporary Access Pass cannot be brought back; issue a new one"),
        Op::DeleteMethod { kind, .. } => not(&format!(
            "a {} method holds a secret that lives on the owner's device; Graph cannot \
             recreate it, the owner registers it again (issue-tap gives them a way in)",
            kind.segment().trim_end_matches("Methods")
        )),
        Op::DeleteRule { .. } => {
            if before.get("displayName").is_none() {
                return not("the journal holds no definition of the deleted rule");
            }
            Ok(Op::CreateRule {
                rule: before.clone(),
            })
        }
        Op::DeleteRoleAssignment { .. } => Ok(Op::CreateRoleAssignment {
            role_definition_id: before
                .get("roleDefinitionId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            directory_scope_id: before
                .get("directoryScopeId")
                .and_then(Value::as_str)
                .unwrap_or("/")
                .to_string(),
        }),
        Op::RemoveGroupMember { group_id } => Ok(Op::AddGroupMember {
            group_id: group_id.clone(),
        }),
        Op::CreateRoleAssignment { .. } | Op::AddGroupMember { .. } => {
            not("it is itself the undo of a removal")
        }
        Op::SetDeviceEnabled { device_id, enabled } => Ok(Op::SetDeviceEnabled {
            device_id: device_id.clone(),
            enabled: before
                .get("accountEnabled")
                .and_then(Value::as_bool)
                .unwrap_or(!enabled),
        }),
        Op::SetRuleEnabled { rule_id, enabled } => Ok(Op::SetRuleEnabled {
            rule_id: rule_id.clone(),
            enabled: before
                .get("isEnabled")
                .and_then(Value::as_bool)
                .unwrap_or(!enabled),
        }),
        Op::IssueTap { .. } => match created {
            Some(id) => Ok(Op::DeleteMethod {
                method_id: id.into(),
                kind: MethodKind::TemporaryAccessPass,
            }),
            None => not("the journal does not name the pass that was created"),
        },
        Op::SetDefaultMfa { .. } => match s("userPreferredMethodForSecondaryAuthentication") {
            Some(preferred) => Ok(Op::SetDefaultMfa { preferred }),
            None => not("the account had no default MFA method before the step"),
        },
        Op::CreateRule { .. } => {
            not("it is itself an undo; delete the recreated rule in Outlook or re-apply the plan")
        }
        Op::DeleteAppRoleAssignment { .. } => match (s("resourceId"), s("appRoleId")) {
            (Some(resource_id), Some(app_role_id)) => Ok(Op::CreateAppRoleAssignment {
                resource_id,
                app_role_id,
            }),
            _ => not("the journal holds no resource or role of the deleted assignment"),
        },
        Op::CreateAppRoleAssignment { .. } | Op::CreateAppRoleGrant { .. } => {
            not("it is itself an undo; delete the re-created assignment or re-apply the plan")
        }
        Op::DeleteAppRoleGrant { .. } => {
            match (s("resourceId"), s("principalId"), s("appRoleId")) {
                (Some(resource_id), Some(principal_id), Some(app_role_id)) => {
                    Ok(Op::CreateAppRoleGrant {
                        resource_id,
                        principal_id,
                        app_role_id,
                    })
                }
                _ => not("the journal holds no resource, principal or role of the deleted grant"),
            }
        }
        Op::RemoveAppPassword { .. } | Op::RemoveAppKey { .. } => not(
            "a removed secret or certificate cannot be brought back: Graph never returns a \
             secret's text and reclaim never holds the certificate's private key; the app's \
             owner adds a new credential if the app still needs one",
        ),
        Op::RevokeSessions
        | Op::ResetPassword { .. }
        | Op::ConfirmCompromised
        | Op::DeleteGrant { .. } => not(action.info().reversibility.text()),
    }
}

/// Why an undo did not happen.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error("no step `{0}` in the audit journal")]
    NotFound(String),
    #[error("step {step} was not applied successfully ({state}): there is nothing to undo")]
    NotApplied { step: String, state: String },
    #[error("step {0} was already undone")]
    AlreadyUndone(String),
    #[error("{0}")]
    NotReversible(String),
    #[error("the tenant no longer shows what step {step} did ({detail}): nothing was undone")]
    Changed { step: String, detail: String },
    #[error("the journal cannot be used: {0}")]
    Journal(#[from] reclaim_audit::AuditError),
    #[error("{0}")]
    Graph(Box<reclaim_graph::GraphError>),
    #[error("the undo of step {step} was sent but {detail}")]
    Unverified { step: String, detail: String },
}

impl From<reclaim_graph::GraphError> for UndoError {
    fn from(e: reclaim_graph::GraphError) -> Self {
        UndoError::Graph(Box::new(e))
    }
}

/// What an undo did.
#[derive(Debug, Clone, PartialEq)]
pub struct Undone {
    pub step: String,
    pub action: ActionKind,
    pub target: String,
    /// The account's id (`target` is its UPN).
    pub user_id: String,
    pub op: Op,
    pub detail: String,
}

/// The step id an undo is journaled under.
pub fn undo_step_id(step: &str) -> String {
    format!("{step}.undo")
}

/// What the journal holds about an applied step: the account, the op, the recorded
/// pre-state, and the id of anything it created.
pub struct Applied {
    pub plan_id: String,
    pub incident: String,
    pub action: ActionKind,
    pub target: String,
    pub user_id: String,
    pub op: Op,
    pub before: Value,
    pub created: Option<String>,
}

/// Finds an applied step in the journal.
pub fn find_applied(records: &[reclaim_audit::Record], step: &str) -> Result<Applied, UndoError> {
    use reclaim_audit::StepState;
    let states = reclaim_audit::step_states(records, None);
    let state = states
        .get(step)
        .ok_or_else(|| UndoError::NotFound(step.to_string()))?;
    if states
        .get(&undo_step_id(step))
        .is_some_and(|s| matches!(s, StepState::Done { .. }))
    {
        return Err(UndoError::AlreadyUndone(step.to_string()));
    }
    let StepState::Done { intent, outcome } = state else {
        return Err(UndoError::NotApplied {
            step: step.to_string(),
            state: state.label().to_string(),
        });
    };
    let bad = |what: &str| {
        UndoError::NotReversible(format!(
            "step {step}: the journal record has no usable {what}"
        ))
    };
    let action = intent
        .action
        .as_deref()
        .and_then(ActionKind::from_name)
        .ok_or_else(|| {
            if intent
                .action
                .as_deref()
                .is_some_and(|a| a.starts_with("undo:"))
            {
                UndoError::NotReversible(format!(
                    "step {step} is itself an undo: apply the plan again instead"
                ))
            } else {
                bad("action")
            }
        })?;
    let before = intent.before.clone().unwrap_or_default();
    let op: Op = serde_json::from_value(before.get("op").cloned().unwrap_or_default())
        .map_err(|_| bad("op"))?;
    let user_id = before
        .get("userId")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("account id"))?
        .to_string();
    let created = outcome
        .verification
        .as_ref()
        .and_then(|v| v.get("createdId"))
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Applied {
        plan_id: intent.plan_id.clone().unwrap_or_default(),
        incident: intent.incident.clone().unwrap_or_default(),
        action,
        target: intent.target.clone().unwrap_or_default(),
        user_id,
        op,
        before: before.get("state").cloned().unwrap_or_default(),
        created,
    })
}

/// What verifies `op`: its resource's assignments for a grant op (read per resource), the
/// account's parts otherwise.
async fn read_for(
    client: &reclaim_graph::GraphClient,
    user_id: &str,
    op: &Op,
) -> Result<super::state::AccountState, reclaim_graph::GraphError> {
    match super::app_grants::read_target(client, op).await {
        Some(r) => r,
        None => super::read::read_state(client, user_id, op.parts()).await,
    }
}

/// The reversing op for an applied step, after checking the tenant still shows the step's
/// effect (so an undo never overwrites a later change).
pub async fn prepare(client: &reclaim_graph::GraphClient, a: &Applied) -> Result<Op, UndoError> {
    let op = reverse(a.action, &a.op, &a.before, a.created.as_deref())
        .map_err(UndoError::NotReversible)?;
    let now = read_for(client, &a.user_id, &a.op).await?;
    let still = a.op.check(
        &super::state::AccountState::default(),
        &now,
        a.created.as_deref(),
    );
    if !still.ok {
        return Err(UndoError::Changed {
            step: String::new(),
            detail: still.detail,
        });
    }
    Ok(op)
}

/// Reverses one applied step: journal intent, request, read-back, outcome.
pub async fn undo(
    client: &reclaim_graph::GraphClient,
    journal: &reclaim_audit::Journal,
    step: &str,
) -> Result<Undone, UndoError> {
    use reclaim_audit::{StepIntent, StepOutcome, StepResult};
    let a = find_applied(&journal.records()?, step)?;
    let op = prepare(client, &a).await.map_err(|e| match e {
        UndoError::Changed { detail, .. } => UndoError::Changed {
            step: step.to_string(),
            detail,
        },
        other => other,
    })?;
    let not_reversible = |e: super::op::OpError| UndoError::NotReversible(e.to_string());
    let mut greq = op.graph_request(&a.user_id).map_err(not_reversible)?;
    let req = PlannedRequest::of(&greq, op.secret_slot()).map_err(not_reversible)?;
    let before = serde_json::json!({
        "userId": a.user_id, "op": op, "undoes": step, "state": a.before,
    });
    let intent = journal
        .intent_async(StepIntent {
            incident: a.incident.clone(),
            plan_id: a.plan_id.clone(),
            step_id: undo_step_id(step),
            action: format!("undo:{}", a.action),
            target: a.target.clone(),
            before,
            request: req.summary(),
        })
        .await?;
    let capability = op.capability().unwrap_or(a.action.info().capability);
    greq.capability = capability;
    let resp = match client.send(&greq).await {
        Ok(r) => r,
        Err(e) => {
            let result = if e.is_outcome_unknown() {
                StepResult::Unknown
            } else {
                StepResult::Failed {
                    error: e.to_string(),
                }
            };
            let _ = journal
                .outcome_async(
                    &intent,
                    StepOutcome {
                        status: e.status(),
                        graph_request_id: None,
                        result,
                        verification: None,
                    },
                )
                .await;
            return Err(e.into());
        }
    };
    let created = serde_json::from_slice::<Value>(&resp.body)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_string));
    let now = read_for(client, &a.user_id, &op).await?;
    let check = op.check(
        &super::state::AccountState::default(),
        &now,
        created.as_deref(),
    );
    let result = if check.ok {
        StepResult::Succeeded
    } else {
        StepResult::Failed {
            error: format!("not verified: {}", check.detail),
        }
    };
    let verification =
        serde_json::json!({ "ok": check.ok, "check": check.detail, "createdId": created });
    journal
        .outcome_async(
            &intent,
            StepOutcome {
                status: Some(resp.status),
                graph_request_id: resp.ids.request_id.clone(),
                result,
                verification: Some(verification),
            },
        )
        .await?;
    if !check.ok {
        return Err(UndoError::Unverified {
            step: step.to_string(),
            detail: check.detail,
        });
    }
    Ok(Undone {
        step: step.to_string(),
        action: a.action,
        target: a.target,
        user_id: a.user_id,
        op,
        detail: check.detail,
    })
}

#[cfg(test)]
#[path = "undo_tests.rs"]
mod tests;
