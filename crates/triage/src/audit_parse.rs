//! Reading directory audit records: the activity name's meaning and the MFA changes hidden in
//! `modifiedProperties`, whose old and new values are JSON text inside strings (REFERENCE §3.4).
//!
//! Everything here is attacker-reachable input (a device name is whatever the attacker typed):
//! parsing never fails, it keeps what it understands and drops the rest.

use super::facts::{AppDevice, AuditKind, MfaChange, PhoneChange, PhoneType, StrongAuthMethod};
use serde_json::Value;

/// The meaning of an activity display name.
pub fn classify_activity(activity: &str) -> AuditKind {
    let a = activity.trim();
    match a {
        "User registered security info"
        | "Admin registered security info"
        | "User registered all required security info" => AuditKind::SecurityInfoRegistered,
        "User deleted security info" | "Admin deleted security info" => {
            AuditKind::SecurityInfoDeleted
        }
        "User updated security info" | "Admin updated security info" => {
            AuditKind::SecurityInfoUpdated
        }
        "User changed default security info" => AuditKind::DefaultSecurityInfoChanged,
        "User started security info registration" => AuditKind::SecurityInfoRegistrationStarted,
        "Update user" => AuditKind::UserUpdated,
        "Add users strong authentication phone app detail" => AuditKind::PhoneAppDetailAdded,
        "Remove users strong authentication phone app detail" => AuditKind::PhoneAppDetailRemoved,
        "Reset password"
        | "Reset user password"
        | "Change user password"
        | "Admin started password reset"
        | "Reset password (self-service)"
        | "Change password (self-service)" => AuditKind::PasswordReset,
        "Update StsRefreshTokenValidFrom Timestamp" => AuditKind::SessionsRevoked,
        "Disable account" => AuditKind::AccountDisabled,
        "Enable account" => AuditKind::AccountEnabled,
        "Consent to application" => AuditKind::ConsentGranted,
        "Add delegated permission grant" => AuditKind::GrantAdded,
        "Remove delegated permission grant" => AuditKind::GrantRemoved,
        "ConfirmCompromised" => AuditKind::RiskConfirmedCompromised,
        "DismissUser" => AuditKind::RiskDismissed,
        "ConfirmSafe" => AuditKind::RiskConfirmedSafe,
        "Register device" | "Add device" => AuditKind::DeviceRegistered,
        "Add registered owner to device" | "Add registered users to device" => {
            AuditKind::DeviceUserAdded
        }
        "Add member to role" | "Add eligible member to role" => AuditKind::RoleMemberAdded,
        "Add member to group" => AuditKind::GroupMemberAdded,
        a if is_app_credential_activity(a) => AuditKind::AppCredentialAdded,
        crate::facts::APP_ROLE_GRANTED_ACTIVITY => AuditKind::AppRoleGranted,
        "Add owner to application" => AuditKind::AppOwnerAdded,
        _ => AuditKind::Other,
    }
}

/// What kind of method a security-info record's `resultReason` names
/// ("User registered Authenticator App with Notification and Code", "... Mobile Phone SMS").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodHint {
    Authenticator,
    Phone(Option<PhoneType>),
    SoftwareOath,
    Fido2,
    Email,
    TemporaryAccessPass,
    Password,
}

pub fn method_hint(result_reason: &str) -> Option<MethodHint> {
    let r = result_reason.to_ascii_lowercase();
    if r.contains("temporary access pass") {
        Some(MethodHint::TemporaryAccessPass)
    } else if r.contains("authenticator") {
        Some(MethodHint::Authenticator)
    } else if r.contains("alternate mobile phone") || r.contains("alternate phone") {
        Some(MethodHint::Phone(Some(PhoneType::AlternateMobile)))
    } else if r.contains("office phone") {
        Some(MethodHint::Phone(Some(PhoneType::Office)))
    } else if r.contains("mobile phone") {
        Some(MethodHint::Phone(Some(PhoneType::Mobile)))
    } else if r.contains("phone") {
        Some(MethodHint::Phone(None))
    } else if r.contains("software oath") || r.contains("hardware oath") || r.contains("token") {
        Some(MethodHint::SoftwareOath)
    } else if r.contains("security key") || r.contains("fido") || r.contains("passkey") {
        Some(MethodHint::Fido2)
    } else if r.contains("email") {
        Some(MethodHint::Email)
    } else if r.contains("password") {
        Some(MethodHint::Password)
    } else {
        None
    }
}

