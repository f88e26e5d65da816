//! Typed requests for application footholds: the credentials on applications and service
//! principals, and app role assignments.

use super::{directory_get, directory_write, seg, user_path};
use crate::http::GraphRequest;
use crate::models::Application;
use reqwest::Method;
use serde_json::{json, Value};

/// Where a credential lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CredentialHolder {
    Application,
    ServicePrincipal,
}

impl CredentialHolder {
    fn root(self) -> &'static str {
        match self {
            CredentialHolder::Application => "/applications",
            CredentialHolder::ServicePrincipal => "/servicePrincipals",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            CredentialHolder::Application => "application",
            CredentialHolder::ServicePrincipal => "service principal",
        }
    }
}

/// `GET /applications/{id}` or `/servicePrincipals/{id}` with the credentials (the
/// certificates' public keys included: a `PATCH keyCredentials` must send them back).
pub fn get_credentials(holder: CredentialHolder, id: &str) -> GraphRequest {
    directory_get(
        format!(
            "{}/{}?$select={}",
            holder.root(),
            seg(id),
            Application::SELECT.replace(",appId", "")
        ),
        "read-app-credentials",
    )
}

/// `POST /{applications|servicePrincipals}/{id}/removePassword` `{"keyId"}` → 204.
pub fn remove_password(holder: CredentialHolder, id: &str, key_id: &str) -> GraphRequest {
    directory_write(
        Method::POST,
        format!("{}/{}/removePassword", holder.root(), seg(id)),
        "remove-app-credentials",
    )
    .with_body(json!({ "keyId": key_id }))
}

/// `PATCH /{applications|servicePrincipals}/{id}` `{"keyCredentials": [...]}` → 204: the
/// certificates to keep. `removeKey` needs a proof signed with one of the holder's own
/// certificates, which reclaim never holds; the API reference names this update instead.
pub fn set_key_credentials(holder: CredentialHolder, id: &str, keep: &[Value]) -> GraphRequest {
    directory_write(
        Method::PATCH,
        format!("{}/{}", holder.root(), seg(id)),
        "remove-app-credentials",
    )
    .with_body(json!({ "keyCredentials": keep }))
}

/// `GET /users/{id}/appRoleAssignments`: the app roles the account holds (a consent assigns
/// the app's default role).
pub fn user_app_role_assignments(user: &str) -> GraphRequest {
    directory_get(
        format!("{}/appRoleAssignments", user_path(user)),
        "read-app-role-assignments",
    )
}

/// `DELETE /users/{id}/appRoleAssignments/{assignmentId}` → 204.
pub fn delete_user_app_role_assignment(user: &str, assignment: &str) -> GraphRequest {
    directory_write(
        Method::DELETE,
        format!("{}/appRoleAssignments/{}", user_path(user), seg(assignment)),
        "revoke-app-role-assignments",
    )
}

/// `POST /users/{id}/appRoleAssignments` → 201: re-creates an assignment (undo).
pub fn create_user_app_role_assignment(
    user_id: &str,
    resource_id: &str,
    app_role_id: &str,
) -> GraphRequest {
    directory_write(
        Method::POST,
        format!("{}/appRoleAssignments", user_path(user_id)),
        "revoke-app-role-assignments",
    )
    .with_body(json!({
        "principalId": user_id,
        "resourceId": resource_id,
        "appRoleId": app_role_id,
    }))
}

/// `GET /servicePrincipals/{id}/appRoleAssignedTo`: the app roles (application permissions
/// among them) granted on an API's service principal, to users, groups and service principals.
pub fn sp_app_role_assigned_to(resource_id: &str) -> GraphRequest {
    directory_get(
        format!("/servicePrincipals/{}/appRoleAssignedTo", seg(resource_id)),
        "read-app-role-assignments",
    )
}

/// `DELETE /servicePrincipals/{resourceId}/appRoleAssignedTo/{assignmentId}` → 204: takes back
/// an application permission granted on the API.
pub fn delete_sp_app_role_assigned_to(resource_id: &str, assignment: &str) -> GraphRequest {
    directory_write(
        Method::DELETE,
        format!(
            "/servicePrincipals/{}/appRoleAssignedTo/{}",
            seg(resource_id),
            seg(assignment)
        ),
        "revoke-app-role-assignments",
    )
}

/// `POST /servicePrincipals/{resourceId}/appRoleAssignedTo` → 201: re-grants an application
/// permission to a service principal (undo).
pub fn create_sp_app_role_assigned_to(
    resource_id: &str,
    principal_id: &str,
    app_role_id: &str,
) -> GraphRequest {
    directory_write(
        Method::POST,
        format!("/servicePrincipals/{}/appRoleAssignedTo", seg(resource_id)),
        "revoke-app-role-assignments",
    )
    .with_body(json!({
        "principalId": principal_id,
        "resourceId": resource_id,
        "appRoleId": app_role_id,
    }))
}
