//! Outlook: inbox rules, mail folders, mailbox settings.

use super::{graph_enum, graph_model};

graph_enum! {
    /// `microsoft.graph.importance`.
    pub enum Importance = "importance" { Low = "low", Normal = "normal", High = "high" }
}

graph_enum! {
    /// `microsoft.graph.sensitivity`.
    pub enum Sensitivity = "sensitivity" {
        Normal = "normal", Personal = "personal", Private = "private", Confidential = "confidential",
    }
}

graph_enum! {
    /// `microsoft.graph.messageActionFlag`.
    pub enum MessageActionFlag = "messageActionFlag" {
        Any = "any", Call = "call", DoNotForward = "doNotForward", FollowUp = "followUp",
        Fyi = "fyi", Forward = "forward", NoResponseNecessary = "noResponseNecessary",
        Read = "read", Reply = "reply", ReplyToAll = "replyToAll", Review = "review",
    }
}

graph_enum! {
    /// `microsoft.graph.automaticRepliesStatus`.
    pub enum AutomaticRepliesStatus = "automaticRepliesStatus" {
        Disabled = "disabled", AlwaysEnabled = "alwaysEnabled", Scheduled = "scheduled",
    }
}

graph_enum! {
    /// `microsoft.graph.externalAudienceScope`.
    pub enum ExternalAudienceScope = "externalAudienceScope" {
        None = "none", ContactsOnly = "contactsOnly", All = "all",
    }
}

graph_model! {
    pub struct EmailAddress = "emailAddress" {
        pub name: Option<String> = "name",
        pub address: Option<String> = "address",
    }
}

graph_model! {
    pub struct Recipient = "recipient" {
        pub email_address: Option<EmailAddress> = "emailAddress",
    }
}

impl Recipient {
    pub fn address(&self) -> Option<&str> {
        self.email_address.as_ref()?.address.as_deref()
    }
}

graph_model! {
    pub struct SizeRange = "sizeRange" {
        pub minimum_size: Option<i64> = "minimumSize",
        pub maximum_size: Option<i64> = "maximumSize",
    }
}

graph_model! {
    /// Conditions and exceptions of an inbox rule (every predicate of the schema, so a
    /// recorded rule can be recreated as it was).
    pub struct MessageRulePredicates = "messageRulePredicates" {
        pub body_contains: Vec<String> = "bodyContains",
        pub body_or_subject_contains: Vec<String> = "bodyOrSubjectContains",
        pub categories: Vec<String> = "categories",
        pub from_addresses: Vec<Recipient> = "fromAddresses",
        pub has_attachments: Option<bool> = "hasAttachments",
        pub header_contains: Vec<String> = "headerContains",
        pub importance: Option<Importance> = "importance",
        pub is_approval_request: Option<bool> = "isApprovalRequest",
        pub is_automatic_forward: Option<bool> = "isAutomaticForward",
        pub is_automatic_reply: Option<bool> = "isAutomaticReply",
        pub is_encrypted: Option<bool> = "isEncrypted",
        pub is_meeting_request: Option<bool> = "isMeetingRequest",
        pub is_meeting_response: Option<bool> = "isMeetingResponse",
        pub is_non_delivery_report: Option<bool> = "isNonDeliveryReport",
        pub is_permission_controlled: Option<bool> = "isPermissionControlled",
        pub is_read_receipt: Option<bool> = "isReadReceipt",
        pub is_signed: Option<bool> = "isSigned",
        pub is_voicemail: Option<bool> = "isVoicemail",
        pub message_action_flag: Option<MessageActionFlag> = "messageActionFlag",
        pub not_sent_to_me: Option<bool> = "notSentToMe",
        pub recipient_contains: Vec<String> = "recipientContains",
        pub sender_contains: Vec<String> = "senderContains",
        pub sensitivity: Option<Sensitivity> = "sensitivity",
        pub sent_cc_me: Option<bool> = "sentCcMe",
        pub sent_only_to_me: Option<bool> = "sentOnlyToMe",
        pub sent_to_addresses: Vec<Recipient> = "sentToAddresses",
        pub sent_to_me: Option<bool> = "sentToMe",
        pub sent_to_or_cc_me: Option<bool> = "sentToOrCcMe",
        pub subject_contains: Vec<String> = "subjectContains",
        pub within_size_range: Option<SizeRange> = "withinSizeRange",
    }
}

