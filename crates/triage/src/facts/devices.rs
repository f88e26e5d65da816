//! Devices registered to or owned by the account.

use super::Time;
use serde::{Deserialize, Serialize};

/// One device the account is a registered user or owner of.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// The directory object id (`/devices/{id}`).
    pub id: String,
    pub device_id: Option<String>,
    /// Tenant text (whoever registered it typed it).
    pub name: String,
    pub operating_system: Option<String>,
    /// `Workplace` (registered), `AzureAd` (joined), `ServerAd` (hybrid joined).
    pub trust_type: Option<String>,
    pub managed: bool,
    pub compliant: bool,
    pub enabled: Option<bool>,
    pub registered: Option<Time>,
}

impl Device {
    /// Managed or compliant: enrolled by the organization, not something an attacker with a
    /// password and an MFA prompt can produce.
    pub fn is_corporate(&self) -> bool {
        self.managed || self.compliant
    }
}
