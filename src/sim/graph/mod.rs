//! Microsoft Graph endpoints of the simulated tenant, by area. [`routes`] gives the paths
//! relative to a version root; the server nests them under `/v1.0` and `/beta` and puts the
//! [`crate::sim::state::ApiVersion`] in each request's extensions.

pub mod access;
pub mod ctx;
pub mod entities;
pub mod index;
pub mod perms;
pub mod roles;
pub mod users;
pub mod users_write;

use crate::sim::state::Shared;
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/me", get(users::me))
        .route("/users", get(users::list))
        .route("/users/$count", get(users::count_users))
        .route("/users/{id}", get(users::get).patch(users_write::patch))
        .route("/users/{id}/manager", get(users::manager))
        .route(
            "/users/{id}/revokeSignInSessions",
            post(users_write::revoke_sessions),
        )
        .route("/users/{id}/memberOf", get(roles::member_of))
        .route(
            "/users/{id}/memberOf/microsoft.graph.directoryRole",
            get(roles::member_of_roles),
        )
        .route("/directoryRoles", get(roles::directory_roles))
        .route(
            "/directoryRoles/{id}/members",
            get(roles::directory_role_members),
        )
        .route(
            "/roleManagement/directory/roleAssignments",
            get(roles::role_assignments),
        )
        .route(
            "/roleManagement/directory/roleDefinitions",
            get(roles::role_definitions),
        )
        .route(
            "/roleManagement/directory/roleDefinitions/{id}",
            get(roles::role_definition),
        )
}
