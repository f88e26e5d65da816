use super::*;
use chrono::{TimeZone, Utc};
use serde_json::json;

fn collector() -> Collector {
    Collector::new(
        Arc::new(Pack::embedded()),
        TenantContext::default(),
        Utc.with_ymd_and_hms(2024, 4, 1, 0, 0, 0).unwrap(),
    )
}

fn sign_in(id: &str, user: &str, ip: &str, asn: i64, ua: &str, when: &str) -> g::SignIn {
    serde_json::from_value(json!({
        "id": id, "userId": user, "createdDateTime": when, "ipAddress": ip,
        "appDisplayName": "OfficeHome", "userAgent": ua, "status": {"errorCode": 0},
        "autonomousSystemNumber": asn, "location": {"countryOrRegion": "US"}
    }))
    .unwrap()
}

#[test]
fn ordinary_users_are_dropped_and_traced_ones_kept() {
    let mut c = collector();
    c.add_sign_in(&sign_in(
        "1",
        "plain",
        "1.1.1.1",
        7922,
        "Edge",
        "2024-05-01T00:00:00Z",
    ));
    c.add_sign_in(&sign_in(
        "2",
        "proxied",
        "159.89.1.1",
        14061,
        "Edge",
        "2024-05-01T00:00:00Z",
    ));
    c.add_sign_in(&sign_in(
        "2",
        "proxied",
        "159.89.1.1",
        14061,
        "Edge",
        "2024-05-01T00:00:00Z",
    ));
    c.add_sign_in(&sign_in(
        "3",
        "old",
        "159.89.1.1",
        14061,
        "Edge",
        "2024-01-01T00:00:00Z",
    ));
    c.settle_sign_ins();
    assert_eq!(c.len(), 1);
    assert_eq!(c.reasons("proxied"), vec![Reason::SignInTrace]);
    assert_eq!(
        c.account("proxied").unwrap().sign_ins.len(),
        1,
        "deduplicated"
    );
    assert!(c.account("old").is_none(), "outside the window");
}

#[test]
fn risky_users_and_audits_make_candidates() {
    let mut c = collector();
    let r: g::RiskyUser = serde_json::from_value(json!({
        "id": "u1", "riskLevel": "high", "riskState": "atRisk", "isDeleted": true,
        "userPrincipalName": "gone@contoso.com"
    }))
    .unwrap();
    c.add_risky_user(&r);
    let a: g::DirectoryAudit = serde_json::from_value(json!({
        "id": "a1", "activityDisplayName": "User registered security info",
        "activityDateTime": "2024-05-01T00:00:00Z", "result": "success",
        "targetResources": [{"id": "u2", "type": "User"}]
    }))
    .unwrap();
    c.add_audit(&a);
    c.settle_sign_ins();
    assert_eq!(c.len(), 2);
    let f = c.account("u1").unwrap();
    assert!(f.profile.deleted);
    assert_eq!(f.profile.user_principal_name, "gone@contoso.com");
    assert_eq!(c.reasons("u2"), vec![Reason::MfaChange]);
    let order = c.shortlist();
    assert_eq!(order.len(), 2);
}

fn named(mut s: g::SignIn, upn: &str) -> g::SignIn {
    s.user_principal_name = Some(upn.to_string());
    s
}

#[test]
fn a_held_account_that_gains_a_reason_gets_its_sign_ins_and_the_tenant_states() {
    let mut c = collector();
    let when = "2024-05-01T00:00:00Z";
    for id in ["1", "2"] {
        let s = sign_in(id, "plain", "1.1.1.1", 7922, "Edge", when);
        c.add_sign_in(&named(s, "plain@contoso.com"));
    }
    assert_eq!(c.held_sign_ins(), 2);
    assert!(c.account("plain").is_none(), "held, not an account yet");
    c.set_tenant_wide_state(Source::SignIns, &SourceState::Complete);
    let a: g::DirectoryAudit = serde_json::from_value(json!({
        "id": "a1", "activityDisplayName": "User registered security info",
        "activityDateTime": "2024-05-01T00:00:00Z", "result": "success",
        "targetResources": [{"id": "plain", "type": "User"}]
    }))
    .unwrap();
    c.add_audit(&a);
    assert_eq!(c.held_sign_ins(), 0);
    let f = c.account("plain").unwrap();
    assert_eq!(f.sign_ins.len(), 2);
    assert_eq!(f.profile.user_principal_name, "plain@contoso.com");
    assert_eq!(f.coverage.sign_ins, SourceState::Complete);
    assert_eq!(
        f.coverage.audits,
        SourceState::NotRead,
        "never set tenant-wide"
    );
    // Later sign-ins go straight to the account, and a repeat is still a repeat.
    c.add_sign_in(&sign_in("3", "plain", "1.1.1.1", 7922, "Edge", when));
    c.add_sign_in(&sign_in("1", "plain", "1.1.1.1", 7922, "Edge", when));
    assert_eq!(c.account("plain").unwrap().sign_ins.len(), 3);
}

/// The same stream judged with every account held and with every account in full.
#[test]
fn holding_changes_no_judgement() {
    let stream: Vec<g::SignIn> = (0..60)
        .map(|i| {
            let user = format!("u{}", i % 12);
            // Every fourth account signs in through a hosting network now and then.
            // through a hosting network, on a client the owner does not use.
            let (ip, asn, ua) = if i % 12 % 4 == 0 && i % 5 == 0 {
                ("159.89.1.1", 14061, "Mozilla/5.0 (X11; Linux x86_64)")
            } else {
                ("1.1.1.1", 7922, "Edge")
            };
            let when = format!("2024-05-{:02}T00:00:00Z", 1 + i % 28);
            sign_in(&format!("s{i}"), &user, ip, asn, ua, &when)
        })
        .collect();
    let mut held = collector();
    let mut full = collector();
    for i in 0..12 {
        full.account_mut(&format!("u{i}"));
    }
    for s in &stream {
        held.add_sign_in(s);
        full.add_sign_in(s);
    }
    assert_eq!(held.held_sign_ins(), stream.len());
    assert_eq!(full.held_sign_ins(), 0);
    held.settle_sign_ins();
    full.settle_sign_ins();
    let mut kept: Vec<String> = held.shortlist();
    kept.sort();
    let mut kept_full = full.shortlist();
    kept_full.sort();
    assert_eq!(kept, kept_full);
    assert_eq!(kept, vec!["u0", "u4", "u8"]);
    for id in &kept {
        let (a, b) = (held.account(id).unwrap(), full.account(id).unwrap());
        assert_eq!(a.sign_ins, b.sign_ins);
        assert_eq!(held.assess(id), full.assess(id));
    }
    assert_eq!(held.held_sign_ins(), 0);
}
