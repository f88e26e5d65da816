//! What plans and snapshots share as files: a digest over their canonical JSON, so any later
//! change shows, and an atomic owner-only write (they name people, phones and rules).

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::Path;

/// `sha256:<hex>` over the canonical JSON of `doc` without its own `digest` field.
pub fn digest<T: Serialize>(doc: &T) -> serde_json::Result<String> {
    let mut v = serde_json::to_value(doc)?;
    if let serde_json::Value::Object(m) = &mut v {
        m.remove("digest");
    }
    let canonical = reclaim_audit::chain::canonical(&v);
    Ok(format!(
        "sha256:{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    ))
}

/// Writes `text` readable by its owner only (mode 0600), replacing `path` atomically: a
/// temporary file beside it, synced, then renamed over it.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp-reclaim");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}
