//! The real `reclaim` binary against an in-test simulated tenant: `plan`, `apply --dry-run`,
//! `--read-only`, `--yes`, malformed and tampered plans, missing permissions, secrets shown
//! once and stored nowhere, `undo`, and kill -9 at random points of `apply` followed by a
//! re-run that ends in the same state with no step done twice (request log and journal).

mod common;
#[path = "common/containment.rs"]
mod containment;
#[path = "contain_cli/roles.rs"]
mod roles;

use containment::{final_state, make_contain_plan, mutating, planned};
use reclaim_audit::{read_records, step_states, StepState};
use reclaim_contain::{ActionKind, Op, Plan};
use reclaim_sim::scenario::{self, ScenarioKnobs};
use reclaim_sim::{Profile, SimConfig, SimHandle};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

struct Env {
    sim: SimHandle,
    dir: tempfile::TempDir,
}

async fn env(users: usize, seed: u64) -> Env {
    let knobs = ScenarioKnobs {
        attacker_method_default: 0.0,
        ..ScenarioKnobs::default()
    };
    let s =
        scenario::generate_with("campaign-2024", users, seed, chrono::Utc::now(), &knobs).unwrap();
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

impl Env {
    fn audit(&self) -> PathBuf {
        self.dir.path().join("audit")
    }

    fn command(&self, read_only_app: bool, args: &[&str]) -> tokio::process::Command {
        let app = if read_only_app {
            &self.sim.apps.read_only
        } else {
            &self.sim.apps.full
        };
        let mut c =
            tokio::process::Command::from(common::reclaim_as(&self.sim, app, self.dir.path()));
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

    async fn run(&self, read_only_app: bool, args: &[&str]) -> (i32, String, String) {
        let out = self.command(read_only_app, args).output().await.unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn mutating(&self) -> Vec<(String, String)> {
        mutating(&self.sim)
    }

    /// A plan made through the library with an unpaced client (the fast simulator does not
    /// throttle), written where the binary will read it.
    async fn plan(&self, users: &[String], file: &Path) -> Plan {
        make_contain_plan(&self.sim, users, file).await
    }
}

/// The compromised account with the most kinds of attacker artefacts.
/// How many times the account's authentication methods were listed.
fn methods_listings(s: &SimHandle, id: &str) -> usize {
    let path = format!("/v1.0/users/{id}/authentication/methods");
    s.request_log()
        .iter()
        .filter(|e| e.method == "GET" && e.path == path)
        .count()
}

fn busiest(s: &SimHandle) -> (String, String) {
    let t = s.ground_truth();
    let a = t
        .compromised()
        .max_by_key(|a| {
            (!a.malicious_rule_ids.is_empty()) as u8
                + (!a.attacker_method_ids.is_empty()) as u8
                + (!a.attacker_phone_numbers.is_empty()) as u8
        })
        .unwrap();
    (a.user_id.clone(), a.user_principal_name.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_dry_run_read_only_apply_and_undo_through_the_binary() {
    let e = env(200, 13).await;
    let (id, upn) = busiest(&e.sim);
    let plan_file = e.dir.path().join("plan.json");
    let pf = plan_file.to_str().unwrap();

    // A log file left world-readable by something else is tightened by the next run.
    let log_path = e.dir.path().join("state/reclaim/reclaim.log");
    std::fs::create_dir_all(log_path.parent().unwrap()).unwrap();
    std::fs::write(&log_path, "").unwrap();
    std::fs::set_permissions(&log_path, std::fs::Permissions::from_mode(0o644)).unwrap();

    // A baseline taken now, after the compromise began, is recorded but not trusted.
    let (code, _, err) = e.run(false, &["snapshot", "--user", &upn]).await;
    assert_eq!(code, 0, "{err}");
    let snap = e
        .dir
        .path()
        .join("state/reclaim/snapshots")
        .join(format!("{}.json", e.sim.tenant_id));
    let snapshot = reclaim_contain::snapshot::Snapshot::load(&snap).unwrap();
    assert_eq!(snapshot.accounts[0].user_id, id);

    let listed_before = methods_listings(&e.sim, &id);
    let (code, _, err) = e.run(false, &["plan", "--user", &upn, "-o", pf]).await;
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("taken after the compromise began"), "{err}");
    // Listing methods costs the reports budget (5 per 10 s): the plan's read serves the
    // investigation too.
    assert_eq!(methods_listings(&e.sim, &id) - listed_before, 1);
    assert!(e.mutating().is_empty(), "plan sends no mutating request");
    let plan = Plan::load(&plan_file).unwrap();
    assert_eq!(plan.accounts[0].user_id, id);
    assert!(
        plan.accounts[0]
            .steps
            .iter()
            .any(|s| s.action == ActionKind::RemoveMaliciousRules),
        "{}",
        std::fs::read_to_string(&plan_file).unwrap()
    );

    let (code, out, err) = e.run(false, &["apply", pf, "--dry-run"]).await;
    assert_eq!(code, 0, "{err}");
    for s in &plan.accounts[0].steps {
        assert!(
            out.contains(&format!("{} {}", s.request.method, s.request.path)),
            "{out}"
        );
    }
    let (code, _, err) = e.run(false, &["--read-only", "apply", pf, "--yes"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--read-only"));
    let (code, _, err) = e.run(false, &["apply", pf]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--yes"));
    // The read-only app lacks the write permissions: refused before anything is sent.
    let (code, _, err) = e.run(true, &["apply", pf, "--yes"]).await;
    assert_eq!(code, 4, "{err}");
    // Planning with it writes the plan but exits 4, naming what applying would need.
    let ro_plan = e.dir.path().join("ro-plan.json");
    let rpf = ro_plan.to_str().unwrap();
    let (code, _, err) = e.run(true, &["plan", "--user", &upn, "-o", rpf]).await;
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("UserAuthenticationMethod.ReadWrite.All"),
        "{err}"
    );
    assert!(ro_plan.exists(), "the plan is still written");
    assert!(
        e.mutating().is_empty(),
        "dry run, read-only and refusals send nothing that mutates"
    );

    // Malformed and tampered plans are usage errors.
    let text = std::fs::read_to_string(&plan_file).unwrap();
    let bad = e.dir.path().join("bad.json");
    std::fs::write(
        &bad,
        text.replace("revokeSignInSessions", "revokeSignInSessionz"),
    )
    .unwrap();
    let (code, _, err) = e
        .run(false, &["apply", bad.to_str().unwrap(), "--yes"])
        .await;
    assert_eq!(code, 2);
    assert!(err.contains("changed after it was written"), "{err}");
    std::fs::write(&bad, &text[..text.len() / 2]).unwrap();
    let (code, _, err) = e
        .run(false, &["apply", bad.to_str().unwrap(), "--yes"])
        .await;
    assert_eq!(code, 2);
    assert!(err.contains("not valid"), "{err}");
    assert!(e.mutating().is_empty());

    // Every Graph step is done; the Exchange check is handed over and pending: exit 3.
    let (code, out, err) = e.run(false, &["apply", pf, "--yes"]).await;
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(
        out.contains("contained in Graph, Exchange check pending"),
        "{out}"
    );
    assert!(out.contains("Get-InboxRule -Mailbox") && out.contains("-IncludeHidden"));
    assert!(out.contains("0 of 1 accounts contained (1 with the Exchange check pending)"));
    assert!(
        !format!("{out}{err}").contains("graph response"),
        "the request log goes to the file, not stdout or stderr"
    );
    assert_eq!(e.mutating(), planned(&plan));
    // The generated password was shown once, on stderr, and is nowhere else.
    let line = err
        .lines()
        .find(|l| l.contains("new password:"))
        .expect("password shown");
    let password = line
        .rsplit("new password: ")
        .next()
        .unwrap()
        .trim()
        .to_string();
    assert!(password.len() >= 16);
    let journal =
        std::fs::read_to_string(e.audit().join(format!("{}.jsonl", e.sim.tenant_id))).unwrap();
    assert!(!journal.contains(&password) && !out.contains(&password));
    assert!(!std::fs::read_to_string(&plan_file)
        .unwrap()
        .contains(&password));

    // `reclaim ack`: an unknown step is a usage error; the handed-over one is journaled once;
    // applying again then reports the account contained (exit 0) and sends nothing.
    let exo = &plan.accounts[0].manual[0];
    assert_eq!(exo.action, ActionKind::ExchangeCheck);
    let (code, _, err) = e.run(false, &["ack", "0000-01-99"]).await;
    assert_eq!(code, 2, "{err}");
    let (code, out, err) = e
        .run(false, &["ack", &exo.id, "--note", "no forwarding found"])
        .await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = e.run(false, &["ack", &exo.id]).await;
    assert_eq!(code, 2, "acknowledged twice: {err}");
    let journal =
        std::fs::read_to_string(e.audit().join(format!("{}.jsonl", e.sim.tenant_id))).unwrap();
    assert!(journal.contains("exchange-check-handed-over"));
    assert!(
        journal.contains("exchange-check-acknowledged") && journal.contains("no forwarding found")
    );
    let sent = e.mutating().len();
    let (code, out, err) = e.run(false, &["apply", pf, "--yes"]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("1 of 1 accounts contained"), "{out}");
    assert_eq!(e.mutating().len(), sent);

    // Undo: refused under --read-only and for an irreversible step; a deleted rule comes back.
    let rule_step = plan.accounts[0]
        .steps
        .iter()
        .find(|s| matches!(s.op, Op::DeleteRule { .. }))
        .unwrap();
    let revoke = plan.accounts[0]
        .steps
        .iter()
        .find(|s| s.action == ActionKind::RevokeSessions)
        .unwrap();
    let (code, _, _) = e
        .run(false, &["--read-only", "undo", &rule_step.id, "--yes"])
        .await;
    assert_eq!(code, 1);
    let (code, _, err) = e.run(false, &["undo", &revoke.id, "--yes"]).await;
    assert_eq!(code, 1);
    assert!(err.contains("cannot be undone"), "{err}");
    let before = e.mutating().len();
    let (code, out, err) = e.run(false, &["undo", &rule_step.id, "--yes"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("undone"));
    assert_eq!(e.mutating().len(), before + 1);
    let name = rule_step.before["displayName"]
        .as_str()
        .unwrap()
        .to_string();
    e.sim.with_tenant(|t| {
        assert!(t.mailboxes[&*id]
            .rules
            .iter()
            .any(|r| r.display_name == name))
    });
    let (code, _, err) = e.run(false, &["undo", &rule_step.id, "--yes"]).await;
    assert_eq!(code, 1);
    assert!(err.contains("already undone"), "{err}");

    // A Temporary Access Pass is shown once too.
    let tap_plan = e.dir.path().join("tap.json");
    let tp = tap_plan.to_str().unwrap();
    let (code, _, err) = e
        .run(
            false,
            &["plan", "--user", &upn, "--action", "issue-tap", "-o", tp],
        )
        .await;
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = e.run(false, &["apply", tp, "--yes"]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let tap = shown_secrets(&err)
        .into_iter()
        .find(|s| *s != password)
        .expect("TAP shown");

    // Every run logged to the state dir's file (owner-only): what ran, against which tenant,
    // each Graph and token request with its status and request id; never a secret or a token.
    let mode = std::fs::metadata(&log_path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let log = std::fs::read_to_string(&log_path).unwrap();
    for command in ["snapshot", "plan", "apply", "undo"] {
        assert!(
            log.contains(&format!("command=\"{command}\"")),
            "{command}: {log}"
        );
    }
    assert!(log.contains(&e.sim.tenant_id), "the tenant: {log}");
    assert!(log.contains("token endpoint response"), "{log}");
    let revoke_line = log
        .lines()
        .find(|l| l.contains("graph response") && l.contains("/revokeSignInSessions"))
        .unwrap_or_else(|| panic!("the revoke request is logged: {log}"));
    assert!(
        revoke_line.contains("method=POST")
            && revoke_line.contains("status=")
            && !revoke_line.contains("request_id=-"),
        "{revoke_line}"
    );
    assert!(
        log.contains("command failed") && log.contains("exit=2"),
        "{log}"
    );
    assert!(
        log.lines().any(|l| l.contains("step finished")
            && l.contains(&format!("step={}", revoke.id))
            && l.contains("status=\"done\"")),
        "each applied step is logged: {log}"
    );
    let client_secret = &e.sim.apps.full.client_secret;
    for (what, secret) in [
        ("client secret", client_secret.as_str()),
        ("password", password.as_str()),
        ("TAP", tap.as_str()),
        ("a JWT", "eyJ"),
    ] {
        assert!(!log.contains(secret), "{what} reached the log file");
    }
    assert!(!out.contains(&tap), "stdout keeps no copy of the TAP");
}

/// The secrets `apply` showed on stderr (`*** account [step] what: SECRET`).
fn shown_secrets(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.starts_with("*** ") && !l.starts_with("*** shown once"))
        .filter_map(|l| l.rsplit(": ").next())
        .map(|s| s.trim().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_apply_then_reapply_ends_the_same_with_no_step_twice() {
    // How long an uninterrupted apply takes, to spread the kills over it.
    let probe = env(200, 13).await;
    let (pid, _) = busiest(&probe.sim);
    let pf = probe.dir.path().join("plan.json");
    let plan = probe.plan(std::slice::from_ref(&pid), &pf).await;
    let t0 = Instant::now();
    let (code, out, err) = probe
        .run(false, &["apply", pf.to_str().unwrap(), "--yes"])
        .await;
    // 3: every Graph step done, the Exchange check handed over and not yet acknowledged.
    assert_eq!(code, 3, "{out}{err}");
    let full = t0.elapsed();
    let reference = probe.sim.with_tenant(|t| final_state(t, &pid));
    assert!(plan.step_count() >= 6);

    let trials = 5u32;
    let mut interrupted_midway = 0;
    for k in 1..=trials {
        let e = env(200, 13).await;
        let (id, _) = busiest(&e.sim);
        assert_eq!(id, pid, "the same scenario");
        let pf = e.dir.path().join("plan.json");
        let plan = e.plan(std::slice::from_ref(&id), &pf).await;
        let pfs = pf.to_str().unwrap();
        let mut child = e.command(false, &["apply", pfs, "--yes"]).spawn().unwrap();
        // Kill right after the k-th mutating request was served (the process is then between
        // Graph's answer and its journal outcome), or at a point in time for the last trial.
        let target = (2 * k as usize - 1).min(plan.step_count() - 1);
        let deadline = Instant::now() + full * 3;
        if k < trials {
            while e.mutating().len() < target && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            tokio::time::sleep(Duration::from_millis(u64::from(k % 3))).await;
        } else {
            tokio::time::sleep(full / 3).await;
        }
        child.start_kill().unwrap(); // SIGKILL
        let _ = child.wait().await;
        let sent = e.mutating().len();
        eprintln!(
            "trial {k}: {sent} of {} requests sent before the kill",
            plan.step_count()
        );
        if sent > 0 && sent < plan.step_count() {
            interrupted_midway += 1;
        }
        let (code, out, err) = e.run(false, &["apply", pfs, "--yes"]).await;
        assert_eq!(code, 3, "trial {k}: {out}\n{err}");
        assert_eq!(
            e.sim.with_tenant(|t| final_state(t, &id)),
            reference,
            "trial {k}: same final state"
        );
        assert_eq!(
            e.mutating(),
            planned(&plan),
            "trial {k}: every planned request exactly once"
        );
        let (records, _) =
            read_records(&e.audit().join(format!("{}.jsonl", e.sim.tenant_id))).unwrap();
        let states = step_states(&records, Some(&plan.id));
        for s in plan.accounts.iter().flat_map(|a| &a.steps) {
            assert!(
                matches!(states.get(&s.id), Some(StepState::Done { .. })),
                "trial {k}: {} ({:?}) not done: {:?}",
                s.id,
                s.op,
                states.get(&s.id).map(|st| st.label())
            );
            let succeeded = records
                .iter()
                .filter(|r| {
                    r.step_id.as_deref() == Some(s.id.as_str())
                        && matches!(r.result, Some(reclaim_audit::StepResult::Succeeded))
                })
                .count();
            assert_eq!(succeeded, 1, "trial {k}: step {} succeeded once", s.id);
        }
    }
    assert!(
        interrupted_midway >= 1,
        "at least one kill landed in the middle of the apply"
    );
}
