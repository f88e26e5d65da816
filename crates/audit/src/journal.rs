//! The journal file: open under an exclusive lock, repair a torn tail, append with fsync.
//!
//! One file per tenant, `<dir>/<tenant>.jsonl`, mode 0600 in a 0700 directory. A writer holds
//! an exclusive `flock` on it from [`crate::Journal::open`] until [`JournalFile::close`] (or drop), so two
//! consoles never interleave: a second opener polls for [`OpenOptions::lock_wait`] (5 s by
//! default) and then fails with [`AuditError::Locked`]. Readers (`verify`, `show`, `export`,
//! [`crate::load_timeline`]) take no lock and ignore an incomplete last line.

use super::chain::{self, VerifyOptions};
use super::key::{self, AuditKey};
use super::record::{Record, RecordKind, RecordRef, StepIntent, StepOutcome};
use super::redact;
use super::AuditError;
use reclaim_core::secrets::SecretStore;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::{File, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// How a writer opens the journal.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// How long to wait for another writer to close before failing with `Locked`.
    pub lock_wait: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            lock_wait: Duration::from_secs(5),
        }
    }
}

/// A non-mutating event for [`JournalFile::note_with`].
#[derive(Debug, Clone, Default)]
pub struct Note {
    /// `plan-created`, `drift-detected`, `finding`, `apply-summary`, `undo`, ...
    pub kind: String,
    pub incident: String,
    pub plan_id: Option<String>,
    pub step_id: Option<String>,
    /// The account the event is about, if any.
    pub target: Option<String>,
    pub data: Value,
}

/// What the journal remembers about each intent so an outcome can name it.
struct IntentInfo {
    hash: String,
    incident: Option<String>,
    plan_id: Option<String>,
    step_id: Option<String>,
    action: Option<String>,
    target: Option<String>,
}

struct Inner {
    /// None once closed (dropping the file releases the lock).
    file: Option<File>,
    len: u64,
    seq: u64,
    head: String,
    intents: HashMap<u64, IntentInfo>,
    secrets: Vec<String>,
    written: u64,
}

/// An open, locked journal file, reached through a [`crate::Journal`] handle. Every method takes
/// `&self` and appends are serialized internally; an append blocks for an fsync (a few
/// milliseconds), so async code uses the handle's `*_async` methods.
pub struct JournalFile {
    path: PathBuf,
    tenant: String,
    operator: String,
    key: AuditKey,
    store: Arc<dyn SecretStore>,
    inner: Mutex<Inner>,
    tx: broadcast::Sender<Record>,
    warnings: Vec<String>,
}

/// The journal file of a tenant in `dir`.
pub fn journal_path(dir: &Path, tenant: &str) -> Result<PathBuf, AuditError> {
    let ok = !tenant.is_empty()
        && tenant.len() <= 200
        && !tenant.starts_with('.')
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !ok {
        return Err(AuditError::InvalidTenant(tenant.to_string()));
    }
    Ok(dir.join(format!("{tenant}.jsonl")))
}

