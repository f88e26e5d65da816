//! `resetPassword` on the password method (delegated only, never one's own account): 202 with
//! a `Location` to `/users/{id}/authentication/operations/{opId}`, which reports `running` on
//! the first poll and `succeeded` after.

use super::access::{self, Sensitive};
use super::ctx::{action_params, now, read, ts, write, Ctx};
use super::perms;
use super::users::{find_user, find_user_pos};
use crate::audit_log::{self, user_target, Event, AUTH_METHODS, CORE_DIRECTORY};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{Time, PASSWORD_METHOD_ID};
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Clone)]
struct Operation {
    user_id: String,
    created: Time,
    polls: u32,
}

/// Password reset operations of one simulator.
#[derive(Default)]
struct Operations(Mutex<HashMap<String, Operation>>);

fn generated_password() -> String {
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let body: String = (0..10)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect();
    format!("{body}!9a")
}

fn complex_enough(p: &str) -> bool {
    let classes = [
        p.chars().any(|c| c.is_ascii_lowercase()),
        p.chars().any(|c| c.is_ascii_uppercase()),
        p.chars().any(|c| c.is_ascii_digit()),
        p.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    p.chars().count() >= 8 && classes.iter().filter(|x| **x).count() >= 3
}

pub async fn reset(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path((id, mid)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, GraphError> {
    // Application permissions are not supported for this API.
    if !caller.is_delegated() {
        return Err(GraphError::forbidden());
    }
    caller.require(perms::PASSWORD_RESET)?;
    let params = action_params(&body, "resetPassword", &["newPassword"])?;
    let requested = match params.get("newPassword") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(GraphError::bad_request("newPassword must be a string.")),
    };
    if !mid.eq_ignore_ascii_case(PASSWORD_METHOD_ID) {
        return Err(GraphError::not_found(&mid));
    }
    let mut tenant = write(&state);
    let pos = find_user_pos(&state, &tenant, &id)?;
    let user = tenant.users[pos].clone();
    if caller
        .user_id
        .as_deref()
        .is_some_and(|me| me.eq_ignore_ascii_case(&user.id))
    {
        return Err(GraphError::method_rule(
            "Self-service password reset is not allowed through this API: a signed-in user cannot reset their own password.",
        ));
    }
    access::check_sensitive(&tenant, &caller, &user.id, Sensitive::Password)?;
    let generated = requested.is_none();
    let password = requested.unwrap_or_else(generated_password);
    if !complex_enough(&password) {
        return Err(GraphError::method_rule(
            "The specified password does not comply with password complexity requirements. Please provide a different password.",
        ));
    }
    let at = now();
    tenant.users[pos].password = password.clone();
    tenant.users[pos].last_password_change_date_time = Some(at);
    let started = Event::new(
        AUTH_METHODS,
        "UserManagement",
        "Admin started password reset",
        "Update",
    )
    .reason("Admin started password reset for user")
    .target(user_target(&user, Vec::new()));
    let reset = Event::new(CORE_DIRECTORY, "UserManagement", "Reset password", "Update")
        .target(user_target(&user, Vec::new()));
    audit_log::record(&mut tenant, &caller, vec![started, reset]);
    drop(tenant);

    let op_id = uuid::Uuid::new_v4().to_string();
    let ops = super::side::table::<Operations>(&state);
    ops.0.lock().unwrap_or_else(|e| e.into_inner()).insert(
        op_id.clone(),
        Operation {
            user_id: user.id.to_string(),
            created: at,
            polls: 0,
        },
    );
    let location = ctx.url(&format!(
        "/users/{}/authentication/operations/{op_id}",
        user.id
    ));
    let body = if generated {
        json!({"newPassword": password})
    } else {
        json!({})
    };
    Ok((StatusCode::ACCEPTED, [(LOCATION, location)], Json(body)).into_response())
}

pub async fn operation(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path((id, op_id)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::OPERATION_READ)?;
    ctx.no_query()?;
    let user_id = {
        let tenant = read(&state);
        find_user(&state, &tenant, &id)?.id.clone()
    };
    let ops = super::side::table::<Operations>(&state);
    let mut ops = ops.0.lock().unwrap_or_else(|e| e.into_inner());
    let op = ops
        .get_mut(&op_id)
        .filter(|o| *o.user_id == *user_id)
        .ok_or_else(|| GraphError::not_found(&op_id))?;
    op.polls += 1;
    let status = if op.polls <= 1 {
        "running"
    } else {
        "succeeded"
    };
    let obj = json!({
        "id": op_id,
        "status": status,
        "createdDateTime": ts(&op.created),
        "lastActionDateTime": ts(&now()),
        "resourceLocation": ctx.url(&format!("/users/{user_id}/authentication/passwordMethods/{PASSWORD_METHOD_ID}")),
        "statusDetail": null,
    });
    Ok(ctx.entity(
        &format!("users('{user_id}')/authentication/operations/$entity"),
        obj,
    ))
}
