//! Applications and the credentials on applications and service principals:
//! `/applications[/{id}]`, `PATCH /applications/{id}` and
//! `PATCH /servicePrincipals/{id}` (`keyCredentials`), and the `removePassword` / `removeKey`
//! actions on both. Reads never carry secret text; a certificate's public `key` is served only
//! when `keyCredentials` is selected explicitly. Writes are audited as Core Directory
//! "Update application – Certificates and secrets management" (applications) and
//! "Remove service principal credentials" (service principals).

use super::ctx::{action_params, body_object, no_content, project, read, write, Ctx};
use super::perms;
use crate::audit_log::{self, prop, Event, CORE_DIRECTORY};
use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::{Application, KeyCredential, PasswordCredential, TargetResource, Tenant};
use crate::odata::eval::matches;
use crate::odata::ops::*;
use crate::odata::{rule, Caps, FilterSpec, PropType};
use crate::state::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};

pub use super::app_proof::PROOF_AUDIENCE;

/// The activity Core Directory writes for any change to an application's secrets or
/// certificates (an en dash, as real tenants spell it).
pub const APP_CREDENTIALS_ACTIVITY: &str =
    "Update application \u{2013} Certificates and secrets management";
pub const SP_CREDENTIALS_ADDED: &str = "Add service principal credentials";
pub const SP_CREDENTIALS_REMOVED: &str = "Remove service principal credentials";

const APP_PROPS: &[&str] = &[
    "id",
    "appId",
    "displayName",
    "createdDateTime",
    "publisherDomain",
    "signInAudience",
    "passwordCredentials",
    "keyCredentials",
];

static APP_FILTER: FilterSpec = FilterSpec {
    entity: "microsoft.graph.application",
    directory: true,
    props: &[
        rule("id", PropType::Str, EQ | IN),
        rule("appId", PropType::Str, EQ | IN),
        rule("displayName", PropType::Str, EQ | STARTS),
    ],
};

static APP_CAPS: Caps = Caps {
    entity: "microsoft.graph.application",
    filter: Some(&APP_FILTER),
    select: APP_PROPS,
    page: Some((100, 999)),
    count: false,
    search: &[],
    orderby: &[],
    expand: &[],
    directory: true,
};

/// Credentials as Graph serves them: `secretText` always null, a certificate's `key` only
/// when asked for by name.
pub fn credentials_json(
    passwords: &[PasswordCredential],
    keys: &[KeyCredential],
    with_key: bool,
) -> (Value, Value) {
    let pw: Vec<Value> = passwords
        .iter()
        .map(|p| {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            v["secretText"] = Value::Null;
            v["customKeyIdentifier"] = Value::Null;
            v
        })
        .collect();
    let kc: Vec<Value> = keys
        .iter()
        .map(|k| {
            let mut v = serde_json::to_value(k).unwrap_or(Value::Null);
            v["key"] = if with_key { json!(k.key) } else { Value::Null };
            v
        })
        .collect();
    (Value::Array(pw), Value::Array(kc))
}

/// Whether `$select` names `keyCredentials` (Graph returns the public key only then).
pub fn selects_keys(select: Option<&[String]>) -> bool {
    select.is_some_and(|s| s.iter().any(|p| p == "keyCredentials"))
}

pub fn app_json(a: &Application, with_key: bool) -> Value {
    let (pw, kc) = credentials_json(&a.password_credentials, &a.key_credentials, with_key);
    json!({
        "id": a.id,
        "appId": a.app_id,
        "displayName": a.display_name,
        "createdDateTime": a.created_date_time,
        "publisherDomain": a.publisher_domain,
        "signInAudience": a.sign_in_audience,
        "passwordCredentials": pw,
        "keyCredentials": kc,
    })
}

/// Adds a service principal's credentials, and marks its publisher verified when it is.
pub fn sp_extras_json(
    mut v: Value,
    extras: Option<&crate::model::ServicePrincipalExtras>,
    select: Option<&[String]>,
) -> Value {
    let empty = crate::model::ServicePrincipalExtras::default();
    let x = extras.unwrap_or(&empty);
    let (pw, kc) = credentials_json(
        &x.password_credentials,
        &x.key_credentials,
        selects_keys(select),
    );
    v["passwordCredentials"] = pw;
    v["keyCredentials"] = kc;
    if let Some(mpn) = &x.verified_publisher_id {
        v["verifiedPublisher"]["verifiedPublisherId"] = json!(mpn);
    }
    v
}

