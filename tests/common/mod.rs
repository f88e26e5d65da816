//! What the test binaries that run `reclaim` against a simulator share (each includes this
//! file as a module).

use reclaim_sim::{AppCredentials, SimHandle};
use std::path::Path;
use std::process::Command;

/// The `reclaim` binary signed in to `sim` as `app` with its client secret (from the
/// environment, as CONTRACT.md wants), secrets in memory, and its home, config, state (the log
/// file, snapshots) and data dirs under `home`, so a test never touches the developer's.
pub fn reclaim_as(sim: &SimHandle, app: &AppCredentials, home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_reclaim"));
    c.args(["--graph-url", &sim.graph_url, "--login-url", &sim.login_url])
        .args(["--tenant", &sim.tenant_id, "--auth", "client-secret"])
        .args(["--client-id", &app.client_id])
        .env("RECLAIM_CLIENT_SECRET", &app.client_secret)
        .env("RECLAIM_KEYRING", "memory")
        .env_remove("RECLAIM_ACCESS_TOKEN")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"));
    c
}
