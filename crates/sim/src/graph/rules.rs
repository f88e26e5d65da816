//! Inbox rules: `/users/{id}/mailFolders/inbox/messageRules` GET, POST (201), PATCH (200 +
//! rule), DELETE (204). Hidden (MAPI-only) rules are never listed or reachable; rules Graph
//! cannot express come back as read-only shells (id, name, sequence, flags).

use super::ctx::{body_object, no_content, project, read, write, Ctx};
use super::mailbox::{folder, item_not_found, mailbox_of, no_mailbox};
use super::perms;
use super::users::find_user;
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{Mailbox, MessageRule, MessageRuleActions, MessageRulePredicates};
use crate::odata::Caps;
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use rand::RngCore;
use serde_json::{json, Map, Value};

const ACTIONS: &[&str] = &[
    "assignCategories",
    "copyToFolder",
    "delete",
    "forwardAsAttachmentTo",
    "forwardTo",
    "markAsRead",
    "markImportance",
    "moveToFolder",
    "permanentDelete",
    "redirectTo",
    "stopProcessingRules",
];
const PREDICATES: &[&str] = &[
    "bodyContains",
    "bodyOrSubjectContains",
    "categories",
    "fromAddresses",
    "hasAttachments",
    "headerContains",
    "importance",
    "isApprovalRequest",
    "isAutomaticForward",
    "isAutomaticReply",
    "isEncrypted",
    "isMeetingRequest",
    "isMeetingResponse",
    "isNonDeliveryReport",
    "isPermissionControlled",
    "isReadReceipt",
    "isSigned",
    "isVoicemail",
    "messageActionFlag",
    "notSentToMe",
    "recipientContains",
    "senderContains",
    "sensitivity",
    "sentCcMe",
    "sentOnlyToMe",
    "sentToAddresses",
    "sentToMe",
    "sentToOrCcMe",
    "subjectContains",
    "withinSizeRange",
];
const RULE_PROPS: &[&str] = &[
    "id",
    "displayName",
    "sequence",
    "isEnabled",
    "hasError",
    "isReadOnly",
    "conditions",
    "exceptions",
    "actions",
];

static RULE_CAPS: Caps = Caps {
    entity: "microsoft.graph.messageRule",
    select: RULE_PROPS,
    ..Caps::NONE
};

fn invalid(message: impl Into<String>) -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, "ErrorInvalidRequest", message)
}

/// Outlook's answer to a property its type does not have.
fn unknown_property(name: &str, ty: &str) -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "RequestBodyRead",
        format!("The property '{name}' does not exist on type 'Microsoft.OutlookServices.{ty}'. Make sure to only use property names that are defined by the type or mark the type as open type."),
    )
}

/// `moveToFolder` / `copyToFolder` must name a folder of this mailbox: a malformed id is
/// refused as Exchange refuses it, a well-formed one that names no folder as not found.
fn check_folders(mbx: &Mailbox, actions: &MessageRuleActions) -> Result<(), GraphError> {
    for target in [&actions.move_to_folder, &actions.copy_to_folder]
        .into_iter()
        .flatten()
    {
        if folder(mbx, target).is_some() {
            continue;
        }
        let well_formed = !target.is_empty()
            && target
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(&b));
        return Err(if well_formed {
            item_not_found()
        } else {
            GraphError::new(
                StatusCode::BAD_REQUEST,
                "ErrorInvalidIdMalformed",
                "Id is malformed.",
            )
        });
    }
    Ok(())
}

/// A rule as served: read-only shells carry only their identity and flags.
pub fn rule_json(r: &MessageRule) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    if r.is_read_only {
        if let Value::Object(m) = &mut v {
            for k in ["conditions", "exceptions", "actions"] {
                m.remove(k);
            }
        }
    }
    v
}

fn context(uid: &str) -> String {
    format!("users('{uid}')/mailFolders('inbox')/messageRules")
}

