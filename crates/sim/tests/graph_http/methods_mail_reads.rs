//! Reading authentication methods (polymorphic list, masking), inbox rules (hidden rules,
//! read-only shells, no mailbox), mail folders, mailbox settings and grants.

use super::support::Api;
use reclaim_sim::graph::sample::{self, ADMIN, CFO, GUEST, NO_MAILBOX, RULE_HIDDEN, RULE_SHELL};
use reqwest::Method;
use serde_json::Value;

fn count(v: &Value) -> usize {
    v["value"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn methods_mailbox_and_grants_reads() {
    let api = Api::start(0, 0).await;
    let v = api
        .get(&format!("/v1.0/users/{CFO}/authentication/methods"))
        .await;
    let types: Vec<&str> = v["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["@odata.type"].as_str().unwrap())
        .collect();
    for t in [
        "phone",
        "microsoftAuthenticator",
        "password",
        "fido2",
        "email",
        "softwareOath",
        "windowsHelloForBusiness",
    ] {
        assert!(
            types.contains(&format!("#microsoft.graph.{t}AuthenticationMethod").as_str()),
            "{t}"
        );
    }
    assert_eq!(
        api.try_get(&format!("/v1.0/users/{CFO}/authentication/methods?$top=1"))
            .await
            .status,
        400,
        "no query options"
    );
    let phones = format!("/v1.0/users/{CFO}/authentication/phoneMethods");
    assert_eq!(
        api.get(&phones).await["value"][0]["phoneNumber"],
        "+1 5555550100"
    );
    // An Authentication Administrator sees masked numbers.
    let aa = api.delegated(
        sample::AUTH_ADMIN_USER,
        &["UserAuthenticationMethod.Read.All"],
    );
    let r = api.send_as(&aa, Method::GET, &phones, None).await;
    assert_eq!(r.status, 200);
    assert!(
        r.text.contains("+1 XXXXXXXX00") && !r.text.contains("5555550100"),
        "{}",
        r.text
    );
    let pw = api
        .get(&format!(
            "/v1.0/users/{ADMIN}/authentication/passwordMethods"
        ))
        .await;
    assert_eq!(pw["value"][0]["id"], "28c10230-6103-485e-b985-444c60001490");
    let app = api
        .get(&format!(
            "/beta/users/{CFO}/authentication/microsoftAuthenticatorMethods/{}",
            sample::AUTHENTICATOR_ID
        ))
        .await;
    assert!(app["displayName"] == "SM-A515F" && app.get("clientAppName").is_some());
    assert_eq!(
        api.try_get(&format!("/v1.0/users/{GUEST}/authentication/methods"))
            .await
            .status,
        200
    );

    let rules = format!("/v1.0/users/{CFO}/mailFolders/inbox/messageRules");
    let list = api.get(&rules).await["value"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "the hidden rule is never listed");
    assert!(list.iter().all(|r| r["id"] != RULE_HIDDEN));
    let shell = list.iter().find(|r| r["id"] == RULE_SHELL).unwrap();
    assert!(shell["isReadOnly"] == true && shell.get("actions").is_none());
    assert_eq!(
        api.try_get(&format!("{rules}/{RULE_HIDDEN}")).await.status,
        404
    );
    let r = api
        .try_get(&format!(
            "/v1.0/users/{NO_MAILBOX}/mailFolders/inbox/messageRules"
        ))
        .await;
    assert_eq!((r.status, r.code()), (404, "MailboxNotEnabledForRESTAPI"));
    let folders = api
        .get(&format!("/v1.0/users/{CFO}/mailFolders?$top=20"))
        .await;
    assert!(folders["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["displayName"] == "RSS Feeds"));
    assert_eq!(
        api.get(&format!("/v1.0/users/{CFO}/mailFolders/rssfeeds"))
            .await["id"],
        "AAMkRss"
    );
    assert_eq!(
        count(
            &api.get(&format!("/v1.0/users/{CFO}/mailFolders/inbox/childFolders"))
                .await
        ),
        1
    );
    let settings = api.get(&format!("/v1.0/users/{CFO}/mailboxSettings")).await;
    assert_eq!(settings["automaticRepliesSetting"]["status"], "disabled");

    let mine = api
        .get(&format!("/v1.0/users/{CFO}/oauth2PermissionGrants"))
        .await;
    assert_eq!(count(&mine), 1, "AllPrincipals grants are not per-user");
    assert_eq!(mine["value"][0]["consentType"], "Principal");
    let by_client = api
        .get(&format!(
            "/v1.0/oauth2PermissionGrants?$filter=clientId eq '{}'",
            sample::TEAMS_SP
        ))
        .await;
    assert_eq!(by_client["value"][0]["consentType"], "AllPrincipals");
    assert_eq!(
        api.get(&format!("/v1.0/servicePrincipals/{}", sample::EVIL_SP))
            .await["displayName"],
        "PDF Viewer Online"
    );
}
