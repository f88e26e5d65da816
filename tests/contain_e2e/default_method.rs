//! The default MFA method end to end: when the attacker's Authenticator is the default and
//! the owner keeps a method, the plan first makes the owner's method the default (beta
//! signInPreferences), apply verifies it by reading back, undo puts the earlier preference
//! back where Graph allows it; when the default cannot be read, the refusal stops the
//! account closed with a clear message and no owner method is touched.

use super::*;
use reclaim_contain::planner::{build_plan, evidence_from, read_accounts, AccountInput};
use reclaim_contain::state::PreferenceState;
use reclaim_graph::models::DefaultMfaMethod;
use reclaim_sim::model::AuthMethod;

/// Every attacker method is an Authenticator made the default.
fn knobs() -> ScenarioKnobs {
    ScenarioKnobs {
        attacker_method_default: 1.0,
        attacker_authenticator: 1.0,
        ..ScenarioKnobs::default()
    }
}

/// Compromised accounts whose owner has a phone or OATH token but no Authenticator: moving
/// the default is the only way to delete the attacker's.
fn needing_a_move(s: &SimHandle) -> Vec<String> {
    let truth = s.ground_truth();
    s.with_tenant(|t| {
        truth
            .compromised()
            .filter(|a| {
                let ms = t.methods.get(&*a.user_id).cloned().unwrap_or_default();
                let attacker_default = ms.iter().any(|m| {
                    m.is_default
                        && a.attacker_method_ids.contains(&m.id.to_string())
                        && m.kind == Some(MethodKind::MicrosoftAuthenticator)
                });
                let owner: Vec<&AuthMethod> = ms
                    .iter()
                    .filter(|m| a.owner_method_ids.contains(&m.id.to_string()))
                    .collect();
                attacker_default
                    && !owner
                        .iter()
                        .any(|m| m.kind == Some(MethodKind::MicrosoftAuthenticator))
                    && owner.iter().any(|m| {
                        matches!(m.kind, Some(MethodKind::Phone | MethodKind::SoftwareOath))
                    })
            })
            .map(|a| a.user_id.clone())
            .collect()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owners_method_becomes_the_default_then_the_attackers_goes() {
    let s = campaign(300, 5, &knobs()).await;
    let ids: Vec<String> = needing_a_move(&s).into_iter().take(2).collect();
    assert!(
        !ids.is_empty(),
        "the scenario has an attacker default to move"
    );
    let c = client(&s, false);
    let plan = make_plan(&s, &c, &ids, "contain-ato").await;
    for acct in &plan.accounts {
        let set = acct
            .steps
            .iter()
            .position(|x| matches!(x.op, Op::SetDefaultMfa { .. }))
            .unwrap_or_else(|| panic!("no default step: {:#?}", acct.steps));
        let step = &acct.steps[set];
        assert_eq!(step.action, ActionKind::RemoveAttackerMfa);
        assert_eq!(
            step.request.path,
            format!(
                "/beta/users/{}/authentication/signInPreferences",
                acct.user_id
            )
        );
        assert_eq!(
            step.before["userPreferredMethodForSecondaryAuthentication"],
            "push"
        );
        assert!(step.reversible);
        let (was, will) = reclaim_tui::contain_view::before_after(step);
        assert_eq!(was, "default MFA push");
        assert!(will.starts_with("default MFA ") && will != was, "{will}");
        assert!(step.verify[0].contains("/beta/"), "{:?}", step.verify);
        let delete = acct
            .steps
            .iter()
            .position(|x| {
                x.action == ActionKind::RemoveAttackerMfa
                    && matches!(
                        x.op,
                        Op::DeleteMethod {
                            kind: reclaim_graph::models::MethodKind::MicrosoftAuthenticator,
                            ..
                        }
                    )
            })
            .expect("the attacker's Authenticator is deleted");
        assert!(set < delete, "the default moves first");
    }
    let text = reclaim_contain::dry_run::render(Some(&c), &plan, &[]).await;
    assert!(text.contains("PATCH /beta/users/"), "{text}");
    assert!(mutating(&s).is_empty());

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
    let truth = s.ground_truth();
    for acct in &plan.accounts {
        let a = truth
            .compromised()
            .find(|a| a.user_id == acct.user_id)
            .unwrap();
        let Op::SetDefaultMfa { preferred } = &acct
            .steps
            .iter()
            .find(|x| matches!(x.op, Op::SetDefaultMfa { .. }))
            .unwrap()
            .op
        else {
            unreachable!()
        };
        // Read back through the client as the console would.
        let now = c
            .send_json::<reclaim_graph::models::SignInPreferences>(
                reclaim_graph::requests::get_sign_in_preferences(&acct.user_id),
            )
            .await
            .unwrap()
            .value;
        assert_eq!(
            now.user_preferred_method_for_secondary_authentication,
            Some(DefaultMfaMethod::from_wire(preferred))
        );
        s.with_tenant(|t| {
            let ms = &t.methods[&*a.user_id];
            assert!(!ms
                .iter()
                .any(|m| a.attacker_method_ids.contains(&m.id.to_string())
                    && m.kind == Some(MethodKind::MicrosoftAuthenticator)));
            for o in &a.owner_method_ids {
                assert!(ms.iter().any(|m| *m.id == **o), "owner method {o} kept");
            }
        });
    }

    // Undo: the attacker's `push` names no registered method any more, and Graph says so.
    let acct = &plan.accounts[0];
    let step = acct
        .steps
        .iter()
        .find(|x| matches!(x.op, Op::SetDefaultMfa { .. }))
        .unwrap();
    let e = undo(&c, &j, &step.id).await.unwrap_err();
    assert!(matches!(e, UndoError::Graph(_)), "{e}");
    assert!(e.to_string().contains("push"), "{e}");
    // Once the owner registers an Authenticator again, undo restores the earlier preference.
    s.with_tenant_mut(|t| {
        t.methods.get_mut(&*acct.user_id).unwrap().push(AuthMethod {
            id: "0wner0a0-0000-4000-8000-0000000000aa".into(),
            kind: Some(MethodKind::MicrosoftAuthenticator),
            display_name: Some("Owner's new phone".into()),
            ..AuthMethod::default()
        })
    });
    let done = undo(&c, &j, &step.id).await.unwrap();
    assert_eq!(
        done.op,
        Op::SetDefaultMfa {
            preferred: "push".into()
        }
    );
    let now = c
        .send_json::<reclaim_graph::models::SignInPreferences>(
            reclaim_graph::requests::get_sign_in_preferences(&acct.user_id),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(
        now.user_preferred_method_for_secondary_authentication,
        Some(DefaultMfaMethod::Push)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_default_is_deleted_last_and_a_refusal_stops_the_account_closed() {
    let s = campaign(300, 5, &knobs()).await;
    let ids: Vec<String> = needing_a_move(&s).into_iter().take(2).collect();
    assert!(!ids.is_empty());
    let c = client(&s, false);
    // The plan as made where beta signInPreferences cannot be read (v1.0 only, or 403).
    let mut inputs = Vec::new();
    for mut state in read_accounts(&c, &ids, 2).await.unwrap() {
        state.preferences = Some(PreferenceState::unreadable("403 Forbidden"));
        let id = state.user.as_ref().unwrap().id.clone();
        let pack = std::sync::Arc::new(reclaim_triage::Pack::embedded());
        let inv = reclaim_triage::gather::investigate(&c, pack, Default::default(), &id)
            .await
            .unwrap();
        inputs.push(AccountInput {
            state,
            evidence: evidence_from(&inv.assessment),
        });
    }
    let meta = PlanMeta {
        tenant: s.tenant_id.clone(),
        operator: "responder@test".into(),
        incident: Some("INC-TEST".into()),
        delegated: false,
        created: chrono::Utc::now(),
    };
    let pb = playbook::find("contain-ato", None).unwrap();
    let plan = build_plan(&meta, &pb, &inputs).unwrap();
    for acct in &plan.accounts {
        assert!(!acct
            .steps
            .iter()
            .any(|x| matches!(x.op, Op::SetDefaultMfa { .. })));
        assert!(
            acct.warnings
                .iter()
                .any(|w| w.contains("could not be read")),
            "{:?}",
            acct.warnings
        );
    }
    let truth = s.ground_truth();
    let owners_before: Vec<BTreeSet<String>> = s.with_tenant(|t| {
        ids.iter()
            .map(|id| {
                let a = truth.compromised().find(|a| &a.user_id == id).unwrap();
                t.methods[&**id]
                    .iter()
                    .filter(|m| a.owner_method_ids.contains(&m.id.to_string()))
                    .map(|m| m.id.to_string())
                    .collect()
            })
            .collect()
    });
    let dir = tempfile::tempdir().unwrap();
    let report = apply(
        &c,
        &journal(dir.path(), &s),
        &plan,
        &fast(),
        &CollectingSink::default(),
    )
    .await
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Partial);
    for a in &report.accounts {
        let AccountOutcome::Stopped { step } = &a.outcome else {
            panic!("{}", report.render());
        };
        let failed = a.steps.iter().find(|x| *x.id == **step).unwrap();
        assert_eq!(failed.action, ActionKind::RemoveAttackerMfa);
        assert!(
            matches!(&failed.status, StepStatus::Failed { error }
                if error.contains("default MFA method") && error.contains("never delete an owner's method")),
            "{:?}",
            failed.status
        );
        assert!(a
            .steps
            .iter()
            .any(|x| x.action == ActionKind::EnableSignin && x.status == StepStatus::NotRun));
        // Fail closed: the account stays blocked until the operator fixes the default.
        s.with_tenant(|t| {
            assert!(
                !t.users
                    .iter()
                    .find(|u| *u.id == *a.user_id)
                    .unwrap()
                    .account_enabled
            )
        });
    }
    // No owner method was deleted to get around the refusal.
    let owners_after: Vec<BTreeSet<String>> = s.with_tenant(|t| {
        ids.iter()
            .map(|id| {
                let a = truth.compromised().find(|a| &a.user_id == id).unwrap();
                t.methods[&**id]
                    .iter()
                    .filter(|m| a.owner_method_ids.contains(&m.id.to_string()))
                    .map(|m| m.id.to_string())
                    .collect()
            })
            .collect()
    });
    assert_eq!(owners_before, owners_after);
}
