//! Application permissions the account granted to a service principal from the attacker's
//! address (`POST /servicePrincipals/{resourceId}/appRoleAssignedTo`, "Add app role assignment
//! to service principal"): part of `revoke-oauth-grants`, which deletes exactly those
//! assignments (`DELETE /servicePrincipals/{resourceId}/appRoleAssignedTo/{id}`).
//!
//! The assignment lives on the API's service principal, not on the account: it is read per
//! resource (the ones the evidence names), kept out of the account's drift fingerprint, and
//! re-read just before the delete is sent (gone: done; granted to another principal or role
//! than planned: drift, nothing sent). Undo re-grants it from the recorded pre-state.

use super::action::ActionKind;
use super::app_footholds::{text, PreSend};
use super::expand::Ctx;
use super::op::Op;
use super::state::AccountState;
use super::verify::Check;
use reclaim_core::sanitize::inert;
use reclaim_graph::{requests, GraphClient, GraphError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A grant the evidence ties to the attacker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TiedGrant {
    pub assignment_id: String,
    pub resource_id: String,
    pub principal_id: String,
    pub app_role_id: String,
    pub reasons: Vec<String>,
}

pub fn tied_grants(f: &reclaim_triage::model::Findings) -> Vec<TiedGrant> {
    f.attacker_app_role_grants
        .iter()
        .map(|g| TiedGrant {
            assignment_id: g.grant.assignment_id.clone(),
            resource_id: g.grant.resource_id.clone(),
            principal_id: g.grant.principal_id.clone(),
            app_role_id: g.grant.app_role_id.clone(),
            reasons: g.reasons.clone(),
        })
        .collect()
}

/// One app role assignment on an API's service principal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantState {
    pub id: String,
    pub app_role_id: String,
    pub resource_id: String,
    pub principal_id: String,
    /// Tenant text.
    pub principal_display_name: String,
    /// Tenant text.
    pub resource_display_name: String,
}

impl GrantState {
    pub fn from_graph(v: &Value) -> GrantState {
        let t = |k: &str| text(v, k).unwrap_or_default();
        GrantState {
            id: t("id"),
            app_role_id: t("appRoleId"),
            resource_id: t("resourceId"),
            principal_id: t("principalId"),
            principal_display_name: t("principalDisplayName"),
            resource_display_name: t("resourceDisplayName"),
        }
    }
}

