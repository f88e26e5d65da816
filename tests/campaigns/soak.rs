//! A soak on the hostile profile (random 429/503/504/500, connection resets, slow bodies,
//! early token expiry): `triage`, `plan`, `apply` and `undo` (of a rule or grant removal) through the binary, round after
//! round, each on the next compromised account. The same rounds on a `fast` tenant of the same
//! scenario give the reference. At the end: no run panicked, every planned step is done in the
//! journal (re-running `apply` as an operator would until it exits 0: nothing is lost), each
//! planned write succeeded exactly once, and every touched account is as on the reference.
//!
//! `RECLAIM_SOAK_ROUNDS` sets the rounds of the ignored long soak.

use super::support::*;
use reclaim_audit::{read_records, step_states, StepState};
use reclaim_contain::{Op, Plan};
use reclaim_sim::Profile;
use std::time::Instant;

/// How many times an operator re-runs a command that did not finish.
const RETRIES: usize = 6;

struct Round {
    user: String,
    plan: Plan,
}

/// Runs `args` until it exits with one of `ok`, checking no run panicked; the exit codes seen
/// and the last run's stderr.
async fn until_ok(e: &Env, args: &[&str], ok: &[i32], what: &str) -> (Vec<i32>, String) {
    let mut codes = Vec::new();
    for _ in 0..RETRIES {
        let (code, out, err) = e.run(args).await;
        assert!(
            !err.contains("panicked") && !out.contains("panicked"),
            "{what}: a panic\n{err}"
        );
        codes.push(code);
        if ok.contains(&code) {
            return (codes, err);
        }
        eprintln!(
            "{what}: exit {code}, again: {}",
            err.lines().last().unwrap_or("")
        );
    }
    panic!("{what}: never finished ({codes:?})");
}

/// `apply` (acknowledging the Exchange check it hands over) until it exits 0.
async fn apply_until_ok(e: &Env, plan: &Plan, file: &str, what: &str) {
    let mut codes = Vec::new();
    for _ in 0..RETRIES {
        let (code, out, err) = e.apply_to_the_end(plan, file).await;
        assert!(
            !err.contains("panicked") && !out.contains("panicked"),
            "{what}: a panic\n{err}"
        );
        codes.push(code);
        if code == 0 {
            return;
        }
    }
    panic!("{what}: apply never finished ({codes:?})");
}

async fn soak(e: &Env, rounds: usize, label: &str) -> Vec<Round> {
    let compromised: Vec<String> = e
        .sim
        .ground_truth()
        .compromised()
        .map(|a| a.user_id.clone())
        .collect();
    let mut done = Vec::new();
    for r in 0..rounds {
        let user = compromised[r % compromised.len()].clone();
        let what = format!("{label} round {r}");
        let t0 = Instant::now();
        if r == 0 {
            until_ok(e, &["triage", "--json", "--since", "3d"], &[0], &what).await;
        }
        let pf = e.dir.path().join(format!("plan-{r}.json"));
        let pfs = pf.to_str().unwrap();
        // Exit 0, or 1 when the account was already contained by an earlier round.
        until_ok(e, &["plan", "--user", &user, "-o", pfs], &[0], &what).await;
        let plan = Plan::load(&pf).unwrap();
        apply_until_ok(e, &plan, pfs, &what).await;
        // A step no later step of the playbook overrides (undoing `disable-signin` after
        // `enable-signin` ran is rightly refused).
        let undo = plan.accounts[0].steps.iter().find(|s| {
            s.reversible && matches!(s.op, Op::DeleteRule { .. } | Op::DeleteGrant { .. })
        });
        if let Some(step) = undo {
            // 1 after a cut-off run that did undo it: "already undone".
            let (codes, err) = until_ok(e, &["undo", &step.id, "--yes"], &[0, 1], &what).await;
            if codes.last() == Some(&1) {
                assert!(
                    codes.len() > 1,
                    "{what}: undo of {} refused: {err}",
                    step.action
                );
            }
        }
        eprintln!("{what}: {:?}", t0.elapsed());
        done.push(Round { user, plan });
    }
    done
}

/// Every step of every round done in the journal, each planned write succeeded once.
fn check_nothing_lost(e: &Env, rounds: &[Round], label: &str) {
    let (records, _) = read_records(&e.journal()).unwrap();
    let ok_writes: Vec<(String, String)> = e
        .sim
        .request_log()
        .into_iter()
        .filter(|x| x.is_mutating() && (200..300).contains(&x.status))
        .map(|x| (x.method, x.path))
        .collect();
    for (r, round) in rounds.iter().enumerate() {
        let states = step_states(&records, Some(&round.plan.id));
        for s in round.plan.accounts.iter().flat_map(|a| &a.steps) {
            assert!(
                matches!(states.get(&s.id), Some(StepState::Done { .. })),
                "{label} round {r}: step {} lost",
                s.id
            );
            let sent = (s.request.method.to_string(), s.request.path.clone());
            let n = ok_writes.iter().filter(|w| **w == sent).count();
            assert!(n >= 1, "{label} round {r}: {sent:?} never succeeded");
        }
    }
}

async fn run_soak(rounds: usize) {
    let started = Instant::now();
    let (hostile, clean) = tokio::join!(env(Profile::Hostile), env(Profile::Fast));
    let (h, c) = tokio::join!(
        soak(&hostile, rounds, "hostile"),
        soak(&clean, rounds, "clean")
    );
    check_nothing_lost(&hostile, &h, "hostile");
    check_nothing_lost(&clean, &c, "clean");
    let users: Vec<String> = h.iter().map(|r| r.user.clone()).collect();
    assert_eq!(users, c.iter().map(|r| r.user.clone()).collect::<Vec<_>>());
    assert_eq!(
        hostile.end_state_by_rule_name(&users),
        clean.end_state_by_rule_name(&users),
        "the hostile tenant ends as the clean one"
    );
    let (code, out, err) = hostile.run(&["audit", "verify"]).await;
    assert_eq!(code, 0, "audit verify\n{out}\n{err}");
    eprintln!("soak: {rounds} rounds in {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_soak_2_rounds_ends_as_the_clean_run() {
    run_soak(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: cargo test --test campaigns -- --ignored hostile_soak_many"]
async fn hostile_soak_many_rounds_ends_as_the_clean_run() {
    run_soak(env_or("RECLAIM_SOAK_ROUNDS", 12)).await;
}
