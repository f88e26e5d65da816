//! The log file every command writes: `reclaim.log` in the state dir, shared by the console
//! and the headless commands so one file tells what happened during an incident.
//!
//! Never stdout (scripts read JSON and CSV there; the console draws there) and never stderr
//! (kept for messages to the operator). Created with mode 0600. Lines are written as they
//! happen (no background writer), so a killed `apply` still leaves everything up to the kill.
//! What goes in: the command, tenant and principal, every Graph and token request's method,
//! path, status and request ids, retries and throttle waits. Never bodies, tokens or secrets.
//!
//! Size: a command that finds the log over [`MAX_LOG_BYTES`] first renames it to
//! `reclaim.log.1` (replacing the previous one), so the two files stay near twice that at most
//! and the last incident's lines are still there after the rotation.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;

/// The log file's name in the state dir.
pub const LOG_FILE: &str = "reclaim.log";
/// The size past which the next command starts a new log (the old one becomes `.1`).
pub const MAX_LOG_BYTES: u64 = 10 * 1024 * 1024;
/// A tracing filter (`RECLAIM_LOG=debug`, `RECLAIM_LOG=reclaim_graph=debug`, `off`).
pub const FILTER_ENV: &str = "RECLAIM_LOG";
/// reclaim's own events at info, other crates' only when something is wrong.
const DEFAULT_FILTER: &str = "warn,reclaim=info";

/// Where the log goes: `<state dir>/reclaim.log`.
pub fn log_path() -> Option<PathBuf> {
    Some(reclaim_core::paths::state_dir()?.join(LOG_FILE))
}

/// Moves the log aside to `<name>.1` when it is over `max` bytes; true when it did. Two commands
/// starting at once may both try: the loser finds nothing to move, which is fine.
pub fn rotate_if_large(path: &Path, max: u64) -> std::io::Result<bool> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > max => {
            let mut old = path.as_os_str().to_owned();
            old.push(".1");
            match std::fs::rename(path, PathBuf::from(old)) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
                Err(e) => Err(e),
            }
        }
        _ => Ok(false),
    }
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
    if let Err(e) = rotate_if_large(&path, MAX_LOG_BYTES) {
        eprintln!(
            "reclaim: warning: cannot rotate the log file {}: {e}",
            path.display()
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_log_is_moved_aside_and_a_small_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join(LOG_FILE);
        std::fs::write(&log, "small\n").unwrap();
        assert!(!rotate_if_large(&log, 100).unwrap());
        std::fs::write(&log, "x".repeat(101)).unwrap();
        assert!(rotate_if_large(&log, 100).unwrap());
        assert!(!log.exists());
        let old = dir.path().join("reclaim.log.1");
        assert_eq!(std::fs::read_to_string(&old).unwrap().len(), 101);
        // The next log starts empty and private; a missing log is nothing to rotate.
        drop(open_log(&log).unwrap());
        assert_eq!(std::fs::metadata(&log).unwrap().len(), 0);
        assert!(!rotate_if_large(&dir.path().join("none"), 0).unwrap());
    }
}
