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

/// Writes the JSON document `text` readable by its owner only (mode 0600), replacing `path`
/// atomically: a new temporary file beside it, created exclusively (a planted file or symlink
/// of any name is never opened), synced, then renamed over it. Raw C1, DEL and bidi characters
/// are escaped on the way (`json_text`: same JSON value, inert bytes).
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    // tempfile creates with O_CREAT|O_EXCL and mode 0600, under a random name.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.as_deref().unwrap_or("reclaim")))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(reclaim_core::sanitize::json_text(text).as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The largest plan or snapshot file reclaim reads: 32 MiB. A plan is about 1 KiB a step, so
/// this is room for thousands of accounts; anything bigger is a mistake (`apply /dev/zero`) or
/// an attack on memory, and is refused before it is read whole.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a plan or snapshot file as UTF-8, refusing (`FileTooLarge`) past [`MAX_FILE_BYTES`]
/// without reading further, whatever the file is (a device or a pipe has no size to check).
pub fn read_capped(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let f = std::fs::File::open(path)?;
    let mut buf = Vec::new();
    f.take(MAX_FILE_BYTES + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "larger than {} MiB, the most reclaim reads",
                MAX_FILE_BYTES / 1024 / 1024
            ),
        ));
    }
    String::from_utf8(buf)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    /// Finding 6 of #17: a symlink planted at the old fixed temporary name made `plan -o`
    /// overwrite its target.
    #[test]
    fn a_planted_symlink_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let out = dir.path().join("out.json");
        for planted in ["out.json.tmp-reclaim", "out.tmp-reclaim", ".out.json.tmp"] {
            std::os::unix::fs::symlink(&victim, dir.path().join(planted)).unwrap();
        }
        write_private(&out, "{\"a\": \"x\u{9b}y\"}\n").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        let meta = std::fs::symlink_metadata(&out).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let written = std::fs::read_to_string(&out).unwrap();
        assert_eq!(written, "{\"a\": \"x\\u009by\"}\n");
    }

    /// Finding 7 of #17: `apply /dev/zero` grew past 2 GB before failing.
    #[test]
    fn reads_stop_at_the_cap() {
        let e = read_capped(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.json");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert!(read_capped(&big).is_err());
        f.set_len(10).unwrap();
        assert_eq!(read_capped(&big).unwrap().len(), 10);
    }

    /// An existing output that is a symlink is replaced, not written through.
    #[test]
    fn an_output_symlink_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let out = dir.path().join("out.json");
        std::os::unix::fs::symlink(&victim, &out).unwrap();
        write_private(&out, "{}").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(std::fs::symlink_metadata(&out)
            .unwrap()
            .file_type()
            .is_file());
    }
}
