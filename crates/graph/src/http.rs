//! One Graph request, end to end: throttle slot, token, `client-request-id`, send, and the
//! retry rules (Retry-After, jittered backoff, 401 refresh, never repeating a mutating
//! request whose outcome is unknown).

use super::auth::Authenticator;
use super::cloud::{ApiVersion, Endpoints};
use super::error::{parse_error_body, AuthError, GraphError, RequestIds};
use super::permissions;
use super::progress::{Progress, ProgressEvent};
use super::throttle::{self, Priority, Scheduler, ThrottleScope};
use reqwest::Method;
use std::sync::Arc;
use std::time::Duration;

/// Where a request goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Version-relative path and query, e.g. `/users?$top=5`.
    Path(ApiVersion, String),
    /// An absolute URL Graph handed out (`@odata.nextLink`), followed verbatim.
    Absolute(String),
}

/// A request as the client methods describe it.
#[derive(Debug, Clone)]
pub struct GraphRequest {
    pub method: Method,
    pub target: Target,
    pub body: Option<serde_json::Value>,
    /// Send `ConsistencyLevel: eventual` (advanced queries, `$count`, `$search`).
    pub eventual: bool,
    /// The capability this serves (names the missing permission on 403).
    pub capability: &'static str,
    pub scope: ThrottleScope,
    /// Operator work is served before background work in every scope.
    pub priority: Priority,
    /// A POST that only reads (a `$batch` of GETs): may be retried and passes `--read-only`.
    pub replay_safe: bool,
    /// Attempts on 5xx and network failures when not the client's policy: a log read over a
    /// time range gives up sooner, and splits the range instead.
    pub max_failures: Option<u32>,
}

impl GraphRequest {
    pub fn new(
        method: Method,
        version: ApiVersion,
        path: impl Into<String>,
        capability: &'static str,
        scope: ThrottleScope,
    ) -> Self {
        Self {
            method,
            target: Target::Path(version, path.into()),
            body: None,
            eventual: false,
            capability,
            scope,
            priority: Priority::Operator,
            replay_safe: false,
            max_failures: None,
        }
    }

    /// Background work (triage's gather, prefetch): yields to operator work.
    pub fn background(mut self) -> Self {
        self.priority = Priority::Background;
        self
    }

    /// At most `priority` (a background client makes every request background).
    pub fn at_most(mut self, priority: Priority) -> Self {
        self.priority = self.priority.min(priority);
        self
    }

    pub fn with_body(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn eventual(mut self) -> Self {
        self.eventual = true;
        self
    }

    /// Only reads may be repeated blindly.
    pub fn is_idempotent(&self) -> bool {
        self.replay_safe || matches!(self.method, Method::GET | Method::HEAD)
    }

    pub fn describe(&self) -> String {
        match &self.target {
            Target::Path(v, p) => format!("/{}{}", v.as_str(), p),
            Target::Absolute(u) => u.clone(),
        }
    }
}

/// A successful (2xx) response.
#[derive(Debug, Clone)]
pub struct GraphResponse {
    pub status: u16,
    pub body: Vec<u8>,
    /// `Location` (long-running operations).
    pub location: Option<String>,
    pub retry_after: Option<Duration>,
    pub ids: RequestIds,
    pub attempts: u32,
}

impl GraphResponse {
    pub fn json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, GraphError> {
        serde_json::from_slice(&self.body).map_err(|e| GraphError::Decode {
            path: path.to_string(),
            detail: e.to_string(),
            ids: self.ids.clone(),
        })
    }
}

/// Retry budgets.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts a request may make while the service throttles it (429, 503).
    pub max_throttled: u32,
    /// Attempts a read may make on 5xx and network failures.
    pub max_failures: u32,
    /// Answers with the licence 403 a request takes before reclaim concludes the tenant's
    /// licence lacks the API: Graph also answers it intermittently on licensed tenants
    /// (microsoft-graph-docs #11986), so one answer is never enough.
    pub max_licence: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_throttled: 25,
            max_failures: 8,
            max_licence: 3,
        }
    }
}

/// The transport every client call goes through.
pub struct HttpCore {
    pub(crate) http: reqwest::Client,
    pub(crate) auth: Arc<Authenticator>,
    pub(crate) endpoints: Endpoints,
    pub(crate) scheduler: Arc<Scheduler>,
    pub(crate) progress: Progress,
    pub(crate) read_only: bool,
    pub(crate) retry: RetryPolicy,
    /// Capabilities whose licence refusal was confirmed by `max_licence` answers in a row:
    /// later refusals of them are taken at once (no retries per account), until one answers.
    pub(crate) unlicensed: std::sync::Mutex<std::collections::HashSet<&'static str>>,
}

