//! The log file every command writes: `reclaim.log` in the state dir, shared by the console
//! and the headless commands so one file tells what happened during an incident.
//!
//! Never stdout (scripts read JSON and CSV there; the console draws there) and never stderr
//! (kept for messages to the operator). Created with mode 0600. Lines are written as they
//! happen (no background writer), so a killed `apply` still leaves everything up to the kill.
//! What goes in: the command, tenant and principal, every Graph and token request's method,
//! path, status and request ids, retries and throttle waits. Never bodies, tokens or secrets.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;

/// The log file's name in the state dir.
pub const LOG_FILE: &str = "reclaim.log";
/// A tracing filter (`RECLAIM_LOG=debug`, `RECLAIM_LOG=reclaim_graph=debug`, `off`).
pub const FILTER_ENV: &str = "RECLAIM_LOG";
/// reclaim's own events at info, other crates' only when something is wrong.
const DEFAULT_FILTER: &str = "warn,reclaim=info";

/// Where the log goes: `<state dir>/reclaim.log`.
pub fn log_path() -> Option<PathBuf> {
    Some(reclaim_core::paths::state_dir()?.join(LOG_FILE))
}

/// Opens (appending) or creates the log readable by its owner only, tightening an existing
/// file that was looser.
pub fn open_log(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// The filter from `RECLAIM_LOG`, or the default (with a note on stderr when it is invalid).
fn filter() -> EnvFilter {
    match std::env::var(FILTER_ENV) {
        Ok(v) if !v.trim().is_empty() => EnvFilter::try_new(&v).unwrap_or_else(|e| {
            errln!("reclaim: warning: {FILTER_ENV} is not a valid filter ({e}); logging at the default level");
            EnvFilter::new(DEFAULT_FILTER)
        }),
        _ => EnvFilter::new(DEFAULT_FILTER),
    }
}

/// Installs the process-wide subscriber writing to [`log_path`]. Best effort: a command
/// without a log is better than no command, so failures are one warning on stderr.
pub fn init() -> Option<PathBuf> {
    let path = log_path()?;
    let file = match open_log(&path) {
        Ok(f) => f,
        Err(e) => {
            errln!(
                "reclaim: warning: cannot write the log file {}: {e}",
                path.display()
            );
            return None;
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(Mutex::new(super::log_writer::InertWriter(file)))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(path)
}
