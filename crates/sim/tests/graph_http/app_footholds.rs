//! Applications, credentials and app role assignments over HTTP: reads without secret text
//! (a certificate's public key only when selected), paging, removePassword / removeKey (with
//! its proof) / PATCH keyCredentials on applications and service principals with their
//! audits, app role assignments listed, deleted and re-created, and the refusals.

use super::support::{self, Api};
use base64::Engine as _;
use reclaim_sim::graph::sample::{ADMIN, CFO, EVIL_SP, GRAPH_SP, SALES};
use reclaim_sim::graph::sample_apps::*;
use reqwest::Method;
use serde_json::{json, Value};

fn b64url(v: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

/// A proof JWT naming `thumb` (base64 SHA-1) for `iss`; the simulator cannot check the
/// signature, only the rest.
fn proof(thumb: &str, iss: &str, aud: &str, life: i64) -> String {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(thumb)
        .unwrap();
    let x5t = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    let now = chrono::Utc::now().timestamp();
    let header = json!({"alg": "RS256", "typ": "JWT", "x5t": x5t});
    let claims = json!({"aud": aud, "iss": iss, "nbf": now, "exp": now + life});
    format!("{}.{}.c2lnbmF0dXJl", b64url(&header), b64url(&claims))
}

#[tokio::test]
async fn applications_list_credentials_without_secrets_and_page() {
    let api = Api::start(5, 10).await;
    let app = api.get(&format!("/v1.0/applications/{PAYROLL_APP}")).await;
    let pw = app["passwordCredentials"].as_array().unwrap();
    assert_eq!(pw.len(), 2);
    assert!(pw.iter().all(|p| p["secretText"].is_null()));
    assert_eq!(pw[1]["keyId"], ATTACKER_SECRET);
    assert_eq!(pw[1]["hint"], "p9~");
    let kc = app["keyCredentials"].as_array().unwrap();
    assert!(kc.iter().all(|k| k["key"].is_null()), "{app}");
    assert_eq!(kc[0]["type"], "AsymmetricX509Cert");
    let sel = api
        .get(&format!(
            "/v1.0/applications/{PAYROLL_APP}?$select=id,keyCredentials"
        ))
        .await;
    assert!(sel["keyCredentials"][0]["key"].is_string(), "{sel}");
    assert!(sel.get("passwordCredentials").is_none());
    let f = api
        .get(&format!(
            "/v1.0/applications?$filter=appId eq '{PAYROLL_APP_ID}'"
        ))
        .await;
    assert_eq!(f["value"].as_array().unwrap().len(), 1);
    let owners = api
        .get(&format!("/v1.0/applications/{PAYROLL_APP}/owners"))
        .await;
    assert_eq!(owners["value"][0]["id"], ADMIN);
    assert_eq!(owners["value"][0]["@odata.type"], "#microsoft.graph.user");
    let (all, pages) = api.all_pages("/v1.0/applications?$top=1", false).await;
    assert_eq!((all.len(), pages), (1, 1));
    let sp = api.get(&format!("/v1.0/servicePrincipals/{EVIL_SP}")).await;
    assert_eq!(sp["passwordCredentials"][0]["keyId"], EVIL_SP_SECRET);
    assert!(sp["verifiedPublisher"]["verifiedPublisherId"].is_null());
    let gone = api.try_get("/v1.0/applications/nope").await;
    assert_eq!(
        (gone.status, gone.code()),
        (404, "Request_ResourceNotFound")
    );
    let none = api.delegated(SALES, &["Mail.Read"]);
    let r = api
        .send_as(&none, Method::GET, "/v1.0/applications", None)
        .await;
    assert_eq!((r.status, r.code()), (403, "Authorization_RequestDenied"));
}

#[tokio::test]
async fn remove_password_is_audited_and_needs_application_write() {
    let api = Api::start(5, 10).await;
    let path = format!("/v1.0/applications/{PAYROLL_APP}/removePassword");
    let reader = api.delegated(ADMIN, &["Application.Read.All"]);
    let r = api
        .send_as(
            &reader,
            Method::POST,
            &path,
            Some(json!({"keyId": ATTACKER_SECRET})),
        )
        .await;
    assert_eq!((r.status, r.code()), (403, "Authorization_RequestDenied"));
    api.expect(
        Method::POST,
        &path,
        Some(json!({"keyId": ATTACKER_SECRET})),
        204,
    )
    .await;
    let app = api.get(&format!("/v1.0/applications/{PAYROLL_APP}")).await;
    let ids: Vec<&str> = app["passwordCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["keyId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [OWNER_SECRET]);
    let again = api
        .send(Method::POST, &path, Some(json!({"keyId": ATTACKER_SECRET})))
        .await;
    assert_eq!(again.status, 404);
    let bad = api
        .send(Method::POST, &path, Some(json!({"keyId": "x"})))
        .await;
    assert_eq!(bad.status, 400);
    let extra = api
        .send(
            Method::POST,
            &path,
            Some(json!({"keyId": OWNER_SECRET, "x": 1})),
        )
        .await;
    assert_eq!(extra.status, 400);
    let audits = api
        .get("/v1.0/auditLogs/directoryAudits?$filter=startswith(activityDisplayName,'Update application')")
        .await;
    let a = &audits["value"][0];
    assert_eq!(
        a["activityDisplayName"],
        "Update application \u{2013} Certificates and secrets management"
    );
    assert_eq!(a["targetResources"][0]["id"], PAYROLL_APP);
    let m = support::modified(a, "KeyDescription");
    assert!(m["oldValue"].as_str().unwrap().contains(ATTACKER_SECRET));
    assert!(!m["newValue"].as_str().unwrap().contains(ATTACKER_SECRET));
    // The service principal's own secret.
    let sp_path = format!("/v1.0/servicePrincipals/{EVIL_SP}/removePassword");
    api.expect(
        Method::POST,
        &sp_path,
        Some(json!({"keyId": EVIL_SP_SECRET})),
        204,
    )
    .await;
    let sp = api.get(&format!("/v1.0/servicePrincipals/{EVIL_SP}")).await;
    assert_eq!(sp["passwordCredentials"], json!([]));
}

#[tokio::test]
async fn remove_key_needs_a_proof_from_a_current_certificate() {
    let api = Api::start(5, 10).await;
    let path = format!("/v1.0/applications/{PAYROLL_APP}/removeKey");
    let aud = "00000002-0000-0000-c000-000000000000";
    let no_proof = api
        .send(Method::POST, &path, Some(json!({"keyId": ATTACKER_CERT})))
        .await;
    assert_eq!(no_proof.status, 400);
    for p in [
        proof(OWNER_CERT_THUMBPRINT, PAYROLL_APP, "someone-else", 300),
        proof(OWNER_CERT_THUMBPRINT, EVIL_SP, aud, 300),
        proof(OWNER_CERT_THUMBPRINT, PAYROLL_APP, aud, 3600),
        proof("MzMzMzMzMzMzMzMzMzMzMzMzMzM=", PAYROLL_APP, aud, 300),
        "not-a-jwt".to_string(),
    ] {
        let r = api
            .send(
                Method::POST,
                &path,
                Some(json!({"keyId": ATTACKER_CERT, "proof": p})),
            )
            .await;
        assert_eq!(r.status, 400, "{p}: {}", r.text);
    }
    let good = proof(OWNER_CERT_THUMBPRINT, PAYROLL_APP, aud, 300);
    api.expect(
        Method::POST,
        &path,
        Some(json!({"keyId": ATTACKER_CERT, "proof": good})),
        204,
    )
    .await;
    let app = api.get(&format!("/v1.0/applications/{PAYROLL_APP}")).await;
    assert_eq!(app["keyCredentials"].as_array().unwrap().len(), 1);
    assert_eq!(app["keyCredentials"][0]["keyId"], OWNER_CERT);
}

#[tokio::test]
async fn patch_key_credentials_keeps_named_certificates_only() {
    let api = Api::start(5, 10).await;
    let path = format!("/v1.0/applications/{PAYROLL_APP}");
    let sel = api.get(&format!("{path}?$select=keyCredentials")).await;
    let keep: Vec<Value> = sel["keyCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["keyId"] != ATTACKER_CERT)
        .cloned()
        .collect();
    let forged = json!([{"keyId": "00000000-0000-4000-8000-00000000ffff", "key": "TUlJ"}]);
    let r = api
        .send(
            Method::PATCH,
            &path,
            Some(json!({"keyCredentials": forged})),
        )
        .await;
    assert_eq!(r.status, 400);
    let ro = api
        .send(Method::PATCH, &path, Some(json!({"appId": "x"})))
        .await;
    assert_eq!(ro.status, 400);
    api.expect(
        Method::PATCH,
        &path,
        Some(json!({"keyCredentials": keep})),
        204,
    )
    .await;
    let app = api.get(&path).await;
    let ids: Vec<&str> = app["keyCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["keyId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [OWNER_CERT]);
    assert_eq!(app["passwordCredentials"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn app_role_assignments_list_delete_and_recreate() {
    let api = Api::start(5, 10).await;
    let mine = api
        .get(&format!("/v1.0/users/{CFO}/appRoleAssignments"))
        .await;
    assert_eq!(mine["value"][0]["id"], CONSENT_ASSIGNMENT);
    assert_eq!(mine["value"][0]["resourceId"], EVIL_SP);
    let to_graph = api
        .get(&format!(
            "/v1.0/servicePrincipals/{GRAPH_SP}/appRoleAssignedTo"
        ))
        .await;
    assert_eq!(to_graph["value"][0]["id"], MAIL_READ_ASSIGNMENT);
    assert_eq!(to_graph["value"][0]["appRoleId"], MAIL_READ_ROLE);
    let big = api
        .try_get(&format!("/v1.0/users/{CFO}/appRoleAssignments?$top=1000"))
        .await;
    assert_eq!(big.status, 400);
    // Reading needs Directory.Read.All; deleting needs AppRoleAssignment.ReadWrite.All.
    let reader = api.delegated(ADMIN, &["Directory.Read.All"]);
    let del = format!("/v1.0/users/{CFO}/appRoleAssignments/{CONSENT_ASSIGNMENT}");
    let r = api.send_as(&reader, Method::DELETE, &del, None).await;
    assert_eq!((r.status, r.code()), (403, "Authorization_RequestDenied"));
    api.expect(Method::DELETE, &del, None, 204).await;
    let again = api.send(Method::DELETE, &del, None).await;
    assert_eq!(again.status, 404);
    let del_sp =
        format!("/v1.0/servicePrincipals/{GRAPH_SP}/appRoleAssignedTo/{MAIL_READ_ASSIGNMENT}");
    api.expect(Method::DELETE, &del_sp, None, 204).await;
    let audits = api.audits_for(CFO).await;
    let a = support::find(&audits, "Remove app role assignment from user");
    assert_eq!(a["targetResources"][0]["id"], EVIL_SP);
    // Re-created from the recorded pre-state: a new id, the same principal, resource, role.
    let body = json!({"principalId": CFO, "resourceId": EVIL_SP, "appRoleId": DEFAULT_ROLE});
    let r = api
        .send(
            Method::POST,
            &format!("/v1.0/users/{CFO}/appRoleAssignments"),
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let dup = api
        .send(
            Method::POST,
            &format!("/v1.0/users/{CFO}/appRoleAssignments"),
            Some(body),
        )
        .await;
    assert_eq!(dup.status, 400);
    let mine = api
        .get(&format!("/v1.0/users/{CFO}/appRoleAssignments"))
        .await;
    assert_eq!(mine["value"].as_array().unwrap().len(), 1);
    assert_ne!(mine["value"][0]["id"], CONSENT_ASSIGNMENT);
}
