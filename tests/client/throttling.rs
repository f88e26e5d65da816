//! Throttling in the realistic and hostile profiles: every request eventually served, no
//! mutating request processed twice (checked in the simulator's request log).

use super::support::*;
use reclaim_graph::requests;
use reclaim_graph::throttle::{Limits, Window};
use reclaim_graph::{ClientOptions, GraphClient};
use reclaim_sim::knobs::{Knobs, Limits as SimLimits, RateLimit};
use reclaim_sim::{Profile, SimConfig, SimHandle};
use std::collections::HashMap;
use std::time::Duration;

/// For every mutating (method, path), entries the service processed (anything but 429/503).
fn processed_writes(s: &SimHandle) -> HashMap<(String, String), usize> {
    let mut m = HashMap::new();
    for e in s
        .request_log()
        .iter()
        .filter(|e| e.is_mutating() && e.status != 429 && e.status != 503)
    {
        *m.entry((e.method.clone(), e.path.clone())).or_default() += 1;
    }
    m
}

async fn workload(c: &GraphClient, s: &SimHandle, ids: &[String]) -> (usize, usize, usize) {
    let mut reads = Vec::new();
    reads.push(tokio::spawn({
        let c = c.clone();
        async move {
            c.list_users(None, Some(20), false)
                .collect()
                .await
                .map(|x| assert!(x.is_complete()))
        }
    }));
    for id in ids.iter().take(4) {
        let (c2, id) = (c.clone(), id.clone());
        reads.push(tokio::spawn(async move {
            c2.get_risky_user(&id).await.map(|_| ())
        }));
    }
    for id in ids.iter().take(8) {
        let (c2, id) = (c.clone(), id.clone());
        reads.push(tokio::spawn(async move {
            c2.list_sign_ins(Some(&format!("userId eq '{id}'")), Some(50))
                .collect()
                .await
                .map(|_| ())
        }));
    }
    let cfo = user_id(s, "cfo");
    for _ in 0..8 {
        let (c2, cfo) = (c.clone(), cfo.clone());
        reads.push(tokio::spawn(async move {
            c2.list_inbox_rules(&cfo).collect().await.map(|_| ())
        }));
    }
    let mut writes = Vec::new();
    for id in ids.iter().take(10) {
        let (c2, id) = (c.clone(), id.clone());
        writes.push(tokio::spawn(async move {
            c2.send_empty(requests::revoke_sign_in_sessions(&id))
                .await
                .map(|_| ())
        }));
    }
    let total_reads = reads.len();
    for r in reads {
        r.await.unwrap().expect("every read is eventually served");
    }
    let (mut ok, mut unknown) = (0, 0);
    for w in writes {
        match w.await.unwrap() {
            Ok(()) => ok += 1,
            Err(e) if e.is_outcome_unknown() => unknown += 1,
            Err(e) => panic!("write failed: {e}"),
        }
    }
    (total_reads, ok, unknown)
}

/// The simulator's limits with the windows shortened on both sides so a test is quick.
fn short_windows() -> SimLimits {
    SimLimits {
        identity_protection: RateLimit::new(1, Duration::from_millis(250)),
        reports: RateLimit::new(5, Duration::from_secs(2)),
        ..SimLimits::default()
    }
}

/// The fixture tenant plus 20 clerks under `profile` and `knobs`, the CFO with a mailbox and
/// four users risky at `level`; with every user's id.
async fn busy_tenant(profile: Profile, knobs: Knobs, level: &str) -> (SimHandle, Vec<String>) {
    let s = sim_with_users(
        SimConfig {
            knobs: Some(knobs),
            ..SimConfig::with_profile(profile)
        },
        20,
    )
    .await;
    add_mailbox(&s, &user_id(&s, "cfo"));
    let ids: Vec<String> = s.with_tenant(|t| t.users.iter().map(|u| u.id.to_string()).collect());
    for id in ids.iter().take(4) {
        add_risky_user(&s, id, level);
    }
    (s, ids)
}

