//! What a hurried operator types: findings 2 to 7 of #17, through the real binary.

use super::env;
use reclaim_contain::Plan;
use std::os::unix::fs::PermissionsExt as _;

/// Finding 2: `--since 99999999999d` panicked (exit 101); `100000000h` sent year -9382.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn since_beyond_a_year_is_a_usage_error() {
    let e = env(60, 2).await;
    for since in ["99999999999d", "100000000h", "400d"] {
        let r = e.run(&["triage", "--since", since]).await;
        assert_eq!(r.code, 2, "{since}: {}", r.stderr);
        assert!(r.stderr.contains("366 days"), "{}", r.stderr);
    }
    assert!(e
        .sim
        .request_log()
        .iter()
        .all(|l| !l.path.contains("auditLogs")));
}

/// Findings 3, 6 and 7: a plan for another tenant is refused by the dry run too; `-o` never
/// follows a planted symlink; a plan file past the cap is refused before it is read whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_files_are_checked_before_anything_is_sent() {
    let e = env(60, 3).await;
    let (_, upn) = e.ruled();
    let dir = e.dir.path();
    let victim = dir.join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let out = dir.join("out.json");
    std::os::unix::fs::symlink(&victim, dir.join("out.json.tmp-reclaim")).unwrap();
    std::os::unix::fs::symlink(&victim, dir.join("out.tmp-reclaim")).unwrap();
    let r = e
        .run(&["plan", "--user", &upn, "-o", out.to_str().unwrap()])
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let mut other = Plan::load(&out).unwrap();
    other.tenant = "11111111-2222-3333-4444-555555555555".into();
    other.seal().unwrap();
    let elsewhere = dir.join("elsewhere.json");
    other.save(&elsewhere).unwrap();
    let before = e.sim.request_log().len();
    let r = e
        .run(&["apply", elsewhere.to_str().unwrap(), "--dry-run"])
        .await;
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("this plan is for tenant 11111111"),
        "{}",
        r.stderr
    );
    let graph_reads = e.sim.request_log()[before..]
        .iter()
        .filter(|l| l.path.starts_with("/v1.0") || l.path.starts_with("/beta"))
        .count();
    assert_eq!(graph_reads, 0, "the dry run read the wrong tenant");

    for huge in ["/dev/zero"] {
        let r = e.run(&["apply", huge, "--dry-run"]).await;
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("32 MiB"), "{}", r.stderr);
    }
    assert_eq!(e.mutating(), 0);
}

/// Finding 4: a profile's `read_only = true` refuses `apply` and `undo` before a journal
/// record is written, like `--read-only`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_profile_refuses_up_front() {
    let e = env(60, 4).await;
    let (_, upn) = e.ruled();
    let dir = e.dir.path();
    let plan = dir.join("plan.json");
    let r = e
        .run(&["plan", "--user", &upn, "-o", plan.to_str().unwrap()])
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let config = dir.join("ro.toml");
    std::fs::write(&config, "[profiles.ro]\nread_only = true\n").unwrap();
    let cf = config.to_str().unwrap();
    let pf = plan.to_str().unwrap();
    for args in [
        vec!["--config", cf, "--profile", "ro", "apply", pf, "--yes"],
        vec![
            "--config",
            cf,
            "--profile",
            "ro",
            "undo",
            "0000-01-01",
            "--yes",
        ],
    ] {
        let r = e.run(&args).await;
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    }
    assert_eq!(e.mutating(), 0);
    let journals = std::fs::read_dir(e.audit())
        .map(|d| d.flatten().count())
        .unwrap_or(0);
    assert_eq!(journals, 0, "nothing is journaled before the refusal");
}

/// Finding 5: one broken user playbook blocked every playbook, and TOML errors printed `\x0a`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_playbook_blocks_only_itself() {
    let e = env(60, 5).await;
    let (_, upn) = e.ruled();
    let dir = e.dir.path();
    let config = dir.join("reclaim.toml");
    std::fs::write(&config, "").unwrap();
    std::fs::create_dir_all(dir.join("playbooks")).unwrap();
    std::fs::write(dir.join("playbooks/x.toml"), "name = \"x\"\nsteps = []\n").unwrap();
    std::fs::write(dir.join("playbooks/y.toml"), "name = \"y\"\n[[steps]\n").unwrap();
    let cf = config.to_str().unwrap();
    let r = e
        .run(&[
            "--config",
            cf,
            "plan",
            "--user",
            &upn,
            "--playbook",
            "contain-ato",
        ])
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = e
        .run(&["--config", cf, "plan", "--user", &upn, "--playbook", "x"])
        .await;
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("x.toml") && r.stderr.contains("no steps"),
        "{}",
        r.stderr
    );
    let r = e
        .run(&["--config", cf, "plan", "--user", &upn, "--playbook", "y"])
        .await;
    assert_eq!(r.code, 2);
    assert!(
        !r.stderr.contains("\\x0a"),
        "line feeds print as line feeds: {}",
        r.stderr
    );
    assert!(r.stderr.lines().count() > 2, "{}", r.stderr);
    let r = e.run(&["--config", cf, "check"]).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("x.toml") && r.stderr.contains("y.toml"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("contain-ato"), "{}", r.stdout);
    assert_eq!(e.mutating(), 0);
}
