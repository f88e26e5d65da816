//! `GET /applications/{id}/owners`: the users who own an app registration (typed directory
//! objects, paged).

use super::app_credentials::find_app;
use super::ctx::{project, read, Ctx};
use super::perms;
use crate::caller::Caller;
use crate::error::GraphError;
use crate::odata::paging::{collect_page, Candidates};
use crate::odata::Caps;
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;

static OWNER_CAPS: Caps = Caps {
    entity: "microsoft.graph.directoryObject",
    filter: None,
    select: &["id", "displayName", "userPrincipalName"],
    page: Some((100, 999)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: true,
};

pub async fn owners(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::APPLICATIONS_READ)?;
    let q = ctx.query(&OWNER_CAPS)?;
    let tenant = read(&state);
    let a = find_app(&tenant, &id)?;
    let users: Vec<_> = tenant
        .users
        .iter()
        .filter(|u| !u.deleted && a.owners.iter().any(|o| **o == *u.id))
        .collect();
    let page = collect_page(
        &users,
        Candidates::All,
        q.token.as_ref(),
        |u| &u.id,
        |_| true,
        q.top,
    );
    let items = page
        .items
        .iter()
        .map(|u| {
            let v = json!({
                "@odata.type": "#microsoft.graph.user",
                "id": u.id,
                "displayName": u.display_name,
                "userPrincipalName": u.user_principal_name,
            });
            let mut p = project(v, q.select.as_deref(), &[]);
            p["@odata.type"] = json!("#microsoft.graph.user");
            p
        })
        .collect();
    Ok(ctx.collection(
        "directoryObjects",
        items,
        None,
        page.next.as_ref().map(|t| (t, q.fingerprint)),
    ))
}
