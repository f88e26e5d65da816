//! Typed requests for the directory roles and groups an account holds, and the writes that
//! remove (or, on undo, re-add) them.

use super::{directory_get, directory_write, odata_str, query_value, seg, user_path};
use crate::http::GraphRequest;
use reqwest::Method;
use serde_json::json;

/// `GET /roleManagement/directory/roleAssignments?$filter=principalId eq '…'` (active ones).
pub fn principal_role_assignments(principal: &str) -> GraphRequest {
    let f = format!("principalId eq {}", odata_str(principal));
    directory_get(
        format!(
            "/roleManagement/directory/roleAssignments?$filter={}",
            query_value(&f)
        ),
        "read-roles",
    )
}

/// `GET /users/{id}/memberOf` (roles and groups; callers keep `#microsoft.graph.group`).
pub fn user_member_of(user: &str) -> GraphRequest {
    directory_get(
        format!("{}/memberOf?$select=id,displayName", user_path(user)),
        "read-groups",
    )
}

/// `DELETE /roleManagement/directory/roleAssignments/{id}` → 204.
pub fn delete_role_assignment(assignment_id: &str) -> GraphRequest {
    directory_write(
        Method::DELETE,
        format!(
            "/roleManagement/directory/roleAssignments/{}",
            seg(assignment_id)
        ),
        "remove-attacker-roles",
    )
}

/// `POST /roleManagement/directory/roleAssignments` → 201 (undo of a removal).
pub fn create_role_assignment(principal: &str, role_definition: &str, scope: &str) -> GraphRequest {
    directory_write(
        Method::POST,
        "/roleManagement/directory/roleAssignments".into(),
        "remove-attacker-roles",
    )
    .with_body(json!({
        "@odata.type": "#microsoft.graph.unifiedRoleAssignment",
        "principalId": principal,
        "roleDefinitionId": role_definition,
        "directoryScopeId": scope,
    }))
}

/// `DELETE /groups/{id}/members/{userId}/$ref` → 204.
pub fn remove_group_member(group: &str, user: &str) -> GraphRequest {
    directory_write(
        Method::DELETE,
        format!("/groups/{}/members/{}/$ref", seg(group), seg(user)),
        "remove-attacker-roles",
    )
}

/// `POST /groups/{id}/members/$ref` → 204 (undo of a removal).
pub fn add_group_member(group: &str, user: &str) -> GraphRequest {
    directory_write(
        Method::POST,
        format!("/groups/{}/members/$ref", seg(group)),
        "remove-attacker-roles",
    )
    .with_body(json!({
        "@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{}", seg(user))
    }))
}
