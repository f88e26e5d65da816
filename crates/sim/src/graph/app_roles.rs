//! App role assignments: `GET /users/{id}/appRoleAssignments` (the user as principal),
//! `GET /servicePrincipals/{id}/appRoleAssignedTo` (the service principal as resource),
//! `POST` on both (re-creating an assignment, as undo does) and `DELETE` on both, audited as
//! Core Directory "Add|Remove app role assignment grant to user" and "Add|Remove app role
//! assignment to service principal".

use super::ctx::{body_object, no_content, read, write, Ctx};
use super::perms;
use super::users::find_user;
use crate::audit_log::{self, prop, Event, CORE_DIRECTORY};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{AppRoleAssignment, TargetResource, Tenant};
use crate::odata::eval::matches;
use crate::odata::ops::*;
use crate::odata::{rule, Caps, FilterSpec, PropType};
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};

static ASSIGNMENT_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.appRoleAssignment",
    directory: true,
    props: &[
        rule("id", PropType::Str, EQ),
        rule("principalId", PropType::Str, EQ),
        rule("resourceId", PropType::Str, EQ),
    ],
};

static ASSIGNMENT_CAPS: Caps = Caps {
    entity: "microsoft.graph.appRoleAssignment",
    filter: Some(&ASSIGNMENT_FILTER),
    select: &[
        "id",
        "appRoleId",
        "createdDateTime",
        "principalDisplayName",
        "principalId",
        "principalType",
        "resourceDisplayName",
        "resourceId",
    ],
    page: Some((100, 999)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: true,
};

pub const USER_ADDED: &str = "Add app role assignment grant to user";
pub const USER_REMOVED: &str = "Remove app role assignment from user";
pub const SP_ADDED: &str = "Add app role assignment to service principal";
pub const SP_REMOVED: &str = "Remove app role assignment from service principal";

/// Assignment ids are base64url text of 43 characters, like grant ids.
fn new_assignment_id() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(uuid::Uuid::new_v4().as_bytes().repeat(2))
}

/// Beta names the creation time `creationTimestamp`.
fn assignment_json(a: &AppRoleAssignment, beta: bool) -> Value {
    let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
    if beta {
        if let Value::Object(m) = &mut v {
            if let Some(t) = m.remove("createdDateTime") {
                m.insert("creationTimestamp".into(), t);
            }
        }
    }
    v
}

fn respond(ctx: &Ctx, list: &[&AppRoleAssignment]) -> Result<Response, GraphError> {
    let q = ctx.query(&ASSIGNMENT_CAPS)?;
    let keep = |a: &&AppRoleAssignment| q.filter.as_ref().is_none_or(|f| matches(f, *a));
    Ok(ctx.page_of(
        &q,
        "appRoleAssignments",
        list,
        |a| a.id.as_str(),
        keep,
        |a| assignment_json(a, ctx.beta()),
    ))
}

pub async fn of_user(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::APP_ROLE_ASSIGNMENTS_READ)?;
    let tenant = read(&state);
    let user = find_user(&state, &tenant, &id)?;
    let list: Vec<&AppRoleAssignment> = tenant
        .app_role_assignments
        .iter()
        .filter(|a| a.principal_id == *user.id)
        .collect();
    respond(&ctx, &list)
}

fn find_sp<'t>(
    tenant: &'t Tenant,
    id: &str,
) -> Result<&'t crate::model::ServicePrincipal, GraphError> {
    tenant
        .service_principals
        .iter()
        .find(|s| s.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| GraphError::not_found(id))
}

pub async fn assigned_to(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::SERVICE_PRINCIPALS_READ)?;
    let tenant = read(&state);
    let sp = find_sp(&tenant, &id)?;
    let list: Vec<&AppRoleAssignment> = tenant
        .app_role_assignments
        .iter()
        .filter(|a| a.resource_id == sp.id)
        .collect();
    respond(&ctx, &list)
}

/// Audit targets: the resource's service principal and the principal (user or service
/// principal), so a search by either id finds the record.
pub(crate) fn targets(tenant: &Tenant, a: &AppRoleAssignment, added: bool) -> Vec<TargetResource> {
    let value = json!(a.app_role_id).to_string();
    let (old, new) = if added {
        (None, Some(value))
    } else {
        (Some(value), None)
    };
    let mut out = vec![TargetResource {
        id: Some(a.resource_id.clone()),
        display_name: Some(a.resource_display_name.clone()),
        kind: Some("ServicePrincipal".into()),
        user_principal_name: None,
        modified_properties: vec![
            prop("AppRole.Id", old, new),
            prop("AppRoleAssignment.Id", None, Some(json!(a.id).to_string())),
        ],
    }];
    let upn = tenant
        .users
        .iter()
        .find(|u| *u.id == *a.principal_id)
        .map(|u| u.user_principal_name.to_string());
    out.push(TargetResource {
        id: Some(a.principal_id.clone()),
        display_name: Some(a.principal_display_name.clone()),
        kind: Some(a.principal_type.clone()),
        user_principal_name: upn,
        modified_properties: Vec::new(),
    });
    out
}

