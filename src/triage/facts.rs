//! Normalized facts about one account: what the judgement reads.
//!
//! Triage judges facts, never Graph JSON: `gather` turns Graph records into these types, tests
//! build them directly. Text fields hold tenant text verbatim (attacker-controlled); every
//! output path sanitizes it (crate::sanitize).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub type Time = DateTime<Utc>;

/// Identity Protection risk level (CSDL `riskLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RiskLevel {
    #[default]
    None,
    Low,
    Medium,
    High,
    Hidden,
    /// `unknownFutureValue` or anything newer.
    Unknown,
}

impl RiskLevel {
    pub fn parse(s: &str) -> Self {
        match s {
            "none" => Self::None,
            "low" => Self::Low,
            "medium" => Self::Medium,
            "high" => Self::High,
            "hidden" => Self::Hidden,
            _ => Self::Unknown,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Hidden => "hidden",
            Self::Unknown => "unknownFutureValue",
        }
    }
    /// Medium or high.
    pub fn is_elevated(self) -> bool {
        matches!(self, Self::Medium | Self::High)
    }
}

/// Identity Protection risk state (CSDL `riskState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RiskState {
    #[default]
    None,
    AtRisk,
    ConfirmedCompromised,
    Dismissed,
    Remediated,
    ConfirmedSafe,
    Unknown,
}

impl RiskState {
    pub fn parse(s: &str) -> Self {
        match s {
            "none" => Self::None,
            "atRisk" => Self::AtRisk,
            "confirmedCompromised" => Self::ConfirmedCompromised,
            "dismissed" => Self::Dismissed,
            "remediated" => Self::Remediated,
            "confirmedSafe" => Self::ConfirmedSafe,
            _ => Self::Unknown,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::AtRisk => "atRisk",
            Self::ConfirmedCompromised => "confirmedCompromised",
            Self::Dismissed => "dismissed",
            Self::Remediated => "remediated",
            Self::ConfirmedSafe => "confirmedSafe",
            Self::Unknown => "unknownFutureValue",
        }
    }
    /// An admin or the user has closed the risk: dismissed, remediated or confirmed safe.
    pub fn is_resolved(self) -> bool {
        matches!(
            self,
            Self::Dismissed | Self::Remediated | Self::ConfirmedSafe
        )
    }
}

/// The account itself (`/users/{id}` with `$select`, or what the risky user record says of a
/// deleted account).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub job_title: Option<String>,
    pub department: Option<String>,
    /// The manager's display name, when read.
    pub manager: Option<String>,
    pub account_enabled: Option<bool>,
    /// `Member` or `Guest`.
    pub user_type: Option<String>,
    /// Deleted (Identity Protection's `isDeleted`, or absent from `/users`).
    pub deleted: bool,
    pub mail: Option<String>,
}

impl Profile {
    pub fn is_guest(&self) -> bool {
        self.user_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("guest"))
            || self.user_principal_name.contains("#EXT#")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    pub name: String,
    pub template_id: Option<String>,
}

/// The risky user record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskyUser {
    pub level: RiskLevel,
    pub state: RiskState,
    /// riskDetail, e.g. `adminDismissedAllRiskForUser`.
    pub detail: String,
    pub updated: Option<Time>,
    pub deleted: bool,
}

/// One risk detection (Identity Protection).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Detection {
    pub id: String,
    /// riskEventType, e.g. `unfamiliarFeatures`, `anonymizedIPAddress`.
    pub event_type: String,
    pub level: RiskLevel,
    pub state: RiskState,
    pub ip: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub time: Option<Time>,
    /// The sign-in's request id (= sign-in id) for sign-in detections.
    pub request_id: Option<String>,
}

/// One sign-in event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    pub id: String,
    pub time: Time,
    pub ip: String,
    /// Two-letter country code.
    pub country: Option<String>,
    pub city: Option<String>,
    /// Latitude, longitude.
    pub geo: Option<(f64, f64)>,
    /// Beta only.
    pub asn: Option<u32>,
    pub app_id: Option<String>,
    pub app: String,
    pub client_app: Option<String>,
    pub user_agent: String,
    /// 0 = success.
    pub error_code: i32,
    pub failure_reason: Option<String>,
    pub risk_during: RiskLevel,
    pub risk_state: RiskState,
    pub risk_event_types: Vec<String>,
    pub device_id: Option<String>,
    pub device_name: Option<String>,
    pub device_managed: bool,
    pub device_compliant: bool,
    pub interactive: bool,
}

impl SignIn {
    pub fn succeeded(&self) -> bool {
        self.error_code == 0
    }
}

/// Phone types of the phone authentication method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PhoneType {
    Mobile,
    AlternateMobile,
    Office,
}

