//! The tenant's audit key and last known head, kept in the secret store (never in a file).
//!
//! - `audit-key/<tenant>`: 32 random bytes, hex; created by the first writer.
//! - `audit-head/<tenant>`: `<seq>:<hash>` of the last record written, updated after every
//!   append, so cutting whole records off the end of the journal is detected by the next
//!   writer and by `verify` (see docs/audit.md for when this holds: a persistent keyring).

use hmac::{Hmac, Mac};
use rand::RngCore;
use reclaim_core::secrets::{SecretError, SecretStore};
use sha2::{Digest, Sha256};

/// A 32-byte HMAC-SHA256 key.
#[derive(Clone)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material, even in debug output or panic messages.
        write!(f, "AuditKey({})", self.id())
    }
}

impl AuditKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        AuditKey(bytes)
    }

    /// A fresh key from the OS random source.
    pub fn generate() -> Self {
        let mut b = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut b);
        AuditKey(b)
    }

    /// Parses the hex form kept in the store.
    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes = hex::decode(s.trim()).ok()?;
        let arr: [u8; 32] = bytes.try_into().ok()?;
        Some(AuditKey(arr))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// A public identifier: the first 8 bytes of SHA-256 over a label and the key, hex.
    pub fn id(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"reclaim-audit-key-id\0");
        h.update(self.0);
        hex::encode(&h.finalize()[..8])
    }

    /// HMAC-SHA256 over `data`, hex.
    pub fn mac_hex(&self, data: &[u8]) -> String {
        hex::encode(self.mac(data))
    }

    fn mac(&self, data: &[u8]) -> Vec<u8> {
        // HMAC accepts keys of any length, so this cannot fail for a 32-byte key.
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        m.update(data);
        m.finalize().into_bytes().to_vec()
    }

    /// Checks a hex MAC in constant time.
    pub fn verify_hex(&self, data: &[u8], mac_hex: &str) -> bool {
        let Ok(given) = hex::decode(mac_hex) else {
            return false;
        };
        let Ok(mut m) = <Hmac<Sha256> as Mac>::new_from_slice(&self.0) else {
            return false;
        };
        m.update(data);
        m.verify_slice(&given).is_ok()
    }
}

/// The store entry holding a tenant's audit key.
pub fn key_name(tenant: &str) -> String {
    format!("audit-key/{tenant}")
}

/// The store entry holding a tenant's last written head.
pub fn head_name(tenant: &str) -> String {
    format!("audit-head/{tenant}")
}

/// Errors reading the key; a malformed stored key is reported, never silently replaced
/// (replacing it would orphan every record it authenticated).
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Store(#[from] SecretError),
    #[error("the audit key stored under `{0}` is malformed; refusing to replace it")]
    Malformed(String),
}

/// The tenant's key if the store has one.
pub fn load(store: &dyn SecretStore, tenant: &str) -> Result<Option<AuditKey>, KeyError> {
    let name = key_name(tenant);
    match store.get(&name)? {
        None => Ok(None),
        Some(s) => AuditKey::from_hex(&s)
            .map(Some)
            .ok_or(KeyError::Malformed(name)),
    }
}

/// The tenant's key, created and stored when there is none yet. The bool says it was created.
pub fn load_or_create(store: &dyn SecretStore, tenant: &str) -> Result<(AuditKey, bool), KeyError> {
    if let Some(k) = load(store, tenant)? {
        return Ok((k, false));
    }
    let k = AuditKey::generate();
    store.set(&key_name(tenant), &k.to_hex())?;
    Ok((k, true))
}

/// A head remembered in the store: the last record's seq and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHead {
    pub seq: u64,
    pub hash: String,
}

pub fn load_head(store: &dyn SecretStore, tenant: &str) -> Result<Option<StoredHead>, KeyError> {
    let name = head_name(tenant);
    let Some(s) = store.get(&name)? else {
        return Ok(None);
    };
    let (seq, hash) = s.split_once(':').ok_or(KeyError::Malformed(name.clone()))?;
    let seq = seq.parse().map_err(|_| KeyError::Malformed(name))?;
    Ok(Some(StoredHead {
        seq,
        hash: hash.to_string(),
    }))
}

pub fn store_head(
    store: &dyn SecretStore,
    tenant: &str,
    seq: u64,
    hash: &str,
) -> Result<(), SecretError> {
    store.set(&head_name(tenant), &format!("{seq}:{hash}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reclaim_core::secrets::MemoryStore;

    #[test]
    fn key_round_trip_and_mac() {
        let store = MemoryStore::default();
        let (k, created) = load_or_create(&store, "t").unwrap();
        assert!(created);
        let (k2, created2) = load_or_create(&store, "t").unwrap();
        assert!(!created2);
        assert_eq!(k.id(), k2.id());
        let mac = k.mac_hex(b"abc");
        assert!(k2.verify_hex(b"abc", &mac));
        assert!(!k2.verify_hex(b"abd", &mac));
        assert!(!format!("{k:?}").contains(&k.to_hex()));
    }

    #[test]
    fn malformed_key_is_an_error() {
        let store = MemoryStore::default();
        store.set(&key_name("t"), "zz").unwrap();
        assert!(matches!(
            load_or_create(&store, "t"),
            Err(KeyError::Malformed(_))
        ));
    }
}
