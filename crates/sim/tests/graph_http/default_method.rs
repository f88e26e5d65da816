//! The default MFA method: deleting it while other methods remain is the documented 400, the
//! default alone may go; beta `signInPreferences` reads and moves it (v1.0 has no such
//! segment), refuses values outside the enum and methods the user has not registered.

use super::support::{find, Api};
use reclaim_sim::graph::sample::{ADMIN, AUTHENTICATOR_ID, CFO, SALES};
use reclaim_sim::model::{AuthMethod, MethodKind, RareMethodProps, PHONE_ID_MOBILE};
use reqwest::Method;
use serde_json::json;

const PREFS: &str = "authentication/signInPreferences";

fn authenticator(id: &str, default: bool) -> AuthMethod {
    AuthMethod {
        id: id.into(),
        kind: Some(MethodKind::MicrosoftAuthenticator),
        display_name: Some("Pixel 8".into()),
        is_default: default,
        ..AuthMethod::default()
    }
}

fn email(id: &str) -> AuthMethod {
    AuthMethod {
        id: id.into(),
        kind: Some(MethodKind::Email),
        rare: Some(Box::new(RareMethodProps {
            email_address: Some("owner@example.com".into()),
            ..RareMethodProps::default()
        })),
        ..AuthMethod::default()
    }
}

fn mobile(default: bool) -> AuthMethod {
    AuthMethod {
        id: PHONE_ID_MOBILE.into(),
        kind: Some(MethodKind::Phone),
        phone_number: Some("+1 5555550142".into()),
        phone_type: Some("mobile".into()),
        is_default: default,
        ..AuthMethod::default()
    }
}

