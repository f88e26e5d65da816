//! Users, `/me`, manager, roles: default properties, `$select`, paging across pages, the
//! ConsistencyLevel rules, `$count`, `$search`, skip tokens and permission errors.

use super::support::Api;
use reclaim_sim::graph::sample::{self, ADMIN, CFO, DELETED};
use reqwest::Method;
use serde_json::Value;

fn count(v: &Value) -> usize {
    v["value"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn users_default_properties_select_paging_and_lookups() {
    let api = Api::start(250, 10).await;
    let v = api.get("/v1.0/users?$top=5").await;
    assert!(v["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/v1.0/$metadata#users"));
    let mut keys: Vec<&str> = v["value"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    let default = [
        "businessPhones",
        "displayName",
        "givenName",
        "id",
        "jobTitle",
        "mail",
    ];
    let default2 = [
        "mobilePhone",
        "officeLocation",
        "preferredLanguage",
        "surname",
        "userPrincipalName",
    ];
    assert_eq!(keys, [&default[..], &default2[..]].concat());
    let next = v["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&api.sim.graph_url)
            && next.contains("$top=5")
            && next.contains("$skiptoken=")
    );

    let (items, pages) = api
        .all_pages(
            "/v1.0/users?$select=id,accountEnabled,department&$top=100",
            false,
        )
        .await;
    assert_eq!(
        (items.len(), pages),
        (257, 3),
        "8 named users + 250 fillers - 1 deleted"
    );
    assert!(items
        .iter()
        .all(|u| u["id"] != DELETED && u.as_object().unwrap().len() == 3));
    let mut ids: Vec<&str> = items.iter().map(|u| u["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 257, "no item served twice");

    assert_eq!(
        api.get(&format!("/v1.0/users/cfo@{}", sample::DOMAIN))
            .await["id"],
        CFO
    );
    let r = api.try_get(&format!("/v1.0/users/{DELETED}")).await;
    assert_eq!((r.status, r.code()), (404, "Request_ResourceNotFound"));
    let one = api
        .get(&format!(
            "/v1.0/users/{CFO}?$select=aboutMe,signInSessionsValidFromDateTime"
        ))
        .await;
    assert!(one["aboutMe"].is_null() && one["signInSessionsValidFromDateTime"].is_string());
    let manager = api.get(&format!("/v1.0/users/{CFO}/manager")).await;
    assert_eq!(
        (manager["id"].as_str(), manager["@odata.type"].as_str()),
        (Some(ADMIN), Some("#microsoft.graph.user"))
    );
    let r = api.try_get(&format!("/v1.0/users/{ADMIN}/manager")).await;
    assert_eq!((r.status, r.code()), (404, "Request_ResourceNotFound"));
    let act = api
        .get(&format!(
            "/v1.0/users?$select=id,signInActivity&$filter=id eq '{CFO}'"
        ))
        .await;
    assert!(act["value"][0]["signInActivity"]["lastSuccessfulSignInDateTime"].is_string());
}

#[tokio::test]
async fn users_query_rules() {
    let api = Api::start(30, 0).await;
    let r = api.try_get("/v1.0/users?$top=1000").await;
    assert_eq!((r.status, r.code()), (400, "Request_UnsupportedQuery"));
    assert_eq!(
        r.message(),
        "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."
    );
    assert_eq!(
        api.try_get("/v1.0/users?$top=501&$select=id,signInActivity")
            .await
            .status,
        400
    );
    assert_eq!(api.try_get("/v1.0/users?$top=999").await.status, 200);
    let r = api.try_get("/v1.0/users?$select=aboutMe").await;
    assert_eq!((r.status, r.code()), (501, "NotImplemented"));

    // Filters: documented ones work, advanced ones need ConsistencyLevel + $count.
    let v = api
        .get(
            "/v1.0/users?$filter=startswith(displayName,'Employee 000') and accountEnabled eq true",
        )
        .await;
    assert_eq!(count(&v), 10);
    let r = api.try_get("/v1.0/users?$filter=department ne 'IT'").await;
    assert_eq!((r.status, r.code()), (400, "Request_UnsupportedQuery"));
    assert_eq!(
        api.get_eventual("/v1.0/users?$filter=department ne 'IT'")
            .await
            .status,
        400,
        "needs $count=true too"
    );
    let r = api
        .get_eventual("/v1.0/users?$filter=department ne 'Operations'&$count=true&$top=2")
        .await;
    assert_eq!(
        (r.status, r.body["@odata.count"].as_u64()),
        (200, Some(6)),
        "live users outside Operations"
    );
    // The header is not carried by nextLink: a page fetched without it is refused.
    let next = r.body["@odata.nextLink"].as_str().unwrap().to_string();
    assert_eq!(api.try_get(&next).await.status, 400);
    assert_eq!(api.get_eventual(&next).await.status, 200);
    assert!(
        api.get("/v1.0/users?$count=true")
            .await
            .get("@odata.count")
            .is_none(),
        "ignored without the header"
    );

    let r = api
        .try_get("/v1.0/users?$search=\"displayName:casey\"")
        .await;
    assert_eq!((r.status, r.code()), (400, "Request_UnsupportedQuery"));
    assert_eq!(
        api.get_eventual("/v1.0/users?$search=\"displayName:casey\"")
            .await
            .body["value"][0]["id"],
        CFO
    );
    let r = api
        .try_get("/v1.0/users?$filter=favouriteColour eq 'red'")
        .await;
    assert_eq!((r.status, r.code()), (400, "Request_UnsupportedQuery"));
    let r = api.try_get("/v1.0/users?$filter=displayName eq").await;
    assert_eq!((r.status, r.code()), (400, "Request_BadRequest"));
    assert_eq!(api.try_get("/v1.0/users?$skip=5").await.status, 400);

    let r = api.try_get("/v1.0/users/$count").await;
    assert_eq!(
        (r.status, r.message()),
        (400, "$count is not currently supported.")
    );
    let r = api
        .get_eventual("/v1.0/users/$count?$filter=department eq 'Finance'")
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, "1"));

    // A skip token only resumes the query it came from.
    let v = api.get("/v1.0/users?$top=3").await;
    let token = v["@odata.nextLink"]
        .as_str()
        .unwrap()
        .split("$skiptoken=")
        .nth(1)
        .unwrap()
        .to_string();
    let r = api
        .try_get(&format!("/v1.0/users?$top=4&$skiptoken={token}"))
        .await;
    assert_eq!((r.status, r.code()), (400, "Request_BadRequest"));
    assert_eq!(
        api.try_get("/v1.0/users?$skiptoken=bogus").await.status,
        400
    );
}

#[tokio::test]
async fn me_is_delegated_only_and_roles_are_listed() {
    let api = Api::start(0, 0).await;
    let r = api.try_get("/v1.0/me").await;
    assert_eq!(
        (r.status, r.message()),
        (
            400,
            "/me request is only valid with delegated authentication flow."
        )
    );
    let me = api
        .send_as(
            &api.delegated(ADMIN, &["User.Read"]),
            Method::GET,
            "/v1.0/me",
            None,
        )
        .await;
    assert_eq!((me.status, me.body["id"].as_str()), (200, Some(ADMIN)));

    let roles = api
        .get(&format!(
            "/v1.0/users/{ADMIN}/memberOf/microsoft.graph.directoryRole"
        ))
        .await;
    assert_eq!(
        roles["value"][0]["roleTemplateId"],
        "62e90394-69f5-4237-9190-012177145e10"
    );
    assert_eq!(
        roles["value"][0]["@odata.type"],
        "#microsoft.graph.directoryRole"
    );
    let cfo_roles = format!("/v1.0/users/{CFO}/memberOf/microsoft.graph.directoryRole");
    assert_eq!(count(&api.get(&cfo_roles).await), 0);
    // memberOf lists the CFO's groups (typed), the cast only roles.
    let all = api.get(&format!("/v1.0/users/{CFO}/memberOf")).await;
    assert_eq!(count(&all), 2);
    assert_eq!(all["value"][0]["@odata.type"], "#microsoft.graph.group");
    let r = api.try_get("/v1.0/directoryRoles?$top=5").await;
    assert_eq!((r.status, r.code()), (400, "Request_UnsupportedQuery"));
    assert!(count(&api.get("/v1.0/directoryRoles").await) >= 3);
    let path = format!("/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '{ADMIN}'&$expand=roleDefinition");
    let a = api.get(&path).await;
    assert_eq!(count(&a), 1);
    assert_eq!(
        a["value"][0]["roleDefinition"]["displayName"],
        "Global Administrator"
    );
    assert_eq!(a["value"][0]["directoryScopeId"], "/");
    assert!(
        count(
            &api.get("/v1.0/roleManagement/directory/roleDefinitions")
                .await
        ) >= 7
    );

    // The read-only app reads grants (Directory.Read.All); a token without the scope is refused.
    let ro = api.sim.mint_app_token(&api.sim.apps.read_only.client_id);
    assert_eq!(
        api.send_as(&ro, Method::GET, "/v1.0/oauth2PermissionGrants", None)
            .await
            .status,
        200
    );
    let r = api
        .send_as(
            &api.delegated(CFO, &["User.Read"]),
            Method::GET,
            "/v1.0/users",
            None,
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "Authorization_RequestDenied"));
}

/// Ids of every user a query lists (following nextLinks).
async fn listed(api: &Api, path: &str) -> Vec<String> {
    let (items, _) = api.all_pages(path, false).await;
    let mut ids: Vec<String> = items
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn sign_in_activity_filters_alone_and_manager_expands() {
    let api = Api::start(20, 200).await;
    // Expected from the log itself: each live user's newest sign-in of each kind.
    type Time = chrono::DateTime<chrono::Utc>;
    /// (user id, newest interactive, newest non-interactive sign-in)
    type Row = (String, Option<Time>, Option<Time>);
    type Newest = Vec<Row>;
    let newest: Newest = api.sim.with_tenant(|t| {
        t.users
            .iter()
            .filter(|u| !u.deleted)
            .map(|u| {
                let last = |interactive: bool| {
                    t.sign_ins
                        .iter()
                        .filter(|s| *s.user.user_id == *u.id && s.is_interactive == interactive)
                        .map(|s| s.created_date_time)
                        .max()
                };
                (u.id.to_string(), last(true), last(false))
            })
            .collect()
    });
    let mut times: Vec<Time> = newest.iter().filter_map(|(_, i, _)| *i).collect();
    times.sort();
    // Filters name whole seconds; the log keeps sub-second times.
    let cutoff = times[times.len() / 2].to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let at: Time = cutoff.parse().unwrap();
    let want = |f: &dyn Fn(&Row) -> bool| {
        let mut ids: Vec<String> = newest
            .iter()
            .filter(|n| f(n))
            .map(|n| n.0.clone())
            .collect();
        ids.sort();
        ids
    };
    let base = "/v1.0/users?$select=id,signInActivity&$top=7&$filter=signInActivity/";
    let older = listed(&api, &format!("{base}lastSignInDateTime le {cutoff}")).await;
    assert_eq!(older, want(&|n| n.1.is_some_and(|t| t <= at)));
    assert!(!older.is_empty());
    let newer = listed(&api, &format!("{base}lastSignInDateTime ge {cutoff}")).await;
    assert_eq!(newer, want(&|n| n.1.is_some_and(|t| t >= at)));
    let non = listed(
        &api,
        &format!("{base}lastNonInteractiveSignInDateTime ge {cutoff}"),
    )
    .await;
    assert_eq!(non, want(&|n| n.2.is_some_and(|t| t >= at)));
    let page = api
        .get(&format!("{base}lastSignInDateTime le {cutoff}"))
        .await;
    assert!(page["value"][0]["signInActivity"]["lastSignInDateTime"].is_string());

    // Only ge/le ranges, never beside another property, advanced for ne, AuditLog.Read.All.
    for bad in [
        format!("lastSignInDateTime gt {cutoff}"),
        format!("lastSignInDateTime le {cutoff} and accountEnabled eq true"),
        format!("lastSignInDateTime ne {cutoff}"),
        format!("lastSignInDateTime ge {cutoff} or startswith(displayName,'A')"),
    ] {
        let r = api
            .try_get(&format!("/v1.0/users?$filter=signInActivity/{bad}"))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (400, "Request_UnsupportedQuery"),
            "{bad}"
        );
    }
    let r = api
        .get_eventual(&format!(
            "/v1.0/users?$count=true&$filter=signInActivity/lastSignInDateTime ne {cutoff}"
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let no_audit = api.delegated(ADMIN, &["User.Read.All"]);
    let r = api
        .send_as(
            &no_audit,
            Method::GET,
            &format!("/v1.0/users?$filter=signInActivity/lastSignInDateTime le {cutoff}"),
            None,
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "Authorization_RequestDenied"));

    // $expand=manager, on the list and on one user, with a nested $select.
    let (all, _) = api
        .all_pages("/v1.0/users?$select=id&$expand=manager", false)
        .await;
    let by_id = |id: &str| all.iter().find(|u| u["id"] == id).unwrap().clone();
    assert_eq!(by_id(CFO)["manager"]["id"], ADMIN);
    assert!(
        by_id(ADMIN).get("manager").is_none(),
        "no manager, no property"
    );
    assert_eq!(
        all.iter()
            .filter(|u| u["manager"]["id"] == reclaim_sim::graph::sample::SALES)
            .count(),
        20
    );
    let one = api
        .get(&format!(
            "/v1.0/users/{CFO}?$expand=manager($select=id,jobTitle)"
        ))
        .await;
    let mut keys: Vec<&str> = one["manager"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, ["@odata.type", "id", "jobTitle"]);
    assert_eq!(
        one["displayName"], "Casey Finance",
        "the user keeps its defaults"
    );
    for bad in [
        "manager($select=favouriteColour)",
        "manager($top=1)",
        "directReports",
    ] {
        let r = api.try_get(&format!("/v1.0/users?$expand={bad}")).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
    }
}
