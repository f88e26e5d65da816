//! Directory roles: `/users/{id}/memberOf[/microsoft.graph.directoryRole]` (memberOf lists
//! groups too), `/directoryRoles`
//! (any `$top` is refused), `/roleManagement/directory/roleAssignments` (with
//! `$expand=roleDefinition`) and `/roleManagement/directory/roleDefinitions`.

use super::ctx::{project, read, Ctx};
use super::perms;
use super::users::{find_user, user_object_json};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{RoleDefinition, Tenant};
use crate::odata::eval::matches;
use crate::odata::ops::*;
use crate::odata::paging::{collect_page, Candidates};
use crate::odata::{rule, Caps, FilterSpec, PropType};
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const ROLE_PROPS: &[&str] = &[
    "id",
    "deletedDateTime",
    "description",
    "displayName",
    "roleTemplateId",
];

static MEMBER_OF_CAPS: Caps = Caps {
    entity: "microsoft.graph.directoryObject",
    filter: None,
    select: &[
        "id",
        "deletedDateTime",
        "description",
        "displayName",
        "roleTemplateId",
        "mailEnabled",
        "mailNickname",
        "securityEnabled",
        "groupTypes",
        "createdDateTime",
    ],
    page: Some((100, 999)),
    count: true,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: true,
};

static DIRECTORY_ROLES_CAPS: Caps = Caps {
    entity: "microsoft.graph.directoryRole",
    filter: None,
    select: ROLE_PROPS,
    page: None,
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: true,
};

static ASSIGNMENT_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.unifiedRoleAssignment",
    directory: false,
    props: &[
        rule("id", PropType::Str, EQ),
        rule("principalId", PropType::Str, EQ | IN),
        rule("roleDefinitionId", PropType::Str, EQ | IN),
        rule("directoryScopeId", PropType::Str, EQ),
    ],
};

static ASSIGNMENT_CAPS: Caps = Caps {
    entity: "microsoft.graph.unifiedRoleAssignment",
    filter: Some(&ASSIGNMENT_FILTER),
    select: &[
        "id",
        "principalId",
        "roleDefinitionId",
        "directoryScopeId",
        "appScopeId",
        "condition",
        "roleDefinition",
    ],
    page: Some((100, 999)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &["roleDefinition"],
    directory: false,
};

static DEFINITION_CAPS: Caps = Caps {
    entity: "microsoft.graph.unifiedRoleDefinition",
    filter: None,
    select: &[
        "id",
        "description",
        "displayName",
        "isBuiltIn",
        "isEnabled",
        "resourceScopes",
        "rolePermissions",
        "templateId",
        "version",
    ],
    page: Some((100, 999)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: false,
};

/// An activated role's object id: stable per template, distinct from the template id as in
/// a real tenant.
pub fn directory_role_id(template_id: &str) -> String {
    let d = Sha256::digest(format!("directoryRole:{template_id}").as_bytes());
    let h = hex::encode(&d[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn role_json(def: &RoleDefinition) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.directoryRole",
        "id": directory_role_id(&def.template_id),
        "deletedDateTime": null,
        "description": def.description,
        "displayName": def.display_name,
        "roleTemplateId": def.template_id,
    })
}

fn definition_json(def: &RoleDefinition) -> Value {
    json!({
        "id": def.id,
        "description": def.description,
        "displayName": def.display_name,
        "isBuiltIn": def.is_built_in,
        "isEnabled": def.is_enabled,
        "resourceScopes": ["/"],
        "rolePermissions": [],
        "templateId": def.template_id,
        "version": null,
    })
}

/// The role definitions a user holds through active, direct assignments.
fn roles_of<'t>(tenant: &'t Tenant, user_id: &str) -> Vec<&'t RoleDefinition> {
    let mut out: Vec<&RoleDefinition> = Vec::new();
    for a in tenant
        .role_assignments
        .iter()
        .filter(|a| a.principal_id == user_id)
    {
        if let Some(d) = tenant
            .role_definitions
            .iter()
            .find(|d| d.id == a.role_definition_id)
        {
            if !out.iter().any(|x| x.id == d.id) {
                out.push(d);
            }
        }
    }
    out
}

pub async fn member_of(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    member_of_kind(state, caller, ctx, id, false).await
}