/// Every assignment on the API's service principal (empty when it is gone).
pub async fn read_resource(
    client: &GraphClient,
    resource_id: &str,
) -> Result<Vec<GrantState>, GraphError> {
    match client.sp_app_role_assigned_to(resource_id).collect().await {
        Ok(list) => Ok(list
            .items
            .iter()
            .map(|a| GrantState::from_graph(&serde_json::to_value(a).unwrap_or(Value::Null)))
            .collect()),
        Err(e) if e.is_not_found() => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// The assignments on the resources the evidence names, each resource read once; `None`
/// when the evidence names none.
pub async fn read_for_evidence(
    client: &GraphClient,
    ev: &super::evidence::Evidence,
) -> Result<Option<Vec<GrantState>>, GraphError> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for t in &ev.attacker_app_role_grants {
        if !seen.contains(&t.resource_id.as_str()) {
            seen.push(&t.resource_id);
            out.extend(read_resource(client, &t.resource_id).await?);
        }
    }
    Ok((!seen.is_empty()).then_some(out))
}

fn resource_of(op: &Op) -> Option<&str> {
    match op {
        Op::DeleteAppRoleGrant { resource_id, .. } | Op::CreateAppRoleGrant { resource_id, .. } => {
            Some(resource_id)
        }
        _ => None,
    }
}

/// The GET that verifies a grant op (shown in the plan and the dry run).
pub fn verify_paths(op: &Op) -> Option<Vec<String>> {
    let r = resource_of(op)?;
    Some(vec![format!(
        "GET {}",
        requests::sp_app_role_assigned_to(r).describe()
    )])
}

/// For a grant op, a read of its resource's assignments; `None` for other ops.
pub async fn read_target(
    client: &GraphClient,
    op: &Op,
) -> Option<Result<AccountState, GraphError>> {
    let r = resource_of(op)?;
    Some(read_resource(client, r).await.map(|l| AccountState {
        app_role_grants: Some(l),
        ..AccountState::default()
    }))
}

/// The check before a grant's delete is sent; `None` for other ops.
pub async fn pre_send(client: &GraphClient, op: &Op) -> Option<Result<PreSend, GraphError>> {
    let Op::DeleteAppRoleGrant {
        resource_id,
        assignment_id,
        principal_id,
        app_role_id,
    } = op
    else {
        return None;
    };
    let list = match read_resource(client, resource_id).await {
        Ok(l) => l,
        Err(e) => return Some(Err(e)),
    };
    Some(Ok(match list.iter().find(|a| &a.id == assignment_id) {
        None => PreSend::Done(format!(
            "app role assignment {assignment_id} is already gone from {resource_id}"
        )),
        Some(a) if &a.principal_id != principal_id || &a.app_role_id != app_role_id => {
            PreSend::Drift(format!(
                "app role assignment {assignment_id} now grants role {} to {} (planned {} to \
                 {}); re-plan",
                a.app_role_id, a.principal_id, app_role_id, principal_id
            ))
        }
        Some(_) => PreSend::Proceed,
    }))
}

pub(crate) fn check(op: &Op, now: &AccountState, created: Option<&str>) -> Check {
    let Some(list) = &now.app_role_grants else {
        return Check::no("the service principal's app role assignments were not read back");
    };
    match op {
        Op::DeleteAppRoleGrant { assignment_id, .. } => {
            if list.iter().any(|a| &a.id == assignment_id) {
                Check::no(format!(
                    "app role assignment {assignment_id} is still there"
                ))
            } else {
                Check::yes(format!("app role assignment {assignment_id} is gone"))
            }
        }
        Op::CreateAppRoleGrant {
            principal_id,
            app_role_id,
            ..
        } => match list
            .iter()
            .find(|a| &a.principal_id == principal_id && &a.app_role_id == app_role_id)
        {
            Some(a) => Check::yes(format!(
                "app role {app_role_id} is granted to {principal_id} again (assignment {}{})",
                a.id,
                created
                    .map(|c| format!(", created {c}"))
                    .unwrap_or_default()
            )),
            None => Check::no(format!(
                "no app role {app_role_id} granted to {principal_id}"
            )),
        },
        _ => Check::no("not an app role grant op"),
    }
}

pub(crate) fn project(op: &Op, state: &mut AccountState) {
    if let Op::DeleteAppRoleGrant { assignment_id, .. } = op {
        if let Some(l) = state.app_role_grants.as_mut() {
            l.retain(|a| &a.id != assignment_id);
        }
    }
}

pub(crate) fn expected(op: &Op) -> Value {
    match op {
        Op::DeleteAppRoleGrant { assignment_id, .. } => {
            json!({ "appRoleAssignment": assignment_id, "present": false })
        }
        Op::CreateAppRoleGrant {
            principal_id,
            app_role_id,
            ..
        } => {
            json!({ "appRoleAssignment": { "principalId": principal_id, "appRoleId": app_role_id } })
        }
        _ => Value::Null,
    }
}

/// The application permissions the account granted from the attacker's address (within
/// `revoke-oauth-grants`): one DELETE per assignment still there; nothing else.
pub(crate) fn revoke_grants(cx: &mut Ctx<'_>) {
    let a = ActionKind::RevokeOauthGrants;
    if cx.ev.attacker_app_role_grants.is_empty() {
        return;
    }
    let Some(list) = cx.work.app_role_grants.clone() else {
        cx.skip(
            a,
            "the service principals' app role assignments could not be read",
        );
        return;
    };
    for tied in cx.ev.attacker_app_role_grants.clone() {
        let Some(x) = list
            .iter()
            .find(|x| x.id == tied.assignment_id && x.resource_id == tied.resource_id)
        else {
            cx.skip(
                a,
                format!("app role assignment {} is already gone", tied.assignment_id),
            );
            continue;
        };
        let mut why: Vec<String> = tied.reasons.iter().map(|r| inert(r).into_owned()).collect();
        why.extend(cx.verdict_why());
        cx.push(
            a,
            Op::DeleteAppRoleGrant {
                resource_id: x.resource_id.clone(),
                assignment_id: x.id.clone(),
                principal_id: x.principal_id.clone(),
                app_role_id: x.app_role_id.clone(),
            },
            format!(
                "Take back app role {} of \"{}\" the account granted to \"{}\" from the \
                 attacker's address",
                x.app_role_id,
                inert(&x.resource_display_name),
                inert(&x.principal_display_name)
            ),
            serde_json::to_value(x).unwrap_or(Value::Null),
            why,
        );
    }
}
