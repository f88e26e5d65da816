//! The simulator's built-in app registrations: `full` (every permission reclaim uses, plus the
//! Privileged Authentication Administrator role so sensitive targets work) and `read_only`.
//! Both allow public-client flows, so device code works with their client ids.

use super::ids::{det_guid, det_secret};
use super::model::{AppRegistration, RoleAssignment, ServicePrincipal, Tenant};
use super::state::{AppCredentials, SimApps};

pub const PRIVILEGED_AUTH_ADMIN: &str = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";

/// Every application permission reclaim uses.
pub const FULL_PERMISSIONS: &[&str] = &[
    "IdentityRiskyUser.ReadWrite.All",
    "IdentityRiskEvent.Read.All",
    "User.ReadWrite.All",
    "User.RevokeSessions.All",
    "User.EnableDisableAccount.All",
    "User-PasswordProfile.ReadWrite.All",
    "AuditLog.Read.All",
    "Directory.Read.All",
    "RoleManagement.Read.Directory",
    "UserAuthenticationMethod.ReadWrite.All",
    "MailboxSettings.ReadWrite",
    "Mail.ReadBasic.All",
    "DelegatedPermissionGrant.ReadWrite.All",
    "Application.Read.All",
    "Organization.Read.All",
    "Device.ReadWrite.All",
    "RoleManagement.ReadWrite.Directory",
    "GroupMember.ReadWrite.All",
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
];

/// The read side of the same surface.
pub const READ_PERMISSIONS: &[&str] = &[
    "IdentityRiskyUser.Read.All",
    "IdentityRiskEvent.Read.All",
    "User.Read.All",
    "AuditLog.Read.All",
    "Directory.Read.All",
    "RoleManagement.Read.Directory",
    "UserAuthenticationMethod.Read.All",
    "MailboxSettings.Read",
    "Mail.ReadBasic.All",
    "Application.Read.All",
    "Organization.Read.All",
    "Device.Read.All",
    "GroupMember.Read.All",
];

fn delegated(app_permissions: &[&str]) -> Vec<String> {
    // Delegated scopes carry the same names. Consent covers the read permissions too (clients
    // ask for the least privileged scope of each read) and the admin's own profile.
    let mut out: Vec<String> = app_permissions.iter().map(|p| p.to_string()).collect();
    for p in READ_PERMISSIONS.iter().chain(&["User.Read"]) {
        if !out.iter().any(|o| o == p) {
            out.push(p.to_string());
        }
    }
    out
}

fn registration(
    seed: u64,
    label: &str,
    name: &str,
    perms: &[&str],
    roles: &[&str],
) -> AppRegistration {
    AppRegistration {
        client_id: det_guid(seed, &format!("app/{label}")),
        display_name: name.to_string(),
        client_secret: Some(det_secret(seed, label)),
        certificate_der: Vec::new(),
        application_permissions: perms.iter().map(|p| p.to_string()).collect(),
        delegated_permissions: delegated(perms),
        public_client: true,
        directory_role_templates: roles.iter().map(|r| r.to_string()).collect(),
    }
}

/// The two built-in registrations for a seed.
pub fn builtin(seed: u64) -> (AppRegistration, AppRegistration) {
    (
        registration(
            seed,
            "full",
            "reclaim responder (simulated)",
            FULL_PERMISSIONS,
            &[PRIVILEGED_AUTH_ADMIN],
        ),
        registration(
            seed,
            "read-only",
            "reclaim read-only (simulated)",
            READ_PERMISSIONS,
            &[],
        ),
    )
}

/// Adds an app to the tenant (replacing one with the same client id) together with its service
/// principal and, where the tenant defines them, the directory roles it holds.
pub fn install(tenant: &mut Tenant, seed: u64, app: AppRegistration) {
    tenant
        .apps
        .retain(|a| !a.client_id.eq_ignore_ascii_case(&app.client_id));
    if !tenant
        .service_principals
        .iter()
        .any(|sp| sp.app_id.eq_ignore_ascii_case(&app.client_id))
    {
        tenant.service_principals.push(ServicePrincipal {
            id: det_guid(seed, &format!("sp/{}", app.client_id)),
            app_id: app.client_id.clone(),
            display_name: app.display_name.clone(),
            app_owner_organization_id: Some(tenant.id.clone()),
            publisher_name: Some(tenant.display_name.clone()),
            service_principal_type: "Application".into(),
        });
    }
    let sp_id = tenant
        .service_principals
        .iter()
        .find(|sp| sp.app_id.eq_ignore_ascii_case(&app.client_id))
        .map(|sp| sp.id.clone())
        .unwrap_or_default();
    for template in &app.directory_role_templates {
        let Some(def) = tenant
            .role_definitions
            .iter()
            .find(|d| &d.template_id == template)
        else {
            continue;
        };
        let id = det_guid(seed, &format!("ra/{sp_id}/{template}"));
        if !tenant.role_assignments.iter().any(|a| a.id == id) {
            tenant.role_assignments.push(RoleAssignment {
                id,
                principal_id: sp_id.clone(),
                role_definition_id: def.id.clone(),
                directory_scope_id: "/".into(),
            });
        }
    }
    tenant.apps.push(app);
}

/// Installs the built-in apps and returns the credentials `reclaim sim` prints.
pub fn install_builtin(tenant: &mut Tenant, seed: u64) -> SimApps {
    let (full, read_only) = builtin(seed);
    let creds = |a: &AppRegistration| AppCredentials {
        client_id: a.client_id.clone(),
        client_secret: a.client_secret.clone().unwrap_or_default(),
    };
    let apps = SimApps {
        full: creds(&full),
        read_only: creds(&read_only),
    };
    install(tenant, seed, full);
    install(tenant, seed, read_only);
    apps
}