pub(super) fn find_app<'t>(tenant: &'t Tenant, id: &str) -> Result<&'t Application, GraphError> {
    tenant
        .applications
        .iter()
        .find(|a| a.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| GraphError::not_found(id))
}

pub async fn list(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
) -> Result<Response, GraphError> {
    caller.require(perms::APPLICATIONS_READ)?;
    let q = ctx.query(&APP_CAPS)?;
    let tenant = read(&state);
    let keep = |a: &Application| q.filter.as_ref().is_none_or(|f| matches(f, a));
    let with_key = selects_keys(q.select.as_deref());
    Ok(ctx.page_of(
        &q,
        "applications",
        &tenant.applications,
        |a| a.id.as_str(),
        keep,
        |a| app_json(a, with_key),
    ))
}

pub async fn get(
    State(state): State<Shared>,
    caller: Caller,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require(perms::APPLICATIONS_READ)?;
    let q = ctx.query(&Caps {
        page: None,
        filter: None,
        ..APP_CAPS
    })?;
    let tenant = read(&state);
    let a = find_app(&tenant, &id)?;
    let with_key = selects_keys(q.select.as_deref());
    Ok(ctx.entity(
        "applications/$entity",
        project(app_json(a, with_key), q.select.as_deref(), &[]),
    ))
}

/// Where a credential change lands: an application or a service principal.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Application,
    ServicePrincipal,
}

/// The credential lists of one holder, for a write.
fn lists<'t>(
    tenant: &'t mut Tenant,
    holder: Holder,
    id: &str,
) -> Result<
    (
        String,
        &'t mut Vec<PasswordCredential>,
        &'t mut Vec<KeyCredential>,
    ),
    GraphError,
> {
    match holder {
        Holder::Application => {
            let a = tenant
                .applications
                .iter_mut()
                .find(|a| a.id.eq_ignore_ascii_case(id))
                .ok_or_else(|| GraphError::not_found(id))?;
            Ok((
                a.display_name.clone(),
                &mut a.password_credentials,
                &mut a.key_credentials,
            ))
        }
        Holder::ServicePrincipal => {
            let sp = tenant
                .service_principals
                .iter()
                .find(|s| s.id.eq_ignore_ascii_case(id))
                .ok_or_else(|| GraphError::not_found(id))?;
            let (sid, name) = (sp.id.clone(), sp.display_name.clone());
            let x = tenant.sp_extras.entry(sid).or_default();
            Ok((name, &mut x.password_credentials, &mut x.key_credentials))
        }
    }
}

/// `[KeyIdentifier=…, KeyType=…, KeyUsage=…, DisplayName=…]`, the form Core Directory
/// writes into `KeyDescription`.
pub fn key_description(key_id: &str, kind: &str, usage: &str, name: Option<&str>) -> String {
    format!(
        "[KeyIdentifier={key_id}, KeyType={kind}, KeyUsage={usage}, DisplayName={}]",
        name.unwrap_or("")
    )
}

fn audit(
    tenant: &mut Tenant,
    caller: &Caller,
    holder: Holder,
    id: &str,
    name: String,
    old: Vec<String>,
    new: Vec<String>,
) {
    let (kind, activity, category) = match holder {
        Holder::Application => (
            "Application",
            APP_CREDENTIALS_ACTIVITY,
            "ApplicationManagement",
        ),
        Holder::ServicePrincipal => (
            "ServicePrincipal",
            SP_CREDENTIALS_REMOVED,
            "ApplicationManagement",
        ),
    };
    let target = TargetResource {
        id: Some(id.to_string()),
        display_name: Some(name),
        kind: Some(kind.into()),
        user_principal_name: None,
        modified_properties: vec![
            prop(
                "KeyDescription",
                Some(json!(old).to_string()),
                Some(json!(new).to_string()),
            ),
            audit_log::included(&["KeyDescription"]),
        ],
    };
    let event = Event::new(CORE_DIRECTORY, category, activity, "Update").target(target);
    audit_log::record(tenant, caller, vec![event]);
}

fn descriptions(pw: &[PasswordCredential], kc: &[KeyCredential]) -> Vec<String> {
    pw.iter()
        .map(|p| key_description(&p.key_id, "Password", "Verify", p.display_name.as_deref()))
        .chain(
            kc.iter()
                .map(|k| key_description(&k.key_id, &k.kind, &k.usage, k.display_name.as_deref())),
        )
        .collect()
}

fn key_id_param(params: &serde_json::Map<String, Value>) -> Result<String, GraphError> {
    let k = params
        .get("keyId")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphError::bad_request("keyId is required."))?;
    uuid::Uuid::parse_str(k)
        .map(|u| u.to_string())
        .map_err(|_| GraphError::bad_request(format!("Invalid keyId '{k}'.")))
}

