//! Finding 10 of #17: after a kill between a step's intent and its request, the resumed run
//! wrote a new intent and left the first one open for ever. It now closes it, outcome
//! `superseded`, before the new intent; nothing stays pending.

use super::env;
use reclaim_audit::{read_records, step_states, Journal, RecordKind, StepIntent, StepResult};
use reclaim_contain::apply::{apply, ApplyOptions, CollectingSink};
use reclaim_contain::planner::{self, PlanMeta};
use reclaim_contain::report::Verdict;
use reclaim_contain::{playbook, ActionKind};
use reclaim_core::secrets::MemoryStore;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_intent_is_closed_by_the_resumed_run() {
    let e = env(60, 10).await;
    let (id, _) = e.ruled();
    let c = e.client();
    let meta = PlanMeta {
        tenant: e.sim.tenant_id.clone(),
        operator: "responder@test".into(),
        incident: Some("INC-KILL".into()),
        delegated: false,
        created: chrono::Utc::now(),
    };
    // The Graph steps of contain-ato (its Exchange hand-over keeps the verdict partial until
    // acknowledged, which is not what this test is about).
    let pb = playbook::Playbook::from_actions(&[
        ActionKind::DisableSignin,
        ActionKind::RevokeSessions,
        ActionKind::RemoveMaliciousRules,
    ])
    .unwrap();
    let plan = planner::make_plan(&c, &[id], &pb, &meta, None)
        .await
        .unwrap();
    let store = Arc::new(MemoryStore::default());
    let open = || {
        Journal::open(
            &e.audit(),
            &e.sim.tenant_id,
            "responder@test",
            store.clone(),
        )
    };
    // The killed run: the first step's intent is durable, its request never left.
    let first = &plan.accounts[0].steps[0];
    let killed = open().unwrap();
    let old = killed
        .intent(StepIntent {
            incident: plan.incident.clone(),
            plan_id: plan.id.clone(),
            step_id: first.id.clone(),
            action: first.action.name().into(),
            target: plan.accounts[0].user_principal_name.clone(),
            before: json!({}),
            request: first.request.summary(),
        })
        .unwrap();
    drop(killed);

    let j = open().unwrap();
    let opts = ApplyOptions {
        verify_delay: Duration::from_millis(5),
        ..ApplyOptions::default()
    };
    let report = apply(&c, &j, &plan, &opts, &CollectingSink::default())
        .await
        .unwrap();
    assert_eq!(report.verdict(), Verdict::Success, "{}", report.render());
    let path = j.path().to_path_buf();
    j.close().unwrap();

    let (records, _) = read_records(&path).unwrap();
    let closing: Vec<_> = records
        .iter()
        .filter(|r| r.kind == RecordKind::Outcome && r.intent.as_ref() == Some(&old))
        .collect();
    assert_eq!(closing.len(), 1, "the old intent has exactly one outcome");
    assert!(matches!(
        closing[0].result,
        Some(StepResult::Superseded { .. })
    ));
    // Every intent has its outcome; the step is done under its new intent.
    let intents = records
        .iter()
        .filter(|r| r.kind == RecordKind::Intent)
        .count();
    let outcomes = records
        .iter()
        .filter(|r| r.kind == RecordKind::Outcome)
        .count();
    assert_eq!(intents, outcomes, "no intent left pending");
    let states = step_states(&records, Some(&plan.id));
    assert!(states.values().all(|s| s.label() == "done"), "{states:?}");
    let csv = reclaim_audit::export::to_csv(&records);
    assert!(csv.contains("superseded"));
}
