//! Reading journals without taking the writer's lock: for `show`, `export` and the console's
//! audit view. A writer may be appending meanwhile; an incomplete last line is ignored.

use super::chain;
use super::journal::journal_path;
use super::record::Record;
use super::AuditError;
use std::path::Path;

/// Reads a journal without locking: the complete records and the bytes of an incomplete last
/// line (a write in progress or cut off by a crash). Lines that do not parse are skipped here;
/// `verify` is what judges them.
pub fn read_records(path: &Path) -> Result<(Vec<Record>, Option<usize>), AuditError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(AuditError::NoJournal(path.to_path_buf()))
        }
        Err(e) => return Err(AuditError::io(path, e)),
    };
    let (lines, torn) = chain::split_lines(&bytes);
    let records = lines
        .iter()
        .filter_map(|l| serde_json::from_slice::<Record>(l).ok())
        .collect();
    Ok((records, torn.map(<[u8]>::len)))
}

/// The console's audit view: the tenant's records, oldest first, limited to one incident
/// (plus nothing else) when `incident` is given.
pub fn load_timeline(
    dir: &Path,
    tenant: &str,
    incident: Option<&str>,
) -> Result<Vec<Record>, AuditError> {
    let path = journal_path(dir, tenant)?;
    let (records, _) = match read_records(&path) {
        Err(AuditError::NoJournal(_)) => return Ok(Vec::new()),
        other => other?,
    };
    Ok(records
        .into_iter()
        .filter(|r| incident.is_none_or(|i| r.incident.as_deref() == Some(i)))
        .collect())
}

/// The tenants that have a journal in `dir`, sorted.
pub fn list_tenants(dir: &Path) -> Result<Vec<String>, AuditError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(AuditError::io(dir, e)),
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".jsonl").map(str::to_string)
        })
        .collect();
    out.sort();
    Ok(out)
}
