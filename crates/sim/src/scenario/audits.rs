//! Directory audit records as a real tenant holds them: each security-info change is an
//! "Authentication Methods" event plus its Core Directory `Update user` twin, whose
//! modifiedProperties carry JSON text in strings (StrongAuthenticationMethod,
//! StrongAuthenticationPhoneAppDetail, StrongAuthenticationUserDetails), old and new.

use super::ctx::Gen;
/// The same modified-property record the simulator writes when Graph changes something.
pub use crate::audit_log::prop;
use crate::model::{
    AuditActivityInitiator, AuthMethod, DirectoryAudit, KeyValue, MethodKind, ModifiedProperty,
    TargetResource, Time, UserIdentity,
};
use chrono::Duration;
use rand::Rng;
use serde::Serialize;

/// Who did it: a user (the account itself, an attacker in it, or an admin) from an address.
pub fn by_user(g: &Gen, user: usize, ip: &str) -> AuditActivityInitiator {
    let u = &g.tenant.users[user];
    AuditActivityInitiator {
        user: Some(UserIdentity {
            id: Some(u.id.to_string()),
            display_name: None,
            user_principal_name: Some(u.user_principal_name.to_string()),
            ip_address: Some(ip.to_string()),
        }),
        app: None,
    }
}

pub fn user_target(g: &Gen, user: usize, props: Vec<ModifiedProperty>) -> TargetResource {
    let u = &g.tenant.users[user];
    TargetResource {
        id: Some(u.id.to_string()),
        display_name: Some(u.display_name.to_string()),
        kind: Some("User".to_string()),
        user_principal_name: Some(u.user_principal_name.to_string()),
        modified_properties: props,
    }
}

/// Core Directory ids look like `Directory_{correlation}_{5 chars}_{9 digits}`.
fn directory_id(g: &mut Gen, correlation: &str) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let tag: String = (0..5)
        .map(|_| char::from(ALNUM[g.rng.gen_range(0..ALNUM.len())]))
        .collect();
    format!(
        "Directory_{correlation}_{tag}_{:09}",
        g.rng.gen_range(0..1_000_000_000u32)
    )
}

/// One record. `service` decides the id shape; `category` and `operation` are Graph's.
#[allow(clippy::too_many_arguments)] // mirrors the record's own fields
pub fn record(
    g: &mut Gen,
    at: Time,
    service: &str,
    category: &str,
    activity: &str,
    operation: &str,
    result_reason: &str,
    correlation: &str,
    initiated_by: AuditActivityInitiator,
    targets: Vec<TargetResource>,
    details: Vec<KeyValue>,
) {
    let id = if service == "Core Directory" {
        directory_id(g, correlation)
    } else {
        g.guid()
    };
    g.tenant.directory_audits.push(DirectoryAudit {
        id,
        category: category.to_string(),
        correlation_id: correlation.to_string(),
        result: "success".to_string(),
        result_reason: result_reason.to_string(),
        activity_display_name: activity.to_string(),
        activity_date_time: at,
        logged_by_service: service.to_string(),
        operation_type: operation.to_string(),
        initiated_by,
        target_resources: targets,
        additional_details: details,
    });
}

/// Legacy MFA method types (REFERENCE §3.4) a method stands for.
fn method_types(m: &AuthMethod) -> &'static [u8] {
    match (m.kind, m.phone_type.as_deref()) {
        (Some(MethodKind::MicrosoftAuthenticator), _) => &[6, 7],
        (Some(MethodKind::SoftwareOath), _) => &[7],
        (Some(MethodKind::Phone), Some("mobile")) => &[1, 0],
        (Some(MethodKind::Phone), Some("alternateMobile")) => &[3],
        (Some(MethodKind::Phone), Some("office")) => &[2],
        _ => &[],
    }
}

