//! Concrete operations: one Graph request each, built exactly as REFERENCE §3 describes.
//!
//! A plan stores every step's [`Op`] and the [`PlannedRequest`] it produces; apply rebuilds the
//! request from the op and refuses a plan whose stored request differs, so an edited plan
//! cannot smuggle in a request its action would never send.

use reclaim_graph::http::GraphRequest;
use reclaim_graph::models::MethodKind;
use reclaim_graph::requests;
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
#[serde(rename_all = "camelCase")]
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
}

impl HttpMethod {
    fn of(m: &reqwest::Method) -> Self {
        match *m {
            reqwest::Method::POST => HttpMethod::Post,
            reqwest::Method::PATCH => HttpMethod::Patch,
            reqwest::Method::DELETE => HttpMethod::Delete,
            _ => HttpMethod::Get,
        }
    }
}

impl PlannedRequest {
    /// The plan's record of a typed request: method, versioned path and body.
    pub fn of(req: &GraphRequest, secret: Option<SecretSlot>) -> Self {
        PlannedRequest {
            method: HttpMethod::of(&req.method),
            path: req.describe(),
            body: req.body.clone(),
            secret,
        }
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
        Ok(PlannedRequest::of(
            &self.graph_request(user_id)?,
            self.secret_slot(),
        ))
    }

    /// The capability the op's request needs when it is not its action's own (changing the
    /// default MFA method needs UserAuthenticationMethod.ReadWrite.All, which the per-kind
    /// method permissions that suffice for deleting do not give).
    pub fn capability(&self) -> Option<&'static str> {
        match self {
            Op::SetDefaultMfa { .. } => Some("set-default-mfa"),
            _ => None,
        }
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
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: &str = "11111111-2222-3333-4444-555555555555";

    fn req(op: Op) -> PlannedRequest {
        op.request(U).unwrap()
    }

    #[test]
    fn requests_follow_the_reference() {
        let r = req(Op::RevokeSessions);
        assert_eq!((r.method, r.body), (HttpMethod::Post, None));
        assert_eq!(r.path, format!("/v1.0/users/{U}/revokeSignInSessions"));

        let r = req(Op::SetAccountEnabled { enabled: false });
        assert_eq!(r.method, HttpMethod::Patch);
        assert_eq!(r.body, Some(json!({"accountEnabled": false})));

        let r = req(Op::DeleteMethod {
            method_id: "abc".into(),
            kind: MethodKind::MicrosoftAuthenticator,
        });
        assert_eq!(
            r.path,
            format!("/v1.0/users/{U}/authentication/microsoftAuthenticatorMethods/abc")
        );
        assert_eq!(r.method, HttpMethod::Delete);

        let r = req(Op::SetPhoneNumber {
            phone_type: "alternateMobile".into(),
            number: "+1 5555550100".into(),
        });
        assert_eq!(
            r.path,
            format!(
                "/v1.0/users/{U}/authentication/phoneMethods/b6332ec1-7057-4abe-9331-3d72feddfe41"
            )
        );
        assert_eq!(r.body, Some(json!({"phoneNumber": "+1 5555550100"})));

        let r = req(Op::AddPhone {
            phone_type: "mobile".into(),
            number: "+44 7700900123".into(),
        });
        assert_eq!(
            r.path,
            format!("/v1.0/users/{U}/authentication/phoneMethods")
        );
        assert_eq!(
            r.body,
            Some(json!({"phoneNumber": "+44 7700900123", "phoneType": "mobile"}))
        );

        let r = req(Op::ConfirmCompromised);
        assert_eq!(
            r.path,
            "/v1.0/identityProtection/riskyUsers/confirmCompromised"
        );
        assert_eq!(r.body, Some(json!({"userIds": [U]})));

        let r = req(Op::IssueTap {
            lifetime_in_minutes: 60,
            is_usable_once: true,
        });
        assert_eq!(
            r.body,
            Some(json!({"lifetimeInMinutes": 60, "isUsableOnce": true}))
        );
        assert_eq!(
            r.path,
            format!("/v1.0/users/{U}/authentication/temporaryAccessPassMethods")
        );

        let r = req(Op::DeleteGrant {
            grant_id: "E3NH_x-1".into(),
        });
        assert_eq!(r.path, "/v1.0/oauth2PermissionGrants/E3NH_x-1");

        let r = req(Op::SetRuleEnabled {
            rule_id: "AQAA/J5d+ZqA=".into(),
            enabled: false,
        });
        assert_eq!(
            r.path,
            format!("/v1.0/users/{U}/mailFolders/inbox/messageRules/AQAA%2FJ5d%2BZqA=")
        );
        assert_eq!(r.body, Some(json!({"isEnabled": false})));
    }

