//! The long-read knobs of the sign-in and directory-audit logs (`LogFaults`): a query over too
//! many records times out, and a query's paging dies after a number of pages.
//!
//! What the service answers is known only from public reports [O]: a large range times out
//! (504 `UnknownError`, as the hostile profile's gateway timeouts), and a skip token that stops
//! working mid-way answers "Invalid Skip Token, skip token is null" (msgraph-sdk-powershell
//! #1388 on `signIns`; microsoft-graph-docs #8612 and #5974).

use crate::error::GraphError;
use crate::odata::PageToken;
use crate::state::Shared;
use axum::http::StatusCode;

/// The answer for a request of a query whose paging died.
pub fn dead_skip_token() -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "UnknownError",
        "Invalid Skip Token, skip token is null",
    )
}

/// Refuses the request when a knob says so: `in_window` is how many records its time window
/// (and user) holds.
pub fn check(
    state: &Shared,
    token: Option<&PageToken>,
    in_window: usize,
) -> Result<(), GraphError> {
    let logs = state.knobs().logs;
    if let (Some(pages), Some(t)) = (logs.next_link_pages, token) {
        if t.page >= pages {
            return Err(dead_skip_token());
        }
    }
    if logs.timeout_above.is_some_and(|max| in_window > max) {
        return Err(GraphError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "UnknownError",
            "",
        ));
    }
    Ok(())
}
