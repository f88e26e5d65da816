//! `/users/{id}/authentication/methods` (polymorphic, no query options) and the typed method
//! collections that share one shape: Authenticator, software OATH, FIDO2, email, Windows
//! Hello (list/get/delete) and password (list/get). Phone and TAP have their own modules.

use super::access::{self, masks_phone_numbers, Sensitive};
use super::ctx::{no_content, now, read, write, Ctx};
use super::perms;
use super::users::{find_user, find_user_pos};
use crate::audit_log::{self, mfa_snapshot, update_user_twin, user_target, Event, AUTH_METHODS};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{AuthMethod, MethodKind, Tenant, User, PASSWORD_METHOD_ID};
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Map, Value};

/// A typed method collection: its path segment, permissions and the name audits use.
#[derive(Debug, Clone, Copy)]
pub struct KindSpec {
    pub kind: MethodKind,
    pub segment: &'static str,
    pub read: &'static [&'static str],
    /// `None` = read-only collection.
    pub write: Option<&'static [&'static str]>,
    pub label: &'static str,
}

pub const KINDS: &[KindSpec] = &[
    KindSpec {
        kind: MethodKind::MicrosoftAuthenticator,
        segment: "microsoftAuthenticatorMethods",
        read: perms::AUTHENTICATOR_READ,
        write: Some(perms::AUTHENTICATOR_WRITE),
        label: "Microsoft Authenticator",
    },
    KindSpec {
        kind: MethodKind::SoftwareOath,
        segment: "softwareOathMethods",
        read: perms::OATH_READ,
        write: Some(perms::OATH_WRITE),
        label: "software OATH token",
    },
    KindSpec {
        kind: MethodKind::Fido2,
        segment: "fido2Methods",
        read: perms::FIDO2_READ,
        write: Some(perms::FIDO2_WRITE),
        label: "FIDO2 security key",
    },
    KindSpec {
        kind: MethodKind::Email,
        segment: "emailMethods",
        read: perms::EMAIL_READ,
        write: Some(perms::EMAIL_WRITE),
        label: "email",
    },
    KindSpec {
        kind: MethodKind::WindowsHelloForBusiness,
        segment: "windowsHelloForBusinessMethods",
        read: perms::WHFB_READ,
        write: Some(perms::WHFB_WRITE),
        label: "Windows Hello for Business",
    },
    KindSpec {
        kind: MethodKind::TemporaryAccessPass,
        segment: "temporaryAccessPassMethods",
        read: perms::TAP_READ,
        write: Some(perms::TAP_WRITE),
        label: "temporary access pass",
    },
    KindSpec {
        kind: MethodKind::Password,
        segment: "passwordMethods",
        read: perms::PASSWORD_METHOD_READ,
        write: None,
        label: "password",
    },
];

/// The user's methods, with the password method every account has even when the scenario
/// did not list it.
pub fn methods_of(tenant: &Tenant, user: &User) -> Vec<AuthMethod> {
    let mut list = tenant.methods.get(&user.id).cloned().unwrap_or_default();
    if !list.iter().any(|m| m.kind == Some(MethodKind::Password)) {
        list.insert(
            0,
            AuthMethod {
                id: PASSWORD_METHOD_ID.into(),
                kind: Some(MethodKind::Password),
                created_date_time: user
                    .last_password_change_date_time
                    .or(Some(user.created_date_time)),
                ..AuthMethod::default()
            },
        );
    }
    list
}

fn time(t: &Option<crate::model::Time>) -> Value {
    t.as_ref().map_or(Value::Null, |t| json!(super::ctx::ts(t)))
}

/// TAP usability now: (isUsable, methodUsabilityReason).
pub fn tap_usability(m: &AuthMethod) -> (bool, &'static str) {
    let rare = m.rare();
    let start = rare
        .start_date_time
        .or(m.created_date_time)
        .unwrap_or_else(now);
    let end = start + chrono::Duration::minutes(i64::from(rare.lifetime_in_minutes.unwrap_or(60)));
    let t = now();
    if t < start {
        (false, "NotYetValid")
    } else if t >= end {
        (false, "Expired")
    } else {
        (true, "EnabledByPolicy")
    }
}

