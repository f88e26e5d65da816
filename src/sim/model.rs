//! The simulated tenant's state.
//!
//! Structs that Graph serves as-is carry Graph's JSON names (camelCase through serde), so an
//! endpoint can serialize them directly; fields the real service never exposes are
//! `#[serde(skip)]` and documented as simulator-internal. The schema test
//! (tests/sim_schema.rs) proves every served property exists in the real schema.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

pub use super::short_text::ShortText;

pub type Time = DateTime<Utc>;

/// Everything the simulated tenant holds.
#[derive(Debug, Clone, Default)]
pub struct Tenant {
    pub id: String,
    /// Primary domain, e.g. `contoso-sim.onmicrosoft.com`.
    pub domain: String,
    pub display_name: String,
    /// The instant the scenario was generated for; generated times lie before it.
    pub generated_at: Option<Time>,
    /// All users, deleted ones included (`deleted` = in the recycle bin, never in `/users`).
    pub users: Vec<User>,
    pub role_definitions: Vec<RoleDefinition>,
    pub role_assignments: Vec<RoleAssignment>,
    /// Keyed by user id (a riskyUser's id is its user's id).
    pub risky_users: HashMap<String, RiskyUser>,
    pub risky_user_history: HashMap<String, Vec<RiskyUserHistoryItem>>,
    pub risk_detections: Vec<RiskDetection>,
    /// Newest first, as Graph serves them.
    pub sign_ins: Vec<SignIn>,
    /// Newest first.
    pub directory_audits: Vec<DirectoryAudit>,
    /// Keyed by user id (the user's own `Arc`, not a copy).
    pub methods: HashMap<Arc<str>, Vec<AuthMethod>>,
    /// Keyed by user id (shared as `methods`'s); a user without an entry has no Exchange
    /// Online mailbox.
    pub mailboxes: HashMap<Arc<str>, Mailbox>,
    pub service_principals: Vec<ServicePrincipal>,
    pub grants: Vec<OAuth2PermissionGrant>,
    /// App registrations the simulator accepts at its token endpoint.
    pub apps: Vec<AppRegistration>,
    /// Beta `signInPreferences`, keyed by user id; a user without an entry has the defaults.
    pub sign_in_preferences: HashMap<String, SignInPreferences>,
}

