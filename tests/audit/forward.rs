//! Forwarding to real receivers: a real rsyslogd on loopback (plain TCP and TLS with its gtls
//! driver) started by the test with its own config, a rustls listener, and JSON lines.
//!
//! rsyslogd comes from Debian's rsyslog and rsyslog-gnutls (.ci/run installs them). Without
//! rsyslogd the rsyslog tests skip with a visible line, unless
//! RECLAIM_REQUIRE_EXTERNAL=1 (set by .ci/run) makes that a failure.

use reclaim_audit::forward::{self, JsonLinesSink, SyslogTarget, TlsOptions};
use reclaim_audit::{Journal, Record, RequestSummary, StepIntent, StepOutcome, StepResult};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TENANT: &str = "fwd-tenant";
const TLS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/audit-tls");

/// A journal with `steps` intent/outcome pairs, with tenant text that needs escaping.
fn journal(dir: &Path, steps: usize) -> Vec<Record> {
    let store = super::support::keyed_store(TENANT, [1; 32]);
    let j = Journal::open(dir, TENANT, "admin@contoso.com", store).unwrap();
    for i in 0..steps {
        let r = j
            .intent(StepIntent {
                incident: "INC-9".into(),
                plan_id: "p".into(),
                step_id: format!("s{i}"),
                action: "remove-malicious-rules".into(),
                target: format!("user{i}@contoso.com"),
                before: json!({"rule": {"displayName": format!("rule \"{i}\" ] \\ \u{202e}élan")}}),
                request: RequestSummary {
                    method: "DELETE".into(),
                    path: format!("/v1.0/users/user{i}/mailFolders/inbox/messageRules/r{i}"),
                    body: None,
                },
            })
            .unwrap();
        j.outcome(
            &r,
            StepOutcome {
                status: Some(204),
                graph_request_id: Some(format!("req-{i}")),
                result: if i % 5 == 4 {
                    StepResult::Failed {
                        error: "503".into(),
                    }
                } else {
                    StepResult::Succeeded
                },
                verification: None,
            },
        )
        .unwrap();
    }
    j.close().unwrap();
    j.records().unwrap()
}

