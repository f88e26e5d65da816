//! What this machine's reclaim uses: the secret store and where it is, the state dir, the log
//! file, the config file, and the build. Shown by `whoami` and `reclaim --version`, so an
//! operator on a jump host can tell where their sign-in and audit key are kept.

use super::{connect, logging, GlobalOpts};
use serde::Serialize;

/// The short version: `0.1.0 (commit 1a2b3c4d5e6f)`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("RECLAIM_COMMIT"),
    ")"
);

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct LocalSetup {
    /// `keyring`, `file` or `memory`; or why none could be opened.
    pub secret_store: String,
    /// The file store's directory.
    pub secret_store_dir: Option<String>,
    pub state_dir: Option<String>,
    pub log_file: Option<String>,
    /// The config file in use, when there is one.
    pub config_file: Option<String>,
    /// The commit the binary was built from.
    pub commit: String,
}

impl LocalSetup {
    /// Reads the setup for these options; a store that cannot be opened is reported, not fatal.
    /// `open`: open the store as a command would (whoami); else only say which it would be,
    /// creating nothing (`--version`).
    pub fn for_options(g: &GlobalOpts, open: bool) -> Self {
        let shown = |p: Option<std::path::PathBuf>| p.map(|p| p.display().to_string());
        let (secret_store, secret_store_dir) = match (open, connect::store_choice(g)) {
            (_, Err(e)) => (format!("unusable: {}", e.message), None),
            (false, Ok(choice)) => {
                let (kind, dir) = reclaim_core::secrets::select::would_open(choice, None);
                (kind.to_string(), shown(dir))
            }
            (true, Ok(_)) => match connect::open_store(g) {
                Ok(s) => (s.kind().to_string(), shown(s.location())),
                Err(e) => (format!("unusable: {}", e.message), None),
            },
        };
        let config_file = g
            .config
            .clone()
            .or_else(crate::config::default_path)
            .filter(|p| p.exists())
            .map(|p| p.display().to_string());
        LocalSetup {
            secret_store,
            secret_store_dir,
            state_dir: reclaim_core::paths::state_dir().map(|p| p.display().to_string()),
            log_file: logging::log_path().map(|p| p.display().to_string()),
            config_file,
            commit: env!("RECLAIM_COMMIT").to_string(),
        }
    }

    /// `file (/home/me/.local/state/reclaim/secrets)`.
    pub fn store_phrase(&self) -> String {
        match &self.secret_store_dir {
            Some(d) => format!("{} ({d})", self.secret_store),
            None => self.secret_store.clone(),
        }
    }

    /// Lines for `whoami` and `--version`: `label` padded to `width`.
    pub fn lines(&self, width: usize) -> String {
        let none = || "-".to_string();
        let mut out = String::new();
        for (k, v) in [
            ("secret store", self.store_phrase()),
            ("state dir", self.state_dir.clone().unwrap_or_else(none)),
            ("log file", self.log_file.clone().unwrap_or_else(none)),
            (
                "config file",
                self.config_file.clone().unwrap_or_else(|| "none".into()),
            ),
        ] {
            out.push_str(&format!(
                "{k:<width$}{}\n",
                reclaim_core::sanitize::inert(&v)
            ));
        }
        out
    }
}

/// `reclaim --version`: the version and commit, then where this machine keeps things. The
/// store is the one `secret_store` and the environment choose with the default config file.
pub fn long_version() -> String {
    let setup = LocalSetup::for_options(&GlobalOpts::default(), false);
    format!("{VERSION}\n{}", setup.lines(14).trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_names_a_commit() {
        assert!(VERSION.starts_with(env!("CARGO_PKG_VERSION")));
        let commit = env!("RECLAIM_COMMIT");
        assert!(
            commit == "unknown" || commit.chars().all(|c| c.is_ascii_hexdigit()),
            "{commit}"
        );
    }
}
