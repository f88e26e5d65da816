//! Role assignment and group membership writes over HTTP: create/get/delete role assignments
//! (201/204, 404 on missing, 400 on duplicates) with "Add member to role" / "Remove member
//! from role" audits; groups, their paged members, `$ref` adds and removes with "Add member to
//! group" / "Remove member from group"; the write permissions refused with 403.

use super::support::Api;
use reclaim_sim::graph::sample::{ADMIN, CFO, SALES};
use reclaim_sim::graph::sample_groups::{ALL_STAFF, FINANCE_APPROVERS, PAYROLL_ADMINS};
use reqwest::Method;
use serde_json::{json, Value};

const ASSIGNMENTS: &str = "/v1.0/roleManagement/directory/roleAssignments";
const SECURITY_ADMIN: &str = "194ae4cb-b126-40b2-bd5b-6091b380977d";

fn newest<'a>(audits: &'a Value, activity: &str) -> &'a Value {
    audits["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["activityDisplayName"] == activity)
        .unwrap_or_else(|| panic!("no {activity}"))
}

fn prop<'a>(target: &'a Value, name: &str) -> &'a Value {
    target["modifiedProperties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["displayName"] == name)
        .unwrap_or_else(|| panic!("no {name} in {target}"))
}

#[tokio::test]
async fn a_role_assignment_is_created_read_deleted_and_audited() {
    let api = Api::start(5, 10).await;
    let body = json!({
        "@odata.type": "#microsoft.graph.unifiedRoleAssignment",
        "principalId": SALES,
        "roleDefinitionId": SECURITY_ADMIN,
        "directoryScopeId": "/",
    });
    let made = api
        .expect(Method::POST, ASSIGNMENTS, Some(body.clone()), 201)
        .await
        .body;
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(made["principalId"], SALES);
    assert!(made["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("roleAssignments/$entity"));
    let one = api.get(&format!("{ASSIGNMENTS}/{id}")).await;
    assert_eq!(one["roleDefinitionId"], SECURITY_ADMIN);
    // Graph refuses the same assignment twice.
    let dup = api
        .send(Method::POST, ASSIGNMENTS, Some(body.clone()))
        .await;
    assert_eq!((dup.status, dup.code()), (400, "Request_BadRequest"));
    let audits = api
        .get("/v1.0/auditLogs/directoryAudits?$filter=category eq 'RoleManagement'")
        .await;
    let add = newest(&audits, "Add member to role");
    assert_eq!(add["loggedByService"], "Core Directory");
    assert_eq!(add["operationType"], "Assign");
    assert_eq!(add["targetResources"][0]["id"], SALES);
    assert_eq!(add["targetResources"][0]["type"], "User");
    assert_eq!(add["targetResources"][1]["type"], "Role");
    assert_eq!(
        prop(&add["targetResources"][0], "Role.TemplateId")["newValue"],
        format!("\"{SECURITY_ADMIN}\"")
    );
    assert!(add["initiatedBy"]["app"]["appId"].is_string());

    api.expect(Method::DELETE, &format!("{ASSIGNMENTS}/{id}"), None, 204)
        .await;
    let gone = api.try_get(&format!("{ASSIGNMENTS}/{id}")).await;
    assert_eq!(
        (gone.status, gone.code()),
        (404, "Request_ResourceNotFound")
    );
    let again = api
        .send(Method::DELETE, &format!("{ASSIGNMENTS}/{id}"), None)
        .await;
    assert_eq!(again.status, 404);
    let audits = api
        .get("/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Remove member from role'")
        .await;
    assert_eq!(audits["value"][0]["targetResources"][0]["id"], SALES);
    // Re-adding gives the assignment back its id (Entra derives it from role and principal).
    let back = api.expect(Method::POST, ASSIGNMENTS, Some(body), 201).await;
    assert_eq!(back.body["id"], id.as_str());
    // Unknown principals and roles are 404; other scopes and unknown properties are 400.
    let bad = |p: &str, r: &str, s: &str| json!({"principalId": p, "roleDefinitionId": r, "directoryScopeId": s});
    let cases = [
        (
            bad("00000000-0000-4000-8000-0000000000ff", SECURITY_ADMIN, "/"),
            404,
        ),
        (bad(SALES, "00000000-0000-4000-8000-0000000000ff", "/"), 404),
        (bad(SALES, SECURITY_ADMIN, "/administrativeUnits/x"), 400),
        (json!({"principalId": SALES}), 400),
    ];
    for (body, status) in cases {
        let r = api
            .send(Method::POST, ASSIGNMENTS, Some(body.clone()))
            .await;
        assert_eq!(r.status, status, "{body}: {}", r.text);
    }
}

#[tokio::test]
async fn role_writes_need_role_management_read_write() {
    let api = Api::start(5, 10).await;
    let reader = api.delegated(ADMIN, &["RoleManagement.Read.Directory"]);
    let r = api.send_as(&reader, Method::GET, ASSIGNMENTS, None).await;
    assert_eq!(r.status, 200);
    let id = r.items()[0]["id"].as_str().unwrap().to_string();
    let w = api
        .send_as(
            &reader,
            Method::DELETE,
            &format!("{ASSIGNMENTS}/{id}"),
            None,
        )
        .await;
    assert_eq!((w.status, w.code()), (403, "Authorization_RequestDenied"));
    let body =
        json!({"principalId": SALES, "roleDefinitionId": SECURITY_ADMIN, "directoryScopeId": "/"});
    let w = api
        .send_as(&reader, Method::POST, ASSIGNMENTS, Some(body))
        .await;
    assert_eq!(w.status, 403);
    assert_eq!(
        api.get(&format!("{ASSIGNMENTS}/{id}")).await["id"],
        id.as_str()
    );
}

#[tokio::test]
async fn groups_their_members_and_member_of() {
    let api = Api::start(5, 10).await;
    let g = api.get(&format!("/v1.0/groups/{FINANCE_APPROVERS}")).await;
    assert_eq!(g["displayName"], "Finance Approvers");
    assert_eq!(g["securityEnabled"], true);
    assert!(g["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("#groups/$entity"));
    let (all, pages) = api
        .all_pages(&format!("/v1.0/groups/{ALL_STAFF}/members?$top=1"), false)
        .await;
    assert_eq!((all.len(), pages), (3, 3));
    assert!(all
        .iter()
        .all(|m| m["@odata.type"] == "#microsoft.graph.user"));
    let too_big = api
        .try_get(&format!("/v1.0/groups/{ALL_STAFF}/members?$top=1000"))
        .await;
    assert_eq!(too_big.status, 400);
    assert_eq!(api.try_get("/v1.0/groups/nope").await.status, 404);
    let mine = api.get(&format!("/v1.0/users/{CFO}/memberOf")).await;
    let ids: Vec<&str> = mine["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [FINANCE_APPROVERS, ALL_STAFF]);
    let none = api.delegated(SALES, &["Mail.Read"]);
    let r = api
        .send_as(
            &none,
            Method::GET,
            &format!("/v1.0/groups/{ALL_STAFF}/members"),
            None,
        )
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn group_members_are_added_and_removed_by_ref_and_audited() {
    let api = Api::start(5, 10).await;
    let add = format!("/v1.0/groups/{PAYROLL_ADMINS}/members/$ref");
    let link =
        json!({"@odata.id": format!("https://graph.microsoft.com/v1.0/directoryObjects/{SALES}")});
    api.expect(Method::POST, &add, Some(link.clone()), 204)
        .await;
    let dup = api.send(Method::POST, &add, Some(link.clone())).await;
    assert_eq!((dup.status, dup.code()), (400, "Request_BadRequest"));
    let members = api
        .get(&format!("/v1.0/groups/{PAYROLL_ADMINS}/members"))
        .await;
    assert_eq!(members["value"][0]["id"], SALES);
    let audits = api
        .get("/v1.0/auditLogs/directoryAudits?$filter=category eq 'GroupManagement'")
        .await;
    let a = newest(&audits, "Add member to group");
    assert_eq!(a["targetResources"][0]["id"], SALES);
    assert_eq!(a["targetResources"][1]["id"], PAYROLL_ADMINS);
    assert_eq!(a["targetResources"][1]["type"], "Group");
    assert_eq!(
        prop(&a["targetResources"][0], "Group.DisplayName")["newValue"],
        "\"Payroll Admins\""
    );

    let remove = format!("/v1.0/groups/{PAYROLL_ADMINS}/members/{SALES}/$ref");
    api.expect(Method::DELETE, &remove, None, 204).await;
    let again = api.send(Method::DELETE, &remove, None).await;
    assert_eq!(
        (again.status, again.code()),
        (404, "Request_ResourceNotFound")
    );
    let audits = api
        .get("/v1.0/auditLogs/directoryAudits?$filter=activityDisplayName eq 'Remove member from group'")
        .await;
    assert_eq!(
        audits["value"][0]["targetResources"][1]["id"],
        PAYROLL_ADMINS
    );
    let nobody = json!({"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/00000000-0000-4000-8000-0000000000ff"});
    assert_eq!(api.send(Method::POST, &add, Some(nobody)).await.status, 404);
    let missing_group = "/v1.0/groups/00000000-0000-4000-8000-0000000000ff/members/$ref";
    assert_eq!(
        api.send(Method::POST, missing_group, Some(link.clone()))
            .await
            .status,
        404
    );
    // Reading members is not enough to change them.
    let reader = api.delegated(ADMIN, &["GroupMember.Read.All"]);
    let w = api.send_as(&reader, Method::POST, &add, Some(link)).await;
    assert_eq!((w.status, w.code()), (403, "Authorization_RequestDenied"));
}
