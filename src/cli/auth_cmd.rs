//! `reclaim login`, `logout` and `whoami` (CONTRACT.md).

use super::connect::{self, auth_name, resolve, ConnectOptions};
use super::local_setup::LocalSetup;
use super::output;
use super::{AuthMethod, CliError, CliResult, Exit, GlobalOpts, WhoamiArgs};
use reclaim_core::sanitize::inert;
use reclaim_core::secrets::Secret;
use reclaim_graph::auth::cache::TokenCache;
use reclaim_graph::auth::claims::TokenClaims;
use reclaim_graph::permissions::{preflight, Readiness};
use reclaim_graph::GraphClient;
use serde::Serialize;

/// What `whoami` reports.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WhoamiReport {
    pub tenant_id: Option<String>,
    pub cloud: String,
    pub graph_url: String,
    pub login_url: String,
    pub auth: String,
    /// `user` (delegated) or `application`.
    pub principal_type: String,
    pub principal: String,
    pub client_id: Option<String>,
    /// Granted permissions from the token (`scp` or `roles`).
    pub permissions: Vec<String>,
    /// False for an opaque (non-JWT) token: `permissions` is then empty because nothing could
    /// be read, and every capability is `unknown`.
    pub permissions_known: bool,
    /// Directory role template ids of the principal (`wids`).
    pub directory_roles: Vec<String>,
    pub read_only: bool,
    pub token_expires: Option<String>,
    pub capabilities: Vec<CapabilityStatus>,
    /// The tenant's licence tier and what told it (filled in by `whoami`).
    pub licence: Option<super::whoami_sources::LicenceReport>,
    /// Each source triage and containment read: readable, or why not (filled in by `whoami`).
    pub sources: Vec<super::whoami_sources::SourceStatus>,
    /// Where this machine keeps secrets, state and the log (filled in by `whoami`).
    #[serde(flatten)]
    pub local: LocalSetup,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CapabilityStatus {
    pub name: String,
    pub summary: String,
    pub writes: bool,
    #[serde(flatten)]
    pub readiness: Readiness,
}

/// Builds the report from a client's current token.
pub async fn whoami_report(client: &GraphClient) -> Result<WhoamiReport, CliError> {
    let token = client.authenticator().token().await?;
    let permissions_known = token.claims.is_some();
    let claims = token.claims.clone().unwrap_or_default();
    let auth = client.authenticator();
    let e = client.endpoints();
    let readiness = if permissions_known {
        preflight(&claims)
    } else {
        reclaim_graph::permissions::preflight_unknown()
    };
    let capabilities = readiness
        .into_iter()
        .filter(|(c, _)| !(client.is_read_only() && c.writes))
        .map(|(c, r)| CapabilityStatus {
            name: c.name.into(),
            summary: c.summary.into(),
            writes: c.writes,
            readiness: r,
        })
        .collect();
    Ok(WhoamiReport {
        tenant_id: claims
            .tid
            .clone()
            .or_else(|| Some(auth.tenant().to_string())),
        cloud: e.cloud.as_str().into(),
        graph_url: e.graph_url.clone(),
        login_url: e.login_url.clone(),
        auth: auth.credential().name().into(),
        principal_type: if !permissions_known {
            "unknown"
        } else if claims.is_delegated() {
            "user"
        } else {
            "application"
        }
        .into(),
        principal: claims.principal(),
        client_id: claims
            .app_id()
            .map(str::to_string)
            .or_else(|| auth.credential().client_id().map(str::to_string)),
        permissions: claims.permissions(),
        permissions_known,
        directory_roles: claims.wids.clone(),
        read_only: client.is_read_only(),
        token_expires: claims_expiry(&claims),
        capabilities,
        licence: None,
        sources: Vec::new(),
        local: LocalSetup::default(),
    })
}

fn claims_expiry(c: &TokenClaims) -> Option<String> {
    let exp = c.exp?;
    chrono::DateTime::from_timestamp(exp, 0).map(|t| t.to_rfc3339())
}

