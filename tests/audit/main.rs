//! The audit trail through the `reclaim` binary, one test binary: exports and the CLI
//! (`export`), and forwarding to real receivers (`forward`). The journal's own tests are in
//! `crates/audit/tests/journal/`, whose fixtures these share.

#[path = "../../crates/audit/tests/journal/support.rs"]
#[allow(dead_code)] // the journal tests use the rest
mod support;

#[path = "../common/external.rs"]
mod external;

mod export;
mod forward;
