//! What every request goes through, `$batch` items included: request ids, the bearer token
//! check, the hostile profile's faults, throttling, latency, Graph's response headers and the
//! request log.

use crate::caller::{authenticate, Authenticated, Caller};
use crate::error::{GraphError, RequestIds, REQUEST_IDS};
use crate::faults;
use crate::state::{RequestLogEntry, Shared};
use crate::throttle::classify;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// Marks a request as an item of a `$batch` (set by the batch handler).
#[derive(Debug, Clone, Copy)]
pub struct BatchItem;

const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const X_MS_REQUEST_ID: HeaderName = HeaderName::from_static("x-ms-request-id");
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
/// Graph's JSON content type.
pub const GRAPH_JSON: &str =
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// The part of a path after the version root, for Graph requests.
pub fn graph_path(path: &str) -> Option<&str> {
    ["/v1.0", "/beta"].iter().find_map(|root| {
        let rest = path.strip_prefix(root)?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    })
}

pub async fn middleware(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let client_request_id = req
        .headers()
        .get(&CLIENT_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let ids = RequestIds {
        request_id: uuid::Uuid::new_v4().to_string(),
        client_request_id,
    };
    REQUEST_IDS
        .scope(ids.clone(), serve(state, req, next, ids))
        .await
}

async fn serve(state: Shared, mut req: Request, next: Next, ids: RequestIds) -> Response {
    let in_batch = req.extensions().get::<BatchItem>().is_some();
    let method = req.method().clone();
    let uri = req.uri().clone();
    let logged_path = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| uri.path().to_string());
    let rest = graph_path(uri.path()).map(str::to_string);
    let knobs = state.knobs();

    let mut caller: Option<Caller> = None;
    let mut app_id = None;
    let identity_platform = rest.is_none() && uri.path().contains("/oauth2/");
    if rest.is_some() {
        if req.headers().contains_key(header::AUTHORIZATION) {
            let verdict = authenticate(&state, req.headers());
            caller = verdict.as_ref().ok().cloned();
            req.extensions_mut().insert(Authenticated(verdict));
        }
        app_id = caller.as_ref().map(|c| c.app_id.clone());
    } else if identity_platform {
        let (r, client) = peek_client_id(req).await;
        req = r;
        app_id = client;
    }

    let mut extra: Vec<(HeaderName, String)> = Vec::new();
    let mut admission = None;
    let is_envelope = rest.as_deref().is_some_and(|r| r == "/$batch");
    let early: Option<Response> = match &rest {
        Some(rest) if !is_envelope => {
            let admitted = if let Some(e) = faults::status_fault(&state, &knobs.faults) {
                Some(e.into_response())
            } else if let (Some(limits), Some(c)) = (&knobs.limits, &caller) {
                let class = classify(
                    &method,
                    rest,
                    uri.query().unwrap_or_default(),
                    c.user_id.as_deref(),
                );
                let users = state.tenant_size.load(std::sync::atomic::Ordering::Relaxed);
                match state
                    .throttle
                    .admit(&class, &c.app_id, &state.tenant_id, users, limits)
                {
                    Ok(mut a) => {
                        extra = std::mem::take(&mut a.headers);
                        admission = Some(a);
                        None
                    }
                    Err(e) => Some(e.into_response()),
                }
            } else {
                None
            };
            // The tenant's licence refuses premium APIs to authenticated callers.
            admitted.or_else(|| {
                caller.as_ref()?;
                crate::licence::check(&state, &method, rest, uri.query().unwrap_or_default())
                    .map(IntoResponse::into_response)
            })
        }
        None if identity_platform => faults::token_fault(&state, &knobs.faults),
        _ => None,
    };
    let mut resp = match early {
        Some(r) => r,
        None => {
            // A batch envelope takes as long as its items, each of which waits on its own.
            if !is_envelope {
                latency(&state, knobs.latency).await;
            }
            let crash =
                rest.is_some() && !is_envelope && faults::handler_crash(&state, &knobs.faults);
            run_guarded(next, req, crash).await
        }
    };
    drop(admission);

    let status = resp.status();
    let headers = resp.headers_mut();
    for (name, value) in extra {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&ids.request_id) {
        if rest.is_none() {
            // The identity platform names its request id `x-ms-request-id`.
            headers.insert(X_MS_REQUEST_ID, v.clone());
        }
        headers.insert(REQUEST_ID, v);
    }
    if let Some(crid) = ids
        .client_request_id
        .as_deref()
        .and_then(|c| HeaderValue::from_str(c).ok())
    {
        headers.insert(CLIENT_REQUEST_ID, crid);
    }
    if rest.is_some() {
        let is_json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if is_json {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(GRAPH_JSON));
        }
    }

    state.record(RequestLogEntry {
        time: chrono::Utc::now(),
        method: method.to_string(),
        path: logged_path,
        status: status.as_u16(),
        app_id,
        // Token requests name the user they were for (device code and refresh grants).
        user_id: caller.and_then(|c| c.user_id).or_else(|| {
            resp.extensions()
                .get::<crate::auth::TokenSubject>()
                .map(|s| s.0.clone())
        }),
        in_batch,
    });

    if (rest.is_some() || identity_platform) && !in_batch && status.is_success() {
        let write = rest.is_some() && !is_envelope && method != axum::http::Method::GET;
        if write && faults::lost_write(&state, &knobs.faults) {
            return faults::lose(resp);
        }
        if let Some(fault) = faults::body_fault(&state, &knobs.faults) {
            return faults::apply(resp, fault).await;
        }
    }
    resp
}

/// Runs the handler; a panicking handler answers 500 like the real service's internal errors
/// instead of dropping the connection (and the log entry). `crash` makes it panic on purpose
/// (the hostile profile's `internal_error`), before it touches any state.
async fn run_guarded(next: Next, req: Request, crash: bool) -> Response {
    use futures::FutureExt;
    let handler = async move {
        if crash {
            // Unwinds like a panicking handler without running the panic hook, so nothing is
            // printed over a console sharing the process (`--demo`).
            std::panic::resume_unwind(Box::new("simulated handler crash"));
        }
        next.run(req).await
    };
    match std::panic::AssertUnwindSafe(handler).catch_unwind().await {
        Ok(resp) => resp,
        Err(_) => GraphError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UnknownError",
            "An internal server error occurred.",
        )
        .into_response(),
    }
}

async fn latency(state: &Shared, (min, max): (Duration, Duration)) {
    if max.is_zero() {
        return;
    }
    let span = max.saturating_sub(min);
    let d = min + span.mul_f64(state.chance());
    tokio::time::sleep(d).await;
}

/// Reads the `client_id` of an identity platform form body for the log, putting the body back.
async fn peek_client_id(req: Request) -> (Request, Option<String>) {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let client = crate::auth::parse_form(&bytes).remove("client_id");
    (Request::from_parts(parts, Body::from(bytes)), client)
}
