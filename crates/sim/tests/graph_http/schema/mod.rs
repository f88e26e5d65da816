//! Schema fidelity: every property of every JSON object the simulator's Graph endpoints serve
//! exists in the real schema (tests/data/graph-schema.json, extracted by
//! scripts/extract_schema.py from v1.0-Prod.csdl and the beta type lists) with the right type;
//! v1.0 answers are checked against v1.0, beta against beta, polymorphic objects against their
//! `@odata.type`. Also: every permission the handlers require is in the catalog.

mod checker;
mod named_location;

use super::support;
use checker::{Report, Schema};
use reclaim_sim::graph::sample::{self, ADMIN, CFO, HELPDESK_USER, RULE_MOVE, SALES};
use reclaim_sim::{self as sim, Profile, SimConfig};
use reqwest::Method;
use serde_json::{json, Value};
use support::Api;

const SCHEMA: &str = include_str!("../../data/graph-schema.json");
const PERMISSIONS: &str = include_str!("../../data/graph-permissions.json");
const MG: &str = "microsoft.graph.";
const PASSWORD: &str = "28c10230-6103-485e-b985-444c60001490";

/// Whose data the sweep reads: a user with methods, a mailbox, grants and a manager; a user
/// with a directory role; a service principal.
struct Subjects {
    rich: String,
    admin: String,
    sp: String,
    device: String,
    group: String,
}

/// (path under the version root, served type) for every GET endpoint.
fn endpoints(who: &Subjects) -> Vec<(String, &'static str)> {
    let (rich, admin, sp) = (&who.rich, &who.admin, &who.sp);
    let device = &who.device;
    let group = &who.group;
    let props = "id,accountEnabled,businessPhones,companyName,createdDateTime,department,displayName,givenName,jobTitle,lastPasswordChangeDateTime,mail,mobilePhone,officeLocation,onPremisesSyncEnabled,otherMails,preferredLanguage,signInActivity,signInSessionsValidFromDateTime,surname,usageLocation,userPrincipalName,userType";
    let auth = format!("/users/{rich}/authentication");
    let methods = [
        ("methods", "authenticationMethod"),
        ("phoneMethods", "phoneAuthenticationMethod"),
        (
            "microsoftAuthenticatorMethods",
            "microsoftAuthenticatorAuthenticationMethod",
        ),
        ("softwareOathMethods", "softwareOathAuthenticationMethod"),
        ("fido2Methods", "fido2AuthenticationMethod"),
        ("emailMethods", "emailAuthenticationMethod"),
        (
            "windowsHelloForBusinessMethods",
            "windowsHelloForBusinessAuthenticationMethod",
        ),
        ("passwordMethods", "passwordAuthenticationMethod"),
        (
            "temporaryAccessPassMethods",
            "temporaryAccessPassAuthenticationMethod",
        ),
    ];
    let mut list: Vec<(String, &'static str)> = vec![
        ("/users".into(), "user"),
        ("/subscribedSkus".into(), "subscribedSku"),
        (format!("/users?$select={props}"), "user"),
        (format!("/users/{rich}?$select=aboutMe,{props}"), "user"),
        (format!("/users/{rich}/manager"), "directoryObject"),
        ("/users?$select=id,displayName&$expand=manager".into(), "user"),
        (
            format!("/users/{rich}?$expand=manager($select=id,displayName,jobTitle)"),
            "user",
        ),
        (
            "/users?$select=id,signInActivity&$filter=signInActivity/lastSignInDateTime ge 2000-01-01T00:00:00Z".into(),
            "user",
        ),
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
        (format!("/users/{rich}/registeredDevices"), "directoryObject"),
        (format!("/users/{rich}/ownedDevices"), "directoryObject"),
        ("/devices".into(), "device"),
        (format!("/devices/{device}"), "device"),
        (format!("/groups/{group}"), "group"),
        (format!("/groups/{group}/members"), "directoryObject"),
        ("/applications".into(), "application"),
        (
            "/applications?$select=id,keyCredentials,passwordCredentials".into(),
            "application",
        ),
        (
            format!("/servicePrincipals/{sp}?$select=id,keyCredentials"),
            "servicePrincipal",
        ),
        (
            format!("/users/{rich}/appRoleAssignments"),
            "appRoleAssignment",
        ),
        (
            format!("/servicePrincipals/{sp}/appRoleAssignedTo"),
            "appRoleAssignment",
        ),
    ];
    list.extend(
        methods
            .iter()
            .map(|(seg, ty)| (format!("{auth}/{seg}"), *ty)),
    );
    list
}

