//! Delegated permission grants and the service principals they name:
//! `/users/{id}/oauth2PermissionGrants` (that user's `Principal` grants only),
//! `/oauth2PermissionGrants[?$filter=clientId eq '…']`, PATCH/DELETE `/oauth2PermissionGrants/{id}`,
//! `/servicePrincipals[/{id}]`.

use super::ctx::{body_object, no_content, project, read, write, Ctx};
use super::perms;
use super::users::find_user;
use crate::audit_log::{self, prop, Event, CORE_DIRECTORY};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{OAuth2PermissionGrant, ServicePrincipal, TargetResource, Tenant};
use crate::odata::eval::matches;
use crate::odata::ops::*;
use crate::odata::{rule, Caps, FilterSpec, PropType};
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};

static GRANT_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.oAuth2PermissionGrant",
    directory: true,
    props: &[
        rule("id", PropType::Str, EQ),
        rule("clientId", PropType::Str, EQ | IN),
        rule("consentType", PropType::Str, EQ),
        rule("principalId", PropType::Str, EQ | IN),
        rule("resourceId", PropType::Str, EQ | IN),
    ],
};

static GRANT_CAPS: Caps = Caps {
    entity: "microsoft.graph.oAuth2PermissionGrant",
    filter: Some(&GRANT_FILTER),
    select: &[
        "id",
        "clientId",
        "consentType",
        "principalId",
        "resourceId",
        "scope",
    ],
    page: Some((100, 999)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: true,
};

static SP_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.servicePrincipal",
    directory: true,
    props: &[
        rule("id", PropType::Str, EQ | IN),
        rule("appId", PropType::Str, EQ | IN),
        rule("displayName", PropType::Str, EQ | STARTS),
        rule("servicePrincipalType", PropType::Str, EQ),
    ],
};

static SP_CAPS: Caps = Caps {
    entity: "microsoft.graph.servicePrincipal",
    filter: Some(&SP_FILTER),
    select: &[
        "id",
        "appId",
        "displayName",
        "appDisplayName",
        "appOwnerOrganizationId",
        "servicePrincipalType",
        "accountEnabled",
        "verifiedPublisher",
        "passwordCredentials",
        "keyCredentials",
    ],
    page: Some((100, 999)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: true,
};

fn grant_json(g: &OAuth2PermissionGrant) -> Value {
    serde_json::to_value(g).unwrap_or(Value::Null)
}

pub fn sp_json(sp: &ServicePrincipal, beta: bool) -> Value {
    let mut v = json!({
        "id": sp.id,
        "appId": sp.app_id,
        "displayName": sp.display_name,
        "appDisplayName": sp.display_name,
        "appOwnerOrganizationId": sp.app_owner_organization_id,
        "servicePrincipalType": sp.service_principal_type,
        "accountEnabled": true,
        "verifiedPublisher": {"displayName": sp.publisher_name, "verifiedPublisherId": null, "addedDateTime": null},
    });
    if beta {
        v["publisherName"] = json!(sp.publisher_name);
    }
    v
}

/// A service principal's own credentials and its publisher verification.
fn with_extras(
    tenant: &Tenant,
    sp: &ServicePrincipal,
    v: Value,
    select: Option<&[String]>,
) -> Value {
    super::app_credentials::sp_extras_json(v, tenant.sp_extras.get(&sp.id), select)
}

fn grants_response(
    ctx: &Ctx,
    list: &[&OAuth2PermissionGrant],
    fragment: &str,
) -> Result<Response, GraphError> {
    let q = ctx.query(&GRANT_CAPS)?;
    let keep = |g: &&OAuth2PermissionGrant| q.filter.as_ref().is_none_or(|f| matches(f, *g));
    Ok(ctx.page_of(
        &q,
        fragment,
        list,
        |g| g.id.as_str(),
        keep,
        |g| grant_json(g),
    ))
}

pub async fn user_grants(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::GRANTS_READ)?;
    let tenant = read(&state);
    let user = find_user(&state, &tenant, &id)?;
    let list: Vec<&OAuth2PermissionGrant> = tenant
        .grants
        .iter()
        .filter(|g| g.consent_type == "Principal" && g.principal_id.as_deref() == Some(&*user.id))
        .collect();
    grants_response(&ctx, &list, "oauth2PermissionGrants")
}

pub async fn list(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::GRANTS_READ)?;
    let tenant = read(&state);
    let list: Vec<&OAuth2PermissionGrant> = tenant.grants.iter().collect();
    grants_response(&ctx, &list, "oauth2PermissionGrants")
}

pub async fn get(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(gid): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::GRANTS_READ)?;
    ctx.no_query()?;
    let tenant = read(&state);
    let g = tenant
        .grants
        .iter()
        .find(|g| g.id == gid)
        .ok_or_else(|| GraphError::not_found(&gid))?;
    Ok(ctx.entity("oauth2PermissionGrants/$entity", grant_json(g)))
}

