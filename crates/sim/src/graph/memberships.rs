//! Role assignment and group membership writes, and groups: `POST`/`GET`/`DELETE
//! /roleManagement/directory/roleAssignments[/{id}]` (audited "Add member to role" / "Remove
//! member from role"), `/groups/{id}`, `/groups/{id}/members` (paged), `POST
//! /groups/{id}/members/$ref` and `DELETE /groups/{id}/members/{userId}/$ref` (audited "Add
//! member to group" / "Remove member from group").
//!
//! Eligible (PIM) assignments are not modelled (`roleEligibilitySchedules` is not served):
//! reclaim reads and removes active assignments only (docs/containment.md says why).

use super::ctx::{body_object, no_content, project, read, write, Ctx};
use super::perms;
use super::users::{find_user, user_object_json};
use crate::audit_log::{self, prop, Event, CORE_DIRECTORY};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{Group, RoleAssignment, RoleDefinition, TargetResource, Tenant, User};
use crate::odata::paging::{collect_page, Candidates};
use crate::odata::Caps;
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use base64::Engine;
use serde_json::{json, Value};

const GROUP_PROPS: &[&str] = &[
    "id",
    "displayName",
    "description",
    "mailEnabled",
    "mailNickname",
    "securityEnabled",
    "groupTypes",
    "createdDateTime",
];

static GROUP_CAPS: Caps = Caps {
    entity: "microsoft.graph.group",
    filter: None,
    select: GROUP_PROPS,
    page: None,
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: true,
};

static MEMBERS_CAPS: Caps = Caps {
    entity: "microsoft.graph.directoryObject",
    filter: None,
    select: &[],
    page: Some((100, 999)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: true,
};

/// A role assignment's id as Entra ID derives it: the role definition's and the principal's
/// GUID bytes, base64url, `-1` (so re-adding a removed assignment gives it back its id).
pub fn assignment_id(template: &str, principal: &str) -> String {
    let mut bytes = Vec::with_capacity(32);
    for id in [template, principal] {
        if let Ok(u) = uuid::Uuid::parse_str(id) {
            bytes.extend_from_slice(&u.to_bytes_le());
        }
    }
    format!(
        "{}-1",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

fn quoted(s: &str) -> String {
    json!(s).to_string()
}

/// The targets of "Add member to role" / "Remove member from role": the user, carrying the
/// role's `Role.*` properties (as Core Directory logs them), then the role.
pub fn role_targets(def: &RoleDefinition, user: &User, added: bool) -> Vec<TargetResource> {
    let role_id = super::roles::directory_role_id(&def.template_id);
    let v = |s: &str| {
        let s = Some(quoted(s));
        if added {
            (None, s)
        } else {
            (s, None)
        }
    };
    let props = [
        ("Role.ObjectID", role_id.as_str()),
        ("Role.DisplayName", def.display_name.as_str()),
        ("Role.TemplateId", def.template_id.as_str()),
    ]
    .into_iter()
    .map(|(k, x)| {
        let (old, new) = v(x);
        prop(k, old, new)
    })
    .collect();
    vec![
        audit_log::user_target(user, props),
        TargetResource {
            id: Some(role_id.clone()),
            display_name: Some(def.display_name.clone()),
            kind: Some("Role".into()),
            user_principal_name: None,
            modified_properties: Vec::new(),
        },
    ]
}

/// The targets of "Add member to group" / "Remove member from group": the user carrying
/// `Group.ObjectID` and `Group.DisplayName`, then the group.
pub fn group_targets(group: &Group, user: &User, added: bool) -> Vec<TargetResource> {
    let pair = |s: &str| {
        let s = Some(quoted(s));
        if added {
            (None, s)
        } else {
            (s, None)
        }
    };
    let (o1, n1) = pair(&group.id);
    let (o2, n2) = pair(&group.display_name);
    vec![
        audit_log::user_target(
            user,
            vec![
                prop("Group.ObjectID", o1, n1),
                prop("Group.DisplayName", o2, n2),
            ],
        ),
        TargetResource {
            id: Some(group.id.clone()),
            display_name: Some(group.display_name.clone()),
            kind: Some("Group".into()),
            user_principal_name: None,
            modified_properties: Vec::new(),
        },
    ]
}

fn event(
    category: &'static str,
    activity: &str,
    op: &'static str,
    t: Vec<TargetResource>,
) -> Event {
    t.into_iter().fold(
        Event::new(CORE_DIRECTORY, category, activity, op),
        Event::target,
    )
}

pub fn assignment_json(a: &RoleAssignment) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.unifiedRoleAssignment",
        "id": a.id,
        "principalId": a.principal_id,
        "roleDefinitionId": a.role_definition_id,
        "directoryScopeId": a.directory_scope_id,
        "appScopeId": null,
        "condition": null,
    })
}

