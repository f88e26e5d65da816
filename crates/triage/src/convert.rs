//! Graph records (the client's typed models) to triage facts. The only place triage knows
//! Graph's shapes; everything downstream reads facts.

use super::audit_parse::{classify_activity, parse_mfa_change, Modified};
use super::facts::{
    AuditEvent, Detection, FolderRef, Grant, Method, MethodKind, MethodType, PhoneType, Profile,
    RiskLevel, RiskState, RiskyUser, Role, Rule, RuleActions, RuleConditions, SignIn,
};
use reclaim_graph::models as g;
use std::collections::HashMap;

fn level(l: &Option<g::RiskLevel>) -> RiskLevel {
    l.as_ref()
        .map(|l| RiskLevel::parse(l.as_str()))
        .unwrap_or_default()
}

fn state(s: &Option<g::RiskState>) -> RiskState {
    s.as_ref()
        .map(|s| RiskState::parse(s.as_str()))
        .unwrap_or_default()
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

pub fn profile(u: &g::User) -> Profile {
    Profile {
        id: u.id.clone(),
        user_principal_name: u.user_principal_name.clone().unwrap_or_default(),
        display_name: u.display_name.clone().unwrap_or_default(),
        job_title: non_empty(&u.job_title),
        department: non_empty(&u.department),
        manager: None,
        account_enabled: u.account_enabled,
        user_type: non_empty(&u.user_type),
        deleted: false,
        mail: non_empty(&u.mail),
    }
}

/// What the risky-user record says of an account `/users` no longer returns.
pub fn profile_from_risky(r: &g::RiskyUser) -> Profile {
    Profile {
        id: r.id.clone(),
        user_principal_name: r.user_principal_name.clone().unwrap_or_default(),
        display_name: r.user_display_name.clone().unwrap_or_default(),
        deleted: r.is_deleted.unwrap_or(false),
        ..Profile::default()
    }
}

pub fn risky(r: &g::RiskyUser) -> RiskyUser {
    RiskyUser {
        level: level(&r.risk_level),
        state: state(&r.risk_state),
        detail: r
            .risk_detail
            .as_ref()
            .map(|d| d.as_str().to_string())
            .unwrap_or_default(),
        updated: r.risk_last_updated_date_time.map(|t| t.0),
        deleted: r.is_deleted.unwrap_or(false),
    }
}

pub fn detection(d: &g::RiskDetection) -> Detection {
    let loc = d.location.as_ref();
    Detection {
        id: d.id.clone(),
        event_type: d.risk_event_type.clone().unwrap_or_default(),
        level: level(&d.risk_level),
        state: state(&d.risk_state),
        ip: non_empty(&d.ip_address),
        country: loc.and_then(|l| non_empty(&l.country_or_region)),
        city: loc.and_then(|l| non_empty(&l.city)),
        time: d.activity_date_time.or(d.detected_date_time).map(|t| t.0),
        request_id: non_empty(&d.request_id),
    }
}

/// A sign-in and the user it belongs to. `None` without a time (nothing to place it by).
pub fn sign_in(s: &g::SignIn) -> Option<(String, SignIn)> {
    let time = s.created_date_time?.0;
    let loc = s.location.as_ref();
    let dev = s.device_detail.as_ref();
    let status = s.status.as_ref();
    let geo = loc
        .and_then(|l| l.geo_coordinates.as_ref())
        .and_then(|g| Some((g.latitude?, g.longitude?)))
        // (0, 0) is what the service sends when it does not know.
        .filter(|(la, lo)| !(*la == 0.0 && *lo == 0.0));
    let fact = SignIn {
        id: s.id.clone(),
        time,
        ip: s.ip_address.clone().unwrap_or_default(),
        country: loc.and_then(|l| non_empty(&l.country_or_region)),
        city: loc.and_then(|l| non_empty(&l.city)),
        geo,
        asn: s
            .autonomous_system_number
            .and_then(|a| u32::try_from(a).ok())
            .filter(|a| *a != 0),
        network_names: network_names(s),
        app_id: non_empty(&s.app_id),
        app: s.app_display_name.clone().unwrap_or_default(),
        client_app: non_empty(&s.client_app_used),
        user_agent: s.user_agent.clone().unwrap_or_default(),
        error_code: status
            .and_then(|st| st.error_code)
            .map(|c| i32::try_from(c).unwrap_or(i32::MAX))
            .unwrap_or(-1),
        failure_reason: status.and_then(|st| non_empty(&st.failure_reason)),
        risk_during: level(&s.risk_level_during_sign_in),
        risk_state: state(&s.risk_state),
        risk_event_types: s.risk_event_types_v2.clone(),
        device_id: dev.and_then(|d| non_empty(&d.device_id)),
        device_name: dev.and_then(|d| non_empty(&d.display_name)),
        device_managed: dev.and_then(|d| d.is_managed).unwrap_or(false),
        device_compliant: dev.and_then(|d| d.is_compliant).unwrap_or(false),
        interactive: s.is_interactive.unwrap_or(true),
    };
    Some((s.user_id.clone().unwrap_or_default(), fact))
}

/// The names of the untrusted named networks a sign-in came from: a network the tenant marked
/// trusted is its own, whatever it is called.
fn network_names(s: &g::SignIn) -> Vec<String> {
    s.network_location_details
        .iter()
        .filter(|d| {
            !d.network_type.as_deref().is_some_and(|t| {
                t.eq_ignore_ascii_case("trusted") || t.eq_ignore_ascii_case("trustedNamedLocation")
            })
        })
        .flat_map(|d| d.network_names.iter())
        .filter(|n| !n.trim().is_empty())
        .cloned()
        .collect()
}

/// The user ids an audit record targets.
pub fn audit_user_targets(a: &g::DirectoryAudit) -> Vec<String> {
    a.target_resources
        .iter()
        .filter(|t| {
            t.r#type
                .as_deref()
                .is_none_or(|k| k.eq_ignore_ascii_case("user"))
        })
        .filter_map(|t| non_empty(&t.id))
        .collect()
}

pub fn audit(a: &g::DirectoryAudit) -> AuditEvent {
    let activity = a.activity_display_name.clone().unwrap_or_default();
    let props: Vec<Modified<'_>> = a
        .target_resources
        .iter()
        .flat_map(|t| t.modified_properties.iter())
        .map(|p| Modified {
            name: p.display_name.as_deref().unwrap_or(""),
            old: p.old_value.as_deref(),
            new: p.new_value.as_deref(),
        })
        .collect();
    let user = a.initiated_by.as_ref().and_then(|i| i.user.as_ref());
    let app = a.initiated_by.as_ref().and_then(|i| i.app.as_ref());
    AuditEvent {
        id: a.id.clone(),
        time: a.activity_date_time.map(|t| t.0),
        kind: classify_activity(&activity),
        activity,
        service: a.logged_by_service.clone().unwrap_or_default(),
        success: a
            .result
            .as_ref()
            .is_none_or(|r| matches!(r, g::OperationResult::Success)),
        result_reason: a.result_reason.clone().unwrap_or_default(),
        initiator_upn: user.and_then(|u| non_empty(&u.user_principal_name)),
        initiator_ip: user.and_then(|u| non_empty(&u.ip_address)),
        initiator_app: app.and_then(|x| non_empty(&x.display_name)),
        target_id: audit_user_targets(a).into_iter().next(),
        target_names: a
            .target_resources
            .iter()
            .filter_map(|t| non_empty(&t.display_name))
            .collect(),
        target_object_ids: a
            .target_resources
            .iter()
            .filter(|t| {
                !t.r#type
                    .as_deref()
                    .is_some_and(|k| k.eq_ignore_ascii_case("user"))
            })
            .filter_map(|t| non_empty(&t.id))
            .collect(),
        role_template_id: props
            .iter()
            .find(|p| p.name == "Role.TemplateId")
            .and_then(|p| p.new.or(p.old))
            .map(|v| v.trim().trim_matches('"').to_string())
            .filter(|v| !v.is_empty()),
        mfa: parse_mfa_change(&props),
        added_credentials: added_credentials(a),
        granted_app_role: crate::facts::granted_app_role(a),
    }
}

/// The keyIds a credential record added, per application or service principal target.
fn added_credentials(a: &g::DirectoryAudit) -> Vec<crate::facts::AddedCredential> {
    use reclaim_graph::requests::CredentialHolder as H;
    let activity = a.activity_display_name.as_deref().unwrap_or("");
    if !crate::audit_parse::is_app_credential_activity(activity) {
        return Vec::new();
    }
    a.target_resources
        .iter()
        .filter_map(|t| {
            let holder = match t.r#type.as_deref()? {
                k if k.eq_ignore_ascii_case("Application") => H::Application,
                k if k.eq_ignore_ascii_case("ServicePrincipal") => H::ServicePrincipal,
                _ => return None,
            };
            let id = non_empty(&t.id)?;
            let name = t.display_name.clone().unwrap_or_default();
            let p = t
                .modified_properties
                .iter()
                .find(|p| p.display_name.as_deref() == Some("KeyDescription"))?;
            Some(crate::facts::added_keys(
                holder,
                &id,
                &name,
                p.old_value.as_deref(),
                p.new_value.as_deref(),
            ))
        })
        .flatten()
        .collect()
}

