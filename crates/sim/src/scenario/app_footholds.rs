//! Application footholds. Some compromised accounts own an in-house app registration (people
//! who built an integration own it); after the takeover the attacker adds a client secret or
//! a certificate to it, or to its service principal, from the attacker's address, audited as
//! a real tenant audits it ("Update application – Certificates and secrets management",
//! "Add service principal credentials"). Every attacker consent of a mail app also assigns
//! the app's default role to the victim ("Add app role assignment grant to user"), as a
//! user consent does. Look-alikes: an administrator's routine secret rotation from the office,
//! and an employee's consent to a verified-publisher app.

use super::audits::{self, by_user, prop};
use super::ctx::{ip_string, Gen};
use super::roles;
use super::signins::{usual_origin, working_time, Place};
use crate::graph::app_credentials::{
    key_description, APP_CREDENTIALS_ACTIVITY, SP_CREDENTIALS_ADDED,
};
use crate::graph::app_roles::USER_ADDED;
use crate::model::{
    AppRoleAssignment, Application, KeyCredential, OAuth2PermissionGrant, PasswordCredential,
    ServicePrincipal, TargetResource, Time,
};
use crate::truth::Persona;
use base64::Engine as _;
use chrono::Duration;
use rand::Rng;

const APP_NAMES: [&str; 5] = [
    "Invoice Sync",
    "CRM Connector",
    "Payroll Export",
    "Reporting Bot",
    "SharePoint Archiver",
];
const DEFAULT_ROLE: &str = "00000000-0000-0000-0000-000000000000";
/// A verified-publisher app employees consent to for sign-in only.
const BENIGN_APP: (&str, &str, &str) = ("5e3ce6c0-2b1f-4285-8d4b-75ee78787346", "Zoom", "1234567");

