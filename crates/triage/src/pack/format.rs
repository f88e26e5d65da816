//! The pack file format (TOML), as written by people: every section optional, unknown keys
//! refused.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PackFile {
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) user_agents: UaSection,
    /// Clients no employee signs in with that the campaign's reporting does not name
    /// (indicator `unusual-client`).
    #[serde(default)]
    pub(super) unusual_clients: UaSection,
    #[serde(default)]
    pub(super) apps: AppsSection,
    #[serde(default)]
    pub(super) countries: CountriesSection,
    #[serde(default)]
    pub(super) networks: Vec<NetworkEntry>,
    #[serde(default)]
    pub(super) detections: DetectionsSection,
    #[serde(default)]
    pub(super) rules: RulesSection,
    #[serde(default)]
    pub(super) oauth: OauthSection,
    #[serde(default)]
    pub(super) oauth_apps: Vec<OauthAppEntry>,
    #[serde(default)]
    pub(super) bec_reported_apps: Vec<BecAppEntry>,
    #[serde(default)]
    pub(super) executive: ExecutiveSection,
    #[serde(default)]
    pub(super) windows: WindowsSection,
    #[serde(default)]
    pub(super) weights: BTreeMap<String, u32>,
    #[serde(default)]
    pub(super) caps: BTreeMap<String, u32>,
    #[serde(default)]
    pub(super) thresholds: ThresholdsSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UaSection {
    #[serde(default)]
    pub(super) exact: Vec<String>,
    #[serde(default)]
    pub(super) contains: Vec<String>,
    #[serde(default)]
    pub(super) regex: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AppsSection {
    #[serde(default)]
    pub(super) first: Vec<String>,
    #[serde(default)]
    pub(super) follow_on: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CountriesSection {
    #[serde(default)]
    pub(super) campaign: Vec<String>,
}

/// `fixed-line`, `mobile`, `hosting` or `proxy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkKind {
    FixedLine,
    Mobile,
    Hosting,
    Proxy,
}

impl NetworkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FixedLine => "fixed-line ISP",
            Self::Mobile => "mobile network",
            Self::Hosting => "hosting provider",
            Self::Proxy => "proxy/VPN network",
        }
    }
    /// Hosting and proxy networks are where no employee signs in from.
    pub fn is_anonymizing(self) -> bool {
        matches!(self, Self::Hosting | Self::Proxy)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NetworkEntry {
    pub(super) name: String,
    pub(super) kind: NetworkKind,
    #[serde(default)]
    pub(super) campaign: bool,
    #[serde(default)]
    pub(super) asns: Vec<u32>,
    /// Other names the network goes by, matched like `name` against the names a sign-in's
    /// network data carries.
    #[serde(default)]
    pub(super) names: Vec<String>,
    #[serde(default)]
    pub(super) countries: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DetectionsSection {
    #[serde(default)]
    pub(super) network: Vec<String>,
    #[serde(default)]
    pub(super) strong: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HideFolderEntry {
    pub(super) name: String,
    #[serde(default)]
    pub(super) well_known: Option<String>,
    #[serde(default)]
    pub(super) strong: bool,
    /// Owners file mail here on purpose (Archive): a rule that only files named senders' mail
    /// here counts as a weak folder's would.
    #[serde(default)]
    pub(super) owners_file: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RulesSection {
    #[serde(default)]
    pub(super) hide_folders: Vec<HideFolderEntry>,
    #[serde(default)]
    pub(super) keywords: Vec<String>,
    #[serde(default)]
    pub(super) name_regex: Vec<String>,
    #[serde(default)]
    pub(super) malicious_at: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OauthSection {
    #[serde(default)]
    pub(super) risky_scopes: Vec<String>,
    #[serde(default)]
    pub(super) trusted_publishers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BecAppEntry {
    pub(super) name: String,
    #[serde(default)]
    pub(super) app_ids: Vec<String>,
    /// The public reporting that names the app (shown as evidence).
    pub(super) source: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct OauthAppEntry {
    pub(super) name: String,
    #[serde(default)]
    pub(super) app_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExecutiveSection {
    #[serde(default)]
    pub(super) titles: Vec<String>,
    #[serde(default)]
    pub(super) departments: Vec<String>,
    #[serde(default)]
    pub(super) privileged_role_templates: Vec<String>,
    #[serde(default)]
    pub(super) privileged_role_names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WindowsSection {
    pub(super) mfa_after_signin_hours: Option<f64>,
    pub(super) impossible_travel_kmh: Option<f64>,
    pub(super) impossible_travel_min_km: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ThresholdsSection {
    pub(super) compromised: Option<u32>,
    pub(super) suspicious: Option<u32>,
}
