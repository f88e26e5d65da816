//! Read-only mode sends nothing that mutates; a write whose answer is lost is read back, not
//! sent again.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_sends_nothing_that_mutates() {
    let s = campaign(200, 3, &ScenarioKnobs::default()).await;
    let ids: Vec<String> = s
        .ground_truth()
        .compromised()
        .take(1)
        .map(|a| a.user_id.clone())
        .collect();
    let rw = client(&s, false);
    let plan = make_plan(&s, &rw, &ids, "contain-ato").await;
    let ro = client(&s, true);
    let dir = tempfile::tempdir().unwrap();
    let report = apply(
        &ro,
        &journal(dir.path(), &s),
        &plan,
        &fast(),
        &CollectingSink::default(),
    )
    .await
    .unwrap();
    assert_eq!(report.verdict(), Verdict::Failure, "{}", report.render());
    assert!(mutating(&s).is_empty());
}

/// Every write is carried out but its answer is lost (the connection drops): apply reads each
/// step's state back at once, as a resumed run would, and finishes the accounts in one run
/// with every request sent exactly once, instead of stopping each at its first lost answer.
#[tokio::test]
async fn lost_write_responses_are_read_back_not_repeated() {
    use reclaim_contain::playbook::Playbook;
    use reclaim_sim::knobs::{FaultRates, Knobs};
    let s = campaign(250, 13, &ScenarioKnobs::default()).await;
    let truth = s.ground_truth();
    let ids: Vec<String> = truth.compromised().map(|a| a.user_id.clone()).collect();
    let c = client(&s, false);
    // No password reset or TAP: a lost answer there loses the secret, so those stay unknown.
    let pb = Playbook::from_actions(&[
        ActionKind::DisableSignin,
        ActionKind::RevokeSessions,
        ActionKind::RemoveAttackerMfa,
        ActionKind::RestorePhone,
        ActionKind::RemoveMaliciousRules,
        ActionKind::ConfirmCompromised,
    ])
    .unwrap();
    let meta = PlanMeta {
        tenant: s.tenant_id.clone(),
        operator: "responder@test".into(),
        incident: Some("INC-LOST".into()),
        delegated: false,
        created: chrono::Utc::now(),
    };
    let plan = planner::make_plan(&c, &ids, &pb, &meta, None)
        .await
        .unwrap();
    s.set_knobs(Knobs {
        faults: FaultRates {
            lost_write_response: 1.0,
            ..FaultRates::NONE
        },
        ..Knobs::for_profile(Profile::Fast)
    });
    let dir = tempfile::tempdir().unwrap();
    let j = journal(dir.path(), &s);
    let sink = CollectingSink::default();
    let report = apply(&c, &j, &plan, &fast(), &sink).await.unwrap();
    assert_eq!(
        report.graph_verdict(),
        Verdict::Success,
        "{}",
        report.render()
    );
    let steps = plan.step_count();
    assert!(steps >= ids.len() * 3, "{steps}");
    let journal_text = std::fs::read_to_string(j.path()).unwrap();
    assert_eq!(
        journal_text
            .matches("read back after the response was lost")
            .count(),
        steps,
        "every step's answer was lost and read back"
    );
    let mut sent: Vec<(String, String)> = mutating(&s);
    let mut planned: Vec<(String, String)> = plan
        .accounts
        .iter()
        .flat_map(|a| &a.steps)
        .map(|st| (st.request.method.to_string(), st.request.path.clone()))
        .collect();
    sent.sort();
    planned.sort();
    assert_eq!(sent, planned, "each write sent once");
}
