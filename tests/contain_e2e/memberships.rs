//! Roles and groups in the campaign's containment: undo of a removal.

use super::*;

/// Every seed has an attacker role or group: undo puts the removed one back.
pub(super) async fn undo_a_membership(
    s: &SimHandle,
    c: &GraphClient,
    j: &Journal,
    plan: &Plan,
    seed: u64,
) {
    let (user, step) = plan
        .accounts
        .iter()
        .flat_map(|a| a.steps.iter().map(move |st| (&a.user_id, st)))
        .find(|(_, st)| st.action == ActionKind::RemoveAttackerRoles)
        .unwrap_or_else(|| panic!("seed {seed}: no attacker role or group was removed"));
    let held = |s: &SimHandle| {
        s.with_tenant(|t| match &step.op {
            Op::DeleteRoleAssignment { assignment_id } => {
                t.role_assignments.iter().any(|r| &r.id == assignment_id)
            }
            Op::RemoveGroupMember { group_id } => t
                .groups
                .iter()
                .any(|g| &g.id == group_id && g.members.contains(user)),
            other => panic!("{other:?}"),
        })
    };
    assert!(!held(s));
    undo(c, j, &step.id).await.unwrap();
    assert!(held(s), "seed {seed}: undo re-adds {:?}", step.op);
}

/// The attacker's roles and groups are gone, the ones an admin granted in the window kept.
pub(super) fn check_contained(
    t: &Tenant,
    a: &reclaim_sim::truth::AccountTruth,
    bad: &mut Vec<String>,
) {
    let who = &a.user_principal_name;
    let has_role = |id: &str| t.role_assignments.iter().any(|r| r.id == id);
    let in_group = |g: &str| {
        t.groups
            .iter()
            .any(|x| x.id == g && x.members.contains(&a.user_id))
    };
    for r in &a.attacker_role_assignment_ids {
        if has_role(r) {
            bad.push(format!("{who}: attacker role assignment {r} left"));
        }
    }
    for g in &a.attacker_group_ids {
        if in_group(g) {
            bad.push(format!("{who}: attacker group {g} left"));
        }
    }
    for m in &a.owner_membership_ids {
        if !has_role(m) && !in_group(m) {
            bad.push(format!("{who}: owner role or group {m} touched"));
        }
    }
}

/// The contained accounts' own roles and groups: everything but what the attacker added.
pub(super) fn own(s: &SimHandle, truth: &GroundTruth, ids: &[String]) -> BTreeSet<String> {
    s.with_tenant(|t| {
        ids.iter()
            .flat_map(|u| inventory(t, u))
            .filter(|x| x.starts_with("role ") || x.starts_with("group "))
            .filter(|x| {
                !truth.compromised().any(|a| {
                    a.attacker_role_assignment_ids
                        .iter()
                        .chain(&a.attacker_group_ids)
                        .any(|id| x.split(' ').nth(1) == Some(id.as_str()))
                })
            })
            .collect()
    })
}
