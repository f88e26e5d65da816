//! Typed requests for the footholds an attacker leaves outside the user object: devices
//! registered to the account.

use super::{directory_get, directory_write, seg, user_path};
use crate::http::GraphRequest;
use crate::models::Device;
use reqwest::Method;
use serde_json::json;

/// `GET /users/{id}/registeredDevices` (devices the account is a registered user of).
pub fn user_registered_devices(user: &str) -> GraphRequest {
    directory_get(
        format!(
            "{}/registeredDevices?$select={}",
            user_path(user),
            Device::SELECT
        ),
        "read-devices",
    )
}

/// `GET /users/{id}/ownedDevices` (devices the account is the registered owner of).
pub fn user_owned_devices(user: &str) -> GraphRequest {
    directory_get(
        format!(
            "{}/ownedDevices?$select={}",
            user_path(user),
            Device::SELECT
        ),
        "read-devices",
    )
}

/// `PATCH /devices/{id}` `{"accountEnabled": enabled}` → 204: a disabled device can no longer
/// sign in or satisfy device-based Conditional Access.
pub fn set_device_enabled(device_id: &str, enabled: bool) -> GraphRequest {
    directory_write(
        Method::PATCH,
        format!("/devices/{}", seg(device_id)),
        "disable-attacker-devices",
    )
    .with_body(json!({ "accountEnabled": enabled }))
}