/// A method as Graph serves it: the properties its type has in the schema of `beta`/v1.0.
pub fn method_json(m: &AuthMethod, beta: bool, masked: bool, typed: bool) -> Value {
    let mut o = Map::new();
    let kind = m.kind.unwrap_or(MethodKind::Password);
    if typed {
        o.insert("@odata.type".into(), json!(kind.odata_type()));
    }
    o.insert("id".into(), json!(m.id));
    o.insert("createdDateTime".into(), time(&m.created_date_time));
    if beta {
        o.insert("lastUsedDateTime".into(), time(&m.last_used_date_time));
    }
    let rare = m.rare();
    let mut put = |k: &str, v: Value| {
        o.insert(k.into(), v);
    };
    match kind {
        MethodKind::Password => put("password", Value::Null),
        MethodKind::Phone => {
            let number = m.phone_number.clone().unwrap_or_default();
            put(
                "phoneNumber",
                json!(if masked {
                    access::mask_phone(&number)
                } else {
                    number
                }),
            );
            put("phoneType", json!(m.phone_type));
            put(
                "smsSignInState",
                json!(m.sms_sign_in_state.as_deref().unwrap_or("notEnabled")),
            );
        }
        MethodKind::MicrosoftAuthenticator => {
            put("displayName", json!(m.display_name));
            put("deviceTag", json!(m.device_tag));
            put("phoneAppVersion", json!(m.phone_app_version));
            if beta {
                put(
                    "clientAppName",
                    json!(m
                        .client_app_name
                        .as_deref()
                        .unwrap_or("microsoftAuthenticator")),
                );
            }
        }
        MethodKind::SoftwareOath => put("secretKey", Value::Null),
        MethodKind::Fido2 => {
            put("displayName", json!(m.display_name));
            put("aaGuid", json!(rare.aaguid));
            put("model", json!(rare.model));
            put("attestationCertificates", json!([]));
            put("attestationLevel", json!("attested"));
        }
        MethodKind::Email => put("emailAddress", json!(rare.email_address)),
        MethodKind::TemporaryAccessPass => {
            put("temporaryAccessPass", Value::Null);
            put(
                "startDateTime",
                time(&rare.start_date_time.or(m.created_date_time)),
            );
            put(
                "lifetimeInMinutes",
                json!(rare.lifetime_in_minutes.unwrap_or(60)),
            );
            put("isUsableOnce", json!(rare.is_usable_once.unwrap_or(false)));
            if !beta {
                let (usable, reason) = tap_usability(m);
                put("isUsable", json!(usable));
                put("methodUsabilityReason", json!(reason));
            }
        }
        MethodKind::WindowsHelloForBusiness => {
            put("displayName", json!(m.display_name));
            put("keyStrength", json!("normal"));
        }
    }
    Value::Object(o)
}

pub fn context_for(user_id: &str, segment: &str) -> String {
    format!("users('{user_id}')/authentication/{segment}")
}

/// One authentication-method collection as served: who may read it, its URL segment, which
/// methods it holds, and how they are shown. Every list/get handler of `/authentication/*`
/// goes through [`serve_list`] / [`serve_one`] with its own view.
pub struct MethodView<'a> {
    pub read: &'a [&'a str],
    pub segment: &'a str,
    pub keep: &'a dyn Fn(&AuthMethod) -> bool,
    /// Phone numbers masked for callers holding only Authentication Administrator.
    pub mask_phones: bool,
    /// `@odata.type` on each item (the polymorphic `/methods` collection).
    pub typed: bool,
}

pub fn serve_list(
    view: &MethodView<'_>,
    state: &Shared,
    caller: &Caller,
    ctx: &Ctx,
    id: &str,
) -> Result<Response, GraphError> {
    caller.require_on(id, view.read)?;
    ctx.no_query()?;
    let tenant = read(state);
    let user = find_user(state, &tenant, id)?;
    let masked = view.mask_phones && masks_phone_numbers(caller);
    let items = methods_of(&tenant, user)
        .iter()
        .filter(|m| (view.keep)(m))
        .map(|m| method_json(m, ctx.beta(), masked, view.typed))
        .collect();
    Ok(ctx.collection(&context_for(&user.id, view.segment), items, None, None))
}

pub fn serve_one(
    view: &MethodView<'_>,
    state: &Shared,
    caller: &Caller,
    ctx: &Ctx,
    id: &str,
    mid: &str,
) -> Result<Response, GraphError> {
    caller.require_on(id, view.read)?;
    ctx.no_query()?;
    let tenant = read(state);
    let user = find_user(state, &tenant, id)?;
    let m = methods_of(&tenant, user)
        .into_iter()
        .find(|m| (view.keep)(m) && m.id.eq_ignore_ascii_case(mid))
        .ok_or_else(|| GraphError::not_found(mid))?;
    let masked = view.mask_phones && masks_phone_numbers(caller);
    let obj = method_json(&m, ctx.beta(), masked, view.typed);
    Ok(ctx.entity(
        &format!("{}/$entity", context_for(&user.id, view.segment)),
        obj,
    ))
}

