//! `/users` (list, `$count`, get by id or UPN), `/me` and `/users/{id}/manager`.

use super::ctx::{project, read, Ctx};
use super::index;
use super::perms;
use super::sign_in_activity::{self as activity, UserRow};
pub use super::user_props::{DEFAULT_PROPS, SINGLE_ONLY, USER_PROPS};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{Tenant, User};
use crate::odata::eval::matches;
use crate::odata::ops::*;
use crate::odata::paging::{collect_page, count, Candidates};
use crate::odata::query::search_matches;
use crate::odata::{rule, Caps, FilterSpec, PropType, Query};
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

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
        rule("createdDateTime", PropType::Time, EQ | NE | GE_LE | IN),
        rule(
            "signInActivity/lastSignInDateTime",
            PropType::Time,
            EQ | NE | GE_LE,
        ),
        rule(
            "signInActivity/lastNonInteractiveSignInDateTime",
            PropType::Time,
            EQ | NE | GE_LE,
        ),
        rule(
            "signInActivity/lastSuccessfulSignInDateTime",
            PropType::Time,
            EQ | NE | GE_LE,
        ),
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
    expand: &["manager"],
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
    expand: &["manager"],
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
/// A user where a collection or link holds directory objects (members, a manager): typed as a
/// user whatever `$select` says, as Graph does on polymorphic results.
pub fn user_object_json(
    state: &Shared,
    tenant: &Tenant,
    user: &User,
    select: Option<&[String]>,
) -> Value {
    let mut v = user_json(state, tenant, user, select);
    if let Value::Object(m) = &mut v {
        m.insert("@odata.type".into(), json!("#microsoft.graph.user"));
    }
    v
}

pub fn user_json(state: &Shared, tenant: &Tenant, user: &User, select: Option<&[String]>) -> Value {
    let mut obj = serde_json::to_value(user).unwrap_or(Value::Null);
    if select.is_some_and(|s| s.iter().any(|p| p == "signInActivity")) {
        if let Value::Object(m) = &mut obj {
            let a = activity::of(state, tenant, &user.id);
            // Never signed in: Graph leaves the property out (null when selected).
            let v = if a.is_empty() {
                Value::Null
            } else {
                a.to_json()
            };
            m.insert("signInActivity".into(), v);
        }
    }
    let mut out = project(obj, select, DEFAULT_PROPS);
    // Passwords are write-only.
    if let Value::Object(m) = &mut out {
        if m.contains_key("passwordProfile") {
            m.insert("passwordProfile".into(), Value::Null);
        }
    }
    out
}

/// Nested `$select`s of `$expand=manager(...)` name user properties (canonical case).
fn check_expand(q: &mut Query) -> Result<(), GraphError> {
    for (_, props) in &mut q.expand_selects {
        for p in props.iter_mut() {
            let canon = USER_PROPS
                .iter()
                .find(|u| u.eq_ignore_ascii_case(p))
                .ok_or_else(|| {
                    GraphError::bad_request(format!(
                        "Could not find a property named '{p}' on type 'microsoft.graph.user'."
                    ))
                })?;
            *p = canon.to_string();
        }
    }
    Ok(())
}

/// A user as a query serves it: projected, with `$expand=manager` applied.
fn served(state: &Shared, tenant: &Tenant, user: &User, q: &Query) -> Value {
    let mut v = user_json(state, tenant, user, q.select.as_deref());
    if q.expand.iter().any(|e| e == "manager") {
        let manager = user
            .manager_id
            .as_deref()
            .and_then(|m| find_user(state, tenant, m).ok());
        if let (Value::Object(out), Some(m)) = (&mut v, manager) {
            let nested = q.expand_select("manager");
            out.insert("manager".into(), user_object_json(state, tenant, m, nested));
        }
    }
    v
}

/// What a users query needs besides each user: the sign-in index when the filter names
/// `signInActivity`.
struct Scan<'t> {
    tenant: &'t Tenant,
    sign_ins: Option<std::sync::Arc<index::SignInIndex>>,
}

impl<'t> Scan<'t> {
    fn new(state: &Shared, tenant: &'t Tenant, q: &Query) -> Self {
        let sign_ins = activity::filtered(q).then(|| index::sign_ins(state, tenant));
        Scan { tenant, sign_ins }
    }
}

fn keep(scan: &Scan<'_>, user: &User, q: &Query) -> bool {
    if user.deleted {
        return false;
    }
    let passes = match (&q.filter, &scan.sign_ins) {
        (None, _) => true,
        (Some(f), Some(ix)) => matches(
            f,
            &UserRow {
                user,
                activity: activity::of_indexed(ix, scan.tenant, &user.id),
            },
        ),
        (Some(f), None) => matches(f, user),
    };
    passes
        && q.search.as_ref().is_none_or(|groups| {
            groups.iter().any(|and| {
                and.iter()
                    .all(|t| match crate::odata::Entity::field(user, &t.property) {
                        crate::odata::Value::Str(s) => search_matches(s, &t.term),
                        _ => false,
                    })
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
    }
    activity::check_alone(q)?;
    let selected = q
        .select
        .as_ref()
        .is_some_and(|s| s.iter().any(|p| p == "signInActivity"));
    if selected || activity::filtered(q) {
        caller.require(perms::SIGN_IN_ACTIVITY_READ)?;
        q.check_top(500)?;
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
    check_expand(&mut q)?;
    let tenant = read(&state);
    let scan = Scan::new(&state, &tenant, &q);
    let total = (q.count && q.token.is_none())
        .then(|| count(&tenant.users, Candidates::All, |u| keep(&scan, u, &q)));
    let (items, next) = if q.orderby.is_empty() {
        let page = collect_page(
            &tenant.users,
            Candidates::All,
            q.token.as_ref(),
            |u| &u.id,
            |u| keep(&scan, u, &q),
            q.top,
        );
        let items = page
            .items
            .iter()
            .map(|u| served(&state, &tenant, u, &q))
            .collect();
        (items, page.next)
    } else {
        let mut sorted: Vec<&User> = tenant.users.iter().filter(|u| keep(&scan, u, &q)).collect();
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
            .map(|u| served(&state, &tenant, u, &q))
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
    activity::check_alone(&q)?;
    let tenant = read(&state);
    let scan = Scan::new(&state, &tenant, &q);
    let n = count(&tenant.users, Candidates::All, |u| keep(&scan, u, &q));
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
    let mut q = ctx.query(&USER_CAPS)?;
    check_expand(&mut q)?;
    if q.select
        .as_ref()
        .is_some_and(|s| s.iter().any(|p| p == "signInActivity"))
    {
        caller.require(perms::SIGN_IN_ACTIVITY_READ)?;
    }
    let tenant = read(state);
    let user = find_user(state, &tenant, id)?;
    let obj = served(state, &tenant, user, &q);
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
    let obj = user_object_json(&state, &tenant, manager, q.select.as_deref());
    Ok(ctx.entity("directoryObjects/$entity", obj))
}
