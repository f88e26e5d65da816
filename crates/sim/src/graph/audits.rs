//! `/auditLogs/directoryAudits`: newest first, the documented filters, `$orderby` on
//! `activityDateTime`.

use super::ctx::{read, Ctx};
use super::perms;
use super::signins::{conjuncts, time_window};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::DirectoryAudit;
use crate::odata::eval::matches;
use crate::odata::ops::*;
use crate::odata::paging::{collect_page, Candidates};
use crate::odata::{rule, Caps, FilterSpec, PropType};
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

const RESULTS: &[&str] = &["success", "failure", "timeout", "unknownFutureValue"];

static AUDIT_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.directoryAudit",
    directory: false,
    props: &[
        rule("id", PropType::Str, EQ),
        rule("activityDisplayName", PropType::Str, EQ | STARTS),
        rule("activityDateTime", PropType::Time, EQ | RANGE),
        rule("loggedByService", PropType::Str, EQ),
        rule("category", PropType::Str, EQ),
        rule("correlationId", PropType::Str, EQ),
        rule("operationType", PropType::Str, EQ),
        rule(
            "result",
            PropType::Enum("microsoft.graph.operationResult", RESULTS),
            EQ,
        ),
        rule("initiatedBy/user/id", PropType::Str, EQ),
        rule("initiatedBy/user/displayName", PropType::Str, EQ),
        rule(
            "initiatedBy/user/userPrincipalName",
            PropType::Str,
            EQ | STARTS,
        ),
        rule("initiatedBy/app/appId", PropType::Str, EQ),
        rule("initiatedBy/app/displayName", PropType::Str, EQ),
        rule("targetResources/any/id", PropType::Str, EQ),
        rule(
            "targetResources/any/displayName",
            PropType::Str,
            EQ | STARTS,
        ),
    ],
};

static AUDIT_CAPS: Caps = Caps {
    entity: "microsoft.graph.directoryAudit",
    filter: Some(&AUDIT_FILTER),
    select: &[],
    page: Some((1000, 1000)),
    count: false,
    search: &[],
    orderby: &["activityDateTime"],
    expand: &[],
    directory: false,
};

fn audit_json(a: &DirectoryAudit) -> Value {
    serde_json::to_value(a).unwrap_or(Value::Null)
}

pub async fn list(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::DIRECTORY_AUDITS_READ)?;
    let q = ctx.query(&AUDIT_CAPS)?;
    let tenant = read(&state);
    let logs = &tenant.directory_audits;
    // A tenant without Entra ID P1 keeps 7 days of audits.
    let cutoff = crate::licence::audit_cutoff(&state);
    let keep = |a: &DirectoryAudit| {
        cutoff.is_none_or(|c| a.activity_date_time >= c)
            && q.filter.as_ref().is_none_or(|f| matches(f, a))
    };
    let parts = q.filter.as_ref().map(conjuncts).unwrap_or_default();
    let window = time_window(logs, |a| a.activity_date_time, &parts, "activityDateTime");
    super::log_faults::check(&state, q.token.as_ref(), window.len())?;
    let ascending = q.orderby.first().is_some_and(|(_, desc)| !desc);
    let (items, next) = if ascending {
        let list: Vec<&DirectoryAudit> = logs[window].iter().rev().filter(|a| keep(a)).collect();
        let page = collect_page(
            &list,
            Candidates::All,
            q.token.as_ref(),
            |a| a.id.as_str(),
            |_| true,
            q.top,
        );
        (
            page.items.iter().map(|a| audit_json(a)).collect(),
            page.next,
        )
    } else {
        let page = collect_page(
            logs,
            Candidates::Range(window),
            q.token.as_ref(),
            |a| a.id.as_str(),
            keep,
            q.top,
        );
        (
            page.items.iter().map(|a| audit_json(a)).collect(),
            page.next,
        )
    };
    Ok(ctx.collection(
        "auditLogs/directoryAudits",
        items,
        None,
        next.as_ref().map(|t| (t, q.fingerprint)),
    ))
}

pub async fn get(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::DIRECTORY_AUDITS_READ)?;
    ctx.no_query()?;
    let tenant = read(&state);
    let a = tenant
        .directory_audits
        .iter()
        .find(|a| a.id == id)
        .ok_or_else(|| GraphError::not_found(&id))?;
    Ok(ctx.entity("auditLogs/directoryAudits/$entity", audit_json(a)))
}