// The JSON inside these strings keeps Entra's member order (structs, not maps: serde_json
// maps sort their keys).

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MethodEntry {
    method_type: u8,
    default: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UserDetails {
    phone_number: Option<String>,
    alternative_phone_number: Option<String>,
    email: Option<String>,
    voice_only_phone_number: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PhoneAppDevice<'a> {
    device_name: Option<&'a str>,
    device_token: &'a str,
    device_tag: Option<&'a str>,
    phone_app_version: Option<&'a str>,
    oath_token_time_drift: i32,
    device_id: &'a str,
    id: &'a str,
    time_interval: Option<i32>,
    authentication_type: i32,
    notification_type: i32,
    last_authenticated_timestamp: Option<String>,
}

fn json_text<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

/// `StrongAuthenticationMethod`: `[{"MethodType":6,"Default":true},…]`.
pub fn strong_auth_methods(methods: &[AuthMethod]) -> String {
    let mut out: Vec<MethodEntry> = Vec::new();
    for m in methods {
        for (k, &t) in method_types(m).iter().enumerate() {
            if out.iter().any(|e| e.method_type == t) {
                continue;
            }
            out.push(MethodEntry {
                method_type: t,
                default: m.is_default && k == 0,
            });
        }
    }
    json_text(&out)
}

/// `StrongAuthenticationPhoneAppDetail`: one entry per Authenticator device.
pub fn phone_app_detail(methods: &[AuthMethod]) -> String {
    let apps: Vec<PhoneAppDevice<'_>> = methods
        .iter()
        .filter(|m| m.kind == Some(MethodKind::MicrosoftAuthenticator))
        .map(|m| PhoneAppDevice {
            device_name: m.display_name.as_deref(),
            device_token: "NO_DEVICE_TOKEN",
            device_tag: m.device_tag.as_deref(),
            phone_app_version: m.phone_app_version.as_deref(),
            oath_token_time_drift: 0,
            device_id: "00000000-0000-0000-0000-000000000000",
            id: &m.id,
            time_interval: None,
            authentication_type: 3,
            notification_type: 4,
            last_authenticated_timestamp: m
                .created_date_time
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
        })
        .collect();
    json_text(&apps)
}

/// `StrongAuthenticationUserDetails`: the phones (recovery numbers) on the account.
pub fn user_details(methods: &[AuthMethod]) -> String {
    let number = |t: &str| {
        methods
            .iter()
            .find(|m| m.kind == Some(MethodKind::Phone) && m.phone_type.as_deref() == Some(t))
            .and_then(|m| m.phone_number.clone())
    };
    json_text(&[UserDetails {
        phone_number: number("mobile"),
        alternative_phone_number: number("alternateMobile"),
        email: None,
        voice_only_phone_number: number("office"),
    }])
}

/// The `Update user` properties that differ between two method sets.
fn mfa_props(before: &[AuthMethod], after: &[AuthMethod]) -> Vec<ModifiedProperty> {
    let mut props = Vec::new();
    let mut names = Vec::new();
    type Render = fn(&[AuthMethod]) -> String;
    let renders: [(&str, Render); 3] = [
        ("StrongAuthenticationMethod", strong_auth_methods),
        ("StrongAuthenticationUserDetails", user_details),
        ("StrongAuthenticationPhoneAppDetail", phone_app_detail),
    ];
    for (name, render) in renders {
        let (old, new) = (render(before), render(after));
        if old != new {
            props.push(prop(name, Some(old), Some(new)));
            names.push(name);
        }
    }
    props.push(prop(
        "Included Updated Properties",
        None,
        Some(format!("\"{}\"", names.join(", "))),
    ));
    props
}

/// A security-info change made by (or as) the user: the Authentication Methods event and its
/// Core Directory twin, a few seconds apart, sharing a correlation id.
#[allow(clippy::too_many_arguments)] // the change, who made it, from where, and how it reads
pub fn security_info_change(
    g: &mut Gen,
    user: usize,
    at: Time,
    ip: &str,
    user_agent: &str,
    activity: &str,
    result_reason: &str,
    before: &[AuthMethod],
    after: &[AuthMethod],
) {
    let correlation = g.guid();
    let operation = if activity.contains("registered") {
        "Add"
    } else if activity.contains("deleted") {
        "Delete"
    } else {
        "Update"
    };
    let initiator = by_user(g, user, ip);
    let target = user_target(g, user, Vec::new());
    let ua = vec![KeyValue {
        key: "User-Agent".to_string(),
        value: user_agent.to_string(),
    }];
    record(
        g,
        at,
        "Authentication Methods",
        "UserManagement",
        activity,
        operation,
        result_reason,
        &correlation,
        initiator.clone(),
        vec![target],
        ua,
    );
    let twin_at = at + Duration::seconds(g.range(1, 6));
    let target = user_target(g, user, mfa_props(before, after));
    let kind = vec![KeyValue {
        key: "UserType".to_string(),
        value: "Member".to_string(),
    }];
    record(
        g,
        twin_at,
        "Core Directory",
        "UserManagement",
        "Update user",
        "Update",
        "",
        &correlation,
        initiator,
        vec![target],
        kind,
    );
}

/// Graph's result reason for registering a method, as the Authentication Methods log words it.
pub fn registered_reason(m: &AuthMethod) -> &'static str {
    match (m.kind, m.phone_type.as_deref()) {
        (Some(MethodKind::MicrosoftAuthenticator), _) => {
            "User registered Authenticator App with Notification and Code"
        }
        (Some(MethodKind::Phone), Some("alternateMobile")) => {
            "User registered Alternate Mobile Phone"
        }
        (Some(MethodKind::Phone), Some("office")) => "User registered Office Phone",
        (Some(MethodKind::Phone), _) => "User registered Mobile Phone SMS",
        _ => "User registered security info",
    }
}

