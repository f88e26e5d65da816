//! Device code flow (RFC 8628 as the identity platform runs it): `/devicecode` hands out a
//! user code; polls answer `authorization_pending`, `slow_down`, `authorization_declined`,
//! `bad_verification_code`, `expired_token` until the user approves (automatically after a
//! delay as the demo admin, or through the handle).

use super::aadsts::TokenError;
use super::{find_app, find_user, resolve_tenant};
use crate::model::{AppRegistration, Tenant};
use crate::state::{lock, read_lock, DeviceCodeApproval, Shared, SimState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};
use std::time::Instant;

pub const VERIFICATION_URI: &str = "https://microsoft.com/devicelogin";

/// Global Administrator and Privileged Authentication Administrator template ids.
const ADMIN_TEMPLATES: [&str; 2] = [
    "62e90394-69f5-4237-9190-012177145e10",
    "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
];

#[derive(Debug, Clone, PartialEq)]
pub enum DeviceStatus {
    Pending,
    /// `password_based`: the user signed in with a password (an admin password reset then
    /// kills the refresh token); false for passwordless sign-ins (FIDO2, phone sign-in).
    Approved {
        user_id: String,
        password_based: bool,
    },
    Declined,
}

/// An approved sign-in, as the token endpoint redeems it.
#[derive(Debug, Clone, PartialEq)]
pub struct Approved {
    pub user_id: String,
    /// The `scope` of the `/devicecode` request.
    pub scope: String,
    pub password_based: bool,
}

#[derive(Debug, Clone)]
pub struct DeviceCode {
    pub user_code: String,
    pub client_id: String,
    /// The `scope` of the `/devicecode` request.
    pub scope: String,
    pub issued: Instant,
    pub expires: Instant,
    pub last_poll: Option<Instant>,
    pub status: DeviceStatus,
}

pub async fn devicecode(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, TokenError> {
    resolve_tenant(&state, &tenant)?;
    let form = super::parse_form(&body);
    let client_id = form
        .get("client_id")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| TokenError::missing_parameter("client_id"))?;
    let app = find_app(&state, client_id)
        .ok_or_else(|| TokenError::unknown_client(client_id, &state.tenant_id))?;
    let scope = form
        .get("scope")
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| TokenError::missing_parameter("scope"))?;
    let device_code = format!("DAQABIQEAAAB{}", crate::ids::random_token(96));
    let user_code = new_user_code();
    let now = Instant::now();
    let lifetime = state.config.device_code_lifetime;
    lock(&state.auth.device_codes).insert(
        device_code.clone(),
        DeviceCode {
            user_code: user_code.clone(),
            client_id: app.client_id.clone(),
            scope: scope.clone(),
            issued: now,
            expires: now + lifetime,
            last_poll: None,
            status: DeviceStatus::Pending,
        },
    );
    let interval = state
        .config
        .device_code_interval
        .as_secs_f64()
        .ceil()
        .max(1.0) as u64;
    Ok(Json(json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": VERIFICATION_URI,
        "expires_in": lifetime.as_secs(),
        "interval": interval,
        "message": format!("To sign in, use a web browser to open the page {VERIFICATION_URI} and enter the code {user_code} to authenticate."),
    })))
}

/// Nine characters from an alphabet without look-alikes, as the service prints them.
fn new_user_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..9)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// The user the simulator signs in as when it approves on its own: the first enabled member
/// holding Global Administrator or Privileged Authentication Administrator, else the first
/// enabled member.
pub fn demo_admin(tenant: &Tenant) -> Option<String> {
    let admin_ids: Vec<&str> = tenant
        .role_assignments
        .iter()
        .filter(|a| {
            tenant.role_definitions.iter().any(|d| {
                (d.id == a.role_definition_id || d.template_id == a.role_definition_id)
                    && ADMIN_TEMPLATES.contains(&d.template_id.as_str())
            })
        })
        .map(|a| a.principal_id.as_str())
        .collect();
    let usable =
        |u: &&crate::model::User| u.account_enabled && !u.deleted && &*u.user_type == "Member";
    tenant
        .users
        .iter()
        .filter(usable)
        .find(|u| admin_ids.contains(&&*u.id))
        .or_else(|| tenant.users.iter().find(usable))
        .map(|u| u.id.to_string())
}

