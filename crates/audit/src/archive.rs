//! Starting a tenant's journal afresh: the old one, whatever its state, is kept as evidence.

use super::journal::{journal_path, lock, OpenOptions};
use super::key;
use super::AuditError;
use reclaim_core::secrets::SecretStore;
use std::fs::File;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// Moves the journal, whatever its state (a tampered one is kept as evidence), aside to
/// `<dir>/archive/<tenant>.<UTC time>.jsonl` and forgets its head, so a fresh journal can
/// start. The key stays, so the archive remains verifiable.
pub fn archive(dir: &Path, tenant: &str, store: &dyn SecretStore) -> Result<PathBuf, AuditError> {
    let path = journal_path(dir, tenant)?;
    if !path.exists() {
        return Err(AuditError::NoJournal(path));
    }
    let file = File::open(&path).map_err(|e| AuditError::io(&path, e))?;
    lock(&file, &path, OpenOptions::default().lock_wait)?;
    let adir = dir.join("archive");
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&adir)
        .map_err(|e| AuditError::io(&adir, e))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let dest = adir.join(format!("{tenant}.{stamp}.jsonl"));
    std::fs::rename(&path, &dest).map_err(|e| AuditError::io(&path, e))?;
    store
        .delete(&key::head_name(tenant))
        .map_err(key::KeyError::from)?;
    Ok(dest)
}