/// Rules live on the Inbox only.
fn check_inbox(mbx: &Mailbox, fid: &str) -> Result<(), GraphError> {
    match folder(mbx, fid) {
        Some(f)
            if f.well_known_name.as_deref() == Some("inbox")
                || fid.eq_ignore_ascii_case("inbox") =>
        {
            Ok(())
        }
        Some(_) => Err(invalid(
            "Message rules are only supported on the Inbox folder.",
        )),
        None if fid.eq_ignore_ascii_case("inbox") => Ok(()),
        None => Err(item_not_found()),
    }
}

/// A new rule id in the service's shape (`AQAAAJ5dZqA=`), free of `/` and `+` so it can sit
/// in a path unescaped.
fn new_rule_id() -> String {
    loop {
        let mut b = [1u8, 0, 0, 0, 0, 0, 0, 0];
        rand::thread_rng().fill_bytes(&mut b[4..]);
        let id = base64::engine::general_purpose::STANDARD.encode(b);
        if !id.contains('/') && !id.contains('+') {
            return id;
        }
    }
}

fn check_members(obj: &Map<String, Value>, key: &str, allowed: &[&str]) -> Result<(), GraphError> {
    if let Some(v) = obj.get(key) {
        let Value::Object(m) = v else {
            return Err(invalid(format!("'{key}' must be an object.")));
        };
        if let Some(bad) = m
            .keys()
            .find(|k| !allowed.contains(&k.as_str()) && !k.starts_with('@'))
        {
            let ty = if key == "actions" {
                "MessageRuleActions"
            } else {
                "MessageRulePredicates"
            };
            return Err(unknown_property(bad, ty));
        }
    }
    Ok(())
}

/// Applies a POST/PATCH body to `rule`.
fn apply(rule: &mut MessageRule, body: &Map<String, Value>) -> Result<(), GraphError> {
    for k in body.keys() {
        match k.as_str() {
            "displayName" | "sequence" | "isEnabled" | "conditions" | "exceptions" | "actions" => {}
            k if k.starts_with('@') => {}
            "id" | "hasError" | "isReadOnly" => {
                return Err(invalid(format!(
                    "The property '{k}' cannot be set on a message rule."
                )))
            }
            other => return Err(unknown_property(other, "MessageRule")),
        }
    }
    check_members(body, "conditions", PREDICATES)?;
    check_members(body, "exceptions", PREDICATES)?;
    check_members(body, "actions", ACTIONS)?;
    if let Some(v) = body.get("displayName").cloned() {
        rule.display_name = v
            .as_str()
            .ok_or_else(|| invalid("displayName must be a string."))?
            .to_string();
    }
    if let Some(v) = body.get("sequence").cloned() {
        let n = v
            .as_i64()
            .filter(|n| *n >= 1)
            .ok_or_else(|| invalid("sequence must be a positive integer."))?;
        rule.sequence = n as i32;
    }
    if let Some(v) = body.get("isEnabled").cloned() {
        rule.is_enabled = v
            .as_bool()
            .ok_or_else(|| invalid("isEnabled must be a Boolean."))?;
    }
    let bad = |e: serde_json::Error| invalid(format!("Invalid message rule: {e}"));
    if let Some(v) = body.get("conditions").cloned() {
        rule.conditions = serde_json::from_value::<MessageRulePredicates>(v).map_err(bad)?;
    }
    if let Some(v) = body.get("exceptions").cloned() {
        rule.exceptions = serde_json::from_value::<MessageRulePredicates>(v).map_err(bad)?;
    }
    if let Some(v) = body.get("actions").cloned() {
        rule.actions = serde_json::from_value::<MessageRuleActions>(v).map_err(bad)?;
    }
    Ok(())
}

pub async fn list(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path((id, fid)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::MAILBOX_SETTINGS_READ)?;
    let q = ctx.query(&RULE_CAPS)?;
    let tenant = read(&state);
    let (uid, mbx) = mailbox_of(&state, &tenant, &id)?;
    check_inbox(mbx, &fid)?;
    let items = mbx
        .rules
        .iter()
        .map(|r| project(rule_json(r), q.select.as_deref(), &[]))
        .collect();
    Ok(ctx.collection(&context(&uid), items, None, None))
}

