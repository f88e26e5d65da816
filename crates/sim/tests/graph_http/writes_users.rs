//! User mutations: revokeSignInSessions (and its effect on refresh tokens), PATCH with the
//! property and role rules, each with its Core Directory records; the request log.

use super::support::{find, modified, Api};
use reclaim_sim::graph::sample::{self, ADMIN, CFO, GUEST, HELPDESK_USER, SALES};
use reclaim_sim::model::AppRegistration;
use reclaim_sim::{DeviceCodeApproval, Profile, SimConfig};
use reqwest::Method;
use serde_json::json;

const ALT_MOBILE: &str = "b6332ec1-7057-4abe-9331-3d72feddfe41";

#[tokio::test]
async fn revoke_sessions_patch_user_and_role_rules() {
    let api = Api::start(3, 20).await;
    let valid_from = |u: &str| format!("/v1.0/users/{u}?$select=signInSessionsValidFromDateTime");
    let before = api.get(&valid_from(CFO)).await;
    let r = api
        .expect(
            Method::POST,
            &format!("/v1.0/users/{CFO}/revokeSignInSessions"),
            None,
            200,
        )
        .await;
    assert_eq!(r.body["value"], true);
    assert!(r.body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/v1.0/$metadata#Edm.Boolean"));
    assert_ne!(before, api.get(&valid_from(CFO)).await);
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
    let g0 = api.get(&valid_from(GUEST)).await;
    api.expect(
        Method::POST,
        &format!("/v1.0/users/{GUEST}/revokeSignInSessions"),
        Some(json!({})),
        200,
    )
    .await;
    assert_eq!(api.get(&valid_from(GUEST)).await, g0);
    assert!(api.audits_for(GUEST).await.is_empty());

    // Disable, with the Core Directory records.
    let cfo = format!("/v1.0/users/{CFO}");
    api.expect(
        Method::PATCH,
        &cfo,
        Some(json!({"accountEnabled": false, "mobilePhone": "+1 5555550199"})),
        204,
    )
    .await;
    let u = api
        .get(&format!("{cfo}?$select=accountEnabled,mobilePhone"))
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
    let sales = format!("/v1.0/users/{SALES}");
    let weak = api
        .expect(
            Method::PATCH,
            &sales,
            Some(json!({"passwordProfile": {"password": "abc"}})),
            400,
        )
        .await;
    assert_eq!(weak.code(), "Request_BadRequest");
    let strong = json!({"passwordProfile": {"password": "Kx9!vQ2p-long", "forceChangePasswordNextSignIn": true}});
    api.expect(Method::PATCH, &sales, Some(strong), 204).await;
    find(&api.audits_for(SALES).await, "Reset password");
    for bad in [
        json!({"favouriteColour": "red"}),
        json!({"id": "x"}),
        json!({"accountEnabled": "no"}),
        json!({}),
    ] {
        api.expect(Method::PATCH, &sales, Some(bad), 400).await;
    }

    // The read-only app is refused; an app without a privileged role cannot disable a Global
    // Administrator; the full app (Privileged Authentication Administrator) can.
    let disable = Some(json!({"accountEnabled": false}));
    let ro = api.sim.mint_app_token(&api.sim.apps.read_only.client_id);
    let r = api
        .send_as(&ro, Method::PATCH, &sales, disable.clone())
        .await;
    assert_eq!((r.status, r.code()), (403, "Authorization_RequestDenied"));
    let plain_id = "11111111-2222-4333-8444-555555555555";
    api.sim.register_app(AppRegistration {
        client_id: plain_id.into(),
        display_name: "no-role app".into(),
        application_permissions: vec!["User.EnableDisableAccount.All".into()],
        ..AppRegistration::default()
    });
    let plain = api.sim.mint_app_token(plain_id);
    let admin = format!("/v1.0/users/{ADMIN}");
    assert_eq!(
        api.send_as(&plain, Method::PATCH, &admin, disable.clone())
            .await
            .status,
        403
    );
    assert_eq!(
        api.send_as(&plain, Method::PATCH, &sales, disable.clone())
            .await
            .status,
        204
    );
    api.expect(
        Method::PATCH,
        &admin,
        Some(json!({"accountEnabled": true})),
        204,
    )
    .await;
    // A delegated Helpdesk admin may not manage methods.
    let hd = api.delegated(HELPDESK_USER, &["UserAuthenticationMethod.ReadWrite.All"]);
    let path = format!("/v1.0/users/{CFO}/authentication/phoneMethods/{ALT_MOBILE}");
    assert_eq!(
        api.send_as(&hd, Method::DELETE, &path, None).await.status,
        403
    );

    // Every mutating request is in the log, marked as such.
    let log = api.sim.request_log();
    let mutating = log.iter().filter(|e| e.is_mutating()).count();
    assert_eq!(mutating, log.iter().filter(|e| e.method != "GET").count());
    assert!(mutating >= 12);
}

/// revokeSignInSessions through Graph makes the identity platform refuse the user's older
/// refresh tokens (AADSTS50173), end to end.
#[tokio::test]
async fn revoked_sessions_refuse_older_refresh_tokens() {
    let cfg = SimConfig {
        device_code_approval: DeviceCodeApproval::Manual,
        ..SimConfig::with_profile(Profile::Fast)
    };
    let api = Api::start_with(cfg, sample::sample_tenant(0, 0)).await;
    let client = api.sim.apps.full.client_id.clone();
    let scope = "https://graph.microsoft.com/User.Read offline_access";
    let (s, code) = api
        .form("devicecode", &[("client_id", &client), ("scope", scope)])
        .await;
    assert_eq!(s, 200, "{code}");
    assert!(api
        .sim
        .approve_device_code(code["user_code"].as_str().unwrap(), CFO));
    let device_code = code["device_code"].as_str().unwrap().to_string();
    let grant = "urn:ietf:params:oauth:grant-type:device_code";
    let (s, tokens) = api
        .form(
            "token",
            &[
                ("grant_type", grant),
                ("client_id", &client),
                ("device_code", &device_code),
            ],
        )
        .await;
    assert_eq!(s, 200, "{tokens}");
    let rt = tokens["refresh_token"].as_str().unwrap().to_string();
    let refresh = [
        ("grant_type", "refresh_token"),
        ("client_id", client.as_str()),
        ("refresh_token", rt.as_str()),
        ("scope", scope),
    ];
    assert_eq!(
        api.form("token", &refresh).await.0,
        200,
        "valid before the revoke"
    );
    // The refresh token must be strictly older than the revocation instant.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    api.expect(
        Method::POST,
        &format!("/v1.0/users/{CFO}/revokeSignInSessions"),
        None,
        200,
    )
    .await;
    let (s, err) = api.form("token", &refresh).await;
    assert_eq!(
        (s, err["error"].as_str()),
        (400, Some("invalid_grant")),
        "{err}"
    );
    assert_eq!(err["error_codes"][0], 50173);
}

