//! Signing in: every way a responder gets a Graph token.

pub mod claims;
