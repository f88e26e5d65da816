//! Secrets in files readable by the user alone: what reclaim uses where no OS keyring works
//! (headless SSH hosts, containers), as az CLI and gh do there.
//!
//! One file per entry in a 0700 directory, each 0600, replaced atomically (a temporary file in
//! the same directory, synced, then renamed over the old one), so a crash leaves the old value
//! or the new one, never half of either, and concurrent commands writing different entries do
//! not clobber each other. The directory or an entry that another user can read, or that
//! another user owns, is refused rather than used or silently tightened: a store someone
//! loosened may already have leaked, and the operator should know.
//!
//! Not encrypted: anyone who can read the user's files (the user, root, a backup) can read the
//! secrets. That is the guarantee az CLI's token cache gives on Linux without a keyring.

use super::{SecretError, SecretStore};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

/// Entry names become file names: letters, digits, `-` and `_` stay, everything else (the `/`
/// between parts, `.`) is percent-encoded, so no name is hidden, `..`, or a path.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');

/// The private store in one directory.
#[derive(Debug)]
pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// Opens the store in `dir`, creating it (0700) when absent; refuses a directory that is
    /// not the user's alone.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, SecretError> {
        let dir = dir.into();
        create_private_dir(&dir)?;
        check_private(
            &dir,
            &std::fs::metadata(&dir).map_err(|e| io(&dir, e))?,
            true,
        )?;
        Ok(Self { dir })
    }

    /// The directory the entries live in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(utf8_percent_encode(key, ENCODE).to_string())
    }

    /// The entry names present (for `logout` of everything, and tests).
    pub fn keys(&self) -> Result<Vec<String>, SecretError> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(|e| io(&self.dir, e))? {
            let name = entry.map_err(|e| io(&self.dir, e))?.file_name();
            let Some(name) = name.to_str() else { continue };
            // Temporary files of a write in progress start with `.`; encoded names never do.
            if name.starts_with('.') {
                continue;
            }
            if let Ok(key) = percent_decode_str(name).decode_utf8() {
                out.push(key.into_owned());
            }
        }
        out.sort();
        Ok(out)
    }
}

impl SecretStore for FileStore {
    fn get(&self, key: &str) -> Result<Option<String>, SecretError> {
        let path = self.path(key);
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            // A symlink planted in place of an entry is refused, not followed.
            options.custom_flags(libc::O_NOFOLLOW);
        }
        let mut file = match options.open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path, e)),
        };
        let meta = file.metadata().map_err(|e| io(&path, e))?;
        check_private(&path, &meta, false)?;
        let mut value = String::new();
        file.read_to_string(&mut value).map_err(|e| io(&path, e))?;
        Ok(Some(value))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), SecretError> {
        let path = self.path(key);
        // tempfile creates the file 0600 (O_EXCL, a random name) in the store's own directory,
        // so the rename below stays on one filesystem and is atomic.
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&self.dir)
            .map_err(|e| io(&self.dir, e))?;
        tmp.write_all(value.as_bytes())
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| io(tmp.path(), e))?;
        tmp.persist(&path).map_err(|e| io(&path, e.error))?;
        sync_dir(&self.dir)
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        let path = self.path(key);
        match std::fs::remove_file(&path) {
            Ok(()) => sync_dir(&self.dir),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(&path, e)),
        }
    }

    fn kind(&self) -> &'static str {
        "file"
    }

    fn location(&self) -> Option<PathBuf> {
        Some(self.dir.clone())
    }
}

fn io(path: &Path, e: std::io::Error) -> SecretError {
    SecretError::File(format!("{}: {e}", path.display()))
}

fn create_private_dir(dir: &Path) -> Result<(), SecretError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| io(dir, e))
}

/// Refuses what other users could read or write, or do not own.
#[cfg(unix)]
fn check_private(path: &Path, meta: &std::fs::Metadata, is_dir: bool) -> Result<(), SecretError> {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let (what, want, fix) = if is_dir {
        ("directory", 0o700, "chmod 700")
    } else {
        ("file", 0o600, "chmod 600")
    };
    if is_dir != meta.is_dir() {
        return Err(SecretError::Unsafe(format!(
            "{} is not a {what}",
            path.display()
        )));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(SecretError::Unsafe(format!(
            "the secret store {what} {} belongs to uid {}, not to you (uid {me}); refusing to use it",
            path.display(),
            meta.uid()
        )));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(SecretError::Unsafe(format!(
            "the secret store {what} {} has mode {mode:03o}: other users may have read it; \
             refusing to use it (check who could have, then `{fix} {}`; wanted {want:03o})",
            path.display(),
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path, _: &std::fs::Metadata, _: bool) -> Result<(), SecretError> {
    Ok(())
}

/// Makes a rename or removal in `dir` durable (the audit head must survive a power cut).
fn sync_dir(dir: &Path) -> Result<(), SecretError> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io(dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn round_trip_in_private_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("state/secrets");
        let s = FileStore::open(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let key = "refresh-token/login.example/../t/c";
        assert_eq!(s.get(key).unwrap(), None);
        s.set(key, "v1").unwrap();
        s.set(key, "v2").unwrap();
        assert_eq!(s.get(key).unwrap().as_deref(), Some("v2"));
        let files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        assert_eq!(files.len(), 1, "no temporary file left behind");
        let name = files[0].file_name().into_string().unwrap();
        assert!(!name.contains('/') && !name.starts_with('.'), "{name}");
        assert_eq!(mode(&files[0].path()), 0o600);
        assert_eq!(s.keys().unwrap(), vec![key.to_string()]);
        // A second handle (another command) sees the same entries.
        let again = FileStore::open(&dir).unwrap();
        assert_eq!(again.get(key).unwrap().as_deref(), Some("v2"));
        s.delete(key).unwrap();
        s.delete(key).unwrap();
        assert_eq!(again.get(key).unwrap(), None);
        assert_eq!(s.kind(), "file");
        assert_eq!(s.location().as_deref(), Some(dir.as_path()));
    }

    #[test]
    fn loose_permissions_are_refused_not_fixed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("secrets");
        let s = FileStore::open(&dir).unwrap();
        s.set("k", "hunter2").unwrap();
        let file = s.path("k");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = s.get("k").unwrap_err().to_string();
        assert!(e.contains("mode 644") && e.contains("chmod 600"), "{e}");
        assert!(!e.contains("hunter2"), "the value is not in the error");
        assert_eq!(mode(&file), 0o644, "left as found");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
        let e = FileStore::open(&dir).unwrap_err().to_string();
        assert!(e.contains("mode 750") && e.contains("chmod 700"), "{e}");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        // A symlink in place of an entry is not followed.
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::write(&elsewhere, "x").unwrap();
        std::os::unix::fs::symlink(&elsewhere, s.path("link")).unwrap();
        assert!(s.get("link").is_err());
    }
}
