//! Schema fidelity: every property of every JSON object the simulator's Graph endpoints serve
//! exists in the real schema (tests/data/graph-schema.json, extracted by
//! scripts/extract_schema.py from v1.0-Prod.csdl and the beta type lists) with the right type;
//! v1.0 answers are checked against v1.0, beta against beta. Polymorphic objects are checked
//! against their `@odata.type`. Also: every permission the handlers require is in the catalog.

use reclaim::sim::graph::sample::{self, ADMIN, CFO, HELPDESK_USER, RULE_MOVE, SALES};
use reclaim::sim::{self, Profile, SimConfig, SimHandle};
use serde_json::{json, Map, Value};

const SCHEMA: &str = include_str!("data/graph-schema.json");
const PERMISSIONS: &str = include_str!("data/graph-permissions.json");

struct Schema<'a> {
    root: &'a Value,
}

struct Report {
    errors: Vec<String>,
    checked: usize,
    /// Sample data has every collection filled; generated data may not.
    allow_empty: bool,
}

impl Report {
    fn new(allow_empty: bool) -> Report {
        Report {
            errors: Vec::new(),
            checked: 0,
            allow_empty,
        }
    }
}

impl Schema<'_> {
    fn ty(&self, name: &str) -> Option<&Map<String, Value>> {
        self.root["types"][name].as_object()
    }

    fn is_a(&self, actual: &str, declared: &str) -> bool {
        let mut cur = Some(actual.to_string());
        while let Some(t) = cur {
            if t == declared {
                return true;
            }
            cur = self
                .ty(&t)
                .and_then(|d| d["base"].as_str())
                .map(String::from);
        }
        false
    }

    /// The property's declared type (`Ok(None)` = known name, type not in the lists).
    fn property(&self, ty: &str, name: &str) -> Result<Option<String>, ()> {
        let mut cur = Some(ty.to_string());
        while let Some(t) = cur {
            let def = self.ty(&t).ok_or(())?;
            for section in ["properties", "navigation"] {
                if let Some(p) = def[section].get(name) {
                    return Ok(p.as_str().map(String::from));
                }
            }
            cur = def["base"].as_str().map(String::from);
        }
        Err(())
    }

    fn check_object(&self, obj: &Map<String, Value>, declared: &str, path: &str, r: &mut Report) {
        let actual = obj
            .get("@odata.type")
            .and_then(Value::as_str)
            .map(|t| t.trim_start_matches('#').to_string())
            .unwrap_or_else(|| declared.to_string());
        if self.ty(&actual).is_none() || !self.is_a(&actual, declared) {
            r.errors.push(format!(
                "{path}: type {actual} is not a {declared} in the schema"
            ));
            return;
        }
        for (k, v) in obj {
            if k.starts_with('@') {
                continue;
            }
            match self.property(&actual, k) {
                Err(()) => r
                    .errors
                    .push(format!("{path}: {actual} has no property '{k}'")),
                Ok(Some(t)) => self.check_value(v, &t, &format!("{path}.{k}"), r),
                Ok(None) => r.checked += 1,
            }
        }
    }

    fn check_value(&self, v: &Value, ty: &str, path: &str, r: &mut Report) {
        r.checked += 1;
        if v.is_null() {
            return;
        }
        if let Some(inner) = ty
            .strip_prefix("Collection(")
            .and_then(|t| t.strip_suffix(')'))
        {
            match v.as_array() {
                Some(items) => items
                    .iter()
                    .enumerate()
                    .for_each(|(i, x)| self.check_value(x, inner, &format!("{path}[{i}]"), r)),
                None => r.errors.push(format!("{path}: expected {ty}, got {v}")),
            }
            return;
        }
        let ok = match ty {
            "Edm.String" | "Edm.Binary" | "Edm.Duration" | "Edm.TimeOfDay" => v.is_string(),
            "Edm.Boolean" => v.is_boolean(),
            "Edm.Int16" | "Edm.Int32" | "Edm.Int64" | "Edm.Byte" => v.is_i64() || v.is_u64(),
            "Edm.Double" | "Edm.Single" | "Edm.Decimal" => v.is_number(),
            "Edm.DateTimeOffset" => v
                .as_str()
                .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()),
            "Edm.Date" => v
                .as_str()
                .is_some_and(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()),
            "Edm.Guid" => v.as_str().is_some_and(|s| uuid::Uuid::parse_str(s).is_ok()),
            _ => {
                if let Some(members) = self.root["enums"][ty]["members"].as_array() {
                    v.as_str().is_some_and(|s| {
                        s.split(',').all(|m| members.iter().any(|x| x == m.trim()))
                    })
                } else if self.ty(ty).is_some() {
                    match v.as_object() {
                        Some(o) => {
                            self.check_object(o, ty, path, r);
                            true
                        }
                        None => false,
                    }
                } else {
                    r.errors
                        .push(format!("{path}: type {ty} is not in the extract"));
                    true
                }
            }
        };
        if !ok {
            r.errors.push(format!("{path}: {v} is not a valid {ty}"));
        }
    }

    /// A served body: a collection (`value`) of `ty`, or one `ty`.
    fn check_body(&self, body: &Value, ty: &str, path: &str, r: &mut Report) {
        assert!(
            body["@odata.context"].is_string(),
            "{path}: no @odata.context in {body}"
        );
        match body.get("value").and_then(Value::as_array) {
            Some(items) => {
                assert!(
                    r.allow_empty || !items.is_empty(),
                    "{path}: empty collection proves nothing"
                );
                for (i, item) in items.iter().enumerate() {
                    match item.as_object() {
                        Some(o) => self.check_object(o, ty, &format!("{path}[{i}]"), r),
                        None => r.errors.push(format!("{path}[{i}]: not an object")),
                    }
                }
            }
            None => match body.as_object() {
                Some(o) => self.check_object(o, ty, path, r),
                None => r.errors.push(format!("{path}: not an object")),
            },
        }
    }
}

