//! `/users/{id}/mailboxSettings`: GET (MailboxSettings.Read) and PATCH (MailboxSettings.ReadWrite,
//! 200 with the updated properties). Outlook's rules for request bodies: unknown properties are
//! `RequestBodyRead` errors, enum values are matched case-insensitively and served in camelCase,
//! the documented working-hours and time-zone errors.

use super::ctx::{body_object, project, read, write, Ctx};
use super::mailbox::{mailbox_of, no_mailbox};
use super::perms;
use super::users::find_user;
use crate::caller::Caller;
use crate::error::GraphError;
use crate::odata::Caps;
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

const PROPS: &[&str] = &[
    "archiveFolder",
    "automaticRepliesSetting",
    "dateFormat",
    "delegateMeetingMessageDeliveryOptions",
    "language",
    "timeFormat",
    "timeZone",
    "userPurpose",
    "workingHours",
];
/// Served but not settable.
const READ_ONLY: &[&str] = &["userPurpose"];

/// What a mailbox without stored settings reports.
fn default_settings() -> Value {
    json!({
        "archiveFolder": null,
        "timeZone": "UTC",
        "dateFormat": "M/d/yyyy",
        "timeFormat": "h:mm tt",
        "automaticRepliesSetting": {
            "status": "disabled",
            "externalAudience": "all",
            "internalReplyMessage": "",
            "externalReplyMessage": "",
            "scheduledStartDateTime": {"dateTime": "2024-01-01T00:00:00.0000000", "timeZone": "UTC"},
            "scheduledEndDateTime": {"dateTime": "2024-01-02T00:00:00.0000000", "timeZone": "UTC"},
        },
        "language": {"locale": "en-US", "displayName": "English (United States)"},
    })
}

fn context(uid: &str) -> String {
    format!("users('{uid}')/mailboxSettings")
}

pub async fn get(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::MAILBOX_SETTINGS_READ)?;
    let q = ctx.query(&Caps {
        entity: "microsoft.graph.mailboxSettings",
        select: PROPS,
        ..Caps::NONE
    })?;
    let tenant = read(&state);
    let (uid, mbx) = mailbox_of(&state, &tenant, &id)?;
    let obj = match &*mbx.settings {
        Value::Object(_) => (*mbx.settings).clone(),
        _ => default_settings(),
    };
    Ok(ctx.entity(&context(&uid), project(obj, q.select.as_deref(), &[])))
}

fn error(code: &str, message: impl Into<String>) -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, code, message)
}

/// Outlook's answer to a member its type does not have.
fn unknown_member(name: &str, ty: &str) -> GraphError {
    error(
        "RequestBodyRead",
        format!("The property '{name}' does not exist on type 'Microsoft.OutlookServices.{ty}'. Make sure to only use property names that are defined by the type or mark the type as open type."),
    )
}

fn not_found_value(v: &str) -> GraphError {
    error(
        "InvalidArguments",
        format!("Requested value '{v}' was not found."),
    )
}

fn string(name: &str, v: &Value) -> Result<String, GraphError> {
    v.as_str().map(str::to_string).ok_or_else(|| {
        error(
            "RequestBodyRead",
            format!(
                "Cannot convert a value of property '{name}' to the expected type 'Edm.String'."
            ),
        )
    })
}

/// An enum member, case-insensitively, in its canonical spelling.
fn member(v: &Value, members: &[&'static str]) -> Result<&'static str, GraphError> {
    let s = v.as_str().unwrap_or_default();
    members
        .iter()
        .find(|m| m.eq_ignore_ascii_case(s))
        .copied()
        .ok_or_else(|| not_found_value(s))
}

fn object<'v>(v: &'v Value, ty: &str) -> Result<&'v Map<String, Value>, GraphError> {
    v.as_object().ok_or_else(|| {
        error(
            "RequestBodyRead",
            format!(
                "Cannot convert the value to the expected type 'Microsoft.OutlookServices.{ty}'."
            ),
        )
    })
}

/// Merges an automaticRepliesSetting update into the current one.
fn automatic_replies(current: &Value, v: &Value) -> Result<Value, GraphError> {
    let ty = "AutomaticRepliesSetting";
    let mut out = current.as_object().cloned().unwrap_or_default();
    for (k, val) in object(v, ty)? {
        let canon = match k.as_str() {
            "status" => json!(member(val, &["disabled", "alwaysEnabled", "scheduled"])?),
            "externalAudience" => json!(member(val, &["none", "contactsOnly", "all"])?),
            "internalReplyMessage" | "externalReplyMessage" => json!(string(k, val)?),
            "scheduledStartDateTime" | "scheduledEndDateTime" => {
                let dt = object(val, "DateTimeTimeZone")?;
                if let Some(bad) = dt.keys().find(|m| *m != "dateTime" && *m != "timeZone") {
                    return Err(unknown_member(bad, "DateTimeTimeZone"));
                }
                val.clone()
            }
            other if other.starts_with('@') => continue,
            other => return Err(unknown_member(other, ty)),
        };
        out.insert(k.clone(), canon);
    }
    Ok(Value::Object(out))
}

/// Windows time zone names (`Pacific Standard Time`), IANA names (`Europe/London`) and UTC.
fn valid_time_zone(tz: &str) -> bool {
    let iana = tz.contains('/') && !tz.contains(' ');
    tz == "UTC" || tz.ends_with(" Standard Time") || iana
}

