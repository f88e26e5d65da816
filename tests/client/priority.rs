//! Priority in the throttle scheduler over real HTTP: an operator read issued while
//! background work holds the reports budget is served first, and background work resumes
//! after it (both read from the simulator's request log).

use super::support::*;
use reclaim_graph::throttle::Limits;
use reclaim_graph::ClientOptions;
use reclaim_sim::knobs::{Knobs, Limits as SimLimits};
use reclaim_sim::{Profile, SimConfig};
use std::time::Duration;

/// The documented limits at a fifth of their windows on both sides (reports: 5 per 2 s).
const SCALE: f64 = 5.0;

fn is_reports(path: &str) -> bool {
    path.contains("/auditLogs/") || path.ends_with("/authentication/methods")
}

#[tokio::test]
async fn an_operator_read_is_served_before_queued_background_reads() {
    let knobs = Knobs::limits_only(SimLimits::default()).time_scaled(SCALE);
    let s = sim_with_users(
        SimConfig {
            knobs: Some(knobs),
            ..SimConfig::with_profile(Profile::Realistic)
        },
        20,
    )
    .await;
    let c = app(
        &s,
        ClientOptions {
            limits: Limits::default().time_scaled(SCALE),
            ..Default::default()
        },
    );
    let cfo = user_id(&s, "cfo");
    let ids: Vec<String> = s.with_tenant(|t| t.users.iter().map(|u| u.id.to_string()).collect());
    s.clear_request_log();

    // Background work (the gather's kind): 15 sign-in reads, three windows of the budget.
    let bg = c.background();
    let mut tasks = Vec::new();
    for id in ids.iter().filter(|i| **i != cfo).take(15) {
        let (bg, id) = (bg.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            let filter = format!("userId eq '{id}'");
            bg.list_sign_ins(Some(&filter), Some(5)).collect().await
        }));
    }
    // Wait until the background holds the whole first window.
    let held = async {
        while s
            .request_log()
            .iter()
            .filter(|e| is_reports(&e.path))
            .count()
            < 5
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), held)
        .await
        .expect("the background reads start");

    let methods = c.list_methods(&cfo).collect().await.unwrap();
    assert!(methods.is_complete());
    for t in tasks {
        assert!(
            t.await.unwrap().unwrap().is_complete(),
            "background resumed"
        );
    }

    let log: Vec<_> = s
        .request_log()
        .into_iter()
        .filter(|e| is_reports(&e.path))
        .collect();
    assert!(log.iter().all(|e| e.status == 200), "no 429: {log:?}");
    assert_eq!(log.len(), 16);
    let op = log
        .iter()
        .position(|e| {
            e.path
                .ends_with(&format!("/users/{cfo}/authentication/methods"))
        })
        .expect("the operator read was served");
    // FIFO would have put it last, behind the ten queued background reads. It takes the first
    // free slot; at most the three slots its window still has after the operator's own
    // headroom (a fifth of the window) go to background work at the same moment.
    let queued_behind = log.len() - 1 - op;
    assert!(
        op >= 5 && queued_behind >= 7,
        "operator read at {op} of {}: {:?}",
        log.len(),
        log.iter().map(|e| &e.path).collect::<Vec<_>>()
    );
}
