//! The everyday admin work a tenant's audit log is full of: the service desk resetting
//! passwords, HR-driven title and department changes. None of it is the campaign.

use super::audits::{self, prop};
use super::ctx::Gen;
use super::roles;
use super::signins;

pub fn run(g: &mut Gen) {
    g.phase("background");
    let desk = roles::first_holder(g, roles::HELPDESK_ADMIN);
    let admin = roles::first_holder(g, roles::USER_ADMIN);
    let n = g.people.len();
    let events = (n / 250).max(2);
    let days = f64::from(g.knobs.history_days);
    for _ in 0..events {
        let user = g.range(0, n as i64 - 1) as usize;
        if g.people[user].guest || g.people[user].persona.is_some() {
            continue;
        }
        let at = signins::working_time(g, user, 0.2, days);
        if g.chance(0.5) {
            if let Some(d) = desk {
                audits::admin_user_change(g, d, user, at, "Reset password", Vec::new());
            }
        } else if let Some(a) = admin {
            let old = g.tenant.users[user].job_title.clone().unwrap_or_default();
            let new = if old.starts_with("Senior ") {
                old.replacen("Senior ", "Lead ", 1)
            } else {
                format!("Senior {old}")
            };
            let props = vec![
                prop(
                    "JobTitle",
                    Some(serde_json::json!([old]).to_string()),
                    Some(serde_json::json!([new]).to_string()),
                ),
                prop(
                    "Included Updated Properties",
                    None,
                    Some("\"JobTitle\"".into()),
                ),
            ];
            audits::admin_user_change(g, a, user, at, "Update user", props);
            g.tenant.users[user].job_title = Some(new.into());
        }
    }
}