fn rsyslogd() -> Option<PathBuf> {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(["/usr/sbin".into(), "/sbin".into()]);
    for dir in candidates {
        let p = dir.join("rsyslogd");
        if p.is_file() {
            return Some(p);
        }
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("rsyslog")
        .to_string();
    super::external::available_or_skip(
        "rsyslogd",
        false,
        &test,
        "apt-get install rsyslog rsyslog-gnutls",
    );
    None
}

/// An rsyslogd of our own: imtcp on a free loopback port, omfile to a temp file.
struct Rsyslog {
    child: Child,
    port: u16,
    out: PathBuf,
    _dir: tempfile::TempDir,
}

impl Rsyslog {
    fn start(bin: &Path, tls: bool) -> Rsyslog {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let out = d.join("received.log");
        let portfile = d.join("port");
        let stream = if tls {
            format!(
                r#"streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon"
                   streamDriver.caFile="{TLS_DIR}/ca.pem" streamDriver.certFile="{TLS_DIR}/server.pem"
                   streamDriver.keyFile="{TLS_DIR}/server.key""#
            )
        } else {
            String::new()
        };
        let conf = format!(
            r#"global(workDirectory="{wd}" maxMessageSize="256k")
module(load="imtcp")
template(name="fields" type="string"
         string="%protocol-version%|%app-name%|%msgid%|%pri%|%structured-data%|%msg%\n")
ruleset(name="audit") {{ action(type="omfile" file="{out}" template="fields") }}
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="{portfile}" ruleset="audit" {stream})
"#,
            wd = d.display(),
            out = out.display(),
            portfile = portfile.display(),
        );
        let conf_path = d.join("rsyslog.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = Command::new(bin)
            .arg("-n")
            .arg("-f")
            .arg(&conf_path)
            .arg("-i")
            .arg(d.join("rsyslogd.pid"))
            .current_dir(d)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut r = Rsyslog {
            child,
            port: 0,
            out,
            _dir: dir,
        };
        let port = wait_for(Duration::from_secs(20), || {
            std::fs::read_to_string(&portfile)
                .ok()
                .and_then(|s| s.trim().parse::<u16>().ok())
                .filter(|p| *p != 0)
        });
        if port.is_none() {
            let status = r.child.try_wait().unwrap();
            panic!("rsyslogd did not start listening (exit status {status:?})");
        }
        r.port = port.unwrap_or_default();
        r
    }

    /// Waits until `n` messages are in the output file, and returns them.
    fn received(&self, n: usize) -> Vec<String> {
        let got = wait_for(Duration::from_secs(30), || {
            let text = std::fs::read_to_string(&self.out).unwrap_or_default();
            let lines: Vec<String> = text.lines().map(str::to_string).collect();
            (lines.len() >= n).then_some(lines)
        });
        got.unwrap_or_else(|| {
            let have = std::fs::read_to_string(&self.out).unwrap_or_default();
            panic!("rsyslog received {} of {n} messages", have.lines().count())
        })
    }
}

impl Drop for Rsyslog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for<T>(limit: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if start.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every record arrived exactly once, parsed by rsyslog as RFC 5424 with our fields intact.
fn assert_all_received(lines: &[String], records: &[Record]) {
    assert_eq!(lines.len(), records.len(), "no duplicates, nothing extra");
    for (line, r) in lines.iter().zip(records) {
        let parts: Vec<&str> = line.splitn(6, '|').collect();
        assert_eq!(parts.len(), 6, "{line}");
        assert_eq!(parts[0], "1", "RFC 5424 version: {line}");
        assert_eq!(parts[1], "reclaim");
        assert_eq!(parts[2], r.kind.as_str());
        let pri: u32 = parts[3].parse().unwrap();
        assert_eq!(pri / 8, 13, "facility log audit");
        assert!(parts[4].contains(&format!("seq=\"{}\"", r.seq)), "{line}");
        assert!(parts[4].contains(&format!("hash=\"{}\"", r.hash)));
        let msg: Value = serde_json::from_str(parts[5].trim()).unwrap();
        assert_eq!(msg["seq"], r.seq);
        assert_eq!(msg["hash"], r.hash.as_str());
        assert_eq!(serde_json::from_value::<Record>(msg).unwrap(), *r);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsyslog_receives_every_record_over_tcp() {
    let Some(bin) = rsyslogd() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let records = journal(tmp.path(), 60);
    let rs = Rsyslog::start(&bin, false);
    let target = SyslogTarget {
        addr: format!("127.0.0.1:{}", rs.port),
        tls: None,
        hostname: Some("responder-laptop".into()),
    };
    // Two connections, as two forwarding runs would make.
    let (a, b) = records.split_at(records.len() / 2);
    assert_eq!(forward::forward_syslog(a, &target).await.unwrap(), a.len());
    assert_eq!(forward::forward_syslog(b, &target).await.unwrap(), b.len());
    assert_all_received(&rs.received(records.len()), &records);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsyslog_receives_every_record_over_tls_from_the_cli() {
    let Some(bin) = rsyslogd() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let records = journal(tmp.path(), 40);
    let rs = Rsyslog::start(&bin, true);
    let out = Command::new(env!("CARGO_BIN_EXE_reclaim"))
        .env("RECLAIM_KEYRING", "memory")
        .env("XDG_STATE_HOME", tmp.path().join("state"))
        .arg("--audit-dir")
        .arg(tmp.path())
        .args(["--tenant", TENANT, "audit", "forward", "--syslog"])
        .arg(format!("127.0.0.1:{}", rs.port))
        .args(["--tls", "--tls-ca"])
        .arg(format!("{TLS_DIR}/ca.pem"))
        .args(["--tls-server-name", "localhost"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_all_received(&rs.received(records.len()), &records);
}

/// A rustls server on loopback: TLS framing checked byte for byte, and a receiver whose
/// certificate does not chain to the given CA is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_forwarding_to_a_rustls_listener() {
    use rustls::pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer};
    use tokio::io::AsyncReadExt;
    use tokio_rustls::rustls;

    let tmp = tempfile::tempdir().unwrap();
    let records = journal(tmp.path(), 10);
    let certs = CertificateDer::pem_file_iter(format!("{TLS_DIR}/server.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{TLS_DIR}/server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let mut received = Vec::new();
        for _ in 0..2 {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut buf = Vec::new();
            if let Ok(mut tls) = acceptor.accept(tcp).await {
                // A slow receiver: the sender has closed before the first read. A sender that
                // drops its socket with the server's session tickets unread sends a TCP reset,
                // and the receiver loses what it had not yet read.
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                tls.read_to_end(&mut buf).await.unwrap();
            }
            received.push(buf);
        }
        received
    });
    let good = SyslogTarget {
        addr: addr.to_string(),
        tls: Some(TlsOptions {
            ca_file: Some(format!("{TLS_DIR}/ca.pem").into()),
            server_name: None, // 127.0.0.1, in the certificate's IP SANs
        }),
        hostname: Some("h".into()),
    };
    forward::forward_syslog(&records, &good).await.unwrap();
    let untrusted = SyslogTarget {
        tls: Some(TlsOptions::default()), // public roots only: our test CA is not among them
        ..good.clone()
    };
    let err = forward::forward_syslog(&records, &untrusted)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("TLS"), "{err}");
    let received = server.await.unwrap();

    let mut rest = received[0].as_slice();
    let mut frames = Vec::new();
    while !rest.is_empty() {
        let sp = rest.iter().position(|b| *b == b' ').unwrap();
        let len: usize = std::str::from_utf8(&rest[..sp]).unwrap().parse().unwrap();
        frames.push(String::from_utf8(rest[sp + 1..sp + 1 + len].to_vec()).unwrap());
        rest = &rest[sp + 1 + len..];
    }
    assert_eq!(frames.len(), records.len());
    for (f, r) in frames.iter().zip(&records) {
        assert_eq!(*f, forward::syslog_message(r, "h"));
    }
    assert!(
        received[1].is_empty(),
        "nothing sent to an untrusted receiver"
    );
}

#[test]
fn json_lines_to_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let records = journal(tmp.path(), 5);
    let out = tmp.path().join("ship.jsonl");
    forward::forward_jsonl(&records, &JsonLinesSink::File(out.clone())).unwrap();
    forward::forward_jsonl(&records[..2], &JsonLinesSink::File(out.clone())).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        records.len() + 2,
        "appended, one record per line"
    );
    for (l, r) in lines.iter().zip(&records) {
        assert_eq!(serde_json::from_str::<Record>(l).unwrap(), *r);
    }
    assert!(
        !text.contains('\u{202e}'),
        "bidi controls escaped for terminals"
    );
}