/// An admin's Identity Protection action on a user (`ConfirmCompromised`, `DismissUser`).
pub fn identity_protection_action(
    g: &mut Gen,
    admin: usize,
    user: usize,
    at: Time,
    activity: &str,
) {
    let from = super::signins::usual_origin(g, admin, super::signins::Place::Office);
    let ip = super::ctx::ip_string(from.ip);
    let correlation = g.guid();
    let initiator = by_user(g, admin, &ip);
    let target = user_target(g, user, Vec::new());
    record(
        g,
        at,
        "Identity Protection",
        "Other",
        activity,
        "Update",
        "",
        &correlation,
        initiator,
        vec![target],
        Vec::new(),
    );
}

/// An admin's change to a user in the directory (`Update user`, `Reset password`, `Delete user`).
pub fn admin_user_change(
    g: &mut Gen,
    admin: usize,
    user: usize,
    at: Time,
    activity: &str,
    props: Vec<ModifiedProperty>,
) {
    let from = super::signins::usual_origin(g, admin, super::signins::Place::Office);
    let ip = super::ctx::ip_string(from.ip);
    let correlation = g.guid();
    let initiator = by_user(g, admin, &ip);
    let target = user_target(g, user, props);
    let operation = match activity {
        "Delete user" => "Delete",
        "Reset password" => "Reset",
        _ => "Update",
    };
    record(
        g,
        at,
        "Core Directory",
        "UserManagement",
        activity,
        operation,
        "",
        &correlation,
        initiator,
        vec![target],
        Vec::new(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PHONE_ID_MOBILE;

    fn method(kind: MethodKind, phone: Option<(&str, &str)>, default: bool) -> AuthMethod {
        AuthMethod {
            id: phone.map_or("a1", |_| PHONE_ID_MOBILE).into(),
            kind: Some(kind),
            phone_type: phone.map(|p| p.0.into()),
            phone_number: phone.map(|p| p.1.to_string()),
            display_name: Some("Pixel 7".into()),
            is_default: default,
            ..AuthMethod::default()
        }
    }

    #[test]
    fn strong_authentication_values_are_json_text_as_entra_writes_them() {
        let app = method(MethodKind::MicrosoftAuthenticator, None, true);
        let phone = method(MethodKind::Phone, Some(("mobile", "+1 2065550123")), false);
        let list = [app, phone];
        assert_eq!(
            strong_auth_methods(&list),
            r#"[{"MethodType":6,"Default":true},{"MethodType":7,"Default":false},{"MethodType":1,"Default":false},{"MethodType":0,"Default":false}]"#
        );
        let details: serde_json::Value = serde_json::from_str(&user_details(&list)).unwrap();
        assert_eq!(details[0]["PhoneNumber"], "+1 2065550123");
        assert!(details[0]["AlternativePhoneNumber"].is_null());
        let apps: serde_json::Value = serde_json::from_str(&phone_app_detail(&list)).unwrap();
        assert_eq!(apps[0]["Id"], "a1");
        assert_eq!(apps[0]["DeviceName"], "Pixel 7");
        let props = mfa_props(&list[..1], &list);
        let names: Vec<_> = props.iter().map(|p| p.display_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "StrongAuthenticationMethod",
                "StrongAuthenticationUserDetails",
                "Included Updated Properties"
            ]
        );
    }
}
