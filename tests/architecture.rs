//! The workspace's layering, checked from `cargo metadata`: each crate depends only on the
//! crates below it (docs/architecture.md), so a back-edge fails the build's tests.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Every workspace crate and the workspace crates it may depend on (normal and build
/// dependencies). `reclaim-sim` may be a dev-dependency of any crate: it is everyone's tests.
const ALLOWED: &[(&str, &[&str])] = &[
    ("reclaim-core", &[]),
    ("reclaim-sim", &[]),
    ("reclaim-graph", &["reclaim-core"]),
    ("reclaim-audit", &["reclaim-core"]),
    ("reclaim-triage", &["reclaim-graph", "reclaim-core"]),
    (
        "reclaim-contain",
        &[
            "reclaim-triage",
            "reclaim-graph",
            "reclaim-audit",
            "reclaim-core",
        ],
    ),
    (
        "reclaim-tui",
        &[
            "reclaim-contain",
            "reclaim-triage",
            "reclaim-audit",
            "reclaim-core",
        ],
    ),
    (
        "reclaim",
        &[
            "reclaim-tui",
            "reclaim-contain",
            "reclaim-triage",
            "reclaim-audit",
            "reclaim-graph",
            "reclaim-core",
            "reclaim-sim",
        ],
    ),
];

/// External crates a layer must not reach for: the console draws and reduces, it neither
/// parses command lines nor talks HTTP; the domain crates know nothing of the terminal.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("reclaim-tui", &["clap", "reqwest", "axum"]),
    ("reclaim-contain", &["ratatui", "clap", "axum"]),
    ("reclaim-triage", &["ratatui", "clap", "axum"]),
    ("reclaim-graph", &["ratatui", "clap", "axum"]),
    ("reclaim-audit", &["ratatui", "clap", "reqwest", "axum"]),
    ("reclaim-core", &["ratatui", "clap", "reqwest", "tokio"]),
];

struct Dep {
    name: String,
    dev: bool,
}

/// `cargo metadata` of the workspace, without its dependencies' own packages.
fn raw_metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("metadata is JSON")
}

fn metadata() -> BTreeMap<String, Vec<Dep>> {
    raw_metadata()["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| Dep {
                    name: d["name"].as_str().unwrap().to_string(),
                    dev: d["kind"].as_str() == Some("dev"),
                })
                .collect();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

#[test]
fn every_crate_depends_only_downward() {
    let packages = metadata();
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(k, v)| (*k, v.iter().copied().collect()))
        .collect();
    assert_eq!(
        packages.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        allowed.keys().copied().collect::<BTreeSet<_>>(),
        "the workspace's crates are the table's (add a new crate to ALLOWED and to docs/architecture.md)"
    );
    let mut back_edges = Vec::new();
    for (name, deps) in &packages {
        for d in deps.iter().filter(|d| d.name.starts_with("reclaim")) {
            let ok = if d.dev {
                // Tests may use the simulator and the crates below; never a crate above.
                d.name == "reclaim-sim" || allowed[name.as_str()].contains(d.name.as_str())
            } else {
                allowed[name.as_str()].contains(d.name.as_str())
            };
            if !ok {
                back_edges.push(format!(
                    "{name} -> {}{}",
                    d.name,
                    if d.dev { " (dev)" } else { "" }
                ));
            }
        }
    }
    assert!(
        back_edges.is_empty(),
        "edges against the layering: {back_edges:?}"
    );
}

#[test]
fn layers_keep_away_from_what_is_not_theirs() {
    let packages = metadata();
    let mut found = Vec::new();
    for (name, forbidden) in FORBIDDEN {
        for d in packages[*name].iter().filter(|d| !d.dev) {
            if forbidden.contains(&d.name.as_str()) {
                found.push(format!("{name} -> {}", d.name));
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn the_simulator_is_an_optional_default_feature_of_the_binary() {
    let v = raw_metadata();
    let bin = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "reclaim")
        .unwrap();
    let sim = bin["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "reclaim-sim" && d["kind"].is_null())
        .expect("the binary depends on the simulator for --demo");
    assert_eq!(sim["optional"], true);
    assert!(bin["features"]["default"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "sim"));
}