impl PhoneType {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "mobile" => Some(Self::Mobile),
            "alternateMobile" => Some(Self::AlternateMobile),
            "office" => Some(Self::Office),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mobile => "mobile",
            Self::AlternateMobile => "alternateMobile",
            Self::Office => "office",
        }
    }
}

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
    pub mfa: MfaChange,
}

/// Kinds of `/authentication/methods`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MethodKind {
    Password,
    Phone,
    MicrosoftAuthenticator,
    SoftwareOath,
    Fido2,
    Email,
    TemporaryAccessPass,
    WindowsHelloForBusiness,
    PlatformCredential,
    External,
    Other(String),
}

impl MethodKind {
    /// From `@odata.type`, e.g. `#microsoft.graph.phoneAuthenticationMethod`.
    pub fn from_odata_type(t: &str) -> Self {
        let name = t
            .trim_start_matches('#')
            .trim_start_matches("microsoft.graph.")
            .trim_end_matches("AuthenticationMethod");
        match name {
            "password" => Self::Password,
            "phone" => Self::Phone,
            "microsoftAuthenticator" => Self::MicrosoftAuthenticator,
            "softwareOath" => Self::SoftwareOath,
            "fido2" => Self::Fido2,
            "email" => Self::Email,
            "temporaryAccessPass" => Self::TemporaryAccessPass,
            "windowsHelloForBusiness" => Self::WindowsHelloForBusiness,
            "platformCredential" => Self::PlatformCredential,
            "external" => Self::External,
            other => Self::Other(other.to_string()),
        }
    }
    pub fn label(&self) -> &str {
        match self {
            Self::Password => "password",
            Self::Phone => "phone",
            Self::MicrosoftAuthenticator => "Microsoft Authenticator",
            Self::SoftwareOath => "software OATH token",
            Self::Fido2 => "FIDO2 key",
            Self::Email => "email",
            Self::TemporaryAccessPass => "Temporary Access Pass",
            Self::WindowsHelloForBusiness => "Windows Hello for Business",
            Self::PlatformCredential => "platform credential",
            Self::External => "external method",
            Self::Other(s) => s,
        }
    }
}

/// One registered authentication method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Method {
    pub id: String,
    pub kind: MethodKind,
    pub created: Option<Time>,
    /// Device name (Authenticator, FIDO2, WHfB).
    pub display_name: Option<String>,
    pub phone_number: Option<String>,
    pub phone_type: Option<PhoneType>,
    pub device_tag: Option<String>,
    pub app_version: Option<String>,
    pub email: Option<String>,
}

impl Method {
    pub fn new(id: impl Into<String>, kind: MethodKind) -> Self {
        Self {
            id: id.into(),
            kind,
            created: None,
            display_name: None,
            phone_number: None,
            phone_type: None,
            device_tag: None,
            app_version: None,
            email: None,
        }
    }
}

/// A mail folder a rule points at, with its name resolved where possible.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderRef {
    pub id: String,
    pub name: Option<String>,
    /// Well-known name when the folder is one (`deleteditems`, `archive`, `conversationhistory`...).
    pub well_known: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleConditions {
    /// subject/body/bodyOrSubject/header contains.
    pub keywords: Vec<String>,
    /// senderContains and fromAddresses.
    pub senders: Vec<String>,
    /// Names of any other predicates present.
    pub other: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleActions {
    pub move_to: Option<FolderRef>,
    pub copy_to: Option<FolderRef>,
    pub delete: bool,
    pub permanent_delete: bool,
    pub mark_as_read: bool,
    pub stop_processing: bool,
    pub forward_to: Vec<String>,
    pub redirect_to: Vec<String>,
    pub forward_as_attachment_to: Vec<String>,
}

/// One inbox rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub sequence: i32,
    pub enabled: bool,
    pub read_only: bool,
    pub has_error: bool,
    pub conditions: RuleConditions,
    pub actions: RuleActions,
}

/// Mailbox-level forwarding, where something exposes it (Graph does not: REFERENCE §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Forwarding {
    pub address: String,
    /// Where this came from (e.g. a snapshot or Exchange export).
    pub source: String,
}

/// One delegated permission grant, with the client app's name resolved where possible.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    pub id: String,
    /// The client service principal's object id.
    pub client_id: String,
    pub app_name: Option<String>,
    pub app_id: Option<String>,
    pub publisher: Option<String>,
    /// `Principal` or `AllPrincipals`.
    pub consent_type: String,
    pub scopes: Vec<String>,
    pub resource: Option<String>,
}

