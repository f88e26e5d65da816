//! `GET /organization` and `/organization/{id}`: the tenant's organization object.

use crate::caller::Caller;
use crate::error::GraphError;
use crate::state::{read_lock, ApiVersion, Shared};
use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde_json::{json, Value};

/// Organization.Read.All is the least application permission; signed-in users read it with
/// User.Read.
const ACCEPTED: &[&str] = &[
    "Organization.Read.All",
    "Directory.Read.All",
    "Organization.ReadWrite.All",
    "Directory.ReadWrite.All",
    "User.Read",
];

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
        }],
    })
}

pub async fn list(
    State(state): State<Shared>,
    Extension(version): Extension<ApiVersion>,
    caller: Caller,
) -> Result<Json<Value>, GraphError> {
    caller.require(ACCEPTED)?;
    Ok(Json(json!({
        "@odata.context": format!("{}/{}/$metadata#organization", state.base_url, version.segment()),
        "value": [organization(&state)],
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
