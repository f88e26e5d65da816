//! The Microsoft Graph client: sign-in, HTTP, paging, throttling, batching, typed models.
//!
//! - [`client::GraphClient`]: typed methods per endpoint (REFERENCE §3), results with request ids.
//! - [`auth`]: device code, client secret, certificate, Azure CLI, environment token; the
//!   keyring-backed token cache; claims for display and preflight.
//! - [`http`]: one request end to end (client-request-id, retries, unknown outcomes, 403s).
//! - [`throttle`]: the scheduler that keeps within Graph's throttle scopes.
//! - [`paging`], [`batch`]: collections (loop guard, partial flag, streaming) and `$batch`.
//! - [`permissions`]: capability → least-privileged permissions, and preflight.
//! - [`models`]: serde models checked against the real schema.
//! - [`cloud`], [`error`], [`progress`]: national clouds, errors, progress hooks.

pub mod auth;
pub mod batch;
pub mod client;
pub mod cloud;
pub mod error;
pub mod http;
pub mod licence;
pub mod log_reader;
pub mod models;
pub mod paging;
pub mod permissions;
pub mod progress;
pub mod requests;
pub mod throttle;

pub use auth::{AccessToken, Authenticator, Credential};
pub use client::{ClientOptions, GraphClient, Response};
pub use cloud::{ApiVersion, Endpoints, NationalCloud};
pub use error::{AuthError, GraphError, RequestIds};
pub use paging::{Collection, Incomplete, Page, Pager};
pub use progress::{Progress, ProgressEvent, ProgressSnapshot};