fn phone_type(t: &Option<g::PhoneType>) -> Option<PhoneType> {
    t.as_ref().and_then(|t| PhoneType::parse(t.as_str()))
}

pub fn method(m: &g::AuthenticationMethod) -> Method {
    use g::AuthenticationMethod as A;
    let kind = match m {
        A::Password(_) => MethodKind::Password.into(),
        A::Phone(_) => MethodKind::Phone.into(),
        A::MicrosoftAuthenticator(_) => MethodKind::MicrosoftAuthenticator.into(),
        A::SoftwareOath(_) => MethodKind::SoftwareOath.into(),
        A::Fido2(_) => MethodKind::Fido2.into(),
        A::Email(_) => MethodKind::Email.into(),
        A::TemporaryAccessPass(_) => MethodKind::TemporaryAccessPass.into(),
        A::WindowsHelloForBusiness(_) => MethodKind::WindowsHelloForBusiness.into(),
        A::PlatformCredential(_) => MethodKind::PlatformCredential.into(),
        A::Unknown { odata_type, .. } => MethodType::from_odata_type(odata_type),
    };
    let mut out = Method::new(m.id(), kind);
    out.created = m.created().map(|t| t.0);
    match m {
        A::Phone(p) => {
            out.phone_number = non_empty(&p.phone_number);
            out.phone_type = phone_type(&p.phone_type);
        }
        A::MicrosoftAuthenticator(a) => {
            out.display_name = a.display_name.clone();
            out.device_tag = a.device_tag.clone();
            out.app_version = a.phone_app_version.clone();
        }
        A::Fido2(f) => out.display_name = f.display_name.clone().or_else(|| f.model.clone()),
        A::Email(e) => out.email = non_empty(&e.email_address),
        A::WindowsHelloForBusiness(w) => out.display_name = w.display_name.clone(),
        A::PlatformCredential(p) => out.display_name = p.display_name.clone(),
        _ => {}
    }
    out
}

