//! Application footholds end to end over HTTP: `contain-ato` on every compromised account
//! removes exactly the secrets and certificates the attacker added (by keyId) and the app role
//! assignments of the flagged consents, before the account is enabled again, and nothing else
//! of the applications, service principals or assignments changes (the admin's routine
//! rotation, the benign verified-publisher consent and an admin's office grant stay), and the
//! application permissions the account granted from the attacker's address are taken back. A
//! credential step cannot be undone and says why; an assignment's or a grant's undo
//! re-creates it from the recorded pre-state.

use super::{campaign, client, fast, journal, make_plan};
use reclaim_contain::apply::{apply, CollectingSink};
use reclaim_contain::report::Verdict;
use reclaim_contain::undo::{undo, UndoError};
use reclaim_contain::{ActionKind, Op};
use reclaim_sim::model::Tenant;
use reclaim_sim::scenario::ScenarioKnobs;
use std::collections::BTreeSet;

/// Every credential and app role assignment in the tenant, one line each.
fn app_state(t: &Tenant) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for a in &t.applications {
        for p in &a.password_credentials {
            out.insert(format!("app {} secret {}", a.id, p.key_id));
        }
        for k in &a.key_credentials {
            out.insert(format!("app {} cert {}", a.id, k.key_id));
        }
    }
    for (sp, x) in &t.sp_extras {
        for p in &x.password_credentials {
            out.insert(format!("sp {sp} secret {}", p.key_id));
        }
        for k in &x.key_credentials {
            out.insert(format!("sp {sp} cert {}", k.key_id));
        }
    }
    for r in &t.app_role_assignments {
        out.insert(format!(
            "assignment {} {} {} {}",
            r.id, r.principal_id, r.resource_id, r.app_role_id
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_footholds_are_removed_and_nothing_else_changes() {
    let (mut certs, mut consents) = (0, 0);
    for seed in [13, 2024, 31] {
        let s = campaign(250, seed, &ScenarioKnobs::default()).await;
        let truth = s.ground_truth();
        let ids: Vec<String> = truth.compromised().map(|a| a.user_id.clone()).collect();
        let attacker_keys: Vec<String> = truth
            .compromised()
            .flat_map(|a| a.attacker_credential_key_ids.clone())
            .collect();
        let attacker_assignments: Vec<String> = truth
            .compromised()
            .flat_map(|a| {
                a.attacker_app_role_assignment_ids
                    .iter()
                    .chain(&a.attacker_granted_app_role_ids)
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .collect();
        let attacker_grants: Vec<String> = truth
            .compromised()
            .flat_map(|a| a.attacker_granted_app_role_ids.clone())
            .collect();
        assert!(
            !attacker_grants.is_empty(),
            "seed {seed}: a granted app role"
        );
        assert!(
            !attacker_keys.is_empty(),
            "seed {seed}: a credential foothold"
        );
        let before = s.with_tenant(app_state);
        let c = client(&s, false);
        let plan = make_plan(&s, &c, &ids, "contain-ato").await;
        // A secret's hint (its first characters) stays out of the plan, as its text does.
        assert!(!plan.to_json().unwrap().contains("\"hint\""));
        // Exactly the attacker's keyIds are planned, each before the account is enabled.
        let mut planned_keys = Vec::new();
        for acct in &plan.accounts {
            let enable = acct
                .steps
                .iter()
                .position(|st| st.action == ActionKind::EnableSignin);
            for (i, st) in acct.steps.iter().enumerate() {
                if let Op::RemoveAppPassword { key_id, .. } | Op::RemoveAppKey { key_id, .. } =
                    &st.op
                {
                    assert_eq!(st.action, ActionKind::RemoveAttackerAppCredentials);
                    assert!(
                        enable.is_none_or(|e| i < e),
                        "seed {seed}: before enable-signin"
                    );
                    assert!(!st.reversible, "a credential removal is not undoable");
                    assert!(st.summary.contains("not undoable"), "{}", st.summary);
                    assert!(!st.verify.is_empty(), "verified by a read-back");
                    if matches!(st.op, Op::RemoveAppKey { .. }) {
                        certs += 1;
                    }
                    planned_keys.push(key_id.clone());
                }
            }
        }
        // Exactly the attacker's grants are planned, under revoke-oauth-grants.
        let mut planned_grants: Vec<String> = plan
            .accounts
            .iter()
            .flat_map(|a| &a.steps)
            .filter_map(|st| match &st.op {
                Op::DeleteAppRoleGrant { assignment_id, .. } => {
                    assert_eq!(st.action, ActionKind::RevokeOauthGrants);
                    assert!(st.reversible && !st.verify.is_empty());
                    Some(assignment_id.clone())
                }
                _ => None,
            })
            .collect();
        planned_grants.sort();
        let mut want_grants = attacker_grants.clone();
        want_grants.sort();
        assert_eq!(planned_grants, want_grants, "seed {seed}");
        planned_keys.sort();
        let mut want = attacker_keys.clone();
        want.sort();
        assert_eq!(planned_keys, want, "seed {seed}");

        let dir = tempfile::tempdir().unwrap();
        let j = journal(dir.path(), &s);
        let report = apply(&c, &j, &plan, &fast(), &CollectingSink::default())
            .await
            .unwrap();
        assert_eq!(
            report.graph_verdict(),
            Verdict::Success,
            "{}",
            report.render()
        );

        // Gone: exactly the attacker's; everything else as it was.
        let after = s.with_tenant(app_state);
        let expected: BTreeSet<String> = before
            .iter()
            .filter(|l| {
                !attacker_keys.iter().any(|k| l.ends_with(&format!(" {k}")))
                    && !attacker_assignments
                        .iter()
                        .any(|a| l.starts_with(&format!("assignment {a} ")))
            })
            .cloned()
            .collect();
        assert_eq!(after, expected, "seed {seed}");
        assert!(expected.len() < before.len());
        for k in &truth.benign_credential_key_ids {
            assert!(
                after.iter().any(|l| l.ends_with(k.as_str())),
                "rotation kept"
            );
        }
        for a in truth
            .benign_app_role_assignment_ids
            .iter()
            .chain(&truth.benign_granted_app_role_ids)
        {
            assert!(
                after.iter().any(|l| l.contains(a.as_str())),
                "benign consent or admin grant kept"
            );
        }

        // Not undoable, and said so; nothing is sent.
        let cred = plan
            .accounts
            .iter()
            .flat_map(|a| &a.steps)
            .find(|st| st.action == ActionKind::RemoveAttackerAppCredentials)
            .unwrap();
        match undo(&c, &j, &cred.id).await {
            Err(UndoError::NotReversible(why)) => {
                assert!(why.contains("cannot be brought back"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.with_tenant(app_state), after);

        // An assignment's undo re-creates it (a new id, the same app and role).
        if let Some(st) = plan
            .accounts
            .iter()
            .flat_map(|a| &a.steps)
            .find(|st| matches!(st.op, Op::DeleteAppRoleAssignment { .. }))
        {
            consents += 1;
            let resource = st.before["resourceId"].as_str().unwrap().to_string();
            let user = plan
                .accounts
                .iter()
                .find(|a| a.steps.iter().any(|x| x.id == st.id))
                .unwrap()
                .user_id
                .clone();
            undo(&c, &j, &st.id).await.unwrap();
            let back = s.with_tenant(|t| {
                t.app_role_assignments
                    .iter()
                    .any(|r| r.principal_id == user && r.resource_id == resource)
            });
            assert!(back, "seed {seed}: the assignment is back");
            assert!(matches!(
                undo(&c, &j, &st.id).await,
                Err(UndoError::AlreadyUndone(_))
            ));
        }
        // A grant's undo re-grants the app role to the same service principal.
        let st = plan
            .accounts
            .iter()
            .flat_map(|a| &a.steps)
            .find(|st| matches!(st.op, Op::DeleteAppRoleGrant { .. }))
            .unwrap();
        let Op::DeleteAppRoleGrant {
            resource_id,
            principal_id,
            app_role_id,
            ..
        } = &st.op
        else {
            unreachable!()
        };
        let granted = |s: &reclaim_sim::SimHandle| {
            s.with_tenant(|t| {
                t.app_role_assignments.iter().any(|r| {
                    &r.resource_id == resource_id
                        && &r.principal_id == principal_id
                        && &r.app_role_id == app_role_id
                })
            })
        };
        assert!(!granted(&s));
        undo(&c, &j, &st.id).await.unwrap();
        assert!(granted(&s), "seed {seed}: the grant is back");
    }
    assert!(consents >= 1, "some seed has a flagged consent");
    assert!(
        certs >= 1,
        "some seed has a certificate foothold (PATCH keyCredentials)"
    );
}
