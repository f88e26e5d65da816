//! Directory roles and groups the attacker added the account to: their state (the account's
//! active role assignments and direct group memberships), how a membership op is checked and
//! projected, and how `remove-attacker-roles` becomes ops. Only what the evidence names is
//! removed; the owner's own roles and groups are never touched.

use super::action::ActionKind;
use super::expand::Ctx;
use super::op::Op;
use super::state::AccountState;
use super::verify::Check;
use reclaim_core::sanitize::inert;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// One active role assignment of the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignmentState {
    pub id: String,
    pub role_definition_id: String,
    pub directory_scope_id: String,
}

impl RoleAssignmentState {
    pub fn from_graph(v: &Value) -> RoleAssignmentState {
        let text = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        RoleAssignmentState {
            id: text("id"),
            role_definition_id: text("roleDefinitionId"),
            directory_scope_id: text("directoryScopeId"),
        }
    }
}

/// One group the account is a direct member of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupState {
    pub id: String,
    /// Tenant text: sanitize before display.
    pub display_name: String,
}

impl GroupState {
    /// The groups among a `memberOf` listing (directory roles are read as assignments).
    pub fn from_member_of(list: &[Value]) -> Vec<GroupState> {
        list.iter()
            .filter(|v| {
                v.get("@odata.type").and_then(Value::as_str) == Some("#microsoft.graph.group")
            })
            .map(|v| GroupState {
                id: v
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .into(),
                display_name: v
                    .get("displayName")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .into(),
            })
            .collect()
    }
}

/// A tied membership as the evidence carries it: `role:{roleDefinitionId}` or `group:{id}`.
/// The tied kind of a PIM eligibility (`eligible-role:{roleDefinitionId}`).
pub const ELIGIBLE_ROLE: &str = "eligible-role";

pub fn tied_id(kind: &str, object_id: &str) -> String {
    format!("{kind}:{object_id}")
}

pub(crate) fn check(now: &AccountState, op: &Op) -> Check {
    let no = |detail: String| Check { ok: false, detail };
    match op {
        Op::DeleteRoleAssignment { assignment_id } => match &now.role_assignments {
            None => no("the role assignments were not read back".into()),
            Some(l) if l.iter().any(|a| &a.id == assignment_id) => {
                no(format!("role assignment {assignment_id} is still there"))
            }
            Some(_) => Check::yes(format!("role assignment {assignment_id} is gone")),
        },
        Op::CreateRoleAssignment {
            role_definition_id, ..
        } => match &now.role_assignments {
            None => no("the role assignments were not read back".into()),
            Some(l)
                if l.iter()
                    .any(|a| &a.role_definition_id == role_definition_id) =>
            {
                Check::yes(format!("role {role_definition_id} is assigned again"))
            }
            Some(_) => no(format!("role {role_definition_id} is not assigned")),
        },
        Op::RemoveGroupMember { group_id } | Op::AddGroupMember { group_id } => {
            let want = matches!(op, Op::AddGroupMember { .. });
            match &now.groups {
                None => no("the group memberships were not read back".into()),
                Some(l) if l.iter().any(|g| &g.id == group_id) == want => Check::yes(format!(
                    "{} of group {group_id}",
                    if want {
                        "a member"
                    } else {
                        "no longer a member"
                    }
                )),
                Some(_) => no(format!(
                    "membership of group {group_id} reads {}",
                    if want { "absent" } else { "present" }
                )),
            }
        }
        _ => no("not a membership op".into()),
    }
}

