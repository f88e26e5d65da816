//! The directory audit records a real tenant writes for the simulator's mutations
//! (REFERENCE §3.4): who did it (`initiatedBy` = the caller, user or app), to what, and the
//! modified properties with old and new values as JSON text inside strings.

use super::caller::Caller;
use super::model::{
    AppIdentity, AuditActivityInitiator, AuthMethod, DirectoryAudit, KeyValue, MethodKind,
    ModifiedProperty, TargetResource, Tenant, User, UserIdentity,
};
use serde_json::{json, Value};

pub const CORE_DIRECTORY: &str = "Core Directory";
pub const AUTH_METHODS: &str = "Authentication Methods";
pub const IDENTITY_PROTECTION: &str = "Identity Protection";

/// One record to write; several records of one operation share a correlation id.
#[derive(Debug, Clone)]
pub struct Event {
    pub service: &'static str,
    pub category: &'static str,
    pub activity: String,
    /// `Add`, `Update`, `Delete`, `Assign`, `Unassign`.
    pub operation_type: &'static str,
    pub result_reason: String,
    pub targets: Vec<TargetResource>,
    pub details: Vec<KeyValue>,
}

impl Event {
    pub fn new(
        service: &'static str,
        category: &'static str,
        activity: &str,
        op: &'static str,
    ) -> Self {
        Event {
            service,
            category,
            activity: activity.to_string(),
            operation_type: op,
            result_reason: String::new(),
            targets: Vec::new(),
            details: Vec::new(),
        }
    }
    pub fn reason(mut self, r: impl Into<String>) -> Self {
        self.result_reason = r.into();
        self
    }
    pub fn target(mut self, t: TargetResource) -> Self {
        self.targets.push(t);
        self
    }
    pub fn detail(mut self, key: &str, value: impl Into<String>) -> Self {
        self.details.push(KeyValue {
            key: key.to_string(),
            value: value.into(),
        });
        self
    }
}

/// The caller as `initiatedBy`: the signed-in admin, or the app for app-only tokens.
pub fn initiator(tenant: &Tenant, caller: &Caller) -> AuditActivityInitiator {
    if let Some(uid) = &caller.user_id {
        let user = tenant.users.iter().find(|u| *u.id == **uid);
        return AuditActivityInitiator {
            user: Some(UserIdentity {
                id: Some(uid.clone()),
                display_name: None,
                user_principal_name: user.map(|u| u.user_principal_name.to_string()),
                ip_address: Some("127.0.0.1".into()),
            }),
            app: None,
        };
    }
    let app = tenant.apps.iter().find(|a| a.client_id == caller.app_id);
    let sp = tenant
        .service_principals
        .iter()
        .find(|s| s.app_id == caller.app_id);
    AuditActivityInitiator {
        user: None,
        app: Some(AppIdentity {
            app_id: Some(caller.app_id.clone()),
            display_name: app
                .map(|a| a.display_name.clone())
                .or_else(|| sp.map(|s| s.display_name.clone())),
            service_principal_id: sp.map(|s| s.id.clone()),
            service_principal_name: sp.map(|s| s.display_name.clone()),
        }),
    }
}

