//! What the containment test binaries share: a plan made through the library with an unpaced
//! client, the requests a plan will send, and what containment leaves on an account. Included
//! with `#[path]` by the binaries that need it (so the others keep no dead code).

use reclaim::cli::connect::sim_app_client;
use reclaim_contain::planner::{make_plan, PlanMeta};
use reclaim_contain::{playbook, Plan};
use reclaim_graph::throttle::{Limits, Window};
use reclaim_graph::{ClientOptions, GraphClient};
use reclaim_sim::SimHandle;
use std::path::Path;
use std::time::Duration;

/// A client of the simulator's full app that paces nothing (the fast profile never throttles),
/// for tests that set a tenant up or plan through the library.
pub fn unpaced_client(sim: &SimHandle) -> GraphClient {
    let w = Window {
        limit: 100_000,
        period: Duration::from_millis(100),
    };
    let limits = Limits {
        identity_protection: w,
        reports: w,
        directory_units: w,
        directory_writes: w,
        mailbox_requests: w,
        ..Limits::default()
    };
    sim_app_client(
        sim,
        &sim.apps.full,
        ClientOptions {
            limits,
            ..ClientOptions::default()
        },
    )
    .unwrap()
}

/// A `contain-ato` plan for `users` made through the library with an unpaced client (the
/// simulator must not throttle while it plans), written where the binary will read it.
pub async fn make_contain_plan(sim: &SimHandle, users: &[String], file: &Path) -> Plan {
    let c = unpaced_client(sim);
    let meta = PlanMeta {
        tenant: sim.tenant_id.clone(),
        operator: "responder@test".into(),
        incident: None,
        delegated: false,
        created: chrono::Utc::now(),
    };
    let pb = playbook::find("contain-ato", None).unwrap();
    let plan = make_plan(&c, users, &pb, &meta, None).await.unwrap();
    plan.save(file).unwrap();
    plan
}

/// Every request the plan will send, sorted (method, path).
pub fn planned(plan: &Plan) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = plan
        .accounts
        .iter()
        .flat_map(|a| &a.steps)
        .map(|s| (s.request.method.to_string(), s.request.path.clone()))
        .collect();
    v.sort();
    v
}

/// The mutating requests the simulator served, sorted (method, path).
pub fn mutating(sim: &SimHandle) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = sim
        .request_log()
        .into_iter()
        .filter(|e| e.is_mutating())
        .map(|e| (e.method, e.path))
        .collect();
    v.sort();
    v
}

/// What containment leaves on the account (times and generated secrets aside).
pub fn final_state(t: &reclaim_sim::model::Tenant, id: &str) -> Vec<String> {
    let mut v: Vec<String> = t.methods[id]
        .iter()
        .map(|m| format!("{} {:?}", m.id, m.phone_number))
        .collect();
    if let Some(m) = t.mailboxes.get(id) {
        v.extend(
            m.rules
                .iter()
                .map(|r| format!("rule {} {}", r.id, r.is_enabled)),
        );
    }
    v.extend(
        t.grants
            .iter()
            .filter(|g| g.principal_id.as_deref() == Some(id))
            .map(|g| format!("grant {}", g.id)),
    );
    let u = t.users.iter().find(|u| *u.id == *id).unwrap();
    v.push(format!("enabled {}", u.account_enabled));
    v.push(format!(
        "risk {:?}",
        t.risky_users.get(id).map(|r| r.risk_state)
    ));
    v.sort();
    v
}
