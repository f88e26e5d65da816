//! Identity Protection, sign-ins and directory audits: page sizes, typed enum filters,
//! newest-first logs, beta-only fields and filters, indexed per-user queries.

use super::support::Api;
use reclaim_sim::graph::sample::{self, CFO, DELETED};
use serde_json::Value;

fn count(v: &Value) -> usize {
    v["value"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn risky_users_and_detections() {
    let api = Api::start(40, 0).await;
    assert_eq!(
        count(&api.get("/v1.0/identityProtection/riskyUsers").await),
        20,
        "default page is 20"
    );
    let (all, pages) = api
        .all_pages("/v1.0/identityProtection/riskyUsers", false)
        .await;
    assert_eq!((all.len(), pages), (34, 2));
    assert_eq!(all[0]["id"], CFO, "most recently updated first");
    let high = api.get("/v1.0/identityProtection/riskyUsers?$filter=riskLevel eq microsoft.graph.riskLevel'high'").await;
    assert_eq!(count(&high), 1);
    assert_eq!(
        high["value"][0]["userPrincipalName"],
        format!("cfo@{}", sample::DOMAIN)
    );
    let r = api
        .try_get("/v1.0/identityProtection/riskyUsers?$filter=riskLevel eq 'high'")
        .await;
    assert_eq!(r.status, 400, "enum properties need typed literals");
    assert_eq!(
        api.try_get("/v1.0/identityProtection/riskyUsers?$top=501")
            .await
            .status,
        400
    );
    assert_eq!(
        count(
            &api.get("/v1.0/identityProtection/riskyUsers?$top=500")
                .await
        ),
        34
    );
    assert_eq!(
        api.get(&format!("/v1.0/identityProtection/riskyUsers/{DELETED}"))
            .await["isDeleted"],
        true
    );
    let sel = api
        .get("/v1.0/identityProtection/riskyUsers?$select=id,riskState&$top=1")
        .await;
    assert_eq!(sel["value"][0].as_object().unwrap().len(), 2);
    assert_eq!(
        api.get(&format!(
            "/v1.0/identityProtection/riskyUsers/{CFO}/history"
        ))
        .await["value"][0]["userId"],
        CFO
    );
    assert_eq!(
        api.try_get("/v1.0/identityProtection/riskyUsers/nope")
            .await
            .status,
        404
    );
    // Beta also serves /riskyUsers; v1.0 does not.
    assert_eq!(count(&api.get("/beta/riskyUsers?$top=3").await), 3);
    assert_eq!(api.try_get("/v1.0/riskyUsers").await.status, 400);

    assert_eq!(
        count(&api.get("/v1.0/identityProtection/riskDetections").await),
        20
    );
    let (mine, _) = api
        .all_pages(
            &format!("/v1.0/identityProtection/riskDetections?$filter=userId eq '{CFO}'"),
            false,
        )
        .await;
    assert_eq!(mine.len(), 13);
    let both =
        "riskEventType eq 'anonymizedIPAddress' and riskLevel eq microsoft.graph.riskLevel'high'";
    let f = api
        .get(&format!(
            "/v1.0/identityProtection/riskDetections?$filter={both}"
        ))
        .await;
    assert!(count(&f) > 0);
    assert!(f["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["riskLevel"] == "high" && d["riskEventType"] == "anonymizedIPAddress"));
}

#[tokio::test]
async fn sign_ins_page_newest_first_and_hide_beta_fields_on_v1() {
    let api = Api::start(5, 2600).await;
    let v = api.get("/v1.0/auditLogs/signIns").await;
    let page = v["value"].as_array().unwrap();
    assert_eq!(page.len(), 1000, "default page is 1000");
    assert!(
        page.iter().all(|s| s["isInteractive"] == true),
        "interactive only by default"
    );
    let times: Vec<&str> = page
        .iter()
        .map(|s| s["createdDateTime"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(
        page[0].get("autonomousSystemNumber").is_none()
            && page[0].get("signInEventTypes").is_none()
    );
    assert!(page[0]["riskEventTypes_v2"].is_array());
    let (all, pages) = api.all_pages("/v1.0/auditLogs/signIns", false).await;
    assert_eq!(
        (all.len(), pages),
        ((0..2600).filter(|i| i % 3 != 1).count(), 2)
    );
    assert_eq!(
        api.try_get("/v1.0/auditLogs/signIns?$top=1001")
            .await
            .status,
        400
    );

    let beta = api.get("/beta/auditLogs/signIns?$top=2").await;
    assert!(
        beta["value"][0]["autonomousSystemNumber"].is_number()
            && beta["value"][0]["networkLocationDetails"].is_array()
    );
    let non_interactive = "$filter=signInEventTypes/any(t: t eq 'nonInteractiveUser')";
    let non = api
        .get(&format!("/beta/auditLogs/signIns?{non_interactive}"))
        .await;
    assert!(
        count(&non) > 0
            && non["value"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["isInteractive"] == false)
    );
    assert_eq!(
        api.try_get(&format!("/v1.0/auditLogs/signIns?{non_interactive}"))
            .await
            .status,
        400
    );

    // Per-user and time-bounded queries (served from the index and a binary-searched window).
    let cutoff = times[300];
    let q = format!(
        "/v1.0/auditLogs/signIns?$filter=userId eq '{CFO}' and createdDateTime ge {cutoff}&$top=7"
    );
    let (mine, _) = api.all_pages(&q, false).await;
    assert_eq!(
        mine.len(),
        page[..=300].iter().filter(|s| s["userId"] == CFO).count()
    );
    assert!(mine
        .iter()
        .all(|s| s["userId"] == CFO && s["createdDateTime"].as_str().unwrap() >= cutoff));
    let failed = api
        .get("/v1.0/auditLogs/signIns?$filter=status/errorCode eq 50126&$top=5")
        .await;
    assert!(
        count(&failed) == 5
            && failed["value"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["status"]["errorCode"] == 50126)
    );
    let ru = api.get("/v1.0/auditLogs/signIns?$filter=location/countryOrRegion eq 'RU' and startswith(appDisplayName,'Office')").await;
    assert!(
        count(&ru) > 0
            && ru["value"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["ipAddress"] == "185.220.101.4")
    );
    assert_eq!(
        api.try_get("/v1.0/auditLogs/signIns?$filter=userAgent eq 'x'")
            .await
            .status,
        400
    );
    assert_eq!(
        api.try_get("/v1.0/auditLogs/signIns?$filter=userId ne 'x'")
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn directory_audits_filters() {
    let api = Api::start(0, 0).await;
    let audits = "/v1.0/auditLogs/directoryAudits";
    let v = api
        .get(&format!(
            "{audits}?$filter=targetResources/any(t:t/id eq '{CFO}')"
        ))
        .await;
    assert_eq!(
        v["value"][0]["activityDisplayName"],
        "User registered security info"
    );
    let f = "startswith(activityDisplayName,'User registered') and activityDateTime ge 2020-01-01T00:00:00Z";
    assert_eq!(count(&api.get(&format!("{audits}?$filter={f}")).await), 1);
    let by = format!(
        "initiatedBy/user/userPrincipalName eq 'cfo@{}'",
        sample::DOMAIN
    );
    assert_eq!(count(&api.get(&format!("{audits}?$filter={by}")).await), 1);
    assert_eq!(
        count(
            &api.get(&format!(
                "{audits}?$filter=loggedByService eq 'Core Directory'"
            ))
            .await
        ),
        0
    );
    assert_eq!(
        count(
            &api.get(&format!(
                "{audits}?$filter=activityDateTime le 2020-01-01T00:00:00Z"
            ))
            .await
        ),
        0
    );
    assert_eq!(
        api.try_get(&format!("{audits}?$filter=resultReason eq 'x'"))
            .await
            .status,
        400
    );
    assert_eq!(
        api.try_get(&format!("{audits}?$orderby=category"))
            .await
            .status,
        400
    );
    assert_eq!(
        count(
            &api.get(&format!("{audits}?$orderby=activityDateTime asc"))
                .await
        ),
        1
    );
}
