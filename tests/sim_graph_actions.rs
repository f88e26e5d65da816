//! The simulator's Graph mutations over real HTTP: each state change is visible on re-read,
//! each rule violation answers Graph's error, and each change leaves the directory audit
//! records a real tenant would hold.

use reclaim::sim::graph::sample::{
    self, ADMIN, AUTHENTICATOR_ID, CFO, GUEST, HELPDESK_USER, RULE_HIDDEN, RULE_MOVE, RULE_SHELL,
    SALES,
};
use reclaim::sim::model::{AppRegistration, MethodKind};
use reclaim::sim::{self, Profile, SimConfig, SimHandle};
use reqwest::Method;
use serde_json::{json, Value};

const MOBILE: &str = "3179e48a-750b-4051-897c-87b9720928f7";
const ALT_MOBILE: &str = "b6332ec1-7057-4abe-9331-3d72feddfe41";
const OFFICE: &str = "e37fc753-ff3b-4958-9484-eaa9425c82bc";
const PASSWORD: &str = "28c10230-6103-485e-b985-444c60001490";

struct Api {
    sim: SimHandle,
    http: reqwest::Client,
    token: String,
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Api {
    async fn start() -> Api {
        let cfg = SimConfig::with_profile(Profile::Fast);
        let sim = sim::start_with(cfg, sample::sample_tenant(3, 20))
            .await
            .expect("starts");
        let token = sim.mint_app_token(&sim.apps.full.client_id);
        Api {
            sim,
            http: reqwest::Client::new(),
            token,
        }
    }

    async fn send_as(&self, token: &str, method: Method, path: &str, body: Option<Value>) -> Reply {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.sim.graph_url)
        };
        let mut req = self.http.request(method, url).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        Reply {
            status,
            headers,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.send_as(&self.token, method, path, body).await
    }

    async fn get(&self, path: &str) -> Value {
        let r = self.send(Method::GET, path, None).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        r.body
    }

    /// Directory audits about a user, newest first.
    async fn audits_for(&self, user: &str) -> Vec<Value> {
        let v = self
            .get(&format!(
                "/v1.0/auditLogs/directoryAudits?$filter=targetResources/any(t:t/id eq '{user}')"
            ))
            .await;
        v["value"].as_array().unwrap().clone()
    }

    fn delegated(&self, user: &str, scopes: &[&str]) -> String {
        self.sim
            .mint_delegated_token(user, &self.sim.apps.full.client_id, scopes)
    }
}

fn code(r: &Reply) -> &str {
    r.body["error"]["code"].as_str().unwrap_or("")
}

fn find<'a>(audits: &'a [Value], activity: &str) -> &'a Value {
    audits
        .iter()
        .find(|a| a["activityDisplayName"] == activity)
        .unwrap_or_else(|| panic!("no '{activity}' in {audits:?}"))
}

fn modified<'a>(audit: &'a Value, name: &str) -> &'a Value {
    audit["targetResources"][0]["modifiedProperties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["displayName"] == name)
        .unwrap_or_else(|| panic!("no {name} in {audit}"))
}