/// The endpoints behave the same as `$batch` items: absolute nextLinks, real state changes.
#[tokio::test]
async fn endpoints_work_as_batch_items() {
    let api = Api::start(5, 0).await;
    let batch = json!({"requests": [
        {"id": "1", "method": "GET", "url": "/users?$top=2&$select=id"},
        {"id": "2", "method": "POST", "url": format!("/users/{CFO}/revokeSignInSessions"),
         "headers": {"Content-Type": "application/json"}, "body": {}},
        {"id": "3", "method": "GET", "url": "/identityProtection/riskyUsers?$filter=riskLevel eq 'high'"}
    ]});
    let r = api
        .expect(Method::POST, "/v1.0/$batch", Some(batch), 200)
        .await;
    let replies = r.body["responses"].as_array().unwrap();
    let item = |id: &str| replies.iter().find(|x| x["id"] == id).unwrap().clone();
    let users = item("1");
    assert_eq!(users["status"], 200);
    let next = users["body"]["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("{}/v1.0/users?", api.sim.graph_url)),
        "{next}"
    );
    assert_eq!(api.get(next).await["value"].as_array().unwrap().len(), 2);
    assert_eq!(
        (item("2")["status"].as_u64(), item("3")["status"].as_u64()),
        (Some(200), Some(400))
    );
    find(
        &api.audits_for(CFO).await,
        "Update StsRefreshTokenValidFrom Timestamp",
    );
}
