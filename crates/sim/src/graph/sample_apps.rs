//! The sample tenant's applications and app role assignments: an in-house app with the
//! owner's long-standing secret and certificate, plus a secret and a certificate the
//! attacker added; the attacker's app holding its own secret, Microsoft Graph's Mail.Read
//! application permission, and the CFO's consent assignment.

use super::sample::{ADMIN, CFO, EVIL_SP, GRAPH_SP};
use crate::model::{
    AppRoleAssignment, Application, KeyCredential, PasswordCredential, ServicePrincipalExtras,
    Tenant, Time,
};
use chrono::Duration;

pub const PAYROLL_APP: &str = "00000000-0000-4000-8000-0000000a0001";
pub const PAYROLL_APP_ID: &str = "00000000-0000-4000-8000-0000000a00a1";
pub const OWNER_SECRET: &str = "00000000-0000-4000-8000-0000000c0001";
pub const OWNER_CERT: &str = "00000000-0000-4000-8000-0000000c0002";
pub const ATTACKER_SECRET: &str = "00000000-0000-4000-8000-0000000c00ee";
pub const ATTACKER_CERT: &str = "00000000-0000-4000-8000-0000000c00ef";
pub const EVIL_SP_SECRET: &str = "00000000-0000-4000-8000-0000000c05ee";
/// base64 of the owner certificate's SHA-1 thumbprint (20 bytes of 0x11).
pub const OWNER_CERT_THUMBPRINT: &str = "ERERERERERERERERERERERERERE=";
pub const CONSENT_ASSIGNMENT: &str = "cfoConsentAssignment0000000000000000000000a";
pub const MAIL_READ_ASSIGNMENT: &str = "evilMailReadAssignment00000000000000000000b";
/// Microsoft Graph's Mail.Read application permission (app role id).
pub const MAIL_READ_ROLE: &str = "810c84a8-4a9e-49e6-bf7d-12d183f40d01";
/// The default access role a user's consent assigns.
pub const DEFAULT_ROLE: &str = "00000000-0000-0000-0000-000000000000";

fn secret(id: &str, name: &str, hint: &str, start: Time) -> PasswordCredential {
    PasswordCredential {
        key_id: id.into(),
        display_name: Some(name.into()),
        hint: Some(hint.into()),
        start_date_time: start,
        end_date_time: start + Duration::days(730),
    }
}

fn cert(id: &str, name: &str, thumb: &str, start: Time) -> KeyCredential {
    KeyCredential {
        key_id: id.into(),
        display_name: Some(name.into()),
        custom_key_identifier: Some(thumb.into()),
        kind: "AsymmetricX509Cert".into(),
        usage: "Verify".into(),
        start_date_time: start,
        end_date_time: start + Duration::days(365),
        key: format!("TUlJQ{}", &id[24..]),
    }
}

pub fn with_apps(mut t: Tenant, now: Time) -> Tenant {
    let long_ago = now - Duration::days(200);
    let recent = now - Duration::days(2);
    t.applications.push(Application {
        id: PAYROLL_APP.into(),
        app_id: PAYROLL_APP_ID.into(),
        display_name: "Payroll Connector".into(),
        created_date_time: now - Duration::days(400),
        publisher_domain: Some(super::sample::DOMAIN.into()),
        sign_in_audience: "AzureADMyOrg".into(),
        password_credentials: vec![
            secret(OWNER_SECRET, "payroll-prod", "Xq7", long_ago),
            secret(ATTACKER_SECRET, "sync", "p9~", recent),
        ],
        key_credentials: vec![
            cert(OWNER_CERT, "CN=payroll", OWNER_CERT_THUMBPRINT, long_ago),
            cert(
                ATTACKER_CERT,
                "CN=sync",
                "IiIiIiIiIiIiIiIiIiIiIiIiIiI=",
                recent,
            ),
        ],
        owners: vec![ADMIN.into()],
    });
    t.sp_extras.insert(
        EVIL_SP.into(),
        ServicePrincipalExtras {
            password_credentials: vec![secret(EVIL_SP_SECRET, "", "a1B", recent)],
            ..Default::default()
        },
    );
    t.sp_extras.insert(
        GRAPH_SP.into(),
        ServicePrincipalExtras {
            verified_publisher_id: None,
            ..Default::default()
        },
    );
    t.app_role_assignments = vec![
        AppRoleAssignment {
            id: CONSENT_ASSIGNMENT.into(),
            app_role_id: DEFAULT_ROLE.into(),
            created_date_time: recent,
            principal_display_name: "Cora Finch".into(),
            principal_id: CFO.into(),
            principal_type: "User".into(),
            resource_display_name: "PDF Viewer Online".into(),
            resource_id: EVIL_SP.into(),
        },
        AppRoleAssignment {
            id: MAIL_READ_ASSIGNMENT.into(),
            app_role_id: MAIL_READ_ROLE.into(),
            created_date_time: recent,
            principal_display_name: "PDF Viewer Online".into(),
            principal_id: EVIL_SP.into(),
            principal_type: "ServicePrincipal".into(),
            resource_display_name: "Microsoft Graph".into(),
            resource_id: GRAPH_SP.into(),
        },
    ];
    t
}