fn b64(g: &mut Gen, n: usize) -> String {
    let b: Vec<u8> = (0..n).map(|_| g.rng.gen()).collect();
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn secret(g: &mut Gen, name: &str, at: Time) -> PasswordCredential {
    const HINT: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789~._-";
    let hint: String = (0..3).map(|_| char::from(*g.pick(HINT))).collect();
    PasswordCredential {
        key_id: g.guid(),
        display_name: Some(name.into()),
        hint: Some(hint),
        start_date_time: at,
        end_date_time: at + Duration::days(*g.pick(&[180, 365, 730])),
    }
}

fn cert(g: &mut Gen, name: &str, at: Time) -> KeyCredential {
    KeyCredential {
        key_id: g.guid(),
        display_name: Some(format!("CN={name}")),
        custom_key_identifier: Some(b64(g, 20)),
        kind: "AsymmetricX509Cert".into(),
        usage: "Verify".into(),
        start_date_time: at,
        end_date_time: at + Duration::days(365),
        key: format!("MIIC{}", b64(g, 48)),
    }
}

/// An in-house app, its service principal, owned by `owner`, with the owner's first secret.
pub(super) fn in_house_app(g: &mut Gen, owner: usize, name: &str, at: Time) -> (usize, String) {
    let company = g.tenant.display_name.clone();
    let app_id = g.guid();
    let id = g.guid();
    let first = secret(g, "prod", at);
    let uid = g.tenant.users[owner].id.to_string();
    g.tenant.applications.push(Application {
        id: id.clone(),
        app_id: app_id.clone(),
        display_name: format!("{company} {name}"),
        created_date_time: at,
        publisher_domain: Some(g.tenant.domain.clone()),
        sign_in_audience: "AzureADMyOrg".into(),
        password_credentials: vec![first],
        key_credentials: Vec::new(),
        owners: vec![uid],
    });
    let sp = g.guid();
    let tenant_id = g.tenant.id.clone();
    g.tenant.service_principals.push(ServicePrincipal {
        id: sp.clone(),
        app_id,
        display_name: format!("{company} {name}"),
        app_owner_organization_id: Some(tenant_id),
        publisher_name: Some(company),
        service_principal_type: "Application".into(),
    });
    (g.tenant.applications.len() - 1, sp)
}

fn target(id: &str, name: &str, kind: &str, old: &[String], new: &[String]) -> TargetResource {
    TargetResource {
        id: Some(id.into()),
        display_name: Some(name.into()),
        kind: Some(kind.into()),
        user_principal_name: None,
        modified_properties: vec![
            prop(
                "KeyDescription",
                Some(serde_json::json!(old).to_string()),
                Some(serde_json::json!(new).to_string()),
            ),
            prop(
                "Included Updated Properties",
                None,
                Some("\"KeyDescription\"".into()),
            ),
        ],
    }
}

fn descriptions(pw: &[PasswordCredential], kc: &[KeyCredential]) -> Vec<String> {
    pw.iter()
        .map(|p| key_description(&p.key_id, "Password", "Verify", p.display_name.as_deref()))
        .chain(
            kc.iter()
                .map(|k| key_description(&k.key_id, &k.kind, &k.usage, k.display_name.as_deref())),
        )
        .collect()
}

/// A secret or certificate added to the application (or to its service principal when
/// `on_sp`), by `user` from `ip` at `at`, with its audit record. Returns the keyId.
#[allow(clippy::too_many_arguments)] // one credential's where, what, who, from where and when
fn add_credential(
    g: &mut Gen,
    user: usize,
    app: usize,
    sp: &str,
    on_sp: bool,
    certificate: bool,
    name: &str,
    ip: &str,
    at: Time,
) -> String {
    let (pw_new, kc_new) = if certificate {
        (None, Some(cert(g, name, at)))
    } else {
        (Some(secret(g, name, at)), None)
    };
    let key_id = pw_new
        .as_ref()
        .map(|p| p.key_id.clone())
        .or_else(|| kc_new.as_ref().map(|k| k.key_id.clone()))
        .unwrap_or_default();
    let app_name = g.tenant.applications[app].display_name.clone();
    let app_obj = g.tenant.applications[app].id.clone();
    let (kind, activity, id) = if on_sp {
        ("ServicePrincipal", SP_CREDENTIALS_ADDED, sp.to_string())
    } else {
        ("Application", APP_CREDENTIALS_ACTIVITY, app_obj)
    };
    let (old, new) = if on_sp {
        let x = g.tenant.sp_extras.entry(sp.to_string()).or_default();
        let old = descriptions(&x.password_credentials, &x.key_credentials);
        x.password_credentials.extend(pw_new);
        x.key_credentials.extend(kc_new);
        (
            old,
            descriptions(&x.password_credentials, &x.key_credentials),
        )
    } else {
        let a = &mut g.tenant.applications[app];
        let old = descriptions(&a.password_credentials, &a.key_credentials);
        a.password_credentials.extend(pw_new);
        a.key_credentials.extend(kc_new);
        (
            old,
            descriptions(&a.password_credentials, &a.key_credentials),
        )
    };
    let corr = g.guid();
    let by = by_user(g, user, ip);
    audits::record(
        g,
        at,
        "Core Directory",
        "ApplicationManagement",
        activity,
        "Update",
        "",
        &corr,
        by,
        vec![target(&id, &app_name, kind, &old, &new)],
        Vec::new(),
    );
    key_id
}

fn attacker_credentials(g: &mut Gen) {
    let victims = g.with_persona(Persona::Compromised);
    for (k, &user) in victims.iter().enumerate() {
        let (started, ip) = {
            let t = g.truth_for(user);
            (t.compromise_started, t.attacker_ips.first().cloned())
        };
        let (Some(started), Some(ip)) = (started, ip) else {
            continue;
        };
        // The first two always (a secret on the app, a certificate on its service
        // principal), the rest now and then.
        if !(k <= 1 || g.chance(0.3)) {
            continue;
        }
        let name = *g.pick(&APP_NAMES);
        let built = g.days_ago(200.0, 800.0);
        let (app, sp) = in_house_app(g, user, name, built);
        let at = g.after(started, 900, 8 * 3600).min(g.now);
        let certificate = k == 1 || (k > 1 && g.chance(0.3));
        let on_sp = k == 1 || g.chance(0.2);
        let label = *g.pick(&["sync", "backup", "svc", ""]);
        let key = add_credential(g, user, app, &sp, on_sp, certificate, label, &ip, at);
        g.truth_for(user).attacker_credential_key_ids.push(key);
    }
}

/// The administrator's routine rotation: a new secret on an app the admin owns, from the
/// office, during working hours in the window.
fn routine_rotation(g: &mut Gen) {
    let Some(admin) = roles::clean_global_admin(g) else {
        return;
    };
    let built = g.days_ago(300.0, 900.0);
    let (app, sp) = in_house_app(g, admin, "Backup Agent", built);
    let ip = ip_string(usual_origin(g, admin, Place::Office).ip);
    let at = working_time(g, admin, 0.2, 5.0);
    let key = add_credential(g, admin, app, &sp, false, false, "rotation", &ip, at);
    g.truth.benign_credential_key_ids.push(key);
}

pub(super) fn assignment_id(g: &mut Gen) -> String {
    let b: [u8; 32] = g.rng.gen();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// The default-role assignment a user's consent creates, with its audit record.
fn consent_assignment(g: &mut Gen, user: usize, sp: &str, ip: &str, at: Time) -> String {
    let id = assignment_id(g);
    let (sp_name, u) = {
        let s = g.tenant.service_principals.iter().find(|s| s.id == sp);
        (
            s.map(|s| s.display_name.clone()).unwrap_or_default(),
            &g.tenant.users[user],
        )
    };
    let a = AppRoleAssignment {
        id: id.clone(),
        app_role_id: DEFAULT_ROLE.into(),
        created_date_time: at,
        principal_display_name: u.display_name.to_string(),
        principal_id: u.id.to_string(),
        principal_type: "User".into(),
        resource_display_name: sp_name.clone(),
        resource_id: sp.into(),
    };
    g.tenant.app_role_assignments.push(a);
    let corr = g.guid();
    let by = by_user(g, user, ip);
    let sp_target = TargetResource {
        id: Some(sp.into()),
        display_name: Some(sp_name),
        kind: Some("ServicePrincipal".into()),
        user_principal_name: None,
        modified_properties: vec![
            prop("AppRole.Id", None, Some(format!("\"{DEFAULT_ROLE}\""))),
            prop("AppRoleAssignment.Id", None, Some(format!("\"{id}\""))),
        ],
    };
    let user_target = audits::user_target(g, user, Vec::new());
    audits::record(
        g,
        at,
        "Core Directory",
        "UserManagement",
        USER_ADDED,
        "Assign",
        "",
        &corr,
        by,
        vec![sp_target, user_target],
        Vec::new(),
    );
    id
}

/// Every attacker consent: the matching assignment, from the consent's address and time.
fn attacker_assignments(g: &mut Gen) {
    for user in g.with_persona(Persona::Compromised) {
        let grants = g.truth_for(user).malicious_grant_ids.clone();
        for gid in grants {
            let Some(sp) = g
                .tenant
                .grants
                .iter()
                .find(|x| x.id == gid)
                .map(|x| x.client_id.clone())
            else {
                continue;
            };
            let uid = g.tenant.users[user].id.to_string();
            let consent = g.tenant.directory_audits.iter().find(|a| {
                a.activity_display_name == "Consent to application"
                    && a.target_resources
                        .iter()
                        .any(|t| t.id.as_deref() == Some(&sp))
                    && a.initiated_by
                        .user
                        .as_ref()
                        .is_some_and(|u| u.id.as_deref() == Some(&uid))
            });
            let Some((ip, at)) = consent.map(|a| {
                (
                    a.initiated_by
                        .user
                        .as_ref()
                        .and_then(|u| u.ip_address.clone())
                        .unwrap_or_default(),
                    a.activity_date_time,
                )
            }) else {
                continue;
            };
            let id = consent_assignment(g, user, &sp, &ip, at);
            g.truth_for(user).attacker_app_role_assignment_ids.push(id);
        }
    }
}

/// An employee with no persona consents a verified-publisher app for sign-in only.
fn benign_consent(g: &mut Gen) {
    let free: Vec<usize> = (0..g.tenant.users.len())
        .filter(|&i| {
            let u = &g.tenant.users[i];
            !u.deleted
                && &*u.user_type == "Member"
                && !g.truth.accounts.contains_key(&*u.id)
                && g.people.get(i).is_some_and(|p| p.persona.is_none())
        })
        .collect();
    if free.is_empty() {
        return;
    }
    let user = *g.pick(&free);
    let (app_id, name, mpn) = BENIGN_APP;
    let sp = g.guid();
    let publisher_tenant = g.guid();
    g.tenant.service_principals.push(ServicePrincipal {
        id: sp.clone(),
        app_id: app_id.into(),
        display_name: name.into(),
        app_owner_organization_id: Some(publisher_tenant),
        publisher_name: Some("Zoom Video Communications, Inc.".into()),
        service_principal_type: "Application".into(),
    });
    g.tenant
        .sp_extras
        .entry(sp.clone())
        .or_default()
        .verified_publisher_id = Some(mpn.into());
    let graph = g
        .tenant
        .service_principals
        .iter()
        .find(|s| s.app_id == super::catalog::GRAPH_APP_ID)
        .map(|s| s.id.clone())
        .unwrap_or_default();
    let b: [u8; 32] = g.rng.gen();
    g.tenant.grants.push(OAuth2PermissionGrant {
        id: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b),
        client_id: sp.clone(),
        consent_type: "Principal".into(),
        principal_id: Some(g.tenant.users[user].id.to_string()),
        resource_id: graph,
        scope: "openid profile email User.Read offline_access".into(),
    });
    let ip = ip_string(usual_origin(g, user, Place::Office).ip);
    let at = working_time(g, user, 0.5, 6.0);
    let id = consent_assignment(g, user, &sp, &ip, at);
    g.truth.benign_app_role_assignment_ids.push(id);
}

pub fn run(g: &mut Gen) {
    g.phase("app footholds");
    attacker_credentials(g);
    routine_rotation(g);
    attacker_assignments(g);
    benign_consent(g);
    super::app_grants::run(g);
    super::app_owners::run(g);
}
