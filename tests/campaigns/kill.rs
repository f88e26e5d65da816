//! kill -9 at seeded random points of a multi-account `contain-ato` apply, resuming each time.
//!
//! One tenant, one plan, `kills` runs of `reclaim apply --yes` each killed with SIGKILL, then
//! one run left to finish. Half the kills land right after a mutating request was served (the
//! process is then between Graph's answer and its journal outcome: the hardest case), half at
//! a random time since the run started (token request, journal open, drift reads, ...). At the
//! end: the tenant is what a clean run of the same plan left on a second simulator, every
//! planned mutating request was served exactly once, every step succeeded exactly once in the
//! journal, and `reclaim audit verify` passes.
//!
//! `RECLAIM_KILL_SEED` replays a campaign (the seed is printed); `RECLAIM_KILL_COUNT` and
//! `RECLAIM_KILL_ACCOUNTS` set the size of the ignored long campaign.

use super::containment::mutating;
use super::support::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reclaim_sim::Profile;
use std::time::{Duration, Instant};

struct Campaign {
    accounts: usize,
    kills: usize,
    profile: Profile,
}

/// How a run is cut off.
#[derive(Debug, Clone, Copy)]
enum KillPoint {
    /// Right after the n-th mutating request of this run was served.
    AfterRequest(usize),
    /// This long after the process started.
    After(Duration),
}

fn seed() -> u64 {
    let seed = std::env::var("RECLAIM_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("kill campaign seed {seed} (replay with RECLAIM_KILL_SEED={seed})");
    seed
}

async fn run_campaign(c: Campaign) {
    let seed = seed();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (clean, e) = tokio::join!(env(c.profile), env(c.profile));
    let users = accounts(&e.sim, c.accounts);
    assert_eq!(users, accounts(&clean.sim, c.accounts), "the same scenario");
    let cf = clean.dir.path().join("plan.json");
    let pf = e.dir.path().join("plan.json");
    let clean_plan = clean.plan(&users, &cf, c.profile).await;
    let plan = e.plan(&users, &pf, c.profile).await;
    assert_eq!(clean_plan.step_count(), plan.step_count());
    let pfs = pf.to_str().unwrap();
    let cfs = cf.to_str().unwrap();

    let started = Instant::now();
    let campaign = async {
        let (mut midway, mut killed, mut runs) = (0, 0, 0);
        while killed < c.kills && runs < 3 * c.kills {
            runs += 1;
            let before = mutating(&e.sim).len();
            // Once every write is out, the remaining kills land in reads and the journal.
            let point = if rng.gen_bool(0.5) && before < plan.step_count() {
                KillPoint::AfterRequest(rng.gen_range(1..=3))
            } else {
                KillPoint::After(Duration::from_millis(rng.gen_range(0..3000)))
            };
            let t0 = Instant::now();
            let mut child = e.command(&["apply", pfs, "--yes"]).spawn().unwrap();
            let finished = loop {
                if let Some(status) = child.try_wait().unwrap() {
                    break Some(status);
                }
                let due = match point {
                    KillPoint::AfterRequest(n) => mutating(&e.sim).len() >= before + n,
                    KillPoint::After(d) => t0.elapsed() >= d,
                };
                if due {
                    break None;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            };
            if finished.is_none() {
                child.start_kill().unwrap(); // SIGKILL
                let _ = child.wait().await;
                killed += 1;
            }
            let sent = mutating(&e.sim).len();
            if sent > before && sent < plan.step_count() {
                midway += 1;
            }
            eprintln!(
                "run {runs}, kill {killed}/{}: {point:?}, {} sent, {sent} of {} in all{}",
                c.kills,
                sent - before,
                plan.step_count(),
                if finished.is_some() {
                    " (the run had ended)"
                } else {
                    ""
                }
            );
        }
        assert_eq!(
            killed, c.kills,
            "seed {seed}: too many runs ended before their kill"
        );
        let (code, out, err) = e.apply_to_the_end(&plan, pfs).await;
        assert_eq!(code, 0, "the last run (seed {seed}):\n{out}\n{err}");
        midway
    };
    let reference = async {
        let (code, out, err) = clean.apply_to_the_end(&clean_plan, cfs).await;
        assert_eq!(code, 0, "the clean run:\n{out}\n{err}");
    };
    let (midway, ()) = tokio::join!(campaign, reference);
    eprintln!(
        "kill campaign: {} kills ({midway} in the middle of the writes) in {:?}",
        c.kills,
        started.elapsed()
    );
    assert!(midway >= 1, "at least one kill landed in the middle");
    assert_eq!(
        e.end_state(&users),
        clean.end_state(&users),
        "seed {seed}: the clean run's end state"
    );
    clean.check_end(&clean_plan, "the clean run").await;
    e.check_end(&plan, &format!("the campaign (seed {seed})"))
        .await;
}

/// The CI-sized campaign: 20 kills of a 3-account apply (see docs/testing.md for the size).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_campaign_20_kills_ends_as_the_clean_run() {
    run_campaign(Campaign {
        accounts: 3,
        kills: 20,
        profile: Profile::Realistic,
    })
    .await;
}

/// The long campaign: 100 kills of a 50-account apply on the realistic profile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long (about 30 min): cargo test --test campaigns -- --ignored kill_9_campaign_100"]
async fn kill_9_campaign_100_kills_of_a_50_account_apply() {
    run_campaign(Campaign {
        accounts: env_or("RECLAIM_KILL_ACCOUNTS", 50),
        kills: env_or("RECLAIM_KILL_COUNT", 100),
        profile: Profile::Realistic,
    })
    .await;
}
