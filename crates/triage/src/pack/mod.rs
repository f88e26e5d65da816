//! Indicator packs: the campaign's traces as data (TOML), not code.
//!
//! The embedded `packs/campaign-2024.toml` is always loaded first; user packs (`*.toml` in
//! `<config dir>/packs/`, in file-name order) extend its lists and override its settings,
//! weights, caps and thresholds. docs/triage.md describes the format.

use regex::{Regex, RegexBuilder};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The embedded default pack.
pub const CAMPAIGN_2024: &str = include_str!("../../packs/campaign-2024.toml");

/// Every indicator id a pack may weight (docs/triage.md).
pub const WEIGHT_IDS: &[&str] = &[
    "identity-protection-risk-high",
    "identity-protection-risk-medium",
    "identity-protection-risk-low",
    "risk-confirmed-compromised",
    "risk-detections",
    "campaign-fingerprint",
    "campaign-user-agent",
    "unusual-client",
    "campaign-app",
    "campaign-network",
    "hosting-network",
    "campaign-country",
    "impossible-travel",
    "mfa-registered-from-attacker-ip",
    "mfa-registered-after-risky-signin",
    "mfa-registered-recently",
    "mfa-registered-unverified",
    "phone-changed",
    "phone-changed-by-attacker",
    "rule-hides-mail",
    "rule-forwards-external",
    "rule-name-punctuation",
    "rule-keywords",
    "mailbox-forwarding-external",
    "suspicious-oauth-grant",
    "risky-oauth-grant",
    "device-registered-by-attacker",
    "role-added-by-attacker",
    "group-added-by-attacker",
    "app-credential-added-by-attacker",
    "app-consent-flagged",
    "high-value-title",
    "high-value-department",
    "high-value-role",
];

/// Evidence families, each capped (`[caps]`).
pub const CAP_IDS: &[&str] = &[
    "risk",
    "access",
    "persistence",
    "mailbox",
    "consent",
    "high-value",
];

#[derive(Debug, thiserror::Error)]
#[error("indicator pack {source_name}: {message}")]
pub struct PackError {
    /// The file (or `embedded campaign-2024`).
    pub source_name: String,
    pub message: String,
}

mod format;
mod network_names;
#[cfg(test)]
mod sources_tests;
#[cfg(test)]
mod tests;
mod user_agent;

pub use format::NetworkKind;
use format::PackFile;
pub use network_names::network_name_key;
pub use user_agent::normalize_user_agent;
use user_agent::{extend_uas, UaMatcher};

// ---- the compiled pack -------------------------------------------------------------------

/// A known network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network {
    pub name: String,
    pub kind: NetworkKind,
    /// Named in the campaign's reporting.
    pub campaign: bool,
}

#[derive(Debug, Clone)]
pub struct HideFolder {
    pub name: String,
    pub well_known: Option<String>,
    pub strong: bool,
    /// Owners file mail here on purpose (Archive).
    pub owners_file: bool,
}

/// All loaded packs, merged and compiled.
#[derive(Debug, Clone)]
pub struct Pack {
    /// Names of the packs merged in, in order.
    pub names: Vec<String>,
    pub descriptions: Vec<String>,
    campaign_uas: UaMatcher,
    unusual_clients: UaMatcher,
    first_apps: Vec<String>,
    follow_on_apps: Vec<String>,
    campaign_countries: HashSet<String>,
    networks: HashMap<u32, Network>,
    /// Every known network under each of its names, normalized (`network_name_key`).
    network_names: Vec<(String, Network)>,
    network_detections: HashSet<String>,
    strong_detections: HashSet<String>,
    pub hide_folders: Vec<HideFolder>,
    keywords: Vec<String>,
    rule_name_regex: Vec<Regex>,
    pub rule_malicious_at: u32,
    risky_scopes: HashSet<String>,
    trusted_publishers: Vec<String>,
    oauth_app_ids: HashMap<String, String>,
    oauth_app_names: Vec<String>,
    /// (lower-cased app ids, lower-cased name, source) of apps public BEC reporting names.
    bec_apps: Vec<(Vec<String>, String, String)>,
    exec_titles: Vec<Regex>,
    exec_departments: Vec<String>,
    privileged_templates: HashSet<String>,
    privileged_names: Vec<String>,
    pub mfa_after_signin: chrono::Duration,
    pub travel_kmh: f64,
    pub travel_min_km: f64,
    weights: BTreeMap<String, u32>,
    caps: BTreeMap<String, u32>,
    pub compromised_at: u32,
    pub suspicious_at: u32,
}

