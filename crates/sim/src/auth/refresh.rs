//! Refresh tokens: opaque, rotated on every use (the old one stays valid, as in the real
//! service), refused after revocation, password reset (password-based ones) or disabling.

use super::aadsts::TokenError;
use crate::model::Time;
use crate::state::{lock, read_lock, SimState};

/// What the simulator remembers about an issued refresh token.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshRecord {
    pub user_id: String,
    pub client_id: String,
    /// Granted Graph scopes.
    pub scopes: Vec<String>,
    /// OIDC scopes of the original request (`offline_access`, `openid`, ...).
    pub oidc: Vec<String>,
    pub issued_at: Time,
    pub expires_at: Time,
    /// The sign-in used a password: an admin password reset kills it.
    pub password_based: bool,
}

impl RefreshRecord {
    pub fn new(
        state: &SimState,
        user_id: &str,
        client_id: &str,
        scopes: Vec<String>,
        oidc: Vec<String>,
        password_based: bool,
    ) -> Self {
        let now = chrono::Utc::now();
        let lifetime = chrono::Duration::from_std(state.config.refresh_token_lifetime)
            .unwrap_or_else(|_| chrono::Duration::days(90));
        Self {
            user_id: user_id.to_string(),
            client_id: client_id.to_string(),
            scopes,
            oidc,
            issued_at: now,
            expires_at: now + lifetime,
            password_based,
        }
    }
}

/// Stores a record under a fresh opaque token and returns the token.
pub fn issue(state: &SimState, record: RefreshRecord) -> String {
    let token = format!("1.AXEA{}", crate::ids::random_token(180));
    lock(&state.auth.refresh_tokens).insert(token.clone(), record);
    token
}

pub fn user_disabled() -> TokenError {
    TokenError::invalid_grant(
        50057,
        "The user account is disabled. The account has been disabled by an administrator.",
    )
}

fn revoked(issued: Time, valid_from: Time) -> TokenError {
    TokenError::invalid_grant(
        50173,
        format!(
            "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{}'.",
            ticks(issued),
            ticks(valid_from),
        ),
    )
}

/// A time as the service writes it in AADSTS messages: seven fractional digits.
fn ticks(t: Time) -> String {
    use chrono::Timelike;
    format!(
        "{}.{:07}Z",
        t.format("%Y-%m-%dT%H:%M:%S"),
        t.nanosecond() % 1_000_000_000 / 100
    )
}

/// The user a refresh token was issued to, if it is known.
pub fn subject(state: &SimState, token: &str) -> Option<String> {
    lock(&state.auth.refresh_tokens)
        .get(token)
        .map(|r| r.user_id.clone())
}

/// Checks a refresh token; the record it returns lets the caller mint the next pair.
pub fn redeem(state: &SimState, token: &str, client_id: &str) -> Result<RefreshRecord, TokenError> {
    let record = lock(&state.auth.refresh_tokens)
        .get(token)
        .cloned()
        .ok_or_else(|| {
            TokenError::invalid_grant(9002313, "Invalid request. Request is malformed or invalid.")
        })?;
    if !record.client_id.eq_ignore_ascii_case(client_id) {
        return Err(TokenError::invalid_grant(
            70000,
            "Provided grant is invalid or malformed.",
        ));
    }
    let now = chrono::Utc::now();
    if now >= record.expires_at {
        return Err(TokenError::invalid_grant(
            700082,
            format!(
                "The refresh token has expired due to inactivity. The token was issued on {} and was inactive for {}.",
                record.issued_at.to_rfc3339(),
                humantime::format_duration(state.config.refresh_token_lifetime)
            ),
        ));
    }
    let tenant = read_lock(&state.tenant);
    let user = super::find_user(&tenant, &record.user_id).ok_or_else(|| {
        TokenError::invalid_grant(
            50034,
            format!(
                "The user account {} does not exist in the {} directory.",
                record.user_id, state.tenant_id
            ),
        )
    })?;
    if !user.account_enabled {
        return Err(user_disabled());
    }
    let lag = chrono::Duration::from_std(state.config.revocation_lag).unwrap_or_default();
    // revokeSignInSessions kills every refresh token issued before it (after the lag).
    let valid_from = user.sign_in_sessions_valid_from_date_time;
    if record.issued_at < valid_from && now >= valid_from + lag {
        return Err(revoked(record.issued_at, valid_from));
    }
    // An admin password reset kills only password-based sessions.
    if let Some(changed) = user.last_password_change_date_time {
        if record.password_based && record.issued_at < changed {
            return Err(revoked(record.issued_at, changed));
        }
    }
    Ok(record)
}