pub async fn get(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path((id, fid, rid)): Path<(String, String, String)>,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::MAILBOX_SETTINGS_READ)?;
    let q = ctx.query(&RULE_CAPS)?;
    let tenant = read(&state);
    let (uid, mbx) = mailbox_of(&state, &tenant, &id)?;
    check_inbox(mbx, &fid)?;
    let r = mbx
        .rules
        .iter()
        .find(|r| r.id == rid)
        .ok_or_else(item_not_found)?;
    Ok(ctx.entity(
        &format!("{}/$entity", context(&uid)),
        project(rule_json(r), q.select.as_deref(), &[]),
    ))
}

/// The user's id and mailbox for writing.
fn mailbox_mut<'t>(
    state: &Shared,
    tenant: &'t mut crate::model::Tenant,
    key: &str,
    fid: &str,
) -> Result<(String, &'t mut Mailbox), GraphError> {
    let uid = find_user(state, tenant, key)?.id.clone();
    let mbx = tenant.mailboxes.get_mut(&uid).ok_or_else(no_mailbox)?;
    check_inbox(mbx, fid)?;
    Ok((uid.to_string(), mbx))
}

pub async fn create(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path((id, fid)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::MAILBOX_SETTINGS_WRITE)?;
    let body = body_object(&body)?;
    if !body.get("displayName").is_some_and(Value::is_string) {
        return Err(invalid("The displayName of a message rule is required."));
    }
    let mut tenant = write(&state);
    let (uid, mbx) = mailbox_mut(&state, &mut tenant, &id, &fid)?;
    let next_sequence = mbx.rules.iter().map(|r| r.sequence).max().unwrap_or(0) + 1;
    let mut rule = MessageRule {
        id: new_rule_id(),
        display_name: String::new(),
        sequence: next_sequence,
        is_enabled: true,
        has_error: false,
        is_read_only: false,
        conditions: MessageRulePredicates::default(),
        exceptions: MessageRulePredicates::default(),
        actions: MessageRuleActions::default(),
    };
    apply(&mut rule, &body)?;
    check_folders(mbx, &rule.actions)?;
    mbx.rules.push(rule.clone());
    Ok(ctx.created(&format!("{}/$entity", context(&uid)), rule_json(&rule)))
}

pub async fn update(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path((id, fid, rid)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::MAILBOX_SETTINGS_WRITE)?;
    let body = body_object(&body)?;
    let mut tenant = write(&state);
    let (uid, mbx) = mailbox_mut(&state, &mut tenant, &id, &fid)?;
    let pos = mbx
        .rules
        .iter()
        .position(|r| r.id == rid)
        .ok_or_else(item_not_found)?;
    let mut updated = mbx.rules[pos].clone();
    // A read-only rule can be switched on or off, nothing else.
    if updated.is_read_only && body.keys().any(|k| k != "isEnabled" && !k.starts_with('@')) {
        return Err(invalid(
            "The rule is read-only: only isEnabled can be changed through this API.",
        ));
    }
    apply(&mut updated, &body)?;
    if body.contains_key("actions") {
        check_folders(mbx, &updated.actions)?;
    }
    mbx.rules[pos] = updated.clone();
    let mut v = rule_json(&updated);
    if let Value::Object(m) = &mut v {
        m.insert(
            "@odata.context".into(),
            json!(ctx.context(&format!("{}/$entity", context(&uid)))),
        );
    }
    Ok((StatusCode::OK, Json(v)).into_response())
}

pub async fn delete(
    State(state): State<Shared>,
    caller: Caller,
    Path((id, fid, rid)): Path<(String, String, String)>,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::MAILBOX_SETTINGS_WRITE)?;
    let mut tenant = write(&state);
    let (_, mbx) = mailbox_mut(&state, &mut tenant, &id, &fid)?;
    let before = mbx.rules.len();
    mbx.rules.retain(|r| r.id != rid);
    if mbx.rules.len() == before {
        return Err(item_not_found());
    }
    Ok(no_content())
}
