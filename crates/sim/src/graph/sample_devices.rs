//! The sample tenant's devices: the CFO's managed laptop, and a phone the attacker
//! registered to the CFO's account (unmanaged, non-compliant).

use crate::model::{Device, Time};
use chrono::Duration;

pub const CFO_LAPTOP: &str = "00000000-0000-4000-8000-0000000d0001";
pub const ATTACKER_PHONE: &str = "00000000-0000-4000-8000-0000000d00ee";
pub const SALES_LAPTOP: &str = "00000000-0000-4000-8000-0000000d0002";

#[allow(clippy::too_many_arguments)] // one row of the table below
fn device(
    id: &str,
    name: &str,
    os: (&str, &str),
    trust: &str,
    managed: bool,
    registered: Time,
    owner: &str,
) -> Device {
    Device {
        id: id.into(),
        device_id: format!("{}-dev", &id[..30]),
        display_name: name.into(),
        operating_system: os.0.into(),
        operating_system_version: os.1.into(),
        account_enabled: true,
        trust_type: trust.into(),
        is_managed: managed,
        is_compliant: managed,
        registration_date_time: registered,
        approximate_last_sign_in_date_time: Some(registered + Duration::hours(2)),
        owners: vec![owner.into()],
        users: vec![owner.into()],
    }
}

pub fn devices(now: Time) -> Vec<Device> {
    use super::sample::{CFO, SALES};
    vec![
        device(
            CFO_LAPTOP,
            "CFO-LAPTOP-01",
            ("Windows", "10.0.22631.3007"),
            "AzureAd",
            true,
            now - Duration::days(400),
            CFO,
        ),
        device(
            ATTACKER_PHONE,
            "iPhone",
            ("iOS", "17.1"),
            "Workplace",
            false,
            now - Duration::hours(20),
            CFO,
        ),
        device(
            SALES_LAPTOP,
            "SALES-LT-7",
            ("Windows", "10.0.19045.3803"),
            "AzureAd",
            true,
            now - Duration::days(90),
            SALES,
        ),
    ]
}
