use super::*;
use chrono::{TimeZone, Utc};
use proptest::prelude::*;

fn level(i: u8) -> RiskLevel {
    [
        RiskLevel::None,
        RiskLevel::Low,
        RiskLevel::High,
        RiskLevel::Unknown,
    ][i as usize % 4]
}

fn state(i: u8) -> RiskState {
    [
        RiskState::None,
        RiskState::AtRisk,
        RiskState::Remediated,
        RiskState::Unknown,
    ][i as usize % 4]
}

/// Any text, control characters and empty strings included (tenant text is the attacker's).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[a-z]{1,4}", any::<String>()]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}",
        text(),
    ]
}

prop_compose! {
    fn sign_in()(
        id in id(),
        secs in 0i64..4_000_000_000,
        (ip, app, user_agent) in (text(), text(), text()),
        (country, city, app_id, client_app) in (opt_text(), opt_text(), opt_text(), opt_text()),
        (failure_reason, device_id, device_name) in (opt_text(), opt_text(), opt_text()),
        network_names in proptest::collection::vec(text(), 0..3),
        risk_event_types in proptest::collection::vec(text(), 0..3),
        geo in proptest::option::of((-90.0f64..90.0, -180.0f64..180.0)),
        asn in proptest::option::of(any::<u32>()),
        error_code in any::<i32>(),
        (rl, rs) in (any::<u8>(), any::<u8>()),
        (device_managed, device_compliant, interactive) in (any::<bool>(), any::<bool>(), any::<bool>()),
    ) -> SignIn {
        SignIn {
            id,
            time: Utc.timestamp_opt(secs, 0).unwrap(),
            ip, country, city, geo, asn, network_names, app_id, app, client_app, user_agent,
            error_code, failure_reason,
            risk_during: level(rl),
            risk_state: state(rs),
            risk_event_types, device_id, device_name, device_managed, device_compliant,
            interactive,
        }
    }
}

proptest! {
    #[test]
    fn what_is_held_comes_back_exactly(
        distinct in proptest::collection::vec(sign_in(), 1..8),
        repeats in proptest::collection::vec((any::<usize>(), 0i64..1_000_000), 0..8),
    ) {
        // Repeats of the same client and network at other times, under other ids.
        let mut list = distinct.clone();
        for (n, (pick, secs)) in repeats.iter().enumerate() {
            let mut again = distinct[pick % distinct.len()].clone();
            again.id = format!("repeat-{n}");
            again.time = Utc.timestamp_opt(*secs, 0).unwrap();
            list.push(again);
        }
        let mut store = SignInStore::default();
        for s in &list {
            store.hold("u1", Some("a@contoso.com"), Some("A"), s);
        }
        prop_assert_eq!(store.len(), list.len());
        let (held, back) = store.release("u1").unwrap();
        prop_assert_eq!(back, list);
        prop_assert_eq!(held.user_principal_name, "a@contoso.com");
        prop_assert!(store.is_empty());
    }
}

#[test]
fn guid_keys_are_bytes_and_other_ids_text() {
    let g = "0f8fad5b-d9cb-469f-a165-70867728950e";
    assert!(matches!(SignInKey::new(g), SignInKey::Guid(_)));
    assert_eq!(SignInKey::new(g).text(), g);
    // Upper case would not come back the same from bytes: kept as text.
    let upper = g.to_uppercase();
    assert_eq!(
        SignInKey::new(&upper),
        SignInKey::Text(upper.clone().into())
    );
    assert_eq!(SignInKey::new("x-1").text(), "x-1");
    assert_ne!(
        SignInKey::new(g),
        SignInKey::new("0f8fad5b-d9cb-469f-a165-70867728950f")
    );
}

#[test]
fn repeated_texts_are_stored_once() {
    let mut store = SignInStore::default();
    let s = crate::testkit::owner_signin("0f8fad5b-d9cb-469f-a165-70867728950e", 1);
    for user in ["u1", "u2", "u3"] {
        store.hold(user, None, None, &s);
    }
    // ip, app, user agent and whichever optional texts the fixture fills: the same texts
    // for all three sign-ins.
    let distinct = store.strings.texts.len();
    store.hold("u4", None, None, &s);
    assert_eq!(store.strings.texts.len(), distinct);
    assert_eq!(store.len(), 4);
    assert_eq!(store.users().len(), 4);
    assert!(store.release("u9").is_none());
    let (_, back) = store.release("u2").unwrap();
    assert_eq!(back, vec![s]);
    assert_eq!(store.len(), 3);
    assert!(!store.contains("u2"));
}

#[test]
fn repeats_of_one_client_share_one_shape() {
    let mut store = SignInStore::default();
    let s = crate::testkit::owner_signin("x", 1);
    for i in 0..100 {
        let mut again = s.clone();
        again.id = format!("{i:08x}-d9cb-469f-a165-70867728950e");
        again.time = s.time + chrono::Duration::minutes(i);
        store.hold("u1", None, None, &again);
    }
    let mut other = s.clone();
    other.ip = "203.0.113.9".into();
    store.hold("u1", None, None, &other);
    assert_eq!(store.users["u1"].shapes.len(), 2);
    assert_eq!(store.shapes.len(), 2);
    let (_, back) = store.release("u1").unwrap();
    assert_eq!(back.len(), 101);
    assert_eq!(back[99].time, s.time + chrono::Duration::minutes(99));
    assert_eq!(back[100], other);
}
