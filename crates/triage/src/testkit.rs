//! Builders for facts in unit tests.

use super::audit_parse::{classify_activity, parse_mfa_change, Modified};
use super::facts::*;
use chrono::{Duration, TimeZone, Utc};

pub const CAMPAIGN_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
pub const OWNER_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0";
pub const OWNER_IP: &str = "203.0.113.10";
pub const ATTACKER_IP: &str = "102.89.34.5";

pub fn t0() -> Time {
    Utc.with_ymd_and_hms(2024, 5, 1, 9, 0, 0).unwrap()
}

pub fn at(hours: i64) -> Time {
    t0() + Duration::hours(hours)
}

pub fn profile(id: &str, title: &str, dept: &str) -> Profile {
    Profile {
        id: id.into(),
        user_principal_name: format!("{id}@contoso.com"),
        display_name: format!("User {id}"),
        job_title: Some(title.into()).filter(|t: &String| !t.is_empty()),
        department: Some(dept.into()).filter(|d: &String| !d.is_empty()),
        account_enabled: Some(true),
        user_type: Some("Member".into()),
        mail: Some(format!("{id}@contoso.com")),
        ..Profile::default()
    }
}

pub fn facts(id: &str, title: &str, dept: &str) -> AccountFacts {
    let mut f = AccountFacts::new(profile(id, title, dept));
    f.coverage = Coverage::complete();
    f
}

pub fn risky(level: &str, state: &str) -> RiskyUser {
    RiskyUser {
        level: RiskLevel::parse(level),
        state: RiskState::parse(state),
        detail: "none".into(),
        updated: Some(at(100)),
        deleted: false,
    }
}

/// A successful owner sign-in from the office (New York).
pub fn owner_signin(id: &str, hours: i64) -> SignIn {
    SignIn {
        id: id.into(),
        time: at(hours),
        ip: OWNER_IP.into(),
        country: Some("US".into()),
        city: Some("New York".into()),
        geo: Some((40.71, -74.0)),
        asn: Some(7922),
        app: "Office 365 Exchange Online".into(),
        user_agent: OWNER_UA.into(),
        device_id: Some("dev-owner-laptop".into()),
        device_managed: true,
        interactive: true,
        ..SignIn::default()
    }
}

/// A successful campaign sign-in: OfficeHome, campaign UA, MTN Nigeria, Lagos.
pub fn attacker_signin(id: &str, hours: i64) -> SignIn {
    SignIn {
        id: id.into(),
        time: at(hours),
        ip: ATTACKER_IP.into(),
        country: Some("NG".into()),
        city: Some("Lagos".into()),
        geo: Some((6.52, 3.38)),
        asn: Some(29465),
        app: "OfficeHome".into(),
        user_agent: CAMPAIGN_UA.into(),
        risk_during: RiskLevel::Low,
        interactive: true,
        ..SignIn::default()
    }
}

pub fn audit(id: &str, hours: i64, activity: &str, ip: Option<&str>, reason: &str) -> AuditEvent {
    AuditEvent {
        id: id.into(),
        time: Some(at(hours)),
        activity: activity.into(),
        kind: classify_activity(activity),
        service: "Authentication Methods".into(),
        success: true,
        result_reason: reason.into(),
        initiator_upn: Some("user@contoso.com".into()),
        initiator_ip: ip.map(str::to_string),
        ..AuditEvent::default()
    }
}

/// An `Update user` record changing the mobile number.
pub fn phone_change_audit(
    id: &str,
    hours: i64,
    ip: Option<&str>,
    old: &str,
    new: &str,
) -> AuditEvent {
    let old_v = format!(
        r#"[{{"PhoneNumber":"{old}","AlternativePhoneNumber":null,"Email":null,"VoiceOnlyPhoneNumber":null}}]"#
    );
    let new_v = format!(
        r#"[{{"PhoneNumber":"{new}","AlternativePhoneNumber":null,"Email":null,"VoiceOnlyPhoneNumber":null}}]"#
    );
    let mut a = audit(id, hours, "Update user", ip, "");
    a.service = "Core Directory".into();
    a.mfa = parse_mfa_change(&[Modified {
        name: "StrongAuthenticationUserDetails",
        old: Some(&old_v),
        new: Some(&new_v),
    }]);
    a
}

pub fn authenticator(id: &str, hours: i64, name: &str) -> Method {
    let mut m = Method::new(id, MethodKind::MicrosoftAuthenticator);
    m.created = Some(at(hours));
    m.display_name = Some(name.into());
    m
}

pub fn phone(id: &str, hours: i64, number: &str, t: PhoneType) -> Method {
    let mut m = Method::new(id, MethodKind::Phone);
    m.created = Some(at(hours));
    m.phone_number = Some(number.into());
    m.phone_type = Some(t);
    m
}

pub fn rule(id: &str, name: &str) -> Rule {
    Rule {
        id: id.into(),
        name: name.into(),
        sequence: 1,
        enabled: true,
        ..Rule::default()
    }
}

pub fn folder(name: &str, well_known: Option<&str>) -> FolderRef {
    FolderRef {
        id: format!("folder-{name}"),
        name: Some(name.into()),
        well_known: well_known.map(str::to_string),
    }
}
