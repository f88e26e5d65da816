//! Concrete operations: one Graph request each, built exactly as REFERENCE §3 describes.
//!
//! A plan stores every step's [`Op`] and the [`PlannedRequest`] it produces; apply rebuilds the
//! request from the op and refuses a plan whose stored request differs, so an edited plan
//! cannot smuggle in a request its action would never send.

use reclaim_graph::http::GraphRequest;
use reclaim_graph::models::MethodKind;
use reclaim_graph::requests::{self, CredentialHolder};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
    pub fn is_mutating(self) -> bool {
        self != HttpMethod::Get
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where apply puts a secret it generates when the request leaves. The secret is shown once
/// on the operator's terminal and is never in the plan, the journal or a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SecretSlot {
    /// `body.newPassword` of `resetPassword`.
    NewPassword,
    /// `body.passwordProfile.password` of `PATCH /users/{id}`.
    PasswordProfile,
}

impl SecretSlot {
    /// Puts `secret` into `body`.
    pub fn fill(self, body: &mut Value, secret: &str) {
        match self {
            SecretSlot::NewPassword => body["newPassword"] = Value::from(secret),
            SecretSlot::PasswordProfile => {
                body["passwordProfile"]["password"] = Value::from(secret)
            }
        }
    }
    /// What a dry run prints instead of the secret.
    pub const PLACEHOLDER: &'static str = "<generated when applied, shown once, never stored>";
}

/// One request exactly as it will be sent (path relative to the Graph root, version included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlannedRequest {
    pub method: HttpMethod,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretSlot>,
}

impl PlannedRequest {
    /// The body as a dry run shows it: secrets replaced by a placeholder.
    pub fn display_body(&self) -> Option<Value> {
        let mut body = self.body.clone()?;
        if let Some(slot) = self.secret {
            slot.fill(&mut body, SecretSlot::PLACEHOLDER);
        }
        Some(body)
    }

    /// The journal's summary of the request (body without any secret).
    pub fn summary(&self) -> reclaim_audit::RequestSummary {
        reclaim_audit::RequestSummary {
            method: self.method.as_str().into(),
            path: self.path.clone(),
            body: self.body.clone(),
        }
    }
}

/// How a password is reset: the delegated API, or the profile for app-only tokens
/// (REFERENCE §3.5: resetPassword is delegated-only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PasswordReset {
    ResetPassword,
    PasswordProfile,
}

