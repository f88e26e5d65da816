//! Authentication method mutations: every phone rule, Authenticator removal, TAP issue and
//! replacement, resetPassword with its operation; the Authentication Methods records and their
//! `Update user` twins.

use super::support::{find, modified, Api};
use reclaim_sim::graph::sample::{ADMIN, AUTHENTICATOR_ID, CFO, HELPDESK_USER, SALES};
use reclaim_sim::model::MethodKind;
use reqwest::Method;
use serde_json::{json, Value};

const MOBILE: &str = "3179e48a-750b-4051-897c-87b9720928f7";
const ALT_MOBILE: &str = "b6332ec1-7057-4abe-9331-3d72feddfe41";
const OFFICE: &str = "e37fc753-ff3b-4958-9484-eaa9425c82bc";
const PASSWORD: &str = "28c10230-6103-485e-b985-444c60001490";

fn phone(number: &str, kind: &str) -> Option<Value> {
    Some(json!({"phoneNumber": number, "phoneType": kind}))
}

#[tokio::test]
async fn phone_method_rules() {
    let api = Api::start(3, 20).await;
    let phones = |u: &str| format!("/v1.0/users/{u}/authentication/phoneMethods");
    let hd = phones(HELPDESK_USER);
    let r = api
        .expect(
            Method::POST,
            &hd,
            phone("+1 5555550123", "alternateMobile"),
            400,
        )
        .await;
    assert_eq!(r.code(), "badRequest", "alternateMobile needs a mobile");
    for bad in ["5555550123", "+1-5555550123", "+1 55"] {
        assert_eq!(
            api.expect(Method::POST, &hd, phone(bad, "mobile"), 400)
                .await
                .code(),
            "badRequest",
            "{bad}"
        );
    }
    let r = api
        .expect(Method::POST, &hd, phone("+1 5555550123", "mobile"), 201)
        .await;
    assert_eq!(
        (r.body["id"].as_str(), r.body["smsSignInState"].as_str()),
        (Some(MOBILE), Some("notEnabled"))
    );
    api.expect(Method::POST, &hd, phone("+1 5555550124", "mobile"), 400)
        .await;
    let r = api
        .expect(Method::POST, &hd, phone("+44 2071234567x12", "office"), 201)
        .await;
    assert_eq!(r.body["id"], OFFICE);
    let audits = api.audits_for(HELPDESK_USER).await;
    assert_eq!(
        find(&audits, "Admin registered security info")["loggedByService"],
        "Authentication Methods"
    );
    let details = modified(
        find(&audits, "Update user"),
        "StrongAuthenticationUserDetails",
    )["newValue"]
        .as_str()
        .unwrap();
    let details: Value = serde_json::from_str(details).unwrap();
    assert_eq!(details[0]["VoiceOnlyPhoneNumber"], "+44 2071234567x12");

    // Type is immutable; the number changes.
    let item = format!("{hd}/{OFFICE}");
    api.expect(
        Method::PATCH,
        &item,
        Some(json!({"phoneType": "mobile"})),
        400,
    )
    .await;
    api.expect(
        Method::PATCH,
        &item,
        Some(json!({"phoneNumber": "bad"})),
        400,
    )
    .await;
    api.expect(
        Method::PATCH,
        &item,
        Some(json!({"phoneNumber": "+44 2071234599"})),
        204,
    )
    .await;
    assert_eq!(api.get(&item).await["phoneNumber"], "+44 2071234599");
    find(
        &api.audits_for(HELPDESK_USER).await,
        "Admin updated security info",
    );

    // The default method cannot go; the mobile cannot go while an alternateMobile exists.
    let cfo = phones(CFO);
    let r = api
        .expect(Method::DELETE, &format!("{cfo}/{MOBILE}"), None, 400)
        .await;
    assert_eq!(r.code(), "badRequest");
    let want = format!("The requested authentication method id of [{MOBILE}] matches the user's current default authentication method, and cannot be deleted until the default authentication method is changed");
    assert_eq!(r.message(), want);
    api.sim.with_tenant_mut(|t| {
        for m in t.methods.get_mut(CFO).unwrap() {
            m.is_default = m.kind == Some(MethodKind::Fido2);
        }
    });
    let r = api
        .expect(Method::DELETE, &format!("{cfo}/{MOBILE}"), None, 400)
        .await;
    assert!(r
        .message()
        .contains("without first deleting alternate mobile number"));
    api.expect(Method::DELETE, &format!("{cfo}/{ALT_MOBILE}"), None, 204)
        .await;
    api.expect(Method::DELETE, &format!("{cfo}/{MOBILE}"), None, 204)
        .await;
    assert!(api.get(&cfo).await["value"].as_array().unwrap().is_empty());
    let twin = find(&api.audits_for(CFO).await, "Update user").clone();
    assert!(
        modified(&twin, "StrongAuthenticationUserDetails")["oldValue"]
            .as_str()
            .unwrap()
            .contains("+1 5555550100")
    );
    api.expect(Method::GET, &format!("{cfo}/{MOBILE}"), None, 404)
        .await;
}

