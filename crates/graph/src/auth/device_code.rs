//! Device code sign-in (RFC 8628 as the identity platform serves it): works over SSH with no
//! browser; the operator opens the URL on any device and types the code.

use super::oauth::{self, TokenResponse};
use crate::error::AuthError;
use reclaim_core::secrets::Secret;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// What the operator needs to finish signing in.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    /// The service's own instruction text.
    pub message: String,
    pub expires_in: Duration,
}

impl DeviceCodePrompt {
    /// The verification URL as a QR code for a terminal (two rows per character).
    pub fn qr_code(&self) -> Option<String> {
        let code = qrcode::QrCode::new(self.verification_uri.as_bytes()).ok()?;
        Some(
            code.render::<qrcode::render::unicode::Dense1x2>()
                .quiet_zone(true)
                .build(),
        )
    }
}

/// Shows the prompt (CLI: stderr; console: a dialog).
pub type PromptHook = Arc<dyn Fn(&DeviceCodePrompt) + Send + Sync>;

#[derive(Deserialize)]
struct DeviceCodeResponse {
    device_code: String,
    user_code: String,
    verification_uri: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    interval: Option<u64>,
    #[serde(default)]
    message: Option<String>,
}

/// Runs the whole flow: request a code, show it, poll at the interval the service asks for.
pub async fn sign_in(
    http: &reqwest::Client,
    device_code_url: &str,
    token_url: &str,
    client_id: &str,
    scope: &str,
    prompt: &PromptHook,
) -> Result<TokenResponse, AuthError> {
    let (status, body) = oauth::post_form(
        http,
        device_code_url,
        &[("client_id", client_id), ("scope", scope)],
    )
    .await?;
    if !(200..300).contains(&status) {
        return Err(oauth::to_auth_error(status, &body));
    }
    let dc: DeviceCodeResponse = serde_json::from_slice(&body)
        .map_err(|e| AuthError::Transport(format!("unreadable device code response: {e}")))?;
    let device_code = Secret::new(dc.device_code);
    let expires_in = Duration::from_secs(dc.expires_in.unwrap_or(900));
    prompt(&DeviceCodePrompt {
        message: dc.message.unwrap_or_else(|| {
            format!(
                "To sign in, open {} and enter the code {}",
                dc.verification_uri, dc.user_code
            )
        }),
        user_code: dc.user_code,
        verification_uri: dc.verification_uri,
        expires_in,
    });
    let deadline = tokio::time::Instant::now() + expires_in;
    let mut interval = Duration::from_secs(dc.interval.unwrap_or(5).max(1));
    loop {
        tokio::time::sleep(interval).await;
        if tokio::time::Instant::now() > deadline {
            return Err(AuthError::DeviceCodeExpired);
        }
        let form = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", client_id),
            ("device_code", device_code.expose()),
        ];
        let (status, body) = match oauth::post_form(http, token_url, &form).await {
            Ok(o) => o,
            // A network blip while polling: keep polling until the code expires.
            Err(AuthError::Transport(_)) => continue,
            Err(e) => return Err(e),
        };
        if (200..300).contains(&status) {
            return serde_json::from_slice::<TokenResponse>(&body)
                .map_err(|e| AuthError::Transport(format!("unreadable token response: {e}")));
        }
        let parsed: oauth::TokenErrorBody = serde_json::from_slice(&body).unwrap_or_default();
        match poll_state(&parsed) {
            PollState::Pending => {}
            PollState::SlowDown => interval += Duration::from_secs(5),
            PollState::Declined => return Err(AuthError::DeviceCodeDeclined),
            PollState::Expired => return Err(AuthError::DeviceCodeExpired),
            PollState::Failed => return Err(oauth::to_auth_error(status, &body)),
        }
    }
}

#[derive(Debug, PartialEq)]
enum PollState {
    Pending,
    SlowDown,
    Declined,
    Expired,
    Failed,
}

fn poll_state(e: &oauth::TokenErrorBody) -> PollState {
    match e.error.as_str() {
        "authorization_pending" => PollState::Pending,
        "slow_down" => PollState::SlowDown,
        "authorization_declined" | "access_denied" => PollState::Declined,
        "expired_token" | "bad_verification_code" => PollState::Expired,
        _ if e.error_codes.contains(&70016) => PollState::Pending,
        _ if e.error_codes.contains(&70019) || e.error_codes.contains(&70018) => PollState::Expired,
        _ => PollState::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(error: &str, codes: &[u32]) -> oauth::TokenErrorBody {
        oauth::TokenErrorBody {
            error: error.into(),
            error_description: None,
            error_codes: codes.to_vec(),
        }
    }

    #[test]
    fn poll_answers_map_to_states() {
        assert_eq!(
            poll_state(&body("authorization_pending", &[70016])),
            PollState::Pending
        );
        assert_eq!(poll_state(&body("slow_down", &[])), PollState::SlowDown);
        assert_eq!(
            poll_state(&body("authorization_declined", &[])),
            PollState::Declined
        );
        assert_eq!(
            poll_state(&body("expired_token", &[70019])),
            PollState::Expired
        );
        assert_eq!(
            poll_state(&body("bad_verification_code", &[70018])),
            PollState::Expired
        );
        assert_eq!(
            poll_state(&body("invalid_client", &[7000218])),
            PollState::Failed
        );
    }

    #[test]
    fn the_prompt_renders_a_qr_code() {
        let p = DeviceCodePrompt {
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            message: String::new(),
            expires_in: Duration::from_secs(900),
        };
        let qr = p.qr_code().unwrap();
        assert!(qr.lines().count() > 10);
        assert!(qr.contains('█') || qr.contains('▀') || qr.contains('▄'));
    }
}