/// Mutations first, so the audit log, TAPs and history hold every record shape.
async fn mutate(api: &Api) {
    let calls = [
        (Method::PATCH, format!("/v1.0/users/{SALES}"), Some(json!({"accountEnabled": false, "jobTitle": "VP Sales"})), 204),
        (Method::POST, format!("/v1.0/users/{SALES}/revokeSignInSessions"), Some(json!({})), 200),
        (Method::DELETE, format!("/v1.0/users/{CFO}/authentication/phoneMethods/b6332ec1-7057-4abe-9331-3d72feddfe41"), None, 204),
        (Method::POST, "/v1.0/identityProtection/riskyUsers/confirmCompromised".into(), Some(json!({"userIds": [CFO]})), 204),
        (Method::DELETE, format!("/v1.0/oauth2PermissionGrants/{}", sample::GRANT_ALL), None, 204),
        (Method::PATCH, format!("/v1.0/devices/{}", reclaim_sim::graph::sample_devices::SALES_LAPTOP), Some(json!({"accountEnabled": false})), 204),
        (Method::POST, "/v1.0/roleManagement/directory/roleAssignments".into(), Some(json!({"principalId": SALES, "roleDefinitionId": "194ae4cb-b126-40b2-bd5b-6091b380977d", "directoryScopeId": "/"})), 201),
        (Method::POST, format!("/v1.0/groups/{}/members/$ref", reclaim_sim::graph::sample_groups::PAYROLL_ADMINS), Some(json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{SALES}")})), 204),
        (Method::DELETE, format!("/v1.0/groups/{}/members/{CFO}/$ref", reclaim_sim::graph::sample_groups::FINANCE_APPROVERS), None, 204),
        (Method::POST, format!("/v1.0/users/{CFO}/authentication/temporaryAccessPassMethods"), Some(json!({"lifetimeInMinutes": 60})), 201),
        (Method::POST, format!("/v1.0/applications/{}/removePassword", reclaim_sim::graph::sample_apps::PAYROLL_APP), Some(json!({"keyId": reclaim_sim::graph::sample_apps::ATTACKER_SECRET})), 204),
    ];
    for (method, path, body, status) in calls {
        api.expect(method, &path, body, status).await;
    }
}

/// Beta-only GET endpoints (v1.0 answers them with 400).
fn beta_endpoints(who: &Subjects) -> Vec<(String, &'static str)> {
    vec![(
        format!("/users/{}/authentication/signInPreferences", who.rich),
        "signInPreferences",
    )]
}

/// Reads every GET endpoint on one version and checks what it serves.
async fn sweep(api: &Api, who: &Subjects, version: &str, schema: &Schema<'_>, r: &mut Report) {
    let beta_only = if version == "beta" {
        beta_endpoints(who)
    } else {
        Vec::new()
    };
    for (path, ty) in endpoints(who).into_iter().chain(beta_only) {
        let reply = api.try_get(&format!("/{version}{path}")).await;
        if reply.status == 404 && path.ends_with("/manager") && r.allow_empty {
            continue;
        }
        assert_eq!(reply.status, 200, "/{version}{path}: {}", reply.text);
        schema.check_body(
            &reply.body,
            &format!("{MG}{ty}"),
            &format!("{version}{path}"),
            r,
        );
    }
}

#[tokio::test]
async fn every_served_property_is_in_the_schema_with_its_type() {
    let doc: Value = serde_json::from_str(SCHEMA).expect("schema extract");
    let api = Api::start(5, 60).await;
    mutate(&api).await;
    let admin = api.delegated(
        ADMIN,
        &["User.Read", "UserAuthenticationMethod.ReadWrite.All"],
    );
    let who = Subjects {
        rich: CFO.into(),
        admin: ADMIN.into(),
        sp: sample::EVIL_SP.into(),
        device: reclaim_sim::graph::sample_devices::CFO_LAPTOP.into(),
        group: reclaim_sim::graph::sample_groups::ALL_STAFF.into(),
    };
    let mut report = Report::new(false);
    for (version, phone_user, phone_type) in
        [("v1.0", HELPDESK_USER, "mobile"), ("beta", SALES, "office")]
    {
        let schema = Schema {
            root: &doc[version],
        };
        sweep(&api, &who, version, &schema, &mut report).await;
        let mut check = |body: &Value, ty: &str, what: &str| {
            schema.check_body(
                body,
                &format!("{MG}{ty}"),
                &format!("{version} {what}"),
                &mut report,
            )
        };
        let me = api
            .send_as(&admin, Method::GET, &format!("/{version}/me"), None)
            .await;
        check(&me.body, "user", "/me");
        if version == "beta" {
            let non = api.get("/beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'nonInteractiveUser')").await;
            check(&non, "signIn", "non-interactive signIns");
        }
        // Bodies of writes.
        let auth = format!("/{version}/users/{phone_user}/authentication");
        let phone = json!({"phoneNumber": "+1 5555550177", "phoneType": phone_type});
        check(
            &api.expect(
                Method::POST,
                &format!("{auth}/phoneMethods"),
                Some(phone),
                201,
            )
            .await
            .body,
            "phoneAuthenticationMethod",
            "POST phoneMethods",
        );
        let tap = api
            .expect(
                Method::POST,
                &format!("{auth}/temporaryAccessPassMethods"),
                None,
                201,
            )
            .await;
        check(
            &tap.body,
            "temporaryAccessPassAuthenticationMethod",
            "POST temporaryAccessPassMethods",
        );
        let rules = format!("/{version}/users/{CFO}/mailFolders/inbox/messageRules");
        let rule = json!({"displayName": "r", "sequence": 5, "conditions": {"senderContains": ["x"], "importance": "high"}, "actions": {"delete": true, "markImportance": "low"}});
        check(
            &api.expect(Method::POST, &rules, Some(rule), 201).await.body,
            "messageRule",
            "POST messageRules",
        );
        let patched = api
            .expect(
                Method::PATCH,
                &format!("{rules}/{RULE_MOVE}"),
                Some(json!({"isEnabled": false})),
                200,
            )
            .await;
        check(&patched.body, "messageRule", "PATCH messageRules");
        let settings = json!({
            "automaticRepliesSetting": {"status": "AlwaysEnabled", "externalReplyMessage": "away"},
            "timeZone": "Europe/London",
            "workingHours": {"daysOfWeek": ["Monday"], "startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000"}
        });
        let patched = api
            .expect(
                Method::PATCH,
                &format!("/{version}/users/{CFO}/mailboxSettings"),
                Some(settings),
                200,
            )
            .await;
        check(&patched.body, "mailboxSettings", "PATCH mailboxSettings");
        let own = api
            .send_as(
                &admin,
                Method::GET,
                &format!("/{version}/me/authentication/methods"),
                None,
            )
            .await;
        assert_eq!(own.status, 200, "{}", own.text);
        check(
            &own.body,
            "authenticationMethod",
            "/me/authentication/methods",
        );
        let reset =
            format!("/{version}/users/{CFO}/authentication/methods/{PASSWORD}/resetPassword");
        let accepted = api
            .send_as(&admin, Method::POST, &reset, Some(json!({})))
            .await;
        assert_eq!(accepted.status, 202, "{}", accepted.text);
        let location = accepted.headers["location"]
            .to_str()
            .expect("location")
            .to_string();
        let op = api.send_as(&admin, Method::GET, &location, None).await;
        check(&op.body, "longRunningOperation", "GET operations");
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
        .find(|a| {
            t.users
                .iter()
                .any(|u| *u.id == *a.principal_id && !u.deleted)
        })
        .map(|a| a.principal_id.clone())
        .expect("an admin");
    let sp = t
        .service_principals
        .first()
        .map(|s| s.id.clone())
        .expect("a service principal");
    // Every rule's target folder is a folder of its mailbox (the simulator refuses others).
    for mbx in t.mailboxes.values() {
        for r in mbx.rules.iter().chain(&mbx.hidden_rules) {
            for f in [&r.actions.move_to_folder, &r.actions.copy_to_folder]
                .into_iter()
                .flatten()
            {
                assert!(mbx.folders().iter().any(|x| &x.id == f), "{r:?}");
            }
        }
    }
    let device = t.devices.first().map(|d| d.id.clone()).expect("a device");
    let group = t.groups.first().map(|g| g.id.clone()).expect("a group");
    let api = Api::start_with(SimConfig::with_profile(Profile::Fast), scenario).await;
    let who = Subjects {
        rich,
        admin,
        sp,
        device,
        group,
    };
    let mut report = Report::new(true);
    for version in ["v1.0", "beta"] {
        sweep(
            &api,
            &who,
            version,
            &Schema {
                root: &doc[version],
            },
            &mut report,
        )
        .await;
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
    // Beta-only properties are refused on v1.0 and accepted on beta.
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
    // signInPreferences (beta only): its two properties, the enum's members, nothing else.
    let prefs = json!({"@odata.type": "#microsoft.graph.signInPreferences",
        "isSystemPreferredAuthenticationMethodEnabled": false,
        "userPreferredMethodForSecondaryAuthentication": "push"});
    beta.check_object(
        prefs.as_object().unwrap(),
        &format!("{MG}signInPreferences"),
        "prefs",
        &mut rb,
    );
    assert!(rb.errors.is_empty(), "{:?}", rb.errors);
    let wrong = json!({"userPreferredMethodForSecondaryAuthentication": "pigeon",
        "systemPreferredAuthenticationMethod": "push"});
    beta.check_object(
        wrong.as_object().unwrap(),
        &format!("{MG}signInPreferences"),
        "bad",
        &mut rb,
    );
    assert_eq!(rb.errors.len(), 2, "{:?}", rb.errors);
    assert!(
        schema.ty(&format!("{MG}signInPreferences")).is_none(),
        "not on v1.0"
    );
}

#[test]
fn every_required_permission_is_in_the_catalog() {
    let doc: Value = serde_json::from_str(PERMISSIONS).expect("permission extract");
    let catalog = doc["permissions"].as_object().expect("permissions");
    let mut seen = 0;
    for list in reclaim_sim::graph::perms::ALL {
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
    for name in reclaim_sim::graph::perms::PASSWORD_RESET {
        let schemes = catalog[*name].as_array().expect("schemes");
        assert!(schemes.iter().any(|s| s == "DelegatedWork"), "{name}");
    }
}
