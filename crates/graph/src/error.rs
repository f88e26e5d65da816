//! Graph errors, keeping what the audit trail and Microsoft support need (request ids).

use serde::{Deserialize, Serialize};

/// The ids of one HTTP exchange: Graph's `request-id` and the `client-request-id` reclaim
/// sent (one per logical request, reused across its retries).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestIds {
    pub request_id: Option<String>,
    pub client_request_id: String,
}

impl std::fmt::Display for RequestIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "request-id {}, client-request-id {}",
            self.request_id.as_deref().unwrap_or("-"),
            self.client_request_id
        )
    }
}

/// Why a sign-in failed (token endpoint, device code, az, environment).
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum AuthError {
    /// The cached sign-in is no longer usable (revoked, expired, disabled account...).
    #[error("sign in again with `reclaim login`: {reason}")]
    SignInAgain { reason: String },
    /// The token endpoint refused the request.
    #[error("sign-in failed ({error}): {description}")]
    Refused {
        status: u16,
        /// OAuth error, e.g. `invalid_client`.
        error: String,
        /// AADSTS codes.
        codes: Vec<u32>,
        /// First line of the description (no trace ids).
        description: String,
    },
    #[error("the device code sign-in was declined")]
    DeviceCodeDeclined,
    #[error("the device code expired before sign-in was completed; run `reclaim login` again")]
    DeviceCodeExpired,
    /// Missing or unusable settings (client id, secret, certificate...).
    #[error("{0}")]
    Config(String),
    #[error("cannot reach the identity platform: {0}")]
    Transport(String),
    #[error("Azure CLI: {0}")]
    AzCli(String),
    #[error("token cache: {0}")]
    Cache(String),
}

/// Any failure of a Graph request.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GraphError {
    /// 403: the token lacks a permission (or the admin lacks a role on the target).
    #[error("missing permission for {capability}: needs {} ({message}; {ids})", permissions.join(" + "))]
    MissingPermission {
        capability: String,
        /// Least-privileged permissions for the token kind in use.
        permissions: Vec<String>,
        message: String,
        ids: RequestIds,
    },
    /// The tenant's licence does not include the API (a 403 whose code says so, e.g. sign-ins
    /// on a tenant without Entra ID P1): not a missing permission, and not the caller's fault.
    #[error("the tenant's licence does not include {capability} ({code}: {message}; {ids})")]
    Unlicensed {
        capability: String,
        code: String,
        message: String,
        ids: RequestIds,
    },
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// Graph answered with an error status.
    #[error("Graph {status} {code}: {message} ({ids})")]
    Api {
        status: u16,
        code: String,
        message: String,
        ids: RequestIds,
    },
    /// A mutating request may or may not have taken effect (connection lost after sending,
    /// 5xx other than 503); it was not repeated. Read back before trying again.
    #[error("outcome unknown for {method} {path}: {detail} ({ids}); read the state back before retrying")]
    OutcomeUnknown {
        method: String,
        path: String,
        detail: String,
        ids: RequestIds,
    },
    /// The network failed on every attempt of a request that could safely be retried.
    #[error("cannot reach Graph after {attempts} attempts: {detail} ({ids})")]
    Transport {
        attempts: u32,
        detail: String,
        ids: RequestIds,
    },
    /// Throttled or failing for longer than reclaim is willing to wait.
    #[error("gave up after {attempts} attempts ({last_status}) on {path} ({ids})")]
    GaveUp {
        attempts: u32,
        last_status: u16,
        path: String,
        ids: RequestIds,
    },
    /// `--read-only` refused to send a mutating request.
    #[error("--read-only: refusing to send {method} {path}")]
    ReadOnly { method: String, path: String },
    /// The response was not what the model expects.
    #[error("unexpected response from {path}: {detail} ({ids})")]
    Decode {
        path: String,
        detail: String,
        ids: RequestIds,
    },
    /// A caller mistake caught before anything was sent (bad batch, bad argument).
    #[error("{0}")]
    Invalid(String),
}

impl GraphError {
    pub fn ids(&self) -> Option<&RequestIds> {
        match self {
            GraphError::MissingPermission { ids, .. }
            | GraphError::Unlicensed { ids, .. }
            | GraphError::Api { ids, .. }
            | GraphError::OutcomeUnknown { ids, .. }
            | GraphError::Transport { ids, .. }
            | GraphError::GaveUp { ids, .. }
            | GraphError::Decode { ids, .. } => Some(ids),
            _ => None,
        }
    }

    /// HTTP status Graph answered with, when it did.
    pub fn status(&self) -> Option<u16> {
        match self {
            GraphError::Api { status, .. } => Some(*status),
            GraphError::MissingPermission { .. } | GraphError::Unlicensed { .. } => Some(403),
            GraphError::GaveUp { last_status, .. } => Some(*last_status),
            _ => None,
        }
    }