/// One concrete change to one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum Op {
    /// `POST /users/{id}/revokeSignInSessions`.
    #[serde(rename_all = "camelCase")]
    RevokeSessions,
    /// `PATCH /users/{id}` `{"accountEnabled": ..}`.
    #[serde(rename_all = "camelCase")]
    SetAccountEnabled { enabled: bool },
    #[serde(rename_all = "camelCase")]
    ResetPassword { via: PasswordReset },
    /// `DELETE /users/{id}/authentication/{kind}Methods/{methodId}`.
    #[serde(rename_all = "camelCase")]
    DeleteMethod { method_id: String, kind: MethodKind },
    /// `PATCH …/phoneMethods/{fixed id}` `{"phoneNumber": ..}`.
    #[serde(rename_all = "camelCase")]
    SetPhoneNumber { phone_type: String, number: String },
    /// `POST …/phoneMethods` `{"phoneNumber": .., "phoneType": ..}`.
    #[serde(rename_all = "camelCase")]
    AddPhone { phone_type: String, number: String },
    /// `DELETE …/mailFolders/inbox/messageRules/{ruleId}`.
    #[serde(rename_all = "camelCase")]
    DeleteRule { rule_id: String },
    /// `PATCH …/messageRules/{ruleId}` `{"isEnabled": ..}`.
    #[serde(rename_all = "camelCase")]
    SetRuleEnabled { rule_id: String, enabled: bool },
    /// `POST …/messageRules` with a recorded definition (undo of a deletion).
    #[serde(rename_all = "camelCase")]
    CreateRule { rule: Value },
    /// `POST /identityProtection/riskyUsers/confirmCompromised` `{"userIds": [id]}`.
    #[serde(rename_all = "camelCase")]
    ConfirmCompromised,
    /// `POST …/temporaryAccessPassMethods`.
    #[serde(rename_all = "camelCase")]
    IssueTap {
        lifetime_in_minutes: u32,
        is_usable_once: bool,
    },
    /// `DELETE /oauth2PermissionGrants/{grantId}`.
    #[serde(rename_all = "camelCase")]
    DeleteGrant { grant_id: String },
    /// Beta `PATCH /users/{id}/authentication/signInPreferences`
    /// `{"userPreferredMethodForSecondaryAuthentication": ..}`: moves the default MFA method.
    #[serde(rename_all = "camelCase")]
    SetDefaultMfa { preferred: String },
    /// `PATCH /devices/{deviceId}` `{"accountEnabled": ..}` (the directory object id).
    #[serde(rename_all = "camelCase")]
    SetDeviceEnabled { device_id: String, enabled: bool },
    /// `DELETE /roleManagement/directory/roleAssignments/{id}`.
    #[serde(rename_all = "camelCase")]
    DeleteRoleAssignment { assignment_id: String },
    /// `POST /roleManagement/directory/roleAssignments` for the account (undo).
    #[serde(rename_all = "camelCase")]
    CreateRoleAssignment {
        role_definition_id: String,
        directory_scope_id: String,
    },
    /// `DELETE /groups/{id}/members/{userId}/$ref`.
    #[serde(rename_all = "camelCase")]
    RemoveGroupMember { group_id: String },
    /// `POST /groups/{id}/members/$ref` with the account (undo).
    #[serde(rename_all = "camelCase")]
    AddGroupMember { group_id: String },
    /// `POST /{applications|servicePrincipals}/{id}/removePassword` `{"keyId"}`.
    #[serde(rename_all = "camelCase")]
    RemoveAppPassword {
        holder: CredentialHolder,
        holder_id: String,
        key_id: String,
    },
    /// `PATCH /{applications|servicePrincipals}/{id}` `{"keyCredentials": keep}`: every
    /// certificate but `key_id` (removeKey needs a proof signed by the holder's own key).
    #[serde(rename_all = "camelCase")]
    RemoveAppKey {
        holder: CredentialHolder,
        holder_id: String,
        key_id: String,
        keep: Vec<Value>,
    },
    /// `DELETE /users/{id}/appRoleAssignments/{assignmentId}`.
    #[serde(rename_all = "camelCase")]
    DeleteAppRoleAssignment { assignment_id: String },
    /// `POST /users/{id}/appRoleAssignments` (undo of a deletion: a new assignment id).
    #[serde(rename_all = "camelCase")]
    CreateAppRoleAssignment {
        resource_id: String,
        app_role_id: String,
    },
    /// `DELETE /servicePrincipals/{resourceId}/appRoleAssignedTo/{assignmentId}`: an
    /// application permission the account granted (principal and role kept for the drift
    /// check just before sending).
    #[serde(rename_all = "camelCase")]
    DeleteAppRoleGrant {
        resource_id: String,
        assignment_id: String,
        principal_id: String,
        app_role_id: String,
    },
    /// `POST /servicePrincipals/{resourceId}/appRoleAssignedTo` (undo of a deletion: a new
    /// assignment id).
    #[serde(rename_all = "camelCase")]
    CreateAppRoleGrant {
        resource_id: String,
        principal_id: String,
        app_role_id: String,
    },
}

/// Graph's fixed phone method id of a phone type.
pub fn phone_method_id(phone_type: &str) -> Option<&'static str> {
    reclaim_graph::models::PhoneType::from_wire(phone_type).method_id()
}

/// The phone types in the order Graph lets them be added (alternateMobile needs mobile).
pub const PHONE_TYPES: [&str; 3] = ["mobile", "alternateMobile", "office"];

/// The properties of a recorded rule that `POST messageRules` accepts.
pub fn creatable_rule(rule: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for key in [
        "displayName",
        "sequence",
        "isEnabled",
        "conditions",
        "exceptions",
        "actions",
    ] {
        if let Some(v) = rule.get(key).filter(|v| !v.is_null()) {
            out.insert(key.into(), v.clone());
        }
    }
    Value::Object(out)
}

