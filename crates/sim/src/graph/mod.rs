//! Microsoft Graph endpoints of the simulated tenant, by area. [`routes`] gives the paths
//! relative to a version root; the server nests them under `/v1.0` and `/beta` and puts the
//! [`crate::state::ApiVersion`] in each request's extensions.

pub mod access;
pub mod app_credentials;
pub mod app_owners;
pub mod app_proof;
pub mod app_roles;
pub mod audits;
pub mod ctx;
pub mod detections;
pub mod devices;
pub mod entities;
pub mod grants;
pub mod index;
pub mod log_faults;
pub mod mailbox;
pub mod mailbox_settings;
pub mod me;
pub mod memberships;
pub mod methods;
pub mod password;
pub mod perms;
pub mod phone;
pub mod risky;
pub mod roles;
pub mod rules;
pub mod sample;
pub mod sample_apps;
pub mod sample_devices;
pub mod sample_groups;
pub mod sample_logs;
pub mod side;
pub mod sign_in_activity;
pub mod sign_in_prefs;
pub mod signins;
pub mod tap;
pub mod user_props;
pub mod users;
pub mod users_write;

use crate::caller::Caller;
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::routing::{any, delete, get, post};
use axum::Router;
use ctx::Ctx;
use methods::KindSpec;

const AUTH: &str = "/users/{id}/authentication";
const RULES: &str = "/users/{id}/mailFolders/{fid}/messageRules";

pub fn routes() -> Router<Shared> {
    let mut r = Router::new()
        .route("/me", get(users::me).patch(me::dispatch))
        .route("/me/{*rest}", any(me::dispatch))
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
            "/users/{id}/registeredDevices",
            get(devices::registered_devices),
        )
        .route("/users/{id}/ownedDevices", get(devices::owned_devices))
        .route("/devices", get(devices::list))
        .route("/devices/{id}", get(devices::get).patch(devices::update))
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
            get(roles::role_assignments).post(memberships::create_role_assignment),
        )
        .route(
            "/roleManagement/directory/roleAssignments/{id}",
            get(memberships::get_role_assignment).delete(memberships::delete_role_assignment),
        )
        .route("/groups/{id}", get(memberships::get_group))
        .route("/groups/{id}/members", get(memberships::group_members))
        .route(
            "/groups/{id}/members/$ref",
            post(memberships::add_group_member),
        )
        .route(
            "/groups/{id}/members/{member}/$ref",
            delete(memberships::remove_group_member),
        )
        .route(
            "/roleManagement/directory/roleDefinitions",
            get(roles::role_definitions),
        )
        .route(
            "/roleManagement/directory/roleDefinitions/{id}",
            get(roles::role_definition),
        )
        .route("/auditLogs/signIns", get(signins::list))
        .route("/auditLogs/signIns/{id}", get(signins::get))
        .route("/auditLogs/directoryAudits", get(audits::list))
        .route("/auditLogs/directoryAudits/{id}", get(audits::get))
        .route("/identityProtection/riskDetections", get(detections::list))
        .route(
            "/identityProtection/riskDetections/{id}",
            get(detections::get),
        )
        .route(&format!("{AUTH}/methods"), get(methods::list_all))
        .route(&format!("{AUTH}/methods/{{mid}}"), get(methods::get_any))
        .route(
            &format!("{AUTH}/methods/{{mid}}/resetPassword"),
            post(password::reset),
        )
        .route(
            &format!("{AUTH}/passwordMethods/{{mid}}/resetPassword"),
            post(password::reset),
        )
        .route(
            &format!("{AUTH}/operations/{{op}}"),
            get(password::operation),
        )
        .route(
            &format!("{AUTH}/phoneMethods"),
            get(phone::list).post(phone::create),
        )
        .route(
            &format!("{AUTH}/phoneMethods/{{pid}}"),
            get(phone::get).patch(phone::update).delete(phone::delete),
        )
        .route(
            &format!("{AUTH}/signInPreferences"),
            get(sign_in_prefs::get).patch(sign_in_prefs::update),
        )
        .route(RULES, get(rules::list).post(rules::create))
        .route(
            &format!("{RULES}/{{rid}}"),
            get(rules::get).patch(rules::update).delete(rules::delete),
        )
        .route("/users/{id}/mailFolders", get(mailbox::folders))
        .route("/users/{id}/mailFolders/{fid}", get(mailbox::get_folder))
        .route(
            "/users/{id}/mailFolders/{fid}/childFolders",
            get(mailbox::child_folders),
        )
        .route(
            "/users/{id}/mailboxSettings",
            get(mailbox_settings::get).patch(mailbox_settings::update),
        )
        .route(
            "/users/{id}/oauth2PermissionGrants",
            get(grants::user_grants),
        )
        .route("/oauth2PermissionGrants", get(grants::list))
        .route(
            "/oauth2PermissionGrants/{id}",
            get(grants::get)
                .patch(grants::update)
                .delete(grants::delete),
        )
        .route("/servicePrincipals", get(grants::service_principals))
        .route(
            "/servicePrincipals/{id}",
            get(grants::service_principal).patch(app_credentials::sp_patch),
        )
        .merge(app_footholds_routes());
    // Identity Protection; beta also serves the same collection at `/riskyUsers`.
    for root in ["/identityProtection/riskyUsers", "/riskyUsers"] {
        r = r
            .route(root, get(risky::list))
            .route(
                &format!("{root}/confirmCompromised"),
                post(risky::confirm_compromised),
            )
            .route(&format!("{root}/dismiss"), post(risky::dismiss))
            .route(&format!("{root}/{{id}}"), get(risky::get))
            .route(&format!("{root}/{{id}}/history"), get(risky::history));
    }
    for spec in methods::KINDS {
        r = kind_routes(r, *spec);
    }
    r.route(
        &format!("{AUTH}/temporaryAccessPassMethods"),
        post(tap::create).get(list_tap),
    )
}