fn err(source_name: &str, message: impl Into<String>) -> PackError {
    PackError {
        source_name: source_name.to_string(),
        message: message.into(),
    }
}

fn ci_regex(source_name: &str, field: &str, pattern: &str) -> Result<Regex, PackError> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            err(
                source_name,
                format!("{field}: bad regular expression {pattern:?}: {e}"),
            )
        })
}

impl Pack {
    /// The embedded campaign-2024 pack alone.
    pub fn embedded() -> Self {
        // The embedded pack is part of the build and covered by a unit test, so it parses.
        Self::from_sources(&[("embedded campaign-2024", CAMPAIGN_2024)])
            .unwrap_or_else(|e| panic!("the embedded pack is invalid: {e}"))
    }

    /// The embedded pack, then every `*.toml` in `dir` (file-name order). A missing directory
    /// is no error; a bad file is, naming the file and what is wrong with it.
    pub fn load(dir: Option<&Path>) -> Result<Self, PackError> {
        let mut files: Vec<(String, String)> =
            vec![("embedded campaign-2024".into(), CAMPAIGN_2024.into())];
        if let Some(dir) = dir {
            let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
                Ok(entries) => entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                    .collect(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(err(&dir.display().to_string(), e.to_string())),
            };
            paths.sort();
            for p in paths {
                let name = p.display().to_string();
                let text = std::fs::read_to_string(&p).map_err(|e| err(&name, e.to_string()))?;
                files.push((name, text));
            }
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        Self::from_sources(&refs)
    }

    /// The default user pack directory: `<config dir>/packs`.
    pub fn user_dir() -> Option<PathBuf> {
        reclaim_core::paths::config_dir().map(|d| d.join("packs"))
    }

    /// Merge packs given as (name, TOML text), first to last.
    pub fn from_sources(sources: &[(&str, &str)]) -> Result<Self, PackError> {
        let mut pack = Pack::empty();
        for (name, text) in sources {
            let file: PackFile = toml::from_str(text).map_err(|e| err(name, e.to_string()))?;
            pack.merge(name, file)?;
        }
        for id in WEIGHT_IDS {
            if !pack.weights.contains_key(*id) {
                return Err(err(
                    sources.first().map(|s| s.0).unwrap_or("pack"),
                    format!("no weight for indicator `{id}`"),
                ));
            }
        }
        Ok(pack)
    }

    fn empty() -> Self {
        Self {
            names: Vec::new(),
            descriptions: Vec::new(),
            campaign_uas: UaMatcher::default(),
            unusual_clients: UaMatcher::default(),
            first_apps: Vec::new(),
            follow_on_apps: Vec::new(),
            campaign_countries: HashSet::new(),
            networks: HashMap::new(),
            network_names: Vec::new(),
            network_detections: HashSet::new(),
            strong_detections: HashSet::new(),
            hide_folders: Vec::new(),
            keywords: Vec::new(),
            rule_name_regex: Vec::new(),
            rule_malicious_at: 30,
            risky_scopes: HashSet::new(),
            trusted_publishers: Vec::new(),
            oauth_app_ids: HashMap::new(),
            oauth_app_names: Vec::new(),
            bec_apps: Vec::new(),
            exec_titles: Vec::new(),
            exec_departments: Vec::new(),
            privileged_templates: HashSet::new(),
            privileged_names: Vec::new(),
            mfa_after_signin: chrono::Duration::hours(72),
            travel_kmh: 1000.0,
            travel_min_km: 500.0,
            weights: BTreeMap::new(),
            caps: BTreeMap::new(),
            compromised_at: 60,
            suspicious_at: 25,
        }
    }

    fn merge(&mut self, src: &str, f: PackFile) -> Result<(), PackError> {
        self.names.push(f.name);
        self.descriptions.extend(f.description);
        extend_uas(&mut self.campaign_uas, src, "user_agents", &f.user_agents)?;
        extend_uas(
            &mut self.unusual_clients,
            src,
            "unusual_clients",
            &f.unusual_clients,
        )?;
        self.first_apps.extend(f.apps.first);
        self.follow_on_apps.extend(f.apps.follow_on);
        self.campaign_countries
            .extend(f.countries.campaign.iter().map(|c| c.trim().to_uppercase()));
        for n in f.networks {
            let net = Network {
                name: n.name.clone(),
                kind: n.kind,
                campaign: n.campaign,
            };
            for asn in &n.asns {
                self.networks.insert(*asn, net.clone());
            }
            for name in std::iter::once(&n.name).chain(&n.names) {
                let key = network_name_key(name);
                if key.is_empty() {
                    return Err(err(
                        src,
                        format!("networks: name {name:?} has no letters or digits to match"),
                    ));
                }
                // A later pack's entry for the same name replaces the earlier one.
                self.network_names.retain(|(k, _)| *k != key);
                self.network_names.push((key, net.clone()));
            }
            if n.campaign {
                self.campaign_countries
                    .extend(n.countries.iter().map(|c| c.trim().to_uppercase()));
            }
        }
        self.network_detections.extend(f.detections.network);
        self.strong_detections.extend(f.detections.strong);
        self.hide_folders
            .extend(f.rules.hide_folders.into_iter().map(|h| HideFolder {
                name: h.name,
                well_known: h.well_known.map(|w| w.to_lowercase()),
                strong: h.strong,
                owners_file: h.owners_file,
            }));
        self.keywords
            .extend(f.rules.keywords.iter().map(|k| k.to_lowercase()));
        for r in &f.rules.name_regex {
            self.rule_name_regex
                .push(ci_regex(src, "rules.name_regex", r)?);
        }
        if let Some(m) = f.rules.malicious_at {
            self.rule_malicious_at = m;
        }
        self.risky_scopes
            .extend(f.oauth.risky_scopes.iter().map(|s| s.to_lowercase()));
        self.trusted_publishers
            .extend(f.oauth.trusted_publishers.iter().map(|s| s.to_lowercase()));
        for app in f.bec_reported_apps {
            self.bec_apps.push((
                app.app_ids.iter().map(|i| i.to_lowercase()).collect(),
                app.name.to_lowercase(),
                app.source.clone(),
            ));
        }
        for app in f.oauth_apps {
            for id in &app.app_ids {
                self.oauth_app_ids
                    .insert(id.to_lowercase(), app.name.clone());
            }
            self.oauth_app_names.push(app.name.to_lowercase());
        }
        for t in &f.executive.titles {
            self.exec_titles.push(ci_regex(src, "executive.titles", t)?);
        }
        self.exec_departments
            .extend(f.executive.departments.iter().map(|d| d.to_lowercase()));
        self.privileged_templates.extend(
            f.executive
                .privileged_role_templates
                .iter()
                .map(|t| t.to_lowercase()),
        );
        self.privileged_names.extend(
            f.executive
                .privileged_role_names
                .iter()
                .map(|n| n.to_lowercase()),
        );
        let positive = |v: f64, field: &str| {
            if v.is_finite() && v > 0.0 {
                Ok(v)
            } else {
                Err(err(
                    src,
                    format!("windows.{field} must be a positive number"),
                ))
            }
        };
        if let Some(h) = f.windows.mfa_after_signin_hours {
            let h = positive(h, "mfa_after_signin_hours")?;
            self.mfa_after_signin = chrono::Duration::seconds((h * 3600.0) as i64);
        }
        if let Some(v) = f.windows.impossible_travel_kmh {
            self.travel_kmh = positive(v, "impossible_travel_kmh")?;
        }
        if let Some(v) = f.windows.impossible_travel_min_km {
            self.travel_min_km = positive(v, "impossible_travel_min_km")?;
        }
        for (k, v) in f.weights {
            if !WEIGHT_IDS.contains(&k.as_str()) {
                return Err(err(
                    src,
                    format!(
                        "weights: unknown indicator `{k}` (known: {})",
                        WEIGHT_IDS.join(", ")
                    ),
                ));
            }
            if v > 100 {
                return Err(err(src, format!("weights.{k}: {v} is over 100")));
            }
            self.weights.insert(k, v);
        }
        for (k, v) in f.caps {
            if !CAP_IDS.contains(&k.as_str()) {
                return Err(err(
                    src,
                    format!("caps: unknown family `{k}` (known: {})", CAP_IDS.join(", ")),
                ));
            }
            self.caps.insert(k, v.min(100));
        }
        if let Some(c) = f.thresholds.compromised {
            self.compromised_at = c;
        }
        if let Some(s) = f.thresholds.suspicious {
            self.suspicious_at = s;
        }
        if self.suspicious_at >= self.compromised_at || self.compromised_at > 100 {
            return Err(err(src, "thresholds: need suspicious < compromised <= 100"));
        }
        Ok(())
    }

    /// Points for an indicator id (0 for an id no pack weights).
    pub fn weight(&self, id: &str) -> u32 {
        self.weights.get(id).copied().unwrap_or(0)
    }

    /// The cap of a family (100 when none is set).
    pub fn cap(&self, family: &str) -> u32 {
        self.caps.get(family).copied().unwrap_or(100)
    }

    pub fn is_first_app(&self, app: &str) -> bool {
        self.first_apps
            .iter()
            .any(|a| a.eq_ignore_ascii_case(app.trim()))
    }

    pub fn is_campaign_app(&self, app: &str) -> bool {
        self.is_first_app(app)
            || self
                .follow_on_apps
                .iter()
                .any(|a| a.eq_ignore_ascii_case(app.trim()))
    }

    /// An app the campaign opened after the first one (My Signins, where it added its MFA
    /// methods).
    pub fn is_follow_on_app(&self, app: &str) -> bool {
        !self.is_first_app(app) && self.is_campaign_app(app)
    }

    pub fn first_apps(&self) -> &[String] {
        &self.first_apps
    }

    pub fn is_campaign_country(&self, code: &str) -> bool {
        self.campaign_countries
            .contains(&code.trim().to_uppercase())
    }

    pub fn is_network_detection(&self, event_type: &str) -> bool {
        self.network_detections.contains(event_type)
    }

    pub fn is_strong_detection(&self, event_type: &str) -> bool {
        self.strong_detections.contains(event_type) || self.is_network_detection(event_type)
    }

    /// The hiding folder a rule's target folder is, matched by well-known name or display name.
    pub fn hide_folder(&self, name: Option<&str>, well_known: Option<&str>) -> Option<&HideFolder> {
        self.hide_folders.iter().find(|h| {
            let by_wk = matches!((&h.well_known, well_known), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b));
            let by_name = name.is_some_and(|n| n.trim().eq_ignore_ascii_case(&h.name));
            by_wk || by_name
        })
    }

