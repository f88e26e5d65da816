//! The identity platform (REFERENCE §2): `/{tenant}/oauth2/v2.0/token` and `/devicecode`.
//!
//! Grants: client credentials (secret, or a certificate-signed client assertion), device code,
//! refresh token. Tokens are RS256 JWTs carrying `roles` (app-only) or `scp` (delegated).

pub mod aadsts;
pub mod assertion;
pub mod device;
pub mod jwt;
pub mod refresh;
pub mod token;

use crate::model::{AppRegistration, Tenant, User};
use crate::state::{read_lock, Shared, SimState};
use aadsts::TokenError;
use axum::routing::post;
use axum::Router;
use std::collections::HashMap;
use std::sync::Mutex;

/// Token endpoint state.
#[derive(Default)]
pub struct AuthState {
    /// Keyed by device code.
    pub device_codes: Mutex<HashMap<String, device::DeviceCode>>,
    /// Keyed by the opaque refresh token.
    pub refresh_tokens: Mutex<HashMap<String, refresh::RefreshRecord>>,
    /// Client assertion `jti`s already redeemed, with their `exp` (for pruning).
    pub used_assertion_ids: Mutex<HashMap<String, i64>>,
}

/// The user a token request was for, set on the token endpoint's response so the request log
/// can name them.
#[derive(Debug, Clone)]
pub struct TokenSubject(pub String);

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(device::devicecode))
}

/// The tenant segment of an identity platform URL must name this tenant: its id, its primary
/// domain, or one of the multi-tenant aliases.
pub fn resolve_tenant(state: &SimState, segment: &str) -> Result<(), TokenError> {
    let tenant = read_lock(&state.tenant);
    let known = segment.eq_ignore_ascii_case(&state.tenant_id)
        || segment.eq_ignore_ascii_case(&tenant.domain)
        || segment.eq_ignore_ascii_case("organizations")
        || segment.eq_ignore_ascii_case("common");
    if known {
        Ok(())
    } else {
        Err(TokenError::tenant_not_found(segment))
    }
}

/// A form-encoded body as a map (first occurrence of a key wins).
pub fn parse_form(body: &[u8]) -> HashMap<String, String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let mut map = HashMap::new();
    for (k, v) in pairs {
        map.entry(k).or_insert(v);
    }
    map
}

pub fn find_app(state: &SimState, client_id: &str) -> Option<AppRegistration> {
    read_lock(&state.tenant)
        .apps
        .iter()
        .find(|a| a.client_id.eq_ignore_ascii_case(client_id))
        .cloned()
}

/// The object id of an app's service principal in this tenant.
pub fn service_principal_id(state: &SimState, app_id: &str) -> String {
    read_lock(&state.tenant)
        .service_principals
        .iter()
        .find(|sp| sp.app_id.eq_ignore_ascii_case(app_id))
        .map(|sp| sp.id.clone())
        .unwrap_or_else(|| crate::ids::det_guid(state.config.seed, app_id))
}

/// Finds a live (not deleted) user by object id or UPN.
pub fn find_user<'a>(tenant: &'a Tenant, id_or_upn: &str) -> Option<&'a User> {
    tenant.users.iter().find(|u| {
        !u.deleted
            && (u.id.eq_ignore_ascii_case(id_or_upn)
                || u.user_principal_name.eq_ignore_ascii_case(id_or_upn))
    })
}

/// Template ids of the directory roles assigned directly to a principal (the `wids` claim).
pub fn role_templates_of(tenant: &Tenant, principal_id: &str) -> Vec<String> {
    let mut wids: Vec<String> = tenant
        .role_assignments
        .iter()
        .filter(|a| a.principal_id == principal_id)
        .filter_map(|a| {
            tenant
                .role_definitions
                .iter()
                .find(|d| d.id == a.role_definition_id || d.template_id == a.role_definition_id)
                .map(|d| d.template_id.clone())
        })
        .collect();
    wids.sort();
    wids.dedup();
    wids
}

/// Scopes of a delegated request, split by kind.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequestedScopes {
    /// Graph permissions, short form (`User.Read.All`).
    pub graph: Vec<String>,
    /// `https://graph.microsoft.com/.default` was asked for.
    pub default: bool,
    /// `openid`, `profile`, `email`, `offline_access`.
    pub oidc: Vec<String>,
    /// Scopes of another resource (the simulator serves only Graph).
    pub foreign: Vec<String>,
}

pub const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

pub fn parse_scopes(scope: &str) -> RequestedScopes {
    let mut out = RequestedScopes::default();
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        if OIDC_SCOPES.iter().any(|o| o.eq_ignore_ascii_case(s)) {
            out.oidc.push(s.to_ascii_lowercase());
            continue;
        }
        let short = strip_graph_prefix(s);
        match short {
            Some(p) if p.eq_ignore_ascii_case(".default") => out.default = true,
            Some(p) => out.graph.push(p.to_string()),
            None if !s.contains('/') => out.graph.push(s.to_string()),
            None => out.foreign.push(s.to_string()),
        }
    }
    out
}

/// `https://graph.microsoft.com/X` or `00000003-…/X` → `X`.
pub fn strip_graph_prefix(scope: &str) -> Option<&str> {
    let lower = scope.to_ascii_lowercase();
    for prefix in [
        format!("{}/", jwt::GRAPH_RESOURCE),
        format!("{}/", jwt::GRAPH_APP_ID),
    ] {
        if lower.starts_with(&prefix) {
            return Some(&scope[prefix.len()..]);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_split_by_kind() {
        let s = parse_scopes(
            "https://graph.microsoft.com/User.Read.All offline_access openid https://outlook.office.com/Mail.Read AuditLog.Read.All",
        );
        assert_eq!(s.graph, vec!["User.Read.All", "AuditLog.Read.All"]);
        assert_eq!(s.oidc, vec!["offline_access", "openid"]);
        assert_eq!(s.foreign, vec!["https://outlook.office.com/Mail.Read"]);
        assert!(parse_scopes("https://graph.microsoft.com/.default").default);
    }
}
