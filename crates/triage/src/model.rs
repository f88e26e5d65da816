//! What triage concludes about an account: the contract's `triage --json` account object.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    #[default]
    Clear,
    Suspicious,
    Compromised,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clear => "clear",
            Verdict::Suspicious => "suspicious",
            Verdict::Compromised => "compromised",
        }
    }
}

/// A pointer to the record an indicator rests on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// `signIn`, `directoryAudit`, `riskDetection`, `authenticationMethod`, `messageRule`,
    /// `oauth2PermissionGrant`, `user`, `riskyUser`, `device`, `role` (its roleDefinitionId),
    /// `group`.
    pub kind: String,
    /// The record's Graph id.
    pub id: String,
    /// When the recorded event happened, if it has a time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// One line a responder can read (tenant text already in it is data, sanitized on output).
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Indicator {
    /// Stable id, e.g. `campaign-user-agent`, `mfa-registered-after-risky-signin`.
    pub id: String,
    pub summary: String,
    /// Points this indicator added to the score.
    pub weight: u8,
    pub evidence: Vec<Evidence>,
}

/// One ranked account (CONTRACT.md `triage --json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccountAssessment {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub job_title: Option<String>,
    pub department: Option<String>,
    /// Directory role names.
    pub roles: Vec<String>,
    pub risk_level: String,
    pub risk_state: String,
    /// 0-100.
    pub score: u8,
    pub verdict: Verdict,
    pub indicators: Vec<Indicator>,
    pub account_enabled: Option<bool>,
    pub user_type: Option<String>,
    /// Executive / money-adjacent weighting applied (title, department, privileged role).
    pub high_value: bool,
    /// The artefacts the evidence ties to the attacker, for containment.
    #[serde(default)]
    pub findings: Findings,
    /// False when some source of facts was not (fully) read: the verdict may rise later.
    #[serde(default = "yes")]
    pub complete: bool,
}

fn yes() -> bool {
    true
}

/// What the evidence ties to the attacker on one account, and why: what containment removes
/// (`remove-attacker-mfa`, `restore-phone`, `remove-malicious-rules`, `revoke-oauth-grants`) and
/// what it must leave alone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct Findings {
    /// The first successful sign-in attributed to the attacker.
    pub compromise_started: Option<DateTime<Utc>>,
    /// IP addresses of sign-ins attributed to the attacker.
    pub attacker_ips: Vec<String>,
    /// Authentication methods the attacker registered (never the password).
    pub attacker_methods: Vec<TiedMethod>,
    /// Phone numbers the attacker put on the account.
    pub attacker_phones: Vec<TiedPhone>,
    /// Per phone type: the number before the attacker's first change of it, or, for types the
    /// attacker never touched, the owner's current number.
    pub known_good_phones: Vec<KnownGoodPhone>,
    /// Methods judged the owner's (registered before the compromise or from the owner's
    /// networks): containment must leave them.
    pub owner_method_ids: Vec<String>,
    pub malicious_rules: Vec<TiedRule>,
    /// Rules shown as evidence that stay below the malicious threshold (they may be the
    /// owner's): containment leaves them and says so in the plan, for review with the owner.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_to_review: Vec<TiedRule>,
    pub malicious_grants: Vec<TiedGrant>,
    /// Devices the attacker registered to the account (never a managed or compliant one).
    #[serde(default)]
    pub attacker_devices: Vec<TiedDevice>,
    /// Directory roles and groups the attacker added the account to.
    #[serde(default)]
    pub attacker_memberships: Vec<TiedMembership>,
    /// Secrets and certificates the attacker added, as the account, to applications or
    /// service principals (by keyId).
    #[serde(default)]
    pub attacker_app_credentials: Vec<TiedAppCredential>,
    /// App role assignments (consents) tied to the attacker.
    #[serde(default)]
    pub flagged_app_consents: Vec<TiedAppConsent>,
    /// Application permissions the account granted to service principals from the
    /// attacker's address (part of `app-consent-flagged`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attacker_app_role_grants: Vec<TiedAppRoleGrant>,
    /// Owners the account added to applications from the attacker's address (part of
    /// `app-credential-added-by-attacker`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attacker_app_owners: Vec<TiedAppOwner>,
}

