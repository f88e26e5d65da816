//! What every Graph handler needs to know about its request, and the response shapes Graph
//! uses (`@odata.context`, `@odata.count`, `@odata.nextLink`, `value`).

use crate::error::GraphError;
use crate::model::{Tenant, Time};
use crate::odata::{Caps, PageToken, Query};
use crate::state::{ApiVersion, Shared};
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{Map, Value};
use std::sync::{RwLockReadGuard, RwLockWriteGuard};

/// The request as handlers see it.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub version: ApiVersion,
    /// `http://host:port`, from the Host header.
    pub origin: String,
    /// The full path as received, version segment included (`/v1.0/users`).
    pub path: String,
    pub raw_query: Option<String>,
    /// `ConsistencyLevel: eventual` was sent.
    pub eventual: bool,
}

impl FromRequestParts<Shared> for Ctx {
    type Rejection = GraphError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map(|o| o.0.clone())
            .unwrap_or_else(|| parts.uri.clone());
        let path = uri.path().to_string();
        let version = match parts.extensions.get::<ApiVersion>() {
            Some(v) => *v,
            None if path.starts_with("/beta/") => ApiVersion::Beta,
            None => ApiVersion::V1,
        };
        Ok(Ctx {
            version,
            origin: origin(&parts.headers, state),
            path,
            raw_query: uri.query().map(String::from),
            eventual: consistency_eventual(&parts.headers),
        })
    }
}

fn origin(headers: &HeaderMap, state: &Shared) -> String {
    match headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
    {
        Some(host) => format!("http://{host}"),
        None => state.base_url.clone(),
    }
}

fn consistency_eventual(headers: &HeaderMap) -> bool {
    headers
        .get("consistencylevel")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("eventual"))
}

impl Ctx {
    pub fn beta(&self) -> bool {
        self.version == ApiVersion::Beta
    }

    /// `{origin}/{version}/$metadata#{fragment}`.
    pub fn context(&self, fragment: &str) -> String {
        format!(
            "{}/{}/$metadata#{fragment}",
            self.origin,
            self.version.segment()
        )
    }

    /// An absolute URL under this request's version root.
    pub fn url(&self, rel: &str) -> String {
        format!("{}/{}{rel}", self.origin, self.version.segment())
    }

    /// Parses the query options for an endpoint with `caps`.
    pub fn query(&self, caps: &Caps) -> Result<Query, GraphError> {
        Query::parse(self.raw_query.as_deref(), self.eventual, &self.path, caps)
    }

    /// Refuses any system query option (endpoints documented without query support).
    pub fn no_query(&self) -> Result<(), GraphError> {
        self.query(&Caps::NONE).map(|_| ())
    }

    pub fn next_link(&self, token: &PageToken, fingerprint: u64) -> String {
        crate::odata::paging::next_link(
            &self.origin,
            &self.path,
            self.raw_query.as_deref(),
            &token.encode(fingerprint),
        )
    }

    /// A collection response.
    pub fn collection(
        &self,
        fragment: &str,
        items: Vec<Value>,
        count: Option<usize>,
        next: Option<(&PageToken, u64)>,
    ) -> Response {
        let mut body = Map::new();
        body.insert(
            "@odata.context".into(),
            Value::String(self.context(fragment)),
        );
        if let Some(n) = count {
            body.insert("@odata.count".into(), Value::from(n));
        }
        if let Some((token, fp)) = next {
            body.insert(
                "@odata.nextLink".into(),
                Value::String(self.next_link(token, fp)),
            );
        }
        body.insert("value".into(), Value::Array(items));
        Json(Value::Object(body)).into_response()
    }

