//! Long reads of the sign-in and audit logs over real HTTP, against the simulator's log as
//! ground truth: a range the service times out on is split, paging that dies mid-way restarts
//! from the last record's timestamp, and nothing is lost or read twice, also when records
//! share a timestamp across a page boundary.

use chrono::{Duration, TimeZone, Utc};
use reclaim_graph::log_reader::{LogReader, LogRecord, LogStats, Time};
use reclaim_graph::{ClientOptions, Incomplete};
use reclaim_sim::knobs::{Knobs, LogFaults};
use reclaim_sim::{Profile, SimConfig, SimHandle};
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;

fn now() -> Time {
    Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap()
}

const PAGE: u32 = 200;

fn since() -> Time {
    now() - Duration::days(14)
}

/// 600 users (about 1,800 sign-ins in the window, read 200 a page), with every run of seven
/// sign-ins made to share one timestamp so that page boundaries fall inside a second.
async fn tenant() -> SimHandle {
    let cfg = SimConfig {
        users: 600,
        seed: 14,
        profile: Profile::Fast,
        now: Some(now()),
        ..SimConfig::default()
    };
    let sim = reclaim_sim::start(cfg).await.unwrap();
    sim.with_tenant_mut(|t| {
        for run in t.sign_ins.chunks_mut(7) {
            let first = run[0].created_date_time;
            run.iter_mut().for_each(|s| s.created_date_time = first);
        }
    });
    sim
}

fn knobs(logs: LogFaults) -> Knobs {
    Knobs {
        logs,
        ..Knobs::for_profile(Profile::Fast)
    }
}

/// The interactive sign-ins of the window: what `/auditLogs/signIns` must return.
fn true_sign_ins(sim: &SimHandle) -> BTreeSet<String> {
    sim.with_tenant(|t| {
        t.sign_ins
            .iter()
            .filter(|s| s.is_interactive && s.created_date_time >= since())
            .map(|s| s.id.text().to_string())
            .collect()
    })
}

fn true_audits(sim: &SimHandle) -> BTreeSet<String> {
    sim.with_tenant(|t| {
        t.directory_audits
            .iter()
            .filter(|a| a.activity_date_time >= since())
            .map(|a| a.id.clone())
            .collect()
    })
}

/// Every id read, failing on a repeat, and the reader's figures.
async fn read_all<T: LogRecord + DeserializeOwned + Send + 'static>(
    mut reader: LogReader<T>,
) -> (BTreeSet<String>, LogStats, Option<Incomplete>) {
    let mut ids = BTreeSet::new();
    let mut stop = None;
    while let Some(page) = reader.next_page().await {
        match page {
            Ok(p) => {
                for item in &p.items {
                    assert!(
                        ids.insert(item.record_id().to_string()),
                        "read twice: {}",
                        item.record_id()
                    );
                }
            }
            Err(e) => stop = Some(e),
        }
    }
    (ids, reader.stats(), stop)
}

fn client(sim: &SimHandle) -> reclaim_graph::GraphClient {
    // Unpaced: the test is about what is read, not about the reports budget.
    let opts = ClientOptions {
        limits: reclaim_graph::throttle::Limits::none(),
        ..ClientOptions::default()
    };
    reclaim::cli::connect::sim_app_client(sim, &sim.apps.read_only, opts).unwrap()
}

/// How many requests the simulator answered with `status` on a log path.
fn answered(sim: &SimHandle, path: &str, status: u16) -> usize {
    sim.request_log()
        .iter()
        .filter(|e| e.path.contains(path) && e.status == status)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ins_survive_dead_next_links_and_timeouts_without_loss_or_repeats() {
    let sim = tenant().await;
    let truth = true_sign_ins(&sim);
    assert!(
        truth.len() > 1_000,
        "enough for several pages: {}",
        truth.len()
    );
    let c = client(&sim);

    // Paging dies after two pages of every query: restarts from the last record.
    sim.set_knobs(knobs(LogFaults {
        next_link_pages: Some(2),
        ..LogFaults::default()
    }));
    let (ids, stats, stop) =
        read_all(c.read_sign_ins(true, since(), now(), None).page_size(PAGE)).await;
    assert!(stop.is_none(), "{stop:?}");
    assert_eq!(ids, truth, "nothing lost, nothing repeated");
    assert!(stats.restarts >= 1, "{stats:?}");
    assert!(
        stats.repeats > 0,
        "page boundaries inside a second: {stats:?}"
    );
    assert!(answered(&sim, "/auditLogs/signIns", 400) >= 1);
    assert_eq!(stats.records as usize, truth.len());

    // The service times out on more than 500 records: the window is read in parts.
    sim.clear_request_log();
    sim.set_knobs(knobs(LogFaults {
        timeout_above: Some(500),
        ..LogFaults::default()
    }));
    let (ids, stats, stop) =
        read_all(c.read_sign_ins(false, since(), now(), None).page_size(PAGE)).await;
    assert!(stop.is_none(), "{stop:?}");
    assert_eq!(ids, truth);
    assert!(stats.splits >= 2, "{stats:?}");
    assert!(answered(&sim, "/auditLogs/signIns", 504) >= 2);

    // Both at once, with one page allowed per query.
    sim.set_knobs(knobs(LogFaults {
        timeout_above: Some(800),
        next_link_pages: Some(1),
    }));
    let (ids, stats, stop) =
        read_all(c.read_sign_ins(true, since(), now(), None).page_size(PAGE)).await;
    assert!(stop.is_none(), "{stop:?}");
    assert_eq!(ids, truth);
    assert!(stats.splits >= 1 && stats.restarts >= 1, "{stats:?}");

    // One record a page, one page a query, seven records a second: a restart brings only the
    // record already read, again and again. The reader gives the rest up, reported, instead
    // of looping.
    sim.set_knobs(knobs(LogFaults {
        next_link_pages: Some(1),
        ..LogFaults::default()
    }));
    let reader = c.read_sign_ins(false, since(), now(), None).page_size(1);
    let (ids, stats, stop) = read_all(reader).await;
    assert_eq!(ids.len(), 1, "{stats:?}");
    assert!(stats.repeats >= 3, "{stats:?}");
    assert!(matches!(stop, Some(Incomplete::Gaps { .. })), "{stop:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audits_are_read_whole_and_a_range_that_keeps_failing_is_reported() {
    let sim = tenant().await;
    let truth = true_audits(&sim);
    assert!(!truth.is_empty());
    let c = client(&sim);
    sim.set_knobs(knobs(LogFaults {
        timeout_above: Some(truth.len() / 3),
        next_link_pages: Some(1),
    }));
    let (ids, stats, stop) = read_all(
        c.read_directory_audits(since(), now(), None)
            .page_size(PAGE),
    )
    .await;
    assert!(stop.is_none(), "{stop:?}");
    assert_eq!(ids, truth);
    assert!(stats.splits >= 1, "{stats:?}");

    // Nothing small enough: split down to the floor (four days), then reported, never
    // passed over in silence; what could be read is read.
    sim.set_knobs(knobs(LogFaults {
        timeout_above: Some(0),
        ..LogFaults::default()
    }));
    let reader = c
        .read_directory_audits(since(), now(), None)
        .page_size(PAGE)
        .floor(Duration::days(4));
    let (ids, stats, stop) = read_all(reader).await;
    assert!(ids.is_empty());
    assert!(stats.splits >= 2, "{stats:?}");
    match stop {
        Some(Incomplete::Gaps { count, .. }) => assert!(count >= 1),
        other => panic!("a gap must be reported: {other:?}"),
    }
}
