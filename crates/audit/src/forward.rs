//! Forwarding records to where organizations keep logs.
//!
//! - Syslog: RFC 5424 messages over TCP with octet-counting framing (RFC 6587 3.4.1, the
//!   framing RFC 5425 mandates for TLS), optionally inside TLS (rustls, TLS 1.2/1.3, server
//!   certificate checked against a CA file or the Mozilla roots). Facility 13 (log audit);
//!   severity notice for intents and outcomes, warning for failed or unknown outcomes and
//!   recovery records, informational for the rest. MSGID is the record kind, the structured
//!   data `[reclaim@32473 ...]` carries seq, tenant, incident, step, action and hash, and MSG
//!   is the record's JSON. (32473 is the private enterprise number RFC 5612 reserves for
//!   documentation; organizations that need their own can filter on the SD-ID name.)
//! - JSON Lines: one record per line to a file (appended, 0600) or stdout, for a log shipper.
//!
//! Delivery is at-least-once when re-run from a seq: receivers can de-duplicate on
//! (tenant, seq, hash).

use super::chain;
use super::record::{Record, RecordKind, StepResult};
use reclaim_core::sanitize;
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::rustls;

/// Where syslog goes.
#[derive(Debug, Clone)]
pub struct SyslogTarget {
    /// `host:port`.
    pub addr: String,
    pub tls: Option<TlsOptions>,
    /// HOSTNAME field; defaults to this machine's name.
    pub hostname: Option<String>,
}

/// TLS settings for syslog.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// PEM file of the CA(s) that signed the receiver's certificate; None: the Mozilla roots.
    pub ca_file: Option<PathBuf>,
    /// Name to check the certificate against; default: the host part of `addr`.
    pub server_name: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    #[error("cannot connect to the syslog receiver {addr}: {source}")]
    Connect {
        addr: String,
        source: std::io::Error,
    },
    #[error("TLS with the syslog receiver failed: {0}")]
    Tls(String),
    #[error("sending to {0} failed: {1}")]
    Send(String, std::io::Error),
    #[error("writing JSON lines failed: {0}")]
    Write(std::io::Error),
}

const FACILITY_LOG_AUDIT: u8 = 13;

fn severity(r: &Record) -> u8 {
    match (r.kind, &r.result) {
        (RecordKind::Outcome, Some(StepResult::Failed { .. } | StepResult::Unknown) | None)
        | (RecordKind::Recovery, _) => 4,
        (RecordKind::Intent | RecordKind::Outcome, _) => 5,
        _ => 6,
    }
}

/// The local host name for the HOSTNAME field (`-` if unknown).
pub fn local_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| header_token(h.trim(), 255))
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "-".to_string())
}

/// A header field: printable US-ASCII without spaces, at most `max` characters.
fn header_token(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(max)
        .collect()
}

