//! Devices: `/users/{id}/registeredDevices` and `/ownedDevices` (directory objects, typed
//! `#microsoft.graph.device`), `/devices[/{id}]` and `PATCH /devices/{id}` (accountEnabled,
//! displayName, operatingSystem, operatingSystemVersion), audited as Core Directory
//! `Update device`.

use super::ctx::{body_object, no_content, project, read, write, Ctx};
use super::perms;
use super::users::find_user;
use crate::audit_log::{self, prop, Event, CORE_DIRECTORY};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{Device, TargetResource};
use crate::odata::eval::matches;
use crate::odata::ops::*;
use crate::odata::paging::{collect_page, Candidates};
use crate::odata::{rule, Caps, FilterSpec, PropType};
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};

const DEVICE_PROPS: &[&str] = &[
    "id",
    "deviceId",
    "displayName",
    "operatingSystem",
    "operatingSystemVersion",
    "accountEnabled",
    "trustType",
    "isManaged",
    "isCompliant",
    "registrationDateTime",
    "approximateLastSignInDateTime",
];

static DEVICE_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.device",
    directory: true,
    props: &[
        rule("id", PropType::Str, EQ | IN),
        rule("deviceId", PropType::Str, EQ | IN),
        rule("displayName", PropType::Str, EQ | STARTS),
        rule("accountEnabled", PropType::Bool, EQ),
        rule("trustType", PropType::Str, EQ),
    ],
};

static DEVICE_CAPS: Caps = Caps {
    entity: "microsoft.graph.device",
    filter: Some(&DEVICE_FILTER),
    select: DEVICE_PROPS,
    page: Some((100, 999)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: true,
};

/// A user's device navigation: paged like `memberOf`, no `$filter`.
static USER_DEVICES_CAPS: Caps = Caps {
    entity: "microsoft.graph.directoryObject",
    filter: None,
    select: DEVICE_PROPS,
    page: Some((100, 999)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: true,
};

/// Properties `PATCH /devices/{id}` accepts here; the rest are read-only or not modelled.
const WRITABLE: &[&str] = &[
    "accountEnabled",
    "displayName",
    "operatingSystem",
    "operatingSystemVersion",
];

pub fn device_json(d: &Device) -> Value {
    let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("@odata.type".into(), json!("#microsoft.graph.device"));
    }
    v
}

/// `@odata.type` stays on a polymorphic collection whatever `$select` says.
fn typed(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert("@odata.type".into(), json!("#microsoft.graph.device"));
    }
    v
}

async fn user_devices(
    state: Shared,
    caller: Caller,
    ctx: Ctx,
    id: String,
    owned: bool,
) -> Result<Response, GraphError> {
    caller.require_on(&id, perms::USERS_READ)?;
    let q = ctx.query(&USER_DEVICES_CAPS)?;
    let tenant = read(&state);
    let user = find_user(&state, &tenant, &id)?;
    let uid: &str = &user.id;
    let list: Vec<&Device> = tenant
        .devices
        .iter()
        .filter(|d| {
            let set = if owned { &d.owners } else { &d.users };
            set.iter().any(|u| u == uid)
        })
        .collect();
    let page = collect_page(
        &list,
        Candidates::All,
        q.token.as_ref(),
        |d| d.id.as_str(),
        |_| true,
        q.top,
    );
    let items = page
        .items
        .iter()
        .map(|d| typed(project(device_json(d), q.select.as_deref(), &[])))
        .collect();
    Ok(ctx.collection(
        "directoryObjects",
        items,
        None,
        page.next.as_ref().map(|t| (t, q.fingerprint)),
    ))
}

pub async fn registered_devices(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    user_devices(state, caller, ctx, id, false).await
}

pub async fn owned_devices(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    user_devices(state, caller, ctx, id, true).await
}

pub async fn list(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::DEVICES_READ)?;
    let q = ctx.query(&DEVICE_CAPS)?;
    let tenant = read(&state);
    let keep = |d: &Device| q.filter.as_ref().is_none_or(|f| matches(f, d));
    Ok(ctx.page_of(
        &q,
        "devices",
        &tenant.devices,
        |d| d.id.as_str(),
        keep,
        device_json,
    ))
}

pub async fn get(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::DEVICES_READ)?;
    let q = ctx.query(&Caps {
        page: None,
        filter: None,
        ..DEVICE_CAPS
    })?;
    let tenant = read(&state);
    let d = tenant
        .devices
        .iter()
        .find(|d| d.id.eq_ignore_ascii_case(&id))
        .ok_or_else(|| GraphError::not_found(&id))?;
    Ok(ctx.entity(
        "devices/$entity",
        project(device_json(d), q.select.as_deref(), &[]),
    ))
}

fn text_value(v: &Value, key: &str) -> Result<String, GraphError> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| GraphError::bad_request(format!("Invalid value for property '{key}'.")))
}

pub async fn update(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    // The permissions reference: Device.ReadWrite.All and Directory.ReadWrite.All are
    // application-only for PATCH /devices/{id}; a signed-in admin needs
    // Directory.AccessAsUser.All.
    if caller.is_delegated() {
        caller.require(perms::DEVICES_WRITE_DELEGATED)?;
    } else {
        caller.require(perms::DEVICES_WRITE)?;
    }
    let body = body_object(&body)?;
    if let Some(k) = body.keys().find(|k| !WRITABLE.contains(&k.as_str())) {
        return Err(GraphError::bad_request(format!(
            "Property '{k}' is read-only and cannot be set."
        )));
    }
    let mut tenant = write(&state);
    let pos = tenant
        .devices
        .iter()
        .position(|d| d.id.eq_ignore_ascii_case(&id))
        .ok_or_else(|| GraphError::not_found(&id))?;
    let before = tenant.devices[pos].clone();
    let d = &mut tenant.devices[pos];
    let mut props = Vec::new();
    for (k, v) in &body {
        match k.as_str() {
            "accountEnabled" => {
                let on = v.as_bool().ok_or_else(|| {
                    GraphError::bad_request("Invalid value for property 'accountEnabled'.")
                })?;
                d.account_enabled = on;
                props.push(prop(
                    "AccountEnabled",
                    Some(json!([before.account_enabled]).to_string()),
                    Some(json!([on]).to_string()),
                ));
            }
            "displayName" => d.display_name = text_value(v, k)?,
            "operatingSystem" => d.operating_system = text_value(v, k)?,
            "operatingSystemVersion" => d.operating_system_version = text_value(v, k)?,
            _ => {}
        }
    }
    let target = TargetResource {
        id: Some(before.id.clone()),
        display_name: Some(before.display_name.clone()),
        kind: Some("Device".into()),
        user_principal_name: None,
        modified_properties: props,
    };
    let event = Event::new(CORE_DIRECTORY, "Device", "Update device", "Update").target(target);
    audit_log::record(&mut tenant, &caller, vec![event]);
    Ok(no_content())
}

impl crate::odata::Entity for Device {
    fn field(&self, name: &str) -> crate::odata::Value<'_> {
        use crate::odata::Value as V;
        match name {
            "id" => V::Str(&self.id),
            "deviceId" => V::Str(&self.device_id),
            "displayName" => V::Str(&self.display_name),
            "accountEnabled" => V::Bool(self.account_enabled),
            "trustType" => V::Str(&self.trust_type),
            _ => V::Null,
        }
    }
}
