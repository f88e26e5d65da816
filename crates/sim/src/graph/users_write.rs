//! `PATCH /users/{id}` and `POST /users/{id}/revokeSignInSessions`: real state changes,
//! each with the directory audit records the real service writes.

use super::access::{self, Sensitive};
use super::ctx::{action_params, body_object, now, ts, write, Ctx};
use super::perms;
use super::users::{find_user_pos, USER_PROPS};
use crate::audit_log::{self, included, json_list, prop, user_target, Event, CORE_DIRECTORY};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::User;
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// Writable properties the simulator stores, with the attribute name Core Directory logs.
const STORED: &[(&str, &str)] = &[
    ("accountEnabled", "AccountEnabled"),
    ("passwordProfile", "PasswordProfile"),
    ("mobilePhone", "Mobile"),
    ("businessPhones", "TelephoneNumber"),
    ("otherMails", "OtherMail"),
    ("mail", "Email"),
    ("userPrincipalName", "UserPrincipalName"),
    ("displayName", "DisplayName"),
    ("givenName", "GivenName"),
    ("surname", "Surname"),
    ("jobTitle", "JobTitle"),
    ("department", "Department"),
    ("companyName", "CompanyName"),
    ("officeLocation", "PhysicalDeliveryOfficeName"),
    ("usageLocation", "UsageLocation"),
    ("preferredLanguage", "PreferredLanguage"),
];

const READ_ONLY: &[&str] = &[
    "id",
    "createdDateTime",
    "deletedDateTime",
    "signInSessionsValidFromDateTime",
    "lastPasswordChangeDateTime",
    "signInActivity",
    "creationType",
    "securityIdentifier",
    "assignedPlans",
    "provisionedPlans",
];

/// The permissions a PATCH needs: every group its properties touch.
fn required(keys: &[&str]) -> Vec<&'static [&'static str]> {
    let mut out: Vec<&'static [&'static str]> = Vec::new();
    for k in keys {
        let p = match *k {
            "accountEnabled" => perms::USER_ENABLE_DISABLE,
            "passwordProfile" => perms::USER_PASSWORD_PROFILE,
            "mobilePhone" | "businessPhones" => perms::USER_PHONES,
            "otherMails" | "mail" => perms::USER_MAIL,
            _ => perms::USER_WRITE,
        };
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

fn type_error(prop: &str, want: &str) -> GraphError {
    GraphError::bad_request(format!(
        "Invalid value specified for property '{prop}' of resource 'User'. Expected {want}."
    ))
}

fn opt_string(prop: &str, v: &Value) -> Result<Option<String>, GraphError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(type_error(prop, "a string")),
    }
}

fn string_list(prop: &str, v: &Value) -> Result<Vec<String>, GraphError> {
    let Value::Array(items) = v else {
        return Err(type_error(prop, "a collection of strings"));
    };
    items
        .iter()
        .map(|i| {
            i.as_str()
                .map(String::from)
                .ok_or_else(|| type_error(prop, "a collection of strings"))
        })
        .collect()
}

fn password_ok(p: &str) -> bool {
    let classes = [
        p.chars().any(|c| c.is_ascii_lowercase()),
        p.chars().any(|c| c.is_ascii_uppercase()),
        p.chars().any(|c| c.is_ascii_digit()),
        p.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    p.chars().count() >= 8 && classes.iter().filter(|x| **x).count() >= 3
}

/// Current value of a stored property, as JSON.
fn current(user: &User, key: &str) -> Value {
    let obj = serde_json::to_value(user).unwrap_or(Value::Null);
    obj.get(key).cloned().unwrap_or(Value::Null)
}

/// Applies one property; properties the simulator does not store are accepted and dropped.
fn apply(user: &mut User, key: &str, v: &Value) -> Result<(), GraphError> {
    match key {
        "accountEnabled" => {
            user.account_enabled = v.as_bool().ok_or_else(|| type_error(key, "a Boolean"))?
        }
        "passwordProfile" => {
            let pw = v.get("password").and_then(Value::as_str).unwrap_or("");
            if !password_ok(pw) {
                return Err(GraphError::bad_request(
                    "The specified password does not comply with password complexity requirements. Please provide a different password.",
                ));
            }
            user.password = pw.to_string();
            user.last_password_change_date_time = Some(now());
        }
        "mobilePhone" => user.mobile_phone = opt_string(key, v)?,
        "businessPhones" => {
            let list = string_list(key, v)?;
            if list.len() > 1 {
                return Err(GraphError::bad_request(
                    "Only one business phone number can be set.",
                ));
            }
            user.business_phones = list;
        }
        "otherMails" => user.other_mails = string_list(key, v)?,
        "mail" => user.mail = opt_string(key, v)?.map(Into::into),
        "userPrincipalName" => {
            user.user_principal_name = opt_string(key, v)?
                .ok_or_else(|| type_error(key, "a string"))?
                .into()
        }
        "displayName" => {
            user.display_name = opt_string(key, v)?
                .ok_or_else(|| type_error(key, "a string"))?
                .into()
        }
        "givenName" => user.given_name = opt_string(key, v)?.map(Into::into),
        "surname" => user.surname = opt_string(key, v)?.map(Into::into),
        "jobTitle" => user.job_title = opt_string(key, v)?.map(Into::into),
        "department" => user.department = opt_string(key, v)?.map(Into::into),
        "companyName" => user.company_name = opt_string(key, v)?.map(Into::into),
        "officeLocation" => user.office_location = opt_string(key, v)?.map(Into::into),
        "usageLocation" => user.usage_location = opt_string(key, v)?.map(Into::into),
        "preferredLanguage" => user.preferred_language = opt_string(key, v)?.map(Into::into),
        _ => {}
    }
    Ok(())
}

fn validate_keys(body: &Map<String, Value>) -> Result<Vec<&'static str>, GraphError> {
    let mut keys = Vec::new();
    // Annotations (`@odata.type`) are not properties.
    for k in body.keys().filter(|k| !k.starts_with('@')) {
        if READ_ONLY.iter().any(|r| r.eq_ignore_ascii_case(k)) {
            return Err(GraphError::bad_request(format!(
                "Property '{k}' is read-only and cannot be set."
            )));
        }
        let Some(canon) = USER_PROPS.iter().find(|p| **p == k.as_str()) else {
            return Err(GraphError::bad_request(format!(
                "Property '{k}' does not exist as a declared property or extension property."
            )));
        };
        keys.push(*canon);
    }
    if keys.is_empty() {
        return Err(GraphError::bad_request(
            "Empty Payload. JSON content expected.",
        ));
    }
    Ok(keys)
}

