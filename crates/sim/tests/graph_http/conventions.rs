//! Graph conventions across endpoints: each collection's default and maximum page size, the
//! `$top` refusals, `@odata.count` on the first page only, typed enum filters, `@odata.type`
//! where the served type is a subtype, and request bodies with properties a type lacks.

use super::support::Api;
use reclaim_sim::graph::sample::{self, ADMIN, AUTHENTICATOR_ID, CFO, SALES};
use reclaim_sim::model::{OAuth2PermissionGrant, RoleAssignment};
use reqwest::Method;
use serde_json::{json, Value};

const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

/// Fills the sample tenant's smaller collections past their default page size.
fn inflate(api: &Api) {
    api.sim.with_tenant_mut(|t| {
        let seed = t.directory_audits[0].clone();
        for i in 0..1100 {
            let mut a = seed.clone();
            a.id = format!("Directory_fill_{i}");
            t.directory_audits.push(a);
        }
        let fillers: Vec<String> = t.users.iter().skip(8).map(|u| u.id.to_string()).collect();
        for (i, u) in fillers.iter().take(150).enumerate() {
            t.role_assignments.push(RoleAssignment {
                id: format!("ra-fill-{i}"),
                principal_id: u.clone(),
                role_definition_id: HELPDESK.into(),
                directory_scope_id: "/".into(),
            });
            t.grants.push(OAuth2PermissionGrant {
                id: format!("grant-fill-{i}"),
                client_id: sample::EVIL_SP.into(),
                consent_type: "Principal".into(),
                principal_id: Some(u.clone()),
                resource_id: sample::GRAPH_SP.into(),
                scope: "User.Read".into(),
            });
            let mut sp = t.service_principals[0].clone();
            sp.id = format!("00000000-0000-4000-8000-{i:012}");
            sp.app_id = format!("10000000-0000-4000-8000-{i:012}");
            t.service_principals.push(sp);
        }
        if let Some(h) = t.risky_user_history.get_mut(CFO) {
            let first = h[0].clone();
            for i in 0..30 {
                let mut item = first.clone();
                item.id = format!("hist-fill-{i}");
                h.push(item);
            }
        }
        if let Some(mbx) = t.mailboxes.get_mut(CFO) {
            let inbox = mbx.extra_folders[0].clone();
            for i in 0..12 {
                let mut f = inbox.clone();
                f.id = format!("AAMkFill{i}");
                f.display_name = format!("Project {i}").into();
                f.well_known_name = None;
                mbx.extra_folders.push(f);
            }
        }
    });
}

fn page_size_error(n: usize, max: usize) -> String {
    format!("Invalid page size specified: '{n}'. Must be between 1 and {max} inclusive.")
}

#[tokio::test]
async fn each_collection_pages_at_its_default_and_refuses_top_over_its_maximum() {
    let api = Api::start(250, 2600).await;
    inflate(&api);
    let history = format!("/v1.0/identityProtection/riskyUsers/{CFO}/history");
    let folders = format!("/v1.0/users/{CFO}/mailFolders");
    let member_of = format!("/v1.0/users/{ADMIN}/memberOf");
    // (collection, default page size where the data can show it, maximum $top)
    let table: Vec<(&str, Option<usize>, usize)> = vec![
        ("/v1.0/users", Some(100), 999),
        (
            "/v1.0/roleManagement/directory/roleAssignments",
            Some(100),
            999,
        ),
        ("/v1.0/roleManagement/directory/roleDefinitions", None, 999),
        (&member_of, None, 999),
        ("/v1.0/oauth2PermissionGrants", Some(100), 999),
        ("/v1.0/servicePrincipals", Some(100), 999),
        ("/v1.0/identityProtection/riskyUsers", Some(20), 500),
        ("/v1.0/identityProtection/riskDetections", Some(20), 500),
        (&history, Some(20), 500),
        ("/v1.0/auditLogs/signIns", Some(1000), 1000),
        ("/v1.0/auditLogs/directoryAudits", Some(1000), 1000),
        (&folders, Some(10), 1000),
    ];
    for (path, default, max) in table {
        if let Some(default) = default {
            let page = api.get(path).await;
            assert_eq!(
                page["value"].as_array().map(Vec::len),
                Some(default),
                "{path} default page"
            );
            assert!(page["@odata.nextLink"].is_string(), "{path} has more");
        }
        assert_eq!(
            api.try_get(&format!("{path}?$top={max}")).await.status,
            200,
            "{path} $top={max}"
        );
        for n in [max + 1, 0] {
            let r = api.try_get(&format!("{path}?$top={n}")).await;
            assert_eq!(
                (r.status, r.code(), r.message()),
                (
                    400,
                    "Request_UnsupportedQuery",
                    page_size_error(n, max).as_str()
                ),
                "{path} $top={n}"
            );
        }
    }
    // signInActivity lowers the users maximum to 500, selected or filtered.
    for q in [
        "$select=id,signInActivity",
        "$filter=signInActivity/lastSignInDateTime ge 2020-01-01T00:00:00Z",
    ] {
        let r = api.try_get(&format!("/v1.0/users?{q}&$top=501")).await;
        assert_eq!(
            (r.status, r.message()),
            (400, page_size_error(501, 500).as_str())
        );
        assert_eq!(
            api.try_get(&format!("/v1.0/users?{q}&$top=500"))
                .await
                .status,
            200
        );
    }
    // /directoryRoles takes no $top at all.
    for n in [1, 5, 999] {
        let r = api.try_get(&format!("/v1.0/directoryRoles?$top={n}")).await;
        assert_eq!((r.status, r.code()), (400, "Request_UnsupportedQuery"));
    }

    // @odata.count: only with the header, only on the first page; the header is resent.
    let first = api
        .get_eventual("/v1.0/users?$count=true&$top=100&$filter=department eq 'Operations'")
        .await;
    assert_eq!(first.body["@odata.count"].as_u64(), Some(251));
    let next = first.body["@odata.nextLink"].as_str().unwrap().to_string();
    let second = api.get_eventual(&next).await;
    assert_eq!(second.status, 200);
    assert!(second.body.get("@odata.count").is_none());
    let r = api.try_get("/v1.0/users/$count").await;
    assert_eq!(
        (r.status, r.code(), r.message()),
        (
            400,
            "Request_BadRequest",
            "$count is not currently supported."
        )
    );
}

