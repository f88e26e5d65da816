//! Users, roles, sessions, sign-in blocking, OAuth grants and service principals.

use super::{GraphClient, Response};
use crate::error::GraphError;
use crate::models::{OAuth2PermissionGrant, RoleAssignment, ServicePrincipal, User};
use crate::paging::Pager;
use crate::requests::{self, directory_get, odata_str, query_value, seg};

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
        let mut req = directory_get(format!("/users?{}", q.join("&")), "read-users");
        if eventual {
            req = req.eventual();
        }
        self.pager(req)
    }

    /// `GET /users/{id or UPN}` with every field of [`User`].
    pub async fn get_user(&self, id_or_upn: &str) -> Result<Response<User>, GraphError> {
        self.send_json(requests::get_user(id_or_upn, Some(User::SELECT)))
            .await
    }

    /// Role assignments of a principal with their definitions
    /// (`/roleManagement/directory/roleAssignments?$filter=principalId eq '…'&$expand=roleDefinition`).
    pub fn user_roles(&self, user_id: &str) -> Pager<RoleAssignment> {
        let f = format!("principalId eq {}", odata_str(user_id));
        self.pager(directory_get(
            format!(
                "/roleManagement/directory/roleAssignments?$filter={}&$expand=roleDefinition",
                query_value(&f)
            ),
            "read-roles",
        ))
    }

    /// Every directory role assignment in the tenant (for ranking privileged users at once).
    pub fn list_role_assignments(&self) -> Pager<RoleAssignment> {
        self.pager(directory_get(
            "/roleManagement/directory/roleAssignments?$expand=roleDefinition".into(),
            "read-roles",
        ))
    }

    /// `GET /users/{id}/oauth2PermissionGrants` (that user's `Principal` grants only).
    pub fn user_oauth_grants(&self, user_id: &str) -> Pager<OAuth2PermissionGrant> {
        self.pager(requests::user_oauth_grants(user_id))
    }

    /// `GET /servicePrincipals/{id}` (by object id).
    pub async fn get_service_principal(
        &self,
        sp_id: &str,
    ) -> Result<Response<ServicePrincipal>, GraphError> {
        self.send_json(directory_get(
            format!("/servicePrincipals/{}", seg(sp_id)),
            "read-service-principals",
        ))
        .await
    }
}

impl GraphClient {
    /// `GET /subscribedSkus`: the tenant's subscriptions (its licence tier).
    pub fn list_subscribed_skus(&self) -> Pager<crate::models::SubscribedSku> {
        self.pager(requests::list_subscribed_skus())
    }

    /// Whether `signInActivity` on users can be read (one user, nothing kept).
    pub async fn probe_sign_in_activity(&self) -> Result<(), GraphError> {
        self.send_json::<serde_json::Value>(requests::probe_sign_in_activity())
            .await
            .map(|_| ())
    }
}
