//! Exchange Online parts of a user: `mailFolders` (so rule folder ids can be named); the
//! mailbox helpers shared with rules and settings. A user without a mailbox gets 404
//! `MailboxNotEnabledForRESTAPI`.

use super::ctx::{project, read, Ctx};
use super::perms;
use super::users::find_user;
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{MailFolder, Mailbox, Tenant};
use crate::odata::paging::{collect_page, Candidates};
use crate::odata::Caps;
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

const FOLDER_PROPS: &[&str] = &[
    "id",
    "displayName",
    "parentFolderId",
    "childFolderCount",
    "unreadItemCount",
    "totalItemCount",
    "isHidden",
];

static FOLDER_LIST_CAPS: Caps = Caps {
    entity: "microsoft.graph.mailFolder",
    filter: None,
    select: FOLDER_PROPS,
    page: Some((10, 1000)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: false,
};

pub fn no_mailbox() -> GraphError {
    GraphError::new(
        StatusCode::NOT_FOUND,
        "MailboxNotEnabledForRESTAPI",
        "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
    )
}

pub fn item_not_found() -> GraphError {
    GraphError::new(
        StatusCode::NOT_FOUND,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

/// The user's id and mailbox, or the errors Graph gives.
pub fn mailbox_of<'t>(
    state: &Shared,
    tenant: &'t Tenant,
    key: &str,
) -> Result<(String, &'t Mailbox), GraphError> {
    let user = find_user(state, tenant, key)?;
    let mbx = tenant.mailboxes.get(&user.id).ok_or_else(no_mailbox)?;
    Ok((user.id.to_string(), mbx))
}

/// A folder by id or well-known name (`inbox`, `deleteditems`, ...).
pub fn folder(mbx: &Mailbox, key: &str) -> Option<MailFolder> {
    find_folder(&mbx.folders(), key).cloned()
}

fn find_folder<'f>(all: &'f [MailFolder], key: &str) -> Option<&'f MailFolder> {
    all.iter().find(|f| {
        f.id == key
            || f.well_known_name
                .as_deref()
                .is_some_and(|w| w.eq_ignore_ascii_case(key))
    })
}

fn folder_json(all: &[MailFolder], f: &MailFolder, beta: bool) -> Value {
    let children = all
        .iter()
        .filter(|c| c.parent_folder_id.as_deref() == Some(f.id.as_str()))
        .count();
    let mut v = json!({
        "id": f.id,
        "displayName": f.display_name,
        "parentFolderId": f.parent_folder_id,
        "childFolderCount": children,
        "unreadItemCount": 0,
        "totalItemCount": 0,
        "isHidden": false,
    });
    if beta {
        v["wellKnownName"] = json!(f.well_known_name);
    }
    v
}

fn is_top_level(all: &[MailFolder], f: &MailFolder) -> bool {
    match &f.parent_folder_id {
        None => true,
        Some(p) => !all.iter().any(|x| *x.id == **p),
    }
}

fn list_folders(
    ctx: &Ctx,
    user_id: &str,
    all: &[MailFolder],
    pick: impl Fn(&MailFolder) -> bool,
    fragment: &str,
) -> Result<Response, GraphError> {
    let q = ctx.query(&FOLDER_LIST_CAPS)?;
    let page = collect_page(
        all,
        Candidates::All,
        q.token.as_ref(),
        |f| f.id.as_str(),
        pick,
        q.top,
    );
    let items = page
        .items
        .iter()
        .map(|f| project(folder_json(all, f, ctx.beta()), q.select.as_deref(), &[]))
        .collect();
    let fragment = format!("users('{user_id}')/{fragment}");
    Ok(ctx.collection(
        &fragment,
        items,
        None,
        page.next.as_ref().map(|t| (t, q.fingerprint)),
    ))
}

pub async fn folders(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::MAIL_FOLDERS_READ)?;
    let tenant = read(&state);
    let (uid, mbx) = mailbox_of(&state, &tenant, &id)?;
    let all = mbx.folders();
    list_folders(&ctx, &uid, &all, |f| is_top_level(&all, f), "mailFolders")
}

pub async fn child_folders(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path((id, fid)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::MAIL_FOLDERS_READ)?;
    let tenant = read(&state);
    let (uid, mbx) = mailbox_of(&state, &tenant, &id)?;
    let all = mbx.folders();
    let parent = find_folder(&all, &fid)
        .ok_or_else(item_not_found)?
        .id
        .clone();
    let fragment = format!("mailFolders('{fid}')/childFolders");
    list_folders(
        &ctx,
        &uid,
        &all,
        |f| f.parent_folder_id.as_deref() == Some(parent.as_str()),
        &fragment,
    )
}

pub async fn get_folder(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path((id, fid)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::MAIL_FOLDERS_READ)?;
    let q = ctx.query(&Caps {
        page: None,
        ..FOLDER_LIST_CAPS
    })?;
    let tenant = read(&state);
    let (uid, mbx) = mailbox_of(&state, &tenant, &id)?;
    let all = mbx.folders();
    let f = find_folder(&all, &fid).ok_or_else(item_not_found)?;
    let obj = project(folder_json(&all, f, ctx.beta()), q.select.as_deref(), &[]);
    Ok(ctx.entity(&format!("users('{uid}')/mailFolders/$entity"), obj))
}
