//! Exports in JSON, CSV and Markdown, and `reclaim audit verify` / `export` as a process.

use super::support::*;
use reclaim_audit::export::{self, ExportMeta};
use reclaim_audit::{chain, load_timeline, Note};
use serde_json::{json, Value};
use std::path::Path;

#[test]
fn exports_in_all_three_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let st = store();
    let j = open(tmp.path(), &st);
    j.note_with(Note {
        kind: "finding".into(),
        incident: "INC-1".into(),
        target: Some("cfo@contoso.com".into()),
        data: json!({"summary": "inbox rule `=HYPERLINK(\"x\")` | <b>forwards</b> to attacker\u{1b}[2J"}),
        ..Note::default()
    })
    .unwrap();
    drop(j);
    sample(tmp.path(), &st);
    let path = reclaim_audit::journal_path(tmp.path(), TENANT).unwrap();
    let rep = chain::verify_bytes(&std::fs::read(&path).unwrap(), &strict(&st));
    let all = load_timeline(tmp.path(), TENANT, None).unwrap();
    let records = load_timeline(tmp.path(), TENANT, Some("INC-1")).unwrap();
    assert!(
        records.len() < all.len()
            && records
                .iter()
                .all(|r| r.incident.as_deref() == Some("INC-1"))
    );
    let meta = ExportMeta {
        tenant: TENANT,
        incident: Some("INC-1"),
        report: &rep,
    };

    let doc: Value = serde_json::from_str(&export::to_json(&meta, &records)).unwrap();
    assert_eq!(doc["records"].as_array().unwrap().len(), records.len());
    assert_eq!(doc["verification"]["ok"], true);
    assert_eq!(doc["verification"]["head"]["seq"], rep.records);

    let csv = export::to_csv(&records);
    let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), records.len() + 1);
    assert!(rows[0].starts_with("seq,time,kind,operator"));
    assert!(csv.contains("'=HYPERLINK") || !csv.contains(",=HYPERLINK"));
    assert!(!csv.contains('\x1b'));

    let md = export::to_markdown(&meta, &records);
    for needle in [
        "# Incident report: INC-1",
        "## Timeline",
        "### cfo@contoso.com",
        "**Found**",
        "inbox rule",
        "revoke-sessions (step s1): succeeded, HTTP 204, request-id req-123",
        "**Verified**",
        "disable-signin (step s2): failed, HTTP 204: 403 Authorization\\_RequestDenied",
        "remove-malicious-rules (step s3): outcome unknown",
        "Steps succeeded: 1",
    ] {
        assert!(md.contains(needle), "missing `{needle}` in:\n{md}");
    }
    assert!(!md.contains('\x1b') && !md.contains("<b>"));
}

fn reclaim_cmd(dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_reclaim"));
    c.env("RECLAIM_KEYRING", "memory")
        .env("XDG_STATE_HOME", dir.join("state"))
        .arg("--audit-dir")
        .arg(dir)
        .arg("audit");
    c
}

#[test]
fn cli_verify_prints_the_head_or_names_the_bad_record() {
    let tmp = tempfile::tempdir().unwrap();
    let st = store();
    let path = sample(tmp.path(), &st);
    let out = reclaim_cmd(tmp.path()).arg("verify").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let head = chain::verify_bytes(&std::fs::read(&path).unwrap(), &strict(&st))
        .head
        .unwrap();
    assert!(stdout.contains(&format!(
        "reclaim-audit-head tenant={TENANT} seq=8 sha256={}",
        head.hash
    )));
    // A memory-only keyring has not the key: only the chain is checked, and it says so.
    assert!(String::from_utf8_lossy(&out.stderr).contains("only the hash chain"));

    let expect = format!("{}:{}", head.seq, head.hash);
    let ok = reclaim_cmd(tmp.path())
        .args(["verify", "--expect-head", &expect])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));

    let mut l = lines(&path);
    l[3] = l[3].replace("\"status\":204", "\"status\":200");
    std::fs::write(&path, join(&l)).unwrap();
    let out = reclaim_cmd(tmp.path()).arg("verify").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("line 4, seq 4"), "{all}");

    std::fs::write(&path, join(&lines(&path)[..6])).unwrap();
    let out = reclaim_cmd(tmp.path())
        .args(["verify", "--expect-head", &expect])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    for format in ["json", "csv", "md"] {
        let out = reclaim_cmd(tmp.path())
            .args(["export", "--format", format, "--incident", "INC-1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "export {format}");
        assert!(!out.stdout.is_empty());
    }
}
