//! Mailboxes: folders, inbox rules and their predicates and actions.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A recipient as messageRuleActions carry it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    pub email_address: EmailAddress,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EmailAddress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub address: String,
}

/// messageRuleActions: common members typed, the rest kept verbatim.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct MessageRuleActions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub move_to_folder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_to_folder: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permanent_delete: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark_as_read: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward_to: Option<Vec<Recipient>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward_as_attachment_to: Option<Vec<Recipient>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_to: Option<Vec<Recipient>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_processing_rules: Option<bool>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

/// messageRulePredicates: common members typed, the rest kept verbatim.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct MessageRulePredicates {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_contains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_contains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_or_subject_contains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender_contains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_addresses: Option<Vec<Recipient>>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MessageRule {
    pub id: String,
    pub display_name: String,
    pub sequence: i32,
    pub is_enabled: bool,
    pub has_error: bool,
    pub is_read_only: bool,
    pub conditions: MessageRulePredicates,
    pub exceptions: MessageRulePredicates,
    pub actions: MessageRuleActions,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MailFolder {
    pub id: String,
    /// Shared: every mailbox has the same standard folder names.
    pub display_name: Arc<str>,
    /// Shared with the siblings (a mailbox's standard folders all hang off its root).
    pub parent_folder_id: Option<Arc<str>>,
    /// Simulator-internal: e.g. `inbox`, `deleteditems`, `archive`, `conversationhistory`, `rssfeeds`.
    #[serde(skip)]
    pub well_known_name: Option<Arc<str>>,
}

#[derive(Debug, Clone, Default)]
pub struct Mailbox {
    /// A generated mailbox's root and standard well-known folders, drawn again on demand
    /// (`None`: every folder is in `extra_folders`).
    pub standard_folders: Option<crate::mail_folders::StandardFolders>,
    /// Folders stored as records: the ones made beside the standard set (or all of them).
    pub extra_folders: Vec<MailFolder>,
    /// Inbox rules Graph can see (some may be read-only shells).
    pub rules: Vec<MessageRule>,
    /// Simulator-internal: MAPI-hidden rules Graph never lists (REFERENCE §5).
    pub hidden_rules: Vec<MessageRule>,
    /// `mailboxSettings` as served (automaticRepliesSetting, timeZone, ...). Shared: most
    /// mailboxes hold their office's standard settings; a write replaces this mailbox's own.
    pub settings: Arc<serde_json::Value>,
    /// Simulator-internal: ForwardingSmtpAddress, invisible to Graph (REFERENCE §5).
    pub forwarding_smtp_address: Option<String>,
}

impl Mailbox {
    /// Every folder: the standard ones first, then the stored ones.
    pub fn folders(&self) -> Vec<MailFolder> {
        let mut all = self
            .standard_folders
            .map(|s| s.folders())
            .unwrap_or_default();
        all.extend(self.extra_folders.iter().cloned());
        all
    }
}
