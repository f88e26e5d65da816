//! Application footholds: credentials added to applications and service principals (read
//! from their audit records), and the app role assignments an account holds (consents).

use super::Time;
use reclaim_graph::models as g;
use reclaim_graph::requests::CredentialHolder;
use serde::{Deserialize, Serialize};

/// A secret or certificate an audit record says was added, identified by its keyId.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddedCredential {
    pub holder: CredentialHolder,
    /// The application's or service principal's object id.
    pub holder_id: String,
    /// Tenant text.
    pub holder_name: String,
    pub key_id: String,
    /// `Password` (a client secret) or `AsymmetricX509Cert` (a certificate).
    pub key_type: String,
    /// Tenant text typed by whoever added it.
    pub name: Option<String>,
}

impl AddedCredential {
    pub fn is_certificate(&self) -> bool {
        !self.key_type.eq_ignore_ascii_case("Password")
    }
    pub fn kind_label(&self) -> &'static str {
        if self.is_certificate() {
            "certificate"
        } else {
            "secret"
        }
    }
}

/// One app role the account holds: a consent's default access to an app (the assignment's
/// resource is the consented app's service principal), or another role of an app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConsent {
    /// The assignment id (`/users/{id}/appRoleAssignments/{id}`).
    pub id: String,
    pub app_role_id: String,
    /// The app's service principal object id.
    pub resource_id: String,
    /// Tenant text.
    pub app_name: Option<String>,
    pub app_id: Option<String>,
    pub publisher: Option<String>,
    /// The publisher proved its identity (verifiedPublisher.verifiedPublisherId is set).
    pub publisher_verified: bool,
    pub created: Option<Time>,
}

/// `[KeyIdentifier=…, KeyType=…, KeyUsage=…, DisplayName=…]` entries of a `KeyDescription`
/// value (a JSON array inside a string, as Core Directory writes it).
fn key_entries(value: Option<&str>) -> Vec<(String, String, Option<String>)> {
    let Some(v) = value else { return Vec::new() };
    let list: Vec<String> = serde_json::from_str(v).unwrap_or_default();
    list.iter()
        .filter_map(|e| {
            let inner = e.trim().trim_start_matches('[').trim_end_matches(']');
            let mut id = None;
            let mut kind = String::from("Password");
            let mut name = None;
            for part in inner.split(", ") {
                let (k, v) = part.split_once('=')?;
                match k.trim() {
                    "KeyIdentifier" => id = Some(v.trim().to_string()),
                    "KeyType" => kind = v.trim().to_string(),
                    "DisplayName" if !v.trim().is_empty() => name = Some(v.trim().to_string()),
                    _ => {}
                }
            }
            Some((id?, kind, name))
        })
        .collect()
}

/// The credentials a `KeyDescription` change added (in the new value, not in the old).
pub fn added_keys(
    holder: CredentialHolder,
    holder_id: &str,
    holder_name: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Vec<AddedCredential> {
    let before: Vec<String> = key_entries(old).into_iter().map(|e| e.0).collect();
    key_entries(new)
        .into_iter()
        .filter(|(id, _, _)| !before.iter().any(|b| b.eq_ignore_ascii_case(id)))
        .map(|(key_id, key_type, name)| AddedCredential {
            holder,
            holder_id: holder_id.to_string(),
            holder_name: holder_name.to_string(),
            key_id,
            key_type,
            name,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_keys_are_the_new_minus_the_old() {
        let old = r#"["[KeyIdentifier=a1, KeyType=Password, KeyUsage=Verify, DisplayName=prod]"]"#;
        let new = r#"["[KeyIdentifier=a1, KeyType=Password, KeyUsage=Verify, DisplayName=prod]","[KeyIdentifier=b2, KeyType=AsymmetricX509Cert, KeyUsage=Verify, DisplayName=CN=x]"]"#;
        let got = added_keys(
            CredentialHolder::Application,
            "app",
            "App",
            Some(old),
            Some(new),
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].key_id, "b2");
        assert!(got[0].is_certificate());
        assert_eq!(got[0].name.as_deref(), Some("CN=x"));
        assert!(added_keys(
            CredentialHolder::Application,
            "a",
            "A",
            Some(new),
            Some(old)
        )
        .is_empty());
        assert!(added_keys(
            CredentialHolder::Application,
            "a",
            "A",
            None,
            Some("not json")
        )
        .is_empty());
    }
}

/// "Add app role assignment to service principal": an application permission granted to a
/// service principal (the principal) on an API's service principal (the resource).
pub const APP_ROLE_GRANTED_ACTIVITY: &str = "Add app role assignment to service principal";

/// An app role (application permission) an audit record says was granted to a service
/// principal: the assignment lives on the resource (`/servicePrincipals/{resource_id}/
/// appRoleAssignedTo/{assignment_id}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantedAppRole {
    pub assignment_id: String,
    pub app_role_id: String,
    /// The API's service principal (e.g. Microsoft Graph's).
    pub resource_id: String,
    /// Tenant text.
    pub resource_name: String,
    /// The service principal that received the permission.
    pub principal_id: String,
    /// Tenant text.
    pub principal_name: String,
}

fn unquote(v: Option<&str>) -> Option<String> {
    let v = v?.trim().trim_matches('"').trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// The grant a record describes: the first service principal target carries `AppRole.Id`
/// and `AppRoleAssignment.Id`, the other one is the principal.
pub fn granted_app_role(a: &g::DirectoryAudit) -> Option<GrantedAppRole> {
    if a.activity_display_name.as_deref() != Some(APP_ROLE_GRANTED_ACTIVITY) {
        return None;
    }
    let prop = |t: &g::TargetResource, name: &str| {
        t.modified_properties
            .iter()
            .find(|p| p.display_name.as_deref() == Some(name))
            .and_then(|p| unquote(p.new_value.as_deref()))
    };
    let resource = a
        .target_resources
        .iter()
        .find(|t| prop(t, "AppRoleAssignment.Id").is_some())?;
    let principal = a
        .target_resources
        .iter()
        .find(|t| t.id != resource.id && t.id.is_some())?;
    Some(GrantedAppRole {
        assignment_id: prop(resource, "AppRoleAssignment.Id")?,
        app_role_id: prop(resource, "AppRole.Id").unwrap_or_default(),
        resource_id: resource.id.clone()?,
        resource_name: resource.display_name.clone().unwrap_or_default(),
        principal_id: principal.id.clone()?,
        principal_name: principal.display_name.clone().unwrap_or_default(),
    })
}
