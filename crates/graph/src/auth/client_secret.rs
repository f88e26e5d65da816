//! Client credentials with a client secret (app-only; scripts and automation).

use super::oauth::{self, TokenResponse};
use crate::error::AuthError;
use reclaim_core::secrets::Secret;

pub async fn sign_in(
    http: &reqwest::Client,
    token_url: &str,
    client_id: &str,
    secret: &Secret,
    scope: &str,
) -> Result<TokenResponse, AuthError> {
    oauth::request_token(
        http,
        token_url,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret.expose()),
            ("scope", scope),
        ],
    )
    .await
}
