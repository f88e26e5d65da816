//! The generated tenant as Graph serves it, pinned: a 500-user `campaign-2024` scenario (seed
//! 2024) read through every collection endpoint over HTTP, hashed. Memory work on the model must
//! keep every served byte; a changed hash means the JSON changed. Set `RECLAIM_GOLDEN_DUMP` to a
//! path to write the full text for a diff.

use crate::support::Api;
use chrono::{TimeZone, Utc};
use reclaim_sim::scenario;
use reclaim_sim::{Profile, SimConfig};
use sha2::{Digest, Sha256};

/// SHA-256 of the dump below, taken on main before the model was made compact (with the
/// default-MFA scenario). A deliberate change to what the scenario generates updates it (last,
/// issue 13: the campaign's reported user agents and Selena Telecom; the roles, groups, app
/// credentials and consents the attacker added).
const GOLDEN: &str = "95df15446ef1f93dc6366035bdc38d316abc8f282d36eb043d2ea81877140a37";

async fn dump_collection(api: &Api, out: &mut String, path: &str) {
    let (items, _) = api.all_pages(path, false).await;
    out.push_str(path);
    out.push('\n');
    for item in items {
        out.push_str(&item.to_string());
        out.push('\n');
    }
}

async fn dump_one(api: &Api, out: &mut String, path: &str) {
    let r = api.try_get(path).await;
    // Errors carry a fresh request id and date: keep only their status and code.
    let body = if r.status == 200 {
        r.text.as_str()
    } else {
        r.code()
    };
    out.push_str(&format!("{path} {}\n{body}\n", r.status));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_tenant_is_byte_identical_for_the_same_seed() {
    let now = Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap();
    let s = scenario::generate("campaign-2024", 500, 2024, now).expect("generate");
    let api = Api::start_with(SimConfig::with_profile(Profile::Fast), s).await;
    let mut out = String::new();
    for path in [
        "/v1.0/users?$top=999",
        "/beta/users?$top=999",
        "/beta/users?$top=500&$select=id,signInActivity",
        "/v1.0/auditLogs/signIns",
        "/beta/auditLogs/signIns",
        "/beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'nonInteractiveUser')",
        "/v1.0/auditLogs/directoryAudits",
        "/v1.0/identityProtection/riskyUsers?$top=500",
        "/beta/identityProtection/riskyUsers?$top=500",
        "/v1.0/identityProtection/riskDetections?$top=500",
        "/beta/identityProtection/riskDetections?$top=500",
        "/v1.0/oauth2PermissionGrants",
        "/v1.0/servicePrincipals",
        "/v1.0/roleManagement/directory/roleAssignments",
        "/v1.0/devices",
        "/v1.0/applications",
    ] {
        dump_collection(&api, &mut out, path).await;
    }
    let ids: Vec<(String, bool)> = api.sim.with_tenant(|t| {
        t.users
            .iter()
            .map(|u| (u.id.to_string(), t.risky_users.contains_key(&*u.id)))
            .collect()
    });
    for (id, risky) in &ids {
        for path in [
            format!("/v1.0/users/{id}/authentication/methods"),
            format!("/beta/users/{id}/authentication/methods"),
            format!("/v1.0/users/{id}/mailFolders?$top=100"),
            format!("/beta/users/{id}/mailFolders?$top=100"),
            format!("/v1.0/users/{id}/mailFolders/inbox/messageRules"),
            format!("/v1.0/users/{id}/mailboxSettings"),
            format!("/v1.0/users/{id}/manager"),
        ] {
            dump_one(&api, &mut out, &path).await;
        }
        if *risky {
            dump_one(
                &api,
                &mut out,
                &format!("/v1.0/identityProtection/riskyUsers/{id}/history"),
            )
            .await;
        }
    }
    // The port changes between runs.
    let origin = api
        .sim
        .graph_url
        .split('/')
        .take(3)
        .collect::<Vec<_>>()
        .join("/");
    let out = out.replace(&origin, "GRAPH");
    if let Ok(path) = std::env::var("RECLAIM_GOLDEN_DUMP") {
        std::fs::write(path, &out).expect("dump written");
    }
    let hash = hex::encode(Sha256::digest(out.as_bytes()));
    assert_eq!(hash, GOLDEN, "served JSON changed ({} bytes)", out.len());
}
