//! `/me/...`: every `/users/{id}/...` endpoint for the signed-in user, delegated only, with the
//! self variants of permissions (the catalog's least for `/me` paths) and nothing more.

use super::support::{find, Api};
use reclaim_sim::graph::sample::{ADMIN, AUTHENTICATOR_ID, CFO, SALES};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn me_paths_act_on_the_signed_in_user_with_self_permissions() {
    let api = Api::start(0, 0).await;
    // App-only tokens have no /me, for any sub-path.
    let r = api.try_get("/v1.0/me/authentication/methods").await;
    assert_eq!(
        (r.status, r.message()),
        (
            400,
            "/me request is only valid with delegated authentication flow."
        )
    );

    // The self variant of the permission reads one's own methods, and only one's own.
    let cfo = api.delegated(CFO, &["UserAuthenticationMethod.Read"]);
    let mine = api
        .send_as(&cfo, Method::GET, "/v1.0/me/authentication/methods", None)
        .await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert!(mine.items().iter().any(|m| m["id"] == AUTHENTICATOR_ID));
    assert!(mine.items().iter().all(|m| m["@odata.type"].is_string()));
    assert!(mine.body["@odata.context"]
        .as_str()
        .is_some_and(|c| c.contains(&format!("users('{CFO}')/authentication/methods"))));
    let theirs = api
        .send_as(
            &cfo,
            Method::GET,
            &format!("/v1.0/users/{SALES}/authentication/methods"),
            None,
        )
        .await;
    assert_eq!(
        (theirs.status, theirs.code()),
        (403, "Authorization_RequestDenied")
    );
    let basic = api.delegated(CFO, &["User.Read"]);
    assert_eq!(
        api.send_as(&basic, Method::GET, "/v1.0/me/authentication/methods", None)
            .await
            .status,
        403
    );

    // Removing one's own Authenticator needs no admin role; the record says "User".
    let own_app = api.delegated(CFO, &["UserAuthMethod-MicrosoftAuthApp.ReadWrite"]);
    let path = format!("/v1.0/me/authentication/microsoftAuthenticatorMethods/{AUTHENTICATOR_ID}");
    let r = api.send_as(&own_app, Method::DELETE, &path, None).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let deleted = find(&api.audits_for(CFO).await, "User deleted security info").clone();
    assert_eq!(deleted["initiatedBy"]["user"]["id"], CFO);

    // Mailbox, memberships, sessions.
    let mail = api.delegated(CFO, &["MailboxSettings.ReadWrite"]);
    let rules = api
        .send_as(
            &mail,
            Method::GET,
            "/v1.0/me/mailFolders/inbox/messageRules",
            None,
        )
        .await;
    assert_eq!((rules.status, rules.items().len()), (200, 2));
    let r = api
        .send_as(
            &mail,
            Method::PATCH,
            "/v1.0/me/mailboxSettings",
            Some(json!({"timeZone": "Europe/Paris"})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["timeZone"].as_str()),
        (200, Some("Europe/Paris"))
    );
    let admin = api.delegated(ADMIN, &["User.Read"]);
    let roles = api
        .send_as(&admin, Method::GET, "/v1.0/me/memberOf", None)
        .await;
    assert_eq!(roles.status, 200, "{}", roles.text);
    assert_eq!(
        roles.items()[0]["roleTemplateId"],
        "62e90394-69f5-4237-9190-012177145e10"
    );
    let sessions = api.delegated(CFO, &["User.RevokeSessions.All"]);
    let r = api
        .send_as(
            &sessions,
            Method::POST,
            "/v1.0/me/revokeSignInSessions",
            None,
        )
        .await;
    assert_eq!((r.status, r.body["value"].as_bool()), (200, Some(true)));
    find(
        &api.audits_for(CFO).await,
        "Update StsRefreshTokenValidFrom Timestamp",
    );

    // One's own profile is not one's own to disable.
    let rw = api.delegated(CFO, &["User.ReadWrite"]);
    let r = api
        .send_as(
            &rw,
            Method::PATCH,
            "/v1.0/me",
            Some(json!({"accountEnabled": false})),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);

    // Graph's answers for what does not exist, and nextLinks that stay on /me.
    let all = api.delegated(CFO, &["Mail.ReadBasic", "User.Read"]);
    let r = api
        .send_as(&all, Method::GET, "/v1.0/me/noSuchThing", None)
        .await;
    assert_eq!(
        (r.status, r.message()),
        (400, "Resource not found for the segment 'noSuchThing'.")
    );
    let r = api
        .send_as(&all, Method::DELETE, "/v1.0/me/memberOf", None)
        .await;
    assert_eq!(r.status, 405);
    let page = api
        .send_as(&all, Method::GET, "/beta/me/mailFolders?$top=2", None)
        .await;
    assert_eq!(page.items().len(), 2);
    let next = page.body["@odata.nextLink"].as_str().unwrap().to_string();
    assert!(
        next.starts_with(&format!("{}/beta/me/mailFolders?", api.sim.graph_url)),
        "{next}"
    );
    let page2 = api.send_as(&all, Method::GET, &next, None).await;
    assert_eq!(page2.status, 200, "{}", page2.text);

    // The log names the path as sent and the signed-in user.
    let log = api.sim.request_log();
    let entry = log
        .iter()
        .find(|e| e.path == "/v1.0/me/mailboxSettings" && e.method == "PATCH")
        .expect("logged");
    assert_eq!(
        (entry.status, entry.user_id.as_deref(), entry.is_mutating()),
        (200, Some(CFO), true)
    );
}