    #[test]
    fn password_resets_carry_no_secret_until_sent() {
        let r = req(Op::ResetPassword {
            via: PasswordReset::ResetPassword,
        });
        assert_eq!(
            r.path,
            format!("/v1.0/users/{U}/authentication/methods/28c10230-6103-485e-b985-444c60001490/resetPassword")
        );
        assert_eq!(r.body, Some(json!({})));
        let mut body = r.body.clone().unwrap();
        r.secret.unwrap().fill(&mut body, "Kx9!vQ2p");
        assert_eq!(body, json!({"newPassword": "Kx9!vQ2p"}));

        let r = req(Op::ResetPassword {
            via: PasswordReset::PasswordProfile,
        });
        assert_eq!(r.method, HttpMethod::Patch);
        let shown = r.display_body().unwrap();
        assert_eq!(
            shown["passwordProfile"]["password"],
            json!(SecretSlot::PLACEHOLDER)
        );
        assert!(r.body.unwrap()["passwordProfile"].get("password").is_none());
    }

    #[test]
    fn each_op_carries_its_throttle_scope() {
        use reclaim_graph::throttle::ThrottleScope;
        let scope = |op: Op| op.graph_request(U).unwrap().scope;
        assert_eq!(
            scope(Op::ConfirmCompromised),
            ThrottleScope::IdentityProtection
        );
        assert_eq!(
            scope(Op::DeleteRule {
                rule_id: "r".into()
            }),
            ThrottleScope::Outlook { mailbox: U.into() }
        );
        assert!(matches!(
            scope(Op::SetPhoneNumber {
                phone_type: "mobile".into(),
                number: "+1 5".into()
            }),
            ThrottleScope::Directory { write: true, .. }
        ));
        assert!(matches!(
            scope(Op::SetDefaultMfa {
                preferred: "sms".into()
            }),
            ThrottleScope::Directory { write: true, .. }
        ));
    }

    #[test]
    fn impossible_ops_are_refused() {
        assert!(Op::DeleteMethod {
            method_id: reclaim_graph::models::PASSWORD_METHOD_ID.into(),
            kind: MethodKind::Password
        }
        .request(U)
        .is_err());
        assert!(Op::SetPhoneNumber {
            phone_type: "pager".into(),
            number: "+1 1".into()
        }
        .request(U)
        .is_err());
        assert!(Op::IssueTap {
            lifetime_in_minutes: 5,
            is_usable_once: true
        }
        .request(U)
        .is_err());
    }

    #[test]
    fn recreated_rules_drop_server_fields() {
        let rule = json!({"id": "r", "displayName": "x", "sequence": 2, "isEnabled": true,
            "hasError": false, "isReadOnly": false, "conditions": {"subjectContains": ["invoice"]},
            "exceptions": null, "actions": {"delete": true}});
        let r = req(Op::CreateRule { rule });
        assert_eq!(
            r.body,
            Some(json!({"displayName": "x", "sequence": 2, "isEnabled": true,
                "conditions": {"subjectContains": ["invoice"]}, "actions": {"delete": true}}))
        );
    }

    #[test]
    fn ops_serialize_with_a_tag() {
        let op = Op::DeleteMethod {
            method_id: "m".into(),
            kind: MethodKind::Phone,
        };
        let v = serde_json::to_value(&op).unwrap();
        assert_eq!(
            v,
            json!({"op": "deleteMethod", "methodId": "m", "kind": "phone"})
        );
        assert_eq!(serde_json::from_value::<Op>(v).unwrap(), op);
    }
}
