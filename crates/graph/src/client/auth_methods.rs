//! Authentication methods: list, delete by kind, phones, Temporary Access Pass, password
//! reset with its long-running operation.

use super::{GraphClient, Response};
use crate::error::GraphError;
use crate::models::{AuthenticationMethod, LongRunningOperation};
use crate::paging::Pager;
use crate::requests;
use reclaim_core::secrets::Secret;
use std::time::Duration;

/// A started password reset.
#[derive(Debug, Clone)]
pub struct PasswordReset {
    /// `Location` of the operation to poll.
    pub operation_url: Option<String>,
    /// The password Graph generated, when it generated one (shown once, never logged).
    pub generated_password: Option<Secret>,
    pub retry_after: Option<Duration>,
}

impl GraphClient {
    /// `GET /users/{id}/authentication/methods` (no query options allowed). Listing methods
    /// falls in the reports throttle (REFERENCE §1), 5 requests/10 s.
    pub fn list_methods(&self, user: &str) -> Pager<AuthenticationMethod> {
        self.pager(requests::list_methods(user))
    }

    /// `GET /users/{id}/authentication/operations/{opId}`.
    pub async fn get_operation(
        &self,
        user: &str,
        operation_id: &str,
    ) -> Result<Response<LongRunningOperation>, GraphError> {
        self.send_json(requests::get_operation(user, operation_id))
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
