//! Application registrations, the credentials on them and on service principals, and app role
//! assignments (the application-permission side of consent).

use super::Time;
use serde::{Deserialize, Serialize};

/// A client secret (`microsoft.graph.passwordCredential`). The secret text is shown once, by
/// `addPassword`; reads never carry it, so the simulator never stores it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredential {
    pub key_id: String,
    /// Typed by whoever added it (tenant text).
    pub display_name: Option<String>,
    /// The first three characters of the secret.
    pub hint: Option<String>,
    pub start_date_time: Time,
    pub end_date_time: Time,
}

/// A certificate (`microsoft.graph.keyCredential`): public key material only.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct KeyCredential {
    pub key_id: String,
    pub display_name: Option<String>,
    /// Base64 of the certificate's SHA-1 thumbprint (what a proof JWT's `x5t` names).
    pub custom_key_identifier: Option<String>,
    /// `AsymmetricX509Cert`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `Verify` (sign-in) or `Sign`.
    pub usage: String,
    pub start_date_time: Time,
    pub end_date_time: Time,
    /// Simulator-internal: the base64 public certificate, served only when `keyCredentials`
    /// is selected explicitly, as Graph does.
    #[serde(skip)]
    pub key: String,
}

/// An app registration (`microsoft.graph.application`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub created_date_time: Time,
    pub publisher_domain: Option<String>,
    pub sign_in_audience: String,
    pub password_credentials: Vec<PasswordCredential>,
    pub key_credentials: Vec<KeyCredential>,
    /// Simulator-internal: user ids served through `/applications/{id}/owners`.
    #[serde(skip)]
    pub owners: Vec<String>,
}

/// What a service principal carries beyond [`super::ServicePrincipal`]: its own credentials
/// (beside its application's) and its publisher verification.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServicePrincipalExtras {
    pub password_credentials: Vec<PasswordCredential>,
    pub key_credentials: Vec<KeyCredential>,
    /// The Microsoft Partner Network id of a verified publisher; `None`: unverified.
    pub verified_publisher_id: Option<String>,
    /// Simulator-internal: user ids served through `/servicePrincipals/{id}/owners`.
    pub owners: Vec<String>,
}

/// An app role granted to a user, group or service principal (`microsoft.graph.appRoleAssignment`).
/// A user's consent assigns the app's default role (all zeros) to the user; an admin's grant
/// of an application permission assigns the resource's role (e.g. Microsoft Graph's
/// Mail.Read) to the client's service principal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AppRoleAssignment {
    pub id: String,
    pub app_role_id: String,
    pub created_date_time: Time,
    pub principal_display_name: String,
    pub principal_id: String,
    /// `User`, `Group` or `ServicePrincipal`.
    pub principal_type: String,
    pub resource_display_name: String,
    /// The resource's service principal object id.
    pub resource_id: String,
}
