//! `/users` (list, `$count`, get by id or UPN), `/me` and `/users/{id}/manager`.

use super::ctx::{project, read, Ctx};
use super::index;
use super::perms;
use crate::sim::caller::Caller;
use crate::sim::error::GraphError;
use crate::sim::model::{Tenant, User};
use crate::sim::odata::eval::matches;
use crate::sim::odata::ops::*;
use crate::sim::odata::paging::{collect_page, count, Candidates};
use crate::sim::odata::query::search_matches;
use crate::sim::odata::{rule, Caps, FilterSpec, PropType, Query};
use crate::sim::state::Shared;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// Every v1.0 user property (CSDL), for `$select`.
pub const USER_PROPS: &[&str] = &[
    "id",
    "deletedDateTime",
    "aboutMe",
    "accountEnabled",
    "ageGroup",
    "assignedLicenses",
    "assignedPlans",
    "authorizationInfo",
    "birthday",
    "businessPhones",
    "city",
    "companyName",
    "consentProvidedForMinor",
    "country",
    "createdDateTime",
    "creationType",
    "customSecurityAttributes",
    "department",
    "deviceEnrollmentLimit",
    "displayName",
    "employeeHireDate",
    "employeeId",
    "employeeLeaveDateTime",
    "employeeOrgData",
    "employeeType",
    "externalUserState",
    "externalUserStateChangeDateTime",
    "faxNumber",
    "givenName",
    "hireDate",
    "identities",
    "identityParentId",
    "imAddresses",
    "interests",
    "isManagementRestricted",
    "isResourceAccount",
    "jobTitle",
    "lastPasswordChangeDateTime",
    "legalAgeGroupClassification",
    "licenseAssignmentStates",
    "mail",
    "mailboxSettings",
    "mailNickname",
    "mobilePhone",
    "mySite",
    "officeLocation",
    "onPremisesDistinguishedName",
    "onPremisesDomainName",
    "onPremisesExtensionAttributes",
    "onPremisesImmutableId",
    "onPremisesLastSyncDateTime",
    "onPremisesProvisioningErrors",
    "onPremisesSamAccountName",
    "onPremisesSecurityIdentifier",
    "onPremisesSyncEnabled",
    "onPremisesUserPrincipalName",
    "otherMails",
    "passwordPolicies",
    "passwordProfile",
    "pastProjects",
    "postalCode",
    "preferredDataLocation",
    "preferredLanguage",
    "preferredName",
    "print",
    "provisionedPlans",
    "proxyAddresses",
    "responsibilities",
    "schools",
    "securityIdentifier",
    "serviceProvisioningErrors",
    "showInAddressList",
    "signInActivity",
    "signInSessionsValidFromDateTime",
    "skills",
    "state",
    "streetAddress",
    "surname",
    "usageLocation",
    "userPrincipalName",
    "userType",
];

/// Returned without `$select` (REFERENCE §3.2).
pub const DEFAULT_PROPS: &[&str] = &[
    "businessPhones",
    "displayName",
    "givenName",
    "id",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
];

/// Only served for a single user; selecting them on the collection is 501.
const SINGLE_ONLY: &[&str] = &[
    "aboutMe",
    "birthday",
    "hireDate",
    "interests",
    "mySite",
    "pastProjects",
    "preferredName",
    "responsibilities",
    "schools",
    "skills",
    "mailboxSettings",
];

const TEXT: u16 = EQ | NE | STARTS | ENDS | IN;
static USER_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.user",
    directory: true,
    props: &[
        rule("id", PropType::Str, EQ | NE | IN),
        rule("userPrincipalName", PropType::Str, TEXT),
        rule("displayName", PropType::Str, TEXT),
        rule("givenName", PropType::Str, TEXT),
        rule("surname", PropType::Str, TEXT),
        rule("mail", PropType::Str, TEXT),
        rule("jobTitle", PropType::Str, TEXT),
        rule("department", PropType::Str, TEXT),
        rule("companyName", PropType::Str, TEXT),
        rule("officeLocation", PropType::Str, TEXT),
        rule("mobilePhone", PropType::Str, TEXT),
        rule("usageLocation", PropType::Str, EQ | NE | IN),
        rule("preferredLanguage", PropType::Str, EQ | NE | IN),
        rule("userType", PropType::Str, EQ | NE | IN),
        rule("accountEnabled", PropType::Bool, EQ | NE),
        rule("onPremisesSyncEnabled", PropType::Bool, EQ | NE),
        rule("createdDateTime", PropType::Time, EQ | NE | RANGE),
        rule("otherMails/any", PropType::Str, EQ | STARTS),
        rule("businessPhones/any", PropType::Str, EQ | STARTS),
    ],
};

