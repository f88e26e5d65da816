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

/// An eligible (PIM) role the attacker added: triage reads "Add eligible member to role" and
/// raises `role-added-by-attacker` saying "eligible role"; the plan cannot remove it through
/// `roleAssignments` and says so in the step (manual: PIM), sending nothing for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_eligible_role_the_attacker_added_is_evidence_and_named_for_pim() {
    let e = env(120, 15).await;
    let truth = e.sim.ground_truth();
    let a = truth
        .compromised()
        .find(|a| !a.attacker_role_assignment_ids.is_empty())
        .expect("an account the attacker gave a role");
    let assignment = a.attacker_role_assignment_ids[0].clone();
    // The grant becomes an eligibility: its record renamed, no active assignment left.
    let template = e.sim.with_tenant_mut(|t| {
        let k = t
            .role_assignments
            .iter()
            .position(|r| r.id == assignment)
            .expect("the attacker's assignment");
        let template = t.role_assignments.remove(k).role_definition_id;
        let rec = t
            .directory_audits
            .iter_mut()
            .find(|d| {
                d.activity_display_name == "Add member to role"
                    && d.target_resources.iter().any(|r| {
                        r.id.as_deref() == Some(a.user_id.as_str())
                            && r.modified_properties.iter().any(|p| {
                                p.display_name == "Role.TemplateId"
                                    && p.new_value
                                        .as_deref()
                                        .is_some_and(|v| v.contains(&template))
                            })
                    })
            })
            .expect("the attacker's role record");
        rec.activity_display_name = "Add eligible member to role".into();
        template
    });
    let (code, out, err) = e.run(false, &["triage", "--json", "--since", "30d"]).await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let account = v["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == a.user_id.as_str())
        .expect("the account is listed");
    let hit = account["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "role-added-by-attacker")
        .unwrap_or_else(|| panic!("{account}"))
        .clone();
    assert!(
        hit["evidence"].as_array().unwrap().iter().any(|e| {
            e["id"] == template.as_str() && e["detail"].as_str().unwrap().contains("eligible role")
        }),
        "{hit}"
    );

    let plan_file = e.dir.path().join("eligible-plan.json");
    let pf = plan_file.to_str().unwrap();
    let (code, _, err) = e
        .run(false, &["plan", "--user", &a.user_principal_name, "-o", pf])
        .await;
    assert_eq!(code, 0, "{err}");
    let plan = Plan::load(&plan_file).unwrap();
    let acct = &plan.accounts[0];
    let pim = acct
        .skipped
        .iter()
        .find(|s| s.action == ActionKind::RemoveAttackerRoles && s.reason.contains(&template))
        .unwrap_or_else(|| panic!("{:?}", acct.skipped));
    assert!(pim.reason.starts_with("MANUAL (PIM)"), "{}", pim.reason);
    assert!(acct.warnings.iter().any(|w| w.contains("MANUAL (PIM)")));
    let (code, out, err) = e.run(false, &["apply", pf, "--dry-run"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("MANUAL (PIM)"), "{out}");
    assert!(e.mutating().is_empty(), "the dry run sends nothing");
}