/// A user's beta `signInPreferences` beyond which method is the default (that is
/// [`AuthMethod::is_default`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignInPreferences {
    pub is_system_preferred_authentication_method_enabled: bool,
    /// The `userPreferredMethodForSecondaryAuthentication` last set, when it still names the
    /// default method (tells `sms` from `voiceMobile`, `push` from `oath`).
    pub preferred: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Shared with the records that name the user (sign-ins, method and mailbox keys,
    /// reports' managers): one copy per user.
    pub id: Arc<str>,
    /// Shared with the user's sign-ins (as `id`).
    pub user_principal_name: Arc<str>,
    pub display_name: Arc<str>,
    /// Names from a small vocabulary, shared.
    pub given_name: Option<Arc<str>>,
    pub surname: Option<Arc<str>>,
    /// A member's is its UPN's `Arc`.
    pub mail: Option<Arc<str>>,
    pub job_title: Option<Arc<str>>,
    pub department: Option<Arc<str>>,
    pub company_name: Option<Arc<str>>,
    pub office_location: Option<Arc<str>>,
    pub business_phones: Vec<String>,
    pub mobile_phone: Option<String>,
    pub preferred_language: Option<Arc<str>>,
    pub usage_location: Option<Arc<str>>,
    pub account_enabled: bool,
    /// `Member` or `Guest`.
    pub user_type: Arc<str>,
    pub created_date_time: Time,
    pub sign_in_sessions_valid_from_date_time: Time,
    pub last_password_change_date_time: Option<Time>,
    pub on_premises_sync_enabled: Option<bool>,
    pub other_mails: Vec<String>,
    /// Simulator-internal: served through `/users/{id}/manager`.
    #[serde(skip)]
    pub manager_id: Option<Arc<str>>,
    /// Simulator-internal: soft-deleted (recycle bin); absent from `/users`.
    #[serde(skip)]
    pub deleted: bool,
    /// Simulator-internal: the password the token endpoint would accept.
    #[serde(skip)]
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoleDefinition {
    pub id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub template_id: String,
    pub is_built_in: bool,
    pub is_enabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    pub id: String,
    pub principal_id: String,
    pub role_definition_id: String,
    pub directory_scope_id: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Hidden,
    None,
    UnknownFutureValue,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub enum RiskState {
    None,
    ConfirmedSafe,
    Remediated,
    Dismissed,
    AtRisk,
    ConfirmedCompromised,
    UnknownFutureValue,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RiskyUser {
    pub id: String,
    pub is_deleted: bool,
    pub is_processing: bool,
    pub risk_last_updated_date_time: Time,
    pub risk_level: RiskLevel,
    pub risk_state: RiskState,
    /// riskDetail enum spelling, e.g. `none`, `adminConfirmedUserCompromised`.
    pub risk_detail: String,
    pub user_display_name: String,
    pub user_principal_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RiskUserActivity {
    pub detail: String,
    pub risk_event_types: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RiskyUserHistoryItem {
    pub id: String,
    pub user_id: String,
    pub initiated_by: Option<String>,
    pub activity: RiskUserActivity,
    pub is_deleted: bool,
    pub is_processing: bool,
    pub risk_last_updated_date_time: Time,
    pub risk_level: RiskLevel,
    pub risk_state: RiskState,
    pub risk_detail: String,
    pub user_display_name: String,
    pub user_principal_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RiskDetection {
    pub id: String,
    pub request_id: Option<String>,
    pub correlation_id: Option<String>,
    /// e.g. `unfamiliarFeatures`, `anonymizedIPAddress`, `impossibleTravel`.
    pub risk_event_type: String,
    pub risk_state: RiskState,
    pub risk_level: RiskLevel,
    pub risk_detail: String,
    /// `signin` or `user`.
    pub activity: String,
    /// `realtime` or `offline`.
    pub detection_timing_type: String,
    pub source: String,
    pub token_issuer_type: String,
    pub ip_address: Option<String>,
    pub location: Option<SignInLocation>,
    pub activity_date_time: Time,
    pub detected_date_time: Time,
    pub last_updated_date_time: Time,
    pub user_id: String,
    pub user_display_name: String,
    pub user_principal_name: String,
    pub additional_info: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct SignInStatus {
    pub error_code: i32,
    pub failure_reason: Option<Arc<str>>,
    pub additional_details: Option<String>,
}

/// Strings here repeat across a user's sign-ins: shared, not copied (`Arc<str>` serializes as
/// the plain string).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct DeviceDetail {
    /// A registered device's GUID (16 bytes inline), or empty.
    pub device_id: ShortText,
    pub display_name: Option<Arc<str>>,
    pub operating_system: Option<Arc<str>>,
    pub browser: Option<Arc<str>>,
    pub is_compliant: bool,
    pub is_managed: bool,
    pub trust_type: Option<Arc<str>>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct GeoCoordinates {
    pub latitude: f64,
    pub longitude: f64,
    pub altitude: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct SignInLocation {
    pub city: Option<Arc<str>>,
    pub state: Option<Arc<str>>,
    /// Two-letter country code, as Graph gives it.
    pub country_or_region: Option<Arc<str>>,
    pub geo_coordinates: Option<GeoCoordinates>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NetworkLocationDetail {
    pub network_type: String,
    pub network_names: Vec<String>,
}

/// A sign-in event. Beta-only properties (`userType`, `autonomousSystemNumber`,
/// `networkLocationDetails`, `signInEventTypes`, `sessionId`, `authenticationRequirement`):
/// the v1.0 endpoint must omit them.
///
/// The log is the tenant's largest collection (several per user), so what repeats across
/// records is shared, not copied: the signed-in user's properties, the app's and the policy
/// outcome's are one `Arc`ed group each (flattened: served as the same top-level properties),
/// other repeated strings `Arc<str>` and whole objects (status, device, location) `Arc`s; the
/// per-record unique GUIDs are 16 bytes each ([`ShortText`]). All of them serialize exactly
/// as `String` does.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    pub id: ShortText,
    pub created_date_time: Time,
    #[serde(flatten)]
    pub user: Arc<SignInUser>,
    #[serde(flatten)]
    pub app: Arc<SignInApp>,
    #[serde(flatten)]
    pub origin: Arc<SignInOrigin>,
    #[serde(flatten)]
    pub client: Arc<SignInClient>,
    pub is_interactive: bool,
    pub correlation_id: ShortText,
    #[serde(flatten)]
    pub risk: Arc<SignInIdentityRisk>,
    #[serde(flatten)]
    pub policy: Arc<SignInPolicy>,
    pub status: Arc<SignInStatus>,
    // --- beta only ---
    pub session_id: Option<ShortText>,
}

/// Where a sign-in came from: the same for a user's sign-ins from one address.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SignInOrigin {
    pub ip_address: Arc<str>,
    pub location: Arc<SignInLocation>,
    /// Beta only.
    pub autonomous_system_number: Option<i32>,
}

/// The client that signed in: the same for a user's sign-ins from one device and browser.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SignInClient {
    pub user_agent: Arc<str>,
    pub device_detail: Arc<DeviceDetail>,
}

/// Identity Protection's view of a sign-in: no risk for almost all of them (one shared group).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SignInIdentityRisk {
    pub risk_level_during_sign_in: RiskLevel,
    pub risk_level_aggregated: RiskLevel,
    pub risk_state: RiskState,
    #[serde(rename = "riskEventTypes_v2")]
    pub risk_event_types_v2: Vec<String>,
}

/// Who signed in: the same for every sign-in of a user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SignInUser {
    pub user_id: Arc<str>,
    pub user_principal_name: Arc<str>,
    pub user_display_name: Arc<str>,
    /// Beta only: `member` or `guest`.
    pub user_type: Arc<str>,
}

/// What was signed in to, and with which client: the same for every sign-in to an app.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SignInApp {
    pub app_id: Arc<str>,
    pub app_display_name: Arc<str>,
    pub client_app_used: Arc<str>,
    pub resource_display_name: Arc<str>,
    pub resource_id: Arc<str>,
}

/// How the tenant's policies met a sign-in: a handful of combinations across the log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SignInPolicy {
    pub conditional_access_status: Arc<str>,
    pub risk_detail: Arc<str>,
    // --- beta only ---
    pub network_location_details: Arc<[NetworkLocationDetail]>,
    /// `interactiveUser`, `nonInteractiveUser`, `servicePrincipal`, `managedIdentity`.
    pub sign_in_event_types: Arc<[String]>,
    pub authentication_requirement: Arc<str>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub user_principal_name: Option<String>,
    pub ip_address: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct AppIdentity {
    pub app_id: Option<String>,
    pub display_name: Option<String>,
    pub service_principal_id: Option<String>,
    pub service_principal_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct AuditActivityInitiator {
    pub user: Option<UserIdentity>,
    pub app: Option<AppIdentity>,
}

/// `oldValue` / `newValue` are JSON text inside strings, as the real service writes them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ModifiedProperty {
    pub display_name: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TargetResource {
    pub id: Option<String>,
    pub display_name: Option<String>,
    /// `User`, `Application`, `ServicePrincipal`, ...
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub user_principal_name: Option<String>,
    pub modified_properties: Vec<ModifiedProperty>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryAudit {
    pub id: String,
    pub category: String,
    pub correlation_id: String,
    /// `success`, `failure`, `timeout`, `unknownFutureValue`.
    pub result: String,
    pub result_reason: String,
    pub activity_display_name: String,
    pub activity_date_time: Time,
    pub logged_by_service: String,
    pub operation_type: String,
    pub initiated_by: AuditActivityInitiator,
    pub target_resources: Vec<TargetResource>,
    pub additional_details: Vec<KeyValue>,
}

/// The kinds of `/authentication/methods`; `@odata.type` is `#microsoft.graph.{kind}AuthenticationMethod`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
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
}

impl MethodKind {
    /// The `@odata.type` the real service puts on this kind.
    pub fn odata_type(self) -> &'static str {
        match self {
            MethodKind::Password => "#microsoft.graph.passwordAuthenticationMethod",
            MethodKind::Phone => "#microsoft.graph.phoneAuthenticationMethod",
            MethodKind::MicrosoftAuthenticator => {
                "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"
            }
            MethodKind::SoftwareOath => "#microsoft.graph.softwareOathAuthenticationMethod",
            MethodKind::Fido2 => "#microsoft.graph.fido2AuthenticationMethod",
            MethodKind::Email => "#microsoft.graph.emailAuthenticationMethod",
            MethodKind::TemporaryAccessPass => {
                "#microsoft.graph.temporaryAccessPassAuthenticationMethod"
            }
            MethodKind::WindowsHelloForBusiness => {
                "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod"
            }
        }
    }
}

/// Fixed phone method ids per phone type (REFERENCE §3.5).
pub const PHONE_ID_MOBILE: &str = "3179e48a-750b-4051-897c-87b9720928f7";
pub const PHONE_ID_ALTERNATE_MOBILE: &str = "b6332ec1-7057-4abe-9331-3d72feddfe41";
pub const PHONE_ID_OFFICE: &str = "e37fc753-ff3b-4958-9484-eaa9425c82bc";
/// The password method's fixed id.
pub const PASSWORD_METHOD_ID: &str = "28c10230-6103-485e-b985-444c60001490";

/// A method id as `AuthMethod::id` holds it: the fixed ids shared process-wide, others new.
pub fn method_id(id: &str) -> Arc<str> {
    use std::sync::LazyLock;
    static FIXED: LazyLock<[Arc<str>; 4]> = LazyLock::new(|| {
        [
            PASSWORD_METHOD_ID.into(),
            PHONE_ID_MOBILE.into(),
            PHONE_ID_ALTERNATE_MOBILE.into(),
            PHONE_ID_OFFICE.into(),
        ]
    });
    FIXED
        .iter()
        .find(|f| ***f == *id)
        .cloned()
        .unwrap_or_else(|| id.into())
}

/// One registered authentication method: a kind, what every kind has, and each kind's own
/// properties; the serving code picks the ones that kind has in the schema. Properties of the
/// rare kinds (FIDO2, email, TAP) sit behind one box so the common methods (password, phone,
/// Authenticator: ~230,000 at 100,000 users) do not carry their empty slots.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuthMethod {
    /// The fixed ids (password, each phone type) are one shared allocation for every user
    /// ([`method_id`]).
    pub id: Arc<str>,
    pub kind: Option<MethodKind>,
    /// Simulator-internal: this method is the user's default MFA method (v1.0 cannot read it).
    pub is_default: bool,
    pub created_date_time: Option<Time>,
    pub last_used_date_time: Option<Time>,
    /// Authenticator / FIDO2 / WHfB device name.
    pub display_name: Option<String>,
    /// Authenticator. This and the phone's type and SMS state come from small vocabularies:
    /// shared, not copied into every method.
    pub device_tag: Option<Arc<str>>,
    pub phone_app_version: Option<Arc<str>>,
    pub client_app_name: Option<Arc<str>>,
    /// Phone: `+{cc} {number}[x{ext}]`.
    pub phone_number: Option<String>,
    /// Phone: `mobile`, `alternateMobile`, `office`.
    pub phone_type: Option<Arc<str>>,
    pub sms_sign_in_state: Option<Arc<str>>,
    /// FIDO2, email and TAP properties (`None` for the other kinds).
    pub rare: Option<Box<RareMethodProps>>,
    /// Simulator-internal: the IP the registration came from (real Graph keeps it only in audits).
    pub registered_from_ip: Option<String>,
}

/// The properties only FIDO2 keys, email methods and Temporary Access Passes have.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RareMethodProps {
    /// Email method.
    pub email_address: Option<String>,
    /// FIDO2.
    pub aaguid: Option<String>,
    pub model: Option<String>,
    /// TAP.
    pub start_date_time: Option<Time>,
    pub lifetime_in_minutes: Option<i32>,
    pub is_usable_once: Option<bool>,
    /// Simulator-internal: the TAP's text, shown once at creation and never served again.
    pub tap_secret: Option<String>,
}

impl AuthMethod {
    /// The rare kinds' properties, or empty ones.
    pub fn rare(&self) -> &RareMethodProps {
        static NONE: RareMethodProps = RareMethodProps {
            email_address: None,
            aaguid: None,
            model: None,
            start_date_time: None,
            lifetime_in_minutes: None,
            is_usable_once: None,
            tap_secret: None,
        };
        self.rare.as_deref().unwrap_or(&NONE)
    }
}

/// A recipient as messageRuleActions carry it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    pub email_address: EmailAddress,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EmailAddress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub address: String,
}

