//! Devices registered to or owned by an account.

use super::GraphClient;
use crate::models::Device;
use crate::paging::Pager;
use crate::requests;

impl GraphClient {
    /// `GET /users/{id}/registeredDevices`.
    pub fn user_registered_devices(&self, user_id: &str) -> Pager<Device> {
        self.pager(requests::user_registered_devices(user_id))
    }

    /// `GET /users/{id}/ownedDevices`.
    pub fn user_owned_devices(&self, user_id: &str) -> Pager<Device> {
        self.pager(requests::user_owned_devices(user_id))
    }
}
