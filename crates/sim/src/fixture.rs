//! A small hand-made tenant: an admin, a few employees, the directory roles reclaim cares
//! about. Tests of the simulator core use it as their fixture, so they do not depend on the
//! scenario generator that [`super::start`] serves.

use super::ids::det_guid;
use super::model::{RoleAssignment, RoleDefinition, Tenant, Time, User};
use super::state::Scenario;

/// Built-in role templates (REFERENCE §3.2): (template id, display name).
pub const ROLE_TEMPLATES: [(&str, &str); 7] = [
    (
        "62e90394-69f5-4237-9190-012177145e10",
        "Global Administrator",
    ),
    (
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
        "Privileged Authentication Administrator",
    ),
    (
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        "Privileged Role Administrator",
    ),
    (
        "194ae4cb-b126-40b2-bd5b-6091b380977d",
        "Security Administrator",
    ),
    ("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"),
    (
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",
        "Authentication Administrator",
    ),
    (
        "729827e3-9c14-49f7-bb1b-9608f156bbb8",
        "Helpdesk Administrator",
    ),
];

/// A member user with plausible defaults.
pub fn user(id: &str, upn: &str, display_name: &str, job_title: Option<&str>) -> User {
    let epoch = Time::default();
    User {
        id: id.into(),
        user_principal_name: upn.into(),
        display_name: display_name.into(),
        given_name: display_name.split(' ').next().map(Into::into),
        surname: display_name.split(' ').nth(1).map(Into::into),
        mail: Some(upn.into()),
        job_title: job_title.map(Into::into),
        department: None,
        company_name: None,
        office_location: None,
        business_phones: Vec::new(),
        mobile_phone: None,
        preferred_language: Some("en-US".into()),
        usage_location: Some("US".into()),
        account_enabled: true,
        user_type: "Member".into(),
        created_date_time: epoch,
        sign_in_sessions_valid_from_date_time: epoch,
        last_password_change_date_time: None,
        on_premises_sync_enabled: None,
        other_mails: Vec::new(),
        manager_id: None,
        deleted: false,
        password: String::new(),
    }
}

/// The built-in role definitions (id = template id, as built-in roles have).
pub fn role_definitions() -> Vec<RoleDefinition> {
    ROLE_TEMPLATES
        .iter()
        .map(|(id, name)| RoleDefinition {
            id: id.to_string(),
            display_name: name.to_string(),
            description: None,
            template_id: id.to_string(),
            is_built_in: true,
            is_enabled: true,
        })
        .collect()
}

/// The small tenant, deterministic from the seed. The first user is a Global Administrator.
pub fn small_tenant(seed: u64, now: Time) -> Scenario {
    let domain = "contoso-sim.onmicrosoft.com";
    let people = [
        ("admin", "Avery Admin", "IT Administrator"),
        ("cfo", "Casey Finance", "Chief Financial Officer"),
        ("sales", "Sam Seller", "Sales Director"),
        ("ops", "Olivia Ops", "VP of Operations"),
        ("dev", "Devon Engineer", "Software Engineer"),
    ];
    let created = now - chrono::Duration::days(400);
    let users: Vec<User> = people
        .iter()
        .map(|(alias, name, title)| {
            let mut u = user(
                &det_guid(seed, &format!("user/{alias}")),
                &format!("{alias}@{domain}"),
                name,
                Some(title),
            );
            u.created_date_time = created;
            u.sign_in_sessions_valid_from_date_time = created;
            u
        })
        .collect();
    let role_assignments = vec![RoleAssignment {
        id: det_guid(seed, "ra/admin"),
        principal_id: users[0].id.to_string(),
        role_definition_id: ROLE_TEMPLATES[0].0.to_string(),
        directory_scope_id: "/".into(),
    }];
    Scenario {
        tenant: Tenant {
            id: det_guid(seed, "tenant"),
            domain: domain.into(),
            display_name: "Contoso (simulated)".into(),
            generated_at: Some(now),
            users,
            role_definitions: role_definitions(),
            role_assignments,
            ..Tenant::default()
        },
        truth: Default::default(),
    }
}
