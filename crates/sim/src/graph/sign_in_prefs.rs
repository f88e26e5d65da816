//! The default MFA method: beta `GET`/`PATCH /users/{id}/authentication/signInPreferences`
//! and the rule every method deletion obeys (REFERENCE §3.5, §5).
//!
//! The preference names a kind of second factor (`push`, `oath`, `sms`, `voiceMobile`,
//! `voiceAlternateMobile`, `voiceOffice`), not a device; the method it lands on carries
//! [`AuthMethod::is_default`]. Only Authenticator, software OATH and phone methods can be the
//! default. Deleting the default is refused while another method that could be the default
//! remains and none of them serves the same preference (the simulator's reading of the
//! documented 400: a second Authenticator keeps `push` satisfiable); the default alone may go.

use super::access::{self, Sensitive};
use super::ctx::{body_object, no_content, read, write, Ctx};
use super::methods::{actor, am_event, commit_change, default_method_error};
use super::perms;
use super::users::{find_user, find_user_pos};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{AuthMethod, MethodKind, SignInPreferences, Tenant};
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

const PREFERRED: &str = "userPreferredMethodForSecondaryAuthentication";
const SYSTEM: &str = "isSystemPreferredAuthenticationMethodEnabled";

/// The settable members of `userDefaultAuthenticationMethodType` (`unknownFutureValue` is the
/// evolvable-enum sentinel, never a valid input).
pub const PREFERENCES: [&str; 6] = [
    "push",
    "oath",
    "voiceMobile",
    "voiceAlternateMobile",
    "voiceOffice",
    "sms",
];

/// Whether a method can be the default MFA method at all.
pub fn can_be_default(m: &AuthMethod) -> bool {
    matches!(
        m.kind,
        Some(MethodKind::Phone | MethodKind::MicrosoftAuthenticator | MethodKind::SoftwareOath)
    )
}

/// Whether signing in with `preference` can use this method.
pub fn serves(m: &AuthMethod, preference: &str) -> bool {
    let phone = |t: &str| m.kind == Some(MethodKind::Phone) && m.phone_type.as_deref() == Some(t);
    match preference {
        "push" => m.kind == Some(MethodKind::MicrosoftAuthenticator),
        "oath" => matches!(
            m.kind,
            Some(MethodKind::SoftwareOath | MethodKind::MicrosoftAuthenticator)
        ),
        "sms" | "voiceMobile" => phone("mobile"),
        "voiceAlternateMobile" => phone("alternateMobile"),
        "voiceOffice" => phone("office"),
        _ => false,
    }
}

/// The preference a default method stands for when none was set explicitly.
fn natural_preference(m: &AuthMethod) -> Option<&'static str> {
    match (m.kind?, m.phone_type.as_deref()) {
        (MethodKind::MicrosoftAuthenticator, _) => Some("push"),
        (MethodKind::SoftwareOath, _) => Some("oath"),
        (MethodKind::Phone, Some("mobile")) => Some("sms"),
        (MethodKind::Phone, Some("alternateMobile")) => Some("voiceAlternateMobile"),
        (MethodKind::Phone, Some("office")) => Some("voiceOffice"),
        _ => None,
    }
}

/// The user's current `userPreferredMethodForSecondaryAuthentication`; `None` without a default.
pub fn current_preference(tenant: &Tenant, user_id: &str, list: &[AuthMethod]) -> Option<String> {
    let default = list.iter().find(|m| m.is_default && can_be_default(m))?;
    let set = tenant
        .sign_in_preferences
        .get(user_id)
        .and_then(|p| p.preferred.clone());
    match set {
        Some(p) if serves(default, &p) => Some(p),
        _ => natural_preference(default).map(str::to_string),
    }
}

/// The default rule for deleting `list[idx]`: `Ok(Some(j))` when the default passes to
/// `list[j]`, `Ok(None)` when nothing changes hands, the documented 400 otherwise.
pub fn check_delete(
    tenant: &Tenant,
    user_id: &str,
    list: &[AuthMethod],
    idx: usize,
) -> Result<Option<usize>, GraphError> {
    let m = &list[idx];
    if !m.is_default || !can_be_default(m) {
        return Ok(None);
    }
    let others: Vec<usize> = (0..list.len())
        .filter(|&i| i != idx && can_be_default(&list[i]))
        .collect();
    if others.is_empty() {
        return Ok(None);
    }
    let preference = current_preference(tenant, user_id, list).unwrap_or_default();
    match others.into_iter().find(|&i| serves(&list[i], &preference)) {
        Some(heir) => Ok(Some(heir)),
        None => Err(default_method_error(&m.id)),
    }
}