/// An SD-PARAM value: inert, with `"`, `\` and `]` escaped as RFC 5424 6.3.3 requires.
fn sd_value(s: &str) -> String {
    let clean = sanitize::inert(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One RFC 5424 message for a record (without framing).
pub fn syslog_message(r: &Record, hostname: &str) -> String {
    let pri = FACILITY_LOG_AUDIT * 8 + severity(r);
    let mut sd = format!(
        "[reclaim@32473 seq=\"{}\" tenant=\"{}\"",
        r.seq,
        sd_value(&r.tenant)
    );
    for (name, val) in [
        ("incident", &r.incident),
        ("step", &r.step_id),
        ("action", &r.action),
        ("target", &r.target),
    ] {
        if let Some(v) = val {
            sd.push_str(&format!(" {name}=\"{}\"", sd_value(v)));
        }
    }
    sd.push_str(&format!(" hash=\"{}\"]", sd_value(&r.hash)));
    let json = serde_json::to_value(r)
        .map(|v| chain::canonical(&v))
        .unwrap_or_default();
    format!(
        "<{pri}>1 {} {} reclaim {} {} {sd} {}",
        header_token(&r.time, 64),
        header_token(hostname, 255),
        std::process::id(),
        r.kind.as_str(),
        sanitize::json_text(&json)
    )
}

/// The message with octet-counting framing: `LEN SP MSG`.
pub fn syslog_frame(r: &Record, hostname: &str) -> String {
    let msg = syslog_message(r, hostname);
    format!("{} {msg}", msg.len())
}

/// Sends the records over one connection, in order, and closes it cleanly. Returns the count.
pub async fn forward_syslog(
    records: &[Record],
    target: &SyslogTarget,
) -> Result<usize, ForwardError> {
    let hostname = target.hostname.clone().unwrap_or_else(local_hostname);
    let tcp = TcpStream::connect(&target.addr)
        .await
        .map_err(|source| ForwardError::Connect {
            addr: target.addr.clone(),
            source,
        })?;
    let _ = tcp.set_nodelay(true);
    match &target.tls {
        None => send_all(tcp, records, &hostname, &target.addr).await,
        Some(tls) => {
            let connector = tls_connector(tls)?;
            let name = server_name(&target.addr, tls)?;
            let stream = connector
                .connect(name, tcp)
                .await
                .map_err(|e| ForwardError::Tls(e.to_string()))?;
            send_all(stream, records, &hostname, &target.addr).await
        }
    }
}

/// Forwards every record the journal publishes from now on until the journal closes.
pub async fn forward_live(
    mut rx: tokio::sync::broadcast::Receiver<Record>,
    target: SyslogTarget,
) -> Result<usize, ForwardError> {
    let mut sent = 0;
    loop {
        match rx.recv().await {
            Ok(r) => sent += forward_syslog(std::slice::from_ref(&r), &target).await?,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                tracing::warn!("syslog forwarding fell {n} records behind; re-run `audit forward --from-seq` to fill the gap");
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return Ok(sent),
        }
    }
}

/// How long a closed connection waits for the receiver to close its side.
const LINGER: std::time::Duration = std::time::Duration::from_secs(3);

async fn send_all<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    records: &[Record],
    hostname: &str,
    addr: &str,
) -> Result<usize, ForwardError> {
    let err = |e| ForwardError::Send(addr.to_string(), e);
    for r in records {
        stream
            .write_all(syslog_frame(r, hostname).as_bytes())
            .await
            .map_err(err)?;
    }
    stream.flush().await.map_err(err)?;
    // For TLS this sends close_notify, so the receiver knows nothing was cut off.
    stream.shutdown().await.map_err(err)?;
    linger(&mut stream).await;
    Ok(records.len())
}

/// Reads and discards until the receiver closes (or [`LINGER`] passes). Dropping a socket
/// with unread bytes in it (a TLS 1.3 server's session tickets, say) sends a TCP reset, and
/// a reset makes the receiver throw away records it had received but not yet read.
async fn linger<S: AsyncRead + Unpin>(stream: &mut S) {
    let drain = async {
        let mut buf = [0u8; 1024];
        // An error here (a receiver closing without close_notify) is a close too.
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    };
    if tokio::time::timeout(LINGER, drain).await.is_err() {
        tracing::debug!("syslog receiver kept the connection open after our close");
    }
}

fn tls_connector(tls: &TlsOptions) -> Result<tokio_rustls::TlsConnector, ForwardError> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let mut roots = rustls::RootCertStore::empty();
    match &tls.ca_file {
        Some(path) => {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<_, _>>())
                .map_err(|e| ForwardError::Tls(format!("{}: {e}", path.display())))?;
            if certs.is_empty() {
                return Err(ForwardError::Tls(format!(
                    "{}: no certificate in it",
                    path.display()
                )));
            }
            for c in certs {
                roots
                    .add(c)
                    .map_err(|e| ForwardError::Tls(format!("{}: {e}", path.display())))?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ForwardError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

fn server_name(
    addr: &str,
    tls: &TlsOptions,
) -> Result<rustls::pki_types::ServerName<'static>, ForwardError> {
    let host = match &tls.server_name {
        Some(n) => n.clone(),
        None => {
            let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .to_string()
        }
    };
    rustls::pki_types::ServerName::try_from(host.clone())
        .map_err(|_| ForwardError::Tls(format!("`{host}` is not a valid TLS server name")))
}

/// Where JSON lines go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonLinesSink {
    Stdout,
    /// Appended to, created 0600.
    File(PathBuf),
}

/// Writes one compact JSON record per line. Returns the count.
pub fn forward_jsonl(records: &[Record], sink: &JsonLinesSink) -> Result<usize, ForwardError> {
    let mut buf = String::new();
    for r in records {
        let json = serde_json::to_value(r)
            .map(|v| chain::canonical(&v))
            .unwrap_or_default();
        buf.push_str(&sanitize::json_text(&json));
        buf.push('\n');
    }
    match sink {
        JsonLinesSink::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(buf.as_bytes())
                .and_then(|()| out.flush())
                .map_err(ForwardError::Write)?;
        }
        JsonLinesSink::File(path) => {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(path)
                .map_err(ForwardError::Write)?;
            f.write_all(buf.as_bytes())
                .and_then(|()| f.sync_data())
                .map_err(ForwardError::Write)?;
        }
    }
    Ok(records.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn message_is_rfc5424_with_octet_count() {
        let mut r = Record::new(RecordKind::Intent, "op", "t1", Utc::now());
        r.seq = 3;
        r.hash = "ab".repeat(32);
        r.target = Some("evil\"] \x1b[2J".into());
        let frame = syslog_frame(&r, "host name");
        let (len, msg) = frame.split_once(' ').unwrap();
        assert_eq!(len.parse::<usize>().unwrap(), msg.len());
        assert!(msg.starts_with("<109>1 "), "{msg}");
        assert!(msg.contains(" hostname reclaim "));
        assert!(msg.contains(" intent [reclaim@32473 seq=\"3\" tenant=\"t1\""));
        assert!(msg.contains(r#"target="evil\"\] \\x1b[2J""#), "{msg}");
        assert!(!msg.contains('\x1b'));
    }
}
