//! Graph paging and filtering on a 100,000-user campaign-2024 tenant, over real HTTP.
//!
//! Figures are ratios against baselines measured in the same run:
//! - every page of a large query against one trivial request (`/organization`): how much a
//!   page costs beyond the HTTP round trip;
//! - a per-user sign-in query (`userId eq`, served from the index) against the same query on
//!   an unindexed property that must scan the whole log (`appDisplayName eq`);
//! - the last page of a long paging run against its first page (flat = no rescans per page).

use reclaim_sim::{self as sim, Profile, SimConfig};
use serde_json::Value;
use std::time::{Duration, Instant};

const USERS: usize = 100_000;

async fn get(http: &reqwest::Client, url: &str, token: &str) -> Value {
    let resp = http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    assert!(resp.status().is_success(), "{url}: {}", resp.status());
    resp.json().await.expect("json")
}

/// Median of `n` timed runs of `f`.
async fn median<F, Fut>(n: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f().await;
        times.push(t.elapsed());
    }
    times.sort();
    times[n / 2]
}

#[tokio::main]
async fn main() {
    let t = Instant::now();
    let scenario = sim::scenario::generate("campaign-2024", USERS, 2024, chrono::Utc::now())
        .expect("generates");
    let (sign_ins, some_users): (usize, Vec<String>) = (
        scenario.tenant.sign_ins.len(),
        scenario
            .tenant
            .users
            .iter()
            .step_by(2003)
            .map(|u| u.id.to_string())
            .collect(),
    );
    println!(
        "tenant: {USERS} users, {sign_ins} sign-ins, generated in {:.2?}",
        t.elapsed()
    );
    let sim = sim::start_with(SimConfig::with_profile(Profile::Fast), scenario)
        .await
        .expect("starts");
    let token = sim.mint_app_token(&sim.apps.full.client_id);
    let http = reqwest::Client::new();
    let base = format!("{}/v1.0", sim.graph_url);

    let trivial = median(21, || async {
        get(&http, &format!("{base}/organization"), &token).await;
    })
    .await;
    println!("baseline: one trivial request {trivial:.2?}");

    // Every user, 999 per page.
    let t = Instant::now();
    let mut next = Some(format!(
        "{base}/users?$top=999&$select=id,displayName,department,accountEnabled"
    ));
    let (mut pages, mut users, mut first, mut last) = (0, 0, Duration::ZERO, Duration::ZERO);
    while let Some(url) = next {
        let p = Instant::now();
        let v = get(&http, &url, &token).await;
        let took = p.elapsed();
        if pages == 0 {
            first = took;
        }
        last = took;
        pages += 1;
        users += v["value"].as_array().map_or(0, Vec::len);
        next = v["@odata.nextLink"].as_str().map(String::from);
    }
    let all = t.elapsed();
    println!(
        "users: {users} in {pages} pages, {all:.2?}; per page {:.1}x a trivial request; last/first page {:.2}",
        all.as_secs_f64() / pages as f64 / trivial.as_secs_f64(),
        last.as_secs_f64() / first.as_secs_f64()
    );

    // Sign-ins: first page, then per-user queries from the index vs a full-scan filter.
    let page = median(5, || async {
        get(&http, &format!("{base}/auditLogs/signIns"), &token).await;
    })
    .await;
    println!(
        "signIns first page (1000): {page:.2?}, {:.1}x a trivial request",
        page.as_secs_f64() / trivial.as_secs_f64()
    );
    let mut k = 0;
    let indexed = median(some_users.len(), || {
        k += 1;
        let url = format!(
            "{base}/auditLogs/signIns?$filter=userId eq '{}'",
            some_users[k - 1]
        );
        let (http, token) = (&http, &token);
        async move {
            get(http, &url, token).await;
        }
    })
    .await;
    let scan = median(5, || async {
        get(
            &http,
            &format!("{base}/auditLogs/signIns?$filter=appDisplayName eq 'no such app'"),
            &token,
        )
        .await;
    })
    .await;
    println!(
        "signIns by userId: {indexed:.2?} ({:.1}x trivial); full-log scan {scan:.2?}; indexed/scan {:.3}",
        indexed.as_secs_f64() / trivial.as_secs_f64(),
        indexed.as_secs_f64() / scan.as_secs_f64()
    );

    let risky = median(5, || async {
        get(
            &http,
            &format!("{base}/identityProtection/riskyUsers?$top=500"),
            &token,
        )
        .await;
    })
    .await;
    println!(
        "riskyUsers page (500): {risky:.2?}, {:.1}x a trivial request",
        risky.as_secs_f64() / trivial.as_secs_f64()
    );
    let audits = median(5, || async {
        get(
            &http,
            &format!(
                "{base}/auditLogs/directoryAudits?$filter=targetResources/any(t:t/id eq '{}')",
                some_users[1]
            ),
            &token,
        )
        .await;
    })
    .await;
    println!(
        "directoryAudits for one user: {audits:.2?}, {:.1}x a trivial request",
        audits.as_secs_f64() / trivial.as_secs_f64()
    );
}
