//! Triage at 50,000 users on the `realistic` profile over real HTTP (issue 14): the simulator's
//! startup, the gather's time as a ratio of its throttle bound, and peak memory.
//!
//! The throttle bound of the requests the gather sent is the least time the documented limits
//! allow for them (as in `benches/throttle.rs`): per scope `(ceil(n / limit) - 1) * window`,
//! the largest over the scopes, plus one mean round trip.
//!
//! Memory: the simulator runs in this process, so its share is measured apart. `VmRSS` after
//! the tenant is served is the simulator's (and the runtime's) baseline; the peak is then reset
//! (`/proc/self/clear_refs`) and `VmHWM` read after the gather. The gather's own peak is the
//! difference; the simulator's request handling during the gather is counted in it (an upper
//! bound on the gather's share).
//!
//! `cargo bench --bench scale`. Windows and latency are scaled down on both sides by
//! `SCALE_BENCH_SCALE` (default 10, `time_scaled`); `SCALE_BENCH_USERS` overrides 50,000.
//! Without `--bench` (`cargo test --benches`) it runs 500 users at scale 50.

use chrono::{TimeZone, Utc};
use reclaim_graph::throttle::Limits;
use reclaim_graph::ClientOptions;
use reclaim_sim::knobs::{Knobs, Limits as SimLimits};
use reclaim_sim::model::Time;
use reclaim_sim::throttle::{classify, Class};
use reclaim_sim::{Profile, RequestLogEntry, SimConfig};
use reclaim_triage::gather::{gather, GatherOptions};
use reclaim_triage::{Pack, Verdict};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../crates/sim/benches/support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{Counting, LIVE, PEAK};

#[global_allocator]
static ALLOC: Counting = Counting;

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn now() -> Time {
    Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap()
}

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// A `/proc/self/status` figure in MiB (`VmRSS`, `VmHWM`).
fn status_mib(key: &str) -> f64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|l| {
            l.strip_prefix(key)?
                .trim_start_matches(':')
                .trim()
                .strip_suffix("kB")
        })
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Requests per throttle scope and directory resource units, from the simulator's log.
fn bound(log: &[RequestLogEntry], scale: f64) -> (Duration, usize, usize) {
    let (mut ip, mut reports, mut writes, mut units, mut total) = (0, 0, 0, 0u64, 0);
    for e in log {
        let full = e.path.split('?').next().unwrap_or("");
        let Some(rest) = reclaim_sim::middleware::graph_path(full) else {
            continue;
        };
        if rest == "/$batch" {
            continue;
        }
        total += 1;
        let query = e.path.split_once('?').map(|(_, q)| q).unwrap_or("");
        let method = e.method.parse().unwrap_or(reqwest::Method::GET);
        match classify(&method, rest, query, None) {
            Class::IdentityProtection => ip += 1,
            Class::Reports => reports += 1,
            Class::Directory { cost, write } => {
                units += u64::from(cost);
                writes += usize::from(write);
            }
            _ => {}
        }
    }
    let l = SimLimits::default().time_scaled(scale);
    let windows = |n: usize, limit: u32, window: Duration| {
        window * n.div_ceil(limit.max(1) as usize).saturating_sub(1) as u32
    };
    let per_scope = [
        windows(
            ip,
            l.identity_protection.requests,
            l.identity_protection.window,
        ),
        windows(reports, l.reports.requests, l.reports.window),
        windows(writes, l.writes.requests, l.writes.window),
        windows(
            units as usize,
            l.resource_units.large,
            l.resource_units.window,
        ),
    ];
    let latency = Knobs::for_profile(Profile::Realistic)
        .time_scaled(scale)
        .latency;
    let b = per_scope.into_iter().max().unwrap_or_default() + (latency.0 + latency.1) / 2;
    (b, total, reports)
}

/// The collector's holding area against what it held before (each sign-in as a `SignIn` in
/// full, and its id's text in the dedupe set), on every sign-in the simulator serves: heap
/// bytes a sign-in, both measured here, and what a repeat of a known client costs.
fn held_against_full(sim: &reclaim_sim::SimHandle) -> (f64, f64, f64) {
    use reclaim_triage::sign_in_store::{SignInKey, SignInStore};
    use std::collections::HashSet;
    let facts: Vec<(String, String, reclaim_triage::facts::SignIn)> = sim.with_tenant(|t| {
        t.sign_ins
            .iter()
            .filter_map(|s| {
                let v = reclaim_sim::graph::signins::sign_in_json(s, true);
                let g: reclaim_graph::models::SignIn = serde_json::from_value(v).ok()?;
                let (user, fact) = reclaim_triage::convert::sign_in(&g)?;
                Some((user, g.user_principal_name.unwrap_or_default(), fact))
            })
            .collect()
    });
    let n = facts.len().max(1) as f64;
    let start = LIVE.load(Ordering::Relaxed);
    let mut full: std::collections::HashMap<String, Vec<reclaim_triage::facts::SignIn>> =
        Default::default();
    let mut seen_full: HashSet<String> = HashSet::new();
    for (user, _, s) in &facts {
        seen_full.insert(s.id.clone());
        full.entry(user.clone()).or_default().push(s.clone());
    }
    let full_bytes = LIVE.load(Ordering::Relaxed).saturating_sub(start);
    drop((full, seen_full));
    let start = LIVE.load(Ordering::Relaxed);
    let mut held = SignInStore::default();
    let mut seen: HashSet<SignInKey> = HashSet::new();
    for (user, upn, s) in &facts {
        seen.insert(SignInKey::new(&s.id));
        held.hold(user, Some(upn), None, s);
    }
    let held_bytes = LIVE.load(Ordering::Relaxed).saturating_sub(start);
    // The same clients again, under other ids an hour later: what one more sign-in costs an
    // account that already uses its client and network.
    let start = LIVE.load(Ordering::Relaxed);
    for (user, upn, s) in &facts {
        let mut again = s.clone();
        again.id = other_id(&s.id);
        again.time += chrono::Duration::hours(1);
        seen.insert(SignInKey::new(&again.id));
        held.hold(user, Some(upn), None, &again);
    }
    let repeat_bytes = LIVE.load(Ordering::Relaxed).saturating_sub(start);
    drop((held, seen));
    (
        full_bytes as f64 / n,
        held_bytes as f64 / n,
        repeat_bytes as f64 / n,
    )
}

