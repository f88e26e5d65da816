//! Sign-ins from a tenant's named location outside its offices, as the schema has them.

use super::{Api, Report, Schema, MG, SCHEMA};
use reclaim_sim::{self as sim, Profile, SimConfig};
use serde_json::{json, Value};

/// A sign-in from the ISP the reporting names without an ASN carries the tenant's named
/// location for it in `networkLocationDetails` on beta, schema-valid, and nothing of it on v1.0.
#[tokio::test]
async fn sign_ins_from_a_named_location_name_it_on_beta_only() {
    let doc: Value = serde_json::from_str(SCHEMA).expect("schema extract");
    let scenario = sim::scenario::generate("campaign-2024", 2000, 2024, chrono::Utc::now())
        .expect("generates");
    let ip = scenario
        .tenant
        .sign_ins
        .iter()
        .find(|s| s.origin.autonomous_system_number == Some(sim::scenario::SELENA.asn))
        .map(|s| s.origin.ip_address.to_string())
        .expect("a sign-in from Selena Telecom");
    let api = Api::start_with(SimConfig::with_profile(Profile::Fast), scenario).await;
    let filter = format!("$filter=ipAddress eq '{ip}'");
    let mut r = Report::new(false);
    for version in ["beta", "v1.0"] {
        let got = api
            .get(&format!("/{version}/auditLogs/signIns?{filter}"))
            .await;
        let items = got["value"].as_array().expect("a page");
        assert!(!items.is_empty(), "{version}");
        let schema = Schema {
            root: &doc[version],
        };
        for s in items {
            schema.check_object(
                s.as_object().unwrap(),
                &format!("{MG}signIn"),
                version,
                &mut r,
            );
            let details = s.get("networkLocationDetails");
            if version == "beta" {
                let want = json!([{"networkType": "namedNetwork", "networkNames": ["Selena Telecom LLC"]}]);
                assert_eq!(details, Some(&want), "{s:#}");
            } else {
                assert!(details.is_none(), "{s:#}");
            }
        }
    }
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}
