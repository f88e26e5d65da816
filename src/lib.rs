//! reclaim: a terminal console for Microsoft 365 account-takeover response.
//!
//! Modules, one responsibility each:
//! - [`sim`]: the simulated tenant (a Graph + identity platform service on loopback).
//! - [`graph`]: the Graph client: auth, HTTP, paging, throttling, models.
//! - [`triage`]: gathering evidence and ranking risky accounts.
//! - [`contain`]: containment actions, playbooks, plans, apply, undo.
//! - [`audit`]: the tamper-evident, crash-safe journal.
//! - [`tui`]: the interactive console.
//! - [`cli`]: the command-line surface (CONTRACT.md).
//! - [`sanitize`]: making attacker-controlled tenant text inert.
//! - [`secrets`]: the OS keyring, or memory when none is usable.

pub mod audit;
pub mod cli;
pub mod config;
pub mod contain;
pub mod graph;
pub mod sanitize;
pub mod secrets;
pub mod sim;
pub mod triage;
pub mod tui;
