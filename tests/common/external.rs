//! Tests that need a program outside Rust (tmux, rsyslogd). On a fresh machine with only Rust
//! they skip with a line on the terminal (libtest does not capture a direct stderr write), so
//! `cargo test` passes; `.ci/run` installs the programs and sets `RECLAIM_REQUIRE_EXTERNAL=1`,
//! which turns a missing program into a failure.

use std::io::Write as _;

pub const REQUIRE_ENV: &str = "RECLAIM_REQUIRE_EXTERNAL";

/// True when the test should run. `found`: whether `tool` is installed.
pub fn available_or_skip(tool: &str, found: bool, test: &str, install: &str) -> bool {
    if found {
        return true;
    }
    if std::env::var(REQUIRE_ENV).as_deref() == Ok("1") {
        panic!("{tool} is required ({REQUIRE_ENV}=1) but not installed: {install}");
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {tool} is not installed ({install}; set {REQUIRE_ENV}=1 to fail instead)"
    );
    false
}