/// The reqwest client reclaim uses everywhere (rustls, timeouts, a user agent).
pub fn build_http_client() -> Result<reqwest::Client, GraphError> {
    reqwest::Client::builder()
        .user_agent(concat!("reclaim/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(15))
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| GraphError::Invalid(format!("cannot build the HTTP client: {e}")))
}

enum Attempt {
    Done(GraphResponse),
    /// Retry after this wait (`None` = the backoff decides).
    Again {
        reason: String,
        wait: Option<Duration>,
        throttled: bool,
    },
    Fail(GraphError),
    /// The licence 403: retried (see [`RetryPolicy::max_licence`]) before it is believed.
    Licence(GraphError),
}

/// A request whose answer never arrived: sent again when `may_retry` (a read, or nothing
/// reached Graph); otherwise its outcome is unknown, and a write is never repeated blindly.
fn lost(req: &GraphRequest, ids: &RequestIds, detail: String, may_retry: bool) -> Attempt {
    if may_retry {
        Attempt::Again {
            reason: detail,
            wait: None,
            throttled: false,
        }
    } else {
        Attempt::Fail(GraphError::OutcomeUnknown {
            method: req.method.to_string(),
            path: req.describe(),
            detail,
            ids: ids.clone(),
        })
    }
}

impl HttpCore {
    fn url(&self, target: &Target) -> Result<String, GraphError> {
        match target {
            Target::Path(v, p) => Ok(self.endpoints.graph(*v, p)),
            Target::Absolute(u) => {
                // A nextLink must stay on the Graph host: the bearer token goes with it.
                let ok = url::Url::parse(u)
                    .ok()
                    .zip(url::Url::parse(&self.endpoints.graph_url).ok())
                    .is_some_and(|(a, b)| a.origin() == b.origin());
                if ok {
                    Ok(u.clone())
                } else {
                    Err(GraphError::Invalid(format!(
                        "refusing to follow a link off the Graph host: {u}"
                    )))
                }
            }
        }
    }

    /// Sends a request with the retry rules; Ok only for 2xx.
    pub async fn send(&self, req: &GraphRequest) -> Result<GraphResponse, GraphError> {
        if self.read_only && !req.is_idempotent() {
            return Err(GraphError::ReadOnly {
                method: req.method.to_string(),
                path: req.describe(),
            });
        }
        let url = self.url(&req.target)?;
        let mut ids = RequestIds {
            request_id: None,
            client_request_id: uuid::Uuid::new_v4().to_string(),
        };
        let mut backoff = throttle::backoff();
        let (mut throttled_attempts, mut failed_attempts, mut attempts) = (0u32, 0u32, 0u32);
        let mut licence_refusals = 0u32;
        let mut refreshed = false;
        let mut last_status = 0u16;
        loop {
            attempts += 1;
            let outcome = self
                .attempt(
                    req,
                    &url,
                    &mut ids,
                    attempts,
                    &mut refreshed,
                    &mut last_status,
                )
                .await;
            match outcome {
                Attempt::Done(r) => {
                    self.licence_answered(req.capability);
                    return Ok(r);
                }
                Attempt::Fail(e) => return Err(e),
                Attempt::Licence(e) => {
                    licence_refusals += 1;
                    if self.licence_confirmed(req.capability, licence_refusals) {
                        return Err(e);
                    }
                    let wait = backoff.next().unwrap_or(Duration::from_secs(30));
                    tracing::info!(path = %reclaim_core::sanitize::inert(&req.describe()), capability = req.capability, attempt = attempts, wait_ms = wait.as_millis() as u64, "licence 403, asking again before believing it");
                    self.progress.emit(ProgressEvent::Retry {
                        capability: req.capability,
                        reason: "403 licence refusal (Graph also answers it intermittently)".into(),
                        wait,
                    });
                    tokio::time::sleep(wait).await;
                }
                Attempt::Again {
                    reason,
                    wait,
                    throttled,
                } => {
                    let budget_left = if throttled {
                        throttled_attempts += 1;
                        throttled_attempts < self.retry.max_throttled
                    } else {
                        failed_attempts += 1;
                        failed_attempts < req.max_failures.unwrap_or(self.retry.max_failures)
                    };
                    if !budget_left {
                        return Err(if last_status == 0 {
                            GraphError::Transport {
                                attempts,
                                detail: reason,
                                ids,
                            }
                        } else {
                            GraphError::GaveUp {
                                attempts,
                                last_status,
                                path: req.describe(),
                                ids,
                            }
                        });
                    }
                    let wait =
                        wait.unwrap_or_else(|| backoff.next().unwrap_or(Duration::from_secs(30)));
                    if throttled {
                        // The whole scope is over budget, not just this request.
                        self.scheduler.back_off(&req.scope, wait);
                    }
                    tracing::info!(method = %req.method, path = %reclaim_core::sanitize::inert(&req.describe()), capability = req.capability, %reason, wait_ms = wait.as_millis() as u64, attempt = attempts, client_request_id = %ids.client_request_id, "retrying Graph request");
                    self.progress.emit(ProgressEvent::Retry {
                        capability: req.capability,
                        reason,
                        wait,
                    });
                    if !throttled {
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }
    }

    /// Whether the licence refusal of `capability` is to be believed after `refusals`
    /// answers of this request: once confirmed it stays believed until the API answers.
    fn licence_confirmed(&self, capability: &'static str, refusals: u32) -> bool {
        let mut set = self.unlicensed.lock().unwrap_or_else(|p| p.into_inner());
        if set.contains(capability) {
            return true;
        }
        if refusals >= self.retry.max_licence.max(1) {
            set.insert(capability);
            return true;
        }
        false
    }

    /// The API answered: a licence refusal seen before was the intermittent kind.
    fn licence_answered(&self, capability: &'static str) {
        let mut set = self.unlicensed.lock().unwrap_or_else(|p| p.into_inner());
        if !set.is_empty() {
            set.remove(capability);
        }
    }

    async fn attempt(
        &self,
        req: &GraphRequest,
        url: &str,
        ids: &mut RequestIds,
        attempt: u32,
        refreshed: &mut bool,
        last_status: &mut u16,
    ) -> Attempt {
        let _permit = self.scheduler.acquire_at(&req.scope, 1, req.priority).await;
        let token = match self.auth.token().await {
            Ok(t) => t,
            Err(e) => return Attempt::Fail(e.into()),
        };
        let mut builder = self
            .http
            .request(req.method.clone(), url)
            .bearer_auth(token.secret.expose())
            .header("client-request-id", &ids.client_request_id)
            .header("return-client-request-id", "true");
        if req.eventual {
            builder = builder.header("ConsistencyLevel", "eventual");
        }
        if let Some(body) = &req.body {
            builder = builder.json(body);
        } else if !req.is_idempotent() {
            // Body-less POST actions: an explicit empty body with its length.
            builder = builder.header(reqwest::header::CONTENT_LENGTH, "0");
        }
        let resp = match builder.send().await {
            Ok(r) => r,
            Err(e) => {
                let detail = super::auth::oauth::without_url(&e);
                // Not even connected: nothing reached Graph, any request may be retried.
                return lost(req, ids, detail, req.is_idempotent() || e.is_connect());
            }
        };
        let status = resp.status().as_u16();
        *last_status = status;
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        ids.request_id = header("request-id").or_else(|| header("x-ms-request-id"));
        let retry_after =
            throttle::parse_retry_after(header("retry-after").as_deref(), chrono::Utc::now());
        let location = header("location");
        let body = resp.bytes().await;
        self.progress.emit(ProgressEvent::Response {
            capability: req.capability,
            method: req.method.to_string(),
            status,
            attempt,
        });
        // Info: the request trail is what a post-incident review reads first. Path and ids
        // only; bodies may hold generated passwords and TAPs.
        tracing::info!(method = %req.method, path = %reclaim_core::sanitize::inert(&req.describe()), status, request_id = %reclaim_core::sanitize::inert(ids.request_id.as_deref().unwrap_or("-")), client_request_id = %ids.client_request_id, attempt, "graph response");
        let body = match body {
            Ok(b) => b.to_vec(),
            Err(e) => {
                let detail = format!(
                    "HTTP {status}, but the response body was lost: {}",
                    super::auth::oauth::without_url(&e)
                );
                return lost(req, ids, detail, req.is_idempotent());
            }
        };
        if (200..300).contains(&status) {
            return Attempt::Done(GraphResponse {
                status,
                body,
                location,
                retry_after,
                ids: ids.clone(),
                attempts: attempt,
            });
        }
        let (code, message, inner_request_id) = parse_error_body(status, &body);
        if ids.request_id.is_none() {
            ids.request_id = inner_request_id;
        }
        match status {
            // Throttled: not processed, so any method may be sent again.
            429 => Attempt::Again { reason: "429 throttled".into(), wait: retry_after, throttled: true },
            // Unavailable: the service refused the request before acting on it.
            503 => Attempt::Again { reason: "503 unavailable".into(), wait: retry_after, throttled: true },
            401 if !*refreshed => {
                *refreshed = true;
                self.auth.invalidate().await;
                Attempt::Again { reason: "401, token refreshed".into(), wait: Some(Duration::ZERO), throttled: false }
            }
            401 => Attempt::Fail(GraphError::Auth(AuthError::SignInAgain {
                reason: format!("Graph refused the access token even after a refresh ({code}: {message}; {ids})"),
            })),
            403 if code == crate::error::UNLICENSED_CODE => Attempt::Licence(GraphError::Unlicensed {
                capability: req.capability.to_string(),
                code: code.clone(),
                message,
                ids: ids.clone(),
            }),
            403 => {
                let delegated = token.claims.as_ref().is_some_and(|c| c.is_delegated());
                let perms = permissions::capability(req.capability)
                    .map(|c| c.least(delegated).iter().map(|s| s.to_string()).collect())
                    .unwrap_or_default();
                Attempt::Fail(GraphError::MissingPermission {
                    capability: req.capability.to_string(),
                    permissions: perms,
                    message,
                    ids: ids.clone(),
                })
            }
            s if s >= 500 && req.is_idempotent() => Attempt::Again { reason: format!("{s} {code}"), wait: retry_after, throttled: false },
            s if s >= 500 => Attempt::Fail(GraphError::OutcomeUnknown {
                method: req.method.to_string(),
                path: req.describe(),
                detail: format!("HTTP {s} {code}: {message}"),
                ids: ids.clone(),
            }),
            _ => Attempt::Fail(GraphError::Api { status, code, message, ids: ids.clone() }),
        }
    }
}