#[tokio::test]
async fn revoke_sessions_patch_user_and_role_rules() {
    let api = Api::start().await;
    let before = api
        .get(&format!(
            "/v1.0/users/{CFO}?$select=signInSessionsValidFromDateTime"
        ))
        .await;
    let r = api
        .send(
            Method::POST,
            &format!("/v1.0/users/{CFO}/revokeSignInSessions"),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["value"], true);
    assert!(r.body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/v1.0/$metadata#Edm.Boolean"));
    let after = api
        .get(&format!(
            "/v1.0/users/{CFO}?$select=signInSessionsValidFromDateTime"
        ))
        .await;
    assert_ne!(before, after);
    let audits = api.audits_for(CFO).await;
    let revoke = find(&audits, "Update StsRefreshTokenValidFrom Timestamp");
    assert_eq!(revoke["loggedByService"], "Core Directory");
    assert_eq!(
        revoke["initiatedBy"]["app"]["appId"],
        api.sim.apps.full.client_id.as_str()
    );
    assert!(modified(revoke, "StsRefreshTokensValidFrom")["oldValue"]
        .as_str()
        .unwrap()
        .starts_with("[\""));
    // Guests: a no-op that still answers true.
    let g0 = api
        .get(&format!(
            "/v1.0/users/{GUEST}?$select=signInSessionsValidFromDateTime"
        ))
        .await;
    assert_eq!(
        api.send(
            Method::POST,
            &format!("/v1.0/users/{GUEST}/revokeSignInSessions"),
            Some(json!({}))
        )
        .await
        .status,
        200
    );
    assert_eq!(
        api.get(&format!(
            "/v1.0/users/{GUEST}?$select=signInSessionsValidFromDateTime"
        ))
        .await,
        g0
    );
    assert!(api.audits_for(GUEST).await.is_empty());

    // Disable, with the Core Directory records.
    let r = api
        .send(
            Method::PATCH,
            &format!("/v1.0/users/{CFO}"),
            Some(json!({"accountEnabled": false, "mobilePhone": "+1 5555550199"})),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let u = api
        .get(&format!(
            "/v1.0/users/{CFO}?$select=accountEnabled,mobilePhone"
        ))
        .await;
    assert_eq!(
        (u["accountEnabled"].as_bool(), u["mobilePhone"].as_str()),
        (Some(false), Some("+1 5555550199"))
    );
    let audits = api.audits_for(CFO).await;
    assert_eq!(
        modified(find(&audits, "Disable account"), "AccountEnabled")["newValue"],
        "[false]"
    );
    let update = find(&audits, "Update user");
    assert_eq!(
        modified(update, "Mobile")["oldValue"],
        "[\"+1 5555550100\"]"
    );
    assert_eq!(
        modified(update, "Included Updated Properties")["newValue"],
        "\"AccountEnabled, Mobile\""
    );

    // Password profile: complexity, then the reset record.
    let weak = api
        .send(
            Method::PATCH,
            &format!("/v1.0/users/{SALES}"),
            Some(json!({"passwordProfile": {"password": "abc"}})),
        )
        .await;
    assert_eq!((weak.status, code(&weak)), (400, "Request_BadRequest"));
    let ok = api.send(Method::PATCH, &format!("/v1.0/users/{SALES}"), Some(json!({"passwordProfile": {"password": "Kx9!vQ2p-long", "forceChangePasswordNextSignIn": true}}))).await;
    assert_eq!(ok.status, 204);
    find(&api.audits_for(SALES).await, "Reset password");
    for bad in [
        json!({"favouriteColour": "red"}),
        json!({"id": "x"}),
        json!({"accountEnabled": "no"}),
        json!({}),
    ] {
        assert_eq!(
            api.send(Method::PATCH, &format!("/v1.0/users/{SALES}"), Some(bad))
                .await
                .status,
            400
        );
    }

    // Permissions and roles: the read-only app is refused; an app without a privileged role
    // cannot disable a Global Administrator; the full app (Privileged Authentication Admin) can.
    let ro = api.sim.mint_app_token(&api.sim.apps.read_only.client_id);
    let r = api
        .send_as(
            &ro,
            Method::PATCH,
            &format!("/v1.0/users/{SALES}"),
            Some(json!({"accountEnabled": false})),
        )
        .await;
    assert_eq!((r.status, code(&r)), (403, "Authorization_RequestDenied"));
    api.sim.register_app(AppRegistration {
        client_id: "11111111-2222-4333-8444-555555555555".into(),
        display_name: "no-role app".into(),
        application_permissions: vec!["User.EnableDisableAccount.All".into()],
        ..AppRegistration::default()
    });
    let plain = api
        .sim
        .mint_app_token("11111111-2222-4333-8444-555555555555");
    assert_eq!(
        api.send_as(
            &plain,
            Method::PATCH,
            &format!("/v1.0/users/{ADMIN}"),
            Some(json!({"accountEnabled": false}))
        )
        .await
        .status,
        403
    );
    assert_eq!(
        api.send_as(
            &plain,
            Method::PATCH,
            &format!("/v1.0/users/{SALES}"),
            Some(json!({"accountEnabled": false}))
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api.send(
            Method::PATCH,
            &format!("/v1.0/users/{ADMIN}"),
            Some(json!({"accountEnabled": true}))
        )
        .await
        .status,
        204
    );
    // A delegated Helpdesk admin may not manage methods.
    let hd = api.delegated(HELPDESK_USER, &["UserAuthenticationMethod.ReadWrite.All"]);
    let r = api
        .send_as(
            &hd,
            Method::DELETE,
            &format!("/v1.0/users/{CFO}/authentication/phoneMethods/{ALT_MOBILE}"),
            None,
        )
        .await;
    assert_eq!(r.status, 403);

    // Every mutating request is in the log, marked as such.
    let log = api.sim.request_log();
    let mutating = log.iter().filter(|e| e.is_mutating()).count();
    let non_get = log.iter().filter(|e| e.method != "GET").count();
    assert_eq!(mutating, non_get);
    assert!(mutating >= 12);
}

#[tokio::test]
async fn phone_method_rules() {
    let api = Api::start().await;
    let phones = |u: &str| format!("/v1.0/users/{u}/authentication/phoneMethods");
    let r = api
        .send(
            Method::POST,
            &phones(HELPDESK_USER),
            Some(json!({"phoneNumber": "+1 5555550123", "phoneType": "alternateMobile"})),
        )
        .await;
    assert_eq!(
        (r.status, code(&r)),
        (400, "badRequest"),
        "alternateMobile needs a mobile"
    );
    for bad in ["5555550123", "+1-5555550123", "+1 55"] {
        let r = api
            .send(
                Method::POST,
                &phones(HELPDESK_USER),
                Some(json!({"phoneNumber": bad, "phoneType": "mobile"})),
            )
            .await;
        assert_eq!((r.status, code(&r)), (400, "badRequest"), "{bad}");
    }
    let r = api
        .send(
            Method::POST,
            &phones(HELPDESK_USER),
            Some(json!({"phoneNumber": "+1 5555550123", "phoneType": "mobile"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["id"], MOBILE);
    assert_eq!(r.body["smsSignInState"], "notEnabled");
    let r = api
        .send(
            Method::POST,
            &phones(HELPDESK_USER),
            Some(json!({"phoneNumber": "+1 5555550124", "phoneType": "mobile"})),
        )
        .await;
    assert_eq!(r.status, 400, "one per type");
    let r = api
        .send(
            Method::POST,
            &phones(HELPDESK_USER),
            Some(json!({"phoneNumber": "+44 2071234567x12", "phoneType": "office"})),
        )
        .await;
    assert_eq!((r.status, r.body["id"].as_str()), (201, Some(OFFICE)));
    let audits = api.audits_for(HELPDESK_USER).await;
    assert_eq!(
        find(&audits, "Admin registered security info")["loggedByService"],
        "Authentication Methods"
    );
    let twin = find(&audits, "Update user");
    let details: Value = serde_json::from_str(
        modified(twin, "StrongAuthenticationUserDetails")["newValue"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(details[0]["VoiceOnlyPhoneNumber"], "+44 2071234567x12");

    // Type is immutable; the number changes.
    let item = format!("{}/{OFFICE}", phones(HELPDESK_USER));
    assert_eq!(
        api.send(Method::PATCH, &item, Some(json!({"phoneType": "mobile"})))
            .await
            .status,
        400
    );
    assert_eq!(
        api.send(Method::PATCH, &item, Some(json!({"phoneNumber": "bad"})))
            .await
            .status,
        400
    );
    assert_eq!(
        api.send(
            Method::PATCH,
            &item,
            Some(json!({"phoneNumber": "+44 2071234599"}))
        )
        .await
        .status,
        204
    );
    assert_eq!(api.get(&item).await["phoneNumber"], "+44 2071234599");
    assert!(api
        .audits_for(HELPDESK_USER)
        .await
        .iter()
        .any(|a| a["activityDisplayName"] == "Admin updated security info"));

    // The default method cannot go; the mobile cannot go while an alternateMobile exists.
    let r = api
        .send(Method::DELETE, &format!("{}/{MOBILE}", phones(CFO)), None)
        .await;
    assert_eq!((r.status, code(&r)), (400, "badRequest"));
    assert_eq!(
        r.body["error"]["message"],
        format!("The requested authentication method id of [{MOBILE}] matches the user's current default authentication method, and cannot be deleted until the default authentication method is changed")
    );
    api.sim.with_tenant_mut(|t| {
        for m in t.methods.get_mut(CFO).unwrap() {
            m.is_default = m.kind == Some(MethodKind::Fido2);
        }
    });
    let r = api
        .send(Method::DELETE, &format!("{}/{MOBILE}", phones(CFO)), None)
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("without first deleting alternate mobile number"));
    assert_eq!(
        api.send(
            Method::DELETE,
            &format!("{}/{ALT_MOBILE}", phones(CFO)),
            None
        )
        .await
        .status,
        204
    );
    assert_eq!(
        api.send(Method::DELETE, &format!("{}/{MOBILE}", phones(CFO)), None)
            .await
            .status,
        204
    );
    assert!(api.get(&phones(CFO)).await["value"]
        .as_array()
        .unwrap()
        .is_empty());
    let twin = find(&api.audits_for(CFO).await, "Update user").clone();
    assert!(
        modified(&twin, "StrongAuthenticationUserDetails")["oldValue"]
            .as_str()
            .unwrap()
            .contains("+1 5555550100")
    );
    assert!(
        api.send(Method::GET, &format!("{}/{MOBILE}", phones(CFO)), None)
            .await
            .status
            == 404
    );
}

#[tokio::test]
async fn authenticator_tap_and_password_reset() {
    let api = Api::start().await;
    let auth = |u: &str| format!("/v1.0/users/{u}/authentication");
    let r = api
        .send(
            Method::DELETE,
            &format!(
                "{}/microsoftAuthenticatorMethods/{AUTHENTICATOR_ID}",
                auth(CFO)
            ),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let left = api.get(&format!("{}/methods", auth(CFO))).await;
    assert!(left["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["id"] != AUTHENTICATOR_ID));
    let audits = api.audits_for(CFO).await;
    assert_eq!(
        find(&audits, "Admin deleted security info")["resultReason"],
        "Admin deleted Microsoft Authenticator method for user"
    );
    let twin = find(&audits, "Update user");
    assert!(
        modified(twin, "StrongAuthenticationPhoneAppDetail")["oldValue"]
            .as_str()
            .unwrap()
            .contains("SM-A515F")
    );
    assert!(modified(twin, "StrongAuthenticationMethod")["oldValue"]
        .as_str()
        .unwrap()
        .contains("\"MethodType\":6"));
    assert_eq!(
        api.send(
            Method::DELETE,
            &format!(
                "{}/microsoftAuthenticatorMethods/{AUTHENTICATOR_ID}",
                auth(CFO)
            ),
            None
        )
        .await
        .status,
        404
    );

    // TAP: lifetime bounds, the pass shown once, a new pass replacing the old.
    let taps = format!("{}/temporaryAccessPassMethods", auth(SALES));
    let r = api
        .send(Method::POST, &taps, Some(json!({"lifetimeInMinutes": 5})))
        .await;
    assert_eq!((r.status, code(&r)), (400, "badRequest"));
    let first = api
        .send(
            Method::POST,
            &taps,
            Some(json!({"lifetimeInMinutes": 60, "isUsableOnce": true})),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(
        first.body["temporaryAccessPass"].as_str().map(str::len),
        Some(8)
    );
    assert_eq!(
        (
            first.body["isUsable"].as_bool(),
            first.body["methodUsabilityReason"].as_str()
        ),
        (Some(true), Some("EnabledByPolicy"))
    );
    let listed = api.get(&taps).await;
    assert!(listed["value"][0]["temporaryAccessPass"].is_null());
    let second = api
        .send(
            Method::POST,
            &format!("/beta/users/{SALES}/authentication/temporaryAccessPassMethods"),
            None,
        )
        .await;
    assert_eq!(second.status, 201);
    assert!(
        second.body.get("isUsable").is_none(),
        "beta has no isUsable"
    );
    let listed = api.get(&taps).await["value"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], second.body["id"]);
    let tap_audit = find(
        &api.audits_for(SALES).await,
        "Admin registered security info",
    )
    .clone();
    assert_eq!(
        tap_audit["resultReason"],
        "Admin registered temporary access pass method for user"
    );
    modified(&tap_audit, "TemporaryAccessPass.EndDateTime");
    let one = format!("{taps}/{}", second.body["id"].as_str().unwrap());
    assert_eq!(api.send(Method::DELETE, &one, None).await.status, 204);
    assert!(api.get(&taps).await["value"].as_array().unwrap().is_empty());

    // resetPassword: delegated only, not on one's own account, 202 + operation.
    let reset = format!("{}/methods/{PASSWORD}/resetPassword", auth(CFO));
    assert_eq!(
        api.send(Method::POST, &reset, Some(json!({}))).await.status,
        403,
        "app-only is not supported"
    );
    let admin = api.delegated(ADMIN, &["UserAuthenticationMethod.ReadWrite.All"]);
    let own = api
        .send_as(
            &admin,
            Method::POST,
            &format!("{}/methods/{PASSWORD}/resetPassword", auth(ADMIN)),
            Some(json!({})),
        )
        .await;
    assert_eq!((own.status, code(&own)), (400, "badRequest"));
    let r = api
        .send_as(&admin, Method::POST, &reset, Some(json!({})))
        .await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert!(r.body["newPassword"].as_str().is_some_and(|p| p.len() >= 8));
    let location = r.headers["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&format!(
        "{}/v1.0/users/{CFO}/authentication/operations/",
        api.sim.graph_url
    )));
    let poll1 = api.send_as(&admin, Method::GET, &location, None).await;
    let poll2 = api.send_as(&admin, Method::GET, &location, None).await;
    assert_eq!(
        (poll1.body["status"].as_str(), poll2.body["status"].as_str()),
        (Some("running"), Some("succeeded"))
    );
    let given = api
        .send_as(
            &admin,
            Method::POST,
            &reset,
            Some(json!({"newPassword": "Kx9!vQ2p-long"})),
        )
        .await;
    assert_eq!((given.status, given.body.clone()), (202, json!({})));
    let audits = api.audits_for(CFO).await;
    find(&audits, "Admin started password reset");
    assert_eq!(
        find(&audits, "Reset password")["initiatedBy"]["user"]["id"],
        ADMIN
    );
}

#[tokio::test]
async fn inbox_rules_risk_actions_and_grants() {
    let api = Api::start().await;
    let rules = format!("/v1.0/users/{CFO}/mailFolders/inbox/messageRules");
    let r = api.send(Method::POST, &rules, Some(json!({"displayName": "Fwd", "sequence": 3, "actions": {"forwardTo": [{"emailAddress": {"address": "x@evil.example"}}]}}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let new_id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.body["actions"]["forwardTo"][0]["emailAddress"]["address"],
        "x@evil.example"
    );
    assert_eq!(
        api.send(
            Method::POST,
            &rules,
            Some(json!({"displayName": "bad", "actions": {"teleport": true}}))
        )
        .await
        .status,
        400
    );
    let r = api
        .send(
            Method::PATCH,
            &format!("{rules}/{RULE_MOVE}"),
            Some(json!({"isEnabled": false})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["isEnabled"].as_bool()),
        (200, Some(false))
    );
    assert_eq!(
        api.send(
            Method::PATCH,
            &format!("{rules}/{RULE_SHELL}"),
            Some(json!({"displayName": "x"}))
        )
        .await
        .status,
        400
    );
    assert_eq!(
        api.send(
            Method::PATCH,
            &format!("{rules}/{RULE_SHELL}"),
            Some(json!({"isEnabled": false}))
        )
        .await
        .status,
        200
    );
    assert_eq!(
        api.send(Method::DELETE, &format!("{rules}/{new_id}"), None)
            .await
            .status,
        204
    );
    let gone = api
        .send(Method::DELETE, &format!("{rules}/{new_id}"), None)
        .await;
    assert_eq!((gone.status, code(&gone)), (404, "ErrorItemNotFound"));
    assert_eq!(
        api.send(Method::DELETE, &format!("{rules}/{RULE_HIDDEN}"), None)
            .await
            .status,
        404
    );
    assert_eq!(api.get(&rules).await["value"].as_array().unwrap().len(), 2);
    assert!(api
        .sim
        .with_tenant(|t| t.mailboxes[CFO].hidden_rules.len() == 1));

    // Identity Protection verdicts.
    let risky = "/v1.0/identityProtection/riskyUsers";
    assert_eq!(
        api.send(
            Method::POST,
            &format!("{risky}/confirmCompromised"),
            Some(json!({}))
        )
        .await
        .status,
        400
    );
    let ro = api.sim.mint_app_token(&api.sim.apps.read_only.client_id);
    assert_eq!(
        api.send_as(
            &ro,
            Method::POST,
            &format!("{risky}/dismiss"),
            Some(json!({"userIds": [SALES]}))
        )
        .await
        .status,
        403
    );
    let r = api
        .send(
            Method::POST,
            &format!("{risky}/confirmCompromised"),
            Some(json!({"userIds": [SALES]})),
        )
        .await;
    assert_eq!(r.status, 204);
    let s = api.get(&format!("{risky}/{SALES}")).await;
    assert_eq!(
        (
            s["riskState"].as_str(),
            s["riskLevel"].as_str(),
            s["riskDetail"].as_str()
        ),
        (
            Some("confirmedCompromised"),
            Some("high"),
            Some("adminConfirmedUserCompromised")
        )
    );
    let h = api.get(&format!("{risky}/{SALES}/history")).await;
    assert_eq!(
        h["value"][0]["initiatedBy"],
        api.sim.apps.full.client_id.as_str()
    );
    assert_eq!(
        h["value"][0]["activity"]["detail"],
        "adminConfirmedUserCompromised"
    );
    assert_eq!(
        find(&api.audits_for(SALES).await, "ConfirmCompromised")["loggedByService"],
        "Identity Protection"
    );
    assert_eq!(
        api.send(
            Method::POST,
            &format!("/beta/riskyUsers/dismiss"),
            Some(json!({"userIds": [CFO]}))
        )
        .await
        .status,
        204
    );
    let c = api.get(&format!("{risky}/{CFO}")).await;
    assert_eq!(
        (c["riskState"].as_str(), c["riskLevel"].as_str()),
        (Some("dismissed"), Some("none"))
    );
    find(&api.audits_for(CFO).await, "DismissUser");

    // Grants: narrow, then revoke.
    let grant = format!("/v1.0/oauth2PermissionGrants/{}", sample::GRANT_PRINCIPAL);
    assert_eq!(
        api.send(Method::PATCH, &grant, Some(json!({"scope": "User.Read"})))
            .await
            .status,
        204
    );
    assert_eq!(api.get(&grant).await["scope"], "User.Read");
    assert_eq!(
        api.send(
            Method::PATCH,
            &grant,
            Some(json!({"consentType": "AllPrincipals"}))
        )
        .await
        .status,
        400
    );
    assert_eq!(api.send(Method::DELETE, &grant, None).await.status, 204);
    assert_eq!(api.send(Method::GET, &grant, None).await.status, 404);
    assert!(api
        .get(&format!("/v1.0/users/{CFO}/oauth2PermissionGrants"))
        .await["value"]
        .as_array()
        .unwrap()
        .is_empty());
    let removal = find(
        &api.audits_for(CFO).await,
        "Remove delegated permission grant",
    )
    .clone();
    assert_eq!(removal["category"], "ApplicationManagement");
    assert_eq!(
        modified(&removal, "DelegatedPermissionGrant.Scope")["oldValue"],
        "\"User.Read\""
    );
}