/// The `full` app pacing identity protection (1 request) and reports (5 requests) over these
/// windows, in milliseconds.
fn paced_client(s: &SimHandle, identity_protection_ms: u64, reports_ms: u64) -> GraphClient {
    let limits = Limits {
        identity_protection: Window {
            limit: 1,
            period: Duration::from_millis(identity_protection_ms),
        },
        reports: Window {
            limit: 5,
            period: Duration::from_millis(reports_ms),
        },
        ..Limits::default()
    };
    app(
        s,
        ClientOptions {
            limits,
            ..Default::default()
        },
    )
}

#[tokio::test]
async fn realistic_profile_stays_within_the_limits_without_429s() {
    // Realistic latency and every limit, with the windows shortened on both sides so the
    // test is quick; the client keeps its usual margins over them.
    let knobs = Knobs {
        limits: Some(short_windows()),
        ..Knobs::for_profile(Profile::Realistic)
    };
    let (s, ids) = busy_tenant(Profile::Realistic, knobs, "medium").await;
    // Margins over the shortened windows larger than the latency jitter (40-150 ms), as the
    // default margins are over the real ones.
    let c = paced_client(&s, 450, 2300);
    s.clear_request_log();
    let (reads, ok, unknown) = workload(&c, &s, &ids).await;
    assert_eq!((ok, unknown), (10, 0));
    assert!(reads >= 20);
    let log = s.request_log();
    let throttled: Vec<_> = log.iter().filter(|e| e.status == 429).collect();
    assert!(
        throttled.is_empty(),
        "the scheduler bounced off the limits: {throttled:?}"
    );
    assert!(processed_writes(&s).values().all(|n| *n == 1));
    assert!(
        c.progress_snapshot().throttle_waits > 0,
        "the scheduler had to hold requests back"
    );
}

#[tokio::test]
async fn realistic_identity_protection_limit_with_the_documented_numbers() {
    let s = sim(SimConfig::with_profile(Profile::Realistic)).await;
    let c = app(&s, ClientOptions::default());
    let cfo = user_id(&s, "cfo");
    add_risky_user(&s, &cfo, "high");
    s.clear_request_log();
    for _ in 0..3 {
        c.get_risky_user(&cfo).await.unwrap();
    }
    assert!(
        s.request_log().iter().all(|e| e.status != 429),
        "1 request/s per tenant is kept"
    );
}

#[tokio::test]
async fn hostile_profile_every_request_is_served_and_no_write_is_repeated() {
    let mut knobs = Knobs {
        limits: Some(short_windows()),
        ..Knobs::for_profile(Profile::Hostile)
    };
    // Faults more often than the profile's default, so a short run meets each kind.
    knobs.faults.throttled = 0.15;
    knobs.faults.unavailable = 0.08;
    knobs.faults.gateway_timeout = 0.05;
    knobs.faults.connection_reset = 0.05;
    knobs.faults.slow_body_duration = Duration::from_millis(300);
    let (s, ids) = busy_tenant(Profile::Hostile, knobs, "high").await;
    let c = paced_client(&s, 300, 2200);
    s.clear_request_log();
    let (reads, ok, unknown) = workload(&c, &s, &ids).await;
    assert_eq!(ok + unknown, 10);
    assert!(reads >= 20);
    // No mutating request was processed twice, whatever happened to its response.
    let writes = processed_writes(&s);
    assert!(
        writes.values().all(|n| *n <= 1),
        "a write was repeated: {writes:?}"
    );
    assert!(
        writes.len() >= ok,
        "every write reported done was processed once: {writes:?}"
    );
    let log = s.request_log();
    assert!(
        log.iter().any(|e| e.status == 429 || e.status == 503),
        "the hostile profile injected faults"
    );
    let snap = c.progress_snapshot();
    assert!(snap.retries > 0, "{snap:?}");
}
