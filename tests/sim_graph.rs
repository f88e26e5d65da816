//! The simulator's Graph read endpoints over real HTTP: users and roles, Identity Protection,
//! sign-ins and audits; paging across pages, query options and every error rule.

use reclaim::sim::graph::sample::{
    self, ADMIN, CFO, DELETED, GUEST, NO_MAILBOX, RULE_HIDDEN, RULE_SHELL,
};
use reclaim::sim::{self, Profile, SimConfig, SimHandle};
use serde_json::Value;

struct Api {
    sim: SimHandle,
    http: reqwest::Client,
    token: String,
}

impl Api {
    async fn start(fillers: usize, sign_ins: usize) -> Api {
        let cfg = SimConfig::with_profile(Profile::Fast);
        let sim = sim::start_with(cfg, sample::sample_tenant(fillers, sign_ins))
            .await
            .expect("starts");
        let token = sim.mint_app_token(&sim.apps.full.client_id);
        Api {
            sim,
            http: reqwest::Client::new(),
            token,
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.sim.graph_url)
        }
    }

    async fn call(
        &self,
        path: &str,
        token: &str,
        eventual: bool,
    ) -> (u16, String, reqwest::header::HeaderMap) {
        let mut req = self.http.get(self.url(path)).bearer_auth(token);
        if eventual {
            req = req.header("ConsistencyLevel", "eventual");
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        (status, resp.text().await.expect("body"), headers)
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let (s, body, _) = self.call(path, &self.token, false).await;
        (s, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    async fn get_eventual(&self, path: &str) -> (u16, Value) {
        let (s, body, _) = self.call(path, &self.token, true).await;
        (s, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    async fn ok(&self, path: &str) -> Value {
        let (s, v) = self.get(path).await;
        assert_eq!(s, 200, "{path}: {v}");
        v
    }

    /// Follows `@odata.nextLink` verbatim to the end; returns every item and the page count.
    async fn all_pages(&self, path: &str, eventual: bool) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut next = Some(path.to_string());
        let mut pages = 0;
        while let Some(url) = next {
            let (s, v) = if eventual {
                self.get_eventual(&url).await
            } else {
                self.get(&url).await
            };
            assert_eq!(s, 200, "{url}: {v}");
            pages += 1;
            if pages > 1 {
                assert!(
                    v.get("@odata.count").is_none(),
                    "@odata.count only on page 1"
                );
            }
            items.extend(v["value"].as_array().expect("value").iter().cloned());
            next = v["@odata.nextLink"].as_str().map(String::from);
        }
        (items, pages)
    }
}

fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn users_default_properties_select_paging_and_lookups() {
    let api = Api::start(250, 10).await;
    let v = api.ok("/v1.0/users?$top=5").await;
    assert!(v["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/v1.0/$metadata#users"));
    let first = v["value"][0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "businessPhones",
            "displayName",
            "givenName",
            "id",
            "jobTitle",
            "mail",
            "mobilePhone",
            "officeLocation",
            "preferredLanguage",
            "surname",
            "userPrincipalName"
        ]
    );
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
    assert_eq!(items.len(), 257, "8 named users + 250 fillers - 1 deleted");
    assert_eq!(pages, 3);
    assert!(items
        .iter()
        .all(|u| u["id"] != DELETED && u.as_object().unwrap().len() == 3));
    let mut ids: Vec<&str> = items.iter().map(|u| u["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 257, "no item served twice");

    let by_upn = api.ok(&format!("/v1.0/users/cfo@{}", sample::DOMAIN)).await;
    assert_eq!(by_upn["id"], CFO);
    let (s, v) = api.get(&format!("/v1.0/users/{DELETED}")).await;
    assert_eq!((s, error_code(&v)), (404, "Request_ResourceNotFound"));
    let one = api
        .ok(&format!(
            "/v1.0/users/{CFO}?$select=aboutMe,signInSessionsValidFromDateTime"
        ))
        .await;
    assert!(one["aboutMe"].is_null() && one["signInSessionsValidFromDateTime"].is_string());
    let manager = api.ok(&format!("/v1.0/users/{CFO}/manager")).await;
    assert_eq!(
        (manager["id"].as_str(), manager["@odata.type"].as_str()),
        (Some(ADMIN), Some("#microsoft.graph.user"))
    );
    let (s, v) = api.get(&format!("/v1.0/users/{ADMIN}/manager")).await;
    assert_eq!((s, error_code(&v)), (404, "Request_ResourceNotFound"));
    let act = api
        .ok(&format!(
            "/v1.0/users?$select=id,signInActivity&$filter=id eq '{CFO}'"
        ))
        .await;
    assert!(act["value"][0]["signInActivity"]["lastSuccessfulSignInDateTime"].is_string());
}

#[tokio::test]
async fn users_query_rules() {
    let api = Api::start(30, 0).await;
    let (s, v) = api.get("/v1.0/users?$top=1000").await;
    assert_eq!(s, 400);
    assert_eq!(error_code(&v), "Request_UnsupportedQuery");
    assert_eq!(
        v["error"]["message"],
        "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."
    );
    assert_eq!(
        api.get("/v1.0/users?$top=501&$select=id,signInActivity")
            .await
            .0,
        400
    );
    assert_eq!(api.get("/v1.0/users?$top=999").await.0, 200);
    let (s, v) = api.get("/v1.0/users?$select=aboutMe").await;
    assert_eq!((s, error_code(&v)), (501, "NotImplemented"));

    // Filters: documented ones work, advanced ones need ConsistencyLevel + $count.
    let v = api
        .ok("/v1.0/users?$filter=startswith(displayName,'Employee 000') and accountEnabled eq true")
        .await;
    assert_eq!(v["value"].as_array().unwrap().len(), 10);
    let (s, v) = api.get("/v1.0/users?$filter=department ne 'IT'").await;
    assert_eq!((s, error_code(&v)), (400, "Request_UnsupportedQuery"));
    assert_eq!(
        api.get_eventual("/v1.0/users?$filter=department ne 'IT'")
            .await
            .0,
        400,
        "needs $count=true too"
    );
    let (s, v) = api
        .get_eventual("/v1.0/users?$filter=department ne 'Operations'&$count=true&$top=2")
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["@odata.count"], 6, "live users outside Operations: {v}");
    // The header is not carried by nextLink: a page fetched without it is refused.
    let next = v["@odata.nextLink"].as_str().unwrap().to_string();
    assert_eq!(api.get(&next).await.0, 400);
    assert_eq!(api.get_eventual(&next).await.0, 200);
    // $count without the header is ignored.
    assert!(api
        .ok("/v1.0/users?$count=true")
        .await
        .get("@odata.count")
        .is_none());

    let (s, v) = api.get("/v1.0/users?$search=\"displayName:casey\"").await;
    assert_eq!((s, error_code(&v)), (400, "Request_UnsupportedQuery"));
    let v = api
        .get_eventual("/v1.0/users?$search=\"displayName:casey\"")
        .await
        .1;
    assert_eq!(v["value"][0]["id"], CFO);
    let (s, v) = api
        .get("/v1.0/users?$filter=favouriteColour eq 'red'")
        .await;
    assert_eq!((s, error_code(&v)), (400, "Request_UnsupportedQuery"));
    let (s, v) = api.get("/v1.0/users?$filter=displayName eq").await;
    assert_eq!((s, error_code(&v)), (400, "Request_BadRequest"));
    assert_eq!(api.get("/v1.0/users?$skip=5").await.0, 400);

    // /users/$count
    let (s, v) = api.get("/v1.0/users/$count").await;
    assert_eq!(
        (s, v["error"]["message"].as_str()),
        (400, Some("$count is not currently supported."))
    );
    let (s, body, _) = api
        .call(
            "/v1.0/users/$count?$filter=department eq 'Finance'",
            &api.token,
            true,
        )
        .await;
    assert_eq!((s, body.as_str()), (200, "1"));

    // A skip token only resumes the query it came from.
    let v = api.ok("/v1.0/users?$top=3").await;
    let next = v["@odata.nextLink"].as_str().unwrap();
    let token = next.split("$skiptoken=").nth(1).unwrap();
    let (s, v) = api
        .get(&format!("/v1.0/users?$top=4&$skiptoken={token}"))
        .await;
    assert_eq!((s, error_code(&v)), (400, "Request_BadRequest"));
    assert_eq!(api.get("/v1.0/users?$skiptoken=bogus").await.0, 400);
}

#[tokio::test]
async fn me_is_delegated_only_and_roles_are_listed() {
    let api = Api::start(0, 0).await;
    let (s, v) = api.get("/v1.0/me").await;
    assert_eq!(
        (s, v["error"]["message"].as_str()),
        (
            400,
            Some("/me request is only valid with delegated authentication flow.")
        )
    );
    let delegated =
        api.sim
            .mint_delegated_token(ADMIN, &api.sim.apps.full.client_id, &["User.Read"]);
    let (s, body, _) = api.call("/v1.0/me", &delegated, false).await;
    assert_eq!(s, 200);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["id"], ADMIN);

    let roles = api
        .ok(&format!(
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
    assert!(
        api.ok(&format!("/v1.0/users/{CFO}/memberOf")).await["value"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (s, v) = api.get("/v1.0/directoryRoles?$top=5").await;
    assert_eq!((s, error_code(&v)), (400, "Request_UnsupportedQuery"));
    assert!(
        api.ok("/v1.0/directoryRoles").await["value"]
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
    let a = api.ok(&format!("/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '{ADMIN}'&$expand=roleDefinition")).await;
    assert_eq!(a["value"].as_array().unwrap().len(), 1);
    assert_eq!(
        a["value"][0]["roleDefinition"]["displayName"],
        "Global Administrator"
    );
    assert_eq!(a["value"][0]["directoryScopeId"], "/");
    assert!(
        api.ok("/v1.0/roleManagement/directory/roleDefinitions")
            .await["value"]
            .as_array()
            .unwrap()
            .len()
            >= 7
    );

    // The read-only app cannot read what it has no permission for; nobody without a token.
    let ro = api.sim.mint_app_token(&api.sim.apps.read_only.client_id);
    let (s, body, _) = api.call("/v1.0/oauth2PermissionGrants", &ro, false).await;
    assert_eq!(s, 200, "{body}");
    let no_perm = api
        .sim
        .mint_delegated_token(CFO, &api.sim.apps.full.client_id, &["User.Read"]);
    let (s, body, _) = api.call("/v1.0/users", &no_perm, false).await;
    assert_eq!(s, 403, "{body}");
    assert!(body.contains("Authorization_RequestDenied"));
}

#[tokio::test]
async fn risky_users_and_detections() {
    let api = Api::start(40, 0).await;
    let v = api.ok("/v1.0/identityProtection/riskyUsers").await;
    assert_eq!(
        v["value"].as_array().unwrap().len(),
        20,
        "default page is 20"
    );
    let (all, pages) = api
        .all_pages("/v1.0/identityProtection/riskyUsers", false)
        .await;
    assert_eq!((all.len(), pages), (34, 2));
    assert_eq!(all[0]["id"], CFO, "most recently updated first");
    let high = api.ok("/v1.0/identityProtection/riskyUsers?$filter=riskLevel eq microsoft.graph.riskLevel'high'").await;
    assert_eq!(high["value"].as_array().unwrap().len(), 1);
    assert_eq!(
        high["value"][0]["userPrincipalName"],
        format!("cfo@{}", sample::DOMAIN)
    );
    let (s, _) = api
        .get("/v1.0/identityProtection/riskyUsers?$filter=riskLevel eq 'high'")
        .await;
    assert_eq!(s, 400, "enum properties need typed literals");
    assert_eq!(
        api.get("/v1.0/identityProtection/riskyUsers?$top=501")
            .await
            .0,
        400
    );
    assert_eq!(
        api.ok("/v1.0/identityProtection/riskyUsers?$top=500").await["value"]
            .as_array()
            .unwrap()
            .len(),
        34
    );
    let deleted = api
        .ok(&format!("/v1.0/identityProtection/riskyUsers/{DELETED}"))
        .await;
    assert_eq!(deleted["isDeleted"], true);
    let sel = api
        .ok("/v1.0/identityProtection/riskyUsers?$select=id,riskState&$top=1")
        .await;
    assert_eq!(sel["value"][0].as_object().unwrap().len(), 2);
    let hist = api
        .ok(&format!(
            "/v1.0/identityProtection/riskyUsers/{CFO}/history"
        ))
        .await;
    assert_eq!(hist["value"][0]["userId"], CFO);
    assert_eq!(
        api.get("/v1.0/identityProtection/riskyUsers/nope").await.0,
        404
    );
    // Beta also serves /riskyUsers; v1.0 does not.
    assert_eq!(
        api.ok("/beta/riskyUsers?$top=3").await["value"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(api.get("/v1.0/riskyUsers").await.0, 400);

    let d = api.ok("/v1.0/identityProtection/riskDetections").await;
    assert_eq!(d["value"].as_array().unwrap().len(), 20);
    let (all, _) = api
        .all_pages(
            &format!("/v1.0/identityProtection/riskDetections?$filter=userId eq '{CFO}'"),
            false,
        )
        .await;
    assert_eq!(all.len(), 13);
    let f = api.ok("/v1.0/identityProtection/riskDetections?$filter=riskEventType eq 'anonymizedIPAddress' and riskLevel eq microsoft.graph.riskLevel'high'").await;
    assert!(f["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["riskLevel"] == "high" && d["riskEventType"] == "anonymizedIPAddress"));
}

#[tokio::test]
async fn sign_ins_page_newest_first_and_hide_beta_fields_on_v1() {
    let api = Api::start(5, 2600).await;
    let v = api.ok("/v1.0/auditLogs/signIns").await;
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
    let interactive = (0..2600).filter(|i| i % 3 != 0).count();
    assert_eq!((all.len(), pages), (interactive, 2));
    assert_eq!(api.get("/v1.0/auditLogs/signIns?$top=1001").await.0, 400);

    let beta = api.ok("/beta/auditLogs/signIns?$top=2").await;
    assert!(beta["value"][0]["autonomousSystemNumber"].is_number());
    assert!(beta["value"][0]["networkLocationDetails"].is_array());
    let non = api
        .ok("/beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'nonInteractiveUser')")
        .await;
    assert!(non["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["isInteractive"] == false));
    assert!(!non["value"].as_array().unwrap().is_empty());
    assert_eq!(
        api.get(
            "/v1.0/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'nonInteractiveUser')"
        )
        .await
        .0,
        400
    );

    // Per-user and time-bounded queries (served from the index and a binary-searched window).
    let cutoff = times[300];
    let q = format!(
        "/v1.0/auditLogs/signIns?$filter=userId eq '{CFO}' and createdDateTime ge {cutoff}&$top=7"
    );
    let (mine, _) = api.all_pages(&q, false).await;
    let expected = page[..=300].iter().filter(|s| s["userId"] == CFO).count();
    assert_eq!(mine.len(), expected);
    assert!(mine
        .iter()
        .all(|s| s["userId"] == CFO && s["createdDateTime"].as_str().unwrap() >= cutoff));
    let failed = api
        .ok("/v1.0/auditLogs/signIns?$filter=status/errorCode eq 50126&$top=5")
        .await;
    assert!(failed["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["status"]["errorCode"] == 50126));
    let ru = api.ok("/v1.0/auditLogs/signIns?$filter=location/countryOrRegion eq 'RU' and startswith(appDisplayName,'Office')").await;
    assert!(ru["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["ipAddress"] == "185.220.101.4"));
    assert_eq!(
        api.get("/v1.0/auditLogs/signIns?$filter=userAgent eq 'x'")
            .await
            .0,
        400
    );
    assert_eq!(
        api.get("/v1.0/auditLogs/signIns?$filter=userId ne 'x'")
            .await
            .0,
        400
    );
}

#[tokio::test]
async fn directory_audits_filters() {
    let api = Api::start(0, 0).await;
    let v = api
        .ok(&format!(
            "/v1.0/auditLogs/directoryAudits?$filter=targetResources/any(t:t/id eq '{CFO}')"
        ))
        .await;
    assert_eq!(
        v["value"][0]["activityDisplayName"],
        "User registered security info"
    );
    let v = api.ok("/v1.0/auditLogs/directoryAudits?$filter=startswith(activityDisplayName,'User registered') and activityDateTime ge 2020-01-01T00:00:00Z").await;
    assert_eq!(v["value"].as_array().unwrap().len(), 1);
    let v = api.ok(&format!("/v1.0/auditLogs/directoryAudits?$filter=initiatedBy/user/userPrincipalName eq 'cfo@{}'", sample::DOMAIN)).await;
    assert_eq!(v["value"].as_array().unwrap().len(), 1);
    let v = api
        .ok("/v1.0/auditLogs/directoryAudits?$filter=loggedByService eq 'Core Directory'")
        .await;
    assert!(v["value"].as_array().unwrap().is_empty());
    let v = api
        .ok("/v1.0/auditLogs/directoryAudits?$filter=activityDateTime le 2020-01-01T00:00:00Z")
        .await;
    assert!(v["value"].as_array().unwrap().is_empty());
    assert_eq!(
        api.get("/v1.0/auditLogs/directoryAudits?$filter=resultReason eq 'x'")
            .await
            .0,
        400
    );
    assert_eq!(
        api.get("/v1.0/auditLogs/directoryAudits?$orderby=category")
            .await
            .0,
        400
    );
    assert_eq!(
        api.ok("/v1.0/auditLogs/directoryAudits?$orderby=activityDateTime asc")
            .await["value"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn methods_mailbox_and_grants_reads() {
    let api = Api::start(0, 0).await;
    let v = api
        .ok(&format!("/v1.0/users/{CFO}/authentication/methods"))
        .await;
    let types: Vec<&str> = v["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["@odata.type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"#microsoft.graph.phoneAuthenticationMethod"));
    assert!(types.contains(&"#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"));
    assert!(types.contains(&"#microsoft.graph.passwordAuthenticationMethod"));
    assert_eq!(
        api.get(&format!("/v1.0/users/{CFO}/authentication/methods?$top=1"))
            .await
            .0,
        400,
        "no query options"
    );
    let phones = api
        .ok(&format!("/v1.0/users/{CFO}/authentication/phoneMethods"))
        .await;
    assert_eq!(phones["value"][0]["phoneNumber"], "+1 5555550100");
    // An Authentication Administrator sees masked numbers.
    let aa = api.sim.mint_delegated_token(
        sample::AUTH_ADMIN_USER,
        &api.sim.apps.full.client_id,
        &["UserAuthenticationMethod.Read.All"],
    );
    let (s, body, _) = api
        .call(
            &format!("/v1.0/users/{CFO}/authentication/phoneMethods"),
            &aa,
            false,
        )
        .await;
    assert_eq!(s, 200);
    assert!(
        body.contains("+1 XXXXXXXX00") && !body.contains("5555550100"),
        "{body}"
    );
    let pw = api
        .ok(&format!(
            "/v1.0/users/{ADMIN}/authentication/passwordMethods"
        ))
        .await;
    assert_eq!(pw["value"][0]["id"], "28c10230-6103-485e-b985-444c60001490");
    let app = api
        .ok(&format!(
            "/beta/users/{CFO}/authentication/microsoftAuthenticatorMethods/{}",
            sample::AUTHENTICATOR_ID
        ))
        .await;
    assert_eq!(app["displayName"], "SM-A515F");
    assert!(app.get("clientAppName").is_some());

    let rules = api
        .ok(&format!("/v1.0/users/{CFO}/mailFolders/inbox/messageRules"))
        .await;
    let list = rules["value"].as_array().unwrap();
    assert_eq!(list.len(), 2, "the hidden rule is never listed");
    assert!(list.iter().all(|r| r["id"] != RULE_HIDDEN));
    let shell = list.iter().find(|r| r["id"] == RULE_SHELL).unwrap();
    assert!(shell["isReadOnly"] == true && shell.get("actions").is_none());
    assert_eq!(
        api.get(&format!(
            "/v1.0/users/{CFO}/mailFolders/inbox/messageRules/{RULE_HIDDEN}"
        ))
        .await
        .0,
        404
    );
    let (s, v) = api
        .get(&format!(
            "/v1.0/users/{NO_MAILBOX}/mailFolders/inbox/messageRules"
        ))
        .await;
    assert_eq!((s, error_code(&v)), (404, "MailboxNotEnabledForRESTAPI"));
    let folders = api
        .ok(&format!("/v1.0/users/{CFO}/mailFolders?$top=20"))
        .await;
    assert!(folders["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["displayName"] == "RSS Feeds"));
    assert_eq!(
        api.ok(&format!("/v1.0/users/{CFO}/mailFolders/rssfeeds"))
            .await["id"],
        "AAMkRss"
    );
    assert_eq!(
        api.ok(&format!("/v1.0/users/{CFO}/mailboxSettings")).await["automaticRepliesSetting"]
            ["status"],
        "disabled"
    );

    let mine = api
        .ok(&format!("/v1.0/users/{CFO}/oauth2PermissionGrants"))
        .await;
    assert_eq!(
        mine["value"].as_array().unwrap().len(),
        1,
        "AllPrincipals grants are not per-user"
    );
    assert_eq!(mine["value"][0]["consentType"], "Principal");
    let by_client = api
        .ok(&format!(
            "/v1.0/oauth2PermissionGrants?$filter=clientId eq '{}'",
            sample::TEAMS_SP
        ))
        .await;
    assert_eq!(by_client["value"][0]["consentType"], "AllPrincipals");
    assert_eq!(
        api.ok(&format!("/v1.0/servicePrincipals/{}", sample::EVIL_SP))
            .await["displayName"],
        "PDF Viewer Online"
    );
    assert_eq!(
        api.get(&format!("/v1.0/users/{GUEST}/authentication/methods"))
            .await
            .0,
        200
    );
}