/// `HH:MM:SS[.fffffff]`, as an Edm.TimeOfDay.
fn time_of_day(s: &str) -> Option<u32> {
    let main = s.split('.').next().unwrap_or_default();
    let parts: Vec<u32> = main
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    match parts.as_slice() {
        [h, m, sec] if *h < 24 && *m < 60 && *sec < 60 => Some(h * 3600 + m * 60 + sec),
        _ => None,
    }
}

fn working_hours(current: &Value, v: &Value) -> Result<Value, GraphError> {
    const DAYS: &[&str] = &[
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
    ];
    let mut out = current.as_object().cloned().unwrap_or_default();
    for (k, val) in object(v, "WorkingHours")? {
        let canon = match k.as_str() {
            "daysOfWeek" => {
                let days = val.as_array().cloned().unwrap_or_default();
                let days: Result<Vec<&str>, GraphError> =
                    days.iter().map(|d| member(d, DAYS)).collect();
                json!(days?)
            }
            "startTime" | "endTime" => {
                let s = val.as_str().unwrap_or_default();
                if time_of_day(s).is_none() {
                    return Err(error(
                        "RequestBodyRead",
                        format!("Cannot convert the literal '{s}' to the expected type 'Edm.TimeOfDay'."),
                    ));
                }
                json!(s)
            }
            "timeZone" => val.clone(),
            other if other.starts_with('@') => continue,
            other => return Err(unknown_member(other, "WorkingHours")),
        };
        out.insert(k.clone(), canon);
    }
    let at = |k: &str| out.get(k).and_then(Value::as_str).and_then(time_of_day);
    if let (Some(start), Some(end)) = (at("startTime"), at("endTime")) {
        if start >= end {
            return Err(error(
                "ErrorInvalidTimeSettings",
                "Start Time should occur before End Time.",
            ));
        }
    }
    Ok(Value::Object(out))
}

/// Applies one property to `settings`; returns its new value.
fn apply(settings: &mut Map<String, Value>, key: &str, v: &Value) -> Result<Value, GraphError> {
    let current = settings.get(key).cloned().unwrap_or(Value::Null);
    let new = match key {
        "automaticRepliesSetting" => automatic_replies(&current, v)?,
        "workingHours" => working_hours(&current, v)?,
        "timeZone" => {
            let tz = string(key, v)?;
            if !valid_time_zone(&tz) {
                return Err(error(
                    "InvalidTimeZone",
                    "Time Zone settings provided are invalid.",
                ));
            }
            json!(tz)
        }
        "dateFormat" | "timeFormat" | "archiveFolder" => json!(string(key, v)?),
        "delegateMeetingMessageDeliveryOptions" => json!(member(
            v,
            &[
                "sendToDelegateAndInformationToPrincipal",
                "sendToDelegateAndPrincipal",
                "sendToDelegateOnly",
            ]
        )?),
        "language" => {
            let l = object(v, "LocaleInfo")?;
            if let Some(bad) = l.keys().find(|m| *m != "locale" && *m != "displayName") {
                return Err(unknown_member(bad, "LocaleInfo"));
            }
            v.clone()
        }
        _ => return Err(unknown_member(key, "MailboxSettings")),
    };
    settings.insert(key.to_string(), new.clone());
    Ok(new)
}

pub async fn update(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::MAILBOX_SETTINGS_WRITE)?;
    let body = body_object(&body)?;
    let mut tenant = write(&state);
    let uid = find_user(&state, &tenant, &id)?.id.clone();
    let mbx = tenant.mailboxes.get_mut(&uid).ok_or_else(no_mailbox)?;
    let mut settings = match &*mbx.settings {
        Value::Object(m) => m.clone(),
        _ => default_settings().as_object().cloned().unwrap_or_default(),
    };
    let mut changed = Map::new();
    for (k, v) in &body {
        if k.starts_with('@') {
            continue;
        }
        if READ_ONLY.contains(&k.as_str()) {
            return Err(error(
                "ErrorInvalidRequest",
                format!("The property '{k}' is read-only and cannot be set."),
            ));
        }
        changed.insert(k.clone(), apply(&mut settings, k, v)?);
    }
    // All or nothing: nothing is stored unless every property was valid.
    mbx.settings = std::sync::Arc::new(Value::Object(settings));
    Ok(ctx.entity(&context(&uid), Value::Object(changed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_follow_outlooks_rules() {
        assert!(valid_time_zone("Pacific Standard Time"));
        assert!(valid_time_zone("Europe/London"));
        assert!(!valid_time_zone("Mars/Olympus Mons"));
        assert!(!valid_time_zone("PST"));
        assert_eq!(time_of_day("08:30:00.0000000"), Some(8 * 3600 + 1800));
        assert_eq!(time_of_day("08"), None);
        let r = automatic_replies(&json!({}), &json!({"status": "Scheduled"})).unwrap();
        assert_eq!(r["status"], "scheduled");
        let e = automatic_replies(&json!({}), &json!({"colour": "red"})).unwrap_err();
        assert_eq!(e.code, "RequestBodyRead");
        let e = working_hours(&json!({}), &json!({"daysOfWeek": ["Funday"]})).unwrap_err();
        assert_eq!(e.code, "InvalidArguments");
        let e = working_hours(
            &json!({}),
            &json!({"startTime": "18:00:00", "endTime": "09:00:00"}),
        )
        .unwrap_err();
        assert_eq!(e.code, "ErrorInvalidTimeSettings");
    }
}
