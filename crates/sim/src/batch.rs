//! JSON batching, `POST /$batch` (REFERENCE §1): at most 20 items with unique ids and relative
//! urls; each item goes through the same router and middleware as a plain request (auth,
//! throttling, request log with `in_batch`); `dependsOn` orders items and a failed parent
//! fails its dependents with 424; replies come back in shuffled order; Outlook items are
//! forwarded at most four at a time.

use crate::caller::Caller;
use crate::error::GraphError;
use crate::middleware::BatchItem;
use crate::state::{lock, ApiVersion, Shared};
use crate::throttle::{classify, Class};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::{Extension, Json};
use base64::Engine as _;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tower::ServiceExt;

pub const MAX_ITEMS: usize = 20;
/// Outlook items the service forwards at a time.
const OUTLOOK_PARALLELISM: usize = 4;

#[derive(Debug, Clone)]
struct Item {
    id: String,
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Value>,
    depends_on: Vec<String>,
}

impl Item {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn batch_error(message: impl Into<String>) -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
}

pub async fn batch(
    State(state): State<Shared>,
    Extension(version): Extension<ApiVersion>,
    caller: Caller,
    request: Request,
) -> Result<Json<Value>, GraphError> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 4 << 20)
        .await
        .map_err(|_| batch_error("Invalid batch payload format."))?;
    let items = parse(&bytes)?;
    let authorization = parts.headers.get(header::AUTHORIZATION).cloned();

    let app = crate::server::app(state.clone());
    let mut results: HashMap<String, Value> = HashMap::new();
    let mut failed: HashSet<String> = HashSet::new();
    let mut pending: Vec<Item> = items;
    let outlook_gate = Arc::new(tokio::sync::Semaphore::new(OUTLOOK_PARALLELISM));
    while !pending.is_empty() {
        let (ready, waiting): (Vec<Item>, Vec<Item>) = pending
            .into_iter()
            .partition(|i| i.depends_on.iter().all(|d| results.contains_key(d)));
        pending = waiting;
        let mut runs = Vec::new();
        for item in ready {
            if item.depends_on.iter().any(|d| failed.contains(d)) {
                failed.insert(item.id.clone());
                results.insert(item.id.clone(), failed_dependency(&item));
                continue;
            }
            let app = app.clone();
            let auth = authorization.clone();
            let gate = outlook_gate.clone();
            let me = caller.user_id.clone();
            runs.push(async move {
                let outlook = matches!(
                    classify(&item.method, path_only(&item.url), "", me.as_deref()),
                    Class::Outlook { .. }
                );
                let _permit = match outlook {
                    true => gate.acquire_owned().await.ok(),
                    false => None,
                };
                let reply = run_item(app, version, auth, &item).await;
                (item.id, reply)
            });
        }
        for (id, reply) in futures::future::join_all(runs).await {
            if reply["status"].as_u64().unwrap_or(500) >= 400 {
                failed.insert(id.clone());
            }
            results.insert(id, reply);
        }
    }
    let mut responses: Vec<Value> = results.into_values().collect();
    {
        use rand::seq::SliceRandom;
        responses.shuffle(&mut *lock(&state.rng));
    }
    Ok(Json(json!({ "responses": responses })))
}

fn path_only(url: &str) -> &str {
    url.split('?').next().unwrap_or_default()
}

/// Validates the envelope: JSON, ≤ 20 items, unique ids, known and acyclic `dependsOn`.
fn parse(bytes: &Bytes) -> Result<Vec<Item>, GraphError> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|_| batch_error("Invalid batch payload format."))?;
    let raw = doc
        .get("requests")
        .and_then(Value::as_array)
        .ok_or_else(|| batch_error("Invalid batch payload format."))?;
    if raw.len() > MAX_ITEMS {
        return Err(batch_error(format!(
            "The number of requests in the batch ({}) exceeds the limit of {MAX_ITEMS}.",
            raw.len()
        )));
    }
    let mut items = Vec::with_capacity(raw.len());
    let mut ids = HashSet::new();
    for r in raw {
        let text = |k: &str| r.get(k).and_then(Value::as_str).map(str::to_string);
        let id = match r.get("id") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                return Err(batch_error(
                    "Invalid batch payload format: each request needs an id.",
                ))
            }
        };
        if !ids.insert(id.clone()) {
            return Err(batch_error(format!(
                "Batch request contains duplicate request id '{id}'."
            )));
        }
        let method = text("method")
            .and_then(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok())
            .ok_or_else(|| batch_error(format!("Request '{id}' has no valid method.")))?;
        let url = text("url").ok_or_else(|| batch_error(format!("Request '{id}' has no url.")))?;
        let headers = r
            .get("headers")
            .and_then(Value::as_object)
            .map(|h| {
                h.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string()),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let depends_on = match r.get("dependsOn") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|d| d.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        items.push(Item {
            id,
            method,
            url,
            headers,
            body: r.get("body").cloned(),
            depends_on,
        });
    }
    for item in &items {
        if let Some(d) = item.depends_on.iter().find(|d| !ids.contains(*d)) {
            return Err(batch_error(format!(
                "Request '{}' depends on '{d}', which is not in the batch.",
                item.id
            )));
        }
    }
    if has_cycle(&items) {
        return Err(batch_error(
            "The dependsOn references of the batch form a cycle.",
        ));
    }
    Ok(items)
}