fn definition<'t>(tenant: &'t Tenant, id: &str) -> Option<&'t RoleDefinition> {
    tenant
        .role_definitions
        .iter()
        .find(|d| d.id.eq_ignore_ascii_case(id) || d.template_id.eq_ignore_ascii_case(id))
}

fn text<'a>(body: &'a serde_json::Map<String, Value>, key: &str) -> Result<&'a str, GraphError> {
    body.get(key).and_then(Value::as_str).ok_or_else(|| {
        GraphError::bad_request(format!(
            "Required property '{key}' is missing or not a string."
        ))
    })
}

pub async fn get_role_assignment(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::ROLES_READ)?;
    ctx.no_query()?;
    let tenant = read(&state);
    let a = tenant
        .role_assignments
        .iter()
        .find(|a| a.id == id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    Ok(ctx.entity(
        "roleManagement/directory/roleAssignments/$entity",
        assignment_json(a),
    ))
}

/// `POST /roleManagement/directory/roleAssignments` → 201 with the assignment.
pub async fn create_role_assignment(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require(perms::ROLES_WRITE)?;
    let body = body_object(&body)?;
    const KNOWN: &[&str] = &[
        "@odata.type",
        "principalId",
        "roleDefinitionId",
        "directoryScopeId",
    ];
    if let Some(k) = body.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(GraphError::bad_request(format!(
            "Property '{k}' is not supported here."
        )));
    }
    let principal = text(&body, "principalId")?.to_string();
    let def_id = text(&body, "roleDefinitionId")?.to_string();
    let scope = text(&body, "directoryScopeId")?.to_string();
    if scope != "/" {
        return Err(GraphError::bad_request(
            "Only the tenant-wide directory scope '/' is supported here.",
        ));
    }
    let mut tenant = write(&state);
    let user = find_user(&state, &tenant, &principal)?.clone();
    let def = definition(&tenant, &def_id)
        .cloned()
        .ok_or_else(|| GraphError::not_found(&def_id))?;
    let exists = tenant.role_assignments.iter().any(|a| {
        a.principal_id == *user.id
            && a.role_definition_id == def.id
            && a.directory_scope_id == scope
    });
    if exists {
        return Err(GraphError::bad_request(
            "A conflicting object with one or more of the specified property values is present \
             in the directory.",
        ));
    }
    let a = RoleAssignment {
        id: assignment_id(&def.template_id, &user.id),
        principal_id: user.id.to_string(),
        role_definition_id: def.id.clone(),
        directory_scope_id: scope,
    };
    tenant.role_assignments.push(a.clone());
    let ev = event(
        "RoleManagement",
        "Add member to role",
        "Assign",
        role_targets(&def, &user, true),
    );
    audit_log::record(&mut tenant, &caller, vec![ev]);
    Ok(ctx.created(
        "roleManagement/directory/roleAssignments/$entity",
        assignment_json(&a),
    ))
}

/// `DELETE /roleManagement/directory/roleAssignments/{id}` → 204.
pub async fn delete_role_assignment(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::ROLES_WRITE)?;
    let mut tenant = write(&state);
    let pos = tenant
        .role_assignments
        .iter()
        .position(|a| a.id == id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    let a = tenant.role_assignments.remove(pos);
    let def = definition(&tenant, &a.role_definition_id).cloned();
    let user = find_user(&state, &tenant, &a.principal_id).ok().cloned();
    if let (Some(def), Some(user)) = (def, user) {
        let ev = event(
            "RoleManagement",
            "Remove member from role",
            "Unassign",
            role_targets(&def, &user, false),
        );
        audit_log::record(&mut tenant, &caller, vec![ev]);
    }
    Ok(no_content())
}

