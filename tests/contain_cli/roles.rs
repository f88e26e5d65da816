//! `remove-attacker-roles` through the binary.

use super::{common, env, ActionKind, Op, Plan};
use std::process::Stdio;

/// `remove-attacker-roles` through the binary: planned for exactly the roles and groups the
/// attacker added, shown by a dry run that sends nothing, refused (exit 4, naming the
/// permission) for an app without RoleManagement.ReadWrite.Directory, and listed by `whoami`
/// with its least-privilege permissions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attacker_roles_are_planned_dry_run_refused_without_the_permission_and_listed() {
    let e = env(120, 15).await;
    let truth = e.sim.ground_truth();
    let a = truth
        .compromised()
        .find(|a| !a.attacker_role_assignment_ids.is_empty())
        .expect("an account the attacker gave a role");
    let want = a.attacker_role_assignment_ids.len() + a.attacker_group_ids.len();
    let plan_file = e.dir.path().join("roles-plan.json");
    let pf = plan_file.to_str().unwrap();
    let (code, _, err) = e
        .run(false, &["plan", "--user", &a.user_principal_name, "-o", pf])
        .await;
    assert_eq!(code, 0, "{err}");
    let plan = Plan::load(&plan_file).unwrap();
    let steps: Vec<_> = plan.accounts[0]
        .steps
        .iter()
        .filter(|s| s.action == ActionKind::RemoveAttackerRoles)
        .collect();
    assert_eq!(steps.len(), want, "{:?}", plan.accounts[0].skipped);
    for s in &steps {
        match &s.op {
            Op::DeleteRoleAssignment { assignment_id } => {
                assert!(a.attacker_role_assignment_ids.contains(assignment_id))
            }
            Op::RemoveGroupMember { group_id } => assert!(a.attacker_group_ids.contains(group_id)),
            other => panic!("{other:?}"),
        }
    }
    let (code, out, err) = e.run(false, &["apply", pf, "--dry-run"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("DELETE /v1.0/roleManagement/directory/roleAssignments/"),
        "{out}"
    );

    let mut perms: Vec<String> = reclaim_sim::apps::FULL_PERMISSIONS
        .iter()
        .filter(|p| **p != "RoleManagement.ReadWrite.Directory")
        .map(|p| p.to_string())
        .collect();
    perms.push("RoleManagement.Read.Directory".into());
    e.sim.register_app(reclaim_sim::model::AppRegistration {
        client_id: "no-role-writes".into(),
        display_name: "reclaim without RoleManagement.ReadWrite.Directory".into(),
        client_secret: Some("s3cret-no-roles".into()),
        application_permissions: perms,
        ..Default::default()
    });
    let app = reclaim_sim::AppCredentials {
        client_id: "no-role-writes".into(),
        client_secret: "s3cret-no-roles".into(),
    };
    let out = tokio::process::Command::from(common::reclaim_as(&e.sim, &app, e.dir.path()))
        .arg("--audit-dir")
        .arg(e.audit())
        .args(["apply", pf, "--yes"])
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("RoleManagement.ReadWrite.Directory"), "{err}");
    assert!(e.mutating().is_empty(), "dry run and refusal send nothing");

    let (code, out, err) = e.run(false, &["whoami"]).await;
    assert_eq!(code, 0, "{err}");
    let line = out
        .lines()
        .find(|l| l.contains("remove-attacker-roles"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        line.contains("RoleManagement.ReadWrite.Directory"),
        "{line}"
    );
}
