//! Who is calling: the validated bearer token's principal and permissions.

use super::error::GraphError;

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
