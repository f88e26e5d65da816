//! A small hand-made tenant holding every kind of object the Graph endpoints serve: admins
//! with roles, a compromised-looking CFO with phones, an Authenticator, inbox rules (normal,
//! read-only shell, hidden) and a consent grant, a guest, a deleted user, a user without a
//! mailbox, filler users, risky users, detections, sign-ins and audits. Endpoint and schema
//! tests use it; the scenario generator builds the realistic tenants.

use super::sample_logs::{detection, sign_in};
use crate::fixture::{role_definitions, user};
use crate::model::*;
use crate::state::Scenario;
use chrono::Duration;
use serde_json::json;

pub const DOMAIN: &str = "sample.onmicrosoft.com";
pub const ADMIN: &str = "00000000-0000-4000-8000-00000000000a";
pub const AUTH_ADMIN_USER: &str = "00000000-0000-4000-8000-00000000000b";
pub const HELPDESK_USER: &str = "00000000-0000-4000-8000-00000000000c";
pub const CFO: &str = "00000000-0000-4000-8000-0000000000cf";
pub const SALES: &str = "00000000-0000-4000-8000-00000000005a";
pub const GUEST: &str = "00000000-0000-4000-8000-0000000000ee";
pub const DELETED: &str = "00000000-0000-4000-8000-0000000000de";
pub const NO_MAILBOX: &str = "00000000-0000-4000-8000-0000000000b0";
pub const AUTHENTICATOR_ID: &str = "00000000-0000-4000-8000-00000000a0a0";
pub const RULE_MOVE: &str = "AQAAAJ5dZqA=";
pub const RULE_SHELL: &str = "AQAAAJ5dZqB=";
pub const RULE_HIDDEN: &str = "AQAAAJ5dZqC=";
pub const GRAPH_SP: &str = "00000000-0000-4000-8000-000000005900";
pub const EVIL_SP: &str = "00000000-0000-4000-8000-0000000059ee";
pub const TEAMS_SP: &str = "00000000-0000-4000-8000-00000000597e";
pub const GRANT_PRINCIPAL: &str = "E3NHabc-principal-grant";
pub const GRANT_ALL: &str = "E3NHabc-allprincipals-grant";

fn filler_id(i: usize) -> String {
    format!("10000000-0000-4000-8000-{i:012}")
}

fn person(id: &str, alias: &str, name: &str, title: &str, dept: &str, created: Time) -> User {
    let mut u = user(id, &format!("{alias}@{DOMAIN}"), name, Some(title));
    u.department = Some(dept.into());
    u.created_date_time = created;
    u.sign_in_sessions_valid_from_date_time = created;
    u.password = "Sample!Passw0rd".into();
    u
}

fn assignment(principal: &str, template: &str) -> RoleAssignment {
    RoleAssignment {
        id: format!("ra-{principal}-{}", &template[..8]),
        principal_id: principal.to_string(),
        role_definition_id: template.to_string(),
        directory_scope_id: "/".into(),
    }
}

fn risky(u: &User, level: RiskLevel, state: RiskState, at: Time) -> RiskyUser {
    RiskyUser {
        id: u.id.to_string(),
        is_deleted: u.deleted,
        is_processing: false,
        risk_last_updated_date_time: at,
        risk_level: level,
        risk_state: state,
        risk_detail: "none".into(),
        user_display_name: u.display_name.to_string(),
        user_principal_name: u.user_principal_name.to_string(),
    }
}

fn phone(kind: &str, id: &str, number: &str, default: bool) -> AuthMethod {
    AuthMethod {
        id: id.into(),
        kind: Some(MethodKind::Phone),
        phone_number: Some(number.into()),
        phone_type: Some(kind.into()),
        sms_sign_in_state: Some("notEnabled".into()),
        is_default: default,
        ..AuthMethod::default()
    }
}

