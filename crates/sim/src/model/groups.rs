//! Groups and who is in them.

use super::Time;
use serde::{Deserialize, Serialize};

/// One directory group (`microsoft.graph.group`), served as Graph serves it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub mail_enabled: bool,
    pub mail_nickname: String,
    pub security_enabled: bool,
    /// Empty for a security group; `Unified` for a Microsoft 365 group.
    pub group_types: Vec<String>,
    pub created_date_time: Time,
    /// Simulator-internal: direct members (user ids), served through `/groups/{id}/members`
    /// and the users' `/memberOf`.
    #[serde(skip)]
    pub members: Vec<String>,
}