/// Removes `list[idx]` under the default rule (used by every method DELETE).
pub fn remove_method(
    tenant: &Tenant,
    user_id: &str,
    list: &mut Vec<AuthMethod>,
    idx: usize,
) -> Result<(), GraphError> {
    if let Some(heir) = check_delete(tenant, user_id, list, idx)? {
        list[heir].is_default = true;
    }
    list.remove(idx);
    Ok(())
}

/// v1.0 has no `signInPreferences` (REFERENCE §5): Graph's unknown-segment answer.
fn beta_only(ctx: &Ctx) -> Result<(), GraphError> {
    if ctx.beta() {
        Ok(())
    } else {
        Err(GraphError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Resource not found for the segment 'signInPreferences'.",
        ))
    }
}

fn body(tenant: &Tenant, user_id: &str) -> Value {
    let list = tenant.methods.get(user_id).cloned().unwrap_or_default();
    let system = tenant
        .sign_in_preferences
        .get(user_id)
        .is_some_and(|p| p.is_system_preferred_authentication_method_enabled);
    json!({
        "@odata.type": "#microsoft.graph.signInPreferences",
        SYSTEM: system,
        PREFERRED: current_preference(tenant, user_id, &list),
    })
}

pub async fn get(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    beta_only(&ctx)?;
    caller.require_on(&id, perms::METHODS_READ)?;
    ctx.no_query()?;
    let tenant = read(&state);
    let user = find_user(&state, &tenant, &id)?;
    let fragment = format!("users('{}')/authentication/signInPreferences", user.id);
    Ok(ctx.entity(&fragment, body(&tenant, &user.id)))
}

fn invalid(message: impl Into<String>) -> GraphError {
    GraphError::method_rule(message)
}

pub async fn update(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, GraphError> {
    beta_only(&ctx)?;
    caller.require_on(&id, perms::METHODS_WRITE)?;
    let patch = body_object(&bytes)?;
    if let Some(k) = patch
        .keys()
        .find(|k| !k.starts_with('@') && *k != PREFERRED && *k != SYSTEM)
    {
        return Err(invalid(format!(
            "Property '{k}' does not exist on type 'microsoft.graph.signInPreferences'."
        )));
    }
    let system = match patch.get(SYSTEM) {
        None => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(v) => return Err(invalid(format!("Invalid value '{v}' for {SYSTEM}."))),
    };
    let preferred = match patch.get(PREFERRED) {
        None => None,
        Some(Value::String(s)) if PREFERENCES.contains(&s.as_str()) => Some(s.clone()),
        Some(v) => {
            return Err(invalid(format!(
                "Invalid value {v} for {PREFERRED}. Expected one of: {}.",
                PREFERENCES.join(", ")
            )))
        }
    };
    let mut tenant = write(&state);
    let pos = find_user_pos(&state, &tenant, &id)?;
    let user = tenant.users[pos].clone();
    access::check_sensitive(&tenant, &caller, &user.id, Sensitive::Methods)?;
    let before = tenant.methods.get(&user.id).cloned().unwrap_or_default();
    let mut prefs: SignInPreferences = tenant
        .sign_in_preferences
        .get(&*user.id)
        .cloned()
        .unwrap_or_default();
    if let Some(b) = system {
        prefs.is_system_preferred_authentication_method_enabled = b;
    }
    if let Some(p) = preferred {
        let current = before.iter().position(|m| m.is_default);
        // The method already the default keeps it when it serves the preference.
        let target = current
            .filter(|&i| serves(&before[i], &p))
            .or_else(|| before.iter().position(|m| serves(m, &p)))
            .ok_or_else(|| {
                invalid(format!(
                    "The user does not have an authentication method registered that supports '{p}'."
                ))
            })?;
        prefs.preferred = Some(p.clone());
        if current != Some(target) {
            let mut after = before.clone();
            for (i, m) in after.iter_mut().enumerate() {
                m.is_default = i == target;
            }
            let reason = format!(
                "{} changed default security info for user",
                actor(&caller, &user.id)
            );
            let event = am_event(&caller, &user, "changed default", "Update", reason);
            commit_change(&mut tenant, &caller, &user, before, after, event);
        }
    }
    tenant
        .sign_in_preferences
        .insert(user.id.to_string(), prefs);
    Ok(no_content())
}
