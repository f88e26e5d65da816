//! The licence 403 through the client: asked again before it is believed, believed after
//! `max_licence` answers (and then at once for that API), and an intermittent one on a
//! licensed tenant never surfaces.

use super::support::{app, fast, sim};
use reclaim_graph::ClientOptions;
use reclaim_sim::{Licence, LicenceSettings, SimConfig, SimHandle};

fn unpaced() -> ClientOptions {
    ClientOptions {
        limits: reclaim_graph::throttle::Limits::none(),
        ..ClientOptions::default()
    }
}

fn sign_in_requests(s: &SimHandle) -> Vec<u16> {
    s.request_log()
        .iter()
        .filter(|e| e.path.contains("/auditLogs/signIns"))
        .map(|e| e.status)
        .collect()
}

#[tokio::test]
async fn a_licence_refusal_is_believed_after_three_answers_then_at_once() {
    let s = sim(SimConfig {
        licence: LicenceSettings::tier(Licence::Free),
        ..fast()
    })
    .await;
    let client = app(&s, unpaced());
    let first = client.list_sign_ins(None, Some(10)).next_page().await;
    let err = match first {
        Some(Err(e)) => e.to_string(),
        other => panic!("expected a refusal, got {:?}", other.map(|r| r.is_ok())),
    };
    assert!(err.contains("licence"), "{err}");
    assert_eq!(sign_in_requests(&s), [403, 403, 403], "asked three times");
    // Confirmed: the next read of the same API is not retried again.
    let again = client.list_sign_ins(None, Some(10)).next_page().await;
    assert!(matches!(again, Some(Err(_))));
    assert_eq!(sign_in_requests(&s).len(), 4);
}

#[tokio::test]
async fn an_intermittent_licence_403_on_a_licensed_tenant_is_retried_away() {
    let s = sim(fast()).await;
    s.set_licence(LicenceSettings {
        tier: Licence::P2,
        flap_every: Some(2),
    });
    let client = app(&s, unpaced());
    for _ in 0..4 {
        let page = client.list_sign_ins(None, Some(10)).next_page().await;
        assert!(matches!(page, Some(Ok(_))), "every read answers in the end");
    }
    let statuses = sign_in_requests(&s);
    assert!(
        statuses.contains(&403),
        "the knob refused some: {statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 4);
}