/// Directory roles, then groups (`roles_only` for the `microsoft.graph.directoryRole` cast).
async fn member_of_kind(
    state: Shared,
    caller: Caller,
    ctx: Ctx,
    id: String,
    roles_only: bool,
) -> Result<Response, GraphError> {
    // One's own memberships need only the basic profile permission (`/me/memberOf`).
    caller.require(if caller.is_self(&id) {
        perms::ME_READ
    } else {
        perms::MEMBER_OF_READ
    })?;
    let q = ctx.query(&MEMBER_OF_CAPS)?;
    let tenant = read(&state);
    let user = find_user(&state, &tenant, &id)?;
    let mut entries: Vec<(String, Value)> = roles_of(&tenant, &user.id)
        .into_iter()
        .map(|d| {
            let v = keep_type(project(role_json(d), q.select.as_deref(), &[]));
            (directory_role_id(&d.template_id), v)
        })
        .collect();
    if !roles_only {
        for g in super::memberships::groups_of(&tenant, &user.id) {
            let mut v = project(super::memberships::group_json(g), q.select.as_deref(), &[]);
            v["@odata.type"] = json!("#microsoft.graph.group");
            entries.push((g.id.clone(), v));
        }
    }
    let total = (q.count && q.token.is_none()).then_some(entries.len());
    let page = collect_page(
        &entries,
        Candidates::All,
        q.token.as_ref(),
        |e| e.0.as_str(),
        |_| true,
        q.top,
    );
    let items = page.items.iter().map(|e| e.1.clone()).collect();
    Ok(ctx.collection(
        "directoryObjects",
        items,
        total,
        page.next.as_ref().map(|t| (t, q.fingerprint)),
    ))
}

/// `@odata.type` stays on polymorphic collections whatever `$select` says.
fn keep_type(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert(
            "@odata.type".into(),
            json!("#microsoft.graph.directoryRole"),
        );
    }
    v
}

pub async fn member_of_roles(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    member_of_kind(state, caller, ctx, id, true).await
}

pub async fn directory_roles(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::ROLES_READ)?;
    let q = ctx.query(&DIRECTORY_ROLES_CAPS)?;
    let tenant = read(&state);
    let items = activated(&tenant)
        .into_iter()
        .map(|d| keep_type(project(role_json(d), q.select.as_deref(), &[])))
        .collect();
    Ok(ctx.collection("directoryRoles", items, None, None))
}

/// Roles with at least one member are the activated ones (Global Administrator always is).
fn activated(tenant: &Tenant) -> Vec<&RoleDefinition> {
    tenant
        .role_definitions
        .iter()
        .filter(|d| {
            d.template_id == super::access::GLOBAL_ADMIN
                || tenant
                    .role_assignments
                    .iter()
                    .any(|a| a.role_definition_id == d.id)
        })
        .collect()
}

pub async fn directory_role_members(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::ROLES_READ)?;
    ctx.no_query()?;
    let tenant = read(&state);
    let def = activated(&tenant)
        .into_iter()
        .find(|d| {
            directory_role_id(&d.template_id).eq_ignore_ascii_case(&id)
                || d.template_id.eq_ignore_ascii_case(&id)
        })
        .ok_or_else(|| GraphError::not_found(&id))?;
    let items = tenant
        .role_assignments
        .iter()
        .filter(|a| a.role_definition_id == def.id)
        .filter_map(|a| find_user(&state, &tenant, &a.principal_id).ok())
        .map(|u| user_object_json(&state, &tenant, u, None))
        .collect();
    Ok(ctx.collection("directoryObjects", items, None, None))
}

pub async fn role_assignments(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::ROLES_READ)?;
    let q = ctx.query(&ASSIGNMENT_CAPS)?;
    let tenant = read(&state);
    let expand = q.expand.iter().any(|e| e == "roleDefinition");
    Ok(ctx.page_of(
        &q,
        "roleManagement/directory/roleAssignments",
        &tenant.role_assignments,
        |a| a.id.as_str(),
        |a| q.filter.as_ref().is_none_or(|f| matches(f, a)),
        |a| {
            let mut v = json!({
                "id": a.id,
                "principalId": a.principal_id,
                "roleDefinitionId": a.role_definition_id,
                "directoryScopeId": a.directory_scope_id,
                "appScopeId": null,
                "condition": null,
            });
            if expand {
                let def = tenant
                    .role_definitions
                    .iter()
                    .find(|d| d.id == a.role_definition_id);
                v["roleDefinition"] = def.map_or(Value::Null, definition_json);
            }
            v
        },
    ))
}

pub async fn role_definitions(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::ROLES_READ)?;
    let q = ctx.query(&DEFINITION_CAPS)?;
    let tenant = read(&state);
    Ok(ctx.page_of(
        &q,
        "roleManagement/directory/roleDefinitions",
        &tenant.role_definitions,
        |d| d.id.as_str(),
        |_| true,
        definition_json,
    ))
}

pub async fn role_definition(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::ROLES_READ)?;
    let q = ctx.query(&Caps {
        page: None,
        ..DEFINITION_CAPS
    })?;
    let tenant = read(&state);
    let def = tenant
        .role_definitions
        .iter()
        .find(|d| d.id.eq_ignore_ascii_case(&id) || d.template_id.eq_ignore_ascii_case(&id))
        .ok_or_else(|| GraphError::not_found(&id))?;
    Ok(ctx.entity(
        "roleManagement/directory/roleDefinitions/$entity",
        project(definition_json(def), q.select.as_deref(), &[]),
    ))
}
