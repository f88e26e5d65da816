//! A host with no OS keyring and the file secret store chosen (`RECLAIM_SECRET_STORE=file`):
//! what must survive between commands does. Separate processes of the real binary against an
//! in-test simulator over HTTP: one device code for `login`, `triage`, `plan` and `apply`
//! (refresh tokens rotated and kept); every journal record authenticated by `audit verify` in a
//! new process; a journal cut short, rolled back or deleted caught by `verify` and by the next
//! writer; 0600 files in a 0700 directory; no secret in the log, journal or plan.

use reclaim_sim::model::AppRegistration;
use reclaim_sim::scenario::{self, ScenarioKnobs};
use reclaim_sim::{DeviceCodeApproval, Profile, SimConfig, SimHandle};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

struct Env {
    sim: SimHandle,
    home: tempfile::TempDir,
}

async fn env() -> Env {
    let now = chrono::Utc::now();
    let s =
        scenario::generate_with("campaign-2024", 60, 5, now, &ScenarioKnobs::default()).unwrap();
    let cfg = SimConfig {
        profile: Profile::Fast,
        users: 60,
        seed: 5,
        // The "user" approves at the first poll, as the tenant's admin.
        device_code_approval: DeviceCodeApproval::After(Duration::ZERO),
        device_code_interval: Duration::from_millis(200),
        ..SimConfig::default()
    };
    let sim = reclaim_sim::start_with(cfg, s).await.unwrap();
    // An app registration consented for exactly what a device-code sign-in asks for.
    let mut scopes = reclaim::cli::connect::delegated_permissions(false);
    scopes.push("User.Read".into());
    sim.register_app(AppRegistration {
        client_id: DEVICE_APP.into(),
        display_name: "reclaim (device code)".into(),
        delegated_permissions: scopes,
        public_client: true,
        directory_role_templates: vec![reclaim_sim::apps::PRIVILEGED_AUTH_ADMIN.into()],
        ..Default::default()
    });
    Env {
        sim,
        home: tempfile::tempdir().unwrap(),
    }
}

const DEVICE_APP: &str = "5e1f0c1a-0000-4000-8000-00000000d0c0";

impl Env {
    fn state(&self) -> PathBuf {
        self.home.path().join("state/reclaim")
    }
    fn secrets(&self) -> PathBuf {
        self.state().join("secrets")
    }
    fn journal(&self) -> PathBuf {
        self.home
            .path()
            .join("audit")
            .join(format!("{}.jsonl", self.sim.tenant_id))
    }

