//! Finding 9 of #17: under `hostile`, a 500 on a rule DELETE stopped that account until the
//! next `apply`. An idempotent write (DELETE, PATCH to a fixed value) whose read-back shows it
//! not done is now sent again within the run, each retry journaled; other writes stay
//! fail-closed.

use super::env;
use reclaim_audit::Journal;
use reclaim_contain::apply::{apply, ApplyOptions, CollectingSink};
use reclaim_contain::planner::{self, PlanMeta};
use reclaim_contain::playbook::Playbook;
use reclaim_contain::report::Verdict;
use reclaim_contain::ActionKind;
use reclaim_core::secrets::MemoryStore;
use reclaim_sim::knobs::{FaultRates, Knobs};
use reclaim_sim::Profile;
use std::sync::Arc;
use std::time::Duration;

async fn run(write_attempts: u32) -> (Verdict, String, Vec<(String, String)>, usize) {
    let e = env(120, 9).await;
    let truth = e.sim.ground_truth();
    let ids: Vec<String> = truth
        .compromised()
        .filter(|a| !a.malicious_rule_ids.is_empty())
        .map(|a| a.user_id.clone())
        .collect();
    let c = e.client();
    let pb = Playbook::from_actions(&[
        ActionKind::DisableSignin,
        ActionKind::RemoveAttackerMfa,
        ActionKind::RemoveMaliciousRules,
    ])
    .unwrap();
    let meta = PlanMeta {
        tenant: e.sim.tenant_id.clone(),
        operator: "responder@test".into(),
        incident: Some("INC-500".into()),
        delegated: false,
        created: chrono::Utc::now(),
    };
    let plan = planner::make_plan(&c, &ids, &pb, &meta, None)
        .await
        .unwrap();
    // Handlers crash (500, before touching state) on a third of all requests, reads included.
    e.sim.set_knobs(Knobs {
        faults: FaultRates {
            internal_error: 0.35,
            ..FaultRates::NONE
        },
        ..Knobs::for_profile(Profile::Fast)
    });
    let j = Journal::open(
        &e.audit(),
        &e.sim.tenant_id,
        "responder@test",
        Arc::new(MemoryStore::default()),
    )
    .unwrap();
    // One account at a time: the simulator's fault draws then come in a fixed order.
    let opts = ApplyOptions {
        concurrency: 1,
        verify_delay: Duration::from_millis(5),
        write_attempts,
        ..ApplyOptions::default()
    };
    let report = apply(&c, &j, &plan, &opts, &CollectingSink::default())
        .await
        .unwrap();
    let text = std::fs::read_to_string(j.path()).unwrap();
    let sent: Vec<(String, String)> = e
        .sim
        .request_log()
        .into_iter()
        .filter(|l| l.is_mutating())
        .map(|l| (l.method, l.path))
        .collect();
    (report.verdict(), text, sent, plan.step_count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotent_writes_are_retried_after_a_5xx_and_a_read_back() {
    let (before, _, _, _) = run(1).await;
    assert_ne!(
        before,
        Verdict::Success,
        "one attempt per write: a 500 stops the step"
    );

    let (verdict, journal, sent, steps) = run(12).await;
    assert_eq!(verdict, Verdict::Success);
    let retries = journal.matches("\"retry\"").count();
    assert!(retries > 0, "the 500s were retried, and journaled");
    assert!(
        sent.len() > steps,
        "some writes went twice ({} for {steps})",
        sent.len()
    );
    assert!(
        sent.iter().all(|(m, _)| m == "DELETE" || m == "PATCH"),
        "only idempotent writes"
    );
}