/// messageRuleActions: common members typed, the rest kept verbatim.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct MessageRuleActions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub move_to_folder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_to_folder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permanent_delete: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark_as_read: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward_to: Option<Vec<Recipient>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward_as_attachment_to: Option<Vec<Recipient>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_to: Option<Vec<Recipient>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_processing_rules: Option<bool>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// messageRulePredicates: common members typed, the rest kept verbatim.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct MessageRulePredicates {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_contains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_contains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_or_subject_contains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender_contains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_addresses: Option<Vec<Recipient>>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MessageRule {
    pub id: String,
    pub display_name: String,
    pub sequence: i32,
    pub is_enabled: bool,
    pub has_error: bool,
    pub is_read_only: bool,
    pub conditions: MessageRulePredicates,
    pub exceptions: MessageRulePredicates,
    pub actions: MessageRuleActions,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MailFolder {
    pub id: String,
    /// Shared: every mailbox has the same standard folder names.
    pub display_name: Arc<str>,
    /// Shared with the siblings (a mailbox's standard folders all hang off its root).
    pub parent_folder_id: Option<Arc<str>>,
    /// Simulator-internal: e.g. `inbox`, `deleteditems`, `archive`, `conversationhistory`, `rssfeeds`.
    #[serde(skip)]
    pub well_known_name: Option<Arc<str>>,
}

