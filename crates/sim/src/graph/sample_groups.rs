//! The sample tenant's groups: finance approvers (the CFO), everyone, and an empty one.

use crate::model::{Group, Time};
use chrono::Duration;

pub const FINANCE_APPROVERS: &str = "00000000-0000-4000-8000-0000000a0001";
pub const ALL_STAFF: &str = "00000000-0000-4000-8000-0000000a0002";
pub const PAYROLL_ADMINS: &str = "00000000-0000-4000-8000-0000000a0003";

fn group(id: &str, name: &str, at: Time, members: &[&str]) -> Group {
    Group {
        id: id.into(),
        display_name: name.into(),
        description: Some(format!("{name} (sample)")),
        mail_enabled: false,
        mail_nickname: name.replace(' ', "").to_lowercase(),
        security_enabled: true,
        group_types: Vec::new(),
        created_date_time: at,
        members: members.iter().map(|m| m.to_string()).collect(),
    }
}

pub fn groups(now: Time) -> Vec<Group> {
    use super::sample::{ADMIN, CFO, SALES};
    let at = now - Duration::days(500);
    vec![
        group(FINANCE_APPROVERS, "Finance Approvers", at, &[CFO]),
        group(ALL_STAFF, "All Staff", at, &[ADMIN, CFO, SALES]),
        group(PAYROLL_ADMINS, "Payroll Admins", at, &[]),
    ]
}