/// One modified property as the record carries it.
#[derive(Debug, Clone, Copy)]
pub struct Modified<'a> {
    pub name: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
}

/// The MFA changes in a record's modified properties.
pub fn parse_mfa_change(props: &[Modified<'_>]) -> MfaChange {
    let mut change = MfaChange::default();
    for p in props {
        match p.name {
            "StrongAuthenticationMethod" => {
                let old = method_types(p.old);
                let new = method_types(p.new);
                change.methods_added = new.iter().filter(|m| !old.contains(m)).copied().collect();
                change.methods_removed = old.iter().filter(|m| !new.contains(m)).copied().collect();
            }
            "StrongAuthenticationUserDetails" => {
                change.phones = phone_changes(p.old, p.new);
            }
            "StrongAuthenticationPhoneAppDetail" => {
                let old = app_devices(p.old);
                let new = app_devices(p.new);
                change.app_devices_added =
                    new.iter().filter(|d| !old.contains(d)).cloned().collect();
                change.app_devices_removed =
                    old.iter().filter(|d| !new.contains(d)).cloned().collect();
            }
            _ => {}
        }
    }
    change
}

/// JSON text in a string; tolerates a second layer of string encoding and empty values.
fn json_in_string(s: Option<&str>) -> Value {
    let Some(s) = s else { return Value::Null };
    let s = s.trim();
    if s.is_empty() {
        return Value::Null;
    }
    match serde_json::from_str::<Value>(s) {
        Ok(Value::String(inner)) => serde_json::from_str(&inner).unwrap_or(Value::Null),
        Ok(v) => v,
        Err(_) => Value::Null,
    }
}

/// The array in a value, or the value itself as a one-element list when it is an object.
fn items(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        Value::Object(_) => vec![v],
        _ => Vec::new(),
    }
}

fn method_types(s: Option<&str>) -> Vec<StrongAuthMethod> {
    items(json_in_string(s))
        .iter()
        .filter_map(|m| m.get("MethodType").and_then(Value::as_i64))
        .map(|n| match n {
            0 => StrongAuthMethod::TwoWayVoiceMobile,
            1 => StrongAuthMethod::TwoWaySms,
            2 => StrongAuthMethod::TwoWayVoiceOffice,
            3 => StrongAuthMethod::TwoWayVoiceOtherMobile,
            4 => StrongAuthMethod::TwoWaySmsOtherMobile,
            5 => StrongAuthMethod::OneWaySms,
            6 => StrongAuthMethod::PhoneAppNotification,
            7 => StrongAuthMethod::PhoneAppOtp,
            other => StrongAuthMethod::Unknown(other),
        })
        .collect()
}

/// `PhoneNumber` is the authentication (mobile) phone, `AlternativePhoneNumber` the alternate
/// mobile, `VoiceOnlyPhoneNumber` the office phone.
const PHONE_FIELDS: [(&str, PhoneType); 3] = [
    ("PhoneNumber", PhoneType::Mobile),
    ("AlternativePhoneNumber", PhoneType::AlternateMobile),
    ("VoiceOnlyPhoneNumber", PhoneType::Office),
];