const ALL_METHODS: MethodView<'static> = MethodView {
    read: perms::METHODS_READ,
    segment: "methods",
    keep: &|_| true,
    mask_phones: true,
    typed: true,
};

pub async fn list_all(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    serve_list(&ALL_METHODS, &state, &caller, &ctx, &id)
}

pub async fn get_any(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path((id, mid)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    serve_one(&ALL_METHODS, &state, &caller, &ctx, &id, &mid)
}

fn kind_view<'a>(spec: &'a KindSpec, keep: &'a dyn Fn(&AuthMethod) -> bool) -> MethodView<'a> {
    MethodView {
        read: spec.read,
        segment: spec.segment,
        keep,
        mask_phones: false,
        typed: false,
    }
}

pub async fn list_kind(
    spec: KindSpec,
    state: Shared,
    caller: Caller,
    ctx: Ctx,
    id: String,
) -> Result<Response, GraphError> {
    let keep = |m: &AuthMethod| m.kind == Some(spec.kind);
    serve_list(&kind_view(&spec, &keep), &state, &caller, &ctx, &id)
}

pub async fn get_kind(
    spec: KindSpec,
    state: Shared,
    caller: Caller,
    ctx: Ctx,
    id: String,
    mid: String,
) -> Result<Response, GraphError> {
    let keep = |m: &AuthMethod| m.kind == Some(spec.kind);
    serve_one(&kind_view(&spec, &keep), &state, &caller, &ctx, &id, &mid)
}

/// The message Graph gives when the default MFA method is deleted while other methods remain
/// (REFERENCE §3.5; the rule is [`super::sign_in_prefs::check_delete`]).
pub fn default_method_error(id: &str) -> GraphError {
    GraphError::method_rule(format!(
        "The requested authentication method id of [{id}] matches the user's current default authentication method, and cannot be deleted until the default authentication method is changed"
    ))
}

/// "Admin" when acting on someone else, "User" on one's own account.
pub fn actor(caller: &Caller, user_id: &str) -> &'static str {
    if caller
        .user_id
        .as_deref()
        .is_some_and(|me| me.eq_ignore_ascii_case(user_id))
    {
        "User"
    } else {
        "Admin"
    }
}

/// Replaces a user's methods and writes the Authentication Methods event and its
/// `Update user` twin.
pub fn commit_change(
    tenant: &mut Tenant,
    caller: &Caller,
    user: &User,
    before: Vec<AuthMethod>,
    after: Vec<AuthMethod>,
    event: Event,
) {
    let twin = update_user_twin(user, &mfa_snapshot(&before), &mfa_snapshot(&after));
    tenant.methods.insert(user.id.clone(), after);
    let mut events = vec![event];
    events.extend(twin);
    audit_log::record(tenant, caller, events);
}

/// An Authentication Methods event on `user`.
pub fn am_event(
    caller: &Caller,
    user: &User,
    verb: &str,
    op: &'static str,
    reason: String,
) -> Event {
    let activity = format!("{} {verb} security info", actor(caller, &user.id));
    Event::new(AUTH_METHODS, "UserManagement", &activity, op)
        .reason(reason)
        .target(user_target(user, Vec::new()))
}

pub async fn delete_kind(
    spec: KindSpec,
    state: Shared,
    caller: Caller,
    id: String,
    mid: String,
) -> Result<Response, GraphError> {
    let Some(write_perms) = spec.write else {
        return Err(GraphError::new(
            axum::http::StatusCode::METHOD_NOT_ALLOWED,
            "Request_BadRequest",
            "Specified HTTP method is not allowed for the request target.",
        ));
    };
    caller.require_on(&id, write_perms)?;
    let mut tenant = write(&state);
    let pos = find_user_pos(&state, &tenant, &id)?;
    let user = tenant.users[pos].clone();
    access::check_sensitive(&tenant, &caller, &user.id, Sensitive::Methods)?;
    let before = tenant.methods.get(&user.id).cloned().unwrap_or_default();
    let Some(idx) = before
        .iter()
        .position(|m| m.kind == Some(spec.kind) && m.id.eq_ignore_ascii_case(&mid))
    else {
        return Err(GraphError::not_found(&mid));
    };
    let mut after = before.clone();
    super::sign_in_prefs::remove_method(&tenant, &user.id, &mut after, idx)?;
    let reason = format!(
        "{} deleted {} method for user",
        actor(&caller, &user.id),
        spec.label
    );
    let event = am_event(&caller, &user, "deleted", "Delete", reason);
    commit_change(&mut tenant, &caller, &user, before, after, event);
    Ok(no_content())
}
