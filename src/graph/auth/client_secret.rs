//! Client credentials with a client secret (app-only; scripts and automation).

use super::oauth::{self, TokenResponse};
use super::Secret;
use crate::graph::error::AuthError;

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
