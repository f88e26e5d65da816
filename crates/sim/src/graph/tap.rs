//! `POST /users/{id}/authentication/temporaryAccessPassMethods`: one usable pass per user (a
//! new one replaces the old), lifetime 10-43200 minutes, the pass text only in this response.
//! GET and DELETE are the typed collection in [`super::methods`].

use super::access::{self, Sensitive};
use super::ctx::{body_json, now, ts, write, Ctx};
use super::methods::{actor, am_event, commit_change, context_for, method_json};
use super::perms;
use super::users::find_user_pos;
use crate::audit_log::prop;
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{AuthMethod, MethodKind, RareMethodProps, Time};
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use rand::Rng;
use serde_json::{json, Value};

const SEGMENT: &str = "temporaryAccessPassMethods";
const DEFAULT_LIFETIME: i64 = 60;

/// The request's optional settings.
struct TapRequest {
    start: Option<Time>,
    lifetime: i32,
    usable_once: bool,
}

fn parse_request(body: &Bytes) -> Result<TapRequest, GraphError> {
    let mut req = TapRequest {
        start: None,
        lifetime: DEFAULT_LIFETIME as i32,
        usable_once: false,
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(req);
    }
    let Value::Object(obj) = body_json(body)? else {
        return Err(GraphError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    for (k, v) in &obj {
        match k.as_str() {
            "startDateTime" => {
                let s = v.as_str().ok_or_else(|| {
                    GraphError::method_rule("startDateTime must be a DateTimeOffset.")
                })?;
                let t = chrono::DateTime::parse_from_rfc3339(s).map_err(|_| {
                    GraphError::method_rule(format!("Invalid startDateTime '{s}'."))
                })?;
                req.start = Some(t.with_timezone(&chrono::Utc));
            }
            "lifetimeInMinutes" => {
                let n = v.as_i64().ok_or_else(|| {
                    GraphError::method_rule("lifetimeInMinutes must be an integer.")
                })?;
                if !(10..=43200).contains(&n) {
                    return Err(GraphError::method_rule(format!(
                        "The lifetimeInMinutes value {n} is outside the allowed range of 10 to 43200 minutes."
                    )));
                }
                req.lifetime = n as i32;
            }
            "isUsableOnce" => {
                req.usable_once = v
                    .as_bool()
                    .ok_or_else(|| GraphError::method_rule("isUsableOnce must be a Boolean."))?;
            }
            "@odata.type" => {}
            other => {
                return Err(GraphError::method_rule(format!(
                    "Property '{other}' cannot be set on a temporary access pass."
                )))
            }
        }
    }
    Ok(req)
}

/// Eight characters of the kind the service issues, e.g. `x7#Kq2!m`.
fn generate_pass() -> String {
    const CHARS: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789#!@$%&*";
    let mut rng = rand::thread_rng();
    (0..8)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

pub async fn create(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::TAP_WRITE)?;
    let req = parse_request(&body)?;
    let mut tenant = write(&state);
    let pos = find_user_pos(&state, &tenant, &id)?;
    let user = tenant.users[pos].clone();
    access::check_sensitive(&tenant, &caller, &user.id, Sensitive::Methods)?;
    let before = tenant.methods.get(&user.id).cloned().unwrap_or_default();
    let created = now();
    let start = req.start.unwrap_or(created);
    let pass = generate_pass();
    let method = AuthMethod {
        id: uuid::Uuid::new_v4().to_string().into(),
        kind: Some(MethodKind::TemporaryAccessPass),
        created_date_time: Some(created),
        rare: Some(Box::new(RareMethodProps {
            start_date_time: Some(start),
            lifetime_in_minutes: Some(req.lifetime),
            is_usable_once: Some(req.usable_once),
            tap_secret: Some(pass.clone()),
            ..RareMethodProps::default()
        })),
        ..AuthMethod::default()
    };
    // One usable pass per user: the new one replaces any other.
    let mut after: Vec<AuthMethod> = before
        .iter()
        .filter(|m| m.kind != Some(MethodKind::TemporaryAccessPass))
        .cloned()
        .collect();
    after.push(method.clone());
    let end = start + chrono::Duration::minutes(i64::from(req.lifetime));
    let usage = if req.usable_once {
        "OneTime"
    } else {
        "MultiUse"
    };
    let mut event = am_event(
        &caller,
        &user,
        "registered",
        "Add",
        format!(
            "{} registered temporary access pass method for user",
            actor(&caller, &user.id)
        ),
    );
    if let Some(t) = event.targets.first_mut() {
        t.modified_properties = vec![
            prop(
                "TemporaryAccessPass.Id",
                None,
                Some(json!(method.id).to_string()),
            ),
            prop(
                "TemporaryAccessPass.StartDateTime",
                None,
                Some(json!(ts(&start)).to_string()),
            ),
            prop(
                "TemporaryAccessPass.EndDateTime",
                None,
                Some(json!(ts(&end)).to_string()),
            ),
            prop(
                "TemporaryAccessPass.AccessPassUsage",
                None,
                Some(json!(usage).to_string()),
            ),
        ];
    }
    commit_change(&mut tenant, &caller, &user, before, after, event);
    let mut obj = method_json(&method, ctx.beta(), false, false);
    obj["temporaryAccessPass"] = json!(pass);
    Ok(ctx.created(&format!("{}/$entity", context_for(&user.id, SEGMENT)), obj))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_validation() {
        assert_eq!(parse_request(&Bytes::new()).unwrap().lifetime, 60);
        let ok = parse_request(&Bytes::from_static(br#"{"lifetimeInMinutes":10,"isUsableOnce":true,"startDateTime":"2025-03-01T12:00:00Z"}"#)).unwrap();
        assert!(ok.usable_once);
        assert_eq!(ok.lifetime, 10);
        for bad in [
            r#"{"lifetimeInMinutes":9}"#,
            r#"{"lifetimeInMinutes":43201}"#,
            r#"{"temporaryAccessPass":"x"}"#,
            r#"{"startDateTime":"soon"}"#,
        ] {
            let e = parse_request(&Bytes::from(bad.to_string())).err().unwrap();
            assert_eq!(e.code, "badRequest", "{bad}");
        }
        assert_eq!(generate_pass().len(), 8);
    }
}