async fn list_tap(
    state: State<Shared>,
    caller: Caller,
    ctx: Ctx,
    id: Path<String>,
) -> axum::response::Response {
    let spec = methods::KINDS
        .iter()
        .copied()
        .find(|k| k.segment == "temporaryAccessPassMethods");
    match spec {
        Some(spec) => into(methods::list_kind(spec, state.0, caller, ctx, id.0).await),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

use axum::response::IntoResponse;

fn into(r: Result<axum::response::Response, crate::error::GraphError>) -> axum::response::Response {
    r.unwrap_or_else(IntoResponse::into_response)
}

/// List, get and (where the collection allows it) delete for one typed method collection.
fn kind_routes(r: Router<Shared>, spec: KindSpec) -> Router<Shared> {
    let collection = format!("{AUTH}/{}", spec.segment);
    let item = format!("{collection}/{{mid}}");
    let r = if spec.segment == "temporaryAccessPassMethods" {
        r // GET+POST on the collection are registered together in `routes`.
    } else {
        r.route(
            &collection,
            get(move |State(s): State<Shared>, c: Caller, ctx: Ctx, Path(id): Path<String>| async move {
                into(methods::list_kind(spec, s, c, ctx, id).await)
            }),
        )
    };
    r.route(
        &item,
        get(move |State(s): State<Shared>, c: Caller, ctx: Ctx, Path((id, mid)): Path<(String, String)>| async move {
            into(methods::get_kind(spec, s, c, ctx, id, mid).await)
        })
        .delete(move |State(s): State<Shared>, c: Caller, Path((id, mid)): Path<(String, String)>| async move {
            into(methods::delete_kind(spec, s, c, id, mid).await)
        }),
    )
}

/// Applications' and service principals' credentials, and app role assignments.
fn app_footholds_routes() -> Router<Shared> {
    use app_credentials as c;
    use app_roles as r;
    Router::new()
        .route("/applications", get(c::list))
        .route("/applications/{id}", get(c::get).patch(c::app_patch))
        .route("/applications/{id}/owners", get(app_owners::owners))
        .route(
            "/applications/{id}/removePassword",
            post(c::app_remove_password),
        )
        .route("/applications/{id}/removeKey", post(c::app_remove_key))
        .route(
            "/servicePrincipals/{id}/removePassword",
            post(c::sp_remove_password),
        )
        .route("/servicePrincipals/{id}/removeKey", post(c::sp_remove_key))
        .route(
            "/users/{id}/appRoleAssignments",
            get(r::of_user).post(r::create_for_user),
        )
        .route(
            "/users/{id}/appRoleAssignments/{aid}",
            delete(r::delete_of_user),
        )
        .route(
            "/servicePrincipals/{id}/appRoleAssignedTo",
            get(r::assigned_to).post(r::create_assigned_to),
        )
        .route(
            "/servicePrincipals/{id}/appRoleAssignedTo/{aid}",
            delete(r::delete_assigned_to),
        )
}
