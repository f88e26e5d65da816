//! Playbooks: named, ordered sequences of actions in TOML.
//!
//! The defaults are embedded (src/contain/playbooks/*.toml); a responder's own playbooks live
//! in `<config dir>/playbooks/*.toml` and may replace an embedded one by using its name.
//! `contain-ato` is the default; its file explains, step by step, why the order keeps the
//! attacker out between steps (also in docs/containment.md).

use super::action::ActionKind;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The playbook used when neither `--playbook` nor `--action` is given.
pub const DEFAULT_PLAYBOOK: &str = "contain-ato";

const EMBEDDED: [(&str, &str); 4] = [
    (
        "contain-ato.toml",
        include_str!("playbooks/contain-ato.toml"),
    ),
    ("lockdown.toml", include_str!("playbooks/lockdown.toml")),
    (
        "rebuild-mfa.toml",
        include_str!("playbooks/rebuild-mfa.toml"),
    ),
    (
        "clean-mailbox.toml",
        include_str!("playbooks/clean-mailbox.toml"),
    ),
];

/// Default lifetime of a Temporary Access Pass when the playbook names none.
pub const DEFAULT_TAP_MINUTES: u32 = 60;

#[derive(Debug, Clone, PartialEq)]
pub struct PlaybookStep {
    pub action: ActionKind,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Playbook {
    pub name: String,
    pub summary: String,
    pub steps: Vec<PlaybookStep>,
    pub tap_lifetime_minutes: u32,
    pub tap_usable_once: bool,
    /// `embedded` or the file it was read from.
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaybook {
    name: String,
    #[serde(default)]
    summary: String,
    steps: Vec<RawStep>,
    tap_lifetime_minutes: Option<u32>,
    tap_usable_once: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    action: String,
    #[serde(default)]
    why: String,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("playbook {source_name}: {message}")]
pub struct PlaybookError {
    pub source_name: String,
    pub message: String,
}

impl Playbook {
    /// Parses and checks one playbook file's text.
    pub fn parse(text: &str, source: &str) -> Result<Playbook, PlaybookError> {
        let err = |message: String| PlaybookError {
            source_name: source.to_string(),
            message,
        };
        let raw: RawPlaybook = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut steps = Vec::with_capacity(raw.steps.len());
        for s in &raw.steps {
            steps.push(PlaybookStep {
                action: ActionKind::parse(&s.action).map_err(|e| err(e.to_string()))?,
                why: s.why.trim().to_string(),
            });
        }
        let pb = Playbook {
            name: raw.name,
            summary: raw.summary.trim().to_string(),
            steps,
            tap_lifetime_minutes: raw.tap_lifetime_minutes.unwrap_or(DEFAULT_TAP_MINUTES),
            tap_usable_once: raw.tap_usable_once.unwrap_or(true),
            source: source.to_string(),
        };
        pb.check().map_err(err)?;
        Ok(pb)
    }

    /// A playbook of single actions in the given order (`reclaim plan --action ...`).
    pub fn from_actions(actions: &[ActionKind]) -> Result<Playbook, PlaybookError> {
        let pb = Playbook {
            name: "custom".into(),
            summary: "actions chosen on the command line".into(),
            steps: actions
                .iter()
                .map(|a| PlaybookStep {
                    action: *a,
                    why: "chosen by the operator".into(),
                })
                .collect(),
            tap_lifetime_minutes: DEFAULT_TAP_MINUTES,
            tap_usable_once: true,
            source: "command line".into(),
        };
        pb.check().map_err(|message| PlaybookError {
            source_name: "--action".into(),
            message,
        })?;
        Ok(pb)
    }

    pub fn actions(&self) -> Vec<ActionKind> {
        self.steps.iter().map(|s| s.action).collect()
    }

    fn position(&self, a: ActionKind) -> Option<usize> {
        self.steps.iter().position(|s| s.action == a)
    }

    /// Rules that keep a playbook from undoing itself or fighting over the same objects.
    fn check(&self) -> Result<(), String> {
        use ActionKind::*;
        let valid_name = !self.name.is_empty()
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid_name {
            return Err(format!(
                "name `{}` must be lower-case letters, digits and `-`",
                reclaim_core::sanitize::inert(&self.name)
            ));
        }
        if self.steps.is_empty() {
            return Err("it has no steps".into());
        }
        let mut seen = HashSet::new();
        for s in &self.steps {
            if !seen.insert(s.action) {
                return Err(format!("`{}` appears twice", s.action));
            }
        }
        let pairs = [
            (
                RemoveAttackerMfa,
                ResetMfa,
                "reset-mfa already removes every method",
            ),
            (
                RemoveMaliciousRules,
                DisableMaliciousRules,
                "a rule is either removed or disabled, not both",
            ),
        ];
        for (a, b, why) in pairs {
            if seen.contains(&a) && seen.contains(&b) {
                return Err(format!("`{a}` and `{b}` together: {why}"));
            }
        }
        if let (Some(d), Some(e)) = (self.position(DisableSignin), self.position(EnableSignin)) {
            if e < d {
                return Err("`enable-signin` must come after `disable-signin`".into());
            }
        }
        if let Some(e) = self.position(EnableSignin) {
            // Manual hand-overs (the Exchange check) send nothing: they may follow.
            let after = self.steps[e + 1..].iter().any(|s| !s.action.is_manual());
            if after && seen.contains(&DisableSignin) {
                return Err(
                    "`enable-signin` must be the last step: the account opens only when \
                     everything else is done"
                        .into(),
                );
            }
        }
        if !(10..=43200).contains(&self.tap_lifetime_minutes) {
            return Err(format!(
                "tap_lifetime_minutes must be 10 to 43200, not {}",
                self.tap_lifetime_minutes
            ));
        }
        Ok(())
    }
}

/// A user playbook file that could not be used, and the names it may have meant to define
/// (the `name` it declares, if that much parses, and its file stem).
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenPlaybook {
    pub names: Vec<String>,
    pub error: PlaybookError,
}

/// Every playbook that loads, and every user file that does not. A broken file blocks only
/// the playbook it names, so one bad file cannot stop `contain-ato` (finding 5 of #17);
/// `reclaim check` lists them all.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub playbooks: BTreeMap<String, Playbook>,
    pub broken: Vec<BrokenPlaybook>,
}

impl Catalog {
    /// The playbook `name`; the error of a broken user file that meant it wins over an
    /// embedded playbook of the same name, so a broken override never falls back silently.
    pub fn get(&self, name: &str) -> Result<Playbook, PlaybookError> {
        if let Some(b) = self
            .broken
            .iter()
            .find(|b| b.names.iter().any(|n| n == name))
        {
            return Err(b.error.clone());
        }
        self.playbooks
            .get(name)
            .cloned()
            .ok_or_else(|| PlaybookError {
                source_name: reclaim_core::sanitize::inert(name).into_owned(),
                message: format!(
                    "no such playbook; known: {}",
                    self.playbooks
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }
}

/// The embedded playbooks and those in `user_dir`, by name (a user file replaces an embedded
/// playbook of the same name). Fails only when the directory itself cannot be read.
pub fn load_all(user_dir: Option<&Path>) -> Result<Catalog, PlaybookError> {
    let mut out = Catalog::default();
    for (file, text) in EMBEDDED {
        let pb = Playbook::parse(text, &format!("embedded {file}"))?;
        out.playbooks.insert(pb.name.clone(), pb);
    }
    let Some(dir) = user_dir else {
        return Ok(out);
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => {
            return Err(PlaybookError {
                source_name: dir.display().to_string(),
                message: e.to_string(),
            })
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for path in files {
        let shown = path.display().to_string();
        let parsed = std::fs::read_to_string(&path)
            .map_err(|e| (String::new(), e.to_string()))
            .and_then(|text| Playbook::parse(&text, &shown).map_err(|e| (text, e.message)));
        match parsed {
            Ok(pb) => {
                out.playbooks.insert(pb.name.clone(), pb);
            }
            Err((text, message)) => {
                tracing::warn!(file = %reclaim_core::sanitize::inert(&shown), "playbook not loaded");
                let mut names: Vec<String> = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .into_iter()
                    .collect();
                if let Some(n) = declared_name(&text) {
                    names.push(n);
                }
                out.broken.push(BrokenPlaybook {
                    names,
                    error: PlaybookError {
                        source_name: shown,
                        message,
                    },
                });
            }
        }
    }
    Ok(out)
}

/// The `name = "..."` a file declares, when at least that much of it is TOML.
fn declared_name(text: &str) -> Option<String> {
    let v: toml::Table = toml::from_str(text).ok()?;
    v.get("name")?.as_str().map(str::to_string)
}

/// Where user playbooks live: `playbooks/` beside `--config FILE`, else in the platform
/// config dir (e.g. `~/.config/reclaim/playbooks`).
pub fn user_dir(config_file: Option<&Path>) -> Option<PathBuf> {
    match config_file {
        Some(f) => Some(f.parent().unwrap_or(Path::new(".")).join("playbooks")),
        None => reclaim_core::paths::config_dir().map(|d| d.join("playbooks")),
    }
}

/// One playbook by name, or an error listing the known ones.
pub fn find(name: &str, user_dir: Option<&Path>) -> Result<Playbook, PlaybookError> {
    load_all(user_dir)?.get(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActionKind::*;

    #[test]
    fn embedded_playbooks_parse_and_contain_ato_keeps_its_order() {
        let all = load_all(None).unwrap().playbooks;
        assert_eq!(all.len(), 4);
        let ato = &all[DEFAULT_PLAYBOOK];
        assert_eq!(
            ato.actions(),
            [
                DisableSignin,
                RevokeSessions,
                ResetPassword,
                RemoveAttackerMfa,
                RestorePhone,
                DisableAttackerDevices,
                RemoveAttackerRoles,
                RemoveAttackerAppCredentials,
                RemoveMaliciousRules,
                RevokeOauthGrants,
                ConfirmCompromised,
                EnableSignin,
                ExchangeCheck
            ]
        );
        assert!(
            ato.steps.iter().all(|s| s.why.len() > 40),
            "every step says why"
        );
        // The contract's end state is reachable: each of its elements has its action.
        for a in [
            ConfirmCompromised,
            RevokeSessions,
            RemoveAttackerMfa,
            RestorePhone,
            RemoveMaliciousRules,
            DisableAttackerDevices,
            RemoveAttackerRoles,
            RemoveAttackerAppCredentials,
        ] {
            assert!(ato.actions().contains(&a), "{a}");
        }
        assert_eq!(all["rebuild-mfa"].tap_lifetime_minutes, 480);
    }

    #[test]
    fn bad_playbooks_are_refused_with_the_reason() {
        let cases = [
            ("name = \"x\"\nsteps = []", "no steps"),
            ("name = \"x\"\n[[steps]]\naction = \"nuke\"", "unknown action"),
            ("name = \"x\"\nfoo = 1\n[[steps]]\naction = \"revoke-sessions\"", "unknown field"),
            (
                "name = \"x\"\n[[steps]]\naction = \"enable-signin\"\n[[steps]]\naction = \"disable-signin\"",
                "after",
            ),
            (
                "name = \"x\"\n[[steps]]\naction = \"reset-mfa\"\n[[steps]]\naction = \"remove-attacker-mfa\"",
                "reset-mfa already",
            ),
            ("name = \"X y\"\n[[steps]]\naction = \"revoke-sessions\"", "lower-case"),
            (
                "name = \"x\"\n[[steps]]\naction = \"revoke-sessions\"\n[[steps]]\naction = \"revoke-sessions\"",
                "twice",
            ),
        ];
        for (text, want) in cases {
            let e = Playbook::parse(text, "t.toml").unwrap_err();
            assert!(e.to_string().contains(want), "{text}: {e}");
            assert!(e.to_string().contains("t.toml"));
        }
    }

    #[test]
    fn user_playbooks_load_and_override() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "name = \"contain-ato\"\nsummary = \"mine\"\n[[steps]]\naction = \"revoke-sessions\"\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
        let all = load_all(Some(dir.path())).unwrap();
        assert_eq!(all.playbooks[DEFAULT_PLAYBOOK].summary, "mine");
        assert!(find("lockdown", Some(dir.path())).is_ok());
        let e = find("nope", Some(dir.path())).unwrap_err();
        assert!(e.message.contains("contain-ato"));
    }

    /// Finding 5 of #17: one `steps = []` file made every `plan --playbook contain-ato` fail.
    #[test]
    fn a_broken_file_blocks_only_the_playbook_it_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.toml"), "name = \"x\"\nsteps = []\n").unwrap();
        std::fs::write(dir.path().join("garbled.toml"), "name = ").unwrap();
        assert_eq!(
            find(DEFAULT_PLAYBOOK, Some(dir.path())).unwrap().source,
            "embedded contain-ato.toml"
        );
        let e = find("x", Some(dir.path())).unwrap_err();
        assert!(
            e.source_name.ends_with("x.toml") && e.message.contains("no steps"),
            "{e}"
        );
        let e = find("garbled", Some(dir.path())).unwrap_err();
        assert!(e.source_name.ends_with("garbled.toml"), "{e}");
        assert_eq!(load_all(Some(dir.path())).unwrap().broken.len(), 2);
        // A broken override of an embedded playbook never falls back to the embedded one.
        std::fs::write(
            dir.path().join("mine.toml"),
            "name = \"lockdown\"\n[[steps]]\naction = \"nuke\"\n",
        )
        .unwrap();
        let e = find("lockdown", Some(dir.path())).unwrap_err();
        assert!(e.source_name.ends_with("mine.toml"), "{e}");
    }

    #[test]
    fn single_actions_are_checked_too() {
        assert!(Playbook::from_actions(&[RevokeSessions, ConfirmCompromised]).is_ok());
        assert!(Playbook::from_actions(&[EnableSignin, DisableSignin]).is_err());
    }
}
