//! An account's containment-relevant state, normalized from Graph's answers.
//!
//! The planner records it as the plan's "state before"; apply reads it again to catch drift,
//! to verify each step and to resume after a crash. Each [`Part`] is read with one GET, so a
//! step's verification reads only what it needs. Nothing secret is ever part of it.

use chrono::{DateTime, Utc};
use reclaim_graph::http::GraphRequest;
use reclaim_graph::models::{AuthenticationMethod, MethodKind};
use reclaim_graph::requests;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// One independently readable piece of an account's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Part {
    User,
    Methods,
    Rules,
    Grants,
    Risk,
    /// Beta `signInPreferences`: the default MFA method (v1.0 cannot read it).
    Preferences,
    /// `registeredDevices`.
    Devices,
    /// Active role assignments (`roleAssignments?$filter=principalId eq`).
    Roles,
    /// Direct group memberships (`memberOf`, groups only).
    Groups,
    /// `appRoleAssignments`.
    AppConsents,
}

impl Part {
    pub const ALL: [Part; 10] = [
        Part::User,
        Part::Methods,
        Part::Rules,
        Part::Grants,
        Part::Risk,
        Part::Preferences,
        Part::Devices,
        Part::Roles,
        Part::Groups,
        Part::AppConsents,
    ];

    /// The typed GET that reads this part of `user_id`.
    pub fn request(self, user_id: &str) -> GraphRequest {
        match self {
            Part::User => requests::get_user(user_id, Some(USER_SELECT)),
            Part::Methods => requests::list_methods(user_id),
            Part::Rules => requests::list_inbox_rules(user_id),
            Part::Grants => requests::user_oauth_grants(user_id),
            Part::Risk => requests::get_risky_user(user_id),
            Part::Preferences => requests::get_sign_in_preferences(user_id),
            Part::Devices => requests::user_registered_devices(user_id),
            Part::Roles => requests::principal_role_assignments(user_id),
            Part::Groups => requests::user_member_of(user_id),
            Part::AppConsents => requests::user_app_role_assignments(user_id),
        }
    }

    /// The GET that reads this part of `user_id` (relative to the Graph root), as the plan
    /// and the dry run show it.
    pub fn path(self, user_id: &str) -> String {
        self.request(user_id).describe()
    }
}

/// The user properties containment reads (REFERENCE §3.2: without `$select` most are absent).
pub const USER_SELECT: &str = "id,userPrincipalName,displayName,accountEnabled,userType,\
onPremisesSyncEnabled,signInSessionsValidFromDateTime,lastPasswordChangeDateTime";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UserState {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub account_enabled: Option<bool>,
    /// `Member` or `Guest` (revoking a guest's sessions is a no-op, REFERENCE §5).
    pub user_type: Option<String>,
    /// Synced from on-premises: the password is reset there, not through Graph.
    pub on_premises_sync_enabled: Option<bool>,
    pub sign_in_sessions_valid_from: Option<DateTime<Utc>>,
    pub last_password_change: Option<DateTime<Utc>>,
}

/// One registered authentication method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodState {
    pub id: String,
    /// `None` for a type this build does not know: never deleted blindly.
    pub kind: Option<MethodKind>,
    /// The `@odata.type` as served.
    pub odata_type: String,
    /// Device name, phone number, address (tenant text: sanitize before display).
    pub label: String,
    /// Phones: `mobile`, `alternateMobile`, `office`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
}

/// One inbox rule, kept in full so it can be recreated exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleState {
    pub id: String,
    pub display_name: String,
    pub is_enabled: bool,
    pub is_read_only: bool,
    /// SHA-256 over the rule's definition (everything but id, isEnabled and hasError).
    pub digest: String,
    /// The rule as Graph served it.
    pub rule: Value,
}