    /// One page of a plain collection: the items `keep` lets through (the query's `$filter`,
    /// where the endpoint takes one), from where the skip token left off, each as `json` gives
    /// it, projected by `$select`. What the directory's list endpoints share.
    pub fn page_of<'a, T, K: AsRef<str>>(
        &self,
        q: &Query,
        fragment: &str,
        all: &'a [T],
        id_of: impl Fn(&'a T) -> K,
        keep: impl Fn(&T) -> bool,
        json: impl Fn(&T) -> Value,
    ) -> Response {
        let page = crate::odata::paging::collect_page(
            all,
            crate::odata::paging::Candidates::All,
            q.token.as_ref(),
            id_of,
            keep,
            q.top,
        );
        let items = (page.items.iter())
            .map(|t| project(json(t), q.select.as_deref(), &[]))
            .collect();
        let next = page.next.as_ref().map(|t| (t, q.fingerprint));
        self.collection(fragment, items, None, next)
    }

    /// A single entity with its `@odata.context`.
    pub fn entity(&self, fragment: &str, mut obj: Value) -> Response {
        self.entity_with_status(StatusCode::OK, fragment, &mut obj)
    }

    pub fn created(&self, fragment: &str, mut obj: Value) -> Response {
        self.entity_with_status(StatusCode::CREATED, fragment, &mut obj)
    }

    fn entity_with_status(&self, status: StatusCode, fragment: &str, obj: &mut Value) -> Response {
        if let Value::Object(map) = obj {
            map.insert(
                "@odata.context".into(),
                Value::String(self.context(fragment)),
            );
        }
        (status, Json(obj.take())).into_response()
    }
}

pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// The tenant for reading. A poisoned lock only means another handler panicked mid-request;
/// the data is still the best we have, so serve it.
pub fn read(state: &Shared) -> RwLockReadGuard<'_, Tenant> {
    state.tenant.read().unwrap_or_else(|e| e.into_inner())
}

pub fn write(state: &Shared) -> RwLockWriteGuard<'_, Tenant> {
    state.tenant.write().unwrap_or_else(|e| e.into_inner())
}

/// Wall-clock now: what the token endpoint compares refresh tokens against.
pub fn now() -> Time {
    chrono::Utc::now()
}

/// Graph's timestamp spelling: UTC with a `Z`.
pub fn ts(t: &Time) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Keeps only `select`ed keys (in the given order); without `$select`, `default` keys, or all
/// keys when `default` is empty. Selected keys the object lacks come back as null.
pub fn project(obj: Value, select: Option<&[String]>, default: &[&str]) -> Value {
    let Value::Object(mut map) = obj else {
        return obj;
    };
    let keys: Vec<String> = match select {
        Some(s) => s.to_vec(),
        None if default.is_empty() => return Value::Object(map),
        None => default.iter().map(|s| s.to_string()).collect(),
    };
    let mut out = Map::new();
    for k in keys {
        let v = map.remove(&k).unwrap_or(Value::Null);
        out.insert(k, v);
    }
    Value::Object(out)
}

/// Parses a JSON request body, answering Graph's 400 for anything else.
pub fn body_json(bytes: &[u8]) -> Result<Value, GraphError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(GraphError::bad_request(
            "Empty Payload. JSON content expected.",
        ));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| GraphError::bad_request(format!("Unable to read JSON request payload: {e}")))
}

/// Parses a body that must be a JSON object.
pub fn body_object(bytes: &[u8]) -> Result<Map<String, Value>, GraphError> {
    match body_json(bytes)? {
        Value::Object(m) => Ok(m),
        _ => Err(GraphError::bad_request(
            "The request body must be a JSON object.",
        )),
    }
}

/// The parameters of an OData action call (`confirmCompromised`, `resetPassword`, ...): an
/// empty body is no parameters; a parameter the action does not declare is refused the way
/// Graph's OData layer refuses it.
pub fn action_params(
    bytes: &[u8],
    action: &str,
    declared: &[&str],
) -> Result<Map<String, Value>, GraphError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let params = body_object(bytes)?;
    if let Some(k) = params
        .keys()
        .find(|k| !k.starts_with('@') && !declared.contains(&k.as_str()))
    {
        return Err(GraphError::new(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("The parameter '{k}' in the request payload is not a valid parameter for the operation '{action}'."),
        ));
    }
    Ok(params)
}