    /// The pack keywords found in any of the texts.
    pub fn keywords_in<'a>(&'a self, texts: &[String]) -> Vec<&'a str> {
        let lowered: Vec<String> = texts.iter().map(|t| t.to_lowercase()).collect();
        self.keywords
            .iter()
            .filter(|k| lowered.iter().any(|t| t.contains(k.as_str())))
            .map(String::as_str)
            .collect()
    }

    /// A rule name of punctuation only (the pack's `name_regex`), or carrying control
    /// characters (an escape sequence, BEL): nobody types those into Outlook's rule name.
    pub fn is_suspicious_rule_name(&self, name: &str) -> bool {
        name.chars().any(char::is_control) || self.rule_name_regex.iter().any(|r| r.is_match(name))
    }

    pub fn is_risky_scope(&self, scope: &str) -> bool {
        self.risky_scopes.contains(&scope.to_lowercase())
    }

    pub fn is_trusted_publisher(&self, publisher: &str) -> bool {
        self.trusted_publishers
            .contains(&publisher.trim().to_lowercase())
    }

    /// The campaign app a grant's client is, by app id or display name.
    /// The source naming an app in public BEC reporting (`[[bec_reported_apps]]`), by app id
    /// or exact name.
    pub fn bec_reported_app(&self, app_id: Option<&str>, name: Option<&str>) -> Option<String> {
        let id = app_id.map(str::to_lowercase);
        let name = name.map(|n| n.trim().to_lowercase());
        self.bec_apps
            .iter()
            .find(|(ids, n, _)| {
                id.as_ref().is_some_and(|i| ids.contains(i)) || name.as_ref() == Some(n)
            })
            .map(|(_, n, src)| format!("{n}: {src}"))
    }

    pub fn suspicious_oauth_app(&self, app_id: Option<&str>, name: Option<&str>) -> Option<String> {
        if let Some(n) = app_id.and_then(|id| self.oauth_app_ids.get(&id.to_lowercase())) {
            return Some(n.clone());
        }
        let name = name?.trim().to_lowercase();
        self.oauth_app_names.iter().find(|n| **n == name).cloned()
    }

    pub fn is_executive_title(&self, title: &str) -> bool {
        self.exec_titles.iter().any(|r| r.is_match(title))
    }

    pub fn is_money_department(&self, department: &str) -> bool {
        let d = department.to_lowercase();
        self.exec_departments.iter().any(|x| d.contains(x.as_str()))
    }

    pub fn is_privileged_role(&self, name: &str, template_id: Option<&str>) -> bool {
        template_id.is_some_and(|t| self.privileged_templates.contains(&t.to_lowercase()))
            || self.privileged_names.contains(&name.trim().to_lowercase())
    }
}
