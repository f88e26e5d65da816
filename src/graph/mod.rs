//! The Microsoft Graph client: sign-in, HTTP, paging, throttling, batching, typed models.

pub mod auth;
pub mod batch;
pub mod cloud;
pub mod error;
pub mod http;
pub mod models;
pub mod paging;
pub mod permissions;
pub mod progress;
pub mod throttle;
