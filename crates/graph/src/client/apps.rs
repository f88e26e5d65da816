//! Application footholds: credentials on applications and service principals, and the app
//! role assignments a user holds.

use super::{GraphClient, Response};
use crate::error::GraphError;
use crate::models::{AppRoleAssignment, Application};
use crate::paging::Pager;
use crate::requests::{self, CredentialHolder};

impl GraphClient {
    /// `GET /users/{id}/appRoleAssignments`.
    pub fn user_app_role_assignments(&self, user_id: &str) -> Pager<AppRoleAssignment> {
        self.pager(requests::user_app_role_assignments(user_id))
    }

    /// `GET /servicePrincipals/{id}/appRoleAssignedTo`.
    pub fn sp_app_role_assigned_to(&self, resource_id: &str) -> Pager<AppRoleAssignment> {
        self.pager(requests::sp_app_role_assigned_to(resource_id))
    }

    /// The secrets and certificates on an application or a service principal (both read
    /// into [`Application`]'s shape: id, display name, credentials).
    pub async fn get_app_credentials(
        &self,
        holder: CredentialHolder,
        id: &str,
    ) -> Result<Response<Application>, GraphError> {
        self.send_json(requests::get_credentials(holder, id)).await
    }
}