impl JournalFile {
    /// Opens the journal: lock, truncate a torn last line, verify everything already written
    /// (refusing to append to a journal that fails), then write the recovery notes that apply
    /// and an `open` record. [`crate::Journal::open_with`] is how callers get one.
    pub(crate) fn open_with(
        dir: &Path,
        tenant_id: &str,
        operator: &str,
        store: Arc<dyn SecretStore>,
        opts: OpenOptions,
    ) -> Result<JournalFile, AuditError> {
        let path = journal_path(dir, tenant_id)?;
        let io = |e| AuditError::io(&path, e);
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| AuditError::io(dir, e))?;
        }
        let existed = path.exists();
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(0o600)
            .open(&path)
            .map_err(io)?;
        lock(&file, &path, opts.lock_wait)?;
        if existed {
            // A file someone loosened is tightened again; contents stay private to the user.
            let mode = file.metadata().map_err(io)?.permissions().mode() & 0o777;
            if mode != 0o600 {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))
                    .map_err(io)?;
            }
        } else {
            // Make the new directory entry durable before the first record relies on it.
            File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        }

        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.read_to_end(&mut bytes).map_err(io)?;
        let (_, torn) = chain::split_lines(&bytes);
        let torn_note = torn.map(|t| (t.len(), hex::encode(Sha256::digest(t))));

        let mut warnings = Vec::new();
        let persistent = store.kind() != "memory";
        let existing_key = key::load(store.as_ref(), tenant_id)?;
        let report = chain::verify_bytes(
            &bytes,
            &VerifyOptions {
                key: existing_key.clone(),
                require_auth: persistent,
                tenant: Some(tenant_id.to_string()),
                expected_head: None,
                stored_head: key::load_head(store.as_ref(), tenant_id)?,
            },
        );
        if let Some(bad) = report.first_bad.clone() {
            // Nothing is modified, not even a torn tail: the file stays as found, as evidence.
            return Err(AuditError::Tampered { path, bad });
        }
        if let Some((n, _)) = torn_note {
            // Verified up to the torn line, which was never acknowledged: cut it off.
            let keep = bytes.len() - n;
            file.set_len(keep as u64).map_err(io)?;
            file.sync_all().map_err(io)?;
            bytes.truncate(keep);
        }
        let key = match existing_key {
            Some(k) => k,
            None => key::load_or_create(store.as_ref(), tenant_id)?.0,
        };
        if !persistent {
            warnings.push(
                "the secret store is memory only: the audit key lives in this process alone, so \
                 records written now can be authenticated by this process alone; afterwards the hash chain and the head you \
                 paste into the ticket protect them"
                    .to_string(),
            );
        }
        if report.unauthenticated > 0 {
            warnings.push(format!(
                "{} earlier records were made with an audit key this process does not have; only \
                 their hash chain was checked",
                report.unauthenticated
            ));
        }

        let (tx, _) = broadcast::channel(1024);
        let mut journal = JournalFile {
            path,
            tenant: tenant_id.to_string(),
            operator: operator.to_string(),
            key,
            store,
            inner: Mutex::new(Inner {
                file: Some(file),
                len: bytes.len() as u64,
                seq: report.records,
                head: report
                    .head
                    .as_ref()
                    .map_or_else(|| chain::GENESIS.to_string(), |h| h.hash.clone()),
                intents: HashMap::new(),
                secrets: Vec::new(),
                written: 0,
            }),
            tx,
            warnings: Vec::new(),
        };
        journal.index_intents(&bytes);
        if let Some((n, sha)) = torn_note {
            journal.append_recovery(
                "torn-tail-truncated",
                json!({"bytes": n, "sha256": sha,
                       "why": "an incomplete last line, left by a write cut off by a crash, was removed"}),
            )?;
        }
        if report.records > 0 && !report.sealed {
            journal.append_recovery(
                "unsealed-previous-session",
                json!({"last_seq": report.records,
                       "why": "the previous writer ended without sealing (crash or kill); check unknown steps against the tenant"}),
            )?;
        }
        let mut open = journal.blank(RecordKind::Open);
        open.data = Some(json!({
            "pid": std::process::id(),
            "reclaim": env!("CARGO_PKG_VERSION"),
            "key_store": journal.store.kind(),
        }));
        journal.append(open)?;
        journal.warnings = warnings;
        Ok(journal)
    }

    /// Writes and fsyncs an intent BEFORE the mutating request leaves. Send the request only
    /// if this returns `Ok`; keep the reference for [`JournalFile::outcome`].
    pub fn intent(&self, intent: StepIntent) -> Result<RecordRef, AuditError> {
        if intent.step_id.is_empty() || intent.action.is_empty() {
            return Err(AuditError::Invalid(
                "an intent needs a step id and an action".into(),
            ));
        }
        let mut r = self.blank(RecordKind::Intent);
        r.incident = Some(intent.incident);
        r.plan_id = Some(intent.plan_id);
        r.step_id = Some(intent.step_id);
        r.action = Some(intent.action);
        r.target = Some(intent.target);
        r.before = Some(intent.before);
        r.request = Some(intent.request);
        self.append(r)
    }

    /// Records what came of an intent (this session's or, after a crash, an earlier one's).
    pub fn outcome(&self, intent: &RecordRef, out: StepOutcome) -> Result<RecordRef, AuditError> {
        let mut r = self.blank(RecordKind::Outcome);
        {
            let inner = self.lock_inner();
            let info = inner
                .intents
                .get(&intent.seq)
                .filter(|i| i.hash == intent.hash)
                .ok_or_else(|| {
                    AuditError::Invalid(format!(
                        "no intent with seq {} and hash {} in this journal",
                        intent.seq,
                        chain::short(&intent.hash)
                    ))
                })?;
            r.incident = info.incident.clone();
            r.plan_id = info.plan_id.clone();
            r.step_id = info.step_id.clone();
            r.action = info.action.clone();
            r.target = info.target.clone();
        }
        r.intent = Some(intent.clone());
        r.status = out.status;
        r.graph_request_id = out.graph_request_id;
        r.result = Some(out.result);
        r.verification = out.verification;
        self.append(r)
    }

    /// Records a non-mutating event (plan created, drift detected, apply summary, undo...).
    pub fn note(&self, kind: &str, incident: &str, data: Value) -> Result<RecordRef, AuditError> {
        self.note_with(Note {
            kind: kind.to_string(),
            incident: incident.to_string(),
            data,
            ..Note::default()
        })
    }

    /// [`JournalFile::note`] with the plan, step and account it concerns.
    pub fn note_with(&self, note: Note) -> Result<RecordRef, AuditError> {
        let mut r = self.blank(RecordKind::Note);
        r.note = Some(note.kind);
        r.incident = Some(note.incident);
        r.plan_id = note.plan_id;
        r.step_id = note.step_id;
        r.target = note.target;
        r.data = Some(note.data);
        self.append(r)
    }

    /// A literal secret (a generated password, a TAP) to cut out of anything written later,
    /// whatever field it turns up in.
    pub fn register_secret(&self, secret: &str) {
        let mut inner = self.lock_inner();
        inner.secrets.push(secret.to_string());
    }

    /// Every record appended from now on, after it is durable (for the console's live view).
    pub fn subscribe(&self) -> broadcast::Receiver<Record> {
        self.tx.subscribe()
    }

    /// The last record written: paste `seq:hash` into the ticket.
    pub fn head(&self) -> RecordRef {
        let inner = self.lock_inner();
        RecordRef {
            seq: inner.seq,
            hash: inner.head.clone(),
        }
    }

    /// Every record in the journal (consistent: we hold the lock).
    pub fn records(&self) -> Result<Vec<Record>, AuditError> {
        super::timeline::read_records(&self.path).map(|(r, _)| r)
    }

    /// [`step_states`](super::recover::step_states) over this journal: what to skip, retry or
    /// check before resuming a plan.
    pub fn step_states(
        &self,
        plan_id: Option<&str>,
    ) -> Result<std::collections::BTreeMap<String, super::StepState>, AuditError> {
        Ok(super::recover::step_states(&self.records()?, plan_id))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn tenant(&self) -> &str {
        &self.tenant
    }
    pub fn operator(&self) -> &str {
        &self.operator
    }
    pub fn key_id(&self) -> String {
        self.key.id()
    }
    /// Warnings for the operator from opening (memory-only key store, unauthenticated records).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Writes a seal record and releases the lock. Later appends fail with `Closed`.
    pub fn close(&self) -> Result<RecordRef, AuditError> {
        let written = self.lock_inner().written;
        let mut seal = self.blank(RecordKind::Seal);
        seal.data = Some(json!({"records_this_session": written + 1}));
        let r = self.append(seal)?;
        self.lock_inner().file = None;
        Ok(r)
    }

    fn blank(&self, kind: RecordKind) -> Record {
        Record::new(kind, &self.operator, &self.tenant, chrono::Utc::now())
    }

    fn append_recovery(&self, what: &str, data: Value) -> Result<RecordRef, AuditError> {
        let mut r = self.blank(RecordKind::Recovery);
        r.note = Some(what.to_string());
        r.data = Some(data);
        self.append(r)
    }

    fn lock_inner(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves Inner consistent: every field is updated only
        // after the write succeeded.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn index_intents(&self, bytes: &[u8]) {
        let (lines, _) = chain::split_lines(bytes);
        let mut inner = self.lock_inner();
        for line in lines {
            if let Ok(r) = serde_json::from_slice::<Record>(line) {
                if r.kind == RecordKind::Intent {
                    inner.intents.insert(r.seq, intent_info(&r));
                }
            }
        }
    }

    /// Redacts, chains, authenticates, writes and fsyncs one record, then publishes it.
    fn append(&self, mut record: Record) -> Result<RecordRef, AuditError> {
        let mut inner = self.lock_inner();
        if let Some(req) = record.request.as_mut() {
            req.path = redact::redact_path(&req.path, &inner.secrets);
        }
        record.seq = inner.seq + 1;
        record.prev = inner.head.clone();
        record.key_id = self.key.id();
        record.hash.clear();
        record.mac.clear();
        let mut value = serde_json::to_value(&record)
            .map_err(|e| AuditError::Invalid(format!("record does not serialize: {e}")))?;
        redact::redact_value(&mut value, &inner.secrets);
        let hash = chain::record_hash(&record.prev, &value);
        let mac = self.key.mac_hex(hash.as_bytes());
        if let Value::Object(m) = &mut value {
            m.insert("hash".into(), Value::String(hash.clone()));
            m.insert("mac".into(), Value::String(mac));
        }
        let record: Record = serde_json::from_value(value.clone())
            .map_err(|e| AuditError::Invalid(format!("record does not round-trip: {e}")))?;
        // Terminal-active characters escaped: `cat` on the journal stays safe.
        let mut line = reclaim_core::sanitize::json_text(&chain::canonical(&value)).into_owned();
        line.push('\n');

        let len = inner.len;
        let file = inner.file.as_mut().ok_or(AuditError::Closed)?;
        let written = file
            .write_all(line.as_bytes())
            .and_then(|()| file.sync_data());
        if let Err(e) = written {
            // Cut a partial line back off so the next append starts on a clean line; if even
            // that fails, stop writing: appending after garbage would corrupt the journal.
            if file.set_len(len).and_then(|()| file.sync_data()).is_err() {
                inner.file = None;
            }
            return Err(AuditError::io(&self.path, e));
        }
        inner.len += line.len() as u64;
        inner.seq = record.seq;
        inner.head = record.hash.clone();
        inner.written += 1;
        if record.kind == RecordKind::Intent {
            inner.intents.insert(record.seq, intent_info(&record));
        }
        if let Err(e) = key::store_head(self.store.as_ref(), &self.tenant, record.seq, &record.hash)
        {
            tracing::warn!("could not remember the audit head in the secret store: {e}");
        }
        drop(inner);
        let reference = record.reference();
        let _ = self.tx.send(record);
        Ok(reference)
    }
}

impl Drop for JournalFile {
    fn drop(&mut self) {
        // A clean end of session is sealed even when the caller forgot to close.
        if self.lock_inner().file.is_some() {
            let _ = self.close();
        }
    }
}

fn intent_info(r: &Record) -> IntentInfo {
    IntentInfo {
        hash: r.hash.clone(),
        incident: r.incident.clone(),
        plan_id: r.plan_id.clone(),
        step_id: r.step_id.clone(),
        action: r.action.clone(),
        target: r.target.clone(),
    }
}

pub(crate) fn lock(file: &File, path: &Path, wait: Duration) -> Result<(), AuditError> {
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(AuditError::Locked {
                    path: path.to_path_buf(),
                    waited: wait,
                })
            }
            Err(TryLockError::Error(e)) => return Err(AuditError::io(path, e)),
        }
    }
}
