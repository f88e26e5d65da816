//! Graph's error envelope, exactly as the real service writes it (REFERENCE §1):
//! `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
//!
//! The request ids come from a task-local set by the request middleware, so any handler can
//! return a [`GraphError`] without threading the ids through.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Request ids of the request being served.
#[derive(Debug, Clone, Default)]
pub struct RequestIds {
    pub request_id: String,
    pub client_request_id: Option<String>,
}

tokio::task_local! {
    pub static REQUEST_IDS: RequestIds;
}

/// The ids of the request this task serves (fresh ones outside a request).
pub fn current_request_ids() -> RequestIds {
    REQUEST_IDS
        .try_with(|ids| ids.clone())
        .unwrap_or_else(|_| RequestIds {
            request_id: uuid::Uuid::new_v4().to_string(),
            client_request_id: None,
        })
}

#[derive(Debug, Clone)]
pub struct GraphError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// Extra headers, e.g. `Retry-After` on 429.
    pub headers: Vec<(HeaderName, String)>,
}

impl GraphError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_string(),
            message: message.into(),
            headers: Vec::new(),
        }
    }
    pub fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Request_BadRequest", message)
    }
    pub fn unsupported_query(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Request_UnsupportedQuery", message)
    }
    /// Authentication-method rule violations use a lower-case `badRequest` code.
    pub fn method_rule(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "badRequest", message)
    }
    pub fn not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
        )
    }
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            message,
        )
    }
    /// 429; `retry_after` in seconds (fractional allowed), `None` for scopes that send none.
    pub fn too_many_requests(code: &str, message: &str, retry_after: Option<f64>) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, code, message);
        if let Some(s) = retry_after {
            e = e.with_header(axum::http::header::RETRY_AFTER, format_retry_after(s));
        }
        e
    }

    pub fn body(&self) -> serde_json::Value {
        let ids = current_request_ids();
        json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "innerError": {
                    "date": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
                    "request-id": ids.request_id,
                    "client-request-id": ids.client_request_id.unwrap_or_else(|| ids.request_id.clone()),
                }
            }
        })
    }
}

/// Seconds as Graph writes them: whole numbers plainly, fractions with up to three decimals.
pub fn format_retry_after(seconds: f64) -> String {
    if seconds.fract() == 0.0 {
        format!("{}", seconds as u64)
    } else {
        let s = format!("{seconds:.3}");
        s.trim_end_matches('0').to_string()
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let body = self.body();
        let mut resp = (self.status, axum::Json(body)).into_response();
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                resp.headers_mut().insert(name, v);
            }
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_formats() {
        assert_eq!(format_retry_after(2.0), "2");
        assert_eq!(format_retry_after(2.128), "2.128");
        assert_eq!(format_retry_after(0.5), "0.5");
    }
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("the simulator only listens on loopback addresses, not {0}")]
    NotLoopback(std::net::SocketAddr),
    #[error("cannot generate scenario: {0}")]
    Scenario(#[from] crate::scenario::ScenarioError),
}
