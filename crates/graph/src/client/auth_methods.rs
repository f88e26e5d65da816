//! Authentication methods: list, delete by kind, phones, Temporary Access Pass, password
//! reset with its long-running operation.

use super::{seg, GraphClient, Response};
use crate::cloud::ApiVersion;
use crate::error::GraphError;
use crate::http::GraphRequest;
use crate::models::{
    AuthenticationMethod, DefaultMfaMethod, LongRunningOperation, MethodKind, PhoneMethod,
    PhoneType, SignInPreferences, TemporaryAccessPassMethod, PASSWORD_METHOD_ID,
};
use crate::paging::Pager;
use crate::throttle::ThrottleScope;
use reclaim_core::secrets::Secret;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

/// Options of a new Temporary Access Pass (all optional; the tenant policy fills the rest).
#[derive(Debug, Clone, Default)]
pub struct TapRequest {
    pub start: Option<chrono::DateTime<chrono::Utc>>,
    /// 10-43200.
    pub lifetime_minutes: Option<u32>,
    pub usable_once: Option<bool>,
}

/// A created TAP: the method (pass removed) and the pass, shown once, never logged.
#[derive(Debug, Clone)]
pub struct CreatedTap {
    pub method: TemporaryAccessPassMethod,
    pub pass: Option<Secret>,
}

/// A started password reset.
#[derive(Debug, Clone)]
pub struct PasswordReset {
    /// `Location` of the operation to poll.
    pub operation_url: Option<String>,
    /// The password Graph generated, when it generated one (shown once, never logged).
    pub generated_password: Option<Secret>,
    pub retry_after: Option<Duration>,
}

fn reports_get(path: String, capability: &'static str) -> GraphRequest {
    GraphRequest::new(
        Method::GET,
        ApiVersion::V1,
        path,
        capability,
        ThrottleScope::Reports,
    )
}

fn auth_path(user: &str, rest: &str) -> String {
    format!("/users/{}/authentication/{rest}", seg(user))
}

impl GraphClient {
    /// `GET /users/{id}/authentication/methods` (no query options allowed). Listing methods
    /// falls in the reports throttle (REFERENCE §1), 5 requests/10 s.
    pub fn list_methods(&self, user: &str) -> Pager<AuthenticationMethod> {
        self.pager(reports_get(auth_path(user, "methods"), "read-auth-methods"))
    }

    /// `GET /users/{id}/authentication/phoneMethods`.
    pub fn list_phone_methods(&self, user: &str) -> Pager<PhoneMethod> {
        self.pager(reports_get(
            auth_path(user, "phoneMethods"),
            "read-auth-methods",
        ))
    }

    /// `DELETE /users/{id}/authentication/{kind}Methods/{id}` → 204.
    pub async fn delete_method(
        &self,
        user: &str,
        kind: MethodKind,
        method_id: &str,
    ) -> Result<Response<()>, GraphError> {
        if !kind.deletable() {
            return Err(GraphError::Invalid(format!(
                "{kind:?} methods cannot be deleted"
            )));
        }
        let capability = if kind == MethodKind::Phone {
            "restore-phone"
        } else {
            "remove-mfa"
        };
        let path = auth_path(user, &format!("{}/{}", kind.segment(), seg(method_id)));
        self.no_content(self.directory_write(Method::DELETE, path, capability))
            .await
    }

    /// `POST …/phoneMethods` `{"phoneNumber","phoneType"}` → 201 with the method.
    pub async fn add_phone(
        &self,
        user: &str,
        number: &str,
        phone_type: &PhoneType,
    ) -> Result<Response<PhoneMethod>, GraphError> {
        let req = self
            .directory_write(
                Method::POST,
                auth_path(user, "phoneMethods"),
                "restore-phone",
            )
            .with_body(json!({ "phoneNumber": number, "phoneType": phone_type.as_str() }));
        self.get_json(req).await
    }

    /// `PATCH …/phoneMethods/{id}` `{"phoneNumber"}` → 204 (the type cannot change).
    pub async fn update_phone(
        &self,
        user: &str,
        method_id: &str,
        number: &str,
    ) -> Result<Response<()>, GraphError> {
        let req = self
            .directory_write(
                Method::PATCH,
                auth_path(user, &format!("phoneMethods/{}", seg(method_id))),
                "restore-phone",
            )
            .with_body(json!({ "phoneNumber": number }));
        self.no_content(req).await
    }

    /// `DELETE …/phoneMethods/{id}` → 204.
    pub async fn delete_phone(
        &self,
        user: &str,
        method_id: &str,
    ) -> Result<Response<()>, GraphError> {
        self.delete_method(user, MethodKind::Phone, method_id).await
    }

