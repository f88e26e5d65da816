//! The journal fixtures the audit tests share: a keyed memory store, a sample journal of a
//! few steps, and the raw lines of a journal file.

use reclaim_audit::key::{self, AuditKey};
use reclaim_audit::{Journal, RequestSummary, StepIntent, StepOutcome, StepResult, VerifyOptions};
use reclaim_core::secrets::{MemoryStore, SecretStore};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const TENANT: &str = "contoso-tenant";

/// A memory store holding `tenant`'s audit key.
pub fn keyed_store(tenant: &str, key: [u8; 32]) -> Arc<MemoryStore> {
    let s = MemoryStore::default();
    s.set(&key::key_name(tenant), &AuditKey::from_bytes(key).to_hex())
        .unwrap();
    Arc::new(s)
}

pub fn store() -> Arc<MemoryStore> {
    keyed_store(TENANT, [7; 32])
}

pub fn the_key() -> AuditKey {
    AuditKey::from_bytes([7; 32])
}

pub fn open(dir: &Path, store: &Arc<MemoryStore>) -> Journal {
    Journal::open(dir, TENANT, "admin@contoso.com", store.clone()).unwrap()
}

pub fn intent(step: &str, action: &str, target: &str, body: Option<Value>) -> StepIntent {
    StepIntent {
        incident: "INC-1".into(),
        plan_id: "plan-1".into(),
        step_id: step.into(),
        action: action.into(),
        target: target.into(),
        before: json!({"accountEnabled": true, "note": "state before"}),
        request: RequestSummary {
            method: "POST".into(),
            path: format!("/v1.0/users/{target}/{action}"),
            body,
        },
    }
}

pub fn outcome(result: StepResult) -> StepOutcome {
    StepOutcome {
        status: Some(204),
        graph_request_id: Some("req-123".into()),
        result,
        verification: Some(json!({"read": "ok"})),
    }
}

/// A journal of a few steps: done, failed, unknown; closed.
pub fn sample(dir: &Path, store: &Arc<MemoryStore>) -> PathBuf {
    let j = open(dir, store);
    j.note("plan-created", "INC-1", json!({"steps": 4}))
        .unwrap();
    let a = j
        .intent(intent("s1", "revoke-sessions", "cfo@contoso.com", None))
        .unwrap();
    j.outcome(&a, outcome(StepResult::Succeeded)).unwrap();
    let b = j
        .intent(intent("s2", "disable-signin", "cfo@contoso.com", None))
        .unwrap();
    j.outcome(
        &b,
        outcome(StepResult::Failed {
            error: "403 Authorization_RequestDenied".into(),
        }),
    )
    .unwrap();
    j.intent(intent(
        "s3",
        "remove-malicious-rules",
        "vp@contoso.com",
        None,
    ))
    .unwrap();
    j.close().unwrap();
    j.path().to_path_buf()
}

pub fn strict(store: &Arc<MemoryStore>) -> VerifyOptions {
    VerifyOptions {
        key: key::load(store.as_ref(), TENANT).unwrap(),
        require_auth: true,
        tenant: Some(TENANT.into()),
        expected_head: None,
        stored_head: None,
    }
}

pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

pub fn join(lines: &[String]) -> Vec<u8> {
    let mut s = lines.join("\n");
    s.push('\n');
    s.into_bytes()
}
