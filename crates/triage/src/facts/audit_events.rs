//! Directory audit events about an account's sign-in methods.

use super::{PhoneType, Time};
use serde::{Deserialize, Serialize};

/// What a directory audit record is about, from its activity name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AuditKind {
    SecurityInfoRegistered,
    SecurityInfoDeleted,
    SecurityInfoUpdated,
    DefaultSecurityInfoChanged,
    SecurityInfoRegistrationStarted,
    UserUpdated,
    PhoneAppDetailAdded,
    PhoneAppDetailRemoved,
    PasswordReset,
    SessionsRevoked,
    AccountDisabled,
    AccountEnabled,
    ConsentGranted,
    GrantAdded,
    GrantRemoved,
    RiskConfirmedCompromised,
    RiskDismissed,
    RiskConfirmedSafe,
    /// "Register device" / "Add device".
    DeviceRegistered,
    /// "Add registered owner to device" / "Add registered users to device".
    DeviceUserAdded,
    /// "Add member to role" / "Add eligible member to role".
    RoleMemberAdded,
    /// "Add member to group".
    GroupMemberAdded,
    /// "Update application – Certificates and secrets management" / "Add service principal
    /// credentials": the added keyIds are in [`AuditEvent::added_credentials`].
    AppCredentialAdded,
    /// "Add app role assignment to service principal": the grant is in
    /// [`AuditEvent::granted_app_role`].
    AppRoleGranted,
    /// "Add owner to application": the new owner is the user target, the application the
    /// other one.
    AppOwnerAdded,
    #[default]
    Other,
}

/// A strong authentication method type from `StrongAuthenticationMethod` (REFERENCE §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StrongAuthMethod {
    TwoWayVoiceMobile,
    TwoWaySms,
    TwoWayVoiceOffice,
    TwoWayVoiceOtherMobile,
    TwoWaySmsOtherMobile,
    OneWaySms,
    PhoneAppNotification,
    PhoneAppOtp,
    Unknown(i64),
}

/// A phone number changing in `StrongAuthenticationUserDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneChange {
    pub phone_type: PhoneType,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// An Authenticator device in `StrongAuthenticationPhoneAppDetail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppDevice {
    pub id: Option<String>,
    pub name: Option<String>,
}

/// MFA changes parsed from an audit record's modifiedProperties.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MfaChange {
    pub methods_added: Vec<StrongAuthMethod>,
    pub methods_removed: Vec<StrongAuthMethod>,
    pub phones: Vec<PhoneChange>,
    pub app_devices_added: Vec<AppDevice>,
    pub app_devices_removed: Vec<AppDevice>,
}

impl MfaChange {
    pub fn is_empty(&self) -> bool {
        self.methods_added.is_empty()
            && self.methods_removed.is_empty()
            && self.phones.is_empty()
            && self.app_devices_added.is_empty()
            && self.app_devices_removed.is_empty()
    }
}

/// One directory audit record relevant to the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub id: String,
    pub time: Option<Time>,
    pub activity: String,
    pub kind: AuditKind,
    pub service: String,
    pub success: bool,
    pub result_reason: String,
    pub initiator_upn: Option<String>,
    pub initiator_ip: Option<String>,
    pub initiator_app: Option<String>,
    /// The account the record targets (user id).
    pub target_id: Option<String>,
    /// Display names of the record's targets (e.g. the app of a consent).
    pub target_names: Vec<String>,
    /// Ids of the record's targets that are not users (a device, an app, a role).
    #[serde(default)]
    pub target_object_ids: Vec<String>,
    /// The role a role-membership record names (`Role.TemplateId`, the roleDefinitionId of a
    /// built-in role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_template_id: Option<String>,
    pub mfa: MfaChange,
    /// Secrets and certificates the record added to an application or service principal.
    #[serde(default)]
    pub added_credentials: Vec<super::AddedCredential>,
    /// The application permission the record granted to a service principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted_app_role: Option<super::GrantedAppRole>,
}
