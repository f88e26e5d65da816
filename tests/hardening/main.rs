//! The findings of issue #17 (a hostile tenant and a hurried operator), each kept found by a
//! test that failed before its fix: output paths, input validation, plan files, playbooks,
//! read-only profiles, and the judgement errors Microsoft's own example payloads showed.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/containment.rs"]
#[allow(dead_code)] // the plan and end-state helpers serve the other binaries
mod containment;
mod external_tools;
mod inputs;
mod judgement;
mod output_paths;
mod retry;
mod superseded;
mod unavailable;
mod writers;

use reclaim_graph::GraphClient;
use reclaim_sim::scenario::{self, ScenarioKnobs};
use reclaim_sim::{Profile, SimConfig, SimHandle};
use std::path::PathBuf;
use std::process::Stdio;

pub struct Env {
    pub sim: SimHandle,
    pub dir: tempfile::TempDir,
}

pub async fn env(users: usize, seed: u64) -> Env {
    let s = scenario::generate_with(
        "campaign-2024",
        users,
        seed,
        chrono::Utc::now(),
        &ScenarioKnobs::default(),
    )
    .unwrap();
    let cfg = SimConfig {
        profile: Profile::Fast,
        users,
        seed,
        ..SimConfig::default()
    };
    Env {
        sim: reclaim_sim::start_with(cfg, s).await.unwrap(),
        dir: tempfile::tempdir().unwrap(),
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Env {
    pub fn audit(&self) -> PathBuf {
        self.dir.path().join("audit")
    }

    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut c = tokio::process::Command::from(common::reclaim_as(
            &self.sim,
            &self.sim.apps.full,
            self.dir.path(),
        ));
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

    pub async fn run(&self, args: &[&str]) -> Run {
        let out = self.command(args).output().await.unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    pub fn mutating(&self) -> usize {
        self.sim
            .request_log()
            .iter()
            .filter(|e| e.is_mutating())
            .count()
    }

    /// A client of the full app that the fast simulator never throttles.
    pub fn client(&self) -> GraphClient {
        containment::unpaced_client(&self.sim)
    }

    /// The compromised account with malicious rules: (id, upn).
    pub fn ruled(&self) -> (String, String) {
        let t = self.sim.ground_truth();
        let a = t
            .compromised()
            .find(|a| !a.malicious_rule_ids.is_empty())
            .expect("a compromised account with rules");
        (a.user_id.clone(), a.user_principal_name.clone())
    }
}

/// No character the sanitizer calls dangerous, other than the layout a text output keeps.
pub fn assert_inert(what: &str, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    let bad: Vec<String> = chars
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            let crlf = **c == '\r' && chars.get(i + 1) == Some(&'\n');
            reclaim_core::sanitize::is_dangerous(**c) && **c != '\n' && **c != '\t' && !crlf
        })
        .map(|(_, c)| format!("U+{:04X}", *c as u32))
        .collect();
    assert!(bad.is_empty(), "{what} carries raw {bad:?}");
}