fn cfo_methods(now: Time) -> Vec<AuthMethod> {
    vec![
        AuthMethod {
            id: PASSWORD_METHOD_ID.into(),
            kind: Some(MethodKind::Password),
            created_date_time: Some(now - Duration::days(300)),
            ..AuthMethod::default()
        },
        phone("mobile", PHONE_ID_MOBILE, "+1 5555550100", true),
        phone(
            "alternateMobile",
            PHONE_ID_ALTERNATE_MOBILE,
            "+7 9165550123",
            false,
        ),
        AuthMethod {
            id: AUTHENTICATOR_ID.into(),
            kind: Some(MethodKind::MicrosoftAuthenticator),
            created_date_time: Some(now - Duration::days(2)),
            display_name: Some("SM-A515F".into()),
            device_tag: Some("SoftwareTokenActivated".into()),
            phone_app_version: Some("6.2401.0119".into()),
            registered_from_ip: Some("185.220.101.4".into()),
            ..AuthMethod::default()
        },
        AuthMethod {
            id: "00000000-0000-4000-8000-00000000f1d0".into(),
            kind: Some(MethodKind::Fido2),
            created_date_time: Some(now - Duration::days(200)),
            display_name: Some("YubiKey 5 NFC".into()),
            rare: Some(Box::new(RareMethodProps {
                aaguid: Some("cb69481e-8ff7-4039-93ec-0a2729a154a8".into()),
                model: Some("YubiKey 5 Series".into()),
                ..RareMethodProps::default()
            })),
            ..AuthMethod::default()
        },
        AuthMethod {
            id: "00000000-0000-4000-8000-00000000e3a1".into(),
            kind: Some(MethodKind::Email),
            rare: Some(Box::new(RareMethodProps {
                email_address: Some("casey.personal@example.com".into()),
                ..RareMethodProps::default()
            })),
            ..AuthMethod::default()
        },
        AuthMethod {
            id: "00000000-0000-4000-8000-00000000d0a7".into(),
            kind: Some(MethodKind::SoftwareOath),
            ..AuthMethod::default()
        },
        AuthMethod {
            id: "00000000-0000-4000-8000-00000000a11e".into(),
            kind: Some(MethodKind::WindowsHelloForBusiness),
            created_date_time: Some(now - Duration::days(100)),
            display_name: Some("CFO-LAPTOP".into()),
            ..AuthMethod::default()
        },
    ]
}

fn folders() -> Vec<MailFolder> {
    let f = |id: &str, name: &str, parent: Option<&str>, wk: Option<&str>| MailFolder {
        id: id.into(),
        display_name: name.into(),
        parent_folder_id: parent.map(Into::into),
        well_known_name: wk.map(Into::into),
    };
    vec![
        f("AAMkInbox", "Inbox", Some("AAMkRoot"), Some("inbox")),
        f(
            "AAMkDeleted",
            "Deleted Items",
            Some("AAMkRoot"),
            Some("deleteditems"),
        ),
        f("AAMkRss", "RSS Feeds", Some("AAMkRoot"), Some("rssfeeds")),
        f(
            "AAMkConv",
            "Conversation History",
            Some("AAMkRoot"),
            Some("conversationhistory"),
        ),
        f("AAMkArchive", "Archive", Some("AAMkRoot"), Some("archive")),
        f("AAMkInvoices", "Invoices", Some("AAMkInbox"), None),
    ]
}

fn rule(id: &str, name: &str, seq: i32, read_only: bool) -> MessageRule {
    MessageRule {
        id: id.into(),
        display_name: name.into(),
        sequence: seq,
        is_enabled: true,
        has_error: false,
        is_read_only: read_only,
        conditions: MessageRulePredicates {
            subject_contains: Some(vec!["invoice".into(), "payment".into()]),
            ..Default::default()
        },
        exceptions: MessageRulePredicates::default(),
        actions: MessageRuleActions {
            move_to_folder: Some("AAMkRss".into()),
            mark_as_read: Some(true),
            stop_processing_rules: Some(true),
            ..Default::default()
        },
    }
}

fn mailbox(rules: Vec<MessageRule>, hidden: Vec<MessageRule>) -> Mailbox {
    Mailbox {
        standard_folders: None,
        extra_folders: folders(),
        rules,
        hidden_rules: hidden,
        settings: std::sync::Arc::new(json!({
            "archiveFolder": "AAMkArchive",
            "timeZone": "Pacific Standard Time",
            "dateFormat": "M/d/yyyy",
            "timeFormat": "h:mm tt",
            "automaticRepliesSetting": {
                "status": "disabled",
                "externalAudience": "none",
                "internalReplyMessage": "",
                "externalReplyMessage": "",
                "scheduledStartDateTime": {"dateTime": "2024-03-01T00:00:00.0000000", "timeZone": "UTC"},
                "scheduledEndDateTime": {"dateTime": "2024-03-02T00:00:00.0000000", "timeZone": "UTC"}
            },
            "language": {"locale": "en-US", "displayName": "English (United States)"}
        })),
        forwarding_smtp_address: None,
    }
}

