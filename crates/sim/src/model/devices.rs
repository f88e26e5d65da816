//! Devices registered or joined to the directory, and who they belong to.

use super::Time;
use serde::{Deserialize, Serialize};

/// One directory device (`microsoft.graph.device`), served as Graph serves it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// The directory object id (`/devices/{id}`).
    pub id: String,
    /// The device's own id (what sign-ins carry as `deviceDetail.deviceId`).
    pub device_id: String,
    /// Typed by whoever registered it (attacker-controlled for an attacker's device).
    pub display_name: String,
    pub operating_system: String,
    pub operating_system_version: String,
    pub account_enabled: bool,
    /// `Workplace` (registered), `AzureAd` (joined), `ServerAd` (hybrid joined).
    pub trust_type: String,
    pub is_managed: bool,
    pub is_compliant: bool,
    pub registration_date_time: Time,
    pub approximate_last_sign_in_date_time: Option<Time>,
    /// Simulator-internal: served through `/devices/{id}/registeredOwners` and the users'
    /// `/ownedDevices`.
    #[serde(skip)]
    pub owners: Vec<String>,
    /// Simulator-internal: served through the users' `/registeredDevices`.
    #[serde(skip)]
    pub users: Vec<String>,
}