const SEARCHABLE: &[&str] = &[
    "displayName",
    "givenName",
    "surname",
    "mail",
    "userPrincipalName",
    "jobTitle",
    "department",
    "officeLocation",
    "mobilePhone",
];

pub static USERS_CAPS: Caps = Caps {
    entity: "microsoft.graph.user",
    filter: Some(&USER_FILTER),
    select: USER_PROPS,
    page: Some((100, 999)),
    count: true,
    search: SEARCHABLE,
    orderby: &["displayName", "userPrincipalName"],
    expand: &[],
    directory: true,
};

static USER_CAPS: Caps = Caps {
    entity: "microsoft.graph.user",
    filter: None,
    select: USER_PROPS,
    page: None,
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: false,
};

/// A live (not deleted) user by id or UPN, or Graph's 404.
pub fn find_user<'t>(
    state: &Shared,
    tenant: &'t Tenant,
    key: &str,
) -> Result<&'t User, GraphError> {
    index::user_position(state, tenant, key)
        .and_then(|p| tenant.users.get(p))
        .filter(|u| !u.deleted)
        .ok_or_else(|| GraphError::not_found(key))
}

/// Position of a live user, for handlers that mutate it.
pub fn find_user_pos(state: &Shared, tenant: &Tenant, key: &str) -> Result<usize, GraphError> {
    index::user_position(state, tenant, key)
        .filter(|&p| tenant.users.get(p).is_some_and(|u| !u.deleted))
        .ok_or_else(|| GraphError::not_found(key))
}

/// The user as Graph serves it: `$select`ed properties, or the default eleven.
pub fn user_json(state: &Shared, tenant: &Tenant, user: &User, select: Option<&[String]>) -> Value {
    let mut obj = serde_json::to_value(user).unwrap_or(Value::Null);
    if select.is_some_and(|s| s.iter().any(|p| p == "signInActivity")) {
        if let Value::Object(m) = &mut obj {
            m.insert(
                "signInActivity".into(),
                sign_in_activity(state, tenant, &user.id),
            );
        }
    }
    let mut out = project(obj, select, DEFAULT_PROPS);
    // Passwords are write-only.
    if let Some(Value::Object(m)) = Some(&mut out) {
        if m.contains_key("passwordProfile") {
            m.insert("passwordProfile".into(), Value::Null);
        }
    }
    out
}

/// `signInActivity`, derived from the sign-in log (newest first per user).
fn sign_in_activity(state: &Shared, tenant: &Tenant, user_id: &str) -> Value {
    let ix = index::sign_ins(state, tenant);
    let mut out = json!({
        "lastSignInDateTime": null, "lastSignInRequestId": null,
        "lastNonInteractiveSignInDateTime": null, "lastNonInteractiveSignInRequestId": null,
        "lastSuccessfulSignInDateTime": null, "lastSuccessfulSignInRequestId": null,
    });
    for &pos in ix.positions(user_id) {
        let Some(s) = tenant.sign_ins.get(pos as usize) else {
            continue;
        };
        let when = super::ctx::ts(&s.created_date_time);
        let slot = if s.is_interactive {
            "lastSignIn"
        } else {
            "lastNonInteractiveSignIn"
        };
        for key in [slot, "lastSuccessfulSignIn"] {
            if key == "lastSuccessfulSignIn" && s.status.error_code != 0 {
                continue;
            }
            if out[format!("{key}DateTime")].is_null() {
                out[format!("{key}DateTime")] = json!(when);
                out[format!("{key}RequestId")] = json!(s.id);
            }
        }
    }
    out
}

fn keep(user: &User, q: &Query) -> bool {
    !user.deleted
        && q.filter.as_ref().is_none_or(|f| matches(f, user))
        && q.search.as_ref().is_none_or(|groups| {
            groups.iter().any(|and| {
                and.iter().all(
                    |t| match crate::sim::odata::Entity::field(user, &t.property) {
                        crate::sim::odata::Value::Str(s) => search_matches(s, &t.term),
                        _ => false,
                    },
                )
            })
        })
}

/// Checks what the collection query selects: single-only properties are 501, and
/// signInActivity lowers the page maximum and needs the audit log permission.
fn check_collection_select(q: &mut Query, caller: &Caller) -> Result<(), GraphError> {
    if let Some(sel) = &q.select {
        if let Some(p) = sel.iter().find(|p| SINGLE_ONLY.contains(&p.as_str())) {
            return Err(GraphError::new(
                axum::http::StatusCode::NOT_IMPLEMENTED,
                "NotImplemented",
                format!("This operation target is not yet supported. Selecting '{p}' is only supported on a single user."),
            ));
        }
        if sel.iter().any(|p| p == "signInActivity") {
            caller.require(perms::SIGN_IN_ACTIVITY_READ)?;
            q.check_top(500)?;
        }
    }
    Ok(())
}