/// Why an op cannot be expressed as a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    #[error("a {0:?} method cannot be deleted")]
    NotDeletable(MethodKind),
    #[error("unknown phone type `{0}`")]
    PhoneType(String),
    #[error("a Temporary Access Pass lives 10 to 43200 minutes, not {0}")]
    TapLifetime(u32),
    #[error("`{0}` is not a default MFA method Graph accepts")]
    DefaultMfa(String),
    #[error("a plan cannot hold a {0} request")]
    Method(String),
}

impl HttpMethod {
    /// Refuses a method a plan has no name for, rather than recording it as something else.
    fn of(m: &reqwest::Method) -> Result<Self, OpError> {
        Ok(match *m {
            reqwest::Method::GET => HttpMethod::Get,
            reqwest::Method::POST => HttpMethod::Post,
            reqwest::Method::PATCH => HttpMethod::Patch,
            reqwest::Method::DELETE => HttpMethod::Delete,
            _ => return Err(OpError::Method(m.to_string())),
        })
    }
}

impl PlannedRequest {
    /// The plan's record of a typed request: method, versioned path and body.
    pub fn of(req: &GraphRequest, secret: Option<SecretSlot>) -> Result<Self, OpError> {
        Ok(PlannedRequest {
            method: HttpMethod::of(&req.method)?,
            path: req.describe(),
            body: req.body.clone(),
            secret,
        })
    }
}

impl Op {
    /// The typed request this op sends for `user_id`, built by the Graph client's
    /// [`requests`] (its throttle scope comes with it); `Err` when the op cannot be expressed
    /// (a method kind without a DELETE, an unknown phone type).
    pub fn graph_request(&self, user_id: &str) -> Result<GraphRequest, OpError> {
        let phone_id = |t: &str| phone_method_id(t).ok_or_else(|| OpError::PhoneType(t.into()));
        Ok(match self {
            Op::RevokeSessions => requests::revoke_sign_in_sessions(user_id),
            Op::SetAccountEnabled { enabled } => requests::set_account_enabled(user_id, *enabled),
            Op::ResetPassword {
                via: PasswordReset::ResetPassword,
            } => requests::reset_password(user_id, None),
            Op::ResetPassword {
                via: PasswordReset::PasswordProfile,
            } => requests::set_password_profile(user_id, None, true),
            Op::DeleteMethod { method_id, kind } => {
                requests::delete_method(user_id, *kind, method_id)
                    .map_err(|_| OpError::NotDeletable(*kind))?
            }
            Op::SetPhoneNumber { phone_type, number } => {
                requests::update_phone(user_id, phone_id(phone_type)?, number)
            }
            Op::AddPhone { phone_type, number } => {
                phone_id(phone_type)?;
                requests::add_phone(user_id, number, phone_type)
            }
            Op::DeleteRule { rule_id } => requests::delete_rule(user_id, rule_id),
            Op::SetRuleEnabled { rule_id, enabled } => {
                requests::update_rule(user_id, rule_id, json!({ "isEnabled": enabled }))
            }
            Op::CreateRule { rule } => requests::create_rule(user_id, creatable_rule(rule)),
            Op::ConfirmCompromised => requests::confirm_compromised(&[user_id]),
            Op::IssueTap {
                lifetime_in_minutes,
                is_usable_once,
            } => {
                if !(10..=43200).contains(lifetime_in_minutes) {
                    return Err(OpError::TapLifetime(*lifetime_in_minutes));
                }
                requests::create_tap(
                    user_id,
                    json!({
                        "lifetimeInMinutes": lifetime_in_minutes,
                        "isUsableOnce": is_usable_once,
                    }),
                )
            }
            Op::DeleteGrant { grant_id } => requests::delete_grant(grant_id),
            Op::SetDefaultMfa { preferred } => {
                if !super::default_mfa::PREFERENCES.contains(&preferred.as_str()) {
                    return Err(OpError::DefaultMfa(preferred.clone()));
                }
                requests::set_preferred_mfa_method(user_id, preferred)
            }
            Op::SetDeviceEnabled { device_id, enabled } => {
                requests::set_device_enabled(device_id, *enabled)
            }
            Op::DeleteRoleAssignment { assignment_id } => {
                requests::delete_role_assignment(assignment_id)
            }
            Op::CreateRoleAssignment {
                role_definition_id,
                directory_scope_id,
            } => requests::create_role_assignment(user_id, role_definition_id, directory_scope_id),
            Op::RemoveGroupMember { group_id } => requests::remove_group_member(group_id, user_id),
            Op::AddGroupMember { group_id } => requests::add_group_member(group_id, user_id),
            Op::RemoveAppPassword {
                holder,
                holder_id,
                key_id,
            } => requests::remove_password(*holder, holder_id, key_id),
            Op::RemoveAppKey {
                holder,
                holder_id,
                keep,
                ..
            } => requests::set_key_credentials(*holder, holder_id, keep),
            Op::DeleteAppRoleAssignment { assignment_id } => {
                requests::delete_user_app_role_assignment(user_id, assignment_id)
            }
            Op::CreateAppRoleAssignment {
                resource_id,
                app_role_id,
            } => requests::create_user_app_role_assignment(user_id, resource_id, app_role_id),
            Op::DeleteAppRoleGrant {
                resource_id,
                assignment_id,
                ..
            } => requests::delete_sp_app_role_assigned_to(resource_id, assignment_id),
            Op::CreateAppRoleGrant {
                resource_id,
                principal_id,
                app_role_id,
            } => requests::create_sp_app_role_assigned_to(resource_id, principal_id, app_role_id),
        })
    }

