//! Pacing over real HTTP: the gather, with an operator's investigation cutting in, stays
//! under the realistic profile's limits instead of bouncing off them (no 429 in the
//! simulator's request log). Windows and latency are scaled down on both sides by the same
//! factor (`time_scaled`), which keeps every ratio of the real profile.

use super::support::*;
use reclaim_graph::throttle::Limits;
use reclaim_graph::ClientOptions;
use reclaim_sim::knobs::Knobs;
use reclaim_sim::scenario::ScenarioKnobs;
use reclaim_sim::Profile;
use reclaim_triage::gather::{gather, investigate, GatherOptions};
use reclaim_triage::Pack;
use std::sync::Arc;

const SCALE: f64 = 10.0;

#[tokio::test]
async fn the_gather_and_an_operator_read_provoke_no_429_on_the_realistic_profile() {
    let s = campaign(300, 7, campaign_now(), &ScenarioKnobs::default()).await;
    s.set_knobs(Knobs::for_profile(Profile::Realistic).time_scaled(SCALE));
    let opts = ClientOptions {
        limits: Limits::default().time_scaled(SCALE),
        ..ClientOptions::default()
    };
    let c = reclaim::cli::connect::sim_app_client(&s, &s.apps.read_only, opts).unwrap();
    let pack = Arc::new(Pack::embedded());
    let gopts = GatherOptions {
        now: Some(campaign_now()),
        ..GatherOptions::default()
    };
    let target = s
        .ground_truth()
        .compromised()
        .next()
        .map(|a| a.user_id.clone())
        .expect("the campaign compromises someone");
    s.clear_request_log();
    let bg = c.background();
    let (gathered, investigated) =
        tokio::join!(gather(&bg, pack.clone(), gopts.clone(), None), async {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            investigate(&c, pack.clone(), gopts.clone(), &target).await
        });
    let gathered = gathered.unwrap();
    investigated.unwrap();
    assert!(gathered.complete, "{:?}", gathered.warnings);
    let log = s.request_log();
    let graph: Vec<_> = log
        .iter()
        .filter(|e| e.path.starts_with("/v1.0/") || e.path.starts_with("/beta/"))
        .collect();
    let throttled: Vec<_> = graph.iter().filter(|e| e.status == 429).collect();
    eprintln!(
        "pacing: {} Graph requests, {} throttled",
        graph.len(),
        throttled.len()
    );
    assert!(
        graph.len() > 100,
        "a real workload: {} requests",
        graph.len()
    );
    assert!(
        throttled.is_empty(),
        "{} of {} requests got 429: {throttled:?}",
        throttled.len(),
        graph.len()
    );
}
