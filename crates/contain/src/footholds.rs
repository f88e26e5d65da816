//! Footholds outside the user object: devices the attacker registered to the account.
//! Their state (read from the user's `registeredDevices`), how a device op is checked and
//! projected, and how `disable-attacker-devices` becomes ops.

use super::action::ActionKind;
use super::expand::Ctx;
use super::op::Op;
use super::state::AccountState;
use super::verify::Check;
use reclaim_core::sanitize::inert;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// One device the account is a registered user of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceState {
    /// The directory object id (`/devices/{id}`).
    pub id: String,
    /// Tenant text: sanitize before display.
    pub display_name: String,
    pub account_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_type: Option<String>,
    pub is_managed: bool,
    pub is_compliant: bool,
}

impl DeviceState {
    pub fn from_graph(v: &Value) -> DeviceState {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let flag = |k: &str| v.get(k).and_then(Value::as_bool) == Some(true);
        DeviceState {
            id: text("id").unwrap_or_default(),
            display_name: text("displayName").unwrap_or_default(),
            account_enabled: v.get("accountEnabled").and_then(Value::as_bool),
            trust_type: text("trustType"),
            is_managed: flag("isManaged"),
            is_compliant: flag("isCompliant"),
        }
    }
    /// Enrolled by the organization: never an attacker's, never touched.
    pub fn is_corporate(&self) -> bool {
        self.is_managed || self.is_compliant
    }
}

impl AccountState {
    pub fn device(&self, id: &str) -> Option<&DeviceState> {
        self.devices.as_ref()?.iter().find(|d| d.id == id)
    }
}

/// The read-back of a device op.
pub(crate) fn check_device(now: &AccountState, device_id: &str, enabled: bool) -> Check {
    match (&now.devices, now.device(device_id)) {
        (None, _) => Check {
            ok: false,
            detail: "the devices were not read back".into(),
        },
        (_, None) => Check {
            ok: false,
            detail: format!("device {device_id} is no longer registered to the account"),
        },
        (_, Some(d)) if d.account_enabled == Some(enabled) => Check {
            ok: true,
            detail: format!("device {device_id} accountEnabled {enabled}"),
        },
        (_, Some(d)) => Check {
            ok: false,
            detail: format!(
                "device {device_id} accountEnabled reads {:?}",
                d.account_enabled
            ),
        },
    }
}

pub(crate) fn project_device(state: &mut AccountState, device_id: &str, enabled: bool) {
    if let Some(ds) = state.devices.as_mut() {
        for d in ds.iter_mut().filter(|d| d.id == device_id) {
            d.account_enabled = Some(enabled);
        }
    }
}

pub(crate) fn expected_device(device_id: &str, enabled: bool) -> Value {
    json!({ "device": device_id, "accountEnabled": enabled })
}

/// `disable-attacker-devices`: one PATCH per device the evidence ties to the attacker that is
/// still enabled; a managed or compliant device is refused even if the evidence names it.
pub(crate) fn disable_devices(cx: &mut Ctx<'_>) {
    let a = ActionKind::DisableAttackerDevices;
    if cx.ev.attacker_devices.is_empty() {
        cx.skip(a, "the evidence ties no device to the attacker");
        return;
    }
    let Some(list) = cx.work.devices.clone() else {
        cx.skip(a, "the account's devices could not be read");
        return;
    };
    for tied in cx.ev.attacker_devices.clone() {
        let Some(d) = list.iter().find(|d| d.id == tied.id) else {
            cx.skip(
                a,
                format!("device {} is no longer registered to the account", tied.id),
            );
            continue;
        };
        let name = inert(&d.display_name).into_owned();
        if d.is_corporate() {
            cx.skip(a, format!("device \"{name}\" is managed or compliant: the organization enrolled it, so it is left alone; check it in Intune"));
            continue;
        }
        if d.account_enabled == Some(false) {
            cx.skip(a, format!("device \"{name}\" is already disabled"));
            continue;
        }
        let mut why: Vec<String> = tied.reasons.iter().map(|r| inert(r).into_owned()).collect();
        why.extend(cx.verdict_why());
        cx.push(
            a,
            Op::SetDeviceEnabled {
                device_id: d.id.clone(),
                enabled: false,
            },
            format!(
                "Disable device \"{name}\" ({}, unmanaged) registered by the attacker",
                inert(d.trust_type.as_deref().unwrap_or("unknown trust"))
            ),
            serde_json::to_value(d).unwrap_or(Value::Null),
            why,
        );
    }
}
