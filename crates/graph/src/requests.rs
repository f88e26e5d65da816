//! Typed requests: one constructor per Graph endpoint reclaim calls, each a [`GraphRequest`]
//! carrying its version, path, body, capability and throttle scope (REFERENCE §1, §3).
//!
//! The client's methods send these, and containment builds its plan's requests from them, so
//! every request leaves through the scheduler by one path and its throttle scope comes with
//! it, never guessed from a URL.

use crate::cloud::ApiVersion;
use crate::error::GraphError;
use crate::http::GraphRequest;
use crate::models::{MethodKind, PASSWORD_METHOD_ID};
use crate::throttle::ThrottleScope;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use reclaim_core::secrets::Secret;
use reqwest::Method;
use serde_json::{json, Value};

mod app_footholds;
mod footholds;
mod memberships;
pub use app_footholds::*;
pub use footholds::*;
pub use memberships::*;

/// Characters escaped in a path segment (ids, UPNs: `#`, `?`, `/`, `%`, spaces...).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\'')
    .add(b'&')
    .add(b'+');

/// A path segment for an id or UPN.
pub fn seg(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// An OData string literal: quoted, single quotes doubled, the result query-encoded.
pub fn odata_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Encodes a `$filter` (or any query value) for the URL.
pub fn query_value(s: &str) -> String {
    const Q: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'&')
        .add(b'+')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    utf8_percent_encode(s, Q).to_string()
}

/// A directory (identity and access) read; its resource-unit cost follows from the path.
pub fn directory_get(path: String, capability: &'static str) -> GraphRequest {
    let scope = ThrottleScope::directory(&path, false);
    GraphRequest::new(Method::GET, ApiVersion::V1, path, capability, scope)
}

/// A directory write (one unit of the write budget).
fn directory_write(method: Method, path: String, capability: &'static str) -> GraphRequest {
    let scope = ThrottleScope::directory(&path, true);
    GraphRequest::new(method, ApiVersion::V1, path, capability, scope)
}

/// A request in one mailbox's Outlook budget (4 concurrent per mailbox).
pub fn outlook(method: Method, user: &str, path: String, capability: &'static str) -> GraphRequest {
    let scope = ThrottleScope::Outlook {
        mailbox: user.to_string(),
    };
    GraphRequest::new(method, ApiVersion::V1, path, capability, scope)
}

/// A read in the reports budget (sign-ins, audits, method listings: 5 per 10 s).
pub fn reports_get(path: String, capability: &'static str) -> GraphRequest {
    GraphRequest::new(
        Method::GET,
        ApiVersion::V1,
        path,
        capability,
        ThrottleScope::Reports,
    )
}

/// An Identity Protection request (1 per second per tenant, all apps).
pub fn identity_protection(method: Method, path: String, capability: &'static str) -> GraphRequest {
    GraphRequest::new(
        method,
        ApiVersion::V1,
        path,
        capability,
        ThrottleScope::IdentityProtection,
    )
}

fn user_path(user: &str) -> String {
    format!("/users/{}", seg(user))
}

fn auth_path(user: &str, rest: &str) -> String {
    format!("/users/{}/authentication/{rest}", seg(user))
}

fn rules_path(user: &str) -> String {
    format!("/users/{}/mailFolders/inbox/messageRules", seg(user))
}

fn rule_path(user: &str, rule_id: &str) -> String {
    format!("{}/{}", rules_path(user), seg(rule_id))
}

fn grant_path(grant_id: &str) -> String {
    format!("/oauth2PermissionGrants/{}", seg(grant_id))
}

// Reads of one account's containment-relevant state.

/// `GET /users/{id}` (`$select`ed when `select` is given: most properties need it).
pub fn get_user(user: &str, select: Option<&str>) -> GraphRequest {
    let path = match select {
        Some(s) => format!("{}?$select={s}", user_path(user)),
        None => user_path(user),
    };
    directory_get(path, "read-users")
}

/// `GET /organization`: the tenant's verified domains (mail to any of them is internal).
pub fn get_organization() -> GraphRequest {
    directory_get(
        "/organization?$select=id,verifiedDomains".into(),
        "read-organization",
    )
}

/// `GET /subscribedSkus`: the tenant's subscriptions and their service plans (its licence).
/// Organization.Read.All or Directory.Read.All, as `/organization`.
pub fn list_subscribed_skus() -> GraphRequest {
    directory_get("/subscribedSkus".into(), "read-organization")
}

/// `GET /users?$select=id,signInActivity&$top=1`: whether `signInActivity` is readable (it
/// needs AuditLog.Read.All and, like the sign-in log, Entra ID P1).
pub fn probe_sign_in_activity() -> GraphRequest {
    directory_get(
        "/users?$select=id,signInActivity&$top=1".into(),
        "read-sign-ins",
    )
}

