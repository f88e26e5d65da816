//! Triage over logs the service struggles with (the simulator's `LogFaults`): the same
//! verdicts as over a healthy service, the paging totals reported per source, and a range that
//! cannot be read reported (partial, exit 3), never dropped in silence.

use super::support::*;
use reclaim_graph::ClientOptions;
use reclaim_sim::knobs::{Knobs, LogFaults};
use reclaim_sim::{Profile, SimHandle};
use reclaim_triage::gather::{gather, GatherOptions, Gathered};
use reclaim_triage::model::SourceRead;
use reclaim_triage::Pack;
use std::sync::Arc;

fn faulty(logs: LogFaults) -> Knobs {
    Knobs {
        logs,
        ..Knobs::for_profile(Profile::Fast)
    }
}

async fn triage(sim: &SimHandle, gather_opts: GatherOptions) -> Gathered {
    let opts = ClientOptions {
        limits: reclaim_graph::throttle::Limits::none(),
        ..ClientOptions::default()
    };
    let c = reclaim::cli::connect::sim_app_client(sim, &sim.apps.read_only, opts).unwrap();
    gather(&c, Arc::new(Pack::embedded()), gather_opts, None)
        .await
        .unwrap()
}

fn read<'a>(got: &'a Gathered, source: &str) -> &'a SourceRead {
    got.reads
        .iter()
        .rfind(|r| r.source == source)
        .unwrap_or_else(|| panic!("no read of {source}: {:?}", got.reads))
}

fn verdicts(got: &Gathered) -> Vec<(String, u8, String)> {
    let mut v: Vec<_> = got
        .accounts
        .iter()
        .map(|a| (a.id.clone(), a.score, a.verdict.as_str().to_string()))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_and_dead_next_links_change_no_verdict_and_are_counted() {
    let now = campaign_now();
    let sim = campaign(1_000, 2024, now, &Default::default()).await;
    let opts = GatherOptions {
        now: Some(now),
        ..GatherOptions::default()
    };
    let healthy = triage(&sim, opts.clone()).await;
    assert!(healthy.complete, "{:?}", healthy.warnings);
    let plain = read(&healthy, "sign-ins").clone();
    assert!(plain.pages >= 2 && plain.complete && plain.splits == 0 && plain.restarts == 0);

    sim.set_knobs(faulty(LogFaults {
        timeout_above: Some(2_000),
        next_link_pages: Some(1),
    }));
    let struggling = triage(&sim, opts).await;
    assert!(struggling.complete, "{:?}", struggling.warnings);
    assert_eq!(verdicts(&struggling), verdicts(&healthy));
    let hard = read(&struggling, "sign-ins");
    assert_eq!(hard.records, plain.records, "every sign-in, once");
    assert!(
        hard.complete && hard.splits >= 1 && hard.restarts >= 1,
        "{hard:?}"
    );
    for r in &healthy.reads {
        assert_eq!(
            read(&struggling, &r.source).records,
            r.records,
            "{}",
            r.source
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_range_that_cannot_be_read_is_reported_not_dropped() {
    let now = campaign_now();
    let sim = campaign(300, 7, now, &Default::default()).await;
    sim.set_knobs(faulty(LogFaults {
        timeout_above: Some(0),
        ..LogFaults::default()
    }));
    let opts = GatherOptions {
        now: Some(now),
        split_floor: chrono::Duration::days(4),
        ..GatherOptions::default()
    };
    let got = triage(&sim, opts).await;
    assert!(!got.complete);
    let sign_ins = read(&got, "sign-ins");
    assert!(!sign_ins.complete && sign_ins.splits >= 2, "{sign_ins:?}");
    assert!(
        got.warnings
            .iter()
            .any(|w| w.starts_with("sign-ins: stopped early") && w.contains("could not be read")),
        "{:?}",
        got.warnings
    );
}

/// The binary: `reads` in the JSON, beside the contract's fields.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_json_reports_records_and_pages_per_source() {
    let sim = campaign(150, 11, chrono::Utc::now(), &Default::default()).await;
    sim.set_knobs(faulty(LogFaults {
        timeout_above: Some(300),
        ..LogFaults::default()
    }));
    let home = tempfile::tempdir().unwrap();
    let before = chrono::Utc::now();
    let mut command = crate::common::reclaim_as(&sim, &sim.apps.read_only, home.path());
    command.args(["triage", "--json"]);
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reads = v["reads"].as_array().expect("reads");
    let sign_ins = reads
        .iter()
        .find(|r| r["source"] == "sign-ins")
        .expect("sign-ins read");
    // The binary's window starts between these two instants (in whole seconds).
    let window = chrono::Duration::days(14);
    let count = |since: chrono::DateTime<chrono::Utc>| {
        sim.with_tenant(|t| {
            t.sign_ins
                .iter()
                .filter(|s| s.is_interactive && s.created_date_time >= since)
                .count() as u64
        })
    };
    let (most, least) = (
        count(before - window - chrono::Duration::seconds(1)),
        count(chrono::Utc::now() - window),
    );
    let records = sign_ins["records"].as_u64().unwrap();
    assert!(
        (least..=most).contains(&records),
        "{least} <= {records} <= {most}"
    );
    assert!(sign_ins["pages"].as_u64().unwrap() >= 2);
    assert!(sign_ins["splits"].as_u64().unwrap() >= 1);
    assert_eq!(sign_ins["complete"], true);
    for r in reads {
        for key in [
            "source", "records", "pages", "complete", "splits", "restarts",
        ] {
            assert!(r.get(key).is_some(), "{key} missing: {r}");
        }
    }
}