/// Folders by id, for naming rule targets.
pub fn folder_index(folders: &[g::MailFolder]) -> HashMap<String, FolderRef> {
    folders
        .iter()
        .map(|f| {
            (
                f.id.clone(),
                FolderRef {
                    id: f.id.clone(),
                    name: f.display_name.clone(),
                    well_known: None,
                },
            )
        })
        .collect()
}

fn folder_ref(id: &Option<String>, folders: &HashMap<String, FolderRef>) -> Option<FolderRef> {
    let id = non_empty(id)?;
    Some(folders.get(&id).cloned().unwrap_or(FolderRef {
        // Well-known names are accepted where ids are (`moveToFolder: "deleteditems"`).
        well_known: (!id.contains('=') && id.len() < 40).then(|| id.to_lowercase()),
        id,
        name: None,
    }))
}

fn addresses(list: &[g::Recipient]) -> Vec<String> {
    list.iter()
        .filter_map(|r| r.address().map(str::to_string))
        .collect()
}

pub fn rule(r: &g::MessageRule, folders: &HashMap<String, FolderRef>) -> Rule {
    let c = r.conditions.clone().unwrap_or_default();
    let a = r.actions.clone().unwrap_or_default();
    let mut keywords: Vec<String> = Vec::new();
    for list in [
        &c.subject_contains,
        &c.body_contains,
        &c.body_or_subject_contains,
        &c.header_contains,
        &c.recipient_contains,
    ] {
        keywords.extend(list.iter().cloned());
    }
    let mut senders = c.sender_contains.clone();
    senders.extend(addresses(&c.from_addresses));
    let mut other = Vec::new();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&c) {
        for (k, v) in map {
            let set = !(v.is_null() || v == serde_json::Value::Bool(false))
                && v.as_array().is_none_or(|x| !x.is_empty());
            let listed = matches!(
                k.as_str(),
                "subjectContains"
                    | "bodyContains"
                    | "bodyOrSubjectContains"
                    | "headerContains"
                    | "recipientContains"
                    | "senderContains"
                    | "fromAddresses"
            );
            if set && !listed {
                other.push(k);
            }
        }
    }
    Rule {
        id: r.id.clone(),
        name: r.display_name.clone().unwrap_or_default(),
        sequence: r.sequence.unwrap_or(0) as i32,
        enabled: r.is_enabled.unwrap_or(true),
        read_only: r.is_read_only.unwrap_or(false),
        has_error: r.has_error.unwrap_or(false),
        conditions: RuleConditions {
            keywords,
            senders,
            other,
        },
        actions: RuleActions {
            move_to: folder_ref(&a.move_to_folder, folders),
            copy_to: folder_ref(&a.copy_to_folder, folders),
            delete: a.delete.unwrap_or(false),
            permanent_delete: a.permanent_delete.unwrap_or(false),
            mark_as_read: a.mark_as_read.unwrap_or(false),
            stop_processing: a.stop_processing_rules.unwrap_or(false),
            forward_to: addresses(&a.forward_to),
            redirect_to: addresses(&a.redirect_to),
            forward_as_attachment_to: addresses(&a.forward_as_attachment_to),
        },
    }
}