fn activity(a: &AppRoleAssignment, added: bool) -> &'static str {
    match (a.principal_type == "User", added) {
        (true, true) => USER_ADDED,
        (true, false) => USER_REMOVED,
        (false, true) => SP_ADDED,
        (false, false) => SP_REMOVED,
    }
}

fn record(tenant: &mut Tenant, caller: &Caller, a: &AppRoleAssignment, added: bool) {
    let mut e = Event::new(
        CORE_DIRECTORY,
        "UserManagement",
        activity(a, added),
        if added { "Assign" } else { "Unassign" },
    );
    if a.principal_type != "User" {
        e.category = "ApplicationManagement";
    }
    e.targets = targets(tenant, a, added);
    audit_log::record(tenant, caller, vec![e]);
}

async fn remove(
    state: Shared,
    caller: Caller,
    aid: String,
    keep: impl Fn(&AppRoleAssignment) -> bool,
) -> Result<Response, GraphError> {
    caller.require(perms::APP_ROLE_ASSIGNMENTS_WRITE)?;
    let mut tenant = write(&state);
    let pos = tenant
        .app_role_assignments
        .iter()
        .position(|a| a.id == aid && keep(a))
        .ok_or_else(|| GraphError::not_found(&aid))?;
    let a = tenant.app_role_assignments.remove(pos);
    record(&mut tenant, &caller, &a, false);
    Ok(no_content())
}

pub async fn delete_of_user(
    State(state): State<Shared>,
    caller: Caller,
    Path((id, aid)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    remove(state, caller, aid, move |a| {
        a.principal_id.eq_ignore_ascii_case(&id)
    })
    .await
}

pub async fn delete_assigned_to(
    State(state): State<Shared>,
    caller: Caller,
    Path((id, aid)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    remove(state, caller, aid, move |a| {
        a.resource_id.eq_ignore_ascii_case(&id)
    })
    .await
}

fn text(body: &serde_json::Map<String, Value>, key: &str) -> Result<String, GraphError> {
    body.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| GraphError::bad_request(format!("{key} is required.")))
}

/// `POST` `{"principalId","resourceId","appRoleId"}` → 201 with the new assignment (a new id).
async fn create(
    state: Shared,
    caller: Caller,
    ctx: Ctx,
    body: Bytes,
    path_principal: Option<String>,
    path_resource: Option<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::APP_ROLE_ASSIGNMENTS_WRITE)?;
    let body = body_object(&body)?;
    if let Some(k) = body
        .keys()
        .find(|k| !["principalId", "resourceId", "appRoleId"].contains(&k.as_str()))
    {
        return Err(GraphError::bad_request(format!(
            "Property '{k}' cannot be set on an appRoleAssignment."
        )));
    }
    let (principal, resource, role) = (
        text(&body, "principalId")?,
        text(&body, "resourceId")?,
        text(&body, "appRoleId")?,
    );
    if path_principal
        .as_deref()
        .is_some_and(|p| !p.eq_ignore_ascii_case(&principal))
        || path_resource
            .as_deref()
            .is_some_and(|r| !r.eq_ignore_ascii_case(&resource))
    {
        return Err(GraphError::bad_request(
            "principalId/resourceId do not match the request path.",
        ));
    }
    let mut tenant = write(&state);
    let res = find_sp(&tenant, &resource)?.clone();
    let (ptype, pname) = if let Some(u) = tenant.users.iter().find(|u| *u.id == *principal) {
        ("User", u.display_name.to_string())
    } else {
        let sp = find_sp(&tenant, &principal)?;
        ("ServicePrincipal", sp.display_name.clone())
    };
    if tenant
        .app_role_assignments
        .iter()
        .any(|a| a.principal_id == principal && a.resource_id == res.id && a.app_role_id == role)
    {
        return Err(GraphError::bad_request(
            "Permission being assigned already exists on the object",
        ));
    }
    let a = AppRoleAssignment {
        id: new_assignment_id(),
        app_role_id: role,
        created_date_time: super::ctx::now(),
        principal_display_name: pname,
        principal_id: principal,
        principal_type: ptype.into(),
        resource_display_name: res.display_name.clone(),
        resource_id: res.id.clone(),
    };
    tenant.app_role_assignments.push(a.clone());
    record(&mut tenant, &caller, &a, true);
    Ok(ctx.created(
        "appRoleAssignments/$entity",
        assignment_json(&a, ctx.beta()),
    ))
}

pub async fn create_for_user(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    create(state, caller, ctx, body, Some(id), None).await
}

pub async fn create_assigned_to(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    create(state, caller, ctx, body, None, Some(id)).await
}

impl crate::odata::Entity for AppRoleAssignment {
    fn field(&self, name: &str) -> crate::odata::Value<'_> {
        use crate::odata::Value as V;
        match name {
            "id" => V::Str(&self.id),
            "principalId" => V::Str(&self.principal_id),
            "resourceId" => V::Str(&self.resource_id),
            _ => V::Null,
        }
    }
}
