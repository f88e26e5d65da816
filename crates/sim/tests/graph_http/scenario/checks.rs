//! Checks of one compromised account against the tenant, shared by the scenario tests.

use reclaim_sim::model::{AuthMethod, MethodKind, Tenant};
use reclaim_sim::scenario::{self, CAMPAIGN_UAS};
use reclaim_sim::truth::AccountTruth;
use std::collections::BTreeSet;

const OFFICE_HOME: &str = "4765445b-32c6-49b0-83e6-1d93765276ca";

/// The campaign's traces an account carries, read from the tenant the way triage would.
pub fn traces(t: &Tenant, a: &AccountTruth) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    let campaign_ua = |ua: &str| CAMPAIGN_UAS.iter().any(|(d, _)| ua.starts_with(d.ua));
    if t.sign_ins.iter().any(|s| {
        *s.user.user_id == *a.user_id
            && &*s.app.app_id == OFFICE_HOME
            && campaign_ua(&s.client.user_agent)
            && matches!(
                s.origin.location.country_or_region.as_deref(),
                Some("RU" | "NG")
            )
    }) {
        out.insert("campaign-sign-in");
    }
    let methods = &t.methods[&*a.user_id];
    for id in &a.attacker_method_ids {
        match methods.iter().find(|m| *m.id == **id).and_then(|m| m.kind) {
            Some(MethodKind::MicrosoftAuthenticator) => out.insert("attacker-authenticator"),
            Some(MethodKind::Phone) => out.insert("attacker-phone"),
            _ => false,
        };
    }
    let swapped = a.attacker_phone_numbers.iter().any(|n| {
        methods.iter().any(|m| {
            m.phone_number.as_deref() == Some(n)
                && !a.attacker_method_ids.contains(&m.id.to_string())
        })
    });
    if swapped {
        out.insert("recovery-phone-swap");
    }
    if !a.malicious_rule_ids.is_empty() {
        out.insert("inbox-rules");
    }
    if !a.malicious_grant_ids.is_empty() {
        out.insert("oauth-grant");
    }
    out
}

/// The attacker's method: after the first malicious sign-in, from an attacker address, with the
/// Authentication Methods record and its Core Directory twin (JSON text, old and new).
pub fn attacker_method(t: &Tenant, a: &AccountTruth, m: &AuthMethod) {
    let start = a.compromise_started.unwrap();
    assert!(m.created_date_time.unwrap() > start);
    let ip = m.registered_from_ip.as_ref().unwrap();
    assert!(a.attacker_ips.contains(ip));
    let reg = t
        .directory_audits
        .iter()
        .find(|d| {
            d.activity_display_name == "User registered security info"
                && d.logged_by_service == "Authentication Methods"
                && d.target_resources[0].id.as_deref() == Some(&a.user_id)
                && Some(d.activity_date_time) == m.created_date_time
        })
        .expect("registration record");
    let by = reg.initiated_by.user.as_ref().unwrap();
    assert_eq!(by.ip_address.as_ref(), Some(ip));
    let twin = t
        .directory_audits
        .iter()
        .find(|d| {
            d.correlation_id == reg.correlation_id && d.activity_display_name == "Update user"
        })
        .expect("Core Directory twin");
    let props = &twin.target_resources[0].modified_properties;
    // A second Authenticator leaves StrongAuthenticationMethod as it was; something of the
    // three always changes, with JSON text on both sides.
    let changed: Vec<_> = props
        .iter()
        .filter(|p| p.display_name.starts_with("StrongAuthentication"))
        .collect();
    assert!(!changed.is_empty());
    for p in changed {
        let new: serde_json::Value = serde_json::from_str(p.new_value.as_deref().unwrap()).unwrap();
        let old: serde_json::Value = serde_json::from_str(p.old_value.as_deref().unwrap()).unwrap();
        assert!(new.is_array() && old.is_array() && new != old);
    }
    if m.kind == Some(MethodKind::MicrosoftAuthenticator) {
        let app = props
            .iter()
            .find(|p| p.display_name == "StrongAuthenticationPhoneAppDetail")
            .unwrap();
        assert!(app.new_value.as_ref().unwrap().contains(&*m.id));
        assert!(!app.old_value.as_ref().unwrap().contains(&*m.id));
    }
}