/// The inbox rules, or the fact that the account has no Exchange Online mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mailbox", rename_all = "camelCase")]
pub enum RulesState {
    Rules { rules: Vec<RuleState> },
    NoMailbox,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantState {
    pub id: String,
    pub client_id: String,
    pub consent_type: String,
    pub resource_id: String,
    pub scope: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RiskyUserState {
    /// `none` when Identity Protection does not list the user.
    pub risk_level: String,
    pub risk_state: String,
    pub risk_detail: String,
}

/// The default MFA method as beta `signInPreferences` reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PreferenceState {
    /// `userPreferredMethodForSecondaryAuthentication` (`push`, `sms`, ...); `None`: no default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_preferred: Option<bool>,
    /// Why it could not be read (no beta, 403): the default is then unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

impl PreferenceState {
    pub fn from_graph(v: &Value) -> PreferenceState {
        PreferenceState {
            preferred: v
                .get("userPreferredMethodForSecondaryAuthentication")
                .and_then(Value::as_str)
                .map(str::to_string),
            system_preferred: v
                .get("isSystemPreferredAuthenticationMethodEnabled")
                .and_then(Value::as_bool),
            unreadable: None,
        }
    }
    pub fn unreadable(why: impl Into<String>) -> PreferenceState {
        PreferenceState {
            unreadable: Some(why.into()),
            ..PreferenceState::default()
        }
    }
    /// The default MFA method's preference, when it is known.
    pub fn known(&self) -> Option<Option<&str>> {
        self.unreadable
            .is_none()
            .then_some(self.preferred.as_deref())
    }
}

/// What is known about one account; parts not read are `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccountState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<MethodState>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<RulesState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grants: Option<Vec<GrantState>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskyUserState>,
    /// Not part of the drift fingerprint: deleting the last method clears it by itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferences: Option<PreferenceState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices: Option<Vec<super::footholds::DeviceState>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_assignments: Option<Vec<super::memberships::RoleAssignmentState>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<super::memberships::GroupState>>,
    /// Parts the tenant's licence refuses (Identity Protection without Entra ID P2): the
    /// plan leaves out the actions that need them, with the reason, rather than fail them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unlicensed: Vec<Part>,
    /// The credentials of the applications and service principals the evidence names (read
    /// per holder, not per account: never part of [`Part`] or the drift fingerprint; each
    /// credential step re-reads its holder just before it is sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_credentials: Option<Vec<super::app_footholds::HolderState>>,
    /// The app roles the account holds (`appRoleAssignments`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_consents: Option<Vec<super::app_footholds::AssignmentState>>,
    /// The assignments on the API service principals the evidence names a grant on (read
    /// per resource, like `app_credentials`: never part of the drift fingerprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_role_grants: Option<Vec<super::app_grants::GrantState>>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    let s = v.get(key)?.as_str()?;
    reclaim_graph::models::Timestamp::parse(s).map(|t| t.0)
}

/// The `value` array of a collection response (an empty list when absent).
pub fn items(body: &Value) -> &[Value] {
    body.get("value")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

impl UserState {
    pub fn from_graph(v: &Value) -> UserState {
        UserState {
            id: text(v, "id"),
            user_principal_name: text(v, "userPrincipalName"),
            display_name: text(v, "displayName"),
            account_enabled: v.get("accountEnabled").and_then(Value::as_bool),
            user_type: v
                .get("userType")
                .and_then(Value::as_str)
                .map(str::to_string),
            on_premises_sync_enabled: v.get("onPremisesSyncEnabled").and_then(Value::as_bool),
            sign_in_sessions_valid_from: time(v, "signInSessionsValidFromDateTime"),
            last_password_change: time(v, "lastPasswordChangeDateTime"),
        }
    }
}

impl MethodState {
    /// A method as triage's gather recorded it, for a plan that reuses a recent listing;
    /// `None` for a type this build does not know (its `@odata.type` was not kept as served,
    /// so the plan lists the methods itself).
    pub fn from_fact(m: &reclaim_triage::facts::Method) -> Option<MethodState> {
        use reclaim_triage::facts::MethodType;
        let MethodType::Known(kind) = m.kind else {
            return None;
        };
        let named = |s: &Option<String>| s.clone().unwrap_or_default();
        let label = match kind {
            MethodKind::Password => "password".to_string(),
            MethodKind::Phone => named(&m.phone_number),
            MethodKind::SoftwareOath => "software OATH token".to_string(),
            MethodKind::Email => named(&m.email),
            MethodKind::TemporaryAccessPass => "temporary access pass".to_string(),
            _ => named(&m.display_name),
        };
        Some(MethodState {
            id: m.id.clone(),
            kind: Some(kind),
            odata_type: kind.odata_type().to_string(),
            label,
            phone_type: m.phone_type.map(|t| t.as_str().to_string()),
            phone_number: m.phone_number.clone(),
            created: m.created,
        })
    }

    pub fn from_graph(v: &Value) -> MethodState {
        let odata_type = text(v, "@odata.type");
        let parsed: Option<AuthenticationMethod> = serde_json::from_value(v.clone()).ok();
        let kind = parsed.as_ref().and_then(AuthenticationMethod::kind);
        let label = parsed.as_ref().map(|m| m.label()).unwrap_or_default();
        MethodState {
            id: text(v, "id"),
            kind,
            odata_type,
            label,
            phone_type: v
                .get("phoneType")
                .and_then(Value::as_str)
                .map(str::to_string),
            phone_number: v
                .get("phoneNumber")
                .and_then(Value::as_str)
                .map(str::to_string),
            created: time(v, "createdDateTime"),
        }
    }
}

/// The part of a rule that says what it is, for the digest (and for recreating it).
pub fn rule_definition(rule: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let Value::Object(m) = rule {
        for (k, v) in m {
            let volatile =
                matches!(k.as_str(), "id" | "isEnabled" | "hasError") || k.starts_with("@odata");
            if !volatile {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

impl RuleState {
    pub fn from_graph(v: &Value) -> RuleState {
        let def = reclaim_audit::chain::canonical(&rule_definition(v));
        RuleState {
            id: text(v, "id"),
            display_name: text(v, "displayName"),
            is_enabled: v.get("isEnabled").and_then(Value::as_bool).unwrap_or(true),
            is_read_only: v
                .get("isReadOnly")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            digest: hex::encode(Sha256::digest(def.as_bytes())),
            rule: v.clone(),
        }
    }
}

impl GrantState {
    pub fn from_graph(v: &Value) -> GrantState {
        GrantState {
            id: text(v, "id"),
            client_id: text(v, "clientId"),
            consent_type: text(v, "consentType"),
            resource_id: text(v, "resourceId"),
            scope: text(v, "scope"),
        }
    }
}

impl RiskyUserState {
    pub fn from_graph(v: &Value) -> RiskyUserState {
        RiskyUserState {
            risk_level: text(v, "riskLevel"),
            risk_state: text(v, "riskState"),
            risk_detail: text(v, "riskDetail"),
        }
    }
    /// From a risky-user read: `None` when Identity Protection does not list the user (404).
    pub fn from_read(v: Option<&Value>) -> RiskyUserState {
        match v {
            Some(v) => RiskyUserState::from_graph(v),
            None => RiskyUserState {
                risk_level: "none".into(),
                risk_state: "none".into(),
                risk_detail: "none".into(),
            },
        }
    }
    pub fn is_confirmed_compromised(&self) -> bool {
        self.risk_state == "confirmedCompromised"
            || self.risk_detail == "adminConfirmedUserCompromised"
    }
}

impl AccountState {
    pub fn method(&self, id: &str) -> Option<&MethodState> {
        self.methods.as_ref()?.iter().find(|m| m.id == id)
    }
    pub fn phone(&self, phone_type: &str) -> Option<&MethodState> {
        self.methods.as_ref()?.iter().find(|m| {
            m.kind == Some(MethodKind::Phone) && m.phone_type.as_deref() == Some(phone_type)
        })
    }
    pub fn rule_list(&self) -> Option<&[RuleState]> {
        match self.rules.as_ref()? {
            RulesState::Rules { rules } => Some(rules),
            RulesState::NoMailbox => None,
        }
    }
    pub fn rule(&self, id: &str) -> Option<&RuleState> {
        self.rule_list()?.iter().find(|r| r.id == id)
    }
    pub fn grant(&self, id: &str) -> Option<&GrantState> {
        self.grants.as_ref()?.iter().find(|g| g.id == id)
    }

    /// What drift is judged on: sign-in state, the methods (and phone numbers), the rules
    /// (and whether they are on) and the grants. New Temporary Access Passes are left out
    /// when `ignore_new_taps` (a plan that issues one creates it itself).
    pub fn fingerprint(&self, ignore_taps_except: Option<&[String]>) -> BTreeMap<String, String> {
        let mut f = BTreeMap::new();
        if let Some(u) = &self.user {
            f.insert("accountEnabled".into(), format!("{:?}", u.account_enabled));
        }
        if let Some(ms) = &self.methods {
            for m in ms {
                let tap = m.kind == Some(MethodKind::TemporaryAccessPass);
                if let (true, Some(keep)) = (tap, ignore_taps_except) {
                    if !keep.contains(&m.id) {
                        continue;
                    }
                }
                f.insert(
                    format!("method {}", m.id),
                    format!(
                        "{} {} {}",
                        m.odata_type,
                        m.phone_type.as_deref().unwrap_or(""),
                        m.phone_number.as_deref().unwrap_or("")
                    ),
                );
            }
        }
        match &self.rules {
            Some(RulesState::Rules { rules }) => {
                for r in rules {
                    f.insert(
                        format!("rule {}", r.id),
                        format!("enabled={} {}", r.is_enabled, r.digest),
                    );
                }
            }
            Some(RulesState::NoMailbox) => {
                f.insert("mailbox".into(), "none".into());
            }
            None => {}
        }
        if let Some(gs) = &self.grants {
            for g in gs {
                f.insert(format!("grant {}", g.id), g.scope.trim().to_string());
            }
        }
        for r in self.role_assignments.iter().flatten() {
            f.insert(format!("role {}", r.id), r.role_definition_id.clone());
        }
        for g in self.groups.iter().flatten() {
            f.insert(format!("group {}", g.id), String::new());
        }
        for d in self.devices.iter().flatten() {
            f.insert(
                format!("device {}", d.id),
                format!("enabled={:?}", d.account_enabled),
            );
        }
        for a in self.app_consents.iter().flatten() {
            f.insert(format!("appRoleAssignment {}", a.id), a.resource_id.clone());
        }
        f
    }
}

/// The differences between two fingerprints, one line each (for the drift report).
pub fn diff(expected: &BTreeMap<String, String>, now: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in expected {
        match now.get(k) {
            None => out.push(format!("{k} is gone (was {v})")),
            Some(n) if n != v => out.push(format!("{k} changed: {v} -> {n}")),
            _ => {}
        }
    }
    for (k, v) in now {
        if !expected.contains_key(k) {
            out.push(format!("{k} appeared ({v})"));
        }
    }
    out
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
