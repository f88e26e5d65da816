//! `/me/...`: the signed-in user's own resources. Graph resolves `/me` to the caller's object
//! id, so every `/users/{id}/...` endpoint is also served as `/me/...`: delegated tokens only
//! (app-only tokens get Graph's 400), with the self variants of permissions accepted
//! ([`crate::caller::Caller::require_on`]).
//!
//! The request is re-routed inside this version root as `/users/{oid}/...`. It keeps its
//! original URI for `@odata.nextLink` and its token verdict; it is not logged, throttled or
//! delayed a second time (the middleware already did that for the `/me` request).

use crate::caller::{Authenticated, Caller};
use crate::error::GraphError;
use crate::state::{ApiVersion, Shared};
use axum::extract::{OriginalUri, Request, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use tower::ServiceExt;

/// Graph's answer to `/me` with an app-only token.
pub fn app_only_error() -> GraphError {
    GraphError::bad_request("/me request is only valid with delegated authentication flow.")
}

pub async fn dispatch(
    State(state): State<Shared>,
    Extension(version): Extension<ApiVersion>,
    caller: Caller,
    req: Request,
) -> Response {
    let Some(me) = caller.user_id.clone() else {
        return app_only_error().into_response();
    };
    let (parts, body) = req.into_parts();
    // Inside the version root the path is `/me/...` (the nesting strips the version).
    let rest = parts.uri.path().strip_prefix("/me").unwrap_or_default();
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let uri = format!("/users/{me}{rest}{query}");
    let original = parts
        .extensions
        .get::<OriginalUri>()
        .cloned()
        .unwrap_or(OriginalUri(parts.uri.clone()));
    // A fresh request: the outer route's path parameters must not leak into the inner match.
    let mut builder = Request::builder()
        .method(parts.method.clone())
        .uri(uri)
        .extension(original)
        .extension(Authenticated(Ok(caller)));
    if let Some(headers) = builder.headers_mut() {
        *headers = parts.headers.clone();
    }
    let inner = match builder.body(body) {
        Ok(r) => r,
        Err(_) => return GraphError::bad_request("Invalid request URI.").into_response(),
    };
    let router = super::routes()
        .fallback(unknown_segment)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(Extension(version))
        .with_state(state);
    match router.oneshot(inner).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    }
}

/// What Graph answers for a path it cannot resolve, naming the last segment.
async fn unknown_segment(uri: axum::http::Uri) -> GraphError {
    let segment = uri
        .path()
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or_default()
        .to_string();
    GraphError::new(
        axum::http::StatusCode::BAD_REQUEST,
        "BadRequest",
        format!("Resource not found for the segment '{segment}'."),
    )
}

async fn method_not_allowed() -> GraphError {
    GraphError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
    )
}