#[derive(Debug, Clone, Default)]
pub struct Mailbox {
    /// A generated mailbox's root and standard well-known folders, drawn again on demand
    /// (`None`: every folder is in `extra_folders`).
    pub standard_folders: Option<super::mail_folders::StandardFolders>,
    /// Folders stored as records: the ones made beside the standard set (or all of them).
    pub extra_folders: Vec<MailFolder>,
    /// Inbox rules Graph can see (some may be read-only shells).
    pub rules: Vec<MessageRule>,
    /// Simulator-internal: MAPI-hidden rules Graph never lists (REFERENCE §5).
    pub hidden_rules: Vec<MessageRule>,
    /// `mailboxSettings` as served (automaticRepliesSetting, timeZone, ...). Shared: most
    /// mailboxes hold their office's standard settings; a write replaces this mailbox's own.
    pub settings: Arc<serde_json::Value>,
    /// Simulator-internal: ForwardingSmtpAddress, invisible to Graph (REFERENCE §5).
    pub forwarding_smtp_address: Option<String>,
}

impl Mailbox {
    /// Every folder: the standard ones first, then the stored ones.
    pub fn folders(&self) -> Vec<MailFolder> {
        let mut all = self
            .standard_folders
            .map(|s| s.folders())
            .unwrap_or_default();
        all.extend(self.extra_folders.iter().cloned());
        all
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub app_owner_organization_id: Option<String>,
    pub publisher_name: Option<String>,
    pub service_principal_type: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OAuth2PermissionGrant {
    pub id: String,
    /// The client's service principal object id.
    pub client_id: String,
    /// `Principal` or `AllPrincipals`.
    pub consent_type: String,
    pub principal_id: Option<String>,
    pub resource_id: String,
    /// Space-separated; may start with a space.
    pub scope: String,
}

/// An app the simulator's token endpoint knows (simulator-internal, never served by Graph).
#[derive(Debug, Clone, Default)]
pub struct AppRegistration {
    pub client_id: String,
    pub display_name: String,
    pub client_secret: Option<String>,
    /// DER of a certificate whose key may sign client assertions.
    pub certificate_der: Vec<Vec<u8>>,
    /// Application permissions (`roles` claim) for client-credentials tokens.
    pub application_permissions: Vec<String>,
    /// Delegated permissions (`scp` claim) for device-code and refresh tokens.
    pub delegated_permissions: Vec<String>,
    /// Public-client flows (device code) enabled.
    pub public_client: bool,
    /// Directory role template ids held by the app's service principal (sensitive targets).
    pub directory_role_templates: Vec<String>,
}
