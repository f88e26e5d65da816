//! The Microsoft Graph client: sign-in, HTTP, paging, throttling, batching, typed models.

pub mod auth;
pub mod cloud;
pub mod error;
pub mod models;
pub mod permissions;
pub mod throttle;
