//! Triage against the simulated campaign over real HTTP, one test binary: accuracy against
//! the ground truth (`accuracy`), the binary's `triage` and `investigate` output (`output`),
//! and the console over the real triage source (`console`).

#[path = "../common/mod.rs"]
mod common;
mod support;

mod accuracy;
mod console;
mod long_reads;
mod output;
mod pacing;
mod reporting;
mod reuse;
mod tier_cli;
mod tiers;
