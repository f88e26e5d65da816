//! What the planner acts on: the artefacts the evidence ties to the attacker on one account,
//! the owner's own methods, and the last known-good phone numbers with where they come from.
//!
//! Built from triage's findings (directory audit old values) and, where triage has no old
//! value, from a baseline snapshot (`reclaim snapshot`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An object the evidence ties to the attacker, with the reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Tied {
    pub id: String,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttackerPhone {
    pub number: String,
    pub phone_type: String,
    pub reasons: Vec<String>,
}

/// The number a phone type had before the attacker touched it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownGood {
    pub phone_type: String,
    /// `None`: the type had no number (the attacker added it).
    pub number: Option<String>,
    /// Where the value comes from, e.g. `directory audit <id> (2024-03-01T10:00:00Z)`.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub verdict: Option<String>,
    pub score: Option<u8>,
    /// One line per indicator, for the plan's "why".
    pub indicators: Vec<String>,
    pub compromise_started: Option<DateTime<Utc>>,
    pub attacker_methods: Vec<Tied>,
    pub attacker_phones: Vec<AttackerPhone>,
    pub owner_method_ids: Vec<String>,
    pub known_good_phones: Vec<KnownGood>,
    pub malicious_rules: Vec<Tied>,
    /// Rules triage shows as evidence but not as malicious: named in the plan, left in place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_to_review: Vec<Tied>,
    pub malicious_grants: Vec<Tied>,
    /// Devices the attacker registered (directory object ids).
    #[serde(default)]
    pub attacker_devices: Vec<Tied>,
    /// Roles and groups the attacker added the account to (`role:{roleDefinitionId}`,
    /// `eligible-role:{roleDefinitionId}` for a PIM eligibility, named for the operator,
    /// `group:{id}`).
    #[serde(default)]
    pub attacker_memberships: Vec<Tied>,
    /// Secrets and certificates the attacker added to applications or service principals.
    #[serde(default)]
    pub attacker_app_credentials: Vec<super::app_footholds::TiedCredential>,
    /// App role assignments (consents) the evidence flags (assignment ids).
    #[serde(default)]
    pub flagged_app_consents: Vec<Tied>,
    /// Application permissions the account granted from the attacker's address.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attacker_app_role_grants: Vec<super::app_grants::TiedGrant>,
    /// Owners the account added to applications from the attacker's address
    /// (`{applicationId}/{ownerId}`): named for the operator, not removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attacker_app_owners: Vec<Tied>,
}

/// Two phone numbers are the same when their digits are (Graph and the audit log format
/// them differently).
pub fn same_digits(a: &str, b: &str) -> bool {
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    let (da, db) = (digits(a), digits(b));
    !da.is_empty() && da == db
}

impl Evidence {
    pub fn is_attacker_number(&self, number: &str) -> bool {
        self.attacker_phones
            .iter()
            .any(|p| same_digits(&p.number, number))
    }

    pub fn known_good(&self, phone_type: &str) -> Option<&KnownGood> {
        self.known_good_phones
            .iter()
            .find(|k| k.phone_type == phone_type)
    }

    /// Fills phone types without a known-good value from a baseline snapshot (the directory
    /// audit's old value wins: it is the number right before the attacker's change).
    pub fn add_baseline(&mut self, phones: &[(String, String)], taken: DateTime<Utc>) {
        for (phone_type, number) in phones {
            if self.known_good(phone_type).is_none() {
                self.known_good_phones.push(KnownGood {
                    phone_type: phone_type.clone(),
                    number: Some(number.clone()),
                    source: format!("baseline snapshot of {}", taken.to_rfc3339()),
                });
            }
        }
    }

    /// Phone types whose number the evidence ties to the attacker.
    pub fn attacker_phone_types(&self) -> Vec<&str> {
        self.attacker_phones
            .iter()
            .map(|p| p.phone_type.as_str())
            .collect()
    }

    pub fn reasons_for_method(&self, id: &str) -> Option<&[String]> {
        self.attacker_methods
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.reasons.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_values_win_over_the_baseline_and_numbers_compare_by_digits() {
        let mut e = Evidence {
            known_good_phones: vec![KnownGood {
                phone_type: "mobile".into(),
                number: Some("+1 5550100".into()),
                source: "directory audit a1".into(),
            }],
            attacker_phones: vec![AttackerPhone {
                number: "+44 7700900999".into(),
                phone_type: "mobile".into(),
                reasons: vec![],
            }],
            ..Evidence::default()
        };
        e.add_baseline(
            &[
                ("mobile".into(), "+1 5550000".into()),
                ("office".into(), "+1 5550001".into()),
            ],
            Utc::now(),
        );
        assert_eq!(e.known_good("mobile").unwrap().source, "directory audit a1");
        assert!(e
            .known_good("office")
            .unwrap()
            .source
            .starts_with("baseline"));
        assert!(e.is_attacker_number("+447700900999"));
        assert!(!e.is_attacker_number("+1 5550100"));
    }
}