/// The attacker's number arrives in an `Update user` record (old value without it).
pub fn phone_arrival(t: &Tenant, a: &AccountTruth, n: &str) {
    let appears = t.directory_audits.iter().any(|d| {
        d.activity_display_name == "Update user"
            && d.target_resources[0].id.as_ref() == Some(&a.user_id)
            && d.target_resources[0].modified_properties.iter().any(|p| {
                p.display_name == "StrongAuthenticationUserDetails"
                    && p.new_value.as_deref().is_some_and(|v| v.contains(n))
                    && p.old_value.as_deref().is_some_and(|v| !v.contains(n))
            })
    });
    assert!(appears, "no record of {n} arriving");
}

/// A swapped recovery phone: the record's old value names the owner's real number and the
/// change came from an attacker address.
pub fn swap_record(t: &Tenant, a: &AccountTruth) {
    let methods = &t.methods[&*a.user_id];
    let swapped = methods.iter().any(|m| {
        m.phone_type.as_deref() == Some("mobile")
            && a.owner_method_ids.contains(&m.id.to_string())
            && m.phone_number
                .as_ref()
                .is_some_and(|n| a.attacker_phone_numbers.contains(n))
    });
    if !swapped {
        return;
    }
    let owner = &a
        .known_good_phones
        .iter()
        .find(|p| p.phone_type == "mobile")
        .expect("the owner's mobile")
        .number;
    assert!(t.directory_audits.iter().any(|d| {
        let from = d
            .initiated_by
            .user
            .as_ref()
            .and_then(|u| u.ip_address.as_ref());
        d.activity_display_name == "Update user"
            && from.is_some_and(|ip| a.attacker_ips.contains(ip))
            && d.target_resources[0].modified_properties.iter().any(|p| {
                p.old_value
                    .as_deref()
                    .is_some_and(|v| v.contains(owner.as_str()))
            })
    }));
}

/// The owner's methods are still there and predate the compromise; one default at most.
pub fn owner_objects(t: &Tenant, a: &AccountTruth) {
    let start = a.compromise_started.unwrap();
    let methods = &t.methods[&*a.user_id];
    for id in &a.owner_method_ids {
        let m = methods
            .iter()
            .find(|m| *m.id == **id)
            .expect("owner method");
        assert!(m.created_date_time.unwrap() < start);
        assert!(!a.attacker_method_ids.contains(id));
    }
    let owner_phones = methods
        .iter()
        .filter(|m| {
            m.kind == Some(MethodKind::Phone) && !a.attacker_method_ids.contains(&m.id.to_string())
        })
        .count();
    assert_eq!(owner_phones, a.known_good_phones.len());
    assert!(methods.iter().filter(|m| m.is_default).count() <= 1);
    let mailbox = &t.mailboxes[&*a.user_id];
    for id in a.malicious_rule_ids.iter().chain(&a.owner_rule_ids) {
        assert!(mailbox.rules.iter().any(|r| &r.id == id));
    }
}

/// The attacker's consent: a Principal grant with offline access to a campaign app.
pub fn attacker_objects(t: &Tenant, a: &AccountTruth) {
    for id in &a.malicious_grant_ids {
        let g = t.grants.iter().find(|g| &g.id == id).expect("grant");
        assert_eq!(g.consent_type, "Principal");
        assert_eq!(g.principal_id.as_ref(), Some(&a.user_id));
        assert!(g.scope.contains("offline_access"));
        let sp = t
            .service_principals
            .iter()
            .find(|sp| sp.id == g.client_id)
            .unwrap();
        assert!(scenario::CAMPAIGN_OAUTH_APPS
            .iter()
            .any(|(id, _)| *id == sp.app_id));
    }
}
