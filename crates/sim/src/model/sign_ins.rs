//! The sign-in log's records.

use super::{RiskLevel, RiskState, ShortText, Time};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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
