//! Every entry of the embedded pack cites its source in a `# Source:` comment, and only
//! entries citing the campaign's reporting are marked as the campaign's. The pack is read with
//! its comments (toml_edit): a comment block covers the entries after it in the same list, up
//! to the next comment; a table (`[[networks]]`) is covered by a comment above its header or
//! among its keys.

use super::CAMPAIGN_2024;
use toml_edit::{Decor, DocumentMut, Item, Value};

/// Settings that tune the judgement rather than list what the campaign did.
const TUNING: &[&str] = &["weights", "caps", "thresholds", "windows"];
/// The campaign's reporting, as the pack's header names it.
const REPORTING: &str = "[proofpoint-2024]";

#[derive(Debug)]
struct Entry {
    path: String,
    source: Option<String>,
    /// Marked as the campaign's (its user agents, apps, countries, `campaign = true`).
    campaign: bool,
}

fn comments(d: &Decor) -> Option<String> {
    let text = d.prefix()?.as_str()?;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('#'))
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn source_of(comment: &str) -> Option<String> {
    comment.contains("Source:").then(|| comment.to_string())
}

fn entries(text: &str) -> Vec<Entry> {
    let doc: DocumentMut = text.parse().expect("the pack parses");
    let mut out = Vec::new();
    for (section, item) in doc.as_table().iter() {
        if TUNING.contains(&section) {
            continue;
        }
        match item {
            Item::Table(t) => {
                for (key, it) in t.iter() {
                    let Item::Value(Value::Array(a)) = it else {
                        continue;
                    };
                    let campaign = matches!(section, "user_agents" | "apps" | "countries");
                    let mut covered = t
                        .key(key)
                        .and_then(|k| comments(k.leaf_decor()))
                        .and_then(|c| source_of(&c));
                    for (i, v) in a.iter().enumerate() {
                        if let Some(c) = comments(v.decor()) {
                            covered = source_of(&c);
                        }
                        // The value as written, without the comments before it.
                        let shown = v.to_string();
                        let shown = shown.lines().last().unwrap_or("").trim();
                        out.push(Entry {
                            path: format!("{section}.{key}[{i}] {shown}"),
                            source: covered.clone(),
                            campaign,
                        });
                    }
                }
            }
            Item::ArrayOfTables(tables) => {
                for (i, t) in tables.iter().enumerate() {
                    let mut found = comments(t.decor()).and_then(|c| source_of(&c));
                    for (key, _) in t.iter() {
                        let c = t.key(key).and_then(|k| comments(k.leaf_decor()));
                        found = found.or_else(|| c.and_then(|c| source_of(&c)));
                    }
                    let name = t.get("name").and_then(|n| n.as_str()).unwrap_or("?");
                    out.push(Entry {
                        path: format!("{section}[{i}] {name}"),
                        source: found,
                        campaign: t.get("campaign").and_then(|c| c.as_bool()) == Some(true),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// What is wrong with a pack's sources, one line per entry.
fn problems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in entries(text) {
        match &e.source {
            None => out.push(format!("{}: no `# Source:` comment", e.path)),
            Some(s) if e.campaign && !s.contains(REPORTING) => out.push(format!(
                "{}: marked as the campaign's but its source is not {REPORTING}",
                e.path
            )),
            Some(_) => {}
        }
    }
    out
}

#[test]
fn every_entry_of_the_embedded_pack_cites_its_source() {
    let all = entries(CAMPAIGN_2024);
    assert!(all.len() > 100, "the walk sees the pack: {}", all.len());
    for want in [
        "user_agents.exact[1]",
        "unusual_clients.regex[0]",
        "networks[2] Selena Telecom LLC",
        "rules.hide_folders[2]",
    ] {
        assert!(all.iter().any(|e| e.path.starts_with(want)), "{want}");
    }
    let p = problems(CAMPAIGN_2024);
    assert!(p.is_empty(), "{}", p.join("\n"));
    // The ones the reporting does not name are not the campaign's.
    for e in all.iter().filter(|e| e.path.contains("Globacom")) {
        assert!(!e.campaign, "{e:?}");
    }
}

#[test]
fn an_uncited_or_wrongly_cited_entry_is_refused() {
    let pack = r#"
name = "t"
[user_agents]
exact = [
  # Source: [proofpoint-2024].
  "A/1",
  "A/2",
  # seen somewhere
  "B/1",
]
[[networks]]
# Source: [reclaim] a guess.
name = "Guessed ISP"
kind = "fixed-line"
campaign = true
[[networks]]
name = "Uncited"
kind = "hosting"
[weights]
"campaign-network" = 1
"#;
    let p = problems(pack);
    assert_eq!(p.len(), 3, "{p:#?}");
    assert!(
        p[0].starts_with("user_agents.exact[2] \"B/1\": no"),
        "{p:#?}"
    );
    assert!(
        p[1].contains("Guessed ISP: marked as the campaign's"),
        "{p:#?}"
    );
    assert!(p[2].contains("Uncited: no"), "{p:#?}");
}
