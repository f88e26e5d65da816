//! Inbox rules and forwarding.

use serde::{Deserialize, Serialize};

/// A mail folder a rule points at, with its name resolved where possible.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderRef {
    pub id: String,
    pub name: Option<String>,
    /// Well-known name when the folder is one (`deleteditems`, `archive`, `conversationhistory`...).
    pub well_known: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleConditions {
    /// subject/body/bodyOrSubject/header contains.
    pub keywords: Vec<String>,
    /// senderContains and fromAddresses.
    pub senders: Vec<String>,
    /// Names of any other predicates present.
    pub other: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleActions {
    pub move_to: Option<FolderRef>,
    pub copy_to: Option<FolderRef>,
    pub delete: bool,
    pub permanent_delete: bool,
    pub mark_as_read: bool,
    pub stop_processing: bool,
    pub forward_to: Vec<String>,
    pub redirect_to: Vec<String>,
    pub forward_as_attachment_to: Vec<String>,
}

/// One inbox rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub sequence: i32,
    pub enabled: bool,
    pub read_only: bool,
    pub has_error: bool,
    pub conditions: RuleConditions,
    pub actions: RuleActions,
}

/// Mailbox-level forwarding, where something exposes it (Graph does not: REFERENCE §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Forwarding {
    pub address: String,
    /// Where this came from (e.g. a snapshot or Exchange export).
    pub source: String,
}
