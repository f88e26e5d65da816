//! How close reclaim runs to Graph's throttle limits, on the `realistic` profile over real
//! HTTP, each figure a ratio measured in one run (issue 15):
//!
//! 1. console core, 2,000 users: the top account's plan, and its apply verified, while the
//!    gather runs, against the throttle bound of the same plan and apply alone;
//! 2. full triage, 10,000 users: against the throttle bound of the requests it sent, and its
//!    requests per account by scope;
//! 3. `contain-ato` on 50 accounts (after the gather, as the console plans them): against its
//!    throttle bound, and the speed-up over a client that sends one request at a time;
//! 4. the share of requests that got 429, for each.
//!
//! The throttle bound of a set of requests is the least time the documented limits and the
//! safety rules allow for them: per scope, `(ceil(n / limit) - 1) * window` (the last window's
//! requests start when the first window has passed), the largest over the scopes, plus the
//! mean round trips the rules put in a row: one for an open or a plan (their reads leave
//! together), and for an apply the drift check, then each step's request and its read-back,
//! step after step in the playbook's order (`1 + 2 * steps` of its longest account). Until
//! issue 15's second session the bound counted one round trip for an apply too, which no
//! client that verifies a step by reading it back can reach; both are printed.
//!
//! `cargo bench --bench throttle`. Windows and latency are scaled down on both sides by
//! `THROTTLE_BENCH_SCALE` (default 10; `time_scaled` on the simulator's knobs and the
//! client's limits), so a run takes a minute or two while every ratio stays what it is at
//! scale 1. `THROTTLE_BENCH_USERS` overrides the 10,000 of the full triage.

use chrono::{TimeZone, Utc};
use reclaim::graph_source::TriageSource;
use reclaim_contain::reveal::CollectingSink;
use reclaim_contain::service::ContainmentService;
use reclaim_core::secrets::MemoryStore;
use reclaim_graph::throttle::Limits;
use reclaim_graph::{ClientOptions, GraphClient};
use reclaim_sim::knobs::{Knobs, Limits as SimLimits};
use reclaim_sim::model::Time;
use reclaim_sim::throttle::{classify, Class};
use reclaim_sim::{Profile, RequestLogEntry, SimConfig, SimHandle};
use reclaim_triage::gather::{GatherOptions, RecentFacts};
use reclaim_triage::{Pack, Verdict};
use reclaim_tui::source::{DataSource, Feed, TenantInfo};
use reclaim_tui::{Action, JobId};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn now() -> Time {
    Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap()
}

