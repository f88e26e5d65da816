//! Who is calling: the validated bearer token's principal and permissions.

use super::auth::jwt::{self, AccessClaims, Rejection};
use super::error::GraphError;
use super::state::{Shared, SimState};
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;

/// The principal behind a request's access token.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub tenant_id: String,
    /// The app (client) id (`appid` / `azp`).
    pub app_id: String,
    /// Delegated: the signed-in user's object id; `None` for app-only tokens.
    pub user_id: Option<String>,
    /// App-only permissions (`roles` claim).
    pub roles: Vec<String>,
    /// Delegated permissions (`scp` claim).
    pub scopes: Vec<String>,
    /// Directory role template ids held by the signed-in user (delegated) or the app's
    /// service principal (app-only); decides access to privileged targets.
    pub directory_roles: Vec<String>,
}

impl Caller {
    pub fn is_delegated(&self) -> bool {
        self.user_id.is_some()
    }

    /// Ok when the token carries any of `accepted` (least privileged first, then the higher
    /// ones that include it), in the claim that matches its kind (scp or roles).
    pub fn require(&self, accepted: &[&str]) -> Result<(), GraphError> {
        let held = if self.is_delegated() {
            &self.scopes
        } else {
            &self.roles
        };
        if accepted
            .iter()
            .any(|p| held.iter().any(|h| h.eq_ignore_ascii_case(p)))
        {
            Ok(())
        } else {
            Err(GraphError::forbidden())
        }
    }
}

impl Caller {
    /// The signed-in user is `key` (an object id): the request acts on the caller's own account,
    /// as every `/me/...` request does.
    pub fn is_self(&self, key: &str) -> bool {
        self.user_id
            .as_deref()
            .is_some_and(|me| me.eq_ignore_ascii_case(key))
    }

    /// [`Caller::require`] for an operation on the user `target`. On one's own account the
    /// delegated self variant of each permission (the name without `.All`, e.g.
    /// `UserAuthenticationMethod.Read` for `UserAuthenticationMethod.Read.All`) suffices, as the
    /// permission catalog lists for `/me/...` paths.
    pub fn require_on(&self, target: &str, accepted: &[&str]) -> Result<(), GraphError> {
        if !self.is_self(target) {
            return self.require(accepted);
        }
        let fits = |held: &String| {
            accepted.iter().any(|p| {
                let own = p.strip_suffix(".All").unwrap_or(p);
                held.eq_ignore_ascii_case(p) || held.eq_ignore_ascii_case(own)
            })
        };
        if self.scopes.iter().any(fits) {
            Ok(())
        } else {
            Err(GraphError::forbidden())
        }
    }
}

/// The middleware's verdict on a request's bearer token, kept as a request extension so the
/// token is checked once per request (and the log and throttling know the app).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Result<Caller, GraphError>);

impl axum::extract::FromRequestParts<Shared> for Caller {
    type Rejection = GraphError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        if let Some(Authenticated(verdict)) = parts.extensions.get::<Authenticated>() {
            return verdict.clone();
        }
        authenticate(state, &parts.headers)
    }
}

/// Checks the `Authorization: Bearer …` header: signature, lifetime, audience, tenant, and (in
/// the hostile profile) the early expiry some tokens suffer.
pub fn authenticate(state: &SimState, headers: &HeaderMap) -> Result<Caller, GraphError> {
    let token = bearer_token(headers).ok_or_else(|| Rejection::Empty.to_error())?;
    let claims = jwt::validate(token, &state.tenant_id).map_err(Rejection::to_error)?;
    if expires_early(state, &claims) {
        return Err(Rejection::Expired.to_error());
    }
    Ok(jwt::caller_from(&claims))
}

/// The token of an `Authorization: Bearer` header (scheme case-insensitive).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// Hostile profile: a stable share of tokens (picked by their unique id) stops working some
/// time after issue, long before `exp`, the way CAE cuts tokens at Exchange and SharePoint.
fn expires_early(state: &SimState, claims: &AccessClaims) -> bool {
    let faults = state.knobs().faults;
    if faults.early_token_expiry <= 0.0 {
        return false;
    }
    use sha2::Digest;
    let d = sha2::Sha256::digest(claims.uti.as_bytes());
    let draw = f64::from(u16::from_le_bytes([d[0], d[1]])) / 65536.0;
    let age = chrono::Utc::now().timestamp() - claims.iat;
    draw < faults.early_token_expiry && age >= faults.early_token_expiry_after.as_secs() as i64
}