/// Audit targets of a grant change: the client service principal, and the user for
/// per-user consent (so `targetResources/any(t:t/id eq '{userId}')` finds it).
fn grant_targets(
    tenant: &Tenant,
    g: &OAuth2PermissionGrant,
    old_scope: &str,
    new_scope: &str,
) -> Vec<TargetResource> {
    let client = tenant
        .service_principals
        .iter()
        .find(|s| s.id == g.client_id);
    let mut targets = vec![TargetResource {
        id: Some(g.client_id.clone()),
        display_name: client.map(|c| c.display_name.clone()),
        kind: Some("ServicePrincipal".into()),
        user_principal_name: None,
        modified_properties: vec![
            prop(
                "DelegatedPermissionGrant.Scope",
                Some(json!(old_scope).to_string()),
                Some(json!(new_scope).to_string()),
            ),
            prop(
                "DelegatedPermissionGrant.ConsentType",
                Some(json!(g.consent_type).to_string()),
                Some(json!(g.consent_type).to_string()),
            ),
            prop(
                "ServicePrincipal.ObjectID",
                None,
                Some(json!(g.client_id).to_string()),
            ),
        ],
    }];
    if let Some(uid) = &g.principal_id {
        let user = tenant.users.iter().find(|u| *u.id == **uid);
        targets.push(TargetResource {
            id: Some(uid.clone()),
            display_name: None,
            kind: Some("User".into()),
            user_principal_name: user.map(|u| u.user_principal_name.to_string()),
            modified_properties: Vec::new(),
        });
    }
    targets
}

pub async fn delete(
    State(state): State<Shared>,
    caller: Caller,
    Path(gid): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::GRANTS_WRITE)?;
    let mut tenant = write(&state);
    let pos = tenant
        .grants
        .iter()
        .position(|g| g.id == gid)
        .ok_or_else(|| GraphError::not_found(&gid))?;
    let g = tenant.grants.remove(pos);
    let mut event = Event::new(
        CORE_DIRECTORY,
        "ApplicationManagement",
        "Remove delegated permission grant",
        "Unassign",
    );
    event.targets = grant_targets(&tenant, &g, &g.scope, "");
    audit_log::record(&mut tenant, &caller, vec![event]);
    Ok(no_content())
}

pub async fn update(
    State(state): State<Shared>,
    caller: Caller,
    Path(gid): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require(perms::GRANTS_WRITE)?;
    let body = body_object(&body)?;
    if let Some(k) = body.keys().find(|k| k.as_str() != "scope") {
        return Err(GraphError::bad_request(format!(
            "Property '{k}' cannot be updated on an oAuth2PermissionGrant."
        )));
    }
    let scope = body
        .get("scope")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphError::bad_request("scope must be a string."))?
        .to_string();
    let mut tenant = write(&state);
    let pos = tenant
        .grants
        .iter()
        .position(|g| g.id == gid)
        .ok_or_else(|| GraphError::not_found(&gid))?;
    let old = tenant.grants[pos].scope.clone();
    tenant.grants[pos].scope = scope.clone();
    let g = tenant.grants[pos].clone();
    let mut event = Event::new(
        CORE_DIRECTORY,
        "ApplicationManagement",
        "Update delegated permission grant",
        "Update",
    );
    event.targets = grant_targets(&tenant, &g, &old, &scope);
    audit_log::record(&mut tenant, &caller, vec![event]);
    Ok(no_content())
}

pub async fn service_principals(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::SERVICE_PRINCIPALS_READ)?;
    let q = ctx.query(&SP_CAPS)?;
    let tenant = read(&state);
    let keep = |s: &ServicePrincipal| q.filter.as_ref().is_none_or(|f| matches(f, s));
    Ok(ctx.page_of(
        &q,
        "servicePrincipals",
        &tenant.service_principals,
        |s| s.id.as_str(),
        keep,
        |s| with_extras(&tenant, s, sp_json(s, ctx.beta()), q.select.as_deref()),
    ))
}

pub async fn service_principal(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::SERVICE_PRINCIPALS_READ)?;
    let q = ctx.query(&Caps {
        page: None,
        filter: None,
        ..SP_CAPS
    })?;
    let tenant = read(&state);
    let sp = tenant
        .service_principals
        .iter()
        .find(|s| s.id.eq_ignore_ascii_case(&id))
        .ok_or_else(|| GraphError::not_found(&id))?;
    Ok(ctx.entity(
        "servicePrincipals/$entity",
        project(
            with_extras(&tenant, sp, sp_json(sp, ctx.beta()), q.select.as_deref()),
            q.select.as_deref(),
            &[],
        ),
    ))
}
