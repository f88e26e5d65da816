//! `/users/{id}/authentication/phoneMethods` with every phone rule (REFERENCE §3.5): the
//! `+{cc} {number}[x{ext}]` format, one method per type with a fixed id per type,
//! alternateMobile only beside a mobile, an immutable type, the default method (while others
//! remain, [`super::sign_in_prefs`]) and the mobile under an alternateMobile not deletable; masked numbers for Authentication Administrators.

use super::access::{self, masks_phone_numbers, Sensitive};
use super::ctx::{body_object, no_content, now, write, Ctx};
use super::methods::{
    am_event, commit_change, context_for, method_json, serve_list, serve_one, MethodView,
};
use super::perms;
use super::users::find_user_pos;
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{
    AuthMethod, MethodKind, PHONE_ID_ALTERNATE_MOBILE, PHONE_ID_MOBILE, PHONE_ID_OFFICE,
};
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value};

const SEGMENT: &str = "phoneMethods";

/// The fixed method id of each phone type.
pub fn id_for(phone_type: &str) -> Option<&'static str> {
    match phone_type {
        "mobile" => Some(PHONE_ID_MOBILE),
        "alternateMobile" => Some(PHONE_ID_ALTERNATE_MOBILE),
        "office" => Some(PHONE_ID_OFFICE),
        _ => None,
    }
}

/// `+{country code} {number}[x{extension}]`.
pub fn valid_number(n: &str) -> bool {
    let Some(rest) = n.strip_prefix('+') else {
        return false;
    };
    let Some((cc, number)) = rest.split_once(' ') else {
        return false;
    };
    let (main, ext) = match number.split_once('x') {
        Some((m, e)) => (m, Some(e)),
        None => (number, None),
    };
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    digits(cc, 1, 3) && digits(main, 4, 15) && ext.is_none_or(|e| digits(e, 1, 10))
}

fn format_error() -> GraphError {
    GraphError::method_rule(
        "Invalid phone number format. Phone numbers must be in the format '+{country code} {number}x{extension}', e.g. '+1 2065555555x1234'.",
    )
}

fn is_phone(m: &AuthMethod) -> bool {
    m.kind == Some(MethodKind::Phone)
}

fn has_type(list: &[AuthMethod], t: &str) -> bool {
    list.iter()
        .any(|m| is_phone(m) && m.phone_type.as_deref() == Some(t))
}

/// Canonical phone type from a request (`mobile`, `alternateMobile`, `office`).
fn phone_type(v: Option<&Value>) -> Result<String, GraphError> {
    let raw = v
        .and_then(Value::as_str)
        .ok_or_else(|| GraphError::method_rule("phoneType is required."))?;
    ["mobile", "alternateMobile", "office"]
        .iter()
        .find(|t| t.eq_ignore_ascii_case(raw))
        .map(|t| t.to_string())
        .ok_or_else(|| {
            GraphError::method_rule(format!(
                "Invalid phoneType '{raw}'. Expected mobile, alternateMobile or office."
            ))
        })
}

fn check_keys(body: &Map<String, Value>) -> Result<(), GraphError> {
    for k in body.keys() {
        if !matches!(k.as_str(), "phoneNumber" | "phoneType" | "@odata.type") {
            return Err(GraphError::method_rule(format!(
                "Property '{k}' cannot be set on a phone authentication method."
            )));
        }
    }
    Ok(())
}

const PHONES: MethodView<'static> = MethodView {
    read: perms::PHONE_READ,
    segment: SEGMENT,
    keep: &is_phone,
    mask_phones: true,
    typed: false,
};

pub async fn list(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    serve_list(&PHONES, &state, &caller, &ctx, &id)
}