fn has_cycle(items: &[Item]) -> bool {
    let mut done: HashSet<&str> = HashSet::new();
    loop {
        let before = done.len();
        for i in items {
            if !done.contains(i.id.as_str())
                && i.depends_on.iter().all(|d| done.contains(d.as_str()))
            {
                done.insert(&i.id);
            }
        }
        if done.len() == items.len() {
            return false;
        }
        if done.len() == before {
            return true;
        }
    }
}

fn reply(id: &str, status: StatusCode, headers: Map<String, Value>, body: Option<Value>) -> Value {
    let mut r = json!({ "id": id, "status": status.as_u16(), "headers": headers });
    if let Some(b) = body {
        r["body"] = b;
    }
    r
}

fn error_reply(id: &str, e: GraphError) -> Value {
    let mut headers = Map::new();
    headers.insert("Content-Type".into(), json!("application/json"));
    for (name, value) in &e.headers {
        headers.insert(canonical(name), json!(value));
    }
    reply(id, e.status, headers, Some(e.body()))
}

fn failed_dependency(item: &Item) -> Value {
    error_reply(
        &item.id,
        GraphError::new(
            StatusCode::FAILED_DEPENDENCY,
            "FailedDependency",
            format!(
                "The request '{}' depends on a request that failed.",
                item.id
            ),
        ),
    )
}

/// Header names as the service writes them in batch replies (`Retry-After`, `Content-Type`).
fn canonical(name: &HeaderName) -> String {
    name.as_str()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

async fn run_item(
    app: axum::Router,
    version: ApiVersion,
    authorization: Option<HeaderValue>,
    item: &Item,
) -> Value {
    let is_write = matches!(item.method, Method::POST | Method::PATCH | Method::PUT);
    let content_type = item.header("content-type");
    if (item.body.is_some() && content_type.is_none()) || (is_write && item.body.is_none()) {
        return error_reply(
            &item.id,
            batch_error(format!(
                "Write request id : {} does not contain Content-Type header or body.",
                item.id
            )),
        );
    }
    if item.url.contains("://") {
        return error_reply(
            &item.id,
            batch_error("Batch request urls must be relative."),
        );
    }
    let url = if item.url.starts_with('/') {
        item.url.clone()
    } else {
        format!("/{}", item.url)
    };
    if path_only(&url).eq_ignore_ascii_case("/$batch") {
        return error_reply(
            &item.id,
            batch_error("A batch cannot contain another batch."),
        );
    }
    let body = match (&item.body, content_type) {
        (None, _) => Bytes::new(),
        (Some(Value::String(s)), Some(ct)) if !ct.contains("json") => {
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .map(Bytes::from)
                .unwrap_or_else(|_| Bytes::from(s.clone()))
        }
        (Some(v), _) => Bytes::from(serde_json::to_vec(v).unwrap_or_default()),
    };
    let uri = format!("/{}{}", version.segment(), uri_safe(&url));
    let mut builder = Request::builder().method(item.method.clone()).uri(uri);
    if let Some(headers) = builder.headers_mut() {
        fill_headers(headers, item, authorization);
    }
    let request = match builder.extension(BatchItem).body(Body::from(body)) {
        Ok(r) => r,
        Err(_) => {
            return error_reply(
                &item.id,
                batch_error(format!("Request '{}' has an invalid url.", item.id)),
            )
        }
    };
    let Ok(response) = app.oneshot(request).await;
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let mut headers = Map::new();
    for (name, value) in &parts.headers {
        let skip = [
            header::CONTENT_LENGTH,
            header::DATE,
            header::TRANSFER_ENCODING,
            header::CONNECTION,
            header::VARY,
        ];
        if skip.contains(name) {
            continue;
        }
        if let Ok(v) = value.to_str() {
            headers.insert(canonical(name), json!(v));
        }
    }
    let body =
        if bytes.is_empty() {
            None
        } else {
            Some(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                json!(base64::engine::general_purpose::STANDARD.encode(&bytes))
            }))
        };
    reply(&item.id, parts.status, headers, body)
}

/// Item urls are JSON strings: clients leave the spaces and quotes of `$filter` unencoded.
fn uri_safe(url: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    const UNSAFE: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'\\')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    utf8_percent_encode(url, UNSAFE).to_string()
}

fn fill_headers(headers: &mut HeaderMap, item: &Item, authorization: Option<HeaderValue>) {
    for (k, v) in &item.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            headers.insert(name, value);
        }
    }
    // Items are authorised by the envelope's token, whatever they carry themselves.
    match authorization {
        Some(a) => {
            headers.insert(header::AUTHORIZATION, a);
        }
        None => {
            headers.remove(header::AUTHORIZATION);
        }
    }
}