    /// Where apply puts the secret it generates for this op, if any.
    pub fn secret_slot(&self) -> Option<SecretSlot> {
        match self {
            Op::ResetPassword {
                via: PasswordReset::ResetPassword,
            } => Some(SecretSlot::NewPassword),
            Op::ResetPassword {
                via: PasswordReset::PasswordProfile,
            } => Some(SecretSlot::PasswordProfile),
            _ => None,
        }
    }

    /// The plan's record of the request this op sends for `user_id`.
    pub fn request(&self, user_id: &str) -> Result<PlannedRequest, OpError> {
        PlannedRequest::of(&self.graph_request(user_id)?, self.secret_slot())
    }

    /// The capability the op's request needs when it is not its action's own (changing the
    /// default MFA method needs UserAuthenticationMethod.ReadWrite.All, which the per-kind
    /// method permissions that suffice for deleting do not give).
    pub fn capability(&self) -> Option<&'static str> {
        match self {
            Op::SetDefaultMfa { .. } => Some("set-default-mfa"),
            Op::DeleteAppRoleAssignment { .. }
            | Op::CreateAppRoleAssignment { .. }
            | Op::DeleteAppRoleGrant { .. }
            | Op::CreateAppRoleGrant { .. } => Some("revoke-app-role-assignments"),
            _ => None,
        }
    }

    /// A DELETE, or a PATCH to a fixed value: sending it again after a read-back shows it
    /// did not take effect can only reach the planned state (finding 9 of #17). Everything
    /// else that fails with an unknown outcome stays fail-closed.
    pub fn is_idempotent_write(&self) -> bool {
        matches!(
            self,
            Op::SetAccountEnabled { .. }
                | Op::DeleteMethod { .. }
                | Op::SetPhoneNumber { .. }
                | Op::DeleteRule { .. }
                | Op::SetRuleEnabled { .. }
                | Op::DeleteGrant { .. }
                | Op::SetDefaultMfa { .. }
                | Op::DeleteAppRoleAssignment { .. }
                | Op::DeleteAppRoleGrant { .. }
        )
    }

    /// Whether sending this twice could do something once is not meant to (creates a new
    /// object, or a new secret): such a step is only re-sent after reading the tenant.
    pub fn creates(&self) -> bool {
        matches!(
            self,
            Op::AddPhone { .. }
                | Op::CreateRule { .. }
                | Op::IssueTap { .. }
                | Op::ResetPassword { .. }
                | Op::CreateAppRoleAssignment { .. }
                | Op::CreateAppRoleGrant { .. }
        )
    }
}

#[cfg(test)]
#[path = "op_tests.rs"]
mod tests;
