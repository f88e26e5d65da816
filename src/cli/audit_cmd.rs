//! `reclaim audit verify|show|export|forward|archive`: the journal, checked and handed over.
//!
//! `verify` prints the head to paste into a ticket when the journal is good, and names the
//! first bad record (line, seq, reason) with exit 1 when it is not.

use super::output;
use super::{AuditArgs, AuditCommand, CliError, CliResult, Exit, ExportFormat, GlobalOpts};
use reclaim_audit::export::{self, ExportMeta};
use reclaim_audit::forward::{self, JsonLinesSink, SyslogTarget, TlsOptions};
use reclaim_audit::{self as audit, key, ExpectedHead, Record, VerifyOptions, VerifyReport};
use reclaim_core::sanitize::inert;
use reclaim_core::secrets::SecretStore;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub async fn run(global: &GlobalOpts, args: AuditArgs) -> CliResult {
    let dir = match &global.audit_dir {
        Some(d) => d.clone(),
        None => audit::default_audit_dir().ok_or_else(|| {
            CliError::failure("no state directory on this platform: pass --audit-dir")
        })?,
    };
    let store = super::connect::open_store(global)?;
    if let AuditCommand::Archive { yes } = &args.command {
        return archive(&dir, global, *yes, store.as_ref());
    }
    let (path, tenant) = locate(&dir, global, &args, store.as_ref())?;
    let loaded = load(&path, &tenant, &args, store)?;
    match &args.command {
        AuditCommand::Verify => verify(&path, &tenant, &loaded.report),
        AuditCommand::Show { format } | AuditCommand::Export { format } => {
            let records = loaded.filtered(args.incident.as_deref(), 1);
            let meta = ExportMeta {
                tenant: &tenant,
                incident: args.incident.as_deref(),
                report: &loaded.report,
            };
            let text = match format {
                ExportFormat::Json => export::to_json(&meta, &records),
                ExportFormat::Csv => export::to_csv(&records),
                ExportFormat::Md => export::to_markdown(&meta, &records),
            };
            match format {
                ExportFormat::Json => output::json(&text)?,
                ExportFormat::Csv | ExportFormat::Md => output::text(&text)?,
            }
            warn_if_bad(&loaded.report, &path);
            Ok(Exit::Success)
        }
        AuditCommand::Forward(f) => {
            let records = loaded.filtered(args.incident.as_deref(), f.from_seq);
            warn_if_bad(&loaded.report, &path);
            let sent = if let Some(addr) = &f.sink.syslog {
                let target = SyslogTarget {
                    addr: addr.clone(),
                    tls: f.tls.then(|| TlsOptions {
                        ca_file: f.tls_ca.clone(),
                        server_name: f.tls_server_name.clone(),
                    }),
                    hostname: None,
                };
                forward::forward_syslog(&records, &target).await
            } else {
                let sink = match f.sink.jsonl.as_deref() {
                    Some(p) if p == Path::new("-") => JsonLinesSink::Stdout,
                    Some(p) => JsonLinesSink::File(p.to_path_buf()),
                    None => return Err(CliError::usage("give --syslog HOST:PORT or --jsonl FILE")),
                };
                forward::forward_jsonl(&records, &sink)
            }
            .map_err(|e| CliError::failure(e.to_string()))?;
            errln!("forwarded {sent} records");
            Ok(Exit::Success)
        }
        AuditCommand::Archive { .. } => Ok(Exit::Success),
    }
}

struct Loaded {
    records: Vec<Record>,
    report: VerifyReport,
}

impl Loaded {
    /// The records up to the first bad one (nothing after tampering is presented as fact).
    fn filtered(&self, incident: Option<&str>, from_seq: u64) -> Vec<Record> {
        let good_until = self.report.head.as_ref().map_or(0, |h| h.seq);
        self.records
            .iter()
            .filter(|r| r.seq >= from_seq && r.seq <= good_until)
            .filter(|r| incident.is_none_or(|i| r.incident.as_deref() == Some(i)))
            .cloned()
            .collect()
    }
}