    /// Graph's error code (`Request_ResourceNotFound`, `badRequest`...).
    pub fn code(&self) -> Option<&str> {
        match self {
            GraphError::Api { code, .. } => Some(code),
            GraphError::MissingPermission { .. } => Some("Authorization_RequestDenied"),
            GraphError::Unlicensed { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Why a source could not be read, in `triage --json`'s `unavailable[].reason` words
    /// (CONTRACT.md): `licence`, `permission`, `conditional-access`, `throttled` or `error`.
    pub fn unavailable_reason(&self) -> &'static str {
        match self {
            GraphError::Unlicensed { .. } => "licence",
            GraphError::MissingPermission { .. } => "permission",
            GraphError::Auth(AuthError::Refused { codes, .. }) if codes.contains(&53003) => {
                "conditional-access"
            }
            GraphError::GaveUp { last_status, .. } if *last_status == 429 => "throttled",
            _ => "error",
        }
    }

    pub fn is_unlicensed(&self) -> bool {
        matches!(self, GraphError::Unlicensed { .. })
    }

    pub fn is_missing_permission(&self) -> bool {
        matches!(self, GraphError::MissingPermission { .. })
    }

    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, GraphError::OutcomeUnknown { .. })
    }

    pub fn is_sign_in_again(&self) -> bool {
        matches!(self, GraphError::Auth(AuthError::SignInAgain { .. }))
    }
}

/// The code Graph answers a premium API with on a tenant whose licence lacks it ("Neither
/// tenant is B2C or tenant doesn't have premium license").
pub const UNLICENSED_CODE: &str = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";

/// Graph's error envelope: `{"error":{"code","message","innerError":{...}}}`.
#[derive(Debug, Deserialize)]
struct Envelope {
    error: EnvelopeError,
}

#[derive(Debug, Deserialize)]
struct EnvelopeError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "innerError", alias = "innererror")]
    inner: Option<InnerError>,
}

#[derive(Debug, Deserialize)]
struct InnerError {
    #[serde(default, rename = "request-id")]
    request_id: Option<String>,
}

/// The code and message of an error body (falling back to the status line), and the
/// request-id it carries when the header was missing.
pub fn parse_error_body(status: u16, body: &[u8]) -> (String, String, Option<String>) {
    match serde_json::from_slice::<Envelope>(body) {
        Ok(env) => (
            env.error.code.unwrap_or_else(|| status.to_string()),
            env.error.message.unwrap_or_default(),
            env.error.inner.and_then(|i| i.request_id),
        ),
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let snippet: String = text.chars().take(200).collect();
            (status.to_string(), snippet, None)
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn unavailable_reasons_use_the_contracts_words() {
        let ids = RequestIds::default();
        let licence = GraphError::Unlicensed {
            capability: "read-sign-ins".into(),
            code: UNLICENSED_CODE.into(),
            message: "Neither tenant is B2C or tenant doesn't have premium license".into(),
            ids: ids.clone(),
        };
        assert_eq!(licence.unavailable_reason(), "licence");
        assert!(!licence.is_missing_permission() && licence.status() == Some(403));
        let perm = GraphError::MissingPermission {
            capability: "c".into(),
            permissions: vec![],
            message: String::new(),
            ids: ids.clone(),
        };
        assert_eq!(perm.unavailable_reason(), "permission");
        let ca = GraphError::Auth(AuthError::Refused {
            status: 400,
            error: "invalid_grant".into(),
            codes: vec![53003],
            description: "blocked by Conditional Access".into(),
        });
        assert_eq!(ca.unavailable_reason(), "conditional-access");
        assert_eq!(
            GraphError::Invalid("x".into()).unavailable_reason(),
            "error"
        );
    }

    use super::*;

    #[test]
    fn parses_graph_error_envelopes_and_garbage() {
        let body = br#"{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist","innerError":{"date":"2025-01-01T00:00:00","request-id":"r1","client-request-id":"c1"}}}"#;
        let (code, msg, rid) = parse_error_body(404, body);
        assert_eq!(code, "Request_ResourceNotFound");
        assert!(msg.contains("does not exist"));
        assert_eq!(rid.as_deref(), Some("r1"));
        let (code, msg, rid) = parse_error_body(502, b"<html>Bad gateway</html>");
        assert_eq!(code, "502");
        assert!(msg.contains("Bad gateway"));
        assert!(rid.is_none());
    }

    #[test]
    fn missing_permission_names_the_permission_and_capability() {
        let e = GraphError::MissingPermission {
            capability: "revoke-sessions".into(),
            permissions: vec!["User.RevokeSessions.All".into()],
            message: "Insufficient privileges to complete the operation.".into(),
            ids: RequestIds {
                request_id: Some("r".into()),
                client_request_id: "c".into(),
            },
        };
        let s = e.to_string();
        assert!(
            s.contains("revoke-sessions") && s.contains("User.RevokeSessions.All"),
            "{s}"
        );
        assert!(s.contains("request-id r"));
        assert_eq!(e.status(), Some(403));
    }
}