    /// `reclaim` signing in with a device code as the simulator's full app, the file store
    /// chosen and no keyring variable set, everything under the test's home.
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_reclaim"));
        c.args(["--graph-url", &self.sim.graph_url])
            .args(["--login-url", &self.sim.login_url])
            .args(["--tenant", &self.sim.tenant_id, "--auth", "device-code"])
            .args(["--client-id", DEVICE_APP])
            .arg("--audit-dir")
            .arg(self.home.path().join("audit"))
            .args(args)
            .env("RECLAIM_SECRET_STORE", "file")
            .env_remove("RECLAIM_KEYRING")
            .env_remove("RECLAIM_ACCESS_TOKEN")
            .env_remove("RECLAIM_CLIENT_SECRET")
            .env("RECLAIM_SECRET_OUTPUT", "stderr")
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("XDG_STATE_HOME", self.home.path().join("state"))
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .stdin(std::process::Stdio::null());
        c
    }

    async fn run(&self, args: &[&str]) -> (i32, String, String) {
        let mut c = self.command(args);
        let out: Output = tokio::task::spawn_blocking(move || c.output().unwrap())
            .await
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn device_codes(&self) -> usize {
        self.sim
            .request_log()
            .iter()
            .filter(|e| e.path.contains("/oauth2/v2.0/devicecode"))
            .count()
    }

    fn mutating(&self) -> usize {
        let log = self.sim.request_log();
        log.iter().filter(|e| e.is_mutating()).count()
    }

    /// The store's entries: (file name, contents).
    fn stored(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = std::fs::read_dir(self.secrets())
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().into_string().unwrap();
                (name, std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        v.sort();
        v
    }

    fn refresh_token(&self) -> String {
        self.stored()
            .into_iter()
            .find(|(n, _)| n.starts_with("refresh-token"))
            .map(|(_, v)| v)
            .expect("a refresh token is stored")
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_device_code_and_a_journal_that_stays_authenticated_without_a_keyring() {
    let e = env().await;
    let target = e
        .sim
        .ground_truth()
        .compromised()
        .next()
        .unwrap()
        .user_principal_name
        .clone();

    let (code, _, err) = e.run(&["login"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("private file store"), "{err}");
    assert!(err.contains(&e.secrets().display().to_string()), "{err}");
    assert_eq!(e.device_codes(), 1);
    let mut rt = e.refresh_token();

    let (code, out, err) = e.run(&["triage", "--json", "--since", "30d"]).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&target), "triage names {target}");
    // Each command redeems the stored refresh token and keeps the one that replaces it.
    let rotated = e.refresh_token();
    assert_ne!(rotated, rt, "the rotated refresh token is kept");
    rt = rotated;

    let plan = e.home.path().join("plan.json");
    let plan_arg = plan.to_str().unwrap();
    let (code, _, err) = e.run(&["plan", "--user", &target, "-o", plan_arg]).await;
    assert_eq!(code, 0, "{err}");
    assert_ne!(e.refresh_token(), rt);
    let (code, _, err) = e.run(&["apply", plan_arg, "--yes"]).await;
    assert!(code == 0 || code == 3, "apply: {code}\n{err}");
    assert_eq!(
        e.device_codes(),
        1,
        "one code for login, triage, plan and apply"
    );
    assert!(!err.contains("memory only"), "{err}");

    // Every record authenticated by the audit key, from a new process.
    let (code, out, err) = e.run(&["audit", "verify"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let records: usize = out
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(records > 2, "{out}");
    assert!(
        out.contains(&format!("{records} authenticated by the audit key")),
        "{out}{err}"
    );

    // The store: 0700 directory, 0600 files, nothing else.
    assert_eq!(mode(&e.secrets()), 0o700);
    let stored = e.stored();
    for (name, _) in &stored {
        assert_eq!(mode(&e.secrets().join(name)), 0o600, "{name}");
    }
    let names: Vec<&str> = stored.iter().map(|(n, _)| n.as_str()).collect();
    for kind in ["refresh-token", "account", "audit-key", "audit-head"] {
        assert!(
            names.iter().any(|n| n.starts_with(kind)),
            "{kind}: {names:?}"
        );
    }
    // No secret in the log, the journal, the plan or anywhere else under the home but the store.
    let secrets: Vec<&str> = stored
        .iter()
        .filter(|(n, _)| n.starts_with("refresh-token") || n.starts_with("audit-key"))
        .map(|(_, v)| v.as_str())
        .collect();
    let log = std::fs::read_to_string(e.state().join("reclaim.log")).unwrap();
    for file in [e.journal(), plan.clone(), e.state().join("reclaim.log")] {
        let text = std::fs::read_to_string(&file).unwrap();
        for s in &secrets {
            assert!(!text.contains(s), "a secret in {}", file.display());
        }
        assert!(!text.contains("eyJ"), "a token in {}", file.display());
    }
    assert!(log.contains("secret store"), "the log names the store");

    tampering_is_caught_by_verify_and_the_next_writer(&e, plan_arg).await;
    whoami_and_version_say_where(&e).await;
}

/// `whoami` (text and JSON) and `--version` name the store and where things are; a store
/// someone loosened is refused with the fix, and left as found.
async fn whoami_and_version_say_where(e: &Env) {
    let secrets = e.secrets().display().to_string();
    let (code, out, err) = e.run(&["whoami", "--json"]).await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["secretStore"], "file", "{out}");
    assert_eq!(v["secretStoreDir"], secrets.as_str());
    assert_eq!(v["stateDir"], e.state().display().to_string().as_str());
    let log = e.state().join("reclaim.log").display().to_string();
    assert_eq!(v["logFile"], log.as_str());
    let (code, out, _) = e.run(&["whoami"]).await;
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!("secret store  file ({secrets})")),
        "{out}"
    );
    assert!(out.contains(&format!("log file      {log}")), "{out}");
    let (code, out, _) = e.run(&["--version"]).await;
    assert_eq!(code, 0);
    assert!(
        out.starts_with("reclaim 0.") && out.contains("(commit "),
        "{out}"
    );
    assert!(
        out.contains(&format!("secret store  file ({secrets})")),
        "{out}"
    );

    std::fs::set_permissions(e.secrets(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let (code, _, err) = e.run(&["whoami"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("mode 755") && err.contains("chmod 700"),
        "{err}"
    );
    assert_eq!(mode(&e.secrets()), 0o755, "left as found");
    std::fs::set_permissions(e.secrets(), std::fs::Permissions::from_mode(0o700)).unwrap();
}

/// The journal cut short, rolled back to an older copy, and deleted: each is refused by
/// `verify` and by the next writer, in new processes, with nothing sent.
async fn tampering_is_caught_by_verify_and_the_next_writer(e: &Env, plan: &str) {
    let older = std::fs::read(e.journal()).unwrap();
    // Another writer (the same plan again: every step is already done) adds records.
    let (code, _, err) = e.run(&["apply", plan, "--yes"]).await;
    assert!(code == 0 || code == 3, "apply again: {code}\n{err}");
    let good = std::fs::read(e.journal()).unwrap();
    assert!(good.len() > older.len());
    let lines: Vec<&[u8]> = good.split_inclusive(|b| *b == b'\n').collect();
    let cut: Vec<u8> = lines[..lines.len() - 2].concat();

    for (what, content) in [
        ("truncated", Some(cut)),
        ("rolled back", Some(older)),
        ("deleted", None),
    ] {
        match &content {
            Some(c) => std::fs::write(e.journal(), c).unwrap(),
            None => std::fs::remove_file(e.journal()).unwrap(),
        }
        let (code, out, err) = e.run(&["audit", "verify"]).await;
        assert_eq!(code, 1, "{what}: verify must fail\n{out}{err}");
        assert!(out.starts_with("FAILED"), "{what}: {out}");
        assert!(
            out.contains("secret store remembers"),
            "{what}: the remembered head is what catches it: {out}"
        );
        let before = e.mutating();
        let (code, _, err) = e.run(&["apply", plan, "--yes"]).await;
        assert_eq!(code, 1, "{what}: the next writer must refuse\n{err}");
        assert!(err.contains("remembers"), "{what}: {err}");
        assert_eq!(e.mutating(), before, "{what}: nothing sent");
        std::fs::write(e.journal(), &good).unwrap();
    }
    let (code, out, err) = e.run(&["audit", "verify"]).await;
    assert_eq!(code, 0, "restored: {out}{err}");
}

/// Which store `--version` reports for environment and config: `RECLAIM_SECRET_STORE` over
/// `RECLAIM_KEYRING=memory` over the profile's `secret_store` over the file's.
#[test]
fn the_store_is_chosen_by_environment_then_profile_then_file() {
    let home = tempfile::tempdir().unwrap();
    let store = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_reclaim"));
        c.args(args)
            .env_remove("RECLAIM_KEYRING")
            .env_remove("RECLAIM_SECRET_STORE")
            .env("XDG_CONFIG_HOME", home.path().join("xdg-config"))
            .env("XDG_STATE_HOME", home.path().join("state"));
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let line = text
            .lines()
            .find(|l| l.starts_with("secret store"))
            .unwrap_or_else(|| panic!("{text}{}", String::from_utf8_lossy(&out.stderr)))
            .trim_start_matches("secret store")
            .trim()
            .to_string();
        line.split(' ').next().unwrap().to_string()
    };
    // Only the version's line: whoami needs a tenant, --version does not.
    assert_eq!(
        store(&["--version"], &[("RECLAIM_KEYRING", "memory")]),
        "memory"
    );
    assert_eq!(
        store(
            &["--version"],
            &[
                ("RECLAIM_KEYRING", "memory"),
                ("RECLAIM_SECRET_STORE", "file")
            ]
        ),
        "file"
    );
    assert_eq!(
        store(&["--version"], &[("RECLAIM_SECRET_STORE", "bogus")]),
        "unusable:"
    );
    // The config file: --version reads the default one.
    let xdg = home.path().join("xdg-config/reclaim");
    std::fs::create_dir_all(&xdg).unwrap();
    let with_profile = "secret_store = \"memory\"\nactive_profile = \"a\"\n\
                        [profiles.a]\nsecret_store = \"file\"\n";
    std::fs::write(xdg.join("config.toml"), with_profile).unwrap();
    assert_eq!(store(&["--version"], &[]), "file", "the active profile's");
    let top_only = "secret_store = \"memory\"\n";
    std::fs::write(xdg.join("config.toml"), top_only).unwrap();
    assert_eq!(store(&["--version"], &[]), "memory", "the file's");
    assert!(
        !home.path().join("state/reclaim/secrets").exists(),
        "--version creates no store"
    );
}
