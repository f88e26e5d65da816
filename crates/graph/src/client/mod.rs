//! [`GraphClient`]: typed methods for every endpoint of REFERENCE §3, each returning its
//! typed result with the exchange's request ids for the audit trail.
//!
//! Methods are grouped by area in the files beside this one. Collections come back as a
//! [`Pager`] (stream pages as they arrive, or `collect()` them, flagged partial if cut short).

mod apps;
mod audit_logs;
mod auth_methods;
mod devices;
mod directory;
mod identity_protection;
mod mail;

pub use auth_methods::PasswordReset;
pub use identity_protection::RiskyUserFilter;

use super::auth::claims::TokenClaims;
use super::auth::Authenticator;
use super::batch::{self, BatchItem, BatchResult};
use super::cloud::{ApiVersion, Endpoints};
use super::error::{GraphError, RequestIds};
use super::http::{build_http_client, GraphRequest, HttpCore, RetryPolicy};
use super::paging::Pager;
use super::progress::{Progress, ProgressEvent, ProgressSnapshot};
use super::throttle::{Limits, Priority, Scheduler};
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// A typed result and the ids of the exchange that produced it.
#[derive(Debug, Clone)]
pub struct Response<T> {
    pub value: T,
    pub ids: RequestIds,
    /// HTTP status (e.g. 200 vs 204 for actions documented both ways).
    pub status: u16,
}

/// How a client behaves.
#[derive(Clone, Default)]
pub struct ClientOptions {
    /// Refuse every mutating request (CONTRACT `--read-only`).
    pub read_only: bool,
    pub limits: Limits,
    pub retry: RetryPolicy,
    pub progress: Progress,
}

/// The Graph client. Cheap to clone; clones share throttling, tokens and progress.
#[derive(Clone)]
pub struct GraphClient {
    core: Arc<HttpCore>,
    /// The highest priority this handle's requests get ([`GraphClient::background`]).
    priority: Priority,
    /// Whatever must live as long as the client (the `--demo` simulator).
    keepalive: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

impl GraphClient {
    pub fn new(auth: Authenticator, options: ClientOptions) -> Result<Self, GraphError> {
        let http = build_http_client()?;
        Ok(Self::with_http(http, Arc::new(auth), options))
    }

    pub fn with_http(
        http: reqwest::Client,
        auth: Arc<Authenticator>,
        options: ClientOptions,
    ) -> Self {
        let scheduler = Arc::new(Scheduler::new(options.limits.clone()));
        let progress = options.progress.clone();
        let hook_progress = progress.clone();
        scheduler.set_wait_hook(Arc::new(move |w| {
            let background = w.priority == Priority::Background;
            tracing::info!(scope = %w.scope.label(), wait_ms = w.wait.as_millis() as u64, background, yielded = w.yielded, "waiting to stay within Graph's limits");
            hook_progress.emit(ProgressEvent::ThrottleWait {
                scope: w.scope.label(),
                wait: w.wait,
                background,
                yielded: w.yielded,
            });
        }));
        let endpoints = auth.endpoints().clone();
        Self {
            core: Arc::new(HttpCore {
                http,
                auth,
                endpoints,
                scheduler,
                progress,
                read_only: options.read_only,
                retry: options.retry,
                unlicensed: Default::default(),
            }),
            priority: Priority::Operator,
            keepalive: None,
        }
    }

    /// A handle on the same client (budgets, tokens, progress) whose every request is
    /// background work: it yields to operator work in every throttle scope.
    pub fn background(&self) -> Self {
        Self {
            priority: Priority::Background,
            ..self.clone()
        }
    }

    /// Keeps `scope`'s budget free of background work for a while (the limits'
    /// `operator_engaged_for`): the operator's requests are expected there
    /// (docs/throttling.md, "The first open").
    pub fn hold_for_operator(&self, scope: &crate::throttle::ThrottleScope) {
        self.core.scheduler.hold(scope);
    }

    /// The priority this handle's requests get at most.
    pub fn priority(&self) -> Priority {
        self.priority
    }

    /// Keeps `thing` alive as long as this client or a clone of it.
    pub fn keep_alive(mut self, thing: Arc<dyn std::any::Any + Send + Sync>) -> Self {
        self.keepalive = Some(thing);
        self
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.core.endpoints
    }

    pub fn authenticator(&self) -> &Authenticator {
        &self.core.auth
    }

    pub fn is_read_only(&self) -> bool {
        self.core.read_only
    }

    pub fn progress(&self) -> &Progress {
        &self.core.progress
    }

    pub fn progress_snapshot(&self) -> ProgressSnapshot {
        self.core.progress.snapshot()
    }

    /// The current token's claims (signing in if needed), for whoami and preflight.
    pub async fn claims(&self) -> Result<Option<TokenClaims>, GraphError> {
        Ok(self.core.auth.token().await?.claims)
    }

    /// Sends any request and returns the raw 2xx response (for endpoints without a method).
    pub async fn send(&self, req: &GraphRequest) -> Result<super::http::GraphResponse, GraphError> {
        if req.priority > self.priority {
            return self.core.send(&req.clone().at_most(self.priority)).await;
        }
        self.core.send(req).await
    }

    /// Sends a typed request (see [`crate::requests`]) and parses its 2xx body as `T`.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        req: GraphRequest,
    ) -> Result<Response<T>, GraphError> {
        let req = req.at_most(self.priority);
        let resp = self.core.send(&req).await?;
        Ok(Response {
            value: resp.json(&req.describe())?,
            ids: resp.ids,
            status: resp.status,
        })
    }

    /// Sends a typed request whose answer has no body worth reading (204, or 200 `true`).
    pub async fn send_empty(&self, req: GraphRequest) -> Result<Response<()>, GraphError> {
        let req = req.at_most(self.priority);
        let resp = self.core.send(&req).await?;
        Ok(Response {
            value: (),
            ids: resp.ids,
            status: resp.status,
        })
    }

    /// A pager over a collection request.
    pub fn pager<T: DeserializeOwned>(&self, req: GraphRequest) -> Pager<T> {
        Pager::new(self.core.clone(), req.at_most(self.priority))
    }

    /// Runs requests through `$batch` (20 per round trip, per-item retries).
    pub async fn batch(
        &self,
        version: ApiVersion,
        items: Vec<BatchItem>,
    ) -> Result<Vec<BatchResult>, GraphError> {
        batch::execute(&self.core, version, items, self.priority).await
    }
}
