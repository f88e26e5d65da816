//! [`Journal`]: the handle every writer holds. Clones share one open, locked
//! [`JournalFile`]; the file is sealed and unlocked when the last clone is dropped (or at
//! [`JournalFile::close`]).
//!
//! Appends fsync before they return. The `*_async` methods run them on tokio's blocking pool
//! so an fsync never stalls the async executor (and the other accounts an apply is working
//! on); each still completes, durably, before its future resolves, so an intent is on disk
//! before its request is sent, exactly as with the blocking calls.

use crate::journal::{JournalFile, Note, OpenOptions};
use crate::record::{RecordRef, StepIntent, StepOutcome};
use crate::AuditError;
use reclaim_core::secrets::SecretStore;
use std::path::Path;
use std::sync::Arc;

/// An open, locked journal. Cheap to clone; the blocking methods of [`JournalFile`] are
/// reached through `Deref`.
#[derive(Clone)]
pub struct Journal {
    file: Arc<JournalFile>,
}

impl std::ops::Deref for Journal {
    type Target = JournalFile;
    fn deref(&self) -> &JournalFile {
        &self.file
    }
}

impl Journal {
    /// Opens (creating if needed) the tenant's journal with default options.
    pub fn open(
        dir: &Path,
        tenant_id: &str,
        operator: &str,
        store: Arc<dyn SecretStore>,
    ) -> Result<Journal, AuditError> {
        Self::open_with(dir, tenant_id, operator, store, OpenOptions::default())
    }

    /// Opens the journal with `opts`: lock, truncate a torn last line, verify everything
    /// already written (refusing to append to a journal that fails), then write the recovery
    /// notes that apply and an `open` record.
    pub fn open_with(
        dir: &Path,
        tenant_id: &str,
        operator: &str,
        store: Arc<dyn SecretStore>,
        opts: OpenOptions,
    ) -> Result<Journal, AuditError> {
        JournalFile::open_with(dir, tenant_id, operator, store, opts)
            .map(|f| Journal { file: Arc::new(f) })
    }

    /// Runs one blocking append on the blocking pool and waits for it.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&JournalFile) -> Result<T, AuditError> + Send + 'static,
    ) -> Result<T, AuditError> {
        let file = self.file.clone();
        tokio::task::spawn_blocking(move || f(&file))
            .await
            .map_err(|e| AuditError::Io {
                path: self.file.path().to_path_buf(),
                source: std::io::Error::other(format!("journal writer task failed: {e}")),
            })?
    }

    /// [`JournalFile::intent`] off the async executor.
    pub async fn intent_async(&self, intent: StepIntent) -> Result<RecordRef, AuditError> {
        self.blocking(move |f| f.intent(intent)).await
    }

    /// [`JournalFile::outcome`] off the async executor.
    pub async fn outcome_async(
        &self,
        intent: &RecordRef,
        out: StepOutcome,
    ) -> Result<RecordRef, AuditError> {
        let intent = intent.clone();
        self.blocking(move |f| f.outcome(&intent, out)).await
    }

    /// [`JournalFile::note_with`] off the async executor.
    pub async fn note_async(&self, note: Note) -> Result<RecordRef, AuditError> {
        self.blocking(move |f| f.note_with(note)).await
    }
}