pub async fn get(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path((id, pid)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    serve_one(&PHONES, &state, &caller, &ctx, &id, &pid)
}

pub async fn create(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::PHONE_WRITE)?;
    let body = body_object(&body)?;
    check_keys(&body)?;
    let number = body
        .get("phoneNumber")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphError::method_rule("phoneNumber is required."))?
        .to_string();
    let ptype = phone_type(body.get("phoneType"))?;
    if !valid_number(&number) {
        return Err(format_error());
    }
    let mut tenant = write(&state);
    let pos = find_user_pos(&state, &tenant, &id)?;
    let user = tenant.users[pos].clone();
    access::check_sensitive(&tenant, &caller, &user.id, Sensitive::Methods)?;
    let before = tenant.methods.get(&user.id).cloned().unwrap_or_default();
    if has_type(&before, &ptype) {
        return Err(GraphError::method_rule(format!(
            "A phone method of type '{ptype}' already exists for this user. Update or delete it instead."
        )));
    }
    if ptype == "alternateMobile" && !has_type(&before, "mobile") {
        return Err(GraphError::method_rule(
            "An alternateMobile phone method can only be added to a user who has a mobile phone method.",
        ));
    }
    let method = AuthMethod {
        id: crate::model::method_id(id_for(&ptype).unwrap_or(PHONE_ID_MOBILE)),
        kind: Some(MethodKind::Phone),
        created_date_time: Some(now()),
        phone_number: Some(number),
        phone_type: Some(ptype.as_str().into()),
        sms_sign_in_state: Some("notEnabled".into()),
        is_default: !before.iter().any(|m| m.is_default),
        ..AuthMethod::default()
    };
    let mut after = before.clone();
    after.push(method.clone());
    let reason = format!(
        "{} registered {ptype} phone method for user",
        super::methods::actor(&caller, &user.id)
    );
    let event = am_event(&caller, &user, "registered", "Add", reason);
    commit_change(&mut tenant, &caller, &user, before, after, event);
    let obj = method_json(&method, ctx.beta(), masks_phone_numbers(&caller), false);
    Ok(ctx.created(&format!("{}/$entity", context_for(&user.id, SEGMENT)), obj))
}

pub async fn update(
    State(state): State<Shared>,
    caller: Caller,
    Path((id, pid)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::PHONE_WRITE)?;
    let body = body_object(&body)?;
    check_keys(&body)?;
    let mut tenant = write(&state);
    let pos = find_user_pos(&state, &tenant, &id)?;
    let user = tenant.users[pos].clone();
    access::check_sensitive(&tenant, &caller, &user.id, Sensitive::Methods)?;
    let before = tenant.methods.get(&user.id).cloned().unwrap_or_default();
    let idx = before
        .iter()
        .position(|m| is_phone(m) && m.id.eq_ignore_ascii_case(&pid))
        .ok_or_else(|| GraphError::not_found(&pid))?;
    let current_type = before[idx]
        .phone_type
        .as_deref()
        .unwrap_or_default()
        .to_string();
    if body.contains_key("phoneType") && phone_type(body.get("phoneType"))? != current_type {
        return Err(GraphError::method_rule(
            "The phoneType of an existing phone method cannot be changed. Add a method of the new type, then delete this one.",
        ));
    }
    let mut after = before.clone();
    if let Some(n) = body.get("phoneNumber") {
        let n = n.as_str().ok_or_else(format_error)?;
        if !valid_number(n) {
            return Err(format_error());
        }
        after[idx].phone_number = Some(n.to_string());
    }
    let reason = format!(
        "{} updated {current_type} phone method for user",
        super::methods::actor(&caller, &user.id)
    );
    let event = am_event(&caller, &user, "updated", "Update", reason);
    commit_change(&mut tenant, &caller, &user, before, after, event);
    Ok(no_content())
}

pub async fn delete(
    State(state): State<Shared>,
    caller: Caller,
    Path((id, pid)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::PHONE_WRITE)?;
    let mut tenant = write(&state);
    let pos = find_user_pos(&state, &tenant, &id)?;
    let user = tenant.users[pos].clone();
    access::check_sensitive(&tenant, &caller, &user.id, Sensitive::Methods)?;
    let before = tenant.methods.get(&user.id).cloned().unwrap_or_default();
    let idx = before
        .iter()
        .position(|m| is_phone(m) && m.id.eq_ignore_ascii_case(&pid))
        .ok_or_else(|| GraphError::not_found(&pid))?;
    super::sign_in_prefs::check_delete(&tenant, &user.id, &before, idx)?;
    let ptype = before[idx]
        .phone_type
        .as_deref()
        .unwrap_or_default()
        .to_string();
    if ptype == "mobile" && has_type(&before, "alternateMobile") {
        return Err(GraphError::method_rule(
            "Cannot delete the mobile phone method without first deleting alternate mobile number.",
        ));
    }
    let mut after = before.clone();
    super::sign_in_prefs::remove_method(&tenant, &user.id, &mut after, idx)?;
    let reason = format!(
        "{} deleted {ptype} phone method for user",
        super::methods::actor(&caller, &user.id)
    );
    let event = am_event(&caller, &user, "deleted", "Delete", reason);
    commit_change(&mut tenant, &caller, &user, before, after, event);
    Ok(no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_number_format() {
        for ok in [
            "+1 5555550100",
            "+44 7700900123",
            "+1 4255550100x123",
            "+353 8712345",
        ] {
            assert!(valid_number(ok), "{ok}");
        }
        for bad in [
            "5555550100",
            "+1 555",
            "+1-5555550100",
            "+15555550100",
            "+1 555 555 0100",
            "+1 5555550100x",
            "+1234 5555550100",
            "+1 55555abc00",
        ] {
            assert!(!valid_number(bad), "{bad}");
        }
    }
}