struct Api {
    sim: SimHandle,
    http: reqwest::Client,
    token: String,
}

impl Api {
    async fn send(
        &self,
        token: &str,
        method: reqwest::Method,
        url: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = if url.starts_with("http") {
            url.to_string()
        } else {
            format!("{}{url}", self.sim.graph_url)
        };
        let mut req = self.http.request(method, url).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

const MG: &str = "microsoft.graph.";

/// (path under the version root, served type) for every GET endpoint.
/// Whose data the sweep reads: a user with methods, a mailbox, grants and a manager; a user
/// with a directory role; a service principal.
struct Subjects {
    rich: String,
    admin: String,
    sp: String,
}

fn endpoints(who: &Subjects) -> Vec<(String, &'static str)> {
    let (rich, admin, sp) = (&who.rich, &who.admin, &who.sp);
    let user_props = "id,accountEnabled,businessPhones,companyName,createdDateTime,department,displayName,givenName,jobTitle,lastPasswordChangeDateTime,mail,mobilePhone,officeLocation,onPremisesSyncEnabled,otherMails,preferredLanguage,signInActivity,signInSessionsValidFromDateTime,surname,usageLocation,userPrincipalName,userType";
    let auth = format!("/users/{rich}/authentication");
    vec![
        ("/users".into(), "user"),
        (format!("/users?$select={user_props}"), "user"),
        (
            format!("/users/{rich}?$select=aboutMe,{user_props}"),
            "user",
        ),
        (format!("/users/{rich}/manager"), "directoryObject"),
        (format!("/users/{admin}/memberOf"), "directoryObject"),
        (
            format!("/users/{admin}/memberOf/microsoft.graph.directoryRole"),
            "directoryRole",
        ),
        ("/directoryRoles".into(), "directoryRole"),
        (
            "/roleManagement/directory/roleAssignments?$expand=roleDefinition".into(),
            "unifiedRoleAssignment",
        ),
        (
            "/roleManagement/directory/roleDefinitions".into(),
            "unifiedRoleDefinition",
        ),
        (
            "/identityProtection/riskyUsers?$top=500".into(),
            "riskyUser",
        ),
        (
            format!("/identityProtection/riskyUsers/{rich}/history"),
            "riskyUserHistoryItem",
        ),
        ("/identityProtection/riskDetections".into(), "riskDetection"),
        ("/auditLogs/signIns".into(), "signIn"),
        ("/auditLogs/directoryAudits".into(), "directoryAudit"),
        (format!("{auth}/methods"), "authenticationMethod"),
        (format!("{auth}/phoneMethods"), "phoneAuthenticationMethod"),
        (
            format!("{auth}/microsoftAuthenticatorMethods"),
            "microsoftAuthenticatorAuthenticationMethod",
        ),
        (
            format!("{auth}/softwareOathMethods"),
            "softwareOathAuthenticationMethod",
        ),
        (format!("{auth}/fido2Methods"), "fido2AuthenticationMethod"),
        (format!("{auth}/emailMethods"), "emailAuthenticationMethod"),
        (
            format!("{auth}/windowsHelloForBusinessMethods"),
            "windowsHelloForBusinessAuthenticationMethod",
        ),
        (
            format!("{auth}/passwordMethods"),
            "passwordAuthenticationMethod",
        ),
        (
            format!("{auth}/temporaryAccessPassMethods"),
            "temporaryAccessPassAuthenticationMethod",
        ),
        (
            format!("/users/{rich}/mailFolders/inbox/messageRules"),
            "messageRule",
        ),
        (format!("/users/{rich}/mailFolders?$top=50"), "mailFolder"),
        (format!("/users/{rich}/mailFolders/inbox"), "mailFolder"),
        (format!("/users/{rich}/mailboxSettings"), "mailboxSettings"),
        (
            format!("/users/{rich}/oauth2PermissionGrants"),
            "oAuth2PermissionGrant",
        ),
        ("/oauth2PermissionGrants".into(), "oAuth2PermissionGrant"),
        ("/servicePrincipals".into(), "servicePrincipal"),
        (format!("/servicePrincipals/{sp}"), "servicePrincipal"),
    ]
}

/// Mutations first, so the audit log, TAPs and history hold every record shape.
async fn mutate(api: &Api) {
    use reqwest::Method;
    let t = api.token.clone();
    let calls = [
        (Method::PATCH, format!("/v1.0/users/{SALES}"), json!({"accountEnabled": false, "jobTitle": "VP Sales"}), 204),
        (Method::POST, format!("/v1.0/users/{SALES}/revokeSignInSessions"), json!({}), 200),
        (Method::DELETE, format!("/v1.0/users/{CFO}/authentication/phoneMethods/b6332ec1-7057-4abe-9331-3d72feddfe41"), Value::Null, 204),
        (Method::POST, "/v1.0/identityProtection/riskyUsers/confirmCompromised".into(), json!({"userIds": [CFO]}), 204),
        (Method::DELETE, format!("/v1.0/oauth2PermissionGrants/{}", sample::GRANT_ALL), Value::Null, 204),
        (Method::POST, format!("/v1.0/users/{CFO}/authentication/temporaryAccessPassMethods"), json!({"lifetimeInMinutes": 60}), 201),
    ];
    for (m, path, body, want) in calls {
        let body = (!body.is_null()).then_some(body);
        let (s, v) = api.send(&t, m, &path, body).await;
        assert_eq!(s, want, "{path}: {v}");
    }
}

#[tokio::test]
async fn every_served_property_is_in_the_schema_with_its_type() {
    let doc: Value = serde_json::from_str(SCHEMA).expect("schema extract");
    let cfg = SimConfig::with_profile(Profile::Fast);
    let sim = sim::start_with(cfg, sample::sample_tenant(5, 60))
        .await
        .expect("starts");
    let token = sim.mint_app_token(&sim.apps.full.client_id);
    let api = Api {
        sim,
        http: reqwest::Client::new(),
        token,
    };
    mutate(&api).await;
    let admin = api.sim.mint_delegated_token(
        ADMIN,
        &api.sim.apps.full.client_id,
        &["User.Read", "UserAuthenticationMethod.ReadWrite.All"],
    );
    let who = Subjects {
        rich: CFO.into(),
        admin: ADMIN.into(),
        sp: sample::EVIL_SP.into(),
    };
    let mut report = Report::new(false);
    for (version, key, phone_user) in [("v1.0", "v1.0", HELPDESK_USER), ("beta", "beta", SALES)] {
        let schema = Schema { root: &doc[key] };
        let check = |body: &Value, ty: &str, what: &str, r: &mut Report| {
            schema.check_body(body, &format!("{MG}{ty}"), &format!("{version}{what}"), r)
        };
        for (path, ty) in endpoints(&who) {
            let (s, body) = api
                .send(
                    &api.token,
                    reqwest::Method::GET,
                    &format!("/{version}{path}"),
                    None,
                )
                .await;
            assert_eq!(s, 200, "/{version}{path}: {body}");
            check(&body, ty, &path, &mut report);
        }
        let (_, me) = api
            .send(
                &admin,
                reqwest::Method::GET,
                &format!("/{version}/me"),
                None,
            )
            .await;
        check(&me, "user", "/me", &mut report);
        let (s, non_interactive) = api
            .send(&api.token, reqwest::Method::GET, "/beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'nonInteractiveUser')", None)
            .await;
        assert_eq!(s, 200);
        if version == "beta" {
            check(
                &non_interactive,
                "signIn",
                "/auditLogs/signIns?nonInteractive",
                &mut report,
            );
        }
        // Bodies of writes.
        let phone = json!({"phoneNumber": "+1 5555550177", "phoneType": if version == "beta" { "office" } else { "mobile" }});
        let (s, created) = api
            .send(
                &api.token,
                reqwest::Method::POST,
                &format!("/{version}/users/{phone_user}/authentication/phoneMethods"),
                Some(phone),
            )
            .await;
        assert_eq!(s, 201, "{created}");
        check(
            &created,
            "phoneAuthenticationMethod",
            "POST phoneMethods",
            &mut report,
        );
        let (s, tap) = api
            .send(
                &api.token,
                reqwest::Method::POST,
                &format!("/{version}/users/{phone_user}/authentication/temporaryAccessPassMethods"),
                None,
            )
            .await;
        assert_eq!(s, 201);
        check(
            &tap,
            "temporaryAccessPassAuthenticationMethod",
            "POST temporaryAccessPassMethods",
            &mut report,
        );
        let rules = format!("/{version}/users/{CFO}/mailFolders/inbox/messageRules");
        let rule = json!({"displayName": "r", "sequence": 5, "conditions": {"senderContains": ["x"], "importance": "high"}, "actions": {"delete": true, "markImportance": "low"}});
        let (s, created) = api
            .send(&api.token, reqwest::Method::POST, &rules, Some(rule))
            .await;
        assert_eq!(s, 201, "{created}");
        check(&created, "messageRule", "POST messageRules", &mut report);
        let (s, patched) = api
            .send(
                &api.token,
                reqwest::Method::PATCH,
                &format!("{rules}/{RULE_MOVE}"),
                Some(json!({"isEnabled": false})),
            )
            .await;
        assert_eq!(s, 200);
        check(&patched, "messageRule", "PATCH messageRules", &mut report);
        let reset = format!("/{version}/users/{CFO}/authentication/methods/28c10230-6103-485e-b985-444c60001490/resetPassword");
        let resp = api
            .http
            .post(format!("{}{reset}", api.sim.graph_url))
            .bearer_auth(&admin)
            .json(&json!({}))
            .send()
            .await
            .expect("reset");
        assert_eq!(resp.status(), 202);
        let location = resp.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        let (_, op) = api
            .send(&admin, reqwest::Method::GET, &location, None)
            .await;
        check(&op, "longRunningOperation", "GET operations", &mut report);
    }
    assert!(
        report.errors.is_empty(),
        "{} schema violations:\n{}",
        report.errors.len(),
        report.errors.join("\n")
    );
    assert!(
        report.checked > 5000,
        "only {} values checked",
        report.checked
    );
}

/// The generated `campaign-2024` tenant, read through every GET endpoint on both versions.
#[tokio::test]
async fn generated_tenant_serves_schema_valid_objects() {
    let doc: Value = serde_json::from_str(SCHEMA).expect("schema extract");
    let scenario =
        sim::scenario::generate("campaign-2024", 300, 7, chrono::Utc::now()).expect("generates");
    let rich = scenario
        .truth
        .compromised()
        .max_by_key(|a| {
            a.malicious_rule_ids.len() + a.attacker_method_ids.len() + a.malicious_grant_ids.len()
        })
        .map(|a| a.user_id.clone())
        .expect("a compromised account");
    let t = &scenario.tenant;
    let admin = t
        .role_assignments
        .iter()
        .find(|a| t.users.iter().any(|u| u.id == a.principal_id && !u.deleted))
        .map(|a| a.principal_id.clone())
        .expect("an admin");
    let sp = t
        .service_principals
        .first()
        .map(|s| s.id.clone())
        .expect("a service principal");
    let cfg = SimConfig::with_profile(Profile::Fast);
    let sim = sim::start_with(cfg, scenario).await.expect("starts");
    let token = sim.mint_app_token(&sim.apps.full.client_id);
    let api = Api {
        sim,
        http: reqwest::Client::new(),
        token,
    };
    let who = Subjects { rich, admin, sp };
    let mut report = Report::new(true);
    for version in ["v1.0", "beta"] {
        let schema = Schema {
            root: &doc[version],
        };
        for (path, ty) in endpoints(&who) {
            let (s, body) = api
                .send(
                    &api.token,
                    reqwest::Method::GET,
                    &format!("/{version}{path}"),
                    None,
                )
                .await;
            if s == 404 && path.contains("/manager") {
                continue;
            }
            assert_eq!(s, 200, "/{version}{path}: {body}");
            schema.check_body(
                &body,
                &format!("{MG}{ty}"),
                &format!("{version}{path}"),
                &mut report,
            );
        }
    }
    assert!(
        report.errors.is_empty(),
        "{} schema violations:\n{}",
        report.errors.len(),
        report.errors.join("\n")
    );
    assert!(
        report.checked > 5000,
        "only {} values checked",
        report.checked
    );
}

#[test]
fn the_checker_catches_wrong_names_types_and_enum_members() {
    let doc: Value = serde_json::from_str(SCHEMA).expect("schema extract");
    let schema = Schema { root: &doc["v1.0"] };
    let mut r = Report::new(false);
    let bad = json!({
        "id": "x", "riskLevel": "severe", "isDeleted": "no", "riskLastUpdatedDateTime": "yesterday",
        "riskEventTypesV2": [], "userPrincipalName": 5
    });
    schema.check_object(
        bad.as_object().unwrap(),
        &format!("{MG}riskyUser"),
        "bad",
        &mut r,
    );
    assert_eq!(r.errors.len(), 5, "{:?}", r.errors);
    let poly = json!({"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "p", "phoneType": "pager"});
    schema.check_object(
        poly.as_object().unwrap(),
        &format!("{MG}authenticationMethod"),
        "poly",
        &mut r,
    );
    assert_eq!(r.errors.len(), 6);
    let wrong_base = json!({"@odata.type": "#microsoft.graph.user"});
    schema.check_object(
        wrong_base.as_object().unwrap(),
        &format!("{MG}authenticationMethod"),
        "base",
        &mut r,
    );
    assert_eq!(r.errors.len(), 7);
    // beta-only properties are refused on v1.0.
    let signin = json!({"id": "s", "autonomousSystemNumber": 1});
    schema.check_object(
        signin.as_object().unwrap(),
        &format!("{MG}signIn"),
        "v1",
        &mut r,
    );
    assert_eq!(r.errors.len(), 8);
    let beta = Schema { root: &doc["beta"] };
    let mut rb = Report::new(false);
    beta.check_object(
        signin.as_object().unwrap(),
        &format!("{MG}signIn"),
        "beta",
        &mut rb,
    );
    assert!(rb.errors.is_empty(), "{:?}", rb.errors);
}

#[test]
fn every_required_permission_is_in_the_catalog() {
    let doc: Value = serde_json::from_str(PERMISSIONS).expect("permission extract");
    let catalog = doc["permissions"].as_object().expect("permissions");
    let mut seen = 0;
    for list in reclaim::sim::graph::perms::ALL {
        assert!(!list.is_empty());
        for name in *list {
            assert!(
                catalog.contains_key(*name),
                "{name} is not in permissions.json"
            );
            seen += 1;
        }
        let mut sorted: Vec<&&str> = list.iter().collect();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), list.len(), "duplicate in {list:?}");
    }
    assert!(seen > 100);
    // resetPassword is delegated-only; its permissions must exist as delegated scopes.
    for name in reclaim::sim::graph::perms::PASSWORD_RESET {
        let schemes = catalog[*name].as_array().expect("schemes");
        assert!(schemes.iter().any(|s| s == "DelegatedWork"), "{name}");
    }
}