pub(crate) fn project(state: &mut AccountState, op: &Op) {
    match op {
        Op::DeleteRoleAssignment { assignment_id } => {
            if let Some(l) = state.role_assignments.as_mut() {
                l.retain(|a| &a.id != assignment_id);
            }
        }
        Op::CreateRoleAssignment {
            role_definition_id,
            directory_scope_id,
        } => {
            if let Some(l) = state.role_assignments.as_mut() {
                l.push(RoleAssignmentState {
                    id: String::new(),
                    role_definition_id: role_definition_id.clone(),
                    directory_scope_id: directory_scope_id.clone(),
                });
            }
        }
        Op::RemoveGroupMember { group_id } => {
            if let Some(l) = state.groups.as_mut() {
                l.retain(|g| &g.id != group_id);
            }
        }
        Op::AddGroupMember { group_id } => {
            if let Some(l) = state.groups.as_mut() {
                l.push(GroupState {
                    id: group_id.clone(),
                    display_name: String::new(),
                });
            }
        }
        _ => {}
    }
}

pub(crate) fn expected(op: &Op) -> Value {
    match op {
        Op::DeleteRoleAssignment { assignment_id } => {
            json!({ "roleAssignment": assignment_id, "present": false })
        }
        Op::CreateRoleAssignment {
            role_definition_id, ..
        } => json!({ "roleDefinitionId": role_definition_id, "present": true }),
        Op::RemoveGroupMember { group_id } => json!({ "group": group_id, "member": false }),
        Op::AddGroupMember { group_id } => json!({ "group": group_id, "member": true }),
        _ => Value::Null,
    }
}

/// `remove-attacker-roles`: one DELETE per role assignment or group membership the evidence
/// ties to the attacker that the account still holds; nothing else.
pub(crate) fn remove_roles(cx: &mut Ctx<'_>) {
    let a = ActionKind::RemoveAttackerRoles;
    if cx.ev.attacker_memberships.is_empty() {
        cx.skip(a, "the evidence ties no role or group to the attacker");
        return;
    }
    let (Some(roles), Some(groups)) = (cx.work.role_assignments.clone(), cx.work.groups.clone())
    else {
        cx.skip(a, "the account's roles and groups could not be read");
        return;
    };
    for tied in cx.ev.attacker_memberships.clone() {
        let mut why: Vec<String> = tied.reasons.iter().map(|r| inert(r).into_owned()).collect();
        why.extend(cx.verdict_why());
        if let Some(role) = tied.id.strip_prefix("eligible-role:") {
            // `roleAssignments` holds active assignments only: an eligibility is removed in
            // PIM (roleEligibilityScheduleRequests, RoleEligibilitySchedule.ReadWrite.Directory),
            // which reclaim does not send. The plan says so rather than skipping it silently.
            let manual = format!(
                "MANUAL (PIM): the attacker made the account eligible for directory role {role}; \
                 reclaim removes active role assignments only, so remove this eligibility in \
                 Privileged Identity Management (Entra admin center > Roles > Eligible \
                 assignments) before closing the incident"
            );
            cx.warn(manual.clone());
            cx.skip(a, manual);
            continue;
        }
        if let Some(role) = tied.id.strip_prefix("role:") {
            let Some(held) = roles
                .iter()
                .find(|r| r.role_definition_id == role && r.directory_scope_id == "/")
            else {
                cx.skip(
                    a,
                    format!("role {role} is no longer assigned to the account"),
                );
                continue;
            };
            cx.push(
                a,
                Op::DeleteRoleAssignment {
                    assignment_id: held.id.clone(),
                },
                format!(
                    "Remove the directory role {role} the attacker assigned (assignment {})",
                    held.id
                ),
                serde_json::to_value(held).unwrap_or(Value::Null),
                why,
            );
        } else if let Some(group) = tied.id.strip_prefix("group:") {
            let Some(held) = groups.iter().find(|g| g.id == group) else {
                cx.skip(
                    a,
                    format!("the account is no longer a member of group {group}"),
                );
                continue;
            };
            cx.push(
                a,
                Op::RemoveGroupMember {
                    group_id: held.id.clone(),
                },
                format!(
                    "Remove the account from group \"{}\" the attacker added it to",
                    inert(&held.display_name)
                ),
                serde_json::to_value(held).unwrap_or(Value::Null),
                why,
            );
        }
    }
}