pub fn user_target(user: &User, props: Vec<ModifiedProperty>) -> TargetResource {
    TargetResource {
        id: Some(user.id.to_string()),
        display_name: None,
        kind: Some("User".into()),
        user_principal_name: Some(user.user_principal_name.to_string()),
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

/// The `Included Updated Properties` entry Core Directory adds to every `Update user`.
pub fn included(names: &[&str]) -> ModifiedProperty {
    prop(
        "Included Updated Properties",
        None,
        Some(Value::String(names.join(", ")).to_string()),
    )
}

/// A property value as Core Directory writes it: a JSON array inside a string.
pub fn json_list(v: Value) -> String {
    match v {
        Value::Null => "[]".to_string(),
        Value::Array(_) => v.to_string(),
        other => Value::Array(vec![other]).to_string(),
    }
}

/// Writes `events` (one operation) newest first at the front of the tenant's audit log.
pub fn record(tenant: &mut Tenant, caller: &Caller, events: Vec<Event>) {
    let when = chrono::Utc::now();
    let correlation = uuid::Uuid::new_v4().to_string();
    let by = initiator(tenant, caller);
    let records: Vec<DirectoryAudit> = events
        .into_iter()
        .map(|e| {
            let prefix = match e.service {
                CORE_DIRECTORY => "Directory",
                AUTH_METHODS => "SSGM",
                _ => "IPCGraph",
            };
            DirectoryAudit {
                id: format!(
                    "{prefix}_{correlation}_{}",
                    &uuid::Uuid::new_v4().simple().to_string()[..8]
                ),
                category: e.category.to_string(),
                correlation_id: correlation.clone(),
                result: "success".into(),
                result_reason: e.result_reason,
                activity_display_name: e.activity,
                activity_date_time: when,
                logged_by_service: e.service.to_string(),
                operation_type: e.operation_type.to_string(),
                initiated_by: by.clone(),
                target_resources: e.targets,
                additional_details: e.details,
            }
        })
        .collect();
    tenant
        .directory_audits
        .splice(0..0, records.into_iter().rev());
}

/// The legacy per-user MFA attributes Core Directory logs on every method change.
#[derive(Debug, Clone, PartialEq)]
pub struct MfaSnapshot {
    pub strong_auth_methods: String,
    pub user_details: String,
    pub phone_app_details: String,
}

/// A JSON object with keys in the given order (the service's own order, which
/// `serde_json::Map` would sort away).
fn ordered(pairs: &[(&str, Value)]) -> String {
    let body: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{v}", Value::String((*k).to_string())))
        .collect();
    format!("{{{}}}", body.join(","))
}

fn array(items: Vec<String>) -> String {
    format!("[{}]", items.join(","))
}

/// MethodType numbers: 0 TwoWayVoiceMobile, 1 TwoWaySms, 2 TwoWayVoiceOffice,
/// 3 TwoWayVoiceOtherMobile, 6 PhoneAppNotification, 7 PhoneAppOTP.
pub fn mfa_snapshot(methods: &[AuthMethod]) -> MfaSnapshot {
    let mut types: Vec<(u8, bool)> = Vec::new();
    let mut add = |t: u8, default: bool| {
        if !types.iter().any(|(x, _)| *x == t) {
            types.push((t, default));
        }
    };
    let phone = |ty: &str| {
        methods
            .iter()
            .find(|m| m.kind == Some(MethodKind::Phone) && m.phone_type.as_deref() == Some(ty))
    };
    for m in methods {
        match (m.kind, m.phone_type.as_deref()) {
            (Some(MethodKind::Phone), Some("mobile")) => {
                add(1, m.is_default);
                add(0, false);
            }
            (Some(MethodKind::Phone), Some("alternateMobile")) => add(3, m.is_default),
            (Some(MethodKind::Phone), Some("office")) => add(2, m.is_default),
            (Some(MethodKind::MicrosoftAuthenticator), _) => {
                add(6, m.is_default);
                add(7, false);
            }
            (Some(MethodKind::SoftwareOath), _) => add(7, m.is_default),
            _ => {}
        }
    }
    types.sort_by_key(|(t, _)| *t);
    let strong: Vec<String> = types
        .iter()
        .map(|(t, d)| ordered(&[("MethodType", json!(t)), ("Default", json!(d))]))
        .collect();
    let number = |ty: &str| phone(ty).and_then(|m| m.phone_number.clone());
    let any_phone = ["mobile", "alternateMobile", "office"]
        .iter()
        .any(|t| phone(t).is_some());
    let details = if any_phone {
        vec![ordered(&[
            ("PhoneNumber", json!(number("mobile"))),
            ("AlternativePhoneNumber", json!(number("alternateMobile"))),
            ("Email", Value::Null),
            ("VoiceOnlyPhoneNumber", json!(number("office"))),
        ])]
    } else {
        Vec::new()
    };
    let apps: Vec<String> = methods
        .iter()
        .filter_map(|m| {
            let (name, tag, version) = match m.kind {
                Some(MethodKind::MicrosoftAuthenticator) => (
                    json!(m.display_name),
                    m.device_tag
                        .as_deref()
                        .unwrap_or("SoftwareTokenActivated")
                        .to_string(),
                    json!(m.phone_app_version),
                ),
                Some(MethodKind::SoftwareOath) => (
                    json!("NO_DEVICE"),
                    "SoftwareTokenActivated".to_string(),
                    Value::Null,
                ),
                _ => return None,
            };
            Some(ordered(&[
                ("DeviceName", name),
                ("DeviceToken", json!("NO_DEVICE_TOKEN")),
                ("DeviceTag", json!(tag)),
                ("PhoneAppVersion", version),
                ("Id", json!(m.id)),
            ]))
        })
        .collect();
    MfaSnapshot {
        strong_auth_methods: array(strong),
        user_details: array(details),
        phone_app_details: array(apps),
    }
}

/// The `Update user` twin of an authentication method change: the legacy attributes that
/// changed, old and new, plus `Included Updated Properties`. `None` when nothing changed.
pub fn update_user_twin(user: &User, before: &MfaSnapshot, after: &MfaSnapshot) -> Option<Event> {
    let mut props = Vec::new();
    let mut names = Vec::new();
    for (name, old, new) in [
        (
            "StrongAuthenticationMethod",
            &before.strong_auth_methods,
            &after.strong_auth_methods,
        ),
        (
            "StrongAuthenticationUserDetails",
            &before.user_details,
            &after.user_details,
        ),
        (
            "StrongAuthenticationPhoneAppDetail",
            &before.phone_app_details,
            &after.phone_app_details,
        ),
    ] {
        if old != new {
            props.push(prop(name, Some(old.clone()), Some(new.clone())));
            names.push(name);
        }
    }
    if props.is_empty() {
        return None;
    }
    props.push(included(&names));
    Some(
        Event::new(CORE_DIRECTORY, "UserManagement", "Update user", "Update")
            .target(user_target(user, props)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(ty: &str, number: &str, default: bool) -> AuthMethod {
        AuthMethod {
            id: ty.into(),
            kind: Some(MethodKind::Phone),
            phone_type: Some(ty.into()),
            phone_number: Some(number.into()),
            is_default: default,
            ..AuthMethod::default()
        }
    }

    #[test]
    fn snapshot_uses_legacy_method_types_as_json_text() {
        let app = AuthMethod {
            id: "a1".into(),
            kind: Some(MethodKind::MicrosoftAuthenticator),
            display_name: Some("Pixel 8".into()),
            ..AuthMethod::default()
        };
        let s = mfa_snapshot(&[phone("mobile", "+1 5550100", true), app]);
        assert_eq!(
            s.strong_auth_methods,
            r#"[{"MethodType":0,"Default":false},{"MethodType":1,"Default":true},{"MethodType":6,"Default":false},{"MethodType":7,"Default":false}]"#
        );
        assert_eq!(
            s.user_details,
            r#"[{"PhoneNumber":"+1 5550100","AlternativePhoneNumber":null,"Email":null,"VoiceOnlyPhoneNumber":null}]"#
        );
        let apps: Value = serde_json::from_str(&s.phone_app_details).unwrap();
        assert_eq!(apps[0]["DeviceName"], "Pixel 8");
    }

    #[test]
    fn twin_lists_only_changed_attributes() {
        let user = User {
            id: "u".into(),
            user_principal_name: "u@x".into(),
            display_name: "U".into(),
            given_name: None,
            surname: None,
            mail: None,
            job_title: None,
            department: None,
            company_name: None,
            office_location: None,
            business_phones: vec![],
            mobile_phone: None,
            preferred_language: None,
            usage_location: None,
            account_enabled: true,
            user_type: "Member".into(),
            created_date_time: chrono::Utc::now(),
            sign_in_sessions_valid_from_date_time: chrono::Utc::now(),
            last_password_change_date_time: None,
            on_premises_sync_enabled: None,
            other_mails: vec![],
            manager_id: None,
            deleted: false,
            password: String::new(),
        };
        let before = mfa_snapshot(&[phone("mobile", "+1 5550100", true)]);
        let after = mfa_snapshot(&[phone("mobile", "+1 5550199", true)]);
        let twin = update_user_twin(&user, &before, &after).unwrap();
        let props = &twin.targets[0].modified_properties;
        assert_eq!(props.len(), 2);
        assert_eq!(props[0].display_name, "StrongAuthenticationUserDetails");
        assert!(props[0]
            .old_value
            .as_deref()
            .unwrap()
            .contains("+1 5550100"));
        assert_eq!(
            props[1].new_value.as_deref(),
            Some("\"StrongAuthenticationUserDetails\"")
        );
        assert!(update_user_twin(&user, &before, &before).is_none());
    }
}