pub fn group_json(g: &Group) -> Value {
    let mut v = serde_json::to_value(g).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("@odata.type".into(), json!("#microsoft.graph.group"));
    }
    v
}

fn find_group<'t>(tenant: &'t Tenant, id: &str) -> Result<&'t Group, GraphError> {
    tenant
        .groups
        .iter()
        .find(|g| g.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| GraphError::not_found(id))
}

pub async fn get_group(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::GROUPS_READ)?;
    let q = ctx.query(&GROUP_CAPS)?;
    let tenant = read(&state);
    let g = find_group(&tenant, &id)?;
    let mut v = project(group_json(g), q.select.as_deref(), &[]);
    if let Value::Object(m) = &mut v {
        m.remove("@odata.type");
    }
    Ok(ctx.entity("groups/$entity", v))
}

/// `GET /groups/{id}/members`: users, typed, paged.
pub async fn group_members(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::GROUPS_READ)?;
    let q = ctx.query(&MEMBERS_CAPS)?;
    let tenant = read(&state);
    let g = find_group(&tenant, &id)?;
    let page = collect_page(
        &g.members,
        Candidates::All,
        q.token.as_ref(),
        |m| m.as_str(),
        |_| true,
        q.top,
    );
    let items = page
        .items
        .iter()
        .filter_map(|m| find_user(&state, &tenant, m).ok())
        .map(|u| user_object_json(&state, &tenant, u, None))
        .collect();
    Ok(ctx.collection(
        "directoryObjects",
        items,
        None,
        page.next.as_ref().map(|t| (t, q.fingerprint)),
    ))
}

/// The object id at the end of an `@odata.id` such as
/// `https://graph.microsoft.com/v1.0/directoryObjects/{id}`.
fn ref_target(body: &serde_json::Map<String, Value>) -> Result<String, GraphError> {
    let link = text(body, "@odata.id")?;
    link.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty() && !s.contains(':'))
        .map(str::to_string)
        .ok_or_else(|| GraphError::bad_request("Invalid object identifier in '@odata.id'."))
}

/// `POST /groups/{id}/members/$ref` → 204.
pub async fn add_group_member(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require(perms::GROUP_MEMBERS_WRITE)?;
    let body = body_object(&body)?;
    let member = ref_target(&body)?;
    let mut tenant = write(&state);
    let group = find_group(&tenant, &id)?.clone();
    let user = find_user(&state, &tenant, &member)?.clone();
    if group.members.iter().any(|m| *m == *user.id) {
        return Err(GraphError::bad_request(
            "One or more added object references already exist for the following modified \
             properties: 'members'.",
        ));
    }
    if let Some(g) = tenant.groups.iter_mut().find(|g| g.id == group.id) {
        g.members.push(user.id.to_string());
    }
    let ev = event(
        "GroupManagement",
        "Add member to group",
        "Assign",
        group_targets(&group, &user, true),
    );
    audit_log::record(&mut tenant, &caller, vec![ev]);
    Ok(no_content())
}

/// `DELETE /groups/{id}/members/{userId}/$ref` → 204; 404 when not a member.
pub async fn remove_group_member(
    State(state): State<Shared>,
    caller: Caller,
    Path((id, member)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    caller.require(perms::GROUP_MEMBERS_WRITE)?;
    let mut tenant = write(&state);
    let group = find_group(&tenant, &id)?.clone();
    let pos = group
        .members
        .iter()
        .position(|m| m.eq_ignore_ascii_case(&member))
        .ok_or_else(|| GraphError::not_found(&member))?;
    let user = find_user(&state, &tenant, &group.members[pos])
        .ok()
        .cloned();
    if let Some(g) = tenant.groups.iter_mut().find(|g| g.id == group.id) {
        g.members.remove(pos);
    }
    if let Some(user) = user {
        let ev = event(
            "GroupManagement",
            "Remove member from group",
            "Unassign",
            group_targets(&group, &user, false),
        );
        audit_log::record(&mut tenant, &caller, vec![ev]);
    }
    Ok(no_content())
}

/// The groups a user is a direct member of, for `/users/{id}/memberOf`.
pub fn groups_of<'t>(tenant: &'t Tenant, user_id: &str) -> Vec<&'t Group> {
    tenant
        .groups
        .iter()
        .filter(|g| g.members.iter().any(|m| m == user_id))
        .collect()
}
