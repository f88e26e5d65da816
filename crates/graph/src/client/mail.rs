//! Inbox rules, mail folders and mailbox settings (Outlook throttle: 4 concurrent per mailbox).

use super::{GraphClient, Response};
use crate::error::GraphError;
use crate::models::{MailFolder, MessageRule};
use crate::paging::Pager;
use crate::requests::{self, outlook, seg};
use reqwest::Method;

impl GraphClient {
    /// `GET /users/{id}/mailFolders/inbox/messageRules`. Hidden rules never appear (REFERENCE §5).
    pub fn list_inbox_rules(&self, user: &str) -> Pager<MessageRule> {
        self.pager(requests::list_inbox_rules(user))
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
        self.send_json(outlook(
            Method::GET,
            user,
            format!("/users/{}/mailFolders/{}", seg(user), seg(folder)),
            "read-mail-folders",
        ))
        .await
    }
}
