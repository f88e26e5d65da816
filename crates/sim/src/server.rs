//! The router: Graph under `/v1.0` and `/beta` (endpoint handlers from [`crate::graph`],
//! plus `$batch` and `/organization`), the identity platform, Graph-style fallbacks, and the
//! middleware every request passes through.

use crate::auth::aadsts::TokenError;
use crate::error::GraphError;
use crate::middleware::graph_path;
use crate::state::{ApiVersion, Shared};
use crate::{auth, batch, graph, middleware, organization, subscribed_skus};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

/// Routes the simulator core serves inside each version root.
fn core_routes() -> Router<Shared> {
    Router::new()
        .route("/$batch", post(batch::batch))
        .route("/organization", get(organization::list))
        .route("/organization/{id}", get(organization::get))
        .route("/subscribedSkus", get(subscribed_skus::list))
}

fn versioned(version: ApiVersion) -> Router<Shared> {
    graph::routes()
        .merge(core_routes())
        .layer(Extension(version))
}

/// The whole service, ready to serve.
pub fn app(state: Shared) -> Router {
    Router::new()
        .nest("/v1.0", versioned(ApiVersion::V1))
        .nest("/beta", versioned(ApiVersion::Beta))
        .merge(auth::routes())
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::middleware,
        ))
        .with_state(state)
}

/// Graph names the segment it could not resolve; outside a version root it names the version.
async fn not_found(uri: Uri) -> GraphError {
    match graph_path(uri.path()) {
        Some(rest) => {
            let segment = rest.rsplit('/').find(|s| !s.is_empty()).unwrap_or_default();
            GraphError::new(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                format!("Resource not found for the segment '{segment}'."),
            )
        }
        None => {
            let first = uri
                .path()
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or_default();
            if first.is_empty() || first.starts_with('v') {
                GraphError::new(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    format!("Invalid version: {first}"),
                )
            } else {
                GraphError::new(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    format!("The resource '{}' was not found.", uri.path()),
                )
            }
        }
    }
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    if graph_path(uri.path()).is_none() {
        // The identity platform answers in its own error format.
        return TokenError::bad_request(
            "invalid_request",
            900561,
            format!(
                "The endpoint only accepts POST, OPTIONS requests. Received a {method} request."
            ),
        )
        .into_response();
    }
    GraphError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
    )
    .into_response()
}
