//! Roles and groups: a handful of security groups with their members; some compromised
//! accounts get a directory role or a group membership added during the window, either by the
//! account itself (the attacker in it elevating their foothold) or by another compromised
//! account, from the attacker's address, with the Core Directory records a real tenant writes
//! ("Add member to role", "Add member to group"). Look-alikes that must stay clear: roles and
//! groups an uncompromised admin grants from the office, to clean and compromised accounts.

use super::audits::{self, by_user};
use super::ctx::{ip_string, Gen};
use super::roles::{self, EXCHANGE_ADMIN, HELPDESK_ADMIN, PRIVILEGED_ROLE_ADMIN, USER_ADMIN};
use super::signins::{usual_origin, working_time, Place};
use crate::graph::memberships::{assignment_id, group_targets, role_targets};
use crate::model::{Group, RoleAssignment, Time};
use crate::truth::Persona;
use chrono::Duration;

const GROUPS: [(&str, &str); 5] = [
    (
        "Finance Approvers",
        "Approve supplier payments above the team limit",
    ),
    ("Payroll Admins", "Manage payroll runs and bank details"),
    ("VPN Users", "Remote access"),
    ("SharePoint Site Admins", "Administer the intranet sites"),
    ("Executive Assistants", "Delegates of the executive office"),
];

/// Roles an attacker grants to keep control (and that a service desk grants routinely).
const ATTACKER_ROLES: [&str; 3] = [EXCHANGE_ADMIN, USER_ADMIN, PRIVILEGED_ROLE_ADMIN];

fn make_groups(g: &mut Gen) {
    let n = g.tenant.users.len();
    for (k, (name, description)) in GROUPS.iter().enumerate() {
        let id = g.guid();
        let at = g.days_ago(200.0, 1500.0);
        let mut members = Vec::new();
        for _ in 0..g.range(1, 12) {
            let u = g.range(0, n as i64 - 1) as usize;
            let uid = g.tenant.users[u].id.to_string();
            if !g.tenant.users[u].deleted && !members.contains(&uid) {
                members.push(uid);
            }
        }
        g.tenant.groups.push(Group {
            id,
            display_name: name.to_string(),
            description: Some(description.to_string()),
            mail_enabled: false,
            mail_nickname: format!("grp{k}{}", name.replace(' ', "").to_lowercase()),
            security_enabled: true,
            group_types: Vec::new(),
            created_date_time: at,
            members,
        });
    }
}

/// Adds `user` to `template` (when not already held) with its audit record; the assignment id.
fn grant_role(
    g: &mut Gen,
    by: usize,
    ip: &str,
    user: usize,
    template: &str,
    at: Time,
) -> Option<String> {
    let principal = g.tenant.users[user].id.to_string();
    if g.tenant
        .role_assignments
        .iter()
        .any(|a| a.principal_id == principal && a.role_definition_id == template)
    {
        return None;
    }
    let def = g
        .tenant
        .role_definitions
        .iter()
        .find(|d| d.id == template)?
        .clone();
    let id = assignment_id(template, &principal);
    g.tenant.role_assignments.push(RoleAssignment {
        id: id.clone(),
        principal_id: principal,
        role_definition_id: template.to_string(),
        directory_scope_id: "/".into(),
    });
    let targets = role_targets(&def, &g.tenant.users[user], true);
    let corr = g.guid();
    let initiator = by_user(g, by, ip);
    audits::record(
        g,
        at,
        "Core Directory",
        "RoleManagement",
        "Add member to role",
        "Assign",
        "",
        &corr,
        initiator,
        targets,
        Vec::new(),
    );
    Some(id)
}

/// Adds `user` to group number `k` (when not already in it) with its audit record; the id.
fn join_group(g: &mut Gen, by: usize, ip: &str, user: usize, k: usize, at: Time) -> Option<String> {
    let uid = g.tenant.users[user].id.to_string();
    let group = g.tenant.groups.get(k)?.clone();
    if group.members.contains(&uid) {
        return None;
    }
    g.tenant.groups[k].members.push(uid);
    let targets = group_targets(&group, &g.tenant.users[user], true);
    let corr = g.guid();
    let initiator = by_user(g, by, ip);
    audits::record(
        g,
        at,
        "Core Directory",
        "GroupManagement",
        "Add member to group",
        "Assign",
        "",
        &corr,
        initiator,
        targets,
        Vec::new(),
    );
    Some(group.id)
}

/// An uncompromised holder of Privileged Role Administrator or Global Administrator.
fn clean_admin(g: &Gen, victims: &[usize]) -> Option<usize> {
    [PRIVILEGED_ROLE_ADMIN, roles::GLOBAL_ADMIN]
        .iter()
        .flat_map(|t| roles::holders(g, t))
        .filter_map(|id| g.tenant.users.iter().position(|u| *u.id == *id))
        .find(|i| !victims.contains(i))
}

pub fn run(g: &mut Gen) {
    g.phase("memberships");
    make_groups(g);
    let victims = g.with_persona(Persona::Compromised);
    for (k, &user) in victims.iter().enumerate() {
        let (started, ip) = {
            let t = g.truth_for(user);
            (t.compromise_started, t.attacker_ips.first().cloned())
        };
        let (Some(started), Some(ip)) = (started, ip) else {
            continue;
        };
        // Mixes: a role, a group, both, or neither; by the account itself or by another
        // compromised account driven from the same attacker's machine.
        let (role, group) = match k {
            0 => (true, false),
            1 => (false, true),
            2 => (true, true),
            _ => (g.chance(0.2), g.chance(0.2)),
        };
        let other = victims[(k + 1) % victims.len()];
        let other_in = g
            .truth_for(other)
            .compromise_started
            .is_some_and(|t| t <= started);
        let by = if k % 2 == 1 && other != user && other_in {
            other
        } else {
            user
        };
        if role {
            let at = g.after(started, 900, 8 * 3600).min(g.now);
            let template = *g.pick(&ATTACKER_ROLES);
            if let Some(id) = grant_role(g, by, &ip, user, template, at) {
                g.truth_for(user).attacker_role_assignment_ids.push(id);
            }
        }
        if group {
            let at = g.after(started, 900, 8 * 3600).min(g.now);
            let which = g.range(0, 1) as usize; // Finance Approvers or Payroll Admins
            if let Some(id) = join_group(g, by, &ip, user, which, at) {
                g.truth_for(user).attacker_group_ids.push(id);
            }
        }
    }
    // The normal process: an uncompromised admin, from the office, during the window.
    let Some(admin) = clean_admin(g, &victims) else {
        return;
    };
    let office = ip_string(usual_origin(g, admin, Place::Office).ip);
    let mut lookalikes: Vec<usize> = victims.iter().copied().skip(1).step_by(3).collect();
    lookalikes.extend(g.with_persona(Persona::NewPhoneLegit).into_iter().take(3));
    for user in lookalikes {
        let at = working_time(g, user, 0.2, 6.0);
        if g.chance(0.5) {
            if let Some(id) = grant_role(g, admin, &office, user, HELPDESK_ADMIN, at) {
                g.truth_for(user).owner_membership_ids.push(id);
            }
        } else {
            let at = at + Duration::minutes(5);
            if let Some(id) = join_group(g, admin, &office, user, 2, at) {
                g.truth_for(user).owner_membership_ids.push(id);
            }
        }
    }
}
