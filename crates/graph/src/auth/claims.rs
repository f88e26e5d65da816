//! Reading a JWT access token's claims, for display and permission preflight only.
//!
//! The signature is not checked: reclaim never trusts these claims for anything the service
//! does not check again (Graph enforces permissions on every request).

use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// The claims reclaim shows and preflights against.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenClaims {
    /// Tenant id.
    #[serde(default)]
    pub tid: Option<String>,
    /// Object id of the principal (user, or the app's service principal).
    #[serde(default)]
    pub oid: Option<String>,
    /// Client (app) id; v2 tokens say `azp`.
    #[serde(default)]
    pub appid: Option<String>,
    #[serde(default)]
    pub azp: Option<String>,
    #[serde(default)]
    pub app_displayname: Option<String>,
    /// Signed-in user (delegated tokens).
    #[serde(default)]
    pub upn: Option<String>,
    #[serde(default)]
    pub unique_name: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    /// Delegated permissions, space-separated.
    #[serde(default)]
    pub scp: Option<String>,
    /// Application permissions.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Directory role template ids of the signed-in user.
    #[serde(default)]
    pub wids: Vec<String>,
    /// Audience.
    #[serde(default)]
    pub aud: Option<serde_json::Value>,
    /// Expiry, seconds since the epoch.
    #[serde(default)]
    pub exp: Option<i64>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ClaimsError {
    #[error("the access token is not a JWT (expected three dot-separated parts)")]
    NotAJwt,
    #[error("the access token's claims are not valid base64url JSON: {0}")]
    Malformed(String),
}

impl TokenClaims {
    /// Decodes the payload of a compact JWT without verifying it.
    pub fn decode(token: &str) -> Result<Self, ClaimsError> {
        let mut parts = token.trim().split('.');
        let (Some(_header), Some(payload), Some(_sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ClaimsError::NotAJwt);
        };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|e| ClaimsError::Malformed(e.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|e| ClaimsError::Malformed(e.to_string()))
    }

    /// A delegated token names a user and carries `scp`.
    pub fn is_delegated(&self) -> bool {
        self.scp.as_deref().is_some_and(|s| !s.trim().is_empty())
    }

    /// The permissions the token grants: `scp` for delegated tokens, `roles` for app-only.
    pub fn permissions(&self) -> Vec<String> {
        if self.is_delegated() {
            self.scp
                .as_deref()
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_string)
                .collect()
        } else {
            self.roles.clone()
        }
    }

    pub fn has_permission(&self, name: &str) -> bool {
        self.permissions()
            .iter()
            .any(|p| p.eq_ignore_ascii_case(name))
    }

    pub fn app_id(&self) -> Option<&str> {
        self.appid.as_deref().or(self.azp.as_deref())
    }

    /// The user (delegated) or app (app-only) the token speaks for, for display.
    pub fn principal(&self) -> String {
        if let Some(u) = self
            .upn
            .as_deref()
            .or(self.preferred_username.as_deref())
            .or(self.unique_name.as_deref())
        {
            return u.to_string();
        }
        match (self.app_displayname.as_deref(), self.app_id()) {
            (Some(name), Some(id)) => format!("{name} ({id})"),
            (None, Some(id)) => format!("app {id}"),
            (Some(name), None) => name.to_string(),
            (None, None) => self.oid.clone().unwrap_or_else(|| "unknown".into()),
        }
    }

    pub fn expires_at(&self) -> Option<std::time::SystemTime> {
        let exp = u64::try_from(self.exp?).ok()?;
        Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(exp))
    }
}

#[cfg(test)]
pub(crate) fn fake_jwt(claims: &serde_json::Value) -> String {
    let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.{}",
        e.encode(br#"{"alg":"RS256","typ":"JWT"}"#),
        e.encode(claims.to_string()),
        e.encode(b"signature")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_a_delegated_token() {
        let t = fake_jwt(&json!({
            "tid": "t1", "oid": "o1", "appid": "a1", "upn": "ada@contoso.com",
            "scp": "User.Read.All AuditLog.Read.All", "wids": ["62e90394-69f5-4237-9190-012177145e10"],
            "exp": 1_900_000_000, "unknown": {"x": 1}
        }));
        let c = TokenClaims::decode(&t).unwrap();
        assert!(c.is_delegated());
        assert_eq!(c.permissions(), vec!["User.Read.All", "AuditLog.Read.All"]);
        assert!(c.has_permission("auditlog.read.all"));
        assert_eq!(c.principal(), "ada@contoso.com");
        assert_eq!(c.wids.len(), 1);
        assert!(c.expires_at().is_some());
    }

    #[test]
    fn decodes_an_app_only_token() {
        let t = fake_jwt(
            &json!({"tid": "t1", "azp": "a1", "app_displayname": "reclaim",
            "roles": ["User.Read.All"], "aud": "https://graph.microsoft.com"}),
        );
        let c = TokenClaims::decode(&t).unwrap();
        assert!(!c.is_delegated());
        assert_eq!(c.permissions(), vec!["User.Read.All"]);
        assert_eq!(c.app_id(), Some("a1"));
        assert_eq!(c.principal(), "reclaim (a1)");
    }

    #[test]
    fn rejects_what_is_not_a_jwt() {
        assert_eq!(
            TokenClaims::decode("opaque-token"),
            Err(ClaimsError::NotAJwt)
        );
        assert!(matches!(
            TokenClaims::decode("a.!!!.c"),
            Err(ClaimsError::Malformed(_))
        ));
        assert!(matches!(
            TokenClaims::decode("a.bm90IGpzb24.c"),
            Err(ClaimsError::Malformed(_))
        ));
    }
}
