//! Faults beyond the core tests: the identity platform failing in its own error format, a
//! crashing handler answering Graph's 500, and the fractional Retry-After throttles send.

use super::support::Api;
use reclaim_sim::graph::sample::CFO;
use reclaim_sim::{FaultRates, Knobs, Limits, Profile, RateLimit};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

fn only(faults: FaultRates) -> Knobs {
    Knobs {
        faults,
        ..Knobs::for_profile(Profile::Fast)
    }
}

/// POSTs a client-credentials request; the raw response.
async fn token_request(api: &Api) -> reqwest::Result<reqwest::Response> {
    let url = format!(
        "{}/{}/oauth2/v2.0/token",
        api.sim.login_url, api.sim.tenant_id
    );
    let app = &api.sim.apps.full;
    api.http
        .post(url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.as_str()),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
}

#[tokio::test]
async fn the_identity_platform_fails_in_its_own_format() {
    let api = Api::start(0, 0).await;
    api.sim.set_knobs(only(FaultRates {
        throttled: 1.0,
        ..FaultRates::NONE
    }));
    let (mut with, mut without) = (0, 0);
    for _ in 0..16 {
        let resp = token_request(&api).await.expect("a response");
        assert_eq!(resp.status(), 429);
        match resp.headers().get("retry-after") {
            Some(_) => with += 1,
            None => without += 1,
        }
        assert!(resp.headers().contains_key("x-ms-request-id"));
        let body: Value = resp.json().await.expect("json");
        assert_eq!(body["error"], "temporarily_unavailable");
        assert_eq!(body["error_codes"], json!([90055]));
        let description = body["error_description"].as_str().unwrap_or_default();
        assert!(description.starts_with("AADSTS90055: "), "{description}");
        assert!(body["trace_id"].is_string() && body["correlation_id"].is_string());
    }
    assert!(with > 0 && without > 0, "{with} with, {without} without");
    for (faults, status) in [
        (
            FaultRates {
                unavailable: 1.0,
                ..FaultRates::NONE
            },
            503,
        ),
        (
            FaultRates {
                gateway_timeout: 1.0,
                ..FaultRates::NONE
            },
            504,
        ),
    ] {
        api.sim.set_knobs(only(faults));
        let resp = token_request(&api).await.expect("a response");
        assert_eq!(resp.status(), status);
        let body: Value = resp.json().await.expect("json");
        assert_eq!(body["error_codes"], json!([90033]));
    }
    api.sim.set_knobs(only(FaultRates {
        connection_reset: 1.0,
        ..FaultRates::NONE
    }));
    let broke_off = match token_request(&api).await {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(broke_off, "the token response must drop");
    api.sim.set_knobs(only(FaultRates::NONE));
    assert_eq!(token_request(&api).await.expect("response").status(), 200);
    let logged: Vec<u16> = api
        .sim
        .request_log()
        .iter()
        .filter(|e| e.path.ends_with("/oauth2/v2.0/token"))
        .map(|e| e.status)
        .collect();
    assert_eq!(logged.len(), 16 + 2 + 1 + 1);
    assert_eq!(logged.last(), Some(&200));
}

#[tokio::test]
async fn a_crashing_handler_answers_500_and_changes_nothing() {
    let api = Api::start(0, 0).await;
    api.sim.set_knobs(only(FaultRates {
        internal_error: 1.0,
        ..FaultRates::NONE
    }));
    let r = api.try_get(&format!("/v1.0/users/{CFO}")).await;
    assert_eq!((r.status, r.code()), (500, "UnknownError"));
    assert_eq!(
        r.body["error"]["innerError"]["request-id"],
        r.headers["request-id"].to_str().unwrap_or_default()
    );
    let r = api
        .send(
            Method::PATCH,
            &format!("/v1.0/users/{CFO}"),
            Some(json!({"jobTitle": "Crashed"})),
        )
        .await;
    assert_eq!(r.status, 500);
    // Batch items crash one by one; the envelope answers.
    let batch = json!({"requests": [{"id": "1", "method": "GET", "url": "/organization"}]});
    let r = api.send(Method::POST, "/v1.0/$batch", Some(batch)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["responses"][0]["status"], 500);

    // The service recovers, with nothing half-done.
    api.sim.set_knobs(only(FaultRates::NONE));
    let user = api
        .get(&format!("/v1.0/users/{CFO}?$select=jobTitle"))
        .await;
    assert_eq!(user["jobTitle"], "Chief Financial Officer");
    let crashes = api
        .sim
        .request_log()
        .iter()
        .filter(|e| e.status == 500)
        .count();
    assert_eq!(crashes, 3);
}

fn retry_after(r: &super::support::Reply) -> String {
    r.headers["retry-after"]
        .to_str()
        .unwrap_or_default()
        .to_string()
}

/// Seconds, with at most three decimals.
fn well_formed(v: &str) -> bool {
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.len() <= 3
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(v.contains('.') && frac.is_empty())
}

#[tokio::test]
async fn throttles_send_fractional_retry_after() {
    let api = Api::start(0, 0).await;
    let mut limits = Limits {
        reports: RateLimit::new(1, Duration::from_secs(10)),
        ..Limits::default()
    };
    limits.resource_units.small = 2;
    api.sim.set_knobs(Knobs::limits_only(limits));
    for path in ["/v1.0/auditLogs/signIns", "/v1.0/organization"] {
        let mut waits = Vec::new();
        for _ in 0..5 {
            let r = api.try_get(path).await;
            if r.status == 429 {
                waits.push(retry_after(&r));
            }
        }
        assert!(waits.len() >= 3, "{path}: {waits:?}");
        assert!(waits.iter().all(|w| well_formed(w)), "{path}: {waits:?}");
        let secs: Vec<f64> = waits.iter().map(|w| w.parse().unwrap()).collect();
        assert!(secs.iter().all(|s| *s > 0.0 && *s <= 10.0), "{secs:?}");
        assert!(
            waits.iter().any(|w| w.contains('.')),
            "{path}: whole seconds only: {waits:?}"
        );
    }
}
