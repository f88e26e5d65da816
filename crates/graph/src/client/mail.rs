//! Inbox rules, mail folders and mailbox settings (Outlook throttle: 4 concurrent per mailbox).

use super::{seg, GraphClient, Response};
use crate::cloud::ApiVersion;
use crate::error::GraphError;
use crate::http::GraphRequest;
use crate::models::{MailFolder, MailboxSettings, MessageRule};
use crate::paging::Pager;
use crate::throttle::ThrottleScope;
use reqwest::Method;
use serde_json::{json, Value};

fn outlook(method: Method, user: &str, path: String, capability: &'static str) -> GraphRequest {
    GraphRequest::new(
        method,
        ApiVersion::V1,
        path,
        capability,
        ThrottleScope::Outlook {
            mailbox: user.to_string(),
        },
    )
}

fn rules_path(user: &str) -> String {
    format!("/users/{}/mailFolders/inbox/messageRules", seg(user))
}

impl GraphClient {
    /// `GET /users/{id}/mailFolders/inbox/messageRules`. Hidden rules never appear (REFERENCE §5).
    pub fn list_inbox_rules(&self, user: &str) -> Pager<MessageRule> {
        self.pager(outlook(
            Method::GET,
            user,
            rules_path(user),
            "read-inbox-rules",
        ))
    }

    /// `PATCH …/messageRules/{id}` → 200 with the rule.
    pub async fn update_rule(
        &self,
        user: &str,
        rule_id: &str,
        patch: Value,
    ) -> Result<Response<MessageRule>, GraphError> {
        let req = outlook(
            Method::PATCH,
            user,
            format!("{}/{}", rules_path(user), seg(rule_id)),
            "manage-inbox-rules",
        )
        .with_body(patch);
        self.get_json(req).await
    }

    /// Enables or disables a rule.
    pub async fn set_rule_enabled(
        &self,
        user: &str,
        rule_id: &str,
        enabled: bool,
    ) -> Result<Response<MessageRule>, GraphError> {
        self.update_rule(user, rule_id, json!({ "isEnabled": enabled }))
            .await
    }

    /// `DELETE …/messageRules/{id}` → 204.
    pub async fn delete_rule(&self, user: &str, rule_id: &str) -> Result<Response<()>, GraphError> {
        self.no_content(outlook(
            Method::DELETE,
            user,
            format!("{}/{}", rules_path(user), seg(rule_id)),
            "manage-inbox-rules",
        ))
        .await
    }

    /// `POST …/messageRules` → 201 with the rule (e.g. `MessageRule::to_create_body`).
    pub async fn create_rule(
        &self,
        user: &str,
        body: Value,
    ) -> Result<Response<MessageRule>, GraphError> {
        self.get_json(
            outlook(Method::POST, user, rules_path(user), "manage-inbox-rules").with_body(body),
        )
        .await
    }

    /// `GET /users/{id}/mailFolders` (top-level folders).
    pub fn list_mail_folders(&self, user: &str) -> Pager<MailFolder> {
        self.pager(outlook(
            Method::GET,
            user,
            format!("/users/{}/mailFolders?$top=100", seg(user)),
            "read-mail-folders",
        ))
    }

    /// `GET /users/{id}/mailFolders/{id or well-known name}`.
    pub async fn get_mail_folder(
        &self,
        user: &str,
        folder: &str,
    ) -> Result<Response<MailFolder>, GraphError> {
        self.get_json(outlook(
            Method::GET,
            user,
            format!("/users/{}/mailFolders/{}", seg(user), seg(folder)),
            "read-mail-folders",
        ))
        .await
    }

    /// `GET /users/{id}/mailboxSettings`.
    pub async fn mailbox_settings(
        &self,
        user: &str,
    ) -> Result<Response<MailboxSettings>, GraphError> {
        self.get_json(outlook(
            Method::GET,
            user,
            format!("/users/{}/mailboxSettings", seg(user)),
            "read-inbox-rules",
        ))
        .await
    }
}
