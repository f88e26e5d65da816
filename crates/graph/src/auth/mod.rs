//! Signing in: every way a responder gets a Graph token (CONTRACT.md `--auth`), and the
//! [`Authenticator`] that hands the HTTP layer a valid token, refreshing it when needed.

pub mod az_cli;
pub mod cache;
pub mod certificate;
pub mod claims;
pub mod client_secret;
pub mod device_code;
pub mod env_token;
pub mod oauth;

use self::cache::{Account, TokenCache};
use self::certificate::CertificateCredential;
use self::claims::TokenClaims;
use self::device_code::PromptHook;
use self::oauth::TokenResponse;
use crate::cloud::Endpoints;
use crate::error::AuthError;
use reclaim_core::secrets::Secret;
use std::time::{Duration, SystemTime};

/// A bearer token and what reclaim knows about it.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub secret: Secret,
    pub expires_at: SystemTime,
    /// Decoded claims when the token is a JWT.
    pub claims: Option<TokenClaims>,
}

impl AccessToken {
    fn from_response(t: &TokenResponse, now: SystemTime) -> Self {
        let claims = TokenClaims::decode(&t.access_token).ok();
        let expires_at = t
            .expires_at(now)
            .or_else(|| claims.as_ref().and_then(TokenClaims::expires_at))
            .unwrap_or(now + Duration::from_secs(300));
        Self {
            secret: Secret::new(t.access_token.clone()),
            expires_at,
            claims,
        }
    }

    /// Usable for a while yet: refresh a little before expiry (a tenth of the lifetime left,
    /// at most 5 minutes), so a request never leaves with a token about to die.
    pub fn is_fresh(&self, now: SystemTime, lifetime_hint: Duration) -> bool {
        let margin = (lifetime_hint / 10).min(Duration::from_secs(300));
        self.expires_at > now + margin
    }
}

/// How to get tokens.
#[derive(Clone)]
pub enum Credential {
    /// Delegated, interactive: device code, then refresh tokens from the cache.
    DeviceCode {
        client_id: String,
        /// Delegated permissions to ask for (without resource prefix). Empty: `.default`,
        /// i.e. every permission the app registration has consent for, which is what an
        /// admin-consented responder app wants (asking for an unconsented scope fails 65001).
        permissions: Vec<String>,
        /// Where the code is shown; `None` = not interactive (cached sign-in only).
        prompt: Option<PromptHook>,
    },
    ClientSecret {
        client_id: String,
        secret: Secret,
    },
    Certificate {
        client_id: String,
        certificate: CertificateCredential,
    },
    AzCli,
    EnvToken,
    /// A bearer token the caller already holds (embedding callers, tests); like `env-token`,
    /// it cannot be renewed.
    StaticToken(Secret),
}

impl Credential {
    pub fn name(&self) -> &'static str {
        match self {
            Credential::DeviceCode { .. } => "device-code",
            Credential::ClientSecret { .. } => "client-secret",
            Credential::Certificate { .. } => "certificate",
            Credential::AzCli => "az-cli",
            Credential::EnvToken | Credential::StaticToken(_) => "env-token",
        }
    }

    pub fn client_id(&self) -> Option<&str> {
        match self {
            Credential::DeviceCode { client_id, .. }
            | Credential::ClientSecret { client_id, .. }
            | Credential::Certificate { client_id, .. } => Some(client_id),
            _ => None,
        }
    }
}

/// Hands out valid access tokens for one tenant and credential.
pub struct Authenticator {
    http: reqwest::Client,
    endpoints: Endpoints,
    tenant: String,
    credential: Credential,
    cache: Option<TokenCache>,
    current: tokio::sync::Mutex<Option<AccessToken>>,
    lifetime_hint: std::sync::Mutex<Duration>,
}

