//! Owners added to applications: the attacker, signed in as a compromised account, makes the
//! account an owner of an in-house app someone else built (an owner can add secrets to it
//! later, whatever happens to the account's password), audited as Core Directory "Add owner
//! to application" from the attacker's address. Look-alike: an uncompromised admin adds a
//! colleague as owner of an app from the office.

use super::app_footholds::in_house_app;
use super::audits::{self, by_user, prop};
use super::ctx::{ip_string, Gen};
use super::roles;
use super::signins::{usual_origin, working_time, Place};
use crate::model::{TargetResource, Time};
use crate::truth::Persona;

pub const OWNER_ADDED: &str = "Add owner to application";

/// Makes `owner` an owner of application number `app`, by `by` from `ip` at `at`, with its
/// audit record (the new owner, then the application).
fn add_owner(g: &mut Gen, by: usize, owner: usize, app: usize, ip: &str, at: Time) {
    let uid = g.tenant.users[owner].id.to_string();
    let a = &mut g.tenant.applications[app];
    if !a.owners.contains(&uid) {
        a.owners.push(uid);
    }
    let (id, name, app_id) = (a.id.clone(), a.display_name.clone(), a.app_id.clone());
    let q = |s: &str| Some(format!("\"{s}\""));
    let user = audits::user_target(g, owner, Vec::new());
    let app_target = TargetResource {
        id: Some(id.clone()),
        display_name: Some(name.clone()),
        kind: Some("Application".into()),
        user_principal_name: None,
        modified_properties: vec![
            prop("Application.ObjectID", None, q(&id)),
            prop("Application.DisplayName", None, q(&name)),
            prop("Application.AppId", None, q(&app_id)),
        ],
    };
    let corr = g.guid();
    let initiator = by_user(g, by, ip);
    audits::record(
        g,
        at,
        "Core Directory",
        "ApplicationManagement",
        OWNER_ADDED,
        "Assign",
        "",
        &corr,
        initiator,
        vec![user, app_target],
        Vec::new(),
    );
}

pub fn run(g: &mut Gen) {
    let Some(admin) = roles::clean_global_admin(g) else {
        return;
    };
    let victims = g.with_persona(Persona::Compromised);
    for (k, &user) in victims.iter().enumerate() {
        let (started, ip) = {
            let t = g.truth_for(user);
            (t.compromise_started, t.attacker_ips.first().cloned())
        };
        let (Some(started), Some(ip)) = (started, ip) else {
            continue;
        };
        // The second always (the first already grants an app role), the rest now and then.
        if !(k == 1 || (k > 1 && g.chance(0.15))) {
            continue;
        }
        let built = g.days_ago(200.0, 800.0);
        let (app, _) = in_house_app(g, admin, "Contract Portal", built);
        let at = g.after(started, 900, 8 * 3600).min(g.now);
        add_owner(g, user, user, app, &ip, at);
        let id = g.tenant.applications[app].id.clone();
        g.truth_for(user).attacker_owned_app_ids.push(id);
    }
    // The look-alike: the admin adds a colleague from the office.
    let colleague = (0..g.tenant.users.len()).find(|&i| {
        let u = &g.tenant.users[i];
        i != admin && !u.deleted && !g.truth.accounts.contains_key(&*u.id)
    });
    let Some(colleague) = colleague else { return };
    let built = g.days_ago(300.0, 900.0);
    let (app, _) = in_house_app(g, admin, "Expense Bot", built);
    let ip = ip_string(usual_origin(g, admin, Place::Office).ip);
    let at = working_time(g, admin, 0.2, 5.0);
    add_owner(g, admin, colleague, app, &ip, at);
    let id = g.tenant.applications[app].id.clone();
    g.truth.benign_owner_app_ids.push(id);
}