/// `GET /users/{id}/authentication/methods`: the reports budget (REFERENCE §1).
pub fn list_methods(user: &str) -> GraphRequest {
    reports_get(auth_path(user, "methods"), "read-auth-methods")
}

/// `GET /users/{id}/authentication/{kind}Methods/{id}`: one method, outside the reports budget.
pub fn get_method(user: &str, kind: MethodKind, method_id: &str) -> GraphRequest {
    let path = auth_path(user, &format!("{}/{}", kind.segment(), seg(method_id)));
    directory_get(path, "read-auth-methods")
}

/// `GET /users/{id}/mailFolders/inbox/messageRules`. Hidden rules never appear (REFERENCE §5).
pub fn list_inbox_rules(user: &str) -> GraphRequest {
    outlook(Method::GET, user, rules_path(user), "read-inbox-rules")
}

/// `GET /users/{id}/oauth2PermissionGrants` (that user's `Principal` grants only).
pub fn user_oauth_grants(user: &str) -> GraphRequest {
    directory_get(
        format!("{}/oauth2PermissionGrants", user_path(user)),
        "read-oauth-grants",
    )
}

/// `GET /identityProtection/riskyUsers/{id}`.
pub fn get_risky_user(user_id: &str) -> GraphRequest {
    identity_protection(
        Method::GET,
        format!("/identityProtection/riskyUsers/{}", seg(user_id)),
        "read-risky-users",
    )
}

/// Beta `GET …/authentication/signInPreferences`: the default MFA method, which v1.0 cannot
/// read (REFERENCE §5).
pub fn get_sign_in_preferences(user: &str) -> GraphRequest {
    let path = auth_path(user, "signInPreferences");
    let scope = ThrottleScope::directory(&path, false);
    GraphRequest::new(
        Method::GET,
        ApiVersion::Beta,
        path,
        "read-sign-in-preferences",
        scope,
    )
}

// Writes.

/// `POST /users/{id}/revokeSignInSessions` (200 with `value: true`, or 204).
pub fn revoke_sign_in_sessions(user: &str) -> GraphRequest {
    directory_write(
        Method::POST,
        format!("{}/revokeSignInSessions", user_path(user)),
        "revoke-sessions",
    )
}

/// `PATCH /users/{id}` `{"accountEnabled": enabled}` → 204.
pub fn set_account_enabled(user: &str, enabled: bool) -> GraphRequest {
    directory_write(Method::PATCH, user_path(user), "disable-signin")
        .with_body(json!({ "accountEnabled": enabled }))
}

/// App-only password reset: `PATCH /users/{id}` with a `passwordProfile` → 204. Without a
/// `password` the body leaves it for the caller to fill in just before sending.
pub fn set_password_profile(
    user: &str,
    password: Option<&Secret>,
    force_change: bool,
) -> GraphRequest {
    let mut profile = json!({ "forceChangePasswordNextSignIn": force_change });
    if let Some(p) = password {
        profile["password"] = Value::from(p.expose());
    }
    directory_write(Method::PATCH, user_path(user), "reset-password")
        .with_body(json!({ "passwordProfile": profile }))
}

/// Delegated password reset: `POST …/methods/{password id}/resetPassword` → 202 with a
/// `Location` to poll. Without `new_password` Graph generates one.
pub fn reset_password(user: &str, new_password: Option<&Secret>) -> GraphRequest {
    let body = match new_password {
        Some(p) => json!({ "newPassword": p.expose() }),
        None => json!({}),
    };
    directory_write(
        Method::POST,
        auth_path(user, &format!("methods/{PASSWORD_METHOD_ID}/resetPassword")),
        "reset-password",
    )
    .with_body(body)
}

/// `GET /users/{id}/authentication/operations/{opId}`: a password reset's progress.
pub fn get_operation(user: &str, operation_id: &str) -> GraphRequest {
    directory_get(
        auth_path(user, &format!("operations/{}", seg(operation_id))),
        "reset-password",
    )
}

/// `DELETE /users/{id}/authentication/{kind}Methods/{id}` → 204; refused for kinds Graph
/// cannot delete.
pub fn delete_method(
    user: &str,
    kind: MethodKind,
    method_id: &str,
) -> Result<GraphRequest, GraphError> {
    if !kind.deletable() {
        return Err(GraphError::Invalid(format!(
            "a {kind:?} method cannot be deleted"
        )));
    }
    let capability = if kind == MethodKind::Phone {
        "restore-phone"
    } else {
        "remove-mfa"
    };
    let path = auth_path(user, &format!("{}/{}", kind.segment(), seg(method_id)));
    Ok(directory_write(Method::DELETE, path, capability))
}

/// `POST …/phoneMethods` `{"phoneNumber","phoneType"}` → 201 with the method.
pub fn add_phone(user: &str, number: &str, phone_type: &str) -> GraphRequest {
    directory_write(
        Method::POST,
        auth_path(user, "phoneMethods"),
        "restore-phone",
    )
    .with_body(json!({ "phoneNumber": number, "phoneType": phone_type }))
}

