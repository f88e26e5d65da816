//! Identity Protection: `riskyUsers` (list, get, history, confirmCompromised, dismiss; beta
//! also at `/riskyUsers`) and `riskDetections`.

use super::ctx::{action_params, no_content, now, project, read, write, Ctx};
use super::entities::{RISK_LEVELS, RISK_STATES};
use super::perms;
use crate::audit_log::{self, user_target, Event, IDENTITY_PROTECTION};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{RiskLevel, RiskState, RiskUserActivity, RiskyUser, RiskyUserHistoryItem};
use crate::odata::eval::matches;
use crate::odata::ops::*;
use crate::odata::paging::{collect_page, Candidates};
use crate::odata::{rule, Caps, FilterSpec, PropType, Query};
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

pub const RISK_DETAILS: &[&str] = &[
    "none",
    "adminGeneratedTemporaryPassword",
    "userPerformedSecuredPasswordChange",
    "userPerformedSecuredPasswordReset",
    "adminConfirmedSigninSafe",
    "aiConfirmedSigninSafe",
    "userPassedMFADrivenByRiskBasedPolicy",
    "adminDismissedAllRiskForUser",
    "adminConfirmedSigninCompromised",
    "hidden",
    "adminConfirmedUserCompromised",
    "unknownFutureValue",
    "m365DAdminDismissedDetection",
    "adminConfirmedServicePrincipalCompromised",
    "adminDismissedAllRiskForServicePrincipal",
    "userChangedPasswordOnPremises",
    "adminDismissedRiskForSignIn",
    "adminConfirmedAccountSafe",
    "microsoftRevokedSessions",
];

const LEVEL: PropType = PropType::Enum("microsoft.graph.riskLevel", RISK_LEVELS);
const STATE: PropType = PropType::Enum("microsoft.graph.riskState", RISK_STATES);
const DETAIL: PropType = PropType::Enum("microsoft.graph.riskDetail", RISK_DETAILS);

static RISKY_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.riskyUser",
    directory: false,
    props: &[
        rule("id", PropType::Str, EQ | IN),
        rule("riskLevel", LEVEL, EQ | NE | IN),
        rule("riskState", STATE, EQ | NE | IN),
        rule("riskDetail", DETAIL, EQ | NE),
        rule("userPrincipalName", PropType::Str, EQ | STARTS),
        rule("userDisplayName", PropType::Str, EQ | STARTS),
        rule("riskLastUpdatedDateTime", PropType::Time, EQ | RANGE),
        rule("isDeleted", PropType::Bool, EQ),
        rule("isProcessing", PropType::Bool, EQ),
    ],
};

const RISKY_PROPS: &[&str] = &[
    "id",
    "isDeleted",
    "isProcessing",
    "riskDetail",
    "riskLastUpdatedDateTime",
    "riskLevel",
    "riskState",
    "userDisplayName",
    "userPrincipalName",
];

static RISKY_CAPS: Caps = Caps {
    entity: "microsoft.graph.riskyUser",
    filter: Some(&RISKY_FILTER),
    select: RISKY_PROPS,
    page: Some((20, 500)),
    count: false,
    search: &[],
    orderby: &[
        "riskLastUpdatedDateTime",
        "userPrincipalName",
        "userDisplayName",
    ],
    expand: &[],
    directory: false,
};

static HISTORY_CAPS: Caps = Caps {
    entity: "microsoft.graph.riskyUserHistoryItem",
    filter: None,
    select: &[],
    page: Some((20, 500)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: false,
};

/// The beta-only `/riskyUsers` alias does not exist on v1.0.
fn alias_allowed(ctx: &Ctx) -> Result<(), GraphError> {
    if ctx.beta() || ctx.path.contains("/identityProtection/") {
        Ok(())
    } else {
        Err(GraphError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "BadRequest",
            "Resource not found for the segment 'riskyUsers'.",
        ))
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn sorted_risky<'t>(users: impl Iterator<Item = &'t RiskyUser>, q: &Query) -> Vec<&'t RiskyUser> {
    let mut list: Vec<&RiskyUser> = users
        .filter(|r| q.filter.as_ref().is_none_or(|f| matches(f, *r)))
        .collect();
    let (prop, desc) = q
        .orderby
        .first()
        .cloned()
        .unwrap_or(("riskLastUpdatedDateTime".into(), true));
    list.sort_by(|a, b| {
        let o = match prop.as_str() {
            "userPrincipalName" => a
                .user_principal_name
                .to_lowercase()
                .cmp(&b.user_principal_name.to_lowercase()),
            "userDisplayName" => a
                .user_display_name
                .to_lowercase()
                .cmp(&b.user_display_name.to_lowercase()),
            _ => a
                .risk_last_updated_date_time
                .cmp(&b.risk_last_updated_date_time),
        };
        let o = if desc { o.reverse() } else { o };
        o.then_with(|| a.id.cmp(&b.id))
    });
    list
}

pub async fn list(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    alias_allowed(&ctx)?;
    caller.require(perms::RISKY_USERS_READ)?;
    let q = ctx.query(&RISKY_CAPS)?;
    let tenant = read(&state);
    let list = sorted_risky(tenant.risky_users.values(), &q);
    Ok(ctx.page_of(
        &q,
        "identityProtection/riskyUsers",
        &list,
        |r| r.id.as_str(),
        |_| true,
        |r| to_json(*r),
    ))
}

