//! Devices over HTTP: a user's registeredDevices/ownedDevices (typed directory objects, paged),
//! `/devices[/{id}]`, PATCH accountEnabled with its `Update device` audit, and the refusals
//! (permissions, read-only properties, unknown ids, page size).

use super::support::{self, Api};
use reclaim_sim::graph::sample::{CFO, SALES};
use reclaim_sim::graph::sample_devices::{ATTACKER_PHONE, CFO_LAPTOP, SALES_LAPTOP};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_users_devices_are_typed_directory_objects_and_page() {
    let api = Api::start(5, 10).await;
    for nav in ["registeredDevices", "ownedDevices"] {
        let body = api.get(&format!("/v1.0/users/{CFO}/{nav}")).await;
        let items = body["value"].as_array().unwrap();
        let ids: Vec<&str> = items.iter().map(|d| d["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), 2, "{nav}: {body}");
        assert!(ids.contains(&CFO_LAPTOP) && ids.contains(&ATTACKER_PHONE));
        assert!(!ids.contains(&SALES_LAPTOP));
        for d in items {
            assert_eq!(d["@odata.type"], "#microsoft.graph.device");
        }
        let phone = items.iter().find(|d| d["id"] == ATTACKER_PHONE).unwrap();
        assert_eq!(phone["trustType"], "Workplace");
        assert_eq!(phone["isManaged"], false);
    }
    let (all, pages) = api
        .all_pages(
            &format!("/v1.0/users/{CFO}/registeredDevices?$top=1"),
            false,
        )
        .await;
    assert_eq!((all.len(), pages), (2, 2));
    let sel = api
        .get(&format!(
            "/v1.0/users/{CFO}/registeredDevices?$select=id,accountEnabled"
        ))
        .await;
    let first = &sel["value"][0];
    assert!(first.get("displayName").is_none());
    assert_eq!(first["@odata.type"], "#microsoft.graph.device");
    let too_big = api
        .try_get(&format!("/v1.0/users/{CFO}/registeredDevices?$top=1000"))
        .await;
    assert_eq!(too_big.status, 400, "{}", too_big.text);
    let nobody = api
        .try_get("/v1.0/users/00000000-0000-4000-8000-0000000000ff/registeredDevices")
        .await;
    assert_eq!(
        (nobody.status, nobody.code()),
        (404, "Request_ResourceNotFound")
    );
}

#[tokio::test]
async fn devices_filter_and_get() {
    let api = Api::start(5, 10).await;
    let body = api
        .get("/v1.0/devices?$filter=trustType eq 'Workplace'")
        .await;
    let ids: Vec<&str> = body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [ATTACKER_PHONE]);
    let one = api.get(&format!("/v1.0/devices/{CFO_LAPTOP}")).await;
    assert_eq!(one["isCompliant"], true);
    assert!(one["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("#devices/$entity"));
    let gone = api.try_get("/v1.0/devices/nope").await;
    assert_eq!(gone.status, 404);
    let bad = api.try_get("/v1.0/devices?$filter=isRooted eq true").await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}

#[tokio::test]
async fn disabling_a_device_is_audited_and_needs_device_write() {
    let api = Api::start(5, 10).await;
    let path = format!("/v1.0/devices/{ATTACKER_PHONE}");
    api.expect(
        Method::PATCH,
        &path,
        Some(json!({"accountEnabled": false})),
        204,
    )
    .await;
    assert_eq!(api.get(&path).await["accountEnabled"], false);
    let audits = api
        .get("/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Update device'")
        .await;
    let a = &audits["value"][0];
    assert_eq!(a["category"], "Device");
    assert_eq!(a["targetResources"][0]["id"], ATTACKER_PHONE);
    let m = support::modified(a, "AccountEnabled");
    assert_eq!(
        (m["oldValue"].as_str(), m["newValue"].as_str()),
        (Some("[true]"), Some("[false]"))
    );
    // Read-only properties and wrong types are refused; nothing changes.
    let ro = api
        .send(Method::PATCH, &path, Some(json!({"isCompliant": true})))
        .await;
    assert_eq!((ro.status, ro.code()), (400, "Request_BadRequest"));
    let wrong = api
        .send(Method::PATCH, &path, Some(json!({"accountEnabled": "no"})))
        .await;
    assert_eq!(wrong.status, 400);
    let missing = api
        .send(
            Method::PATCH,
            "/v1.0/devices/00000000-0000-4000-8000-0000000dffff",
            Some(json!({"accountEnabled": false})),
        )
        .await;
    assert_eq!(missing.status, 404);
    // A token with only the read permissions may read but not write.
    let reader = api.delegated(SALES, &["Device.Read.All", "User.Read.All"]);
    let r = api.send_as(&reader, Method::GET, &path, None).await;
    assert_eq!(r.status, 200);
    let w = api
        .send_as(
            &reader,
            Method::PATCH,
            &path,
            Some(json!({"accountEnabled": true})),
        )
        .await;
    assert_eq!((w.status, w.code()), (403, "Authorization_RequestDenied"));
    let none = api.delegated(SALES, &["Mail.Read"]);
    let r = api.send_as(&none, Method::GET, "/v1.0/devices", None).await;
    assert_eq!(r.status, 403);
    assert_eq!(api.get(&path).await["accountEnabled"], false);
}