/// The report as text (tenant strings made inert).
pub fn render_text(r: &WhoamiReport) -> String {
    let mut out = String::new();
    let line = |out: &mut String, k: &str, v: &str| out.push_str(&format!("{k:<14}{}\n", inert(v)));
    line(&mut out, "tenant", r.tenant_id.as_deref().unwrap_or("-"));
    line(
        &mut out,
        "cloud",
        &format!("{} (graph {}, login {})", r.cloud, r.graph_url, r.login_url),
    );
    line(
        &mut out,
        "principal",
        &format!("{} ({})", r.principal, r.principal_type),
    );
    line(&mut out, "client id", r.client_id.as_deref().unwrap_or("-"));
    line(&mut out, "auth", &r.auth);
    if let Some(e) = &r.token_expires {
        line(&mut out, "token expires", e);
    }
    if r.read_only {
        line(
            &mut out,
            "mode",
            "read-only: no mutating request is ever sent",
        );
    }
    line(
        &mut out,
        "permissions",
        &if !r.permissions_known {
            "unknown (the token is not a JWT)".to_string()
        } else if r.permissions.is_empty() {
            "none".to_string()
        } else {
            r.permissions.join(" ")
        },
    );
    if !r.local.secret_store.is_empty() {
        out.push_str(&r.local.lines(14));
    }
    if let Some(l) = &r.licence {
        let basis = if l.basis.is_empty() {
            String::new()
        } else {
            format!(" (from {})", l.basis.join(" and "))
        };
        line(&mut out, "licence", &format!("{}{basis}", l.description));
    }
    if !r.sources.is_empty() {
        out.push_str("sources\n");
        for s in &r.sources {
            let state = if s.readable { "ok" } else { "NO" };
            let why = match &s.reason {
                Some(reason) => format!("{} ({reason})", s.explanation),
                None => s.explanation.clone(),
            };
            out.push_str(&format!("  {state:<8} {:<24} {}\n", s.source, inert(&why)));
        }
    }
    out.push_str("capabilities\n");
    for c in &r.capabilities {
        let (status, detail) = match &c.readiness {
            Readiness::Ready { via } => ("ready", format!("via {}", via.join(" + "))),
            Readiness::Missing { missing } => ("MISSING", format!("needs {}", missing.join(" + "))),
            Readiness::Unsupported { reason } => ("n/a", reason.clone()),
            Readiness::Unknown { reason } => ("unknown", reason.clone()),
        };
        out.push_str(&format!("  {status:<8} {:<24} {detail}\n", c.name));
    }
    out
}

/// `reclaim whoami [--json]`.
pub async fn whoami(g: &GlobalOpts, args: &WhoamiArgs) -> CliResult {
    // Throttling is waited out as ever; a failing or unreachable Graph is reported after two
    // tries per probe, not minutes of backoff.
    let retry = reclaim_graph::http::RetryPolicy {
        max_failures: 2,
        ..Default::default()
    };
    let client = connect::connect_retrying(g, retry).await?;
    let mut report = whoami_report(&client).await?;
    report.local = LocalSetup::for_options(g, true);
    let claims = client.claims().await.ok().flatten();
    let (sources, licence) = super::whoami_sources::probe(&client, claims.as_ref()).await;
    report.sources = sources;
    report.licence = Some(licence);
    if args.json {
        let json =
            serde_json::to_string_pretty(&report).map_err(|e| CliError::failure(e.to_string()))?;
        output::json(&(json + "\n"))?;
    } else {
        output::text(&render_text(&report))?;
    }
    Ok(Exit::Success)
}

fn cache_for(
    g: &GlobalOpts,
    store: std::sync::Arc<dyn reclaim_core::secrets::SecretStore>,
) -> Result<Option<TokenCache>, CliError> {
    let s = resolve(g)?;
    Ok(s.client_id
        .as_deref()
        .map(|id| TokenCache::new(store, &s.endpoints.login_url, &s.tenant, id)))
}

/// `reclaim login`: signs in now and keeps what lets later commands run without asking.
pub async fn login(g: &GlobalOpts) -> CliResult {
    if g.demo {
        return Err(CliError::usage(
            "--demo signs in by itself; `login` is for real tenants",
        ));
    }
    let settings = resolve(g)?;
    let store = connect::open_store(g)?;
    let opts = ConnectOptions {
        prompt: Some(connect::stderr_prompt(true)),
        store: Some(store.clone()),
        ..Default::default()
    };
    let client = connect::connect_with(g, opts).await?;
    let token = client.authenticator().sign_in().await?;
    if settings.auth == AuthMethod::ClientSecret {
        // Keep the secret in the keyring so later runs need no environment variable.
        if let (Some(cache), Ok(v)) = (
            cache_for(g, store.clone())?,
            std::env::var(connect::CLIENT_SECRET_VAR),
        ) {
            if !v.trim().is_empty() {
                cache.set_client_secret(&Secret::new(v.trim().to_string()))?;
            }
        }
    }
    let claims = token.claims.unwrap_or_default();
    let kept = match (settings.auth, store.kind()) {
        (AuthMethod::DeviceCode | AuthMethod::ClientSecret, "keyring") => {
            "kept in the OS keyring".to_string()
        }
        (AuthMethod::DeviceCode | AuthMethod::ClientSecret, "file") => format!(
            "kept in reclaim's private file store ({})",
            store
                .location()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ),
        (AuthMethod::DeviceCode | AuthMethod::ClientSecret, _) => {
            "kept in memory only: it is forgotten when reclaim exits".to_string()
        }
        _ => "nothing to keep for this method".to_string(),
    };
    errln!(
        "Signed in as {} to tenant {} with {}; {kept}.",
        inert(&claims.principal()),
        inert(claims.tid.as_deref().unwrap_or(&settings.tenant)),
        auth_name(settings.auth)
    );
    Ok(Exit::Success)
}

/// `reclaim logout`: forgets the cached sign-in for the tenant and app.
pub async fn logout(g: &GlobalOpts) -> CliResult {
    let store = connect::open_store(g)?;
    match cache_for(g, store)? {
        Some(cache) => {
            cache.clear()?;
            errln!("Signed out: the cached sign-in for this tenant and app is forgotten.");
        }
        None => errln!("Nothing cached for this method."),
    }
    Ok(Exit::Success)
}
