//! Property tests of what reclaim reads from files and the command line: sealed plans (any
//! edit is refused or changes nothing), the config file, playbooks and indicator packs (any
//! TOML-ish text gives a value or a clean error, never a panic).
//!
//! Case counts are bounded so `cargo test` stays fast; `PROPTEST_CASES=5000 cargo test --test
//! properties` for a long run (docs/testing.md).

mod config;
#[path = "../common/containment.rs"]
#[allow(dead_code)] // only the plan maker is used here
mod containment;
mod pack;
mod plan;
mod playbook;
mod toml_text;
mod triage_output;

use proptest::test_runner::Config as ProptestConfig;

/// `default` cases unless PROPTEST_CASES says otherwise.
pub fn cases(default: u32) -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = default;
    }
    // Failures print the minimal input; no regression files in the source tree.
    c.failure_persistence = None;
    c
}

/// A usable error: it says something and, on its first line, which file is at fault. (It may
/// quote the input, control characters included: the CLI makes every message inert at its
/// edge, src/cli/mod.rs.)
pub fn assert_clean(message: &str, source: &str) {
    let first = message.lines().next().unwrap_or_default();
    assert!(first.contains(source), "{source} not named: {message:?}");
    assert!(
        first.trim().len() > source.len() + 2,
        "says nothing: {message:?}"
    );
}
