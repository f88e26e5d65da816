//! National clouds: which identity platform and Graph hosts a tenant lives behind, with the
//! `--login-url` / `--graph-url` overrides (the simulator, proxies).

use serde::{Deserialize, Serialize};

/// A Microsoft national cloud (REFERENCE §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NationalCloud {
    #[default]
    Global,
    /// US Government L4 (GCC High).
    Usgov,
    /// US Government L5 (DoD).
    UsgovDod,
    /// China, operated by 21Vianet.
    China,
}

impl NationalCloud {
    pub fn login_url(self) -> &'static str {
        match self {
            NationalCloud::Global => "https://login.microsoftonline.com",
            NationalCloud::Usgov | NationalCloud::UsgovDod => "https://login.microsoftonline.us",
            NationalCloud::China => "https://login.chinacloudapi.cn",
        }
    }

    pub fn graph_url(self) -> &'static str {
        match self {
            NationalCloud::Global => "https://graph.microsoft.com",
            NationalCloud::Usgov => "https://graph.microsoft.us",
            NationalCloud::UsgovDod => "https://dod-graph.microsoft.us",
            NationalCloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The name used on the command line and in the config file.
    pub fn as_str(self) -> &'static str {
        match self {
            NationalCloud::Global => "global",
            NationalCloud::Usgov => "usgov",
            NationalCloud::UsgovDod => "usgov-dod",
            NationalCloud::China => "china",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Global, Self::Usgov, Self::UsgovDod, Self::China]
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
}

/// The two roots every request is built from, without trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    pub cloud: NationalCloud,
    /// Identity platform root, e.g. `https://login.microsoftonline.com`.
    pub login_url: String,
    /// Graph root without version, e.g. `https://graph.microsoft.com`.
    pub graph_url: String,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{what} {url:?} is not a usable URL: {why}")]
pub struct EndpointError {
    pub what: &'static str,
    pub url: String,
    pub why: String,
}

impl Endpoints {
    pub fn for_cloud(cloud: NationalCloud) -> Self {
        Self {
            cloud,
            login_url: cloud.login_url().to_string(),
            graph_url: cloud.graph_url().to_string(),
        }
    }

    /// The cloud's hosts, with either root overridden. Overrides must be http(s) URLs; a
    /// trailing slash or version suffix (`/v1.0`) is dropped, the client adds versions itself.
    pub fn resolve(
        cloud: NationalCloud,
        login_override: Option<&str>,
        graph_override: Option<&str>,
    ) -> Result<Self, EndpointError> {
        let mut e = Self::for_cloud(cloud);
        if let Some(u) = login_override {
            e.login_url = normalize("--login-url", u)?;
        }
        if let Some(u) = graph_override {
            let mut g = normalize("--graph-url", u)?;
            for suffix in ["/v1.0", "/beta"] {
                if let Some(stripped) = g.strip_suffix(suffix) {
                    g = stripped.to_string();
                }
            }
            e.graph_url = g;
        }
        Ok(e)
    }

    /// `{login}/{tenant}/oauth2/v2.0/token`.
    pub fn token_url(&self, tenant: &str) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.login_url, tenant)
    }

    /// `{login}/{tenant}/oauth2/v2.0/devicecode`.
    pub fn device_code_url(&self, tenant: &str) -> String {
        format!("{}/{}/oauth2/v2.0/devicecode", self.login_url, tenant)
    }

    /// The resource tokens are issued for: the cloud's Graph, even when `--graph-url` sends
    /// the requests elsewhere (a proxy, the simulator), since the token is for Graph.
    pub fn graph_resource(&self) -> &str {
        self.cloud.graph_url()
    }

    /// App-only scope: `https://{graph}/.default`.
    pub fn default_scope(&self) -> String {
        format!("{}/.default", self.graph_resource())
    }

    /// Delegated scopes: each permission as `https://{graph}/<Perm>`, plus `offline_access`
    /// for a refresh token.
    pub fn delegated_scopes<'a>(&self, permissions: impl IntoIterator<Item = &'a str>) -> String {
        let mut scopes: Vec<String> = permissions
            .into_iter()
            .map(|p| format!("{}/{}", self.graph_resource(), p))
            .collect();
        scopes.push("offline_access".into());
        scopes.join(" ")
    }

    /// An absolute Graph URL for a version-relative path (`/users?$top=5`).
    pub fn graph(&self, version: ApiVersion, path: &str) -> String {
        let sep = if path.starts_with('/') { "" } else { "/" };
        format!("{}/{}{}{}", self.graph_url, version.as_str(), sep, path)
    }
}