pub fn grant(gr: &g::OAuth2PermissionGrant, sp: Option<&g::ServicePrincipal>) -> Grant {
    Grant {
        id: gr.id.clone(),
        client_id: gr.client_id.clone().unwrap_or_default(),
        app_name: sp
            .and_then(|s| non_empty(&s.display_name).or_else(|| non_empty(&s.app_display_name))),
        app_id: sp.and_then(|s| non_empty(&s.app_id)),
        publisher: sp.and_then(|s| non_empty(&s.publisher_name)),
        consent_type: gr.consent_type.clone().unwrap_or_default(),
        scopes: gr.scopes().into_iter().map(str::to_string).collect(),
        resource: non_empty(&gr.resource_id),
    }
}

/// Built-in directory roles by template id (Microsoft Entra built-in roles reference). For a
/// built-in role, an assignment's `roleDefinitionId` is this template id.
const BUILT_IN_ROLES: &[(&str, &str)] = &[
    (
        "62e90394-69f5-4237-9190-012177145e10",
        "Global Administrator",
    ),
    (
        "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
        "Privileged Authentication Administrator",
    ),
    (
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        "Privileged Role Administrator",
    ),
    (
        "194ae4cb-b126-40b2-bd5b-6091b380977d",
        "Security Administrator",
    ),
    ("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"),
    (
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",
        "Authentication Administrator",
    ),
    (
        "729827e3-9c14-49f7-bb1b-9608f156bbb8",
        "Helpdesk Administrator",
    ),
    (
        "29232cdf-9323-42fd-ade2-1d097af3e4de",
        "Exchange Administrator",
    ),
    (
        "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
        "SharePoint Administrator",
    ),
    (
        "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
        "Conditional Access Administrator",
    ),
    ("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"),
    (
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
        "Application Administrator",
    ),
    (
        "158c047a-c907-4556-b7ef-446551a6b5f7",
        "Cloud Application Administrator",
    ),
];

/// The role an assignment grants. With `roleDefinition` expanded, its name and template; with
/// only `roleDefinitionId` (finding 13 of #17), the built-in role that id names, or the id
/// itself for a custom role, so the role is never silently dropped.
pub fn role_from_assignment(a: &g::RoleAssignment) -> Option<Role> {
    if let Some(d) = a.role_definition.as_ref() {
        return Some(Role {
            name: d.display_name.clone().unwrap_or_default(),
            template_id: non_empty(&d.template_id).or_else(|| Some(d.id.clone())),
        });
    }
    let id = non_empty(&a.role_definition_id)?.to_lowercase();
    let name = BUILT_IN_ROLES
        .iter()
        .find(|(t, _)| *t == id)
        .map_or_else(|| format!("role {id}"), |(_, n)| (*n).to_string());
    Some(Role {
        name,
        template_id: Some(id),
    })
}

pub fn role_from_directory_role(r: &g::DirectoryRole) -> Role {
    Role {
        name: r.display_name.clone().unwrap_or_default(),
        template_id: non_empty(&r.role_template_id),
    }
}

/// A device as the account's `registeredDevices` / `ownedDevices` list it.
pub fn device(d: &g::Device) -> crate::facts::Device {
    crate::facts::Device {
        id: d.id.clone(),
        device_id: d.device_id.clone(),
        name: d.display_name.clone().unwrap_or_default(),
        operating_system: d.operating_system.clone(),
        trust_type: d.trust_type.clone(),
        managed: d.is_managed == Some(true),
        compliant: d.is_compliant == Some(true),
        enabled: d.account_enabled,
        registered: d.registration_date_time.as_ref().map(|t| t.0),
    }
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