fn phone_field(v: &Value, field: &str) -> Option<String> {
    items(v.clone())
        .first()
        .and_then(|o| o.get(field))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn phone_changes(old: Option<&str>, new: Option<&str>) -> Vec<PhoneChange> {
    let (old, new) = (json_in_string(old), json_in_string(new));
    PHONE_FIELDS
        .iter()
        .filter_map(|(field, phone_type)| {
            let (o, n) = (phone_field(&old, field), phone_field(&new, field));
            let same = match (&o, &n) {
                (Some(a), Some(b)) => super::facts::same_phone(a, b),
                (None, None) => true,
                _ => false,
            };
            (!same).then_some(PhoneChange {
                phone_type: *phone_type,
                old: o,
                new: n,
            })
        })
        .collect()
}

fn app_devices(s: Option<&str>) -> Vec<AppDevice> {
    items(json_in_string(s))
        .iter()
        .filter(|d| d.is_object())
        .map(|d| AppDevice {
            id: d.get("Id").and_then(Value::as_str).map(str::to_string),
            name: d
                .get("DeviceName")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
        .collect()
}

/// "Update application – Certificates and secrets management" (an en dash in real records;
/// a hyphen in some exports) and "Add service principal credentials".
pub fn is_app_credential_activity(a: &str) -> bool {
    a == "Add service principal credentials"
        || (a.starts_with("Update application ")
            && a.ends_with("Certificates and secrets management"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m<'a>(name: &'a str, old: Option<&'a str>, new: Option<&'a str>) -> Modified<'a> {
        Modified { name, old, new }
    }

    #[test]
    fn methods_added_and_removed() {
        let c = parse_mfa_change(&[m(
            "StrongAuthenticationMethod",
            Some(r#"[{"MethodType":1,"Default":true}]"#),
            Some(
                r#"[{"MethodType":1,"Default":false},{"MethodType":6,"Default":true},{"MethodType":7,"Default":false}]"#,
            ),
        )]);
        assert_eq!(
            c.methods_added,
            vec![
                StrongAuthMethod::PhoneAppNotification,
                StrongAuthMethod::PhoneAppOtp
            ]
        );
        assert!(c.methods_removed.is_empty());
    }

    #[test]
    fn phone_change_keeps_old_number() {
        let c = parse_mfa_change(&[m(
            "StrongAuthenticationUserDetails",
            Some(
                r#"[{"PhoneNumber":"+1 5555550100","AlternativePhoneNumber":null,"Email":null,"VoiceOnlyPhoneNumber":null}]"#,
            ),
            Some(
                r#"[{"PhoneNumber":"+234 8031234567","AlternativePhoneNumber":"+7 9161234567","Email":null,"VoiceOnlyPhoneNumber":null}]"#,
            ),
        )]);
        assert_eq!(
            c.phones,
            vec![
                PhoneChange {
                    phone_type: PhoneType::Mobile,
                    old: Some("+1 5555550100".into()),
                    new: Some("+234 8031234567".into())
                },
                PhoneChange {
                    phone_type: PhoneType::AlternateMobile,
                    old: None,
                    new: Some("+7 9161234567".into())
                },
            ]
        );
    }

    #[test]
    fn same_number_written_differently_is_no_change() {
        let c = parse_mfa_change(&[m(
            "StrongAuthenticationUserDetails",
            Some(r#"[{"PhoneNumber":"+1 5555550100"}]"#),
            Some(r#"[{"PhoneNumber":"+15555550100"}]"#),
        )]);
        assert!(c.phones.is_empty());
    }

    #[test]
    fn double_encoded_and_garbage_values_are_tolerated() {
        let double = serde_json::to_string(r#"[{"MethodType":6,"Default":true}]"#).unwrap();
        let c = parse_mfa_change(&[
            m("StrongAuthenticationMethod", Some("[]"), Some(&double)),
            m(
                "StrongAuthenticationUserDetails",
                Some("{not json"),
                Some("\u{1b}[2J"),
            ),
            m("StrongAuthenticationPhoneAppDetail", None, Some("42")),
        ]);
        assert_eq!(
            c.methods_added,
            vec![StrongAuthMethod::PhoneAppNotification]
        );
        assert!(c.phones.is_empty());
        assert!(c.app_devices_added.is_empty());
    }

    #[test]
    fn hostile_device_names_are_kept_as_data() {
        let new = r#"[{"Id":"dev-1","DeviceName":"iPhone\u001b]0;pwned\u0007\u202e","DeviceTag":"SoftwareTokenActivated"}]"#;
        let c = parse_mfa_change(&[m(
            "StrongAuthenticationPhoneAppDetail",
            Some("[]"),
            Some(new),
        )]);
        assert_eq!(c.app_devices_added.len(), 1);
        let name = c.app_devices_added[0].name.clone().unwrap();
        assert!(name.contains('\u{1b}'));
        assert!(!reclaim_core::sanitize::inert(&name).contains('\u{1b}'));
    }

    #[test]
    fn activities_and_hints() {
        assert_eq!(
            classify_activity("User registered security info"),
            AuditKind::SecurityInfoRegistered
        );
        assert_eq!(classify_activity("Update user"), AuditKind::UserUpdated);
        assert_eq!(classify_activity("Something new"), AuditKind::Other);
        assert_eq!(
            method_hint("User registered Authenticator App with Notification and Code"),
            Some(MethodHint::Authenticator)
        );
        assert_eq!(
            method_hint("User registered Alternate Mobile Phone SMS"),
            Some(MethodHint::Phone(Some(PhoneType::AlternateMobile)))
        );
        assert_eq!(method_hint(""), None);
    }
}
