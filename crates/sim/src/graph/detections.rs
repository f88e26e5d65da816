//! `/identityProtection/riskDetections`: list (20 per page, at most 500) with the documented
//! filters and `$orderby`, and get by id.

use super::ctx::{project, read, Ctx};
use super::entities::{RISK_LEVELS, RISK_STATES};
use super::perms;
use super::risky::RISK_DETAILS;
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::RiskDetection;
use crate::odata::eval::matches;
use crate::odata::ops::*;
use crate::odata::paging::{collect_page, Candidates};
use crate::odata::{rule, Caps, FilterSpec, PropType};
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

const LEVEL: PropType = PropType::Enum("microsoft.graph.riskLevel", RISK_LEVELS);
const STATE: PropType = PropType::Enum("microsoft.graph.riskState", RISK_STATES);
const DETAIL: PropType = PropType::Enum("microsoft.graph.riskDetail", RISK_DETAILS);

static DETECTION_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.riskDetection",
    directory: false,
    props: &[
        rule("id", PropType::Str, EQ),
        rule("riskEventType", PropType::Str, EQ | IN),
        rule("riskLevel", LEVEL, EQ | NE | IN),
        rule("riskState", STATE, EQ | NE | IN),
        rule("riskDetail", DETAIL, EQ | NE),
        rule("userId", PropType::Str, EQ),
        rule("userPrincipalName", PropType::Str, EQ | STARTS),
        rule("userDisplayName", PropType::Str, EQ | STARTS),
        rule("ipAddress", PropType::Str, EQ | STARTS),
        rule("source", PropType::Str, EQ),
        rule("activityDateTime", PropType::Time, EQ | RANGE),
        rule("detectedDateTime", PropType::Time, EQ | RANGE),
        rule("lastUpdatedDateTime", PropType::Time, EQ | RANGE),
    ],
};

static DETECTION_CAPS: Caps = Caps {
    entity: "microsoft.graph.riskDetection",
    filter: Some(&DETECTION_FILTER),
    select: &[
        "id",
        "activity",
        "activityDateTime",
        "additionalInfo",
        "correlationId",
        "detectedDateTime",
        "detectionTimingType",
        "ipAddress",
        "lastUpdatedDateTime",
        "location",
        "requestId",
        "riskDetail",
        "riskEventType",
        "riskLevel",
        "riskState",
        "source",
        "tokenIssuerType",
        "userDisplayName",
        "userId",
        "userPrincipalName",
    ],
    page: Some((20, 500)),
    count: false,
    search: &[],
    orderby: &["detectedDateTime", "activityDateTime"],
    expand: &[],
    directory: false,
};

fn detection_json(d: &RiskDetection, select: Option<&[String]>) -> Value {
    project(serde_json::to_value(d).unwrap_or(Value::Null), select, &[])
}

pub async fn list(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::RISK_DETECTIONS_READ)?;
    let q = ctx.query(&DETECTION_CAPS)?;
    let tenant = read(&state);
    let keep = |d: &RiskDetection| q.filter.as_ref().is_none_or(|f| matches(f, d));
    let (items, next) = if let Some((prop, desc)) = q.orderby.first() {
        let mut list: Vec<&RiskDetection> =
            tenant.risk_detections.iter().filter(|d| keep(d)).collect();
        list.sort_by(|a, b| {
            let o = if prop == "activityDateTime" {
                a.activity_date_time.cmp(&b.activity_date_time)
            } else {
                a.detected_date_time.cmp(&b.detected_date_time)
            };
            (if *desc { o.reverse() } else { o }).then_with(|| a.id.cmp(&b.id))
        });
        let page = collect_page(
            &list,
            Candidates::All,
            q.token.as_ref(),
            |d| d.id.as_str(),
            |_| true,
            q.top,
        );
        (
            page.items
                .iter()
                .map(|d| detection_json(d, q.select.as_deref()))
                .collect(),
            page.next,
        )
    } else {
        let page = collect_page(
            &tenant.risk_detections,
            Candidates::All,
            q.token.as_ref(),
            |d| d.id.as_str(),
            keep,
            q.top,
        );
        (
            page.items
                .iter()
                .map(|d| detection_json(d, q.select.as_deref()))
                .collect(),
            page.next,
        )
    };
    Ok(ctx.collection(
        "identityProtection/riskDetections",
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
    caller.require(perms::RISK_DETECTIONS_READ)?;
    let q = ctx.query(&Caps {
        page: None,
        filter: None,
        orderby: &[],
        ..DETECTION_CAPS
    })?;
    let tenant = read(&state);
    let d = tenant
        .risk_detections
        .iter()
        .find(|d| d.id.eq_ignore_ascii_case(&id))
        .ok_or_else(|| GraphError::not_found(&id))?;
    Ok(ctx.entity(
        "identityProtection/riskDetections/$entity",
        detection_json(d, q.select.as_deref()),
    ))
}
