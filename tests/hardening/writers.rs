//! Every writer to a terminal or file in the product's code, enumerated: a new `println!`, a
//! new file write, must go through the gates (the binary's `cli::output`, the log writer, the
//! sealed writer, the journal and the export formats) or be added here with its reason, so no
//! output path can skip the sanitizer unnoticed (finding 1 of #17).

use std::path::{Path, PathBuf};

/// Files allowed to write to a stream or file directly, and why that is safe.
const GATES: &[(&str, &str)] = &[
    ("src/cli/output.rs", "the gate for stdout and stderr"),
    ("src/cli/log_writer.rs", "the gate for the log file"),
    (
        "src/cli/logging.rs",
        "opens the log file the log writer wraps",
    ),
    (
        "src/cli/docs_cmd.rs",
        "completions and man page: no tenant text",
    ),
    (
        "src/cli/sim_cmd.rs",
        "the simulator's JSON line: loopback addresses and its own ids",
    ),
    (
        "src/cli/contain_cmd.rs",
        "shows a Temporary Access Pass once on /dev/tty, sanitized",
    ),
    (
        "crates/core/src/secrets/file_store.rs",
        "the private secret store: 0600 files, 0700 dir; never shown",
    ),
    (
        "crates/contain/src/sealed.rs",
        "plans and snapshots: json_text, exclusive 0600 files",
    ),
    (
        "crates/audit/src/journal.rs",
        "journal lines: json_text over canonical JSON",
    ),
    (
        "crates/audit/src/archive.rs",
        "moves the journal file; writes no text",
    ),
    (
        "crates/audit/src/forward.rs",
        "syslog: inert SD-PARAMs and json_text",
    ),
    (
        "crates/tui/src/terminal.rs",
        "takes over and restores the terminal: no tenant text",
    ),
    (
        "crates/tui/src/present.rs",
        "the console's frames: a cell with a control becomes `?`",
    ),
    (
        "crates/tui/src/event_loop.rs",
        "the console's terminal: ratatui cells, tenant text via for_display",
    ),
];

const WRITERS: &[&str] = &[
    "println!(",
    "print!(",
    "eprintln!(",
    "eprint!(",
    "io::stdout()",
    "io::stderr()",
    "fs::write(",
    "File::create(",
    "OpenOptions::new()",
    "write_all(",
    "tempfile",
    "fs::rename(",
    "fs::copy(",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Product code only: test modules and files are not output paths.
fn product_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let end = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..end].lines().enumerate()
}

#[test]
fn every_writer_is_a_known_gate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    for c in ["core", "graph", "audit", "triage", "contain", "tui"] {
        sources(&root.join("crates").join(c).join("src"), &mut files);
    }
    let mut stray = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    for f in &files {
        let rel = f.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        if rel.ends_with("_tests.rs") || rel.ends_with("/tests.rs") || rel.contains("/tests/") {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in product_lines(&text) {
            let code = line.split("//").next().unwrap_or("");
            // Asking whether a stream is a terminal writes nothing.
            if code.contains(".is_terminal()") || code.contains(".is_tty()") {
                continue;
            }
            if WRITERS.iter().any(|w| code.contains(w)) {
                if GATES.iter().any(|(g, _)| *g == rel) {
                    used.insert(rel.clone());
                } else {
                    stray.push(format!("{rel}:{}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        stray.is_empty(),
        "writers outside the gates (use cli::output / errln!, or add a gate with its reason):\n{}",
        stray.join("\n")
    );
    // A gate that no longer writes is stale: the list stays the truth.
    let stale: Vec<&str> = GATES
        .iter()
        .map(|(g, _)| *g)
        .filter(|g| !used.contains(*g))
        .collect();
    assert!(stale.is_empty(), "gates that write nothing: {stale:?}");
}