#[tokio::test]
async fn authenticator_tap_and_password_reset() {
    let api = Api::start(3, 20).await;
    let auth = |u: &str| format!("/v1.0/users/{u}/authentication");
    let app = format!(
        "{}/microsoftAuthenticatorMethods/{AUTHENTICATOR_ID}",
        auth(CFO)
    );
    api.expect(Method::DELETE, &app, None, 204).await;
    let left = api.get(&format!("{}/methods", auth(CFO))).await;
    assert!(left["value"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["id"] != AUTHENTICATOR_ID));
    let audits = api.audits_for(CFO).await;
    let deleted = find(&audits, "Admin deleted security info");
    assert_eq!(
        deleted["resultReason"],
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
    api.expect(Method::DELETE, &app, None, 404).await;

    // TAP: lifetime bounds, the pass shown once, a new pass replacing the old.
    let taps = format!("{}/temporaryAccessPassMethods", auth(SALES));
    let r = api
        .expect(
            Method::POST,
            &taps,
            Some(json!({"lifetimeInMinutes": 5})),
            400,
        )
        .await;
    assert_eq!(r.code(), "badRequest");
    let first = api
        .expect(
            Method::POST,
            &taps,
            Some(json!({"lifetimeInMinutes": 60, "isUsableOnce": true})),
            201,
        )
        .await;
    assert_eq!(
        first.body["temporaryAccessPass"].as_str().map(str::len),
        Some(8)
    );
    let usable = (
        first.body["isUsable"].as_bool(),
        first.body["methodUsabilityReason"].as_str(),
    );
    assert_eq!(usable, (Some(true), Some("EnabledByPolicy")));
    assert!(
        api.get(&taps).await["value"][0]["temporaryAccessPass"].is_null(),
        "shown only once"
    );
    let beta_taps = format!("/beta/users/{SALES}/authentication/temporaryAccessPassMethods");
    let second = api.expect(Method::POST, &beta_taps, None, 201).await;
    assert!(
        second.body.get("isUsable").is_none(),
        "beta has no isUsable"
    );
    let listed = api.get(&taps).await["value"].as_array().unwrap().clone();
    assert_eq!(
        (listed.len(), &listed[0]["id"]),
        (1, &second.body["id"]),
        "the new pass replaced the old"
    );
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
    api.expect(
        Method::DELETE,
        &format!("{taps}/{}", second.body["id"].as_str().unwrap()),
        None,
        204,
    )
    .await;
    assert!(api.get(&taps).await["value"].as_array().unwrap().is_empty());

    // resetPassword: delegated only, not on one's own account, 202 + operation.
    let reset = format!("{}/methods/{PASSWORD}/resetPassword", auth(CFO));
    api.expect(Method::POST, &reset, Some(json!({})), 403).await;
    let admin = api.delegated(ADMIN, &["UserAuthenticationMethod.ReadWrite.All"]);
    let own = format!("{}/methods/{PASSWORD}/resetPassword", auth(ADMIN));
    let r = api
        .send_as(&admin, Method::POST, &own, Some(json!({})))
        .await;
    assert_eq!((r.status, r.code()), (400, "badRequest"));
    let r = api
        .send_as(&admin, Method::POST, &reset, Some(json!({})))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
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
    assert_eq!((given.status, given.body), (202, json!({})));
    let audits = api.audits_for(CFO).await;
    find(&audits, "Admin started password reset");
    assert_eq!(
        find(&audits, "Reset password")["initiatedBy"]["user"]["id"],
        ADMIN
    );
}

#[tokio::test]
async fn every_typed_method_collection_lists_gets_and_deletes() {
    let api = Api::start(0, 0).await;
    let auth = format!("/v1.0/users/{CFO}/authentication");
    // (collection, method id, what the audit record names)
    let kinds = [
        (
            "fido2Methods",
            "00000000-0000-4000-8000-00000000f1d0",
            "FIDO2 security key",
        ),
        (
            "emailMethods",
            "00000000-0000-4000-8000-00000000e3a1",
            "email",
        ),
        (
            "softwareOathMethods",
            "00000000-0000-4000-8000-00000000d0a7",
            "software OATH token",
        ),
        (
            "windowsHelloForBusinessMethods",
            "00000000-0000-4000-8000-00000000a11e",
            "Windows Hello for Business",
        ),
        (
            "microsoftAuthenticatorMethods",
            AUTHENTICATOR_ID,
            "Microsoft Authenticator",
        ),
    ];
    for (segment, id, label) in kinds {
        let list = api.get(&format!("{auth}/{segment}")).await;
        assert_eq!(list["value"].as_array().map(Vec::len), Some(1), "{segment}");
        assert_eq!(api.get(&format!("{auth}/{segment}/{id}")).await["id"], id);
        // An id of another kind is not in this collection.
        assert_eq!(
            api.try_get(&format!("{auth}/{segment}/{PASSWORD}"))
                .await
                .status,
            404
        );
        api.expect(Method::DELETE, &format!("{auth}/{segment}/{id}"), None, 204)
            .await;
        assert!(api.get(&format!("{auth}/{segment}")).await["value"]
            .as_array()
            .unwrap()
            .is_empty());
        let audits = api.audits_for(CFO).await;
        assert_eq!(
            find(&audits, "Admin deleted security info")["resultReason"],
            format!("Admin deleted {label} method for user")
        );
        api.expect(Method::DELETE, &format!("{auth}/{segment}/{id}"), None, 404)
            .await;
    }
    // The password method can be read, never deleted.
    let pw = format!("{auth}/passwordMethods/{PASSWORD}");
    assert_eq!(api.get(&pw).await["id"], PASSWORD);
    api.expect(Method::DELETE, &pw, None, 405).await;
    let left: Vec<Value> = api.get(&format!("{auth}/methods")).await["value"]
        .as_array()
        .unwrap()
        .clone();
    let kinds_left: Vec<&str> = left
        .iter()
        .map(|m| m["@odata.type"].as_str().unwrap())
        .collect();
    assert!(kinds_left
        .iter()
        .all(|k| k.ends_with("passwordAuthenticationMethod")
            || k.ends_with("phoneAuthenticationMethod")));
}
