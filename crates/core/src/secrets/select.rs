//! Which store to use: `secret_store = "auto" | "keyring" | "file" | "memory"` from the
//! environment or the config file, opened once per command.

use super::{FileStore, KeyringStore, MemoryStore, SecretError, SecretStore, SERVICE};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `RECLAIM_SECRET_STORE`: the store to use, over the config file.
pub const STORE_ENV: &str = "RECLAIM_SECRET_STORE";
/// `RECLAIM_KEYRING=memory`: the older spelling of `RECLAIM_SECRET_STORE=memory`, still
/// honoured (CI and tests use it); `RECLAIM_SECRET_STORE` wins when both are set.
pub const LEGACY_ENV: &str = "RECLAIM_KEYRING";
/// The store's directory under the state dir.
pub const FILE_STORE_DIR: &str = "secrets";

/// What the operator asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StoreChoice {
    /// The OS keyring when a round trip through it works, else the file store.
    #[default]
    Auto,
    Keyring,
    File,
    Memory,
}

impl StoreChoice {
    pub const NAMES: [&'static str; 4] = ["auto", "keyring", "file", "memory"];

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "auto" => Some(Self::Auto),
            "keyring" => Some(Self::Keyring),
            "file" => Some(Self::File),
            "memory" => Some(Self::Memory),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Keyring => "keyring",
            Self::File => "file",
            Self::Memory => "memory",
        }
    }

    /// The choice the environment makes, if any (`RECLAIM_SECRET_STORE`, then
    /// `RECLAIM_KEYRING=memory`).
    pub fn from_env() -> Result<Option<Self>, SecretError> {
        if let Ok(v) = std::env::var(STORE_ENV) {
            if !v.trim().is_empty() {
                return Self::parse(&v).map(Some).ok_or_else(|| {
                    SecretError::Unavailable(format!(
                        "{STORE_ENV}={v:?} is not one of {}",
                        Self::NAMES.join(", ")
                    ))
                });
            }
        }
        Ok((std::env::var(LEGACY_ENV).as_deref() == Ok("memory")).then_some(Self::Memory))
    }
}

/// The default file store directory: `<state dir>/secrets`.
pub fn default_file_dir() -> Option<PathBuf> {
    Some(crate::paths::state_dir()?.join(FILE_STORE_DIR))
}

/// An opened store and the one line to tell the operator, if any.
pub struct Opened {
    pub store: Arc<dyn SecretStore>,
    /// Set when `auto` fell back from the keyring, saying where secrets now go.
    pub notice: Option<String>,
}

impl Opened {
    /// `file (/home/me/.local/state/reclaim/secrets)`, `keyring`, `memory`: for `whoami`
    /// and `--version`.
    pub fn describe(&self) -> String {
        describe(self.store.as_ref())
    }
}

/// A store's kind and location in one phrase.
pub fn describe(store: &dyn SecretStore) -> String {
    match store.location() {
        Some(p) => format!("{} ({})", store.kind(), p.display()),
        None => store.kind().to_string(),
    }
}

/// Opens the chosen store; `file_dir` overrides [`default_file_dir`]. An explicit `keyring`
/// that does not work, or a file store whose permissions are loose, is an error, never a
/// silent fallback.
pub fn open(choice: StoreChoice, file_dir: Option<&Path>) -> Result<Opened, SecretError> {
    let file = |dir: Option<&Path>| -> Result<FileStore, SecretError> {
        let dir = dir
            .map(Path::to_path_buf)
            .or_else(default_file_dir)
            .ok_or_else(|| {
                SecretError::Unavailable(
                    "no state directory on this platform for the file secret store".into(),
                )
            })?;
        FileStore::open(dir)
    };
    let opened = |store: Arc<dyn SecretStore>| Opened {
        store,
        notice: None,
    };
    match choice {
        StoreChoice::Memory => Ok(opened(Arc::new(MemoryStore::default()))),
        StoreChoice::File => Ok(opened(Arc::new(file(file_dir)?))),
        StoreChoice::Keyring => {
            let k = KeyringStore::new(SERVICE);
            k.probe()?;
            Ok(opened(Arc::new(k)))
        }
        StoreChoice::Auto => {
            let k = KeyringStore::new(SERVICE);
            if k.probe().is_ok() {
                return Ok(opened(Arc::new(k)));
            }
            let f = file(file_dir)?;
            let notice = format!(
                "no usable OS keyring: secrets are kept in {}, in files readable by you alone \
                 (not encrypted; secret_store = \"file\" in the config silences this note)",
                f.dir().display()
            );
            Ok(Opened {
                store: Arc::new(f),
                notice: Some(notice),
            })
        }
    }
}

/// Which store [`open`] would use, and where, without creating or checking anything on disk
/// (`auto` still tries the keyring): for `reclaim --version`.
pub fn would_open(choice: StoreChoice, file_dir: Option<&Path>) -> (&'static str, Option<PathBuf>) {
    let file_dir = || file_dir.map(Path::to_path_buf).or_else(default_file_dir);
    match choice {
        StoreChoice::Memory => ("memory", None),
        StoreChoice::Keyring => ("keyring", None),
        StoreChoice::File => ("file", file_dir()),
        StoreChoice::Auto if KeyringStore::new(SERVICE).probe().is_ok() => ("keyring", None),
        StoreChoice::Auto => ("file", file_dir()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_parse_and_name_themselves() {
        for n in StoreChoice::NAMES {
            assert_eq!(StoreChoice::parse(n).unwrap().as_str(), n);
        }
        assert_eq!(StoreChoice::parse("vault"), None);
    }

    #[test]
    fn explicit_choices_open_what_they_say() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        let f = open(StoreChoice::File, Some(&dir)).unwrap();
        assert_eq!(f.describe(), format!("file ({})", dir.display()));
        assert!(f.notice.is_none());
        let m = open(StoreChoice::Memory, Some(&dir)).unwrap();
        assert_eq!(m.describe(), "memory");
        let other = tmp.path().join("not-created");
        let (kind, at) = would_open(StoreChoice::File, Some(&other));
        assert_eq!((kind, at.as_deref()), ("file", Some(other.as_path())));
        assert!(!other.exists(), "would_open creates nothing");
    }
}
