//! Normalized facts about one account: what the judgement reads.
//!
//! Triage judges facts, never Graph JSON: `gather` turns Graph records into these types, tests
//! build them directly. Text fields hold tenant text verbatim (attacker-controlled); every
//! output path sanitizes it (reclaim_core::sanitize).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod app_footholds;
mod audit_events;
mod devices;
mod mailbox;
mod methods;
pub use app_footholds::*;
pub use audit_events::*;
pub use devices::*;
pub use mailbox::*;
pub use methods::*;

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
    /// Beta only: the names of the tenant's named locations the sign-in came from
    /// (`networkLocationDetails[].networkNames`), trusted ones left out. The only network
    /// names Graph gives a sign-in: neither version carries the ISP's own name.
    #[serde(default)]
    pub network_names: Vec<String>,
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

/// How an [`SourceState::Unavailable`] source the tenant's licence refuses begins.
pub const UNLICENSED_NOTE: &str = "not included in the tenant's licence";

impl SourceState {
    pub fn is_complete(&self) -> bool {
        matches!(self, Self::Complete | Self::Unavailable(_))
    }

    /// The tenant's licence refuses the source (sign-ins without Entra ID P1...).
    pub fn is_unlicensed(&self) -> bool {
        matches!(self, Self::Unavailable(why) if why.starts_with(UNLICENSED_NOTE))
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
    #[serde(default)]
    pub devices: SourceState,
    #[serde(default)]
    pub app_consents: SourceState,
}

impl Coverage {
    /// Every source as (name, state).
    pub fn sources(&self) -> [(&'static str, &SourceState); 9] {
        [
            ("profile", &self.profile),
            ("roles", &self.roles),
            ("signIns", &self.sign_ins),
            ("directoryAudits", &self.audits),
            ("authenticationMethods", &self.methods),
            ("messageRules", &self.rules),
            ("oauth2PermissionGrants", &self.grants),
            ("devices", &self.devices),
            ("appRoleAssignments", &self.app_consents),
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
            devices: SourceState::Complete,
            app_consents: SourceState::Complete,
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
    /// Devices registered to or owned by the account.
    #[serde(default)]
    pub devices: Vec<Device>,
    /// App roles the account holds (a consent assigns the app's default role).
    #[serde(default)]
    pub app_consents: Vec<AppConsent>,
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
            MethodType::from_odata_type(
                "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"
            ),
            MethodKind::MicrosoftAuthenticator
        );
        let qr = MethodType::from_odata_type("#microsoft.graph.qrCodePinAuthenticationMethod");
        assert_eq!(qr, MethodType::Other("qrCodePin".into()));
        assert_eq!((qr.stem(), qr.label()), ("qrCodePin", "qrCodePin"));
        let external = MethodType::from_odata_type("#microsoft.graph.externalAuthenticationMethod");
        assert_eq!(
            (external.stem(), external.label()),
            ("external", "external method")
        );
        assert_eq!(
            MethodType::from(MethodKind::MicrosoftAuthenticator).stem(),
            "microsoftAuthenticator"
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
