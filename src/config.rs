//! The configuration file (TOML) and its tenant profiles, like k9s contexts: a responder
//! working for several organizations keeps one profile per tenant and switches with
//! `--profile` (or `active_profile`).
//!
//! ```toml
//! active_profile = "contoso"
//! secret_store = "auto"          # auto | keyring | file | memory (docs/authentication.md)
//!
//! [profiles.contoso]
//! tenant = "contoso.onmicrosoft.com"
//! cloud = "global"               # global | usgov | usgov-dod | china
//! auth = "device-code"           # device-code | client-secret | certificate | az-cli | env-token
//! client_id = "00000000-0000-0000-0000-000000000000"
//! certificate = "/home/me/reclaim.pfx"
//! # graph_url / login_url override the cloud's hosts
//! # secret_store = "file"        # a profile may choose its own store
//! ```
//!
//! Secrets are never stored here: a key that looks like one is refused with a pointer to the
//! keyring or the environment. reclaim never rewrites the file, so a broken file loses nothing.

use reclaim_core::secrets::StoreChoice;
use reclaim_graph::cloud::NationalCloud;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Everything in the file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub active_profile: Option<String>,
    /// Where secrets are kept: `auto` (default), `keyring`, `file` or `memory`.
    #[serde(default)]
    pub secret_store: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One tenant's settings. Every field is optional; command-line options win.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub tenant: Option<String>,
    pub cloud: Option<NationalCloud>,
    pub auth: Option<String>,
    pub client_id: Option<String>,
    pub certificate: Option<PathBuf>,
    pub graph_url: Option<String>,
    pub login_url: Option<String>,
    /// Always connect read-only with this profile.
    #[serde(default)]
    pub read_only: bool,
    /// This profile's secret store, over the file's `secret_store`.
    pub secret_store: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("config file {path}: cannot read it: {why}")]
    Unreadable { path: String, why: String },
    #[error("config file {path}, line {line}: {why}")]
    Invalid {
        path: String,
        line: usize,
        why: String,
    },
    #[error("config file {path}, line {line}: `{key}` looks like a secret; secrets are never stored in the config file (use RECLAIM_CLIENT_SECRET, RECLAIM_CERTIFICATE_PASSWORD or `reclaim login`, which keeps them in the OS keyring)")]
    SecretInConfig {
        path: String,
        line: usize,
        key: String,
    },
    #[error("no profile named {name:?} in {path} (profiles: {available})")]
    NoSuchProfile {
        name: String,
        path: String,
        available: String,
    },
}

/// Keys whose names contain a secret word but hold no secret.
const NOT_SECRETS: [&str; 1] = ["secret_store"];

const SECRET_WORDS: [&str; 6] = [
    "secret",
    "password",
    "token",
    "passphrase",
    "private_key",
    "pass",
];

