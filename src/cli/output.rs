//! The binary's one way out to stdout and stderr.
//!
//! Every byte the commands print passes here, through the same sanitizer as tenant values
//! (`reclaim_core::sanitize`): text keeps its line feeds and tabs and loses every other
//! control, JSON keeps its meaning and loses raw C1, DEL and bidi characters. Call sites also
//! sanitize the tenant values they format (a line feed in a rule name must not start a line);
//! this is the gate behind them, so a writer that forgets cannot reach the terminal raw.
//! `tests/hardening/writers.rs` fails when a new writer bypasses this module.

use super::CliError;
use reclaim_core::sanitize::{inert, inert_text, json_text};
use std::io::Write as _;

/// A report or rendered plan on stdout.
pub fn text(s: &str) -> Result<(), CliError> {
    write_stdout(&inert_text(s))
}

/// A JSON document on stdout (serde escapes C0 controls; this escapes the rest).
pub fn json(s: &str) -> Result<(), CliError> {
    write_stdout(&json_text(s))
}

fn write_stdout(s: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| CliError::failure(format!("cannot write the output: {e}")))
}

/// A message on stderr, as given (no line feed added). Errors are ignored: stderr gone is no
/// reason to stop a containment half way.
pub fn stderr(s: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(inert_text(s).as_bytes());
    let _ = err.flush();
}

/// One progress line on a terminal's stderr, rewritten in place. The erase sequence is
/// reclaim's own; the text is not.
pub fn progress(s: &str) {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r\x1b[2K{}", inert(s));
    let _ = err.flush();
}

/// Clears the progress line.
pub fn progress_done() {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(b"\r\x1b[2K");
    let _ = err.flush();
}

/// `eprintln!` through the gate.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `println!` through the gate; evaluates to the write's `Result`.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::text(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` through the gate (prompts).
macro_rules! errp {
    ($($arg:tt)*) => {
        $crate::cli::output::stderr(&format!($($arg)*))
    };
}
