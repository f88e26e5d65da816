//! Where reclaim keeps its files on this machine: the config dir and the state dir.

use std::path::{Path, PathBuf};

/// The platform config dir for reclaim (`~/.config/reclaim` on Linux): `config.toml`, user
/// packs, playbooks, themes and keymaps.
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "reclaim").map(|d| d.config_dir().to_path_buf())
}

/// Where reclaim keeps its state (audit journals, snapshots, the log file): the platform state
/// dir (`$XDG_STATE_HOME/reclaim`, usually `~/.local/state/reclaim`), or the local data dir on
/// platforms without one.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "reclaim")?;
    Some(
        dirs.state_dir()
            .map_or_else(|| dirs.data_local_dir().to_path_buf(), Path::to_path_buf),
    )
}