/// `PATCH …/phoneMethods/{id}` `{"phoneNumber"}` → 204 (the type cannot change).
pub fn update_phone(user: &str, method_id: &str, number: &str) -> GraphRequest {
    directory_write(
        Method::PATCH,
        auth_path(user, &format!("phoneMethods/{}", seg(method_id))),
        "restore-phone",
    )
    .with_body(json!({ "phoneNumber": number }))
}

/// Beta `PATCH …/authentication/signInPreferences`
/// `{"userPreferredMethodForSecondaryAuthentication": ..}` → 204: moves the default MFA
/// method to a kind the user has registered (else 400).
pub fn set_preferred_mfa_method(user: &str, preferred: &str) -> GraphRequest {
    let path = auth_path(user, "signInPreferences");
    let scope = ThrottleScope::directory(&path, true);
    GraphRequest::new(
        Method::PATCH,
        ApiVersion::Beta,
        path,
        "set-default-mfa",
        scope,
    )
    .with_body(json!({ "userPreferredMethodForSecondaryAuthentication": preferred }))
}

/// `POST …/temporaryAccessPassMethods` → 201; the pass comes back once.
pub fn create_tap(user: &str, body: Value) -> GraphRequest {
    directory_write(
        Method::POST,
        auth_path(user, "temporaryAccessPassMethods"),
        "issue-tap",
    )
    .with_body(body)
}

/// `PATCH …/messageRules/{id}` → 200 with the rule.
pub fn update_rule(user: &str, rule_id: &str, patch: Value) -> GraphRequest {
    outlook(
        Method::PATCH,
        user,
        rule_path(user, rule_id),
        "manage-inbox-rules",
    )
    .with_body(patch)
}

/// `DELETE …/messageRules/{id}` → 204.
pub fn delete_rule(user: &str, rule_id: &str) -> GraphRequest {
    outlook(
        Method::DELETE,
        user,
        rule_path(user, rule_id),
        "manage-inbox-rules",
    )
}

/// `POST …/messageRules` → 201 with the rule.
pub fn create_rule(user: &str, body: Value) -> GraphRequest {
    outlook(Method::POST, user, rules_path(user), "manage-inbox-rules").with_body(body)
}

/// `POST /identityProtection/riskyUsers/confirmCompromised` → 204.
pub fn confirm_compromised(user_ids: &[&str]) -> GraphRequest {
    identity_protection(
        Method::POST,
        "/identityProtection/riskyUsers/confirmCompromised".into(),
        "confirm-compromised",
    )
    .with_body(json!({ "userIds": user_ids }))
}

/// `POST /identityProtection/riskyUsers/dismiss` → 204.
pub fn dismiss_risk(user_ids: &[&str]) -> GraphRequest {
    identity_protection(
        Method::POST,
        "/identityProtection/riskyUsers/dismiss".into(),
        "confirm-compromised",
    )
    .with_body(json!({ "userIds": user_ids }))
}

/// `DELETE /oauth2PermissionGrants/{id}` → 204.
pub fn delete_grant(grant_id: &str) -> GraphRequest {
    directory_write(Method::DELETE, grant_path(grant_id), "revoke-oauth-grants")
}

/// `PATCH /oauth2PermissionGrants/{id}` `{"scope": …}` → 204 (narrow a grant).
pub fn update_grant_scope(grant_id: &str, scope: &str) -> GraphRequest {
    directory_write(Method::PATCH, grant_path(grant_id), "revoke-oauth-grants")
        .with_body(json!({ "scope": scope }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_travel_with_the_request() {
        assert_eq!(
            confirm_compromised(&["u"]).scope,
            ThrottleScope::IdentityProtection
        );
        assert_eq!(
            delete_rule("u", "r").scope,
            ThrottleScope::Outlook {
                mailbox: "u".into()
            }
        );
        assert_eq!(list_methods("u").scope, ThrottleScope::Reports);
        assert!(matches!(
            update_phone("u", "x", "+1 5").scope,
            ThrottleScope::Directory { write: true, .. }
        ));
        assert_eq!(
            get_sign_in_preferences("u").describe(),
            "/beta/users/u/authentication/signInPreferences"
        );
        assert!(delete_method("u", MethodKind::Password, "p").is_err());
    }

    #[test]
    fn ids_and_literals_are_escaped() {
        assert_eq!(seg("ada@contoso.com"), "ada@contoso.com");
        assert_eq!(seg("a#b/c?d e"), "a%23b%2Fc%3Fd%20e");
        assert_eq!(odata_str("O'Brien"), "'O''Brien'");
        assert_eq!(
            query_value("userId eq 'x' and createdDateTime ge 2025-03-01T00:00:00Z"),
            "userId%20eq%20'x'%20and%20createdDateTime%20ge%202025-03-01T00:00:00Z"
        );
        assert_eq!(query_value("a+b&c"), "a%2Bb%26c");
    }
}
