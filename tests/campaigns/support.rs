//! A simulated tenant, the `reclaim` binary signed in to it, and the checks every campaign
//! makes at its end.

use super::common;
use super::containment::{final_state, make_contain_plan, mutating, planned};
use reclaim_audit::{read_records, step_states, StepState};
use reclaim_contain::Plan;
use reclaim_sim::scenario::{self, ScenarioKnobs};
use reclaim_sim::{Profile, SimConfig, SimHandle};
use std::path::{Path, PathBuf};
use std::process::Stdio;

pub const SCENARIO_USERS: usize = 200;
pub const SCENARIO_SEED: u64 = 13;

/// A variable's value parsed, or the default.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub struct Env {
    pub sim: SimHandle,
    pub dir: tempfile::TempDir,
}

/// The campaign scenario (always the same tenant for the same seed) served with `profile`.
pub async fn env(profile: Profile) -> Env {
    let knobs = ScenarioKnobs {
        attacker_method_default: 0.0,
        ..ScenarioKnobs::default()
    };
    let s = scenario::generate_with(
        "campaign-2024",
        SCENARIO_USERS,
        SCENARIO_SEED,
        chrono::Utc::now(),
        &knobs,
    )
    .unwrap();
    let cfg = SimConfig {
        profile,
        users: SCENARIO_USERS,
        seed: SCENARIO_SEED,
        ..SimConfig::default()
    };
    Env {
        sim: reclaim_sim::start_with(cfg, s).await.unwrap(),
        dir: tempfile::tempdir().unwrap(),
    }
}

/// `n` accounts: every compromised one first, then others with a persona, then the rest, in
/// id order (the same for the same scenario).
pub fn accounts(sim: &SimHandle, n: usize) -> Vec<String> {
    let truth = sim.ground_truth();
    let mut ids: Vec<String> = truth.compromised().map(|a| a.user_id.clone()).collect();
    let others = truth
        .accounts
        .values()
        .filter(|a| !a.is_compromised() && !a.personas.is_empty())
        .map(|a| a.user_id.clone());
    ids.extend(others);
    // Deleted accounts are not planned (the directory no longer has them).
    let present: Vec<String> = sim.with_tenant(|t| {
        t.users
            .iter()
            .filter(|u| !u.deleted)
            .map(|u| u.id.to_string())
            .collect()
    });
    ids.retain(|id| present.contains(id));
    for id in present {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids.truncate(n);
    ids
}

impl Env {
    /// One `apply` as an operator finishes it: when the Graph steps are all done and only the
    /// Exchange check is pending (exit 3, "Exchange check pending"), each handed-over check
    /// is acknowledged with `reclaim ack` and `apply` runs once more. The last exit code, its
    /// stdout and stderr.
    pub async fn apply_to_the_end(
        &self,
        plan: &reclaim_contain::Plan,
        file: &str,
    ) -> (i32, String, String) {
        let (code, out, err) = self.run(&["apply", file, "--yes"]).await;
        if code != 3 || !out.contains("Exchange check pending") {
            return (code, out, err);
        }
        for m in plan.accounts.iter().flat_map(|a| &a.manual) {
            // Exit 2 for one acknowledged by an earlier round: nothing to do.
            let _ = self
                .run(&["ack", &m.id, "--note", "checked in Exchange Online"])
                .await;
        }
        self.run(&["apply", file, "--yes"]).await
    }

    pub fn audit(&self) -> PathBuf {
        self.dir.path().join("audit")
    }

    pub fn journal(&self) -> PathBuf {
        self.audit().join(format!("{}.jsonl", self.sim.tenant_id))
    }

    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let std = common::reclaim_as(&self.sim, &self.sim.apps.full, self.dir.path());
        let mut c = tokio::process::Command::from(std);
        c.arg("--audit-dir")
            .arg(self.audit())
            .args(args)
            .env("RECLAIM_SECRET_OUTPUT", "stderr")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        c
    }

    pub async fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.command(args).output().await.unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// A plan for `users` made while the simulator does not throttle (then back to
    /// `profile`), so the campaign spends its time applying.
    pub async fn plan(&self, users: &[String], file: &Path, profile: Profile) -> Plan {
        self.sim.set_profile(Profile::Fast);
        let plan = make_contain_plan(&self.sim, users, file).await;
        self.sim.set_profile(profile);
        plan
    }

    /// What containment left on each of `users`.
    pub fn end_state(&self, users: &[String]) -> Vec<Vec<String>> {
        self.sim
            .with_tenant(|t| users.iter().map(|id| final_state(t, id)).collect())
    }

    /// [`Env::end_state`] with rules named by their display name, not their id (a rule that
    /// `undo` re-creates gets a new id from the service).
    pub fn end_state_by_rule_name(&self, users: &[String]) -> Vec<Vec<String>> {
        self.sim.with_tenant(|t| {
            users
                .iter()
                .map(|id| {
                    let mut v = final_state(t, id);
                    if let Some(m) = t.mailboxes.get(id.as_str()) {
                        for line in v.iter_mut() {
                            if let Some(r) = m
                                .rules
                                .iter()
                                .find(|r| line.starts_with(&format!("rule {} ", r.id)))
                            {
                                *line = format!("rule {:?} {}", r.display_name, r.is_enabled);
                            }
                        }
                    }
                    v.sort();
                    v
                })
                .collect()
        })
    }

    /// The campaign's end checks: every planned mutating request served exactly once, every
    /// step done and succeeded exactly once in the journal, and `audit verify` passes.
    pub async fn check_end(&self, plan: &Plan, what: &str) {
        assert_eq!(
            mutating(&self.sim),
            planned(plan),
            "{what}: every planned request exactly once"
        );
        let (records, _) = read_records(&self.journal()).unwrap();
        let states = step_states(&records, Some(&plan.id));
        for s in plan.accounts.iter().flat_map(|a| &a.steps) {
            assert!(
                matches!(states.get(&s.id), Some(StepState::Done { .. })),
                "{what}: step {} not done",
                s.id
            );
            let succeeded = records
                .iter()
                .filter(|r| {
                    r.step_id.as_deref() == Some(s.id.as_str())
                        && matches!(r.result, Some(reclaim_audit::StepResult::Succeeded))
                })
                .count();
            assert_eq!(succeeded, 1, "{what}: step {} succeeded once", s.id);
        }
        let (code, out, err) = self.run(&["audit", "verify"]).await;
        assert_eq!(code, 0, "{what}: audit verify\n{out}\n{err}");
        assert!(out.contains("hash chain intact"), "{what}: {out}");
    }
}
