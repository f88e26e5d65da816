//! Where secrets live: the OS keyring (Secret Service on desktops, kernel keyutils on headless
//! Linux); where no keyring works, reclaim's private file store ([`FileStore`]: 0600 files in
//! a 0700 directory under the state dir); or process memory for throwaway sessions and tests.
//!
//! [`select::open`] picks one from `secret_store = "auto" | "keyring" | "file" | "memory"`
//! (`RECLAIM_SECRET_STORE`, or the config file); `RECLAIM_KEYRING=memory` is the older
//! spelling of `memory`. docs/authentication.md says what each store guarantees.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

mod file_store;
pub mod select;

pub use file_store::FileStore;
pub use select::StoreChoice;

/// The keyring service name every reclaim entry is stored under.
pub const SERVICE: &str = "reclaim";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the OS keyring refused the operation: {0}")]
    Keyring(String),
    #[error("the file secret store: {0}")]
    File(String),
    /// The store's directory or a file in it is not private to the user.
    #[error("{0}")]
    Unsafe(String),
    /// The chosen store cannot be used here.
    #[error("{0}")]
    Unavailable(String),
}

/// A place for secrets, keyed by a name such as `refresh-token/<tenant>/<client>`.
pub trait SecretStore: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError>;
    fn set(&self, key: &str, value: &str) -> Result<(), SecretError>;
    fn delete(&self, key: &str) -> Result<(), SecretError>;
    /// `keyring`, `file` or `memory`, for `whoami` and warnings.
    fn kind(&self) -> &'static str;
    /// Where the secrets are, for stores that are somewhere the operator can look.
    fn location(&self) -> Option<PathBuf> {
        None
    }
}

/// The OS keyring through the `keyring` crate.
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    /// A round trip through the keyring: the only reliable test that one works here (a
    /// Secret Service may be absent, keyutils blocked by a container's seccomp profile).
    pub fn probe(&self) -> Result<(), SecretError> {
        let probe = "probe/usable";
        self.set(probe, "1")?;
        let back = self.get(probe)?;
        self.delete(probe)?;
        match back.as_deref() {
            Some("1") => Ok(()),
            _ => Err(SecretError::Keyring(
                "a value written could not be read back".into(),
            )),
        }
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, key).map_err(|e| SecretError::Keyring(e.to_string()))
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        match self.entry(key)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(SecretError::Keyring(e.to_string())),
        }
    }
    fn set(&self, key: &str, value: &str) -> Result<(), SecretError> {
        self.entry(key)?
            .set_password(value)
            .map_err(|e| SecretError::Keyring(e.to_string()))
    }
    fn delete(&self, key: &str) -> Result<(), SecretError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(SecretError::Keyring(e.to_string())),
        }
    }
    fn kind(&self) -> &'static str {
        "keyring"
    }
}

/// Secrets held in memory for the life of the process.
#[derive(Default)]
pub struct MemoryStore {
    map: Mutex<HashMap<String, String>>,
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        Ok(self.lock().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), SecretError> {
        self.lock().insert(key.to_string(), value.to_string());
        Ok(())
    }
    fn delete(&self, key: &str) -> Result<(), SecretError> {
        self.lock().remove(key);
        Ok(())
    }
    fn kind(&self) -> &'static str {
        "memory"
    }
}

impl MemoryStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // A poisoned map still holds valid strings; keep serving them.
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The store the environment asks for (`auto` when it asks for none), falling back to memory
/// with a one-line warning when that store cannot be opened. Commands use the root crate's
/// `connect::open_store`, which also reads the config file and refuses instead of falling back.
pub fn open_default() -> (Arc<dyn SecretStore>, Option<String>) {
    let choice = match StoreChoice::from_env() {
        Ok(c) => c.unwrap_or_default(),
        Err(e) => return memory_with(e),
    };
    match select::open(choice, None) {
        Ok(o) => (o.store, o.notice),
        Err(e) => memory_with(e),
    }
}

fn memory_with(e: SecretError) -> (Arc<dyn SecretStore>, Option<String>) {
    (
        Arc::new(MemoryStore::default()),
        Some(format!(
            "{e}: secrets are kept in memory only and forgotten on exit"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip() {
        let s = MemoryStore::default();
        assert_eq!(s.get("a").unwrap(), None);
        s.set("a", "1").unwrap();
        assert_eq!(s.get("a").unwrap().as_deref(), Some("1"));
        s.delete("a").unwrap();
        assert_eq!(s.get("a").unwrap(), None);
    }

    #[test]
    fn keyring_store_works_with_the_mock_backend() {
        // keyring's mock credential: exercised without touching the real OS keyring.
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let store = KeyringStore::new("reclaim-test");
        // The mock keeps each Entry separate, so a fresh entry reads as absent.
        assert!(store.get("k").unwrap().is_none());
        store.delete("k").unwrap();
        assert_eq!(store.kind(), "keyring");
    }
}

/// A secret string: never printed by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: String) -> Self {
        Self(s)
    }
    /// The value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}