/// The default location: `<platform config dir>/reclaim/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    reclaim_core::paths::config_dir().map(|d| d.join("config.toml"))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Config {
    /// Loads `explicit` (must exist) or the default path (absent = empty config).
    pub fn load(explicit: Option<&Path>) -> Result<(Self, Option<PathBuf>), ConfigError> {
        let (path, must_exist) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => match default_path() {
                Some(p) => (p, false),
                None => return Ok((Self::default(), None)),
            },
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok((Self::parse(&text, &path.display().to_string())?, Some(path))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                Ok((Self::default(), None))
            }
            Err(e) => Err(ConfigError::Unreadable {
                path: path.display().to_string(),
                why: e.to_string(),
            }),
        }
    }

    /// Parses the file's text; errors name the line.
    pub fn parse(text: &str, path: &str) -> Result<Self, ConfigError> {
        let invalid = |e: toml::de::Error| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            ConfigError::Invalid {
                path: path.to_string(),
                line,
                why: e.message().to_string(),
            }
        };
        // Refuse secrets before anything else, so the message says what is wrong.
        let doc: toml::Spanned<toml::Table> = toml::from_str(text).map_err(invalid)?;
        if let Some(key) = find_secret_key(doc.get_ref()) {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(key.as_str()))
                .map(|i| i + 1)
                .unwrap_or(1);
            return Err(ConfigError::SecretInConfig {
                path: path.to_string(),
                line,
                key,
            });
        }
        let config: Config = toml::from_str(text).map_err(invalid)?;
        let stores = config.secret_store.iter().map(|s| ("", s));
        let stores = stores.chain(
            config
                .profiles
                .iter()
                .filter_map(|(n, p)| p.secret_store.as_ref().map(|s| (n.as_str(), s))),
        );
        for (name, store) in stores {
            if StoreChoice::parse(store).is_none() {
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with("secret_store"))
                    .map(|i| i + 1)
                    .unwrap_or(1);
                let whose = if name.is_empty() {
                    String::new()
                } else {
                    format!("profile {name}: ")
                };
                return Err(ConfigError::Invalid {
                    path: path.to_string(),
                    line,
                    why: format!(
                        "{whose}unknown secret_store {store:?} (expected one of {})",
                        StoreChoice::NAMES.join(", ")
                    ),
                });
            }
        }
        for (name, p) in &config.profiles {
            if let Some(a) = &p.auth {
                if !reclaim_graph::auth::METHOD_NAMES.contains(&a.as_str()) {
                    let line = text
                        .lines()
                        .position(|l| l.contains(a.as_str()))
                        .map(|i| i + 1)
                        .unwrap_or(1);
                    return Err(ConfigError::Invalid {
                        path: path.to_string(),
                        line,
                        why: format!(
                            "profile {name}: unknown auth method {a:?} (expected one of {})",
                            reclaim_graph::auth::METHOD_NAMES.join(", ")
                        ),
                    });
                }
            }
        }
        if let Some(active) = &config.active_profile {
            if !config.profiles.contains_key(active) {
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with("active_profile"))
                    .map(|i| i + 1)
                    .unwrap_or(1);
                return Err(ConfigError::Invalid {
                    path: path.to_string(),
                    line,
                    why: format!("active_profile {active:?} names no profile"),
                });
            }
        }
        Ok(config)
    }

    /// The profile to use: `requested`, else the active one, else none.
    pub fn select(
        &self,
        requested: Option<&str>,
        path: Option<&Path>,
    ) -> Result<Option<(&str, &Profile)>, ConfigError> {
        let name = match requested.or(self.active_profile.as_deref()) {
            Some(n) => n,
            None => return Ok(None),
        };
        match self.profiles.get_key_value(name) {
            Some((k, v)) => Ok(Some((k.as_str(), v))),
            None => Err(ConfigError::NoSuchProfile {
                name: name.to_string(),
                path: path
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| "the config file (none found)".into()),
                available: if self.profiles.is_empty() {
                    "none".into()
                } else {
                    self.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                },
            }),
        }
    }
}