/// Another id of the same form (a GUID stays a GUID).
fn other_id(id: &str) -> String {
    let mut chars: Vec<char> = id.chars().collect();
    match chars.first().and_then(|c| c.to_digit(16)) {
        Some(d) => chars[0] = std::char::from_digit((d + 1) % 16, 16).unwrap_or('0'),
        None => chars.push('r'),
    }
    chars.into_iter().collect()
}

fn main() {
    // `cargo test --benches` runs this without `--bench`: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let scale: f64 = env("SCALE_BENCH_SCALE", if quick { 50.0 } else { 10.0 });
    let users: usize = env("SCALE_BENCH_USERS", if quick { 500 } else { 50_000 });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let before = status_mib("VmRSS");
        let t = Instant::now();
        let cfg = SimConfig {
            users,
            seed: 2024,
            profile: Profile::Realistic,
            now: Some(now()),
            knobs: Some(Knobs::for_profile(Profile::Realistic).time_scaled(scale)),
            ..SimConfig::default()
        };
        let sim = reclaim_sim::start(cfg).await.unwrap();
        let startup = t.elapsed();
        let sim_rss = status_mib("VmRSS");
        let (sign_ins, audits) = sim.with_tenant(|t| (t.sign_ins.len(), t.directory_audits.len()));
        println!(
            "scale: {users} users realistic (time scale {scale}): simulator started in {startup:.2?} \
             ({sign_ins} sign-ins, {audits} audits); RSS {before:.0} MiB before, {sim_rss:.0} MiB serving"
        );

        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let heap_before = LIVE.load(Ordering::Relaxed);
        PEAK.store(heap_before, Ordering::Relaxed);
        let opts = ClientOptions {
            limits: Limits::default().time_scaled(scale),
            ..ClientOptions::default()
        };
        let c = reclaim::cli::connect::sim_app_client(&sim, &sim.apps.read_only, opts).unwrap();
        let gopts = GatherOptions {
            now: Some(now()),
            ..GatherOptions::default()
        };
        let t = Instant::now();
        let got = gather(&c.background(), Arc::new(Pack::embedded()), gopts, None)
            .await
            .unwrap();
        let took = t.elapsed();
        let peak = status_mib("VmHWM");
        let heap_peak = PEAK.load(Ordering::Relaxed).saturating_sub(heap_before);
        let heap_held = LIVE.load(Ordering::Relaxed).saturating_sub(heap_before);
        let (b, total, reports) = bound(&sim.request_log(), scale);
        let compromised = got
            .accounts
            .iter()
            .filter(|a| a.verdict == Verdict::Compromised)
            .count();
        println!(
            "scale: triage {took:.2?} = {:.2}x its throttle bound {b:.2?} ({total} requests, {reports} \
             in the reports budget); {} accounts, {compromised} compromised; complete {}",
            took.as_secs_f64() / b.as_secs_f64().max(1e-9),
            got.accounts.len(),
            got.complete
        );
        println!(
            "scale: peak RSS during triage {peak:.0} MiB, of which the serving simulator held \
             {sim_rss:.0} MiB before it began: the gather's share at most {:.0} MiB",
            peak - sim_rss
        );
        let summary = reclaim_triage::output::reads_summary(&got.reads);
        // What the result holds, measured by dropping it; the rest of what is still held is
        // the simulator's growth (lazily built indexes, the request log).
        let with_result = LIVE.load(Ordering::Relaxed);
        drop(got);
        let result = with_result.saturating_sub(LIVE.load(Ordering::Relaxed));
        let sim_growth = heap_held.saturating_sub(result);
        let own_peak = heap_peak.saturating_sub(sim_growth);
        println!(
            "scale: heap: peak {:.0} MiB above the serving simulator's; the result holds {:.0} \
             MiB, the simulator grew by {:.0} MiB: the gather's own peak about {:.0} MiB, \
             {:.2}x the result it returns ({:.0} bytes a sign-in read beyond the result)",
            mib(heap_peak),
            mib(result),
            mib(sim_growth),
            mib(own_peak),
            own_peak as f64 / result.max(1) as f64,
            own_peak.saturating_sub(result) as f64 / sign_ins.max(1) as f64
        );
        println!("scale: {summary}");
        let (full, held, repeat) = held_against_full(&sim);
        println!(
            "scale: a sign-in held until the pass settles: {held:.0} bytes of heap, against \
             {full:.0} bytes held in full: {:.2}x; one more from a client and network the \
             account already uses: {repeat:.0} bytes ({:.2}x)",
            held / full.max(1.0),
            repeat / full.max(1.0)
        );
    });
}
