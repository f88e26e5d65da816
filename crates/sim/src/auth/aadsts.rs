//! The identity platform's error body (REFERENCE §2):
//! `{"error","error_description":"AADSTSn: …\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …",
//! "error_codes":[n],"timestamp","trace_id","correlation_id","error_uri"}`.

use crate::error::current_request_ids;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A token or device-code endpoint failure.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenError {
    pub status: StatusCode,
    /// OAuth error string: `invalid_grant`, `invalid_client`, `authorization_pending`, ...
    pub error: &'static str,
    /// The AADSTS number.
    pub code: u32,
    /// The description after `AADSTSn: `.
    pub description: String,
}

impl TokenError {
    pub fn new(
        status: StatusCode,
        error: &'static str,
        code: u32,
        description: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error,
            code,
            description: description.into(),
        }
    }

    /// 400 with the given OAuth error string.
    pub fn bad_request(error: &'static str, code: u32, description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, code, description)
    }

    /// 401 `invalid_client` (bad secret, bad assertion, missing credential).
    pub fn invalid_client(code: u32, description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            code,
            description,
        )
    }

    pub fn invalid_grant(code: u32, description: impl Into<String>) -> Self {
        Self::bad_request("invalid_grant", code, description)
    }

    /// AADSTS900144: a required form parameter is missing.
    pub fn missing_parameter(name: &str) -> Self {
        Self::bad_request(
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }

    /// AADSTS90002: the tenant in the URL does not exist (or lives in another cloud).
    pub fn tenant_not_found(tenant: &str) -> Self {
        Self::bad_request(
            "invalid_request",
            90002,
            format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
            ),
        )
    }

    /// AADSTS700016: no such application in this tenant.
    pub fn unknown_client(client_id: &str, tenant: &str) -> Self {
        Self::bad_request(
            "unauthorized_client",
            700016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
            ),
        )
    }

    pub fn body(&self) -> serde_json::Value {
        let ids = current_request_ids();
        let trace_id = ids.request_id.clone();
        let correlation_id = ids
            .client_request_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let timestamp = chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
        json!({
            "error": self.error,
            "error_description": format!(
                "AADSTS{}: {}\r\nTrace ID: {}\r\nCorrelation ID: {}\r\nTimestamp: {}",
                self.code, self.description, trace_id, correlation_id, timestamp
            ),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        })
    }
}

impl IntoResponse for TokenError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.body())).into_response();
        // The identity platform never lets token responses be cached.
        resp.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store, no-cache"),
        );
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_every_documented_member() {
        let e = TokenError::invalid_grant(50173, "The provided grant has expired.");
        let b = e.body();
        assert_eq!(b["error"], "invalid_grant");
        assert_eq!(b["error_codes"], json!([50173]));
        let d = b["error_description"].as_str().unwrap_or_default();
        assert!(d.starts_with("AADSTS50173: The provided grant has expired.\r\nTrace ID: "));
        for k in ["timestamp", "trace_id", "correlation_id", "error_uri"] {
            assert!(b[k].is_string(), "{k}");
        }
    }
}