graph_model! {
    /// What an inbox rule does.
    pub struct MessageRuleActions = "messageRuleActions" {
        pub assign_categories: Vec<String> = "assignCategories",
        pub copy_to_folder: Option<String> = "copyToFolder",
        pub delete: Option<bool> = "delete",
        pub forward_as_attachment_to: Vec<Recipient> = "forwardAsAttachmentTo",
        pub forward_to: Vec<Recipient> = "forwardTo",
        pub mark_as_read: Option<bool> = "markAsRead",
        pub mark_importance: Option<Importance> = "markImportance",
        pub move_to_folder: Option<String> = "moveToFolder",
        pub permanent_delete: Option<bool> = "permanentDelete",
        pub redirect_to: Vec<Recipient> = "redirectTo",
        pub stop_processing_rules: Option<bool> = "stopProcessingRules",
    }
}

impl MessageRuleActions {
    /// Every address mail is forwarded, redirected or attached to.
    pub fn outbound_addresses(&self) -> Vec<&str> {
        self.forward_to
            .iter()
            .chain(&self.redirect_to)
            .chain(&self.forward_as_attachment_to)
            .filter_map(Recipient::address)
            .collect()
    }
}

graph_model! {
    /// `GET /users/{id}/mailFolders/inbox/messageRules` item.
    pub struct MessageRule = "messageRule" {
        pub id: String = "id",
        pub display_name: Option<String> = "displayName",
        pub sequence: Option<i64> = "sequence",
        pub is_enabled: Option<bool> = "isEnabled",
        pub has_error: Option<bool> = "hasError",
        /// Rules Graph cannot express come back as read-only shells.
        pub is_read_only: Option<bool> = "isReadOnly",
        pub conditions: Option<MessageRulePredicates> = "conditions",
        pub exceptions: Option<MessageRulePredicates> = "exceptions",
        pub actions: Option<MessageRuleActions> = "actions",
    }
}

impl MessageRule {
    /// The body to recreate this rule with `POST …/messageRules` (no id or read-only flags).
    pub fn to_create_body(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "displayName": self.display_name,
            "sequence": self.sequence,
            "isEnabled": self.is_enabled,
        });
        if let Some(obj) = v.as_object_mut() {
            for (key, part) in [
                ("conditions", serde_json::to_value(&self.conditions)),
                ("exceptions", serde_json::to_value(&self.exceptions)),
                ("actions", serde_json::to_value(&self.actions)),
            ] {
                if let Ok(part) = part {
                    let pruned = prune_nulls(part);
                    if !pruned.is_null() {
                        obj.insert(key.into(), pruned);
                    }
                }
            }
        }
        v
    }
}

/// Drops `null` members and empty arrays so a create body only says what the rule has.
fn prune_nulls(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, prune_nulls(v)))
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .collect(),
        ),
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.into_iter().map(prune_nulls).collect())
        }
        other => other,
    }
}

graph_model! {
    /// `GET /users/{id}/mailFolders` item.
    pub struct MailFolder = "mailFolder" {
        pub id: String = "id",
        pub display_name: Option<String> = "displayName",
        pub parent_folder_id: Option<String> = "parentFolderId",
        pub child_folder_count: Option<i64> = "childFolderCount",
        pub unread_item_count: Option<i64> = "unreadItemCount",
        pub total_item_count: Option<i64> = "totalItemCount",
        pub is_hidden: Option<bool> = "isHidden",
    }
}

graph_model! {
    pub struct DateTimeTimeZone = "dateTimeTimeZone" {
        pub date_time: Option<String> = "dateTime",
        pub time_zone: Option<String> = "timeZone",
    }
}

graph_model! {
    pub struct LocaleInfo = "localeInfo" {
        pub locale: Option<String> = "locale",
        pub display_name: Option<String> = "displayName",
    }
}

graph_model! {
    pub struct AutomaticRepliesSetting = "automaticRepliesSetting" {
        pub status: Option<AutomaticRepliesStatus> = "status",
        pub external_audience: Option<ExternalAudienceScope> = "externalAudience",
        pub internal_reply_message: Option<String> = "internalReplyMessage",
        pub external_reply_message: Option<String> = "externalReplyMessage",
        pub scheduled_start_date_time: Option<DateTimeTimeZone> = "scheduledStartDateTime",
        pub scheduled_end_date_time: Option<DateTimeTimeZone> = "scheduledEndDateTime",
    }
}

graph_model! {
    /// `GET /users/{id}/mailboxSettings`.
    pub struct MailboxSettings = "mailboxSettings" {
        pub automatic_replies_setting: Option<AutomaticRepliesSetting> = "automaticRepliesSetting",
        pub time_zone: Option<String> = "timeZone",
        pub language: Option<LocaleInfo> = "language",
        pub archive_folder: Option<String> = "archiveFolder",
        pub date_format: Option<String> = "dateFormat",
        pub time_format: Option<String> = "timeFormat",
    }
}
