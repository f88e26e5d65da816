//! Directory audit records as a real tenant holds them: each security-info change is an
//! "Authentication Methods" event plus its Core Directory `Update user` twin, whose
//! modifiedProperties carry JSON text in strings (StrongAuthenticationMethod,
//! StrongAuthenticationPhoneAppDetail, StrongAuthenticationUserDetails), old and new.

use super::ctx::Gen;
use crate::sim::model::{
    AuditActivityInitiator, AuthMethod, DirectoryAudit, KeyValue, MethodKind, ModifiedProperty,
    TargetResource, Time, UserIdentity,
};
use chrono::Duration;
use rand::Rng;
use serde_json::{json, Value};

/// Who did it: a user (the account itself, an attacker in it, or an admin) from an address.
pub fn by_user(g: &Gen, user: usize, ip: &str) -> AuditActivityInitiator {
    let u = &g.tenant.users[user];
    AuditActivityInitiator {
        user: Some(UserIdentity {
            id: Some(u.id.clone()),
            display_name: None,
            user_principal_name: Some(u.user_principal_name.clone()),
            ip_address: Some(ip.to_string()),
        }),
        app: None,
    }
}

pub fn user_target(g: &Gen, user: usize, props: Vec<ModifiedProperty>) -> TargetResource {
    let u = &g.tenant.users[user];
    TargetResource {
        id: Some(u.id.clone()),
        display_name: Some(u.display_name.clone()),
        kind: Some("User".to_string()),
        user_principal_name: Some(u.user_principal_name.clone()),
        modified_properties: props,
    }
}

pub fn prop(name: &str, old: Option<String>, new: Option<String>) -> ModifiedProperty {
    ModifiedProperty {
        display_name: name.to_string(),
        old_value: old,
        new_value: new,
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

/// `StrongAuthenticationMethod`: `[{"MethodType":6,"Default":true},…]`.
pub fn strong_auth_methods(methods: &[AuthMethod]) -> String {
    let mut out: Vec<Value> = Vec::new();
    let mut seen: Vec<u8> = Vec::new();
    for m in methods {
        for (k, &t) in method_types(m).iter().enumerate() {
            if seen.contains(&t) {
                continue;
            }
            seen.push(t);
            out.push(json!({"MethodType": t, "Default": m.is_default && k == 0}));
        }
    }
    Value::Array(out).to_string()
}

/// `StrongAuthenticationPhoneAppDetail`: one entry per Authenticator device.
pub fn phone_app_detail(methods: &[AuthMethod]) -> String {
    let apps: Vec<Value> = methods
        .iter()
        .filter(|m| m.kind == Some(MethodKind::MicrosoftAuthenticator))
        .map(|m| {
            json!({
                "DeviceName": m.display_name,
                "DeviceToken": "NO_DEVICE_TOKEN",
                "DeviceTag": m.device_tag,
                "PhoneAppVersion": m.phone_app_version,
                "OathTokenTimeDrift": 0,
                "DeviceId": "00000000-0000-0000-0000-000000000000",
                "Id": m.id,
                "TimeInterval": null,
                "AuthenticationType": 3,
                "NotificationType": 4,
                "LastAuthenticatedTimestamp": m.created_date_time.map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
            })
        })
        .collect();
    Value::Array(apps).to_string()
}

/// `StrongAuthenticationUserDetails`: the phones (recovery numbers) on the account.
pub fn user_details(methods: &[AuthMethod]) -> String {
    let number = |t: &str| {
        methods
            .iter()
            .find(|m| m.kind == Some(MethodKind::Phone) && m.phone_type.as_deref() == Some(t))
            .and_then(|m| m.phone_number.clone())
    };
    json!([{
        "PhoneNumber": number("mobile"),
        "AlternativePhoneNumber": number("alternateMobile"),
        "Email": null,
        "VoiceOnlyPhoneNumber": number("office"),
    }])
    .to_string()
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
