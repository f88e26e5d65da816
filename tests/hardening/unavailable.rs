//! `triage --json`'s `unavailable` (CONTRACT.md): every source that could not be read, with
//! the reason in the contract's words. Here an app without AuditLog.Read.All: sign-ins and
//! audits are unavailable for a missing permission, everything else is read.

use super::env;
use reclaim_sim::apps::READ_PERMISSIONS;
use reclaim_sim::model::AppRegistration;
use reclaim_sim::AppCredentials;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_sources_are_listed_with_their_reason() {
    let e = env(60, 21).await;
    let r = e.run(&["triage", "--json"]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["unavailable"], serde_json::json!([]), "all sources read");

    e.sim.register_app(AppRegistration {
        client_id: "no-audit-logs".into(),
        display_name: "reclaim without AuditLog.Read.All".into(),
        client_secret: Some("s3cret-no-audit".into()),
        application_permissions: READ_PERMISSIONS
            .iter()
            .filter(|p| **p != "AuditLog.Read.All")
            .map(|p| p.to_string())
            .collect(),
        ..Default::default()
    });
    let app = AppCredentials {
        client_id: "no-audit-logs".into(),
        client_secret: "s3cret-no-audit".into(),
    };
    let out = tokio::process::Command::from(super::common::reclaim_as(&e.sim, &app, e.dir.path()))
        .args(["triage", "--json"])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let list = v["unavailable"].as_array().unwrap();
    assert!(!list.is_empty(), "{v}");
    for u in list {
        assert_eq!(u["reason"], "permission", "{u}");
        assert!(u["source"].is_string() && u["detail"].as_str().unwrap().contains("AuditLog"));
    }
    let sources: Vec<&str> = list.iter().map(|u| u["source"].as_str().unwrap()).collect();
    assert!(sources.iter().any(|s| s.contains("sign-in")), "{sources:?}");
    assert!(
        !v["accounts"].as_array().unwrap().is_empty(),
        "the rest was read"
    );
}