/// The journal to read and its tenant: `--journal FILE`, else the `--tenant`'s journal in the
/// audit dir, else the only journal there.
fn locate(
    dir: &Path,
    global: &GlobalOpts,
    args: &AuditArgs,
    store: &dyn SecretStore,
) -> Result<(PathBuf, String), CliError> {
    if let Some(file) = &args.journal {
        let tenant = match &global.tenant {
            Some(t) => t.clone(),
            None => audit::read_records(file)
                .map_err(|e| CliError::failure(e.to_string()))?
                .0
                .first()
                .map(|r| r.tenant.clone())
                .ok_or_else(|| CliError::failure(format!("{} holds no record", file.display())))?,
        };
        return Ok((file.clone(), tenant));
    }
    let tenant = match &global.tenant {
        Some(t) => t.clone(),
        None => {
            let all = audit::list_tenants(dir).map_err(|e| CliError::failure(e.to_string()))?;
            match all.as_slice() {
                [one] => one.clone(),
                [] => {
                    return Err(CliError::failure(format!(
                        "no audit journal in {} (pass --tenant to check for one that was \
                         deleted against the head the secret store remembers)",
                        dir.display()
                    )))
                }
                many => {
                    return Err(CliError::usage(format!(
                        "several tenants have journals in {}: pass --tenant (one of {})",
                        dir.display(),
                        inert(&many.join(", "))
                    )))
                }
            }
        }
    };
    let path = audit::journal_path(dir, &tenant).map_err(|e| CliError::usage(e.to_string()))?;
    let remembered =
        key::load_head(store, &tenant).map_err(|e| CliError::failure(e.to_string()))?;
    if let (false, Some(head)) = (path.exists(), remembered) {
        // The journal is gone but its last head is remembered: deleted or moved, not "none yet".
        let why = format!(
            "the journal {} is missing, but the secret store remembers its head at seq {} ({}): \
             it was deleted or moved",
            path.display(),
            head.seq,
            head.hash.get(..12).unwrap_or(&head.hash)
        );
        outln!("FAILED: {why}")?;
        return Err(CliError::failure(why));
    }
    if !path.exists() {
        return Err(CliError::failure(format!(
            "no audit journal at {}",
            path.display()
        )));
    }
    Ok((path, tenant))
}

fn load(
    path: &Path,
    tenant: &str,
    args: &AuditArgs,
    store: Arc<dyn SecretStore>,
) -> Result<Loaded, CliError> {
    let fail = |e: String| CliError::failure(e);
    let expected_head = args
        .expect_head
        .as_deref()
        .map(str::parse::<ExpectedHead>)
        .transpose()
        .map_err(CliError::usage)?;
    let key = key::load(store.as_ref(), tenant).map_err(|e| fail(e.to_string()))?;
    let persistent = store.kind() != "memory";
    // An archived file is checked against the key, not against the live journal's head.
    let stored_head = if args.journal.is_none() {
        key::load_head(store.as_ref(), tenant).map_err(|e| fail(e.to_string()))?
    } else {
        None
    };
    let bytes = std::fs::read(path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    let report = audit::chain::verify_bytes(
        &bytes,
        &VerifyOptions {
            key,
            require_auth: persistent,
            tenant: Some(tenant.to_string()),
            expected_head,
            stored_head,
        },
    );
    let (records, _) = audit::read_records(path).map_err(|e| fail(e.to_string()))?;
    Ok(Loaded { records, report })
}

fn verify(path: &Path, tenant: &str, rep: &VerifyReport) -> CliResult {
    if let Some(bad) = &rep.first_bad {
        outln!(
            "FAILED: {} records good, then {}",
            rep.records,
            inert(&bad.to_string())
        )?;
        return Err(CliError::failure(format!(
            "audit journal {} failed verification at {}",
            path.display(),
            inert(&bad.to_string())
        )));
    }
    outln!(
        "ok: {} records, hash chain intact, {} authenticated by the audit key{}",
        rep.records,
        rep.authenticated,
        if rep.sealed { ", sealed" } else { "" }
    )?;
    if rep.unauthenticated > 0 {
        errln!(
            "warning: {} records could not be authenticated: this tenant's audit key is not in \
             this secret store (the memory store, or another machine?), so only the hash \
             chain was checked; compare the head with the one pasted into the ticket",
            rep.unauthenticated
        );
    }
    if rep.records > 0 && !rep.sealed {
        errln!("note: the last record is not a seal: a writer is open, or the last one crashed");
    }
    if let Some(n) = rep.torn_tail {
        errln!("note: an incomplete last line ({n} bytes) from an interrupted write; the next writer removes it");
    }
    match export::ticket_line(tenant, rep) {
        Some(line) => outln!("{line}")?,
        None => outln!("the journal is empty")?,
    }
    Ok(Exit::Success)
}

fn warn_if_bad(rep: &VerifyReport, path: &Path) {
    if let Some(bad) = &rep.first_bad {
        errln!(
            "warning: {} failed verification at {}; only the records before it are shown",
            path.display(),
            inert(&bad.to_string())
        );
    }
}

fn archive(dir: &Path, global: &GlobalOpts, yes: bool, store: &dyn SecretStore) -> CliResult {
    if !yes {
        return Err(CliError::usage(
            "archiving moves the journal aside and forgets its remembered head: pass --yes",
        ));
    }
    let tenant = global
        .tenant
        .clone()
        .or_else(|| {
            audit::list_tenants(dir)
                .ok()
                .filter(|t| t.len() == 1)
                .and_then(|mut t| t.pop())
        })
        .ok_or_else(|| CliError::usage("pass --tenant to say which journal to archive"))?;
    let dest = audit::archive(dir, &tenant, store).map_err(|e| CliError::failure(e.to_string()))?;
    outln!("archived to {}", dest.display())?;
    Ok(Exit::Success)
}