/// Graph API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiVersion {
    V1,
    Beta,
}

impl ApiVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }
}

fn normalize(what: &'static str, raw: &str) -> Result<String, EndpointError> {
    let err = |why: &str| EndpointError {
        what,
        url: raw.to_string(),
        why: why.to_string(),
    };
    let parsed = url::Url::parse(raw.trim()).map_err(|e| err(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(err("only http and https are supported"));
    }
    if parsed.host_str().is_none() {
        return Err(err("it has no host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(err("it must not carry a query or fragment"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cloud_maps_to_its_documented_hosts() {
        let cases = [
            (
                NationalCloud::Global,
                "https://login.microsoftonline.com",
                "https://graph.microsoft.com",
            ),
            (
                NationalCloud::Usgov,
                "https://login.microsoftonline.us",
                "https://graph.microsoft.us",
            ),
            (
                NationalCloud::UsgovDod,
                "https://login.microsoftonline.us",
                "https://dod-graph.microsoft.us",
            ),
            (
                NationalCloud::China,
                "https://login.chinacloudapi.cn",
                "https://microsoftgraph.chinacloudapi.cn",
            ),
        ];
        for (cloud, login, graph) in cases {
            let e = Endpoints::for_cloud(cloud);
            assert_eq!(e.login_url, login);
            assert_eq!(e.graph_url, graph);
            assert_eq!(
                e.token_url("contoso.com"),
                format!("{login}/contoso.com/oauth2/v2.0/token")
            );
            assert_eq!(e.default_scope(), format!("{graph}/.default"));
            assert_eq!(NationalCloud::parse(cloud.as_str()), Some(cloud));
        }
    }

    #[test]
    fn overrides_replace_hosts_and_drop_slashes_and_versions() {
        let e = Endpoints::resolve(
            NationalCloud::China,
            Some("http://127.0.0.1:8080/"),
            Some("http://127.0.0.1:8081/v1.0/"),
        )
        .unwrap();
        assert_eq!(e.login_url, "http://127.0.0.1:8080");
        assert_eq!(e.graph_url, "http://127.0.0.1:8081");
        assert_eq!(
            e.graph(ApiVersion::Beta, "/riskyUsers"),
            "http://127.0.0.1:8081/beta/riskyUsers"
        );
        assert_eq!(
            e.device_code_url("t"),
            "http://127.0.0.1:8080/t/oauth2/v2.0/devicecode"
        );
        assert_eq!(
            e.delegated_scopes(["User.Read.All"]),
            "https://microsoftgraph.chinacloudapi.cn/User.Read.All offline_access"
        );
        assert_eq!(
            e.default_scope(),
            "https://microsoftgraph.chinacloudapi.cn/.default"
        );
    }

    #[test]
    fn bad_overrides_are_refused_with_the_option_named() {
        let err = Endpoints::resolve(NationalCloud::Global, Some("ftp://x"), None).unwrap_err();
        assert_eq!(err.what, "--login-url");
        assert!(Endpoints::resolve(NationalCloud::Global, None, Some("not a url")).is_err());
        assert!(Endpoints::resolve(NationalCloud::Global, None, Some("https://g/?a=1")).is_err());
    }
}
