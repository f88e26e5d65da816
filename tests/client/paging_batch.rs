//! Paging across many pages with ConsistencyLevel resent and streamed, and `$batch` with
//! twenty items per request, dependsOn and per-item 429s retried alone.

use super::support::*;
use futures::StreamExt as _;
use reclaim_graph::batch::BatchItem;
use reclaim_graph::cloud::ApiVersion;
use reclaim_graph::progress::{Progress, ProgressEvent};
use reclaim_graph::throttle::{Limits, ThrottleScope, Window};
use reclaim_graph::ClientOptions;
use reclaim_sim::knobs::{Knobs, Limits as SimLimits, RateLimit};
use reclaim_sim::{Profile, SimConfig};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::test]
async fn paging_follows_every_link_resends_consistency_level_and_streams() {
    let s = sim_with_users(SimConfig::with_profile(Profile::Fast), 120).await;
    let progress_events = Arc::new(Mutex::new(Vec::new()));
    let ev = progress_events.clone();
    let progress = Progress::with_hook(Arc::new(move |e: &ProgressEvent| {
        ev.lock().unwrap().push(e.clone())
    }));
    let c = app(
        &s,
        ClientOptions {
            progress,
            ..Default::default()
        },
    );
    let all = c.list_users(None, Some(7), false).collect().await.unwrap();
    assert_eq!(all.items.len(), 125);
    assert_eq!(all.pages, 18);
    assert!(all.is_complete());
    let mut ids: Vec<&str> = all.items.iter().map(|u| &*u.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 125, "no duplicates across pages");
    // An advanced query needs ConsistencyLevel on every page (nextLink does not carry it).
    let advanced = c
        .list_users(
            Some("endsWith(userPrincipalName,'@contoso-sim.onmicrosoft.com')"),
            Some(10),
            true,
        )
        .collect()
        .await
        .unwrap();
    assert_eq!(advanced.items.len(), 125);
    assert_eq!(advanced.count, Some(125));
    assert!(advanced.pages > 10);
    // Streaming: pages arrive one by one.
    let mut stream = Box::pin(c.list_users(None, Some(50), false).into_stream());
    let mut sizes = Vec::new();
    while let Some(page) = stream.next().await {
        sizes.push(page.unwrap().items.len());
    }
    assert_eq!(sizes, vec![50, 50, 25]);
    // Capped: flagged partial, never silently truncated.
    let capped = c
        .list_users(None, Some(10), false)
        .page_cap(3)
        .collect()
        .await
        .unwrap();
    assert_eq!(capped.items.len(), 30);
    assert!(matches!(
        capped.partial,
        Some(reclaim_graph::Incomplete::PageCap { pages: 3 })
    ));
    let snapshot = c.progress_snapshot();
    assert!(snapshot.pages >= 18 + 13 + 3 + 3 && snapshot.requests >= snapshot.pages);
    assert!(progress_events
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, ProgressEvent::Page { pages: 18, .. })));
}

#[tokio::test]
async fn batch_sends_twenty_per_request_keeps_depends_on_and_retries_throttled_items() {
    // The simulator allows 2 reports requests per 2 s; the client's scheduler assumes 5 per
    // 2.2 s, so items get their own 429s and must be retried alone.
    let limits = SimLimits {
        reports: RateLimit::new(2, Duration::from_secs(2)),
        ..SimLimits::default()
    };
    let s = sim_with_users(
        SimConfig {
            knobs: Some(Knobs::limits_only(limits)),
            ..SimConfig::with_profile(Profile::Fast)
        },
        40,
    )
    .await;
    let client_limits = Limits {
        reports: Window {
            limit: 5,
            period: Duration::from_millis(2200),
        },
        ..Limits::default()
    };
    let c = app(
        &s,
        ClientOptions {
            limits: client_limits,
            ..Default::default()
        },
    );
    let users = c
        .list_users(None, Some(100), false)
        .collect()
        .await
        .unwrap()
        .items;
    let mut items: Vec<BatchItem> = users
        .iter()
        .take(30)
        .enumerate()
        .map(|(i, u)| {
            BatchItem::get(
                format!("u{i}"),
                format!("/users/{}?$select=id,displayName", u.id),
                "read-users",
                ThrottleScope::directory("/users/x?$select=id", false),
            )
        })
        .collect();
    for (i, u) in users.iter().take(6).enumerate() {
        items.push(BatchItem::get(
            format!("m{i}"),
            format!("/users/{}/authentication/methods", u.id),
            "read-auth-methods",
            ThrottleScope::Reports,
        ));
    }
    let dev = user_id(&s, "dev");
    items.push(BatchItem {
        method: reqwest::Method::POST,
        body: Some(json!({"phoneNumber": "+1 5555550111", "phoneType": "mobile"})),
        ..BatchItem::get(
            "add",
            format!("/users/{dev}/authentication/phoneMethods"),
            "restore-phone",
            ThrottleScope::directory("/x", true),
        )
    });
    items.push(BatchItem {
        depends_on: vec!["add".into()],
        ..BatchItem::get(
            "after",
            format!("/users/{dev}/authentication/phoneMethods"),
            "read-auth-methods",
            ThrottleScope::Reports,
        )
    });
    s.clear_request_log();
    let results = c.batch(ApiVersion::V1, items).await.unwrap();
    assert_eq!(results.len(), 38);
    for r in &results {
        let ok = r
            .outcome
            .as_ref()
            .unwrap_or_else(|e| panic!("{}: {e}", r.id));
        assert!((200..300).contains(&ok.status), "{}: {}", r.id, ok.status);
    }
    assert_eq!(
        results
            .iter()
            .find(|r| r.id == "after")
            .unwrap()
            .outcome
            .as_ref()
            .unwrap()
            .body["value"][0]["phoneNumber"],
        "+1 5555550111"
    );
    let log = s.request_log();
    let envelopes = log.iter().filter(|e| e.path.ends_with("/$batch")).count();
    assert!(
        envelopes >= 3,
        "30+ items need at least 3 batches ({envelopes})"
    );
    assert!(
        log.iter().any(|e| e.in_batch && e.status == 429),
        "items were throttled individually"
    );
    let adds = log
        .iter()
        .filter(|e| e.in_batch && e.method == "POST" && (200..300).contains(&e.status))
        .count();
    assert_eq!(adds, 1, "the POST item was processed exactly once");
}
