//! The identity platform's token endpoint: form-encoded requests, token responses, and
//! AADSTS errors turned into [`AuthError`]s an operator can act on.

use crate::error::AuthError;
use reclaim_core::secrets::Secret;
use serde::Deserialize;
use std::time::{Duration, SystemTime};

/// A successful token response.
#[derive(Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<serde_json::Value>,
    #[serde(default)]
    pub scope: Option<String>,
}

impl TokenResponse {
    /// Seconds until expiry (`expires_in` comes as a number or a numeric string).
    pub fn lifetime(&self) -> Option<Duration> {
        let v = self.expires_in.as_ref()?;
        let secs = v.as_u64().or_else(|| v.as_str()?.parse().ok())?;
        Some(Duration::from_secs(secs))
    }

    pub fn expires_at(&self, now: SystemTime) -> Option<SystemTime> {
        Some(now + self.lifetime()?)
    }
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// The token endpoint's error body.
#[derive(Debug, Deserialize, Default)]
pub struct TokenErrorBody {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<u32>,
}

impl TokenErrorBody {
    /// The description's first line, without the trace and correlation ids that follow.
    pub fn summary(&self) -> String {
        self.error_description
            .as_deref()
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    }
}

/// Explains the AADSTS codes a responder meets most, in words.
fn explain(codes: &[u32]) -> Option<&'static str> {
    codes.iter().find_map(|c| {
        Some(match c {
            50173 => "the sign-in was revoked (sessions revoked or password reset)",
            70043 => "Conditional Access sign-in frequency requires a fresh sign-in",
            700082 | 70008 => "the refresh token expired after a period of inactivity",
            50057 => "the account is disabled",
            50053 => "the account is locked",
            50076 | 50079 => "multi-factor authentication is required",
            53003 => "Conditional Access blocked the sign-in",
            65001 => "the app has no admin consent for the permissions it asks for",
            7000215 => "the client secret is wrong",
            7000222 => "the client secret has expired",
            700027 => "the client assertion (certificate) was not accepted",
            700016 => "the app is not registered in this tenant (check --client-id and --tenant)",
            90002 => "the tenant was not found (check --tenant and --cloud)",
            7000218 => "public client flows are not enabled on the app registration",
            _ => return None,
        })
    })
}

/// Maps a token endpoint failure to an [`AuthError`].
pub fn to_auth_error(status: u16, body: &[u8]) -> AuthError {
    let parsed: TokenErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let summary = parsed.summary();
    let description = match explain(&parsed.error_codes) {
        Some(why) if summary.is_empty() => why.to_string(),
        Some(why) => format!("{why} ({summary})"),
        None if summary.is_empty() => format!("HTTP {status}"),
        None => summary,
    };
    match parsed.error.as_str() {
        "invalid_grant" | "interaction_required" => AuthError::SignInAgain {
            reason: description,
        },
        _ => AuthError::Refused {
            status,
            error: if parsed.error.is_empty() {
                format!("http_{status}")
            } else {
                parsed.error
            },
            codes: parsed.error_codes,
            description,
        },
    }
}

/// Posts a form to the identity platform and returns the final status and body. Transport
/// failures and 5xx/429 are retried a few times: these requests do not change state
/// (refresh tokens rotate, but old ones stay valid).
pub async fn post_form(
    http: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
) -> Result<(u16, Vec<u8>), AuthError> {
    let mut delays = crate::throttle::backoff();
    let mut last = String::new();
    // What the log may say about this request: the path and the grant, never the form.
    let path = url::Url::parse(url).map_or_else(|_| "-".to_string(), |u| u.path().to_string());
    let grant = form
        .iter()
        .find(|(k, _)| *k == "grant_type")
        .map_or("-", |(_, v)| *v);
    for attempt in 1..=4u32 {
        match http.post(url).form(form).send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let request_id = ["x-ms-request-id", "request-id"]
                    .iter()
                    .find_map(|h| resp.headers().get(*h)?.to_str().ok())
                    .map(|v| reclaim_core::sanitize::inert(v).into_owned());
                tracing::info!(
                    method = "POST",
                    path,
                    grant,
                    status,
                    request_id = request_id.as_deref().unwrap_or("-"),
                    attempt,
                    "token endpoint response"
                );
                match resp.bytes().await {
                    Ok(b) if status != 429 && status < 500 => return Ok((status, b.to_vec())),
                    Ok(_) => last = format!("HTTP {status}"),
                    Err(e) => last = without_url(&e),
                }
            }
            Err(e) => last = without_url(&e),
        }
        let wait = delays.next().unwrap_or_default();
        tracing::info!(path, grant, reason = %last, wait_ms = wait.as_millis() as u64, attempt, "retrying token request");
        tokio::time::sleep(wait).await;
    }
    Err(AuthError::Transport(last))
}

/// reqwest errors print the URL; token URLs carry no secrets, but keep messages short.
pub fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(u) = e.url() {
        s = s.replace(u.as_str(), "the identity platform");
    }
    s
}

/// Requests a token and maps failures.
pub async fn request_token(
    http: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
) -> Result<TokenResponse, AuthError> {
    let (status, body) = post_form(http, url, form).await?;
    if (200..300).contains(&status) {
        serde_json::from_slice::<TokenResponse>(&body)
            .map_err(|e| AuthError::Transport(format!("unreadable token response: {e}")))
    } else {
        Err(to_auth_error(status, &body))
    }
}

/// `grant_type=refresh_token`.
pub async fn refresh(
    http: &reqwest::Client,
    token_url: &str,
    client_id: &str,
    refresh_token: &Secret,
    scope: &str,
) -> Result<TokenResponse, AuthError> {
    request_token(
        http,
        token_url,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", client_id),
            ("refresh_token", refresh_token.expose()),
            ("scope", scope),
        ],
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revoked_grants_become_sign_in_again_with_the_reason() {
        let body = br#"{"error":"invalid_grant","error_description":"AADSTS50173: The provided grant has expired due to it being revoked.\r\nTrace ID: x\r\nCorrelation ID: y","error_codes":[50173]}"#;
        match to_auth_error(400, body) {
            AuthError::SignInAgain { reason } => {
                assert!(reason.contains("revoked"), "{reason}");
                assert!(!reason.contains("Trace ID"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn client_errors_keep_codes_and_explain_them() {
        let body = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}"#;
        match to_auth_error(401, body) {
            AuthError::Refused {
                error,
                codes,
                description,
                status,
            } => {
                assert_eq!(error, "invalid_client");
                assert_eq!(codes, vec![7000215]);
                assert_eq!(status, 401);
                assert!(description.starts_with("the client secret is wrong"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            to_auth_error(502, b"<html>"),
            AuthError::Refused { .. }
        ));
    }

    #[test]
    fn token_response_debug_hides_tokens_and_reads_lifetimes() {
        let t: TokenResponse = serde_json::from_str(
            r#"{"access_token":"SECRET-AT","refresh_token":"SECRET-RT","expires_in":"3599","token_type":"Bearer"}"#,
        )
        .unwrap();
        let dbg = format!("{t:?}");
        assert!(!dbg.contains("SECRET"), "{dbg}");
        assert_eq!(t.lifetime(), Some(Duration::from_secs(3599)));
    }
}
