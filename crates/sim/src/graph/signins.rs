//! `/auditLogs/signIns`: newest first, 1000 per page, interactive sign-ins only unless a beta
//! `signInEventTypes/any(...)` filter asks for others; beta-only fields left out on v1.0.
//!
//! Large logs are served without full scans: a `userId eq` filter walks that user's index
//! entries, and `createdDateTime` bounds become a window found by binary search.

use super::ctx::{read, Ctx};
use super::index;
use super::log_faults;
use super::perms;
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{SignIn, Time};
use crate::odata::eval::matches;
use crate::odata::ops::*;
use crate::odata::paging::{collect_page, Candidates};
use crate::odata::parser::{CmpOp, Expr, Literal};
use crate::odata::spec::PropRule;
use crate::odata::{rule, Caps, FilterSpec, PropType};
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;
use std::ops::Range;

const BETA_PROPS: &[PropRule] = &[
    rule("id", PropType::Str, EQ),
    rule("createdDateTime", PropType::Time, EQ | RANGE),
    rule("userId", PropType::Str, EQ),
    rule("userPrincipalName", PropType::Str, EQ | STARTS),
    rule("userDisplayName", PropType::Str, EQ | STARTS),
    rule("appId", PropType::Str, EQ),
    rule("appDisplayName", PropType::Str, EQ | STARTS),
    rule("ipAddress", PropType::Str, EQ | STARTS),
    rule("clientAppUsed", PropType::Str, EQ),
    rule("correlationId", PropType::Str, EQ),
    rule("status/errorCode", PropType::Int, EQ),
    rule("location/city", PropType::Str, EQ | STARTS),
    rule("location/state", PropType::Str, EQ | STARTS),
    rule("location/countryOrRegion", PropType::Str, EQ | STARTS),
    // Beta only: keep last, v1.0 uses the list without it.
    rule("signInEventTypes/any", PropType::Str, EQ),
];
const V1_PROPS: &[PropRule] = BETA_PROPS.split_at(BETA_PROPS.len() - 1).0;

static V1_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.signIn",
    directory: false,
    props: V1_PROPS,
};
static BETA_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.signIn",
    directory: false,
    props: BETA_PROPS,
};

fn caps(beta: bool) -> Caps {
    Caps {
        entity: "microsoft.graph.signIn",
        filter: Some(if beta { &BETA_FILTER } else { &V1_FILTER }),
        select: &[],
        page: Some((1000, 1000)),
        count: false,
        search: &[],
        orderby: &[],
        expand: &[],
        directory: false,
    }
}

/// Properties the v1.0 schema does not have.
pub const BETA_ONLY: &[&str] = &[
    "autonomousSystemNumber",
    "networkLocationDetails",
    "signInEventTypes",
    "sessionId",
    "userType",
    "authenticationRequirement",
];

pub fn sign_in_json(s: &SignIn, beta: bool) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    if !beta {
        if let Value::Object(m) = &mut v {
            for k in BETA_ONLY {
                m.remove(*k);
            }
        }
    }
    v
}

/// Top-level `and`-ed comparisons of a filter: the ones an index can serve.
pub fn conjuncts(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::And(a, b) => {
            let mut v = conjuncts(a);
            v.extend(conjuncts(b));
            v
        }
        other => vec![other],
    }
}

/// `prop eq 'x'` among the conjuncts.
pub fn eq_str<'e>(parts: &[&'e Expr], prop: &str) -> Option<&'e str> {
    parts.iter().find_map(|e| match e {
        Expr::Cmp {
            path,
            op: CmpOp::Eq,
            value: Literal::Str(s),
        } if path.len() == 1 && path[0] == prop => Some(s.as_str()),
        _ => None,
    })
}

