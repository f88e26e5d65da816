//! Application permissions a compromised account granted: the attacker, signed in as an
//! account that can consent for the tenant, grants Microsoft Graph's Mail.Read application
//! role to an in-house app's service principal (`POST /servicePrincipals/{id}/appRoleAssignedTo`),
//! so the app reads every mailbox with its own secret, whatever happens to the account. Audited
//! as Core Directory "Add app role assignment to service principal", initiated by the account
//! from the attacker's address. Look-alike: an uncompromised admin grants User.Read.All to an
//! app from the office.

use super::app_footholds::{assignment_id, in_house_app};
use super::audits::{self, by_user};
use super::ctx::{ip_string, Gen};
use super::roles;
use super::signins::{usual_origin, working_time, Place};
use crate::graph::app_roles::{targets, SP_ADDED};
use crate::model::{AppRoleAssignment, Time};
use crate::truth::Persona;

/// Microsoft Graph's Mail.Read application role (application permission).
pub const MAIL_READ_ROLE: &str = "810c84a8-4a9e-49e6-bf7d-12d183f40d01";
/// Microsoft Graph's User.Read.All application role.
pub const USER_READ_ALL_ROLE: &str = "df021288-bdef-4463-88db-98f22de89214";

fn graph_sp(g: &Gen) -> Option<String> {
    g.tenant
        .service_principals
        .iter()
        .find(|s| s.app_id == super::catalog::GRAPH_APP_ID)
        .map(|s| s.id.clone())
}

/// Grants `role` of Microsoft Graph to service principal `sp`, by `user` from `ip` at `at`,
/// with its audit record; the assignment id.
fn grant(g: &mut Gen, user: usize, sp: &str, role: &str, ip: &str, at: Time) -> Option<String> {
    let graph = graph_sp(g)?;
    let sp_name = g
        .tenant
        .service_principals
        .iter()
        .find(|s| s.id == sp)?
        .display_name
        .clone();
    let id = assignment_id(g);
    let a = AppRoleAssignment {
        id: id.clone(),
        app_role_id: role.into(),
        created_date_time: at,
        principal_display_name: sp_name,
        principal_id: sp.into(),
        principal_type: "ServicePrincipal".into(),
        resource_display_name: "Microsoft Graph".into(),
        resource_id: graph,
    };
    let t = targets(&g.tenant, &a, true);
    g.tenant.app_role_assignments.push(a);
    let corr = g.guid();
    let by = by_user(g, user, ip);
    audits::record(
        g,
        at,
        "Core Directory",
        "ApplicationManagement",
        SP_ADDED,
        "Assign",
        "",
        &corr,
        by,
        t,
        Vec::new(),
    );
    Some(id)
}

fn attacker_grants(g: &mut Gen) {
    let victims = g.with_persona(Persona::Compromised);
    for (k, &user) in victims.iter().enumerate() {
        let (started, ip) = {
            let t = g.truth_for(user);
            (t.compromise_started, t.attacker_ips.first().cloned())
        };
        let (Some(started), Some(ip)) = (started, ip) else {
            continue;
        };
        // The first always, the rest now and then.
        if !(k == 0 || g.chance(0.15)) {
            continue;
        }
        let built = g.days_ago(200.0, 800.0);
        let (_, sp) = in_house_app(g, user, "Mail Archiver", built);
        let at = g.after(started, 900, 8 * 3600).min(g.now);
        if let Some(id) = grant(g, user, &sp, MAIL_READ_ROLE, &ip, at) {
            g.truth_for(user).attacker_granted_app_role_ids.push(id);
        }
    }
}

/// An uncompromised Global Administrator grants User.Read.All to an app from the office.
fn admin_grant(g: &mut Gen) {
    let Some(admin) = roles::clean_global_admin(g) else {
        return;
    };
    let built = g.days_ago(300.0, 900.0);
    let (_, sp) = in_house_app(g, admin, "Directory Sync", built);
    let ip = ip_string(usual_origin(g, admin, Place::Office).ip);
    let at = working_time(g, admin, 0.2, 5.0);
    if let Some(id) = grant(g, admin, &sp, USER_READ_ALL_ROLE, &ip, at) {
        g.truth.benign_granted_app_role_ids.push(id);
    }
}

pub fn run(g: &mut Gen) {
    attacker_grants(g);
    admin_grant(g);
}
