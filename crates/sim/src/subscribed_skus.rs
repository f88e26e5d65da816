//! `GET /subscribedSkus`: the tenant's subscriptions and their service plans, matching the
//! licence tier (`AAD_PREMIUM` is Entra ID P1, `AAD_PREMIUM_P2` is P2; product and plan ids
//! from Microsoft's "Product names and service plan identifiers for licensing").

use crate::caller::Caller;
use crate::error::GraphError;
use crate::licence::Licence;
use crate::state::{read_lock, ApiVersion, Shared};
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{json, Value};

/// Organization.Read.All is the least (catalog: also Directory.Read.All and the write ones).
const ACCEPTED: &[&str] = &[
    "Organization.Read.All",
    "Directory.Read.All",
    "Organization.ReadWrite.All",
    "Directory.ReadWrite.All",
];

/// `(servicePlanName, servicePlanId)`. The SKU and plan ids below are the ones Microsoft's
/// "Product names and service plan identifiers for licensing" table lists; each was checked
/// against several public `subscribedSkus` answers and licensing scripts (2026-12-07).
/// reclaim itself decides a tier by plan name (`crates/graph/src/licence.rs`), never by id.
type Plan = (&'static str, &'static str);

const EXCHANGE_STANDARD: Plan = (
    "EXCHANGE_S_STANDARD",
    "9aaf7827-d63c-4b61-89c3-182f06f82e5c",
);
const EXCHANGE_ENTERPRISE: Plan = (
    "EXCHANGE_S_ENTERPRISE",
    "efb87545-963c-4e0d-99df-69c6916d9eb0",
);
const SHAREPOINT_STANDARD: Plan = ("SHAREPOINTSTANDARD", "c7699d2e-19aa-44de-8edf-1736da088ca1");
const TEAMS: Plan = ("TEAMS1", "57ff2da0-773e-42df-b2af-ffb7a2317929");
const AAD_PREMIUM: Plan = ("AAD_PREMIUM", "41781fb2-bc02-4b7c-bd55-b576c07bb09d");
const AAD_PREMIUM_P2: Plan = ("AAD_PREMIUM_P2", "eec0eb4f-6444-4f95-aba0-50c24d67f998");

/// `(skuPartNumber, skuId, plans)` of the tier's one subscription.
fn sku_of(tier: Licence) -> (&'static str, &'static str, Vec<Plan>) {
    match tier {
        // Microsoft 365 Business Basic: Exchange, SharePoint, Teams; Entra ID Free.
        Licence::Free => (
            "O365_BUSINESS_ESSENTIALS",
            "3b555118-da6a-4418-894f-7df1e2096870",
            vec![EXCHANGE_STANDARD, SHAREPOINT_STANDARD, TEAMS],
        ),
        // Microsoft 365 Business Premium: Entra ID P1.
        Licence::P1 => (
            "SPB",
            "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46",
            vec![EXCHANGE_STANDARD, SHAREPOINT_STANDARD, TEAMS, AAD_PREMIUM],
        ),
        // Microsoft 365 E5: Entra ID P1 and P2.
        Licence::P2 => (
            "SPE_E5",
            "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
            vec![EXCHANGE_ENTERPRISE, TEAMS, AAD_PREMIUM, AAD_PREMIUM_P2],
        ),
    }
}

fn sku_json(state: &Shared, tier: Licence) -> Value {
    let (part, sku_id, plans) = sku_of(tier);
    let users = state.tenant_size.load(std::sync::atomic::Ordering::Relaxed) as i64;
    let plans: Vec<Value> = plans
        .iter()
        .map(|(name, id)| {
            json!({
                "servicePlanId": id,
                "servicePlanName": name,
                "provisioningStatus": "Success",
                "appliesTo": "User",
            })
        })
        .collect();
    json!({
        "id": format!("{}_{sku_id}", state.tenant_id),
        "accountId": state.tenant_id,
        "accountName": read_lock(&state.tenant).display_name,
        "appliesTo": "User",
        "capabilityStatus": "Enabled",
        "consumedUnits": users,
        "prepaidUnits": {"enabled": users + 25, "lockedOut": 0, "suspended": 0, "warning": 0},
        "servicePlans": plans,
        "skuId": sku_id,
        "skuPartNumber": part,
        "subscriptionIds": [crate::ids::det_guid(state.config.seed, part)],
    })
}

pub async fn list(
    State(state): State<Shared>,
    Extension(version): Extension<ApiVersion>,
    caller: Caller,
) -> Result<Json<Value>, GraphError> {
    caller.require(ACCEPTED)?;
    let tier = read_lock(&state.licence).tier;
    Ok(Json(json!({
        "@odata.context": format!("{}/{}/$metadata#subscribedSkus", state.base_url, version.segment()),
        "value": [sku_json(&state, tier)],
    })))
}
