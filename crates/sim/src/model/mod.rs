//! The simulated tenant's state.
//!
//! Structs that Graph serves as-is carry Graph's JSON names (camelCase through serde), so an
//! endpoint can serialize them directly; fields the real service never exposes are
//! `#[serde(skip)]` and documented as simulator-internal. The schema test
//! (tests/sim/schema/) proves every served property exists in the real schema.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

pub use super::short_text::ShortText;

mod apps;
mod devices;
mod directory_audits;
mod groups;
mod mail;
mod methods;
mod sign_ins;
pub use apps::*;
pub use devices::*;
pub use directory_audits::*;
pub use groups::*;
pub use mail::*;
pub use methods::*;
pub use sign_ins::*;

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
    /// Registered and joined devices.
    pub devices: Vec<Device>,
    /// Security and Microsoft 365 groups with their direct members.
    pub groups: Vec<Group>,
    /// App registrations (`/applications`).
    pub applications: Vec<Application>,
    /// A service principal's own credentials and publisher verification, keyed by its id.
    pub sp_extras: HashMap<String, ServicePrincipalExtras>,
    /// App role assignments, to users and to service principals.
    pub app_role_assignments: Vec<AppRoleAssignment>,
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