    /// Beta `GET …/authentication/signInPreferences`: the default MFA method, which v1.0
    /// cannot read (REFERENCE §5). A tenant or token without beta access answers 400/403.
    pub async fn get_sign_in_preferences(
        &self,
        user: &str,
    ) -> Result<Response<SignInPreferences>, GraphError> {
        let path = auth_path(user, "signInPreferences");
        let scope = ThrottleScope::directory(&path, false);
        let req = GraphRequest::new(
            Method::GET,
            ApiVersion::Beta,
            path,
            "read-sign-in-preferences",
            scope,
        );
        self.get_json(req).await
    }

    /// Beta `PATCH …/authentication/signInPreferences`
    /// `{"userPreferredMethodForSecondaryAuthentication": ..}` → 204: moves the default MFA
    /// method to a kind the user has registered (else 400).
    pub async fn set_preferred_mfa_method(
        &self,
        user: &str,
        method: &DefaultMfaMethod,
    ) -> Result<Response<()>, GraphError> {
        let path = auth_path(user, "signInPreferences");
        let scope = ThrottleScope::directory(&path, true);
        let req = GraphRequest::new(
            Method::PATCH,
            ApiVersion::Beta,
            path,
            "set-default-mfa",
            scope,
        )
        .with_body(json!({ "userPreferredMethodForSecondaryAuthentication": method.as_str() }));
        self.no_content(req).await
    }

    /// `POST …/temporaryAccessPassMethods` → 201; the pass comes back once.
    pub async fn create_tap(
        &self,
        user: &str,
        options: &TapRequest,
    ) -> Result<Response<CreatedTap>, GraphError> {
        let mut body = serde_json::Map::new();
        if let Some(s) = options.start {
            body.insert(
                "startDateTime".into(),
                Value::String(s.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            );
        }
        if let Some(l) = options.lifetime_minutes {
            body.insert("lifetimeInMinutes".into(), json!(l.clamp(10, 43_200)));
        }
        if let Some(u) = options.usable_once {
            body.insert("isUsableOnce".into(), json!(u));
        }
        let req = self
            .directory_write(
                Method::POST,
                auth_path(user, "temporaryAccessPassMethods"),
                "issue-tap",
            )
            .with_body(Value::Object(body));
        let r = self.get_json::<TemporaryAccessPassMethod>(req).await?;
        let mut method = r.value;
        let pass = method.temporary_access_pass.take().map(Secret::new);
        Ok(Response {
            value: CreatedTap { method, pass },
            ids: r.ids,
            status: r.status,
        })
    }

    /// Delegated password reset: `POST …/methods/{password id}/resetPassword` → 202 with a
    /// `Location` to poll. `new_password: None` lets Graph generate one.
    pub async fn reset_password(
        &self,
        user: &str,
        new_password: Option<&Secret>,
    ) -> Result<Response<PasswordReset>, GraphError> {
        let body = match new_password {
            Some(p) => json!({ "newPassword": p.expose() }),
            None => json!({}),
        };
        let req = self
            .directory_write(
                Method::POST,
                auth_path(user, &format!("methods/{PASSWORD_METHOD_ID}/resetPassword")),
                "reset-password",
            )
            .with_body(body);
        let resp = self.send(&req).await?;
        let generated = serde_json::from_slice::<Value>(&resp.body)
            .ok()
            .and_then(|v| {
                v.get("newPassword")
                    .and_then(Value::as_str)
                    .map(|s| Secret::new(s.to_string()))
            });
        Ok(Response {
            value: PasswordReset {
                operation_url: resp.location.clone(),
                generated_password: generated,
                retry_after: resp.retry_after,
            },
            ids: resp.ids,
            status: resp.status,
        })
    }

    /// `GET /users/{id}/authentication/operations/{opId}`.
    pub async fn get_operation(
        &self,
        user: &str,
        operation_id: &str,
    ) -> Result<Response<LongRunningOperation>, GraphError> {
        self.get_json(self.directory_get(
            auth_path(user, &format!("operations/{}", seg(operation_id))),
            "reset-password",
        ))
        .await
    }

    /// Polls a reset's operation until it succeeds or fails, at the pace Graph asks for.
    pub async fn wait_for_password_reset(
        &self,
        user: &str,
        reset: &PasswordReset,
        timeout: Duration,
    ) -> Result<Response<LongRunningOperation>, GraphError> {
        let Some(op_id) = reset
            .operation_url
            .as_deref()
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .map(str::to_string)
        else {
            return Err(GraphError::Invalid(
                "the reset returned no operation to follow".into(),
            ));
        };
        let deadline = tokio::time::Instant::now() + timeout;
        let mut wait = reset.retry_after.unwrap_or(Duration::from_secs(1));
        loop {
            tokio::time::sleep(wait.min(Duration::from_secs(10))).await;
            let op = self.get_operation(user, &op_id).await?;
            if op.value.status.as_ref().is_some_and(|s| s.is_terminal())
                || tokio::time::Instant::now() >= deadline
            {
                return Ok(op);
            }
            wait = (wait * 2).min(Duration::from_secs(10));
        }
    }
}
