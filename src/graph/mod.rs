//! The Microsoft Graph client: sign-in, HTTP, paging, throttling, batching, typed models.

pub mod auth;
pub mod batch;
pub mod client;
pub mod cloud;
pub mod error;
pub mod http;
pub mod models;
pub mod paging;
pub mod permissions;
pub mod progress;
pub mod throttle;

pub use auth::{AccessToken, Authenticator, Credential, Secret};
pub use client::{ClientOptions, GraphClient, Response};
pub use cloud::{ApiVersion, Endpoints, NationalCloud};
pub use error::{AuthError, GraphError, RequestIds};
pub use paging::{Collection, Incomplete, Page, Pager};
pub use progress::{Progress, ProgressEvent, ProgressSnapshot};