fn scale() -> f64 {
    std::env::var("THROTTLE_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0)
}

async fn sim(users: usize) -> SimHandle {
    let cfg = SimConfig {
        users,
        seed: 2024,
        profile: Profile::Realistic,
        now: Some(now()),
        knobs: Some(Knobs::for_profile(Profile::Realistic).time_scaled(scale())),
        ..SimConfig::default()
    };
    reclaim_sim::start(cfg).await.unwrap()
}

fn client(sim: &SimHandle, limits: Limits) -> GraphClient {
    let opts = ClientOptions {
        limits,
        ..ClientOptions::default()
    };
    reclaim::cli::connect::sim_app_client(sim, &sim.apps.full, opts).unwrap()
}

fn paced() -> Limits {
    Limits::default().time_scaled(scale())
}

/// One request in flight at a time, everywhere (how the PowerShell tools work).
fn one_at_a_time() -> Limits {
    Limits {
        global_concurrency: 1,
        operator_concurrency: 1,
        mailbox_concurrency: 1,
        ..paced()
    }
}

fn gather_opts() -> GatherOptions {
    GatherOptions {
        now: Some(now()),
        ..GatherOptions::default()
    }
}

fn service(sim: &SimHandle, c: &GraphClient, dir: &std::path::Path) -> ContainmentService {
    ContainmentService {
        client: c.clone(),
        audit_dir: dir.to_path_buf(),
        store: Arc::new(MemoryStore::default()),
        tenant: sim.tenant_id.clone(),
        operator: "bench@reclaim".into(),
        delegated: false,
        recent: None,
    }
}

fn source(c: &GraphClient, recent: &RecentFacts) -> TriageSource {
    let info = TenantInfo {
        name: "bench".into(),
        domain: "bench".into(),
        operator: "bench".into(),
    };
    TriageSource::new(
        c.clone(),
        Arc::new(Pack::embedded()),
        gather_opts(),
        info,
        None,
        Arc::default(),
    )
    .with_recent(recent.clone())
}

/// Requests by throttle scope, from the simulator's log.
#[derive(Debug, Default)]
struct Counts {
    by_scope: BTreeMap<&'static str, usize>,
    /// Resource units of directory reads, and directory writes.
    units: u64,
    writes: usize,
    total: usize,
    throttled: usize,
}

fn counts(log: &[RequestLogEntry]) -> Counts {
    let mut c = Counts::default();
    for e in log {
        let (rest, query) =
            match reclaim_sim::middleware::graph_path(e.path.split('?').next().unwrap_or("")) {
                Some(r) => (
                    r.to_string(),
                    e.path.split_once('?').map(|(_, q)| q).unwrap_or(""),
                ),
                None => continue,
            };
        if rest == "/$batch" {
            continue;
        }
        c.total += 1;
        if e.status == 429 {
            c.throttled += 1;
        }
        let method = e.method.parse().unwrap_or(reqwest::Method::GET);
        let scope = match classify(&method, &rest, query, None) {
            Class::IdentityProtection => "identity protection",
            Class::Reports => "reports",
            Class::Outlook { .. } => "outlook",
            Class::Directory { cost, write } => {
                c.units += u64::from(cost);
                if write {
                    c.writes += 1;
                    "directory writes"
                } else {
                    "directory reads"
                }
            }
            Class::Unthrottled => "unthrottled",
        };
        *c.by_scope.entry(scope).or_default() += 1;
    }
    c
}

/// `THROTTLE_BENCH_TRACE=1`: every request from opening the account to the apply verified,
/// by completion time, scope, and whether it was the operator's (names the account) or the
/// gather's, to see which of the operator's requests waited behind what.
fn trace(log: &[RequestLogEntry], from: chrono::DateTime<Utc>, top: &str, ends: [Duration; 3]) {
    println!(
        "   trace (ms from open; open ends {:?}, plan {:?}, apply {:?}):",
        ends[0], ends[1], ends[2]
    );
    for e in log {
        let at = (e.time - from).num_microseconds().unwrap_or(0) as f64 / 1000.0;
        let scope = counts(std::slice::from_ref(e))
            .by_scope
            .into_keys()
            .next()
            .unwrap_or("-");
        let who = if e.path.contains(top) { "OP" } else { "bg" };
        let path: String = e.path.chars().take(110).collect();
        println!(
            "   {at:9.1} {who} {scope:<20} {} {} {path}",
            e.status, e.method
        );
    }
}

/// The least time the documented limits allow for these requests (see the module docs).
fn throttle_bound(c: &Counts, round_trips: u32) -> Duration {
    scope_bound(c).1 + mean_rtt() * round_trips
}

fn mean_rtt() -> Duration {
    let latency = Knobs::for_profile(Profile::Realistic)
        .time_scaled(scale())
        .latency;
    (latency.0 + latency.1) / 2
}

/// The scope whose windows take longest for these requests, and how long.
fn scope_bound(c: &Counts) -> (&'static str, Duration) {
    let l = SimLimits::default().time_scaled(scale());
    let windows = |n: usize, limit: u32, window: Duration| {
        let full = n.div_ceil(limit.max(1) as usize).saturating_sub(1);
        window * full as u32
    };
    let n = |s: &str| c.by_scope.get(s).copied().unwrap_or(0);
    let per_scope = [
        (
            "identity protection",
            windows(
                n("identity protection"),
                l.identity_protection.requests,
                l.identity_protection.window,
            ),
        ),
        (
            "reports",
            windows(n("reports"), l.reports.requests, l.reports.window),
        ),
        (
            "directory writes",
            windows(c.writes, l.writes.requests, l.writes.window),
        ),
        (
            "directory units",
            windows(
                c.units as usize,
                l.resource_units.large,
                l.resource_units.window,
            ),
        ),
    ];
    per_scope
        .into_iter()
        .max_by_key(|(_, d)| *d)
        .unwrap_or(("none", Duration::ZERO))
}

fn share(c: &Counts) -> String {
    format!(
        "{} of {} requests got 429 ({:.2}%)",
        c.throttled,
        c.total,
        100.0 * c.throttled as f64 / c.total.max(1) as f64
    )
}

fn ratio(took: Duration, bound: Duration) -> f64 {
    took.as_secs_f64() / bound.as_secs_f64().max(1e-9)
}

fn scopes(c: &Counts, per: usize) -> String {
    c.by_scope
        .iter()
        .map(|(s, n)| format!("{s} {:.1}", *n as f64 / per.max(1) as f64))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Plans and applies contain-ato for `ids`, returning the two durations and the log of each,
/// and the round trips its apply puts in a row (`1 + 2 * steps` of the longest account).
async fn plan_and_apply(
    sim: &SimHandle,
    svc: &ContainmentService,
    ids: &[String],
) -> (
    Duration,
    Vec<RequestLogEntry>,
    Duration,
    Vec<RequestLogEntry>,
    u32,
) {
    let playbook = reclaim_contain::playbook::find("contain-ato", None).unwrap();
    let before = sim.request_log().len();
    let t = Instant::now();
    let plan = svc.plan(ids, &playbook).await.unwrap();
    let planned = t.elapsed();
    let mid = sim.request_log().len();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let t = Instant::now();
    let report = svc
        .apply(&plan, tx, &CollectingSink::default())
        .await
        .unwrap();
    let applied = t.elapsed();
    let log = sim.request_log();
    let verdict = report.verdict();
    if verdict != reclaim_contain::report::Verdict::Success {
        eprintln!("  (apply verdict {verdict:?})");
        for line in report.render().lines().filter(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("not verified") || l.contains("fail") || l.contains("drift")
        }) {
            eprintln!("    {}", line.chars().take(160).collect::<String>());
        }
    }
    let steps = plan.accounts.iter().map(|a| a.steps.len()).max();
    (
        planned,
        log[before..mid].to_vec(),
        applied,
        log[mid..].to_vec(),
        1 + 2 * steps.unwrap_or(0) as u32,
    )
}

/// Opens the account in the console (its detail view), returning the time and its requests.
async fn open(sim: &SimHandle, src: &TriageSource, id: &str) -> (Duration, Vec<RequestLogEntry>) {
    let before = sim.request_log().len();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let t = Instant::now();
    src.load_detail(id, Feed::new(tx, JobId(0))).await.unwrap();
    let took = t.elapsed();
    (took, sim.request_log()[before..].to_vec())
}

/// The scenario's first compromised account (the top of the console's list).
fn top_compromised(sim: &SimHandle) -> String {
    sim.ground_truth()
        .compromised()
        .next()
        .map(|a| a.user_id.clone())
        .unwrap()
}

async fn console_core() {
    println!(
        "1. console core, 2,000 users, realistic (scale {}):",
        scale()
    );
    let dir = tempfile::tempdir().unwrap();
    // Alone: the same plan and apply on an identical tenant with nothing else running.
    let alone = sim(2_000).await;
    let c = client(&alone, paced());
    let top = top_compromised(&alone);
    let recent = RecentFacts::default();
    let (o_alone, o_log) = open(&alone, &source(&c, &recent), &top).await;
    let mut svc = service(&alone, &c, dir.path());
    svc.recent = Some(recent);
    let (p_alone, p_log, a_alone, a_log, chain) =
        plan_and_apply(&alone, &svc, std::slice::from_ref(&top)).await;
    let oc = counts(&o_log);
    let o_bound = throttle_bound(&oc, 1);
    let (pc, ac) = (counts(&p_log), counts(&a_log));
    let (p_bound, a_bound) = (throttle_bound(&pc, 1), throttle_bound(&ac, chain));
    let a_bound_one = throttle_bound(&ac, 1);
    drop(alone);

    // While the gather runs: start the console's load, plan the top account as soon as the
    // accounts table shows it, then apply.
    let busy = sim(2_000).await;
    let c = client(&busy, paced());
    let recent = RecentFacts::default();
    let src = Arc::new(source(&c, &recent));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let start = Instant::now();
    let gather = {
        let src = src.clone();
        tokio::spawn(async move { src.load_accounts(Feed::new(tx, JobId(0))).await })
    };
    let top = top_compromised(&busy);
    let shown = loop {
        match rx.recv().await {
            Some(Action::AccountsBatch { accounts, .. })
                if accounts.iter().any(|a| a.id == top) =>
            {
                break start.elapsed()
            }
            Some(_) => {}
            None => break start.elapsed(),
        }
    };
    let traced_from = (busy.request_log().len(), chrono::Utc::now());
    let (o, _) = open(&busy, &src, &top).await;
    let mut svc = service(&busy, &c, dir.path());
    svc.recent = Some(recent);
    let (p, _, a, _, _) = plan_and_apply(&busy, &svc, std::slice::from_ref(&top)).await;
    if std::env::var_os("THROTTLE_BENCH_TRACE").is_some() {
        trace(
            &busy.request_log()[traced_from.0..],
            traced_from.1,
            &top,
            [o, o + p, o + p + a],
        );
    }
    let still_running = !gather.is_finished();
    gather.await.unwrap().unwrap();
    let all = counts(&busy.request_log());
    println!(
        "   open the account alone {o_alone:?} (bound {o_bound:?}, {} requests: {}); \
         while triage runs {o:?} = {:.2}x its bound, {:.2}x alone",
        oc.total,
        scopes(&oc, 1),
        ratio(o, o_bound),
        ratio(o, o_alone)
    );
    println!(
        "   then plan alone {:?} (bound {:?}, {} requests: {}); apply alone {:?} (bound {:?} with its {chain} \
         round trips in a row, {:?} counting one; {} requests: {})",
        p_alone, p_bound, pc.total, scopes(&pc, 1), a_alone, a_bound, a_bound_one, ac.total,
        scopes(&ac, 1)
    );
    println!(
        "   top account on screen after {shown:?}; plan while triage runs {p:?} = {:.2}x its bound, {:.2}x alone; \
         apply {a:?} = {:.2}x its bound ({:.2}x the one-round-trip bound), {:.2}x alone; \
         gather still running after apply: {still_running}",
        ratio(p, p_bound),
        ratio(p, p_alone),
        ratio(a, a_bound),
        ratio(a, a_bound_one),
        ratio(a, a_alone),
    );
    println!(
        "   open+plan while triage runs {:?} = {:.2}x alone; start to plan {:?}, to apply verified {:?}; \
         429s: alone {}, with triage {}",
        o + p,
        ratio(o + p, o_alone + p_alone),
        shown + o + p,
        shown + o + p + a,
        share(&counts(&[p_log, a_log].concat())),
        share(&all)
    );

    // The same with the gather at the operator's priority: one FIFO queue per scope, as
    // before priorities.
    let fifo = sim(2_000).await;
    let c = client(&fifo, paced());
    let gather = {
        let c = c.clone();
        tokio::spawn(async move {
            reclaim_triage::gather::gather(&c, Arc::new(Pack::embedded()), gather_opts(), None)
                .await
        })
    };
    tokio::time::sleep(shown).await;
    let top = top_compromised(&fifo);
    let recent = RecentFacts::default();
    let (o_fifo, _) = open(&fifo, &source(&c, &recent), &top).await;
    let mut svc = service(&fifo, &c, dir.path());
    svc.recent = Some(recent);
    let (p_fifo, _, a_fifo, _, _) = plan_and_apply(&fifo, &svc, std::slice::from_ref(&top)).await;
    let p_fifo = o_fifo + p_fifo;
    let p = o + p;
    gather.abort();
    println!(
        "   without priorities (one FIFO queue): open+plan {p_fifo:?} = {:.2}x alone, apply {a_fifo:?}; \
         priorities make open+plan {:.1}x faster",
        ratio(p_fifo, o_alone + p_alone),
        p_fifo.as_secs_f64() / p.as_secs_f64().max(1e-9)
    );
}

async fn full_triage(users: usize) {
    println!(
        "2. full triage, {users} users, realistic (scale {}):",
        scale()
    );
    let s = sim(users).await;
    let c = client(&s, paced());
    let t = Instant::now();
    let got = reclaim_triage::gather::gather(
        &c.background(),
        Arc::new(Pack::embedded()),
        gather_opts(),
        None,
    )
    .await
    .unwrap();
    let took = t.elapsed();
    let cnt = counts(&s.request_log());
    let bound = throttle_bound(&cnt, 1);
    let shortlist = got.accounts.len();
    let compromised = got
        .accounts
        .iter()
        .filter(|a| a.verdict == Verdict::Compromised)
        .count();
    println!(
        "   {took:?} = {:.2}x its throttle bound {bound:?}; {} requests for {shortlist} accounts \
         ({compromised} compromised): per account {}",
        ratio(took, bound),
        cnt.total,
        scopes(&cnt, shortlist)
    );
    println!("   by scope: {:?}; {}", cnt.by_scope, share(&cnt));
}

async fn contain_ato_50() {
    println!(
        "3. contain-ato on 50 accounts after the gather, 10,000 users, realistic (scale {}):",
        scale()
    );
    let dir = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    for (label, limits) in [
        ("reclaim", paced()),
        ("one request at a time", one_at_a_time()),
    ] {
        let s = sim(10_000).await;
        let c = client(&s, limits);
        let recent = RecentFacts::default();
        let src = source(&paced_client(&s), &recent);
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        src.load_accounts(Feed::new(tx, JobId(0))).await.unwrap();
        let ids: Vec<String> = s
            .ground_truth()
            .compromised()
            .take(50)
            .map(|a| a.user_id.clone())
            .collect();
        let mut svc = service(&s, &c, dir.path());
        svc.recent = Some(recent);
        let (p, p_log, a, a_log, chain) = plan_and_apply(&s, &svc, &ids).await;
        let cnt = counts(&[p_log, a_log].concat());
        results.push((label, ids.len(), p + a, cnt, chain));
    }
    let (_, n, ours, cnt, chain) = &results[0];
    let (_, _, seq, seq_cnt, _) = &results[1];
    // The plan's reads (one round trip) before the apply's chain.
    let bound = throttle_bound(cnt, 1 + chain);
    println!(
        "   {n} accounts: plan+apply {ours:?} = {:.2}x its throttle bound {bound:?}; one request at a time {seq:?}: speed-up {:.1}x",
        ratio(*ours, bound),
        seq.as_secs_f64() / ours.as_secs_f64().max(1e-9)
    );
    println!(
        "   requests per account: {}; {}",
        scopes(cnt, *n),
        share(cnt)
    );
    println!("   one at a time: {}", share(seq_cnt));
    // The lower-bound argument: one request at a time takes at least the sum of its round
    // trips, and at least its busiest scope's windows; ours at least the busiest scope's.
    let (scope, windows) = scope_bound(cnt);
    let latencies = mean_rtt() * seq_cnt.total as u32;
    let seq_floor = latencies.max(scope_bound(seq_cnt).1);
    println!(
        "   limits: ours needs at least {bound:?} (busiest scope {scope}: {windows:?} of windows); \
         one at a time at least {seq_floor:?} (the larger of its {} round trips in a row, \
         {latencies:?}, and its busiest scope's windows); the best speed-up the limits allow: \
         {:.1}x against the one-at-a-time client as measured, {:.1}x against its floor",
        seq_cnt.total,
        seq.as_secs_f64() / bound.as_secs_f64().max(1e-9),
        seq_floor.as_secs_f64() / bound.as_secs_f64().max(1e-9),
    );
}

/// The gather of bench 3 runs with the normal client whatever the client under test.
fn paced_client(s: &SimHandle) -> GraphClient {
    client(s, paced())
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let users = std::env::var("THROTTLE_BENCH_USERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    // `THROTTLE_BENCH_ONLY=1,3` runs some of them.
    let only = std::env::var("THROTTLE_BENCH_ONLY").unwrap_or_else(|_| "1,2,3".into());
    rt.block_on(async {
        if only.contains('1') {
            console_core().await;
        }
        if only.contains('2') {
            full_triage(users).await;
        }
        if only.contains('3') {
            contain_ato_50().await;
        }
    });
}
