//! Identifier helpers: deterministic GUIDs from a seed, opaque random tokens, base64url.

use base64::Engine as _;
use sha2::Digest;

/// Unpadded base64url, as JWTs and thumbprints use it.
pub fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A GUID derived from the seed and a label: stable across runs with the same seed.
pub fn det_guid(seed: u64, label: &str) -> String {
    let mut h = sha2::Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(label.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    // Version 4 / RFC 4122 variant bits, so the ids look like the service's.
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b).to_string()
}

/// A secret-looking string derived from the seed and a label (client secrets).
pub fn det_secret(seed: u64, label: &str) -> String {
    let mut h = sha2::Sha256::new();
    h.update(b"secret");
    h.update(seed.to_le_bytes());
    h.update(label.as_bytes());
    let d = h.finalize();
    // Entra client secrets are 40 characters with a `~` after a 3-character prefix.
    let body: String = b64url(&d)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("Sim8Q~{}", &body[..34.min(body.len())])
}

/// An opaque random token of `bytes` random bytes, base64url-encoded.
pub fn random_token(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    b64url(&buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_ids_are_stable_and_distinct() {
        assert_eq!(det_guid(1, "a"), det_guid(1, "a"));
        assert_ne!(det_guid(1, "a"), det_guid(2, "a"));
        assert_ne!(det_guid(1, "a"), det_guid(1, "b"));
        assert!(uuid::Uuid::parse_str(&det_guid(1, "a")).is_ok());
        assert_eq!(det_secret(7, "full").len(), 40);
    }
}
