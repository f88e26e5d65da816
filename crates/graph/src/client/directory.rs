//! Users, roles, sessions, sign-in blocking, OAuth grants and service principals.

use super::{odata_str, query_value, seg, GraphClient, Response};
use crate::error::GraphError;
use crate::models::{DirectoryRole, OAuth2PermissionGrant, RoleAssignment, ServicePrincipal, User};
use crate::paging::Pager;
use reclaim_core::secrets::Secret;
use reqwest::Method;
use serde_json::json;

impl GraphClient {
    /// `GET /users` with every field of [`User`] selected; `filter` is a `$filter` expression.
    /// `eventual` adds `ConsistencyLevel: eventual` + `$count=true` (advanced queries).
    pub fn list_users(
        &self,
        filter: Option<&str>,
        top: Option<u32>,
        eventual: bool,
    ) -> Pager<User> {
        let mut q = vec![format!("$select={}", User::SELECT)];
        if let Some(f) = filter {
            q.push(format!("$filter={}", query_value(f)));
        }
        if let Some(t) = top {
            q.push(format!("$top={}", t.clamp(1, 999)));
        }
        if eventual {
            q.push("$count=true".into());
        }
        let mut req = self.directory_get(format!("/users?{}", q.join("&")), "read-users");
        if eventual {
            req = req.eventual();
        }
        self.pager(req)
    }

    /// `GET /users/{id or UPN}` with every field of [`User`].
    pub async fn get_user(&self, id_or_upn: &str) -> Result<Response<User>, GraphError> {
        self.get_json(self.directory_get(
            format!("/users/{}?$select={}", seg(id_or_upn), User::SELECT),
            "read-users",
        ))
        .await
    }

    /// `GET /users/{id}/manager`; `None` when the user has none (404).
    pub async fn get_manager(&self, user_id: &str) -> Result<Response<Option<User>>, GraphError> {
        let req = self.directory_get(
            format!(
                "/users/{}/manager?$select=id,displayName,userPrincipalName,jobTitle,department",
                seg(user_id)
            ),
            "read-users",
        );
        match self.get_json::<User>(req).await {
            Ok(r) => Ok(Response {
                value: Some(r.value),
                ids: r.ids,
                status: r.status,
            }),
            Err(e) if e.is_not_found() => Ok(Response {
                value: None,
                ids: e.ids().cloned().unwrap_or_default(),
                status: 404,
            }),
            Err(e) => Err(e),
        }
    }

    /// Role assignments of a principal with their definitions
    /// (`/roleManagement/directory/roleAssignments?$filter=principalId eq '…'&$expand=roleDefinition`).
    pub fn user_roles(&self, user_id: &str) -> Pager<RoleAssignment> {
        let f = format!("principalId eq {}", odata_str(user_id));
        self.pager(self.directory_get(
            format!(
                "/roleManagement/directory/roleAssignments?$filter={}&$expand=roleDefinition",
                query_value(&f)
            ),
            "read-roles",
        ))
    }

    /// Every directory role assignment in the tenant (for ranking privileged users at once).
    pub fn list_role_assignments(&self) -> Pager<RoleAssignment> {
        self.pager(self.directory_get(
            "/roleManagement/directory/roleAssignments?$expand=roleDefinition".into(),
            "read-roles",
        ))
    }

    /// Active direct directory roles (`/users/{id}/memberOf/microsoft.graph.directoryRole`).
    pub fn user_directory_roles(&self, user_id: &str) -> Pager<DirectoryRole> {
        self.pager(self.directory_get(
            format!(
                "/users/{}/memberOf/microsoft.graph.directoryRole",
                seg(user_id)
            ),
            "read-roles",
        ))
    }

    /// `POST /users/{id}/revokeSignInSessions` (200 with `value: true`, or 204; any 2xx).
    pub async fn revoke_sign_in_sessions(&self, user_id: &str) -> Result<Response<()>, GraphError> {
        self.no_content(self.directory_write(
            Method::POST,
            format!("/users/{}/revokeSignInSessions", seg(user_id)),
            "revoke-sessions",
        ))
        .await
    }

    /// `PATCH /users/{id}` `{"accountEnabled": enabled}` → 204.
    pub async fn set_account_enabled(
        &self,
        user_id: &str,
        enabled: bool,
    ) -> Result<Response<()>, GraphError> {
        let req = self
            .directory_write(
                Method::PATCH,
                format!("/users/{}", seg(user_id)),
                "disable-signin",
            )
            .with_body(json!({ "accountEnabled": enabled }));
        self.no_content(req).await
    }

    /// App-only password reset: `PATCH /users/{id}` with a `passwordProfile` → 204.
    pub async fn set_password_profile(
        &self,
        user_id: &str,
        password: &Secret,
        force_change: bool,
    ) -> Result<Response<()>, GraphError> {
        let req = self
            .directory_write(Method::PATCH, format!("/users/{}", seg(user_id)), "reset-password")
            .with_body(json!({ "passwordProfile": { "password": password.expose(), "forceChangePasswordNextSignIn": force_change } }));
        self.no_content(req).await
    }

    /// `GET /users/{id}/oauth2PermissionGrants` (that user's `Principal` grants only).
    pub fn user_oauth_grants(&self, user_id: &str) -> Pager<OAuth2PermissionGrant> {
        self.pager(self.directory_get(
            format!("/users/{}/oauth2PermissionGrants", seg(user_id)),
            "read-oauth-grants",
        ))
    }

    /// Grants of one client app (both `Principal` and tenant-wide `AllPrincipals`).
    pub fn grants_for_client(&self, client_sp_id: &str) -> Pager<OAuth2PermissionGrant> {
        let f = format!("clientId eq {}", odata_str(client_sp_id));
        self.pager(self.directory_get(
            format!("/oauth2PermissionGrants?$filter={}", query_value(&f)),
            "read-oauth-grants",
        ))
    }

    /// `DELETE /oauth2PermissionGrants/{id}` → 204.
    pub async fn delete_grant(&self, grant_id: &str) -> Result<Response<()>, GraphError> {
        self.no_content(self.directory_write(
            Method::DELETE,
            format!("/oauth2PermissionGrants/{}", seg(grant_id)),
            "revoke-oauth-grants",
        ))
        .await
    }

    /// `PATCH /oauth2PermissionGrants/{id}` `{"scope": …}` → 204 (narrow a grant).
    pub async fn update_grant_scope(
        &self,
        grant_id: &str,
        scope: &str,
    ) -> Result<Response<()>, GraphError> {
        let req = self
            .directory_write(
                Method::PATCH,
                format!("/oauth2PermissionGrants/{}", seg(grant_id)),
                "revoke-oauth-grants",
            )
            .with_body(json!({ "scope": scope }));
        self.no_content(req).await
    }

    /// `GET /servicePrincipals/{id}` (by object id).
    pub async fn get_service_principal(
        &self,
        sp_id: &str,
    ) -> Result<Response<ServicePrincipal>, GraphError> {
        self.get_json(self.directory_get(
            format!("/servicePrincipals/{}", seg(sp_id)),
            "read-service-principals",
        ))
        .await
    }
}
