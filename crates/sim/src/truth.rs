//! Ground truth of a generated scenario: what really happened to each account.
//!
//! Available to tests and benchmarks through [`super::SimHandle::ground_truth`], never through
//! any Graph endpoint.

use super::model::Time;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why an account is interesting in the scenario.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Persona {
    /// Taken over by the campaign.
    Compromised,
    /// Look-alike: signs in from abroad while travelling.
    Traveller,
    /// Look-alike: really did just register a new phone or Authenticator.
    NewPhoneLegit,
    /// Look-alike: has inbox rules that move or forward mail for honest reasons.
    BenignRules,
    /// Look-alike: risk dismissed by an admin.
    Dismissed,
    /// Look-alike: risk remediated (password reset by the user).
    Remediated,
    /// Look-alike: a deleted user still listed by Identity Protection.
    Deleted,
    /// Look-alike: a guest (B2B) account with risk.
    Guest,
    /// Look-alike: medium or low Identity Protection risk and nothing else.
    RiskyNoise,
}

/// A phone number the owner really had, per type.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KnownPhone {
    /// `mobile`, `alternateMobile`, `office`.
    pub phone_type: String,
    pub number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct AccountTruth {
    pub user_id: String,
    pub user_principal_name: String,
    pub personas: Vec<Persona>,
    /// When the first malicious sign-in happened (compromised accounts).
    pub compromise_started: Option<Time>,
    pub attacker_ips: Vec<String>,
    /// Authentication method ids the attacker registered.
    pub attacker_method_ids: Vec<String>,
    /// Authentication method ids that belong to the owner.
    pub owner_method_ids: Vec<String>,
    /// Phone numbers the attacker put on the account.
    pub attacker_phone_numbers: Vec<String>,
    /// The owner's own phones before the compromise, per type.
    pub known_good_phones: Vec<KnownPhone>,
    pub malicious_rule_ids: Vec<String>,
    pub owner_rule_ids: Vec<String>,
    /// Delegated permission grants the attacker consented to.
    pub malicious_grant_ids: Vec<String>,
    /// Devices the attacker registered to the account.
    #[serde(default)]
    pub attacker_device_ids: Vec<String>,
    /// The owner's own devices (including ones enrolled during the window).
    #[serde(default)]
    pub owner_device_ids: Vec<String>,
    /// Role assignments (ids) the attacker added to the account in the window.
    #[serde(default)]
    pub attacker_role_assignment_ids: Vec<String>,
    /// Groups (ids) the attacker added the account to in the window.
    #[serde(default)]
    pub attacker_group_ids: Vec<String>,
    /// Roles and groups an admin granted the account through the normal process (role
    /// assignment ids and group ids): never the attacker's.
    #[serde(default)]
    pub owner_membership_ids: Vec<String>,
    /// keyIds of secrets and certificates the attacker added, as the account, to applications
    /// or service principals.
    #[serde(default)]
    pub attacker_credential_key_ids: Vec<String>,
    /// App role assignments the attacker's consent created for the account.
    #[serde(default)]
    pub attacker_app_role_assignment_ids: Vec<String>,
    /// App role assignments (application permissions) the attacker granted, as the account,
    /// to a service principal.
    #[serde(default)]
    pub attacker_granted_app_role_ids: Vec<String>,
    /// Applications (object ids) the attacker made the account an owner of, as the account.
    #[serde(default)]
    pub attacker_owned_app_ids: Vec<String>,
}

impl AccountTruth {
    pub fn is_compromised(&self) -> bool {
        self.personas.contains(&Persona::Compromised)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct GroundTruth {
    /// Keyed by user id; only accounts with a persona are listed.
    pub accounts: BTreeMap<String, AccountTruth>,
    /// Look-alikes outside any persona that containment must leave alone: credentials added
    /// in routine rotations, app role assignments from benign consents.
    #[serde(default)]
    pub benign_credential_key_ids: Vec<String>,
    #[serde(default)]
    pub benign_app_role_assignment_ids: Vec<String>,
    /// Application permissions an uncompromised admin granted from the office.
    #[serde(default)]
    pub benign_granted_app_role_ids: Vec<String>,
    /// Applications (object ids) an uncompromised admin added an owner to from the office.
    #[serde(default)]
    pub benign_owner_app_ids: Vec<String>,
}

impl GroundTruth {
    pub fn compromised(&self) -> impl Iterator<Item = &AccountTruth> {
        self.accounts.values().filter(|a| a.is_compromised())
    }
    pub fn with_persona(&self, p: Persona) -> impl Iterator<Item = &AccountTruth> {
        self.accounts
            .values()
            .filter(move |a| a.personas.contains(&p))
    }

    /// Compromised accounts with both kinds of evidence that need no sign-in: an attacker
    /// artifact the API lists (a malicious inbox rule or consent grant) and a security-info
    /// change in the directory audits read from `since` on. An MFA registration or phone
    /// change alone is what owners do too: without the sign-in log nothing tells the two
    /// apart. What the accuracy figures per licence tier hold triage to.
    pub fn detectable_without_sign_ins(
        &self,
        tenant: &super::model::Tenant,
        since: Time,
    ) -> std::collections::BTreeSet<String> {
        self.compromised()
            .filter(|a| !(a.malicious_rule_ids.is_empty() && a.malicious_grant_ids.is_empty()))
            .filter(|a| {
                tenant.directory_audits.iter().any(|d| {
                    d.activity_date_time >= since
                        && is_security_info(d)
                        && d.target_resources
                            .iter()
                            .any(|r| r.id.as_deref() == Some(a.user_id.as_str()))
                })
            })
            .map(|a| a.user_id.clone())
            .collect()
    }
}

/// A security-info change (service "Authentication Methods") or its `Update user` twin.
fn is_security_info(d: &super::model::DirectoryAudit) -> bool {
    d.logged_by_service == "Authentication Methods"
        || d.activity_display_name == "Update user"
            && d.target_resources.iter().any(|r| {
                r.modified_properties
                    .iter()
                    .any(|p| p.display_name.starts_with("StrongAuthentication"))
            })
}
