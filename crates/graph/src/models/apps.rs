//! Applications, the credentials on applications and service principals, and app role
//! assignments (the application-permission side of consent).

use super::{graph_model, Timestamp};

graph_model! {
    /// `microsoft.graph.passwordCredential`: a client secret's metadata. Graph returns the
    /// secret text only once, when it is added; reclaim never asks for it.
    pub struct PasswordCredential = "passwordCredential" {
        pub key_id: Option<String> = "keyId",
        pub display_name: Option<String> = "displayName",
        pub hint: Option<String> = "hint",
        pub start_date_time: Option<Timestamp> = "startDateTime",
        pub end_date_time: Option<Timestamp> = "endDateTime",
    }
}

graph_model! {
    /// `microsoft.graph.keyCredential`: a certificate. `key` (the public certificate) is
    /// served only when `keyCredentials` is selected explicitly.
    pub struct KeyCredential = "keyCredential" {
        pub key_id: Option<String> = "keyId",
        pub display_name: Option<String> = "displayName",
        pub custom_key_identifier: Option<String> = "customKeyIdentifier",
        pub r#type: Option<String> = "type",
        pub usage: Option<String> = "usage",
        pub key: Option<String> = "key",
        pub start_date_time: Option<Timestamp> = "startDateTime",
        pub end_date_time: Option<Timestamp> = "endDateTime",
    }
}

graph_model! {
    /// `microsoft.graph.application`: the credentials an app registration holds.
    pub struct Application = "application" {
        pub id: String = "id",
        pub app_id: Option<String> = "appId",
        pub display_name: Option<String> = "displayName",
        pub password_credentials: Vec<PasswordCredential> = "passwordCredentials",
        pub key_credentials: Vec<KeyCredential> = "keyCredentials",
    }
}

graph_model! {
    /// `microsoft.graph.verifiedPublisher`: set when the publisher proved its identity
    /// (Microsoft Partner Network); all null otherwise.
    pub struct VerifiedPublisher = "verifiedPublisher" {
        pub display_name: Option<String> = "displayName",
        pub verified_publisher_id: Option<String> = "verifiedPublisherId",
        pub added_date_time: Option<Timestamp> = "addedDateTime",
    }
}

graph_model! {
    /// `microsoft.graph.appRoleAssignment`: an app role granted to a user (a consent's
    /// default access) or to a service principal (an application permission).
    pub struct AppRoleAssignment = "appRoleAssignment" {
        pub id: String = "id",
        pub app_role_id: Option<String> = "appRoleId",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
        pub principal_display_name: Option<String> = "principalDisplayName",
        pub principal_id: Option<String> = "principalId",
        pub principal_type: Option<String> = "principalType",
        pub resource_display_name: Option<String> = "resourceDisplayName",
        pub resource_id: Option<String> = "resourceId",
    }
}

impl Application {
    /// What reclaim reads of an application (`key` comes with `keyCredentials` by name).
    pub const SELECT: &'static str = "id,appId,displayName,passwordCredentials,keyCredentials";
}
