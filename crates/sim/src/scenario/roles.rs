//! Directory roles: the built-in role definitions (id = template id, as Entra serves built-ins)
//! and their assignments to IT administrators and the service desk.

use super::ctx::{Gen, Level};
use super::org::IT;
use crate::graph::memberships::assignment_id;
use crate::model::{RoleAssignment, RoleDefinition};

// The role templates the Graph role rules know, named once (sim::graph::access).
pub use crate::graph::access::{
    AUTH_ADMIN, GLOBAL_ADMIN, HELPDESK_ADMIN, PRIVILEGED_AUTH_ADMIN, PRIVILEGED_ROLE_ADMIN,
    SECURITY_ADMIN, USER_ADMIN,
};
pub const EXCHANGE_ADMIN: &str = "29232cdf-9323-42fd-ade2-1d097af3e4de";
pub const GLOBAL_READER: &str = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
pub const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";

const DEFINITIONS: [(&str, &str, &str); 10] = [
    (GLOBAL_ADMIN, "Global Administrator", "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities."),
    (PRIVILEGED_AUTH_ADMIN, "Privileged Authentication Administrator", "Can access to view, set and reset authentication method information for any user (admin or non-admin)."),
    (PRIVILEGED_ROLE_ADMIN, "Privileged Role Administrator", "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management."),
    (SECURITY_ADMIN, "Security Administrator", "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365."),
    (USER_ADMIN, "User Administrator", "Can manage all aspects of users and groups, including resetting passwords for limited admins."),
    (AUTH_ADMIN, "Authentication Administrator", "Can access to view, set and reset authentication method information for any non-admin user."),
    (HELPDESK_ADMIN, "Helpdesk Administrator", "Can reset passwords for non-administrators and Helpdesk Administrators."),
    (EXCHANGE_ADMIN, "Exchange Administrator", "Can manage all aspects of the Exchange product."),
    (GLOBAL_READER, "Global Reader", "Can read everything that a Global Administrator can, but not update anything."),
    (SECURITY_READER, "Security Reader", "Can read security information and reports in Microsoft Entra ID and Office 365."),
];

pub fn build(g: &mut Gen) {
    g.phase("roles");
    g.tenant.role_definitions = DEFINITIONS
        .iter()
        .map(|(id, name, desc)| RoleDefinition {
            id: id.to_string(),
            display_name: name.to_string(),
            description: Some(desc.to_string()),
            template_id: id.to_string(),
            is_built_in: true,
            is_enabled: true,
        })
        .collect();

    fn title_of<'a>(g: &'a Gen<'_>, i: usize) -> &'a str {
        g.tenant.users[i].job_title.as_deref().unwrap_or("")
    }
    let it: Vec<usize> = (0..g.people.len())
        .filter(|&i| g.people[i].dept as usize == IT && !g.people[i].guest)
        .collect();
    let admins: Vec<usize> = it
        .iter()
        .copied()
        .filter(|&i| {
            let t = title_of(g, i);
            matches!(
                g.people[i].level,
                Level::CSuite | Level::Vp | Level::Director
            ) || t.contains("Administrator")
                || t.contains("IT Manager")
        })
        .collect();
    let security: Vec<usize> = it
        .iter()
        .copied()
        .filter(|&i| title_of(g, i) == "Security Analyst")
        .collect();
    let desk: Vec<usize> = it
        .iter()
        .copied()
        .filter(|&i| title_of(g, i).starts_with("Service Desk"))
        .collect();
    // Small companies: whoever is in IT, else the first member, holds the roles.
    let fallback: Vec<usize> = if it.is_empty() { vec![0] } else { it.clone() };
    let pool = |v: &Vec<usize>| -> Vec<usize> {
        if v.is_empty() {
            fallback.clone()
        } else {
            v.clone()
        }
    };
    let admins = pool(&admins);
    let security = pool(&security);
    let desk = pool(&desk);
    let n = g.people.len();
    let plan: [(&str, &Vec<usize>, usize); 10] = [
        (GLOBAL_ADMIN, &admins, 2),
        (PRIVILEGED_ROLE_ADMIN, &admins, 1),
        (PRIVILEGED_AUTH_ADMIN, &admins, 1),
        (EXCHANGE_ADMIN, &admins, 1),
        (USER_ADMIN, &admins, 2),
        (SECURITY_ADMIN, &security, 2),
        (SECURITY_READER, &security, 1),
        (GLOBAL_READER, &admins, 1),
        (AUTH_ADMIN, &desk, 2),
        (HELPDESK_ADMIN, &desk, (n / 400).clamp(1, 40)),
    ];
    let mut assignments = Vec::new();
    for (template, holders, count) in plan {
        let start = g.range(0, holders.len() as i64 - 1) as usize;
        let mut chosen: Vec<usize> = (0..count.min(holders.len()))
            .map(|k| holders[(start + k) % holders.len()])
            .collect();
        chosen.dedup();
        for i in chosen {
            let principal = g.tenant.users[i].id.to_string();
            assignments.push(RoleAssignment {
                id: assignment_id(template, &principal),
                principal_id: principal,
                role_definition_id: template.to_string(),
                directory_scope_id: "/".to_string(),
            });
        }
    }
    g.tenant.role_assignments = assignments;
}

/// Users holding a role, for admin-initiated audit records (in assignment order).
pub fn holders(g: &Gen, template: &str) -> Vec<String> {
    g.tenant
        .role_assignments
        .iter()
        .filter(|a| a.role_definition_id == template)
        .map(|a| a.principal_id.clone())
        .collect()
}

/// The first user holding a role (for admin-initiated records), by index.
pub fn first_holder(g: &Gen, template: &str) -> Option<usize> {
    let id = &g
        .tenant
        .role_assignments
        .iter()
        .find(|a| a.role_definition_id == template)?
        .principal_id;
    g.tenant.users.iter().position(|u| *u.id == **id)
}

/// The first Global Administrator the campaign did not compromise, by index: who makes the
/// look-alike admin changes (a routine secret rotation, a grant, an owner added) from the
/// office.
pub fn clean_global_admin(g: &Gen) -> Option<usize> {
    holders(g, GLOBAL_ADMIN).iter().find_map(|id| {
        let i = g.tenant.users.iter().position(|u| *u.id == **id)?;
        let hit = g
            .truth
            .accounts
            .get(id.as_str())
            .is_some_and(|t| t.is_compromised());
        (!hit).then_some(i)
    })
}
