//! reclaim: a terminal console for Microsoft 365 account-takeover response.
//!
//! This crate is the binary's wiring; the work lives in the workspace's crates (see
//! docs/architecture.md), each depending only on the ones below it:
//! `reclaim-core` < `reclaim-graph` < `reclaim-triage` < `reclaim-contain` (with
//! `reclaim-audit` beside graph) < `reclaim-tui` < this crate. `reclaim-sim` stands apart.
//!
//! - [`cli`]: the command-line surface (CONTRACT.md).
//! - [`config`]: the config file and its profiles.
//! - [`graph_source`]: the console's data source over the Graph client and triage.

pub mod cli;
pub mod config;
pub mod graph_source;