async fn remove_password(
    state: Shared,
    caller: Caller,
    holder: Holder,
    id: String,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require(perms::APPLICATIONS_WRITE)?;
    let params = action_params(&body, "removePassword", &["keyId"])?;
    let key_id = key_id_param(&params)?;
    let mut tenant = write(&state);
    let (name, pw, kc) = lists(&mut tenant, holder, &id)?;
    let old = descriptions(pw, kc);
    let pos = pw
        .iter()
        .position(|p| p.key_id.eq_ignore_ascii_case(&key_id))
        .ok_or_else(|| GraphError::not_found(&key_id))?;
    pw.remove(pos);
    let new = descriptions(pw, kc);
    audit(&mut tenant, &caller, holder, &id, name, old, new);
    Ok(no_content())
}

async fn remove_key(
    state: Shared,
    caller: Caller,
    holder: Holder,
    id: String,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require(perms::APPLICATIONS_WRITE)?;
    let params = action_params(&body, "removeKey", &["keyId", "proof"])?;
    let key_id = key_id_param(&params)?;
    let proof = params
        .get("proof")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphError::bad_request("proof is required."))?
        .to_string();
    let mut tenant = write(&state);
    let (name, pw, kc) = lists(&mut tenant, holder, &id)?;
    super::app_proof::check(&proof, &id, kc)?;
    let old = descriptions(pw, kc);
    let pos = kc
        .iter()
        .position(|k| k.key_id.eq_ignore_ascii_case(&key_id))
        .ok_or_else(|| GraphError::not_found(&key_id))?;
    kc.remove(pos);
    let new = descriptions(pw, kc);
    audit(&mut tenant, &caller, holder, &id, name, old, new);
    Ok(no_content())
}

/// `PATCH` with `keyCredentials`: the whole collection is replaced. An entry that names an
/// existing keyId keeps that certificate; a new one must carry its public `key`.
async fn patch_keys(
    state: Shared,
    caller: Caller,
    holder: Holder,
    id: String,
    body: Bytes,
) -> Result<Response, GraphError> {
    caller.require(perms::APPLICATIONS_WRITE)?;
    let body = body_object(&body)?;
    if let Some(k) = body.keys().find(|k| k.as_str() != "keyCredentials") {
        return Err(GraphError::bad_request(format!(
            "Property '{k}' cannot be updated here."
        )));
    }
    let wanted = body
        .get("keyCredentials")
        .and_then(Value::as_array)
        .ok_or_else(|| GraphError::bad_request("keyCredentials must be a collection."))?
        .clone();
    let mut tenant = write(&state);
    let (name, pw, kc) = lists(&mut tenant, holder, &id)?;
    let old = descriptions(pw, kc);
    let mut next = Vec::new();
    for w in &wanted {
        let kid = w.get("keyId").and_then(Value::as_str).unwrap_or_default();
        let key = w.get("key").and_then(Value::as_str);
        match kc.iter().find(|k| k.key_id.eq_ignore_ascii_case(kid)) {
            Some(k) if key.is_none_or(|v| v == k.key) => next.push(k.clone()),
            _ => {
                return Err(GraphError::bad_request(format!(
                    "keyCredential '{kid}' is new or changed: it needs its certificate."
                )))
            }
        }
    }
    *kc = next;
    let new = descriptions(pw, kc);
    audit(&mut tenant, &caller, holder, &id, name, old, new);
    Ok(no_content())
}

pub async fn app_remove_password(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    remove_password(state, caller, Holder::Application, id, body).await
}

pub async fn app_remove_key(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    remove_key(state, caller, Holder::Application, id, body).await
}

pub async fn app_patch(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    patch_keys(state, caller, Holder::Application, id, body).await
}

pub async fn sp_remove_password(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    remove_password(state, caller, Holder::ServicePrincipal, id, body).await
}

pub async fn sp_remove_key(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    remove_key(state, caller, Holder::ServicePrincipal, id, body).await
}

pub async fn sp_patch(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, GraphError> {
    patch_keys(state, caller, Holder::ServicePrincipal, id, body).await
}

impl crate::odata::Entity for Application {
    fn field(&self, name: &str) -> crate::odata::Value<'_> {
        use crate::odata::Value as V;
        match name {
            "id" => V::Str(&self.id),
            "appId" => V::Str(&self.app_id),
            "displayName" => V::Str(&self.display_name),
            _ => V::Null,
        }
    }
}