pub async fn patch(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    let body = body_object(&body)?;
    let keys = validate_keys(&body)?;
    for group in required(&keys) {
        caller.require_on(&id, group)?;
    }
    let mut tenant = write(&state);
    let pos = find_user_pos(&state, &tenant, &id)?;
    let target_id = tenant.users[pos].id.clone();
    // Profile properties (sensitive ones included) need a User Administrator on ordinary
    // accounts and a privileged role on admins; the password alone also suits Helpdesk.
    if keys.iter().any(|k| *k != "passwordProfile") {
        access::check_sensitive(&tenant, &caller, &target_id, Sensitive::Profile)?;
    }
    if keys.contains(&"passwordProfile") {
        access::check_sensitive(&tenant, &caller, &target_id, Sensitive::Password)?;
    }

    let before = tenant.users[pos].clone();
    let mut updated = before.clone();
    for k in &keys {
        apply(&mut updated, k, &body[*k])?;
    }
    let mut events = Vec::new();
    let mut changed = Vec::new();
    let mut names = Vec::new();
    for (key, attr) in STORED {
        if !keys.contains(key) || *key == "passwordProfile" {
            continue;
        }
        let (old, new) = (current(&before, key), current(&updated, key));
        if old != new {
            changed.push(prop(attr, Some(json_list(old)), Some(json_list(new))));
            names.push(*attr);
        }
    }
    if before.account_enabled != updated.account_enabled {
        let activity = if updated.account_enabled {
            "Enable account"
        } else {
            "Disable account"
        };
        let p = prop(
            "AccountEnabled",
            Some(json_list(json!(before.account_enabled))),
            Some(json_list(json!(updated.account_enabled))),
        );
        events.push(
            Event::new(CORE_DIRECTORY, "UserManagement", activity, "Update").target(user_target(
                &updated,
                vec![p, included(&["AccountEnabled"])],
            )),
        );
    }
    if !changed.is_empty() {
        changed.push(included(&names));
        events.push(
            Event::new(CORE_DIRECTORY, "UserManagement", "Update user", "Update")
                .target(user_target(&updated, changed)),
        );
    }
    if keys.contains(&"passwordProfile") {
        events.push(
            Event::new(CORE_DIRECTORY, "UserManagement", "Reset password", "Update")
                .target(user_target(&updated, Vec::new())),
        );
    }
    tenant.users[pos] = updated;
    audit_log::record(&mut tenant, &caller, events);
    Ok(super::ctx::no_content())
}

pub async fn revoke_sessions(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::USER_REVOKE_SESSIONS)?;
    action_params(&body, "revokeSignInSessions", &[])?;
    let mut tenant = write(&state);
    let pos = find_user_pos(&state, &tenant, &id)?;
    let target_id = tenant.users[pos].id.clone();
    access::check_sensitive(&tenant, &caller, &target_id, Sensitive::Sessions)?;
    // Guests: the session lives in their home tenant, so nothing changes here.
    if !tenant.users[pos].user_type.eq_ignore_ascii_case("Guest") {
        let old = tenant.users[pos].sign_in_sessions_valid_from_date_time;
        let new = now();
        tenant.users[pos].sign_in_sessions_valid_from_date_time = new;
        let p = prop(
            "StsRefreshTokensValidFrom",
            Some(json_list(json!(ts(&old)))),
            Some(json_list(json!(ts(&new)))),
        );
        let target = user_target(
            &tenant.users[pos],
            vec![p, included(&["StsRefreshTokensValidFrom"])],
        );
        let event = Event::new(
            CORE_DIRECTORY,
            "UserManagement",
            "Update StsRefreshTokenValidFrom Timestamp",
            "Update",
        )
        .target(target);
        audit_log::record(&mut tenant, &caller, vec![event]);
    }
    let body = json!({"@odata.context": ctx.context("Edm.Boolean"), "value": true});
    Ok(Json(body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_complexity() {
        assert!(password_ok("Kx9!vQ2p"));
        assert!(!password_ok("short1!"));
        assert!(!password_ok("alllowercase"));
    }

    #[test]
    fn permission_groups_follow_properties() {
        let r = required(&["accountEnabled", "jobTitle", "department"]);
        assert_eq!(r, vec![perms::USER_ENABLE_DISABLE, perms::USER_WRITE]);
    }
}
