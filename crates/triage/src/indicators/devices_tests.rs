//! The device indicator on hand-built accounts, and the follow-on app (My Signins) as the
//! MFA indicators' first evidence.

use crate::facts::*;
use crate::testkit::*;
use crate::{assess, AccountAssessment, Pack, TenantContext};

fn judge(f: &AccountFacts) -> AccountAssessment {
    let t = TenantContext {
        internal_domains: vec!["contoso.com".into()],
        now: Some(at(200)),
    };
    assess(f, &Pack::embedded(), &t)
}

fn device(id: &str, hours: i64, managed: bool) -> Device {
    Device {
        id: id.into(),
        name: if managed { "LT-CFO" } else { "DESKTOP-X" }.into(),
        trust_type: Some(if managed { "AzureAd" } else { "Workplace" }.into()),
        managed,
        compliant: managed,
        enabled: Some(true),
        registered: Some(at(hours)),
        ..Device::default()
    }
}

fn registration(id: &str, device: &str, hours: i64, ip: &str) -> AuditEvent {
    let mut a = audit(id, hours, "Add registered owner to device", Some(ip), "");
    a.service = "Core Directory".into();
    a.target_object_ids = vec![device.into()];
    a
}

fn victim() -> AccountFacts {
    let mut f = facts("cfo", "Chief Financial Officer", "Finance");
    for h in 0..5 {
        f.sign_ins
            .push(owner_signin(&format!("own-{h}"), h * 10 - 200));
    }
    f.sign_ins.push(attacker_signin("evil-1", 5));
    f.sign_ins.push(attacker_signin("evil-2", 6));
    f
}

#[test]
fn an_unmanaged_device_from_the_attacker_is_tied_and_managed_ones_never() {
    let mut f = victim();
    f.devices.push(device("d-bad", 7, false));
    f.audits
        .push(registration("aud-d", "d-bad", 7, ATTACKER_IP));
    // The owner's laptop, old, and a new managed one enrolled after the compromise began,
    // even from the attacker's address: managed devices are the organization's.
    f.devices.push(device("d-old", -3000, true));
    f.devices.push(device("d-new", 8, true));
    f.audits
        .push(registration("aud-n", "d-new", 8, ATTACKER_IP));
    let a = judge(&f);
    let tied: Vec<&str> = a
        .findings
        .attacker_devices
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(tied, ["d-bad"]);
    let hit = a
        .indicators
        .iter()
        .find(|i| i.id == "device-registered-by-attacker")
        .expect("the indicator fires");
    assert!(hit.evidence.iter().any(|e| e.id == "aud-d"));
    assert!(hit
        .evidence
        .iter()
        .any(|e| e.kind == "device" && e.id == "d-bad"));
}

#[test]
fn an_unmanaged_device_long_after_the_attack_or_on_a_clean_account_is_not_tied() {
    let mut f = victim();
    // Registered from the owner's office, a week after the attacker's last sign-in.
    f.devices.push(device("d-byod", 6 + 24 * 7, false));
    f.audits
        .push(registration("aud-b", "d-byod", 6 + 24 * 7, OWNER_IP));
    assert!(judge(&f).findings.attacker_devices.is_empty());
    let mut clean = facts("ops", "Analyst", "Operations");
    clean.sign_ins.push(owner_signin("own", -10));
    clean.devices.push(device("d-phone", 1, false));
    let a = judge(&clean);
    assert!(a.findings.attacker_devices.is_empty());
    assert!(!a
        .indicators
        .iter()
        .any(|i| i.id == "device-registered-by-attacker"));
}

#[test]
fn the_follow_on_app_where_the_method_was_added_is_the_first_evidence() {
    let mut f = victim();
    let mut my = attacker_signin("evil-my", 6);
    my.app = "My Signins".into();
    f.sign_ins.push(my);
    f.methods.push(authenticator("auth-evil", 6, "Galaxy S21"));
    f.audits.push(audit(
        "aud-1",
        6,
        "User registered security info",
        Some(ATTACKER_IP),
        "User registered Authenticator App with Notification and Code",
    ));
    let a = judge(&f);
    let hit = a
        .indicators
        .iter()
        .find(|i| i.id == "mfa-registered-from-attacker-ip")
        .expect("fires");
    let first_sign_in = hit.evidence.iter().find(|e| e.kind == "signIn").unwrap();
    assert_eq!(first_sign_in.id, "evil-my", "{:#?}", hit.evidence);
    // "User registered all required security info" is a registration too.
    assert_eq!(
        crate::audit_parse::classify_activity("User registered all required security info"),
        AuditKind::SecurityInfoRegistered
    );
}
