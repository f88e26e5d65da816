//! Licence tiers over HTTP: what P1 and free tenants refuse, with Graph's licence 403 body;
//! `/subscribedSkus` naming the tier's service plans; 7 days of audits on free; the
//! intermittent licence 403 on a licensed tenant.

use super::support::Api;
use reclaim_sim::graph::sample;
use reclaim_sim::{Licence, LicenceSettings, Profile, SimConfig};
use reqwest::Method;

const CODE: &str = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";
const MESSAGE: &str = "Neither tenant is B2C or tenant doesn't have premium license";

async fn api(tier: Licence) -> Api {
    let cfg = SimConfig {
        licence: LicenceSettings::tier(tier),
        ..SimConfig::with_profile(Profile::Fast)
    };
    Api::start_with(cfg, sample::sample_tenant(0, 40)).await
}

const PREMIUM: &[(&str, &str)] = &[
    ("GET", "/v1.0/identityProtection/riskyUsers"),
    ("GET", "/v1.0/identityProtection/riskDetections"),
    (
        "POST",
        "/v1.0/identityProtection/riskyUsers/confirmCompromised",
    ),
    ("GET", "/beta/riskyUsers"),
    ("GET", "/v1.0/auditLogs/signIns"),
    ("GET", "/beta/auditLogs/signIns"),
    ("GET", "/v1.0/users?$select=id,signInActivity"),
];

/// Which of [`PREMIUM`] each tier answers (true) or refuses.
fn allowed(tier: Licence, path: &str) -> bool {
    let ip = path.contains("isk");
    match tier {
        Licence::P2 => true,
        Licence::P1 => !ip,
        Licence::Free => false,
    }
}

fn plan_names(body: &serde_json::Value) -> Vec<String> {
    body["value"][0]["servicePlans"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["servicePlanName"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn each_tier_refuses_what_its_licence_lacks_with_the_licence_body() {
    for tier in [Licence::P2, Licence::P1, Licence::Free] {
        let api = api(tier).await;
        for (method, path) in PREMIUM {
            let body = (*method == "POST").then(|| serde_json::json!({"userIds": []}));
            let r = api.send(method.parse().unwrap(), path, body).await;
            if allowed(tier, path) {
                assert_ne!(r.status, 403, "{tier:?} {path}: {}", r.text);
            } else {
                assert_eq!(r.status, 403, "{tier:?} {path}: {}", r.text);
                assert_eq!((r.code(), r.message()), (CODE, MESSAGE), "{tier:?} {path}");
                assert!(r.body["error"]["innerError"]["request-id"].is_string());
            }
        }
        // Never refused: users, audits, methods, rules, grants.
        for path in [
            "/v1.0/users?$select=id,displayName",
            "/v1.0/auditLogs/directoryAudits",
            "/v1.0/oauth2PermissionGrants",
        ] {
            let r = api.send(Method::GET, path, None).await;
            assert_eq!(r.status, 200, "{tier:?} {path}: {}", r.text);
        }
        let skus = api.send(Method::GET, "/v1.0/subscribedSkus", None).await;
        assert_eq!(skus.status, 200, "{}", skus.text);
        let plans = plan_names(&skus.body);
        assert_eq!(
            plans.iter().any(|p| p == "AAD_PREMIUM"),
            tier != Licence::Free,
            "{tier:?}: {plans:?}"
        );
        assert_eq!(
            plans.iter().any(|p| p == "AAD_PREMIUM_P2"),
            tier == Licence::P2,
            "{tier:?}: {plans:?}"
        );
    }
}

#[tokio::test]
async fn subscribed_skus_needs_an_organization_or_directory_permission() {
    let api = api(Licence::P1).await;
    let plain_id = "11111111-2222-4333-8444-666666666666";
    api.sim.register_app(reclaim_sim::model::AppRegistration {
        client_id: plain_id.into(),
        display_name: "users only".into(),
        application_permissions: vec!["User.Read.All".into()],
        ..Default::default()
    });
    let token = api.sim.mint_app_token(plain_id);
    let r = api
        .send_as(&token, Method::GET, "/v1.0/subscribedSkus", None)
        .await;
    assert_eq!((r.status, r.code()), (403, "Authorization_RequestDenied"));
}

#[tokio::test]
async fn a_free_tenant_keeps_seven_days_of_directory_audits() {
    let p2 = api(Licence::P2).await;
    let free = api(Licence::Free).await;
    let oldest = |body: &serde_json::Value| {
        body["value"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["activityDateTime"].as_str())
            .filter_map(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .min()
    };
    // The log is newest first: an audit from ten days ago goes at the end.
    for api in [&p2, &free] {
        api.sim.with_tenant_mut(|t| {
            let mut old = t.directory_audits[0].clone();
            old.id = "old-audit".into();
            old.activity_date_time = chrono::Utc::now() - chrono::Duration::days(10);
            t.directory_audits.push(old);
        });
    }
    let path = "/v1.0/auditLogs/directoryAudits?$top=999";
    let all = p2.send(Method::GET, path, None).await;
    let kept = free.send(Method::GET, path, None).await;
    let week_ago = chrono::Utc::now() - chrono::Duration::days(7) - chrono::Duration::minutes(5);
    let all_oldest = oldest(&all.body).expect("the sample tenant has audits");
    assert!(
        all_oldest < week_ago,
        "the sample needs audits older than a week"
    );
    let kept_oldest = oldest(&kept.body).expect("recent audits stay");
    assert!(
        kept_oldest >= week_ago,
        "{kept_oldest} is older than 7 days"
    );
}

#[tokio::test]
async fn the_intermittent_licence_403_refuses_every_nth_premium_request_only() {
    let api = api(Licence::P2).await;
    api.sim.set_licence(LicenceSettings {
        tier: Licence::P2,
        flap_every: Some(3),
    });
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = api
            .send(Method::GET, "/v1.0/auditLogs/signIns?$top=1", None)
            .await;
        if r.status == 403 {
            assert_eq!(r.code(), CODE);
        }
        statuses.push(r.status);
        // Requests to APIs every tier has are never refused and do not count.
        let u = api.send(Method::GET, "/v1.0/users?$top=1", None).await;
        assert_eq!(u.status, 200);
    }
    assert_eq!(statuses, [200, 200, 403, 200, 200, 403]);
}