fn bad_code() -> TokenError {
    TokenError::bad_request(
        "bad_verification_code",
        70018,
        "The provided value for the input parameter 'device_code' is not valid.",
    )
}

/// One poll. Ok = approved.
pub fn redeem(
    state: &SimState,
    device_code: &str,
    app: &AppRegistration,
) -> Result<Approved, TokenError> {
    let auto_user = match state.config.device_code_approval {
        DeviceCodeApproval::After(_) => demo_admin(&read_lock(&state.tenant)),
        DeviceCodeApproval::Manual => None,
    };
    let mut codes = lock(&state.auth.device_codes);
    let entry = codes.get_mut(device_code).ok_or_else(bad_code)?;
    if !entry.client_id.eq_ignore_ascii_case(&app.client_id) {
        return Err(bad_code());
    }
    let now = Instant::now();
    if now >= entry.expires {
        codes.remove(device_code);
        return Err(TokenError::bad_request(
            "expired_token",
            70019,
            "Verification code expired.",
        ));
    }
    let too_soon = entry
        .last_poll
        .is_some_and(|last| now.duration_since(last) < state.config.device_code_interval);
    entry.last_poll = Some(now);
    if too_soon {
        return Err(TokenError::bad_request(
            "slow_down",
            70016,
            "OAuth 2.0 device flow error. Polling too frequently: wait at least the interval between polls.",
        ));
    }
    if let (DeviceCodeApproval::After(delay), DeviceStatus::Pending, Some(user)) =
        (&state.config.device_code_approval, &entry.status, auto_user)
    {
        if now.duration_since(entry.issued) >= *delay {
            entry.status = DeviceStatus::Approved {
                user_id: user,
                password_based: true,
            };
        }
    }
    match entry.status.clone() {
        DeviceStatus::Pending => Err(TokenError::bad_request(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        )),
        DeviceStatus::Declined => {
            codes.remove(device_code);
            Err(TokenError::bad_request(
                "authorization_declined",
                70000,
                "The end user declined the authorization request.",
            ))
        }
        DeviceStatus::Approved {
            user_id,
            password_based,
        } => {
            let scope = entry.scope.clone();
            codes.remove(device_code);
            Ok(Approved {
                user_id,
                scope,
                password_based,
            })
        }
    }
}

/// Approves a pending sign-in as `upn_or_id`; false when the code is unknown, expired or
/// settled, or the user does not exist or is disabled. `password_based`: see [`DeviceStatus`].
pub fn approve(state: &SimState, user_code: &str, upn_or_id: &str, password_based: bool) -> bool {
    let user_id = {
        let tenant = read_lock(&state.tenant);
        match find_user(&tenant, upn_or_id) {
            Some(u) if u.account_enabled => u.id.to_string(),
            _ => return false,
        }
    };
    settle(
        state,
        user_code,
        DeviceStatus::Approved {
            user_id,
            password_based,
        },
    )
}

/// Declines a pending sign-in.
pub fn decline(state: &SimState, user_code: &str) -> bool {
    settle(state, user_code, DeviceStatus::Declined)
}

fn settle(state: &SimState, user_code: &str, status: DeviceStatus) -> bool {
    let now = Instant::now();
    let mut codes = lock(&state.auth.device_codes);
    match codes
        .values_mut()
        .find(|c| c.user_code.eq_ignore_ascii_case(user_code) && c.status == DeviceStatus::Pending)
    {
        Some(c) if now < c.expires => {
            c.status = status;
            true
        }
        _ => false,
    }
}