impl Authenticator {
    pub fn new(
        http: reqwest::Client,
        endpoints: Endpoints,
        tenant: impl Into<String>,
        credential: Credential,
        cache: Option<TokenCache>,
    ) -> Self {
        Self {
            http,
            endpoints,
            tenant: tenant.into(),
            credential,
            cache,
            current: tokio::sync::Mutex::new(None),
            lifetime_hint: std::sync::Mutex::new(Duration::from_secs(3600)),
        }
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    pub fn cache(&self) -> Option<&TokenCache> {
        self.cache.as_ref()
    }

    fn token_url(&self) -> String {
        self.endpoints.token_url(&self.tenant)
    }

    fn delegated_scope(&self, permissions: &[String]) -> String {
        if permissions.is_empty() {
            return format!("{} offline_access", self.endpoints.default_scope());
        }
        self.endpoints
            .delegated_scopes(permissions.iter().map(String::as_str))
    }

    fn hint(&self) -> Duration {
        *self.lifetime_hint.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A valid token: the current one while fresh, else a new one.
    pub async fn token(&self) -> Result<AccessToken, AuthError> {
        let mut current = self.current.lock().await;
        if let Some(t) = current.as_ref() {
            if t.is_fresh(SystemTime::now(), self.hint()) {
                return Ok(t.clone());
            }
        }
        let fresh = self.acquire_logged(false).await?;
        *current = Some(fresh.clone());
        Ok(fresh)
    }

    /// Graph said 401: drop the current token so the next call gets a new one.
    pub async fn invalidate(&self) {
        *self.current.lock().await = None;
    }

    /// Signs in now (`reclaim login`): device code runs interactively even with a cached
    /// refresh token; other methods get and check a token.
    pub async fn sign_in(&self) -> Result<AccessToken, AuthError> {
        let mut current = self.current.lock().await;
        let fresh = self.acquire_logged(true).await?;
        *current = Some(fresh.clone());
        Ok(fresh)
    }

    /// Forgets the cached sign-in (`reclaim logout`).
    pub async fn sign_out(&self) -> Result<(), AuthError> {
        *self.current.lock().await = None;
        match &self.cache {
            Some(c) => c.clear(),
            None => Ok(()),
        }
    }

    fn remember(&self, t: &TokenResponse, now: SystemTime) -> AccessToken {
        if let Some(l) = t.lifetime() {
            *self.lifetime_hint.lock().unwrap_or_else(|p| p.into_inner()) = l;
        }
        AccessToken::from_response(t, now)
    }

    /// [`Self::acquire`], with one log line saying who signed in and for how long (never the
    /// token), or why not.
    async fn acquire_logged(&self, interactive: bool) -> Result<AccessToken, AuthError> {
        let method = self.credential.name();
        match self.acquire(interactive).await {
            Ok(t) => {
                let claims = t.claims.as_ref();
                let principal = claims
                    .and_then(|c| c.upn.as_deref().or(c.appid.as_deref()).or(c.azp.as_deref()))
                    .unwrap_or("-");
                let valid_s = t
                    .expires_at
                    .duration_since(SystemTime::now())
                    .map_or(0, |d| d.as_secs());
                tracing::info!(
                    method,
                    tenant = claims.and_then(|c| c.tid.as_deref()).unwrap_or(&self.tenant),
                    principal = %reclaim_core::sanitize::inert(principal),
                    delegated = claims.is_some_and(|c| c.is_delegated()),
                    valid_s,
                    "access token acquired"
                );
                Ok(t)
            }
            Err(e) => {
                tracing::warn!(method, tenant = %self.tenant, error = %reclaim_core::sanitize::inert(&e.to_string()), "sign-in failed");
                Err(e)
            }
        }
    }

    async fn acquire(&self, interactive: bool) -> Result<AccessToken, AuthError> {
        let url = self.token_url();
        let now = SystemTime::now();
        match &self.credential {
            Credential::ClientSecret { client_id, secret } => {
                let t = client_secret::sign_in(
                    &self.http,
                    &url,
                    client_id,
                    secret,
                    &self.endpoints.default_scope(),
                )
                .await?;
                Ok(self.remember(&t, now))
            }
            Credential::Certificate {
                client_id,
                certificate,
            } => {
                let t = certificate::sign_in(
                    &self.http,
                    &url,
                    client_id,
                    certificate,
                    &self.endpoints.default_scope(),
                )
                .await?;
                Ok(self.remember(&t, now))
            }
            Credential::AzCli => az_cli::get_token(Some(&self.tenant)).await,
            Credential::EnvToken => env_token::from_env(),
            Credential::StaticToken(t) => env_token::from_value(t.expose(), now),
            Credential::DeviceCode {
                client_id,
                permissions,
                prompt,
            } => {
                let scope = self.delegated_scope(permissions);
                if !interactive {
                    if let Some(t) = self.refresh_from_cache(client_id, &scope).await? {
                        return Ok(t);
                    }
                }
                let Some(prompt) = prompt else {
                    return Err(AuthError::SignInAgain {
                        reason: "no cached sign-in for this tenant and app".into(),
                    });
                };
                let t = device_code::sign_in(
                    &self.http,
                    &self.endpoints.device_code_url(&self.tenant),
                    &url,
                    client_id,
                    &scope,
                    prompt,
                )
                .await?;
                let token = self.remember(&t, now);
                self.store_sign_in(client_id, &scope, &t, &token)?;
                Ok(token)
            }
        }
    }

    async fn refresh_from_cache(
        &self,
        client_id: &str,
        scope: &str,
    ) -> Result<Option<AccessToken>, AuthError> {
        let Some(cache) = &self.cache else {
            return Ok(None);
        };
        let Some(rt) = cache.refresh_token()? else {
            return Ok(None);
        };
        let now = SystemTime::now();
        match oauth::refresh(&self.http, &self.token_url(), client_id, &rt, scope).await {
            Ok(t) => {
                let token = self.remember(&t, now);
                self.store_sign_in(client_id, scope, &t, &token)?;
                Ok(Some(token))
            }
            Err(AuthError::SignInAgain { reason }) => {
                // Revoked or expired: the refresh token is useless from now on.
                cache.forget_refresh_token()?;
                Err(AuthError::SignInAgain { reason })
            }
            Err(e) => Err(e),
        }
    }

    fn store_sign_in(
        &self,
        client_id: &str,
        scope: &str,
        t: &TokenResponse,
        token: &AccessToken,
    ) -> Result<(), AuthError> {
        let Some(cache) = &self.cache else {
            return Ok(());
        };
        if let Some(rt) = &t.refresh_token {
            cache.set_refresh_token(&Secret::new(rt.clone()))?;
        }
        let claims = token.claims.clone().unwrap_or_default();
        cache.set_account(&Account {
            tenant_id: claims.tid.clone(),
            object_id: claims.oid.clone(),
            username: claims
                .upn
                .clone()
                .or(claims.preferred_username.clone())
                .or(claims.unique_name.clone()),
            client_id: client_id.to_string(),
            login_url: self.endpoints.login_url.clone(),
            graph_url: self.endpoints.graph_url.clone(),
            scope: scope.to_string(),
        })
    }
}

/// The `--auth` method names (CONTRACT.md).
pub const METHOD_NAMES: [&str; 5] = [
    "device-code",
    "client-secret",
    "certificate",
    "az-cli",
    "env-token",
];