impl Findings {
    pub fn is_empty(&self) -> bool {
        self.attacker_methods.is_empty()
            && self.attacker_phones.is_empty()
            && self.malicious_rules.is_empty()
            && self.malicious_grants.is_empty()
            && self.attacker_devices.is_empty()
            && self.attacker_memberships.is_empty()
            && self.attacker_app_credentials.is_empty()
            && self.flagged_app_consents.is_empty()
            && self.attacker_app_role_grants.is_empty()
            && self.attacker_app_owners.is_empty()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TiedMethod {
    /// The method id (`/users/{id}/authentication/methods/{id}`).
    pub id: String,
    /// The `@odata.type` stem: `microsoftAuthenticator`, `phone`, `softwareOath`, ...
    pub kind: String,
    /// Device name or phone number (tenant text).
    pub label: Option<String>,
    pub created: Option<DateTime<Utc>>,
    pub reasons: Vec<String>,
    /// Ids of the records (sign-ins, audits) the tie rests on.
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TiedPhone {
    pub number: String,
    /// `mobile`, `alternateMobile`, `office`.
    pub phone_type: String,
    /// The phone method currently holding this number, if any.
    pub method_id: Option<String>,
    pub reasons: Vec<String>,
    pub evidence: Vec<String>,
}

/// The owner's number for one phone type.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct KnownGoodPhone {
    pub phone_type: String,
    /// The owner's number; `None` when the type had no number before the attacker's change
    /// (then the attacker's number is removed rather than restored).
    pub number: Option<String>,
    pub source: KnownGoodSource,
    /// The directory audit record whose old value this is (`auditOldValue`).
    pub audit_id: Option<String>,
    pub as_of: Option<DateTime<Utc>>,
}

/// Where a known-good number comes from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum KnownGoodSource {
    /// The old value of the audit record of the attacker's first change of this type.
    AuditOldValue,
    /// The attacker never touched this type: the number on the phone method now.
    CurrentMethod,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TiedRule {
    pub id: String,
    pub name: String,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TiedGrant {
    pub id: String,
    /// The client service principal's object id.
    pub client_id: String,
    pub app_name: Option<String>,
    pub scopes: Vec<String>,
    pub reasons: Vec<String>,
}

/// A source that could not be read (`triage --json`'s `unavailable`, CONTRACT.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Unavailable {
    /// What was being read: `risky users`, `sign-ins`, `audits`, `methods`...
    pub source: String,
    /// `licence`, `permission`, `role`, `conditional-access`, `throttled` or `error`.
    pub reason: String,
    pub detail: String,
}

/// How much of one tenant-wide source triage read (`triage --json`'s `reads`): nothing is
/// cut short without `complete: false` and a warning saying why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SourceRead {
    /// `risky users`, `risk detections`, `security-info audits`, `sign-ins`...
    pub source: String,
    /// Records read (repeats dropped).
    pub records: u64,
    pub pages: u32,
    /// Every page was read.
    pub complete: bool,
    /// Time ranges split in two after the service failed on them (long log reads).
    pub splits: u32,
    /// Queries restarted from the last record's timestamp after paging broke.
    pub restarts: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TiedDevice {
    /// The directory object id (`/devices/{id}`).
    pub id: String,
    /// Tenant text.
    pub name: String,
    pub operating_system: Option<String>,
    pub registered: Option<DateTime<Utc>>,
    pub reasons: Vec<String>,
}

/// A directory role or group the attacker added the account to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TiedMembership {
    /// `role` or `group`.
    pub kind: String,
    /// The role's template id (its roleDefinitionId) or the group's object id.
    pub object_id: String,
    /// Tenant text: the role's or group's display name.
    pub name: String,
    pub added: Option<DateTime<Utc>>,
    /// Who added it (tenant text).
    pub added_by: Option<String>,
    /// A PIM eligibility ("Add eligible member to role"), not an active assignment: the
    /// attacker can activate it later; `roleAssignments` does not list it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub eligible: bool,
    pub reasons: Vec<String>,
}

/// A secret or certificate the attacker added, identified by its keyId.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TiedAppCredential {
    pub holder: reclaim_graph::requests::CredentialHolder,
    /// The application's or service principal's object id.
    pub holder_id: String,
    /// Tenant text.
    pub holder_name: String,
    pub key_id: String,
    /// `Password` or `AsymmetricX509Cert`.
    pub key_type: String,
    /// Tenant text.
    pub name: Option<String>,
    pub added: Option<DateTime<Utc>>,
    pub reasons: Vec<String>,
}

/// An app role assignment (a consent) tied to the attacker.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TiedAppConsent {
    /// The assignment id.
    pub id: String,
    /// The app's service principal object id.
    pub resource_id: String,
    pub app_role_id: String,
    /// Tenant text.
    pub app_name: Option<String>,
    pub publisher: Option<String>,
    pub publisher_verified: bool,
    /// Delegated scopes the account granted the same app.
    pub scopes: Vec<String>,
    /// The public reporting that names the app, when it is on the pack's list.
    pub reported: Option<String>,
    pub reasons: Vec<String>,
}

/// An application permission the account granted to a service principal from the
/// attacker's address.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TiedAppRoleGrant {
    #[serde(flatten)]
    pub grant: crate::facts::GrantedAppRole,
    pub granted: Option<DateTime<Utc>>,
    pub reasons: Vec<String>,
}

/// An owner the account added to an application from the attacker's address.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TiedAppOwner {
    /// The application's object id.
    pub app_id: String,
    /// Tenant text.
    pub app_name: String,
    /// The new owner's user id.
    pub owner_id: String,
    pub added: Option<DateTime<Utc>>,
    pub reasons: Vec<String>,
}