fn grant(
    id: &str,
    client: &str,
    consent: &str,
    principal: Option<&str>,
    scope: &str,
) -> OAuth2PermissionGrant {
    OAuth2PermissionGrant {
        id: id.into(),
        client_id: client.into(),
        consent_type: consent.into(),
        principal_id: principal.map(String::from),
        resource_id: GRAPH_SP.into(),
        scope: scope.into(),
    }
}

fn sp(id: &str, app_id: &str, name: &str) -> ServicePrincipal {
    ServicePrincipal {
        id: id.into(),
        app_id: app_id.into(),
        display_name: name.into(),
        app_owner_organization_id: Some("f8cdef31-a31e-4b4a-93e4-5f571e91255a".into()),
        publisher_name: Some("Microsoft Services".into()),
        service_principal_type: "Application".into(),
    }
}

/// The sample tenant with `fillers` extra employees and `sign_ins` sign-in events.
pub fn sample_tenant(fillers: usize, sign_ins: usize) -> Scenario {
    let now = chrono::Utc::now();
    let created = now - Duration::days(400);
    let mut users = vec![
        person(
            ADMIN,
            "admin",
            "Avery Admin",
            "IT Administrator",
            "IT",
            created,
        ),
        person(
            AUTH_ADMIN_USER,
            "authadmin",
            "Ash Authadmin",
            "Identity Engineer",
            "IT",
            created,
        ),
        person(
            HELPDESK_USER,
            "helpdesk",
            "Harper Helpdesk",
            "Service Desk Analyst",
            "IT",
            created,
        ),
        person(
            CFO,
            "cfo",
            "Casey Finance",
            "Chief Financial Officer",
            "Finance",
            created,
        ),
        person(
            SALES,
            "sales",
            "Sam Seller",
            "Sales Director",
            "Sales",
            created,
        ),
        person(
            GUEST,
            "partner_example.com#EXT#",
            "Pat Partner",
            "Consultant",
            "External",
            created,
        ),
        person(
            DELETED,
            "gone",
            "Dana Departed",
            "Accountant",
            "Finance",
            created,
        ),
        person(
            NO_MAILBOX,
            "kiosk",
            "Kim Kiosk",
            "Warehouse Associate",
            "Operations",
            created,
        ),
    ];
    users[3].manager_id = Some(ADMIN.into());
    users[3].mobile_phone = Some("+1 5555550100".into());
    users[5].user_type = "Guest".into();
    users[6].deleted = true;
    for i in 0..fillers {
        let mut u = person(
            &filler_id(i),
            &format!("emp{i:04}"),
            &format!("Employee {i:04}"),
            "Analyst",
            "Operations",
            created,
        );
        u.manager_id = Some(SALES.into());
        users.push(u);
    }
    let role_assignments = vec![
        assignment(ADMIN, crate::graph::access::GLOBAL_ADMIN),
        assignment(AUTH_ADMIN_USER, crate::graph::access::AUTH_ADMIN),
        assignment(HELPDESK_USER, crate::graph::access::HELPDESK_ADMIN),
    ];
    let mut risky_users = std::collections::HashMap::new();
    let risky_set = [
        (3, RiskLevel::High),
        (4, RiskLevel::Medium),
        (5, RiskLevel::Low),
        (6, RiskLevel::Medium),
    ];
    for (k, (idx, level)) in risky_set.iter().enumerate() {
        let u = &users[*idx];
        risky_users.insert(
            u.id.to_string(),
            risky(
                u,
                *level,
                RiskState::AtRisk,
                now - Duration::hours(k as i64),
            ),
        );
    }
    for (k, u) in users.iter().skip(8).take(30).enumerate() {
        risky_users.insert(
            u.id.to_string(),
            risky(
                u,
                RiskLevel::Low,
                RiskState::AtRisk,
                now - Duration::hours(10 + k as i64),
            ),
        );
    }
    let cfo_risk = risky_users.get(CFO).cloned();
    let history = cfo_risk
        .map(|r| RiskyUserHistoryItem {
            id: "hist-1".into(),
            user_id: CFO.into(),
            initiated_by: None,
            activity: RiskUserActivity {
                detail: "none".into(),
                risk_event_types: vec!["unfamiliarFeatures".into()],
            },
            is_deleted: false,
            is_processing: false,
            risk_last_updated_date_time: r.risk_last_updated_date_time,
            risk_level: r.risk_level,
            risk_state: r.risk_state,
            risk_detail: r.risk_detail,
            user_display_name: r.user_display_name,
            user_principal_name: r.user_principal_name,
        })
        .into_iter()
        .collect();
    let live: Vec<&User> = users.iter().filter(|u| !u.deleted).collect();
    let sign_ins = (0..sign_ins)
        .map(|i| {
            sign_in(
                i,
                live[i % live.len()],
                now - Duration::minutes(i as i64 * 3),
            )
        })
        .collect();
    let detections = (0..25)
        .map(|i| detection(i, &users[3 + i % 2], now - Duration::hours(i as i64)))
        .collect();
    let mut methods = std::collections::HashMap::new();
    methods.insert(CFO.into(), cfo_methods(now));
    methods.insert(
        SALES.into(),
        vec![phone("mobile", PHONE_ID_MOBILE, "+1 5555550142", true)],
    );
    methods.insert(
        ADMIN.into(),
        vec![phone("mobile", PHONE_ID_MOBILE, "+1 5555550111", true)],
    );
    let mut mailboxes = std::collections::HashMap::new();
    for u in users
        .iter()
        .filter(|u| *u.id != *NO_MAILBOX && *u.id != *GUEST)
    {
        mailboxes.insert(u.id.clone(), mailbox(Vec::new(), Vec::new()));
    }
    mailboxes.insert(
        CFO.into(),
        mailbox(
            vec![
                rule(RULE_MOVE, "Move invoices to RSS Feeds", 1, false),
                rule(RULE_SHELL, "Legacy rule", 2, true),
            ],
            vec![rule(RULE_HIDDEN, "hidden", 3, false)],
        ),
    );
    let audit = DirectoryAudit {
        id: "Directory_seed_1".into(),
        category: "UserManagement".into(),
        correlation_id: "seed-corr".into(),
        result: "success".into(),
        result_reason: String::new(),
        activity_display_name: "User registered security info".into(),
        activity_date_time: now - Duration::days(2),
        logged_by_service: "Authentication Methods".into(),
        operation_type: "Add".into(),
        initiated_by: AuditActivityInitiator {
            user: Some(UserIdentity {
                id: Some(CFO.into()),
                display_name: None,
                user_principal_name: Some(format!("cfo@{DOMAIN}")),
                ip_address: Some("185.220.101.4".into()),
            }),
            app: None,
        },
        target_resources: vec![TargetResource {
            id: Some(CFO.into()),
            display_name: None,
            kind: Some("User".into()),
            user_principal_name: Some(format!("cfo@{DOMAIN}")),
            modified_properties: Vec::new(),
        }],
        additional_details: vec![KeyValue {
            key: "Method".into(),
            value: "Microsoft Authenticator".into(),
        }],
    };
    let tenant = Tenant {
        id: "5a3b7e2c-0000-4000-8000-000000000001".into(),
        domain: DOMAIN.into(),
        display_name: "Sample (simulated)".into(),
        generated_at: Some(now),
        users,
        role_definitions: role_definitions(),
        role_assignments,
        risky_users,
        risky_user_history: [(CFO.to_string(), history)].into_iter().collect(),
        risk_detections: detections,
        sign_ins,
        directory_audits: vec![audit],
        methods,
        mailboxes,
        service_principals: vec![
            sp(
                GRAPH_SP,
                "00000003-0000-0000-c000-000000000000",
                "Microsoft Graph",
            ),
            sp(
                EVIL_SP,
                "9f8e7d6c-0000-4000-8000-00000000beef",
                "PDF Viewer Online",
            ),
            sp(
                TEAMS_SP,
                "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
                "Microsoft Teams",
            ),
        ],
        grants: vec![
            grant(
                GRANT_PRINCIPAL,
                EVIL_SP,
                "Principal",
                Some(CFO),
                " Mail.Read Mail.Send offline_access",
            ),
            grant(GRANT_ALL, TEAMS_SP, "AllPrincipals", None, "User.Read"),
        ],
        apps: Vec::new(),
        sign_in_preferences: Default::default(),
        devices: super::sample_devices::devices(now),
        groups: super::sample_groups::groups(now),
        ..Tenant::default()
    };
    let tenant = super::sample_apps::with_apps(tenant, now);
    Scenario {
        tenant,
        truth: Default::default(),
    }
}