pub async fn list(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::USERS_READ)?;
    let mut q = ctx.query(&USERS_CAPS)?;
    check_collection_select(&mut q, &caller)?;
    let tenant = read(&state);
    let select = q.select.as_deref();
    let total = (q.count && q.token.is_none())
        .then(|| count(&tenant.users, Candidates::All, |u| keep(u, &q)));
    let (items, next) = if q.orderby.is_empty() {
        let page = collect_page(
            &tenant.users,
            Candidates::All,
            q.token.as_ref(),
            |u| &u.id,
            |u| keep(u, &q),
            q.top,
        );
        let items = page
            .items
            .iter()
            .map(|u| user_json(&state, &tenant, u, select))
            .collect();
        (items, page.next)
    } else {
        let mut sorted: Vec<&User> = tenant.users.iter().filter(|u| keep(u, &q)).collect();
        let (prop, desc) = q.orderby[0].clone();
        sorted.sort_by(|a, b| {
            let key = |u: &User| match prop.as_str() {
                "userPrincipalName" => u.user_principal_name.to_lowercase(),
                _ => u.display_name.to_lowercase(),
            };
            let o = key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id));
            if desc {
                o.reverse()
            } else {
                o
            }
        });
        let page = collect_page(
            &sorted,
            Candidates::All,
            q.token.as_ref(),
            |u| &u.id,
            |_| true,
            q.top,
        );
        let items = page
            .items
            .iter()
            .map(|u| user_json(&state, &tenant, u, select))
            .collect();
        (items, page.next)
    };
    let fragment = match &q.select {
        Some(s) => format!("users({})", s.join(",")),
        None => "users".to_string(),
    };
    Ok(ctx.collection(
        &fragment,
        items,
        total,
        next.as_ref().map(|t| (t, q.fingerprint)),
    ))
}

/// `/users/$count`: a plain-text number; needs ConsistencyLevel: eventual.
pub async fn count_users(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::USERS_READ)?;
    if !ctx.eventual {
        return Err(GraphError::bad_request(
            "$count is not currently supported.",
        ));
    }
    let caps = Caps {
        page: None,
        select: &[],
        orderby: &[],
        count: false,
        ..USERS_CAPS
    };
    let q = ctx.query(&caps)?;
    let tenant = read(&state);
    let n = count(&tenant.users, Candidates::All, |u| keep(u, &q));
    Ok(([(CONTENT_TYPE, "text/plain")], n.to_string()).into_response())
}

pub async fn get(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    let self_read = caller
        .user_id
        .as_deref()
        .is_some_and(|me| me.eq_ignore_ascii_case(&id));
    caller.require(if self_read {
        perms::ME_READ
    } else {
        perms::USERS_READ
    })?;
    single(&state, &caller, &ctx, &id)
}

fn single(state: &Shared, caller: &Caller, ctx: &Ctx, id: &str) -> Result<Response, GraphError> {
    let q = ctx.query(&USER_CAPS)?;
    if q.select
        .as_ref()
        .is_some_and(|s| s.iter().any(|p| p == "signInActivity"))
    {
        caller.require(perms::SIGN_IN_ACTIVITY_READ)?;
    }
    let tenant = read(state);
    let user = find_user(state, &tenant, id)?;
    let obj = user_json(state, &tenant, user, q.select.as_deref());
    let fragment = match &q.select {
        Some(s) => format!("users({})/$entity", s.join(",")),
        None => "users/$entity".to_string(),
    };
    Ok(ctx.entity(&fragment, obj))
}

pub async fn me(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    let Some(me) = caller.user_id.clone() else {
        return Err(GraphError::bad_request(
            "/me request is only valid with delegated authentication flow.",
        ));
    };
    caller.require(perms::ME_READ)?;
    single(&state, &caller, &ctx, &me)
}

pub async fn manager(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::USERS_READ)?;
    let q = ctx.query(&USER_CAPS)?;
    let tenant = read(&state);
    let user = find_user(&state, &tenant, &id)?;
    let manager = user
        .manager_id
        .as_deref()
        .and_then(|m| find_user(&state, &tenant, m).ok())
        .ok_or_else(|| GraphError::not_found("manager"))?;
    let mut obj = user_json(&state, &tenant, manager, q.select.as_deref());
    if let Value::Object(m) = &mut obj {
        m.insert("@odata.type".into(), json!("#microsoft.graph.user"));
    }
    Ok(ctx.entity("directoryObjects/$entity", obj))
}
