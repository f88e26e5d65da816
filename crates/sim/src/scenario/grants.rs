//! Service principals and delegated permission grants: Microsoft's own, an in-house app
//! consented for everyone, admins' Graph CLI grants, and the attacker's mail-reading consent.

use super::audits::{self, prop};
use super::catalog::{App, CAMPAIGN_OAUTH_APPS, GRAPH_APP_ID};
use super::ctx::Gen;
use super::roles;
use super::signins::{self, Client, Origin, SignInRisk};
use crate::model::{
    AuditActivityInitiator, KeyValue, OAuth2PermissionGrant, ServicePrincipal, TargetResource, Time,
};
use base64::Engine as _;
use chrono::Duration;
use rand::Rng;

const MICROSOFT_TENANT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
const GRAPH_CLI: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

fn sp(
    g: &mut Gen,
    app_id: &str,
    name: &str,
    owner: Option<String>,
    publisher: Option<&str>,
) -> String {
    let id = g.guid();
    g.tenant.service_principals.push(ServicePrincipal {
        id: id.clone(),
        app_id: app_id.to_string(),
        display_name: name.to_string(),
        app_owner_organization_id: owner,
        publisher_name: publisher.map(str::to_string),
        service_principal_type: "Application".to_string(),
    });
    id
}

/// Grant ids are base64url text of about 43 characters.
fn grant_id(g: &mut Gen) -> String {
    let b: [u8; 32] = g.rng.gen();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn graph_sp(g: &Gen) -> String {
    g.tenant
        .service_principals
        .iter()
        .find(|s| s.app_id == GRAPH_APP_ID)
        .map(|s| s.id.clone())
        .unwrap_or_default()
}

pub fn baseline(g: &mut Gen) {
    g.phase("grants");
    let ms = Some(MICROSOFT_TENANT.to_string());
    let graph = sp(
        g,
        GRAPH_APP_ID,
        "Microsoft Graph",
        ms.clone(),
        Some("Microsoft Services"),
    );
    sp(
        g,
        "00000002-0000-0ff1-ce00-000000000000",
        "Office 365 Exchange Online",
        ms.clone(),
        Some("Microsoft Services"),
    );
    let cli = sp(
        g,
        GRAPH_CLI,
        "Microsoft Graph Command Line Tools",
        ms,
        Some("Microsoft Services"),
    );
    let company = g.tenant.display_name.clone();
    let tenant = Some(g.tenant.id.clone());
    let home_app = g.guid();
    let expenses = sp(
        g,
        &home_app,
        &format!("{company} Expenses"),
        tenant,
        Some(&company),
    );
    let id = grant_id(g);
    g.tenant.grants.push(OAuth2PermissionGrant {
        id,
        client_id: expenses,
        consent_type: "AllPrincipals".to_string(),
        principal_id: None,
        resource_id: graph.clone(),
        scope: "User.Read openid profile offline_access".to_string(),
    });
    // Admins who run the Graph PowerShell SDK consented for themselves.
    let mut admins = roles::holders(g, roles::GLOBAL_ADMIN);
    admins.extend(roles::holders(g, roles::USER_ADMIN));
    admins.dedup();
    for principal in admins {
        let id = grant_id(g);
        g.tenant.grants.push(OAuth2PermissionGrant {
            id,
            client_id: cli.clone(),
            consent_type: "Principal".to_string(),
            principal_id: Some(principal),
            resource_id: graph.clone(),
            scope: " User.Read.All Directory.Read.All openid profile offline_access".to_string(),
        });
    }
}

/// The attacker consents a mail-reading app as the user: the app's sign-in, its service
/// principal (created on first consent), the grant, and the two audit records.
pub fn attacker_consent(
    g: &mut Gen,
    user: usize,
    at: Time,
    from: &Origin,
    client: &Client,
) -> String {
    let (app_id, name) = *g.pick(&CAMPAIGN_OAUTH_APPS);
    let existing = g
        .tenant
        .service_principals
        .iter()
        .find(|s| s.app_id == app_id)
        .map(|s| s.id.clone());
    let ip = super::ctx::ip_string(from.ip);
    let client_sp = match existing {
        Some(id) => id,
        None => {
            let owner = Some(g.guid());
            let id = sp(g, app_id, name, owner, None);
            let corr = g.guid();
            let initiator = audits::by_user(g, user, &ip);
            let target = sp_target(&id, name, Vec::new());
            audits::record(
                g,
                at,
                "Core Directory",
                "ApplicationManagement",
                "Add service principal",
                "Add",
                "",
                &corr,
                initiator,
                vec![target],
                Vec::new(),
            );
            id
        }
    };
    let app = App {
        id: app_id,
        name,
        resource_id: GRAPH_APP_ID,
        resource: "Microsoft Graph",
        client: "Browser",
    };
    signins::push(g, user, at, &app, from, client, 0, SignInRisk::none(), true);
    let scope = *g.pick(&[
        "Mail.Read offline_access",
        " Mail.ReadWrite Mail.Send offline_access User.Read",
        "EWS.AccessAsUser.All offline_access",
    ]);
    let id = grant_id(g);
    let resource = graph_sp(g);
    let principal = g.tenant.users[user].id.to_string();
    g.tenant.grants.push(OAuth2PermissionGrant {
        id: id.clone(),
        client_id: client_sp.clone(),
        consent_type: "Principal".to_string(),
        principal_id: Some(principal.clone()),
        resource_id: resource.clone(),
        scope: scope.to_string(),
    });
    let corr = g.guid();
    let initiator: AuditActivityInitiator = audits::by_user(g, user, &ip);
    let consent_at = at + Duration::seconds(g.range(5, 40));
    let permissions = format!(
        "[] => [[Id: {id}, ClientId: {client_sp}, PrincipalId: {principal}, ResourceId: {resource}, ConsentType: Principal, Scope: {}]]",
        scope.trim()
    );
    let target = sp_target(
        &client_sp,
        name,
        vec![
            prop(
                "ConsentContext.IsAdminConsent",
                None,
                Some("\"False\"".into()),
            ),
            prop(
                "ConsentContext.OnBehalfOfAll",
                None,
                Some("\"False\"".into()),
            ),
            prop(
                "ConsentAction.Permissions",
                None,
                Some(format!("\"{permissions}\"")),
            ),
        ],
    );
    let ua = vec![KeyValue {
        key: "User-Agent".to_string(),
        value: client.ua.to_string(),
    }];
    audits::record(
        g,
        consent_at,
        "Core Directory",
        "ApplicationManagement",
        "Consent to application",
        "Assign",
        "",
        &corr,
        initiator.clone(),
        vec![target],
        ua,
    );
    let target = sp_target(
        &resource,
        "Microsoft Graph",
        vec![
            prop(
                "DelegatedPermissionGrant.Scope",
                None,
                Some(format!("\"{}\"", scope.trim())),
            ),
            prop(
                "DelegatedPermissionGrant.ConsentType",
                None,
                Some("\"Principal\"".into()),
            ),
        ],
    );
    audits::record(
        g,
        consent_at,
        "Core Directory",
        "ApplicationManagement",
        "Add delegated permission grant",
        "Assign",
        "",
        &corr,
        initiator,
        vec![target],
        Vec::new(),
    );
    id
}

fn sp_target(id: &str, name: &str, props: Vec<crate::model::ModifiedProperty>) -> TargetResource {
    TargetResource {
        id: Some(id.to_string()),
        display_name: Some(name.to_string()),
        kind: Some("ServicePrincipal".to_string()),
        user_principal_name: None,
        modified_properties: props,
    }
}