pub async fn get(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    alias_allowed(&ctx)?;
    caller.require(perms::RISKY_USERS_READ)?;
    let q = ctx.query(&Caps {
        page: None,
        filter: None,
        orderby: &[],
        ..RISKY_CAPS
    })?;
    let tenant = read(&state);
    let r = tenant
        .risky_users
        .get(&id)
        .or_else(|| {
            tenant
                .risky_users
                .values()
                .find(|r| r.id.eq_ignore_ascii_case(&id))
        })
        .ok_or_else(|| GraphError::not_found(&id))?;
    Ok(ctx.entity(
        "identityProtection/riskyUsers/$entity",
        project(to_json(r), q.select.as_deref(), &[]),
    ))
}

pub async fn history(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    alias_allowed(&ctx)?;
    caller.require(perms::RISKY_USERS_READ)?;
    let q = ctx.query(&HISTORY_CAPS)?;
    let tenant = read(&state);
    if !tenant.risky_users.contains_key(&id) {
        return Err(GraphError::not_found(&id));
    }
    let items: &[RiskyUserHistoryItem] = tenant
        .risky_user_history
        .get(&id)
        .map_or(&[], Vec::as_slice);
    let page = collect_page(
        items,
        Candidates::All,
        q.token.as_ref(),
        |h| h.id.as_str(),
        |_| true,
        q.top,
    );
    let values = page.items.iter().map(|h| to_json(*h)).collect();
    let fragment = format!("identityProtection/riskyUsers('{id}')/history");
    Ok(ctx.collection(
        &fragment,
        values,
        None,
        page.next.as_ref().map(|t| (t, q.fingerprint)),
    ))
}

/// The `userIds` of a confirmCompromised / dismiss body.
fn user_ids(body: &Bytes, action: &str) -> Result<Vec<String>, GraphError> {
    let obj = action_params(body, action, &["userIds"])?;
    let ids = obj
        .get("userIds")
        .and_then(Value::as_array)
        .ok_or_else(|| GraphError::bad_request("The request body must contain 'userIds'."))?;
    let ids: Option<Vec<String>> = ids.iter().map(|v| v.as_str().map(String::from)).collect();
    match ids {
        Some(ids) if !ids.is_empty() => Ok(ids),
        _ => Err(GraphError::bad_request(
            "'userIds' must be a non-empty array of user ids.",
        )),
    }
}

#[derive(Clone, Copy)]
enum Verdict {
    Compromised,
    Dismissed,
}

fn apply_verdict(
    state: &Shared,
    caller: &Caller,
    body: &Bytes,
    verdict: Verdict,
) -> Result<(), GraphError> {
    caller.require(perms::RISKY_USERS_WRITE)?;
    let action = match verdict {
        Verdict::Compromised => "confirmCompromised",
        Verdict::Dismissed => "dismiss",
    };
    let ids = user_ids(body, action)?;
    let mut tenant = write(state);
    let (level, risk_state, detail, activity) = match verdict {
        Verdict::Compromised => (
            RiskLevel::High,
            RiskState::ConfirmedCompromised,
            "adminConfirmedUserCompromised",
            "ConfirmCompromised",
        ),
        Verdict::Dismissed => (
            RiskLevel::None,
            RiskState::Dismissed,
            "adminDismissedAllRiskForUser",
            "DismissUser",
        ),
    };
    let initiator = caller
        .user_id
        .clone()
        .unwrap_or_else(|| caller.app_id.clone());
    let mut events = Vec::new();
    for id in ids {
        let Some(user) = tenant
            .users
            .iter()
            .find(|u| u.id.eq_ignore_ascii_case(&id))
            .cloned()
        else {
            continue;
        };
        let at = now();
        let entry = tenant
            .risky_users
            .entry(user.id.to_string())
            .or_insert_with(|| RiskyUser {
                id: user.id.to_string(),
                is_deleted: user.deleted,
                is_processing: false,
                risk_last_updated_date_time: at,
                risk_level: RiskLevel::None,
                risk_state: RiskState::None,
                risk_detail: "none".into(),
                user_display_name: user.display_name.to_string(),
                user_principal_name: user.user_principal_name.to_string(),
            });
        entry.risk_level = level;
        entry.risk_state = risk_state;
        entry.risk_detail = detail.to_string();
        entry.risk_last_updated_date_time = at;
        let snapshot = entry.clone();
        tenant
            .risky_user_history
            .entry(user.id.to_string())
            .or_default()
            .push(RiskyUserHistoryItem {
                id: uuid::Uuid::new_v4().to_string(),
                user_id: user.id.to_string(),
                initiated_by: Some(initiator.clone()),
                activity: RiskUserActivity {
                    detail: detail.to_string(),
                    risk_event_types: Vec::new(),
                },
                is_deleted: snapshot.is_deleted,
                is_processing: false,
                risk_last_updated_date_time: at,
                risk_level: snapshot.risk_level,
                risk_state: snapshot.risk_state,
                risk_detail: snapshot.risk_detail,
                user_display_name: snapshot.user_display_name,
                user_principal_name: snapshot.user_principal_name,
            });
        events.push(
            Event::new(IDENTITY_PROTECTION, "Other", activity, "Update")
                .target(user_target(&user, Vec::new())),
        );
    }
    audit_log::record(&mut tenant, caller, events);
    Ok(())
}

pub async fn confirm_compromised(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, GraphError> {
    alias_allowed(&ctx)?;
    apply_verdict(&state, &caller, &body, Verdict::Compromised)?;
    Ok(no_content())
}

pub async fn dismiss(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, GraphError> {
    alias_allowed(&ctx)?;
    apply_verdict(&state, &caller, &body, Verdict::Dismissed)?;
    Ok(no_content())
}
