//! A bearer token handed over in `RECLAIM_ACCESS_TOKEN` (obtained elsewhere, e.g. by another
//! tool in a pipeline). reclaim cannot renew it: when it expires, the operator supplies a new one.

use super::claims::TokenClaims;
use super::{AccessToken, Secret};
use crate::error::AuthError;
use std::time::{Duration, SystemTime};

pub const VAR: &str = "RECLAIM_ACCESS_TOKEN";

/// Reads and checks the variable's token.
pub fn from_env() -> Result<AccessToken, AuthError> {
    let raw = std::env::var(VAR).map_err(|_| {
        AuthError::Config(format!("--auth env-token needs a bearer token in {VAR}"))
    })?;
    from_value(raw.trim(), SystemTime::now())
}

pub fn from_value(raw: &str, now: SystemTime) -> Result<AccessToken, AuthError> {
    let raw = raw.strip_prefix("Bearer ").unwrap_or(raw).trim();
    if raw.is_empty() {
        return Err(AuthError::Config(format!("{VAR} is empty")));
    }
    // Claims are optional (an opaque token still works); they only feed display and preflight.
    let claims = TokenClaims::decode(raw).ok();
    let expires_at = claims
        .as_ref()
        .and_then(TokenClaims::expires_at)
        .unwrap_or(now + Duration::from_secs(3600));
    if expires_at <= now {
        return Err(AuthError::SignInAgain {
            reason: format!("the token in {VAR} has expired; set a fresh one"),
        });
    }
    Ok(AccessToken {
        secret: Secret::new(raw.to_string()),
        expires_at,
        claims,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::claims::fake_jwt;

    #[test]
    fn reads_claims_and_refuses_expired_tokens() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let live = fake_jwt(
            &serde_json::json!({"tid": "t", "roles": ["User.Read.All"], "exp": 1_800_000_600}),
        );
        let t = from_value(&format!("Bearer {live}"), now).unwrap();
        assert_eq!(t.claims.unwrap().tid.as_deref(), Some("t"));
        let dead = fake_jwt(&serde_json::json!({"exp": 1_700_000_000}));
        assert!(matches!(
            from_value(&dead, now),
            Err(AuthError::SignInAgain { .. })
        ));
        assert!(matches!(from_value("  ", now), Err(AuthError::Config(_))));
    }
}
