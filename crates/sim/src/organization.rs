//! `GET /organization` and `/organization/{id}`: the tenant's organization object.

use crate::caller::Caller;
use crate::error::GraphError;
use crate::state::{read_lock, ApiVersion, Shared};
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Organization.Read.All is the least application permission; signed-in users read it with
/// User.Read.
const ACCEPTED: &[&str] = &[
    "Organization.Read.All",
    "Directory.Read.All",
    "Organization.ReadWrite.All",
    "Directory.ReadWrite.All",
    "User.Read",
];

/// The tenant's second verified domain: `<name>.onmicrosoft.com` becomes `<name>.example`.
pub fn alias_domain(domain: &str) -> String {
    let label = domain.split('.').next().unwrap_or(domain);
    format!("{label}.example")
}

fn organization(state: &Shared) -> Value {
    let tenant = read_lock(&state.tenant);
    let created = tenant
        .generated_at
        .map(|t| t - chrono::Duration::days(6 * 365))
        .unwrap_or_else(chrono::Utc::now);
    json!({
        "id": tenant.id,
        "deletedDateTime": null,
        "assignedPlans": [],
        "businessPhones": ["+1 4255550100"],
        "city": "Redmond",
        "country": null,
        "countryLetterCode": "US",
        "createdDateTime": created.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "defaultUsageLocation": null,
        "displayName": tenant.display_name,
        "marketingNotificationEmails": [],
        "onPremisesLastSyncDateTime": null,
        "onPremisesSyncEnabled": null,
        "partnerTenantType": null,
        "postalCode": "98052",
        "preferredLanguage": "en",
        "privacyProfile": null,
        "provisionedPlans": [],
        "securityComplianceNotificationMails": [],
        "securityComplianceNotificationPhones": [],
        "state": "WA",
        "street": "1 Contoso Way",
        "technicalNotificationMails": [format!("admin@{}", tenant.domain)],
        "tenantType": "AAD",
        "verifiedDomains": [{
            "capabilities": "Email, OfficeCommunicationsOnline",
            "isDefault": true,
            "isInitial": true,
            "name": tenant.domain,
            "type": "Managed",
        }, {
            // A second domain no account signs in with, as real tenants have (a brand or a
            // merger's domain): mail forwarded there stays inside the organization.
            "capabilities": "Email",
            "isDefault": false,
            "isInitial": false,
            "name": alias_domain(&tenant.domain),
            "type": "Managed",
        }],
    })
}

/// `$select`: only the named properties (an unknown name is a 400, as Graph answers).
fn select(org: Value, query: &HashMap<String, String>) -> Result<Value, GraphError> {
    let Some(list) = query.get("$select") else {
        return Ok(org);
    };
    let Value::Object(all) = org else {
        return Ok(org);
    };
    let mut out = serde_json::Map::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match all.get(name) {
            Some(v) => {
                out.insert(name.to_string(), v.clone());
            }
            None => {
                return Err(GraphError::bad_request(format!(
                "Could not find a property named '{name}' on type 'microsoft.graph.organization'."
            )))
            }
        }
    }
    Ok(Value::Object(out))
}

pub async fn list(
    State(state): State<Shared>,
    Extension(version): Extension<ApiVersion>,
    Query(query): Query<HashMap<String, String>>,
    caller: Caller,
) -> Result<Json<Value>, GraphError> {
    caller.require(ACCEPTED)?;
    Ok(Json(json!({
        "@odata.context": format!("{}/{}/$metadata#organization", state.base_url, version.segment()),
        "value": [select(organization(&state), &query)?],
    })))
}

pub async fn get(
    State(state): State<Shared>,
    Extension(version): Extension<ApiVersion>,
    Path(id): Path<String>,
    caller: Caller,
) -> Result<Json<Value>, GraphError> {
    caller.require(ACCEPTED)?;
    if !id.eq_ignore_ascii_case(&state.tenant_id) {
        return Err(GraphError::not_found(&id));
    }
    let mut org = organization(&state);
    org["@odata.context"] = json!(format!(
        "{}/{}/$metadata#organization/$entity",
        state.base_url,
        version.segment()
    ));
    Ok(Json(org))
}
