//! The Microsoft Graph client: sign-in, HTTP, paging, throttling, batching, typed models.

pub mod models;