fn find_secret_key(table: &toml::Table) -> Option<String> {
    for (k, v) in table {
        let lower = k.to_ascii_lowercase();
        if NOT_SECRETS.contains(&lower.as_str()) {
            continue;
        }
        if SECRET_WORDS.iter().any(|w| {
            lower == *w || lower.ends_with(&format!("_{w}")) || lower.starts_with(&format!("{w}_"))
        }) {
            return Some(k.clone());
        }
        if let toml::Value::Table(t) = v {
            if let Some(found) = find_secret_key(t) {
                return Some(found);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
active_profile = "contoso"

[profiles.contoso]
tenant = "contoso.onmicrosoft.com"
cloud = "usgov-dod"
auth = "certificate"
client_id = "c1"
certificate = "/etc/reclaim/app.pfx"

[profiles.fabrikam]
tenant = "fabrikam.com"
auth = "device-code"
read_only = true
"#;

    #[test]
    fn profiles_parse_and_select_like_contexts() {
        let c = Config::parse(GOOD, "c.toml").unwrap();
        let (name, p) = c.select(None, None).unwrap().unwrap();
        assert_eq!(name, "contoso");
        assert_eq!(p.cloud, Some(NationalCloud::UsgovDod));
        assert_eq!(
            p.certificate.as_deref(),
            Some(Path::new("/etc/reclaim/app.pfx"))
        );
        let (_, f) = c.select(Some("fabrikam"), None).unwrap().unwrap();
        assert!(f.read_only);
        match c
            .select(Some("nope"), Some(Path::new("c.toml")))
            .unwrap_err()
        {
            ConfigError::NoSuchProfile { available, .. } => {
                assert_eq!(available, "contoso, fabrikam")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(Config::parse("", "c.toml").unwrap(), Config::default());
    }

    #[test]
    fn broken_files_name_the_line() {
        let broken = "active_profile = \"a\"\n[profiles.a]\ntenant = \"x\"\ncloud = \"mars\"\n";
        match Config::parse(broken, "c.toml").unwrap_err() {
            ConfigError::Invalid { line, why, .. } => {
                assert_eq!(line, 4, "{why}");
                assert!(why.contains("mars") || why.contains("variant"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        let syntax = "[profiles.a]\ntenant = \"x\nclient_id = 1\n";
        assert!(matches!(
            Config::parse(syntax, "c.toml").unwrap_err(),
            ConfigError::Invalid { line: 2, .. }
        ));
        let typo = "[profiles.a]\ntennant = \"x\"\n";
        let e = Config::parse(typo, "c.toml").unwrap_err();
        assert!(matches!(e, ConfigError::Invalid { line: 2, .. }), "{e}");
        assert!(e.to_string().contains("tennant"));
        let bad_auth = "[profiles.a]\nauth = \"password\"\n";
        assert!(Config::parse(bad_auth, "c.toml")
            .unwrap_err()
            .to_string()
            .contains("unknown auth method"));
        let dangling = "active_profile = \"b\"\n[profiles.a]\n";
        assert!(matches!(
            Config::parse(dangling, "c.toml").unwrap_err(),
            ConfigError::Invalid { line: 1, .. }
        ));
    }

    #[test]
    fn secrets_are_refused() {
        let s = "[profiles.a]\ntenant = \"x\"\nclient_secret = \"hunter2\"\n";
        let e = Config::parse(s, "c.toml").unwrap_err();
        assert_eq!(
            e,
            ConfigError::SecretInConfig {
                path: "c.toml".into(),
                line: 3,
                key: "client_secret".into()
            }
        );
        assert!(!e.to_string().contains("hunter2"));
        assert!(Config::parse("[profiles.a]\npassword = \"x\"\n", "c").is_err());
        assert!(Config::parse("[profiles.a]\naccess_token = \"x\"\n", "c").is_err());
    }

    #[test]
    fn secret_store_is_a_setting_not_a_secret() {
        let s = "secret_store = \"file\"\n[profiles.a]\nsecret_store = \"memory\"\n";
        let c = Config::parse(s, "c.toml").unwrap();
        assert_eq!(c.secret_store.as_deref(), Some("file"));
        assert_eq!(c.profiles["a"].secret_store.as_deref(), Some("memory"));
        let e = Config::parse("[profiles.a]\nsecret_store = \"vault\"\n", "c.toml").unwrap_err();
        assert!(
            matches!(&e, ConfigError::Invalid { line: 2, why, .. } if why.contains("vault")),
            "{e}"
        );
    }

    #[test]
    fn a_missing_explicit_file_is_an_error_but_the_default_may_be_absent() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.toml");
        assert!(matches!(
            Config::load(Some(&missing)),
            Err(ConfigError::Unreadable { .. })
        ));
        let file = dir.path().join("c.toml");
        std::fs::write(&file, GOOD).unwrap();
        let (c, p) = Config::load(Some(&file)).unwrap();
        assert_eq!(p.as_deref(), Some(file.as_path()));
        assert_eq!(c.profiles.len(), 2);
        // Loading never rewrites the file.
        assert_eq!(std::fs::read_to_string(&file).unwrap(), GOOD);
    }
}