#[tokio::test]
async fn enum_properties_filter_only_on_typed_literals() {
    let api = Api::start(40, 0).await;
    let risky = "/v1.0/identityProtection/riskyUsers?$top=500&$filter=";
    let state = api
        .get(&format!(
            "{risky}riskState eq microsoft.graph.riskState'atRisk'"
        ))
        .await;
    assert_eq!(state["value"].as_array().map(Vec::len), Some(34));
    let levels = api
        .get(&format!(
            "{risky}riskLevel in (microsoft.graph.riskLevel'high', microsoft.graph.riskLevel'medium')"
        ))
        .await;
    let mut ids: Vec<&str> = levels["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut want = vec![CFO, SALES, sample::DELETED];
    want.sort();
    assert_eq!(ids, want);
    for bad in [
        "riskLevel eq 'high'",
        "riskState eq 'atRisk'",
        "riskLevel eq microsoft.graph.riskState'high'",
        "riskLevel eq microsoft.graph.riskLevel'extreme'",
    ] {
        let r = api.try_get(&format!("{risky}{bad}")).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
    }
    let d = api
        .get("/v1.0/identityProtection/riskDetections?$filter=riskState eq microsoft.graph.riskState'atRisk'")
        .await;
    assert!(d["value"].as_array().is_some_and(|v| !v.is_empty()));
    let r = api
        .try_get("/v1.0/identityProtection/riskDetections?$filter=riskLevel eq 'low'")
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn subtypes_carry_their_odata_type() {
    let api = Api::start(3, 0).await;
    let kinds = [
        "password",
        "phone",
        "microsoftAuthenticator",
        "softwareOath",
        "fido2",
        "email",
        "windowsHelloForBusiness",
    ];
    for version in ["v1.0", "beta"] {
        let all = api
            .get(&format!("/{version}/users/{CFO}/authentication/methods"))
            .await;
        for m in all["value"].as_array().unwrap() {
            let t = m["@odata.type"].as_str().unwrap_or_default();
            assert!(
                kinds
                    .iter()
                    .any(|k| t == format!("#microsoft.graph.{k}AuthenticationMethod")),
                "{version}: {m}"
            );
        }
        let one = api
            .get(&format!(
                "/{version}/users/{CFO}/authentication/methods/{AUTHENTICATOR_ID}"
            ))
            .await;
        assert_eq!(
            one["@odata.type"],
            "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"
        );
        // A typed collection serves its declared type: no annotation.
        let phones = api
            .get(&format!(
                "/{version}/users/{CFO}/authentication/phoneMethods"
            ))
            .await;
        assert!(phones["value"][0].get("@odata.type").is_none());
    }
    let roles = api.get(&format!("/v1.0/users/{ADMIN}/memberOf")).await;
    assert_eq!(
        roles["value"][0]["@odata.type"],
        "#microsoft.graph.directoryRole"
    );
    let role_id = roles["value"][0]["id"].as_str().unwrap().to_string();
    let members = api
        .get(&format!("/v1.0/directoryRoles/{role_id}/members"))
        .await;
    assert_eq!(members["value"][0]["@odata.type"], "#microsoft.graph.user");
    assert_eq!(roles["value"][0]["roleTemplateId"], GLOBAL_ADMIN);
    let manager = api.get(&format!("/v1.0/users/{CFO}/manager")).await;
    assert_eq!(manager["@odata.type"], "#microsoft.graph.user");
    let expanded = api
        .get(&format!("/v1.0/users/{CFO}?$select=id&$expand=manager"))
        .await;
    assert_eq!(expanded["manager"]["@odata.type"], "#microsoft.graph.user");
}

/// (method, path, body, status, error code, message fragment)
type Case = (Method, String, Value, u16, &'static str, &'static str);

#[tokio::test]
async fn request_bodies_with_unknown_members_are_refused_as_graph_refuses_them() {
    let api = Api::start(3, 0).await;
    let rules = format!("/v1.0/users/{CFO}/mailFolders/inbox/messageRules");
    let settings = format!("/v1.0/users/{CFO}/mailboxSettings");
    let grant = format!("/v1.0/oauth2PermissionGrants/{}", sample::GRANT_PRINCIPAL);
    let cases: Vec<Case> = vec![
        (Method::PATCH, format!("/v1.0/users/{SALES}"), json!({"favouriteColour": "red"}), 400, "Request_BadRequest",
            "Property 'favouriteColour' does not exist as a declared property or extension property."),
        (Method::POST, rules.clone(), json!({"displayName": "x", "colour": "red"}), 400, "RequestBodyRead",
            "The property 'colour' does not exist on type 'Microsoft.OutlookServices.MessageRule'"),
        (Method::POST, rules.clone(), json!({"displayName": "x", "actions": {"teleport": true}}), 400, "RequestBodyRead",
            "'Microsoft.OutlookServices.MessageRuleActions'"),
        (Method::PATCH, settings.clone(), json!({"timeZone": "Europe/Paris", "colour": "red"}), 400, "RequestBodyRead",
            "'Microsoft.OutlookServices.MailboxSettings'"),
        (Method::PATCH, settings.clone(), json!({"automaticRepliesSetting": {"status": "sometimes"}}), 400, "InvalidArguments",
            "Requested value 'sometimes' was not found."),
        (Method::PATCH, settings.clone(), json!({"timeZone": "Mars Time"}), 400, "InvalidTimeZone", "invalid"),
        (Method::POST, "/v1.0/identityProtection/riskyUsers/confirmCompromised".into(), json!({"userIds": [SALES], "reason": "x"}), 400, "BadRequest",
            "The parameter 'reason' in the request payload is not a valid parameter for the operation 'confirmCompromised'."),
        (Method::POST, format!("/v1.0/users/{SALES}/revokeSignInSessions"), json!({"force": true}), 400, "BadRequest",
            "The parameter 'force'"),
        (Method::POST, format!("/v1.0/users/{SALES}/authentication/phoneMethods"),
            json!({"phoneNumber": "+1 5555550123", "phoneType": "office", "colour": "red"}), 400, "badRequest", "colour"),
        (Method::POST, format!("/v1.0/users/{SALES}/authentication/temporaryAccessPassMethods"), json!({"colour": "red"}), 400, "badRequest", "colour"),
        (Method::PATCH, grant.clone(), json!({"colour": "red"}), 400, "Request_BadRequest", "colour"),
    ];
    for (method, path, body, status, code, fragment) in cases {
        let r = api.send(method.clone(), &path, Some(body.clone())).await;
        assert_eq!(
            (r.status, r.code()),
            (status, code),
            "{method} {path} {body}: {}",
            r.text
        );
        assert!(
            r.message().contains(fragment),
            "{method} {path}: {}",
            r.message()
        );
    }
    // Nothing was half applied.
    assert_eq!(
        api.get(&settings).await["timeZone"],
        "Pacific Standard Time"
    );
    let risk = api
        .get(&format!("/v1.0/identityProtection/riskyUsers/{SALES}"))
        .await;
    assert_eq!(risk["riskState"], "atRisk");
    // Annotations are not properties; empty parameter lists are fine.
    api.expect(
        Method::PATCH,
        &format!("/v1.0/users/{SALES}"),
        Some(json!({"@odata.type": "#microsoft.graph.user", "jobTitle": "VP Sales"})),
        204,
    )
    .await;
    api.expect(
        Method::POST,
        &format!("/v1.0/users/{SALES}/revokeSignInSessions"),
        Some(json!({})),
        200,
    )
    .await;
    let reset = format!(
        "/v1.0/users/{SALES}/authentication/methods/28c10230-6103-485e-b985-444c60001490/resetPassword"
    );
    let admin = api.delegated(ADMIN, &["UserAuthenticationMethod.ReadWrite.All"]);
    let r = api
        .send_as(
            &admin,
            Method::POST,
            &reset,
            Some(json!({"newPassword": "Kx9!vQ2p-long", "hint": "x"})),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "BadRequest"), "{}", r.text);
}
