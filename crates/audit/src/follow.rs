//! Following a journal as it grows, like `tail -f`, for the console's live audit view.
//!
//! A [`Follower`] reads only what was appended since its last poll (whichever process wrote
//! it: the file is the meeting point, no lock is taken) and checks each new line against the
//! one before it with the same rules as `reclaim audit verify` (sequence, chain, hash,
//! tenant, and the MAC when it has the key). The first line that fails is reported once as
//! [`Followed::Broken`] and nothing after it is trusted or read. A file that shrinks or is
//! swapped for another (`reclaim audit archive`, or a torn tail cut off past what was read)
//! is reported as [`Followed::Replaced`] and followed afresh from its start.

use super::chain::{self, BadRecord, VerifyOptions};
use super::key::AuditKey;
use super::record::Record;
use super::AuditError;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// What one poll found, in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum Followed {
    /// A new record that passed verification.
    Record(Box<Record>),
    /// The first line that failed verification; the follower stops reading this file.
    Broken(BadRecord),
    /// The file was truncated below what was already read, or replaced by another file.
    Replaced,
}

/// Follows one journal file from its start. Cheap when nothing changed: one `stat`.
pub struct Follower {
    path: PathBuf,
    opts: VerifyOptions,
    key_id: Option<String>,
    /// End of the last complete line read; an incomplete line after it is read again.
    offset: u64,
    /// File length and inode at the last poll (nothing to do while both stay the same).
    seen: Option<(u64, u64)>,
    prev: String,
    records: u64,
    lines: usize,
    broken: bool,
}

impl Follower {
    /// `tenant`: every record must name it. `key`: the tenant's audit key, if this process
    /// has it; without it only the hash chain is checked (records are not authenticated).
    pub fn new(path: &Path, tenant: Option<String>, key: Option<AuditKey>) -> Follower {
        let key_id = key.as_ref().map(AuditKey::id);
        Follower {
            path: path.to_path_buf(),
            opts: VerifyOptions {
                key,
                require_auth: false,
                tenant,
                expected_head: None,
                stored_head: None,
            },
            key_id,
            offset: 0,
            seen: None,
            prev: chain::GENESIS.to_string(),
            records: 0,
            lines: 0,
            broken: false,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records verified so far (in the current file).
    pub fn verified(&self) -> u64 {
        self.records
    }

    /// Reads what was appended since the last poll. A journal that does not exist yet is
    /// simply empty.
    pub fn poll(&mut self) -> Result<Vec<Followed>, AuditError> {
        let path = self.path.clone();
        let io = |e| AuditError::io(&path, e);
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if self.seen.is_some() {
                    self.restart();
                    return Ok(vec![Followed::Replaced]);
                }
                return Ok(Vec::new());
            }
            Err(e) => return Err(io(e)),
        };
        let meta = file.metadata().map_err(io)?;
        let now = (meta.len(), meta.ino());
        let mut out = Vec::new();
        if let Some((_, ino)) = self.seen {
            if ino != now.1 || now.0 < self.offset {
                self.restart();
                out.push(Followed::Replaced);
            }
        }
        if self.seen == Some(now) || self.broken {
            self.seen = Some(now);
            return Ok(out);
        }
        self.seen = Some(now);
        file.seek(SeekFrom::Start(self.offset)).map_err(io)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        let (lines, _incomplete) = chain::split_lines(&bytes);
        for raw in lines {
            self.offset += raw.len() as u64 + 1;
            self.lines += 1;
            let expected = self.records + 1;
            let key_id = self.key_id.as_deref();
            let checked = chain::check_line(raw, expected, &self.prev, &self.opts, key_id);
            let record = checked.and_then(|c| {
                serde_json::from_slice::<Record>(raw)
                    .map(|r| (c, r))
                    .map_err(|e| (Some(expected), format!("not a journal record ({e})")))
            });
            match record {
                Ok((checked, record)) => {
                    self.records = expected;
                    self.prev = checked.hash;
                    out.push(Followed::Record(Box::new(record)));
                }
                Err((seq, reason)) => {
                    self.broken = true;
                    out.push(Followed::Broken(BadRecord {
                        line: self.lines,
                        seq,
                        reason,
                    }));
                    break;
                }
            }
        }
        Ok(out)
    }

    fn restart(&mut self) {
        self.offset = 0;
        self.seen = None;
        self.prev = chain::GENESIS.to_string();
        self.records = 0;
        self.lines = 0;
        self.broken = false;
    }
}

#[cfg(test)]
#[path = "follow_tests.rs"]
mod tests;
