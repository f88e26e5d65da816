//! Triage against the simulated campaign over real HTTP: recall and precision against the
//! ground truth at 2,000 and 10,000 users, on the default mix and on a second seed with a
//! different trace mix; gather time, the time to the first assessed accounts, and the gather
//! time as a ratio of a baseline measured in the same run (paging the window's sign-ins alone,
//! the least any triage must read).
//!
//! Each seed is judged on every licence tier (issue 14): P2, P1 (no Identity Protection) and
//! free (no Identity Protection, no sign-in log, 7 days of audits), with the compromised
//! accounts that stay detectable without sign-ins (`GroundTruth::detectable_without_sign_ins`)
//! counted apart. The sign-in paging baseline is measured on P2, before the tier is set.
//! Bounds: recall 1.0 on P2 and P1; on free, the accounts detectable without sign-ins recalled
//! at 1.0 (the rest left only what an owner's own new phone leaves); precision 0.95 on all.
//!
//! `cargo bench --bench triage` (fast profile, no client-side limits). With
//! `TRIAGE_BENCH_REALISTIC=1` it also runs 2,000 users under the `realistic` profile and the
//! client's real throttle budgets, for the time to the first screen.

use chrono::{TimeZone, Utc};
use reclaim_graph::throttle::Limits;
use reclaim_graph::{ClientOptions, GraphClient};
use reclaim_sim::model::Time;
use reclaim_sim::scenario::{self, ScenarioKnobs};
use reclaim_sim::{Licence, LicenceSettings, Profile, SimConfig, SimHandle};
use reclaim_triage::gather::{gather, GatherEvent, GatherOptions};
use reclaim_triage::{Pack, Verdict};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn now() -> Time {
    Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap()
}

async fn sim(users: usize, seed: u64, knobs: &ScenarioKnobs, profile: Profile) -> SimHandle {
    let scenario = scenario::generate_with("campaign-2024", users, seed, now(), knobs).unwrap();
    let cfg = SimConfig {
        users,
        seed,
        profile,
        now: Some(now()),
        ..SimConfig::default()
    };
    reclaim_sim::start_with(cfg, scenario).await.unwrap()
}

fn client(sim: &SimHandle, limits: Limits) -> GraphClient {
    let opts = ClientOptions {
        limits,
        ..ClientOptions::default()
    };
    reclaim::cli::connect::sim_app_client(sim, &sim.apps.read_only, opts).unwrap()
}

struct Run {
    recall: f64,
    precision: f64,
    compromised: usize,
    called: usize,
    first_accounts: Duration,
    gather: Duration,
    baseline: Duration,
    shortlist: usize,
    /// Compromised accounts detectable without sign-ins, and how many were called.
    detectable: usize,
    detectable_called: usize,
}

async fn run(
    users: usize,
    seed: u64,
    knobs: &ScenarioKnobs,
    profile: Profile,
    limits: Limits,
    tier: Licence,
) -> Run {
    let sim = sim(users, seed, knobs, profile).await;
    let c = client(&sim, limits);
    let since = now() - chrono::Duration::days(14);

    // Baseline: page the window's sign-ins, nothing else.
    let t = Instant::now();
    let filter = format!(
        "createdDateTime ge {}",
        since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let all = c
        .list_sign_ins_beta(Some(&filter), Some(1000))
        .collect()
        .await
        .unwrap();
    assert!(all.is_complete());
    let baseline = t.elapsed();
    sim.set_licence(LicenceSettings::tier(tier));

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let started = Instant::now();
    let watcher = tokio::spawn(async move {
        while let Some(e) = rx.recv().await {
            if matches!(e, GatherEvent::Accounts(_)) {
                return Some(started.elapsed());
            }
        }
        None
    });
    let opts = GatherOptions {
        now: Some(now()),
        ..GatherOptions::default()
    };
    let got = gather(&c, Arc::new(Pack::embedded()), opts, Some(tx))
        .await
        .unwrap();
    let gather_time = started.elapsed();
    let first_accounts = watcher.await.unwrap().unwrap_or(gather_time);

    let truth = sim.ground_truth();
    let compromised: BTreeSet<&str> = truth.compromised().map(|a| a.user_id.as_str()).collect();
    let called: BTreeSet<&str> = got
        .accounts
        .iter()
        .filter(|a| a.verdict == Verdict::Compromised)
        .map(|a| a.id.as_str())
        .collect();
    let right = called.intersection(&compromised).count();
    // Audits from the triage window, or the 7 days a free tenant keeps.
    let kept = if tier == Licence::Free { 7 } else { 14 };
    let detectable = sim.with_tenant(|t| {
        truth.detectable_without_sign_ins(t, now() - chrono::Duration::days(kept))
    });
    let detectable_called = detectable
        .iter()
        .filter(|id| called.contains(id.as_str()))
        .count();
    Run {
        recall: right as f64 / compromised.len().max(1) as f64,
        precision: right as f64 / called.len().max(1) as f64,
        compromised: compromised.len(),
        called: called.len(),
        first_accounts,
        gather: gather_time,
        baseline,
        shortlist: got.accounts.len(),
        detectable: detectable.len(),
        detectable_called,
    }
}

fn report(label: &str, r: &Run) {
    println!(
        "{label:<40} recall {:.3}  precision {:.3} (bound 0.950, ratio {:.3})  \
         compromised {:>3} called {:>3} shortlist {:>4}  first accounts {:>7.2?}  gather {:>7.2?}  \
         gather/sign-in-paging {:.2}  detectable without sign-ins: {} of {} ({:.3})",
        r.recall,
        r.precision,
        r.precision / 0.95,
        r.compromised,
        r.called,
        r.shortlist,
        r.first_accounts,
        r.gather,
        r.gather.as_secs_f64() / r.baseline.as_secs_f64().max(1e-9),
        r.detectable_called,
        r.detectable,
        r.detectable_called as f64 / r.detectable.max(1) as f64,
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        for users in [2_000, 10_000] {
            for (label, seed, knobs) in [
                ("default mix, seed 2024", 2024, ScenarioKnobs::default()),
                ("alternate mix, seed 77", 77, ScenarioKnobs::alternate()),
            ] {
                for (tier, name) in [
                    (Licence::P2, "P2"),
                    (Licence::P1, "P1"),
                    (Licence::Free, "free"),
                ] {
                    let r = run(users, seed, &knobs, Profile::Fast, Limits::none(), tier).await;
                    report(&format!("{users:>6} users, {label}, {name}"), &r);
                }
            }
        }
        if std::env::var_os("TRIAGE_BENCH_REALISTIC").is_some() {
            let r = run(
                2_000,
                2024,
                &ScenarioKnobs::default(),
                Profile::Realistic,
                Limits::default(),
                Licence::P2,
            )
            .await;
            report("  2000 users, realistic + throttled", &r);
        }
    });
}
