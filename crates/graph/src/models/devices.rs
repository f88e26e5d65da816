//! Directory devices, as a user's `registeredDevices` / `ownedDevices` list them.

use super::{graph_model, Timestamp};

graph_model! {
    /// `microsoft.graph.device`: what tells an owner's managed machine from a device an
    /// attacker registered (trust type, management, compliance, registration time).
    pub struct Device = "device" {
        pub id: String = "id",
        pub device_id: Option<String> = "deviceId",
        pub display_name: Option<String> = "displayName",
        pub operating_system: Option<String> = "operatingSystem",
        pub operating_system_version: Option<String> = "operatingSystemVersion",
        pub account_enabled: Option<bool> = "accountEnabled",
        pub trust_type: Option<String> = "trustType",
        pub is_managed: Option<bool> = "isManaged",
        pub is_compliant: Option<bool> = "isCompliant",
        pub registration_date_time: Option<Timestamp> = "registrationDateTime",
        pub approximate_last_sign_in_date_time: Option<Timestamp> = "approximateLastSignInDateTime",
    }
}

impl Device {
    /// The fields reclaim reads (`$select`).
    pub const SELECT: &'static str = "id,deviceId,displayName,operatingSystem,\
operatingSystemVersion,accountEnabled,trustType,isManaged,isCompliant,registrationDateTime,\
approximateLastSignInDateTime";
}