/// How complete one source of facts is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "status", content = "reason")]
pub enum SourceState {
    /// Not read (yet): the account is not on the shortlist, or gathering is still running.
    #[default]
    NotRead,
    Complete,
    /// Read, but not all of it (paging stopped, a page failed): the reason says what is missing.
    Partial(String),
    /// Reading failed (permission, error).
    Failed(String),
    /// The source does not exist for this account (e.g. no mailbox).
    Unavailable(String),
}

impl SourceState {
    pub fn is_complete(&self) -> bool {
        matches!(self, Self::Complete | Self::Unavailable(_))
    }
}

/// Completeness of each source for one account: a partial gather says so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    pub profile: SourceState,
    pub roles: SourceState,
    pub sign_ins: SourceState,
    pub audits: SourceState,
    pub methods: SourceState,
    pub rules: SourceState,
    pub grants: SourceState,
}

impl Coverage {
    /// Every source as (name, state).
    pub fn sources(&self) -> [(&'static str, &SourceState); 7] {
        [
            ("profile", &self.profile),
            ("roles", &self.roles),
            ("signIns", &self.sign_ins),
            ("directoryAudits", &self.audits),
            ("authenticationMethods", &self.methods),
            ("messageRules", &self.rules),
            ("oauth2PermissionGrants", &self.grants),
        ]
    }
    pub fn all_complete(&self) -> bool {
        self.sources().iter().all(|(_, s)| s.is_complete())
    }
    /// Every source marked complete (tests and fully built fact sets).
    pub fn complete() -> Self {
        Self {
            profile: SourceState::Complete,
            roles: SourceState::Complete,
            sign_ins: SourceState::Complete,
            audits: SourceState::Complete,
            methods: SourceState::Complete,
            rules: SourceState::Complete,
            grants: SourceState::Complete,
        }
    }
}

/// Everything known about one account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountFacts {
    pub profile: Profile,
    pub roles: Vec<Role>,
    pub risky: Option<RiskyUser>,
    pub detections: Vec<Detection>,
    /// Any order; the judgement sorts what it needs.
    pub sign_ins: Vec<SignIn>,
    pub audits: Vec<AuditEvent>,
    pub methods: Vec<Method>,
    pub rules: Vec<Rule>,
    pub forwarding: Vec<Forwarding>,
    pub grants: Vec<Grant>,
    pub coverage: Coverage,
}

impl AccountFacts {
    pub fn new(profile: Profile) -> Self {
        Self {
            profile,
            ..Self::default()
        }
    }
    pub fn risk_level(&self) -> RiskLevel {
        self.risky.as_ref().map(|r| r.level).unwrap_or_default()
    }
    pub fn risk_state(&self) -> RiskState {
        self.risky.as_ref().map(|r| r.state).unwrap_or_default()
    }
}

/// Digits of a phone number, for comparing numbers written differently
/// (`+1 5550100` in an audit record, `+1 5555550100` on the method).
pub fn phone_digits(number: &str) -> String {
    let main = number.split(['x', 'X']).next().unwrap_or(number);
    main.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// True when two phone numbers are the same number.
pub fn same_phone(a: &str, b: &str) -> bool {
    let (da, db) = (phone_digits(a), phone_digits(b));
    !da.is_empty() && da == db
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_tolerate_future_values() {
        assert_eq!(RiskLevel::parse("unknownFutureValue"), RiskLevel::Unknown);
        assert_eq!(RiskLevel::parse("whatever"), RiskLevel::Unknown);
        assert_eq!(RiskState::parse("atRisk"), RiskState::AtRisk);
        assert!(RiskState::parse("remediated").is_resolved());
        assert!(!RiskState::parse("confirmedCompromised").is_resolved());
    }

    #[test]
    fn method_kind_from_odata_type() {
        assert_eq!(
            MethodKind::from_odata_type(
                "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"
            ),
            MethodKind::MicrosoftAuthenticator
        );
        assert_eq!(
            MethodKind::from_odata_type("#microsoft.graph.qrCodePinAuthenticationMethod"),
            MethodKind::Other("qrCodePin".into())
        );
    }

    #[test]
    fn phones_compare_by_digits() {
        assert!(same_phone("+1 5555550100", "+15555550100"));
        assert!(same_phone("+44 7700 900123x12", "+447700900123"));
        assert!(!same_phone("+1 5555550100", "+1 5555550101"));
        assert!(!same_phone("", ""));
    }

    #[test]
    fn guests_recognized_by_type_or_upn() {
        let mut p = Profile {
            user_type: Some("Guest".into()),
            ..Profile::default()
        };
        assert!(p.is_guest());
        p.user_type = None;
        p.user_principal_name = "bob_partner.com#EXT#@contoso.onmicrosoft.com".into();
        assert!(p.is_guest());
    }
}