/// The window of a newest-first log that can satisfy `prop` bounds among the conjuncts.
pub fn time_window<T>(
    items: &[T],
    time: impl Fn(&T) -> Time,
    parts: &[&Expr],
    prop: &str,
) -> Range<usize> {
    let mut range = 0..items.len();
    let bounds: Vec<(CmpOp, Time)> = parts
        .iter()
        .filter_map(|e| match e {
            Expr::Cmp {
                path,
                op,
                value: Literal::Time(t),
            } if path.len() == 1 && path[0] == prop => Some((*op, *t)),
            _ => None,
        })
        .collect();
    // Binary search is only sound on a log that really is newest first.
    if bounds.is_empty() || !items.windows(2).all(|w| time(&w[0]) >= time(&w[1])) {
        return range;
    }
    for (op, t) in &bounds {
        let t = *t;
        match op {
            CmpOp::Ge | CmpOp::Gt | CmpOp::Eq => {
                range.end = range.end.min(items.partition_point(|x| time(x) >= t));
            }
            _ => {}
        }
        match op {
            CmpOp::Le | CmpOp::Lt | CmpOp::Eq => {
                range.start = range.start.max(items.partition_point(|x| time(x) > t));
            }
            _ => {}
        }
    }
    range.start = range.start.min(range.end);
    range
}

pub async fn list(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::AUDIT_LOG_READ)?;
    let beta = ctx.beta();
    let q = ctx.query(&caps(beta))?;
    let tenant = read(&state);
    let logs = &tenant.sign_ins;
    let event_types_filtered = q.filter_info.uses("signInEventTypes");
    let keep = |s: &SignIn| {
        (event_types_filtered || s.is_interactive)
            && q.filter.as_ref().is_none_or(|f| matches(f, s))
    };
    let parts = q.filter.as_ref().map(conjuncts).unwrap_or_default();
    let window = time_window(logs, |s| s.created_date_time, &parts, "createdDateTime");
    let ix;
    let candidates = match eq_str(&parts, "userId") {
        Some(user) => {
            ix = index::sign_ins(&state, &tenant);
            let all = ix.positions(user);
            let from = all.partition_point(|&p| (p as usize) < window.start);
            let to = all.partition_point(|&p| (p as usize) < window.end);
            Candidates::Positions(&all[from..to])
        }
        None => Candidates::Range(window),
    };
    let in_window = match &candidates {
        Candidates::Positions(p) => p.len(),
        Candidates::Range(r) => r.len(),
        Candidates::All => logs.len(),
    };
    log_faults::check(&state, q.token.as_ref(), in_window)?;
    let page = collect_page(
        logs,
        candidates,
        q.token.as_ref(),
        |s| s.id.text(),
        keep,
        q.top,
    );
    let items = page.items.iter().map(|s| sign_in_json(s, beta)).collect();
    Ok(ctx.collection(
        "auditLogs/signIns",
        items,
        None,
        page.next.as_ref().map(|t| (t, q.fingerprint)),
    ))
}

pub async fn get(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::AUDIT_LOG_READ)?;
    ctx.no_query()?;
    let tenant = read(&state);
    let s = tenant
        .sign_ins
        .iter()
        .find(|s| s.id.text().eq_ignore_ascii_case(&id))
        .ok_or_else(|| GraphError::not_found(&id))?;
    Ok(ctx.entity("auditLogs/signIns/$entity", sign_in_json(s, ctx.beta())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::parse_filter;

    #[test]
    fn windows_follow_bounds_on_newest_first_logs() {
        let t = |h: u32| -> Time { format!("2025-03-01T{h:02}:00:00Z").parse().unwrap() };
        let log = vec![t(9), t(8), t(7), t(6), t(5)];
        let f = parse_filter(
            "createdDateTime ge 2025-03-01T06:00:00Z and createdDateTime le 2025-03-01T08:00:00Z",
        )
        .unwrap();
        let w = time_window(&log, |x| *x, &conjuncts(&f), "createdDateTime");
        assert_eq!(w, 1..4);
        let f = parse_filter("createdDateTime ge 2025-03-01T10:00:00Z").unwrap();
        assert_eq!(
            time_window(&log, |x| *x, &conjuncts(&f), "createdDateTime"),
            0..0
        );
        // An unsorted log is never narrowed.
        let shuffled = vec![t(5), t(9)];
        assert_eq!(
            time_window(&shuffled, |x| *x, &conjuncts(&f), "createdDateTime"),
            0..2
        );
    }

    #[test]
    fn finds_user_equality_among_conjuncts() {
        let f = parse_filter("userId eq 'u1' and (appId eq 'a' or appId eq 'b')").unwrap();
        assert_eq!(eq_str(&conjuncts(&f), "userId"), Some("u1"));
        let f = parse_filter("userId eq 'u1' or appId eq 'a'").unwrap();
        assert_eq!(eq_str(&conjuncts(&f), "userId"), None);
    }
}