#[tokio::test]
async fn the_default_goes_last_and_alone() {
    let api = Api::start(2, 10).await;
    let app =
        |m: &str| format!("/v1.0/users/{SALES}/authentication/microsoftAuthenticatorMethods/{m}");
    let phone = format!("/v1.0/users/{SALES}/authentication/phoneMethods/{PHONE_ID_MOBILE}");
    api.sim.with_tenant_mut(|t| {
        t.methods.insert(
            SALES.into(),
            vec![authenticator("a-1", true), mobile(false), email("e-1")],
        );
    });
    // Another method that could be the default remains: refused, with the documented text.
    let r = api.expect(Method::DELETE, &app("a-1"), None, 400).await;
    assert_eq!(r.code(), "badRequest");
    assert_eq!(r.message(), "The requested authentication method id of [a-1] matches the user's current default authentication method, and cannot be deleted until the default authentication method is changed");
    // The other goes first; then the default is the last method that could be one (an email
    // method never is) and may go.
    api.expect(Method::DELETE, &phone, None, 204).await;
    api.expect(Method::DELETE, &app("a-1"), None, 204).await;
    let left = api
        .get(&format!("/v1.0/users/{SALES}/authentication/methods"))
        .await;
    let kinds: Vec<&str> = left["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["@odata.type"].as_str().unwrap())
        .collect();
    assert!(
        !kinds.iter().any(|k| k.contains("microsoftAuthenticator")),
        "{kinds:?}"
    );

    // A default phone alone goes too; a second Authenticator keeps `push` and inherits it.
    api.sim.with_tenant_mut(|t| {
        t.methods.insert(SALES.into(), vec![mobile(true)]);
    });
    api.expect(Method::DELETE, &phone, None, 204).await;
    api.sim.with_tenant_mut(|t| {
        t.methods.insert(
            SALES.into(),
            vec![authenticator("a-1", true), authenticator("a-2", false)],
        );
    });
    api.expect(Method::DELETE, &app("a-1"), None, 204).await;
    let heir = api.sim.with_tenant(|t| t.methods[SALES].clone());
    assert_eq!(
        (heir.len(), &*heir[0].id, heir[0].is_default),
        (1, "a-2", true)
    );
}

#[tokio::test]
async fn sign_in_preferences_read_and_move_the_default() {
    let api = Api::start(2, 10).await;
    let beta = format!("/beta/users/{CFO}/{PREFS}");
    // v1.0 cannot read or set it (REFERENCE §5).
    let r = api
        .expect(
            Method::GET,
            &format!("/v1.0/users/{CFO}/{PREFS}"),
            None,
            400,
        )
        .await;
    assert!(r.message().contains("signInPreferences"), "{}", r.text);
    api.expect(
        Method::PATCH,
        &format!("/v1.0/users/{CFO}/{PREFS}"),
        Some(json!({"userPreferredMethodForSecondaryAuthentication": "push"})),
        400,
    )
    .await;

    let got = api.get(&beta).await;
    assert_eq!(got["userPreferredMethodForSecondaryAuthentication"], "sms");
    assert_eq!(got["isSystemPreferredAuthenticationMethodEnabled"], false);
    assert_eq!(got["@odata.type"], "#microsoft.graph.signInPreferences");

    // Move it to the Authenticator: the mobile may now go, the Authenticator may not.
    api.expect(
        Method::PATCH,
        &beta,
        Some(json!({"userPreferredMethodForSecondaryAuthentication": "push"})),
        204,
    )
    .await;
    assert_eq!(
        api.get(&beta).await["userPreferredMethodForSecondaryAuthentication"],
        "push"
    );
    let audits = api.audits_for(CFO).await;
    find(&audits, "Admin changed default security info");
    let twin = find(&audits, "Update user");
    assert!(twin.to_string().contains("StrongAuthenticationMethod"));
    let app = format!(
        "/v1.0/users/{CFO}/authentication/microsoftAuthenticatorMethods/{AUTHENTICATOR_ID}"
    );
    let r = api.expect(Method::DELETE, &app, None, 400).await;
    assert!(r.message().contains(AUTHENTICATOR_ID));
    // `sms` and `voiceMobile` both land on the mobile phone and read back as set.
    for p in ["voiceMobile", "sms"] {
        api.expect(
            Method::PATCH,
            &beta,
            Some(json!({"userPreferredMethodForSecondaryAuthentication": p})),
            204,
        )
        .await;
        assert_eq!(
            api.get(&beta).await["userPreferredMethodForSecondaryAuthentication"],
            p
        );
    }
    api.expect(Method::DELETE, &app, None, 204).await;

    // Values outside the enum, the sentinel, methods not registered, unknown properties.
    for bad in [
        json!({"userPreferredMethodForSecondaryAuthentication": "unknownFutureValue"}),
        json!({"userPreferredMethodForSecondaryAuthentication": "carrierPigeon"}),
        json!({"userPreferredMethodForSecondaryAuthentication": 3}),
        json!({"userPreferredMethodForSecondaryAuthentication": "voiceOffice"}),
        json!({"userPreferredMethodForSecondaryAuthentication": "push"}),
        json!({"isSystemPreferredAuthenticationMethodEnabled": "yes"}),
        json!({"systemPreferredAuthenticationMethod": "push"}),
    ] {
        let r = api
            .expect(Method::PATCH, &beta, Some(bad.clone()), 400)
            .await;
        assert_eq!(r.code(), "badRequest", "{bad}");
    }
    api.expect(
        Method::PATCH,
        &beta,
        Some(json!({"isSystemPreferredAuthenticationMethodEnabled": true})),
        204,
    )
    .await;
    let got = api.get(&beta).await;
    assert_eq!(got["isSystemPreferredAuthenticationMethodEnabled"], true);
    assert_eq!(got["userPreferredMethodForSecondaryAuthentication"], "sms");

    // Reading needs UserAuthenticationMethod.Read.All; changing it ReadWrite.All.
    let reader = api.delegated(ADMIN, &["UserAuthenticationMethod.Read.All"]);
    let r = api.send_as(&reader, Method::GET, &beta, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let body = Some(json!({"userPreferredMethodForSecondaryAuthentication": "oath"}));
    let r = api.send_as(&reader, Method::PATCH, &beta, body).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let none = api.delegated(ADMIN, &["User.Read.All"]);
    assert_eq!(
        api.send_as(&none, Method::GET, &beta, None).await.status,
        403
    );
}
