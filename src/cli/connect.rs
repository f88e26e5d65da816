//! `connect`: from the global options, the config file and the environment to a signed-in
//! [`GraphClient`]. Every command that talks to Graph goes through it.
//!
//! Precedence: command-line options, then the selected profile (`--profile` or the config's
//! `active_profile`), then the environment (`RECLAIM_ACCESS_TOKEN`, `RECLAIM_CLIENT_SECRET`),
//! then defaults (global cloud, device code).

use super::{AuthMethod, CliError, Exit, GlobalOpts};
use crate::config::Config;
use reclaim_core::secrets::Secret;
use reclaim_core::secrets::{SecretStore, StoreChoice};
use reclaim_graph::auth::cache::TokenCache;
use reclaim_graph::auth::certificate::CertificateCredential;
use reclaim_graph::auth::device_code::{DeviceCodePrompt, PromptHook};
use reclaim_graph::auth::{env_token, Authenticator, Credential};
use reclaim_graph::cloud::{Endpoints, NationalCloud};
use reclaim_graph::permissions::CAPABILITIES;
use reclaim_graph::{ClientOptions, GraphClient, GraphError};
use std::path::PathBuf;
use std::sync::Arc;

/// Where a client secret comes from (CONTRACT.md: never the command line).
pub const CLIENT_SECRET_VAR: &str = "RECLAIM_CLIENT_SECRET";

impl From<GraphError> for CliError {
    fn from(e: GraphError) -> Self {
        let exit = if e.is_missing_permission() {
            Exit::MissingPermission
        } else {
            Exit::Failure
        };
        CliError::new(exit, e.to_string())
    }
}

impl From<reclaim_graph::AuthError> for CliError {
    fn from(e: reclaim_graph::AuthError) -> Self {
        CliError::failure(e.to_string())
    }
}

/// What `connect` resolved, before anything is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub profile: Option<String>,
    pub tenant: String,
    pub endpoints: Endpoints,
    pub auth: AuthMethod,
    pub client_id: Option<String>,
    pub certificate: Option<PathBuf>,
    pub read_only: bool,
}

pub fn auth_name(a: AuthMethod) -> &'static str {
    match a {
        AuthMethod::DeviceCode => "device-code",
        AuthMethod::ClientSecret => "client-secret",
        AuthMethod::Certificate => "certificate",
        AuthMethod::AzCli => "az-cli",
        AuthMethod::EnvToken => "env-token",
    }
}

fn parse_auth(s: &str) -> Option<AuthMethod> {
    [
        AuthMethod::DeviceCode,
        AuthMethod::ClientSecret,
        AuthMethod::Certificate,
        AuthMethod::AzCli,
        AuthMethod::EnvToken,
    ]
    .into_iter()
    .find(|a| auth_name(*a) == s)
}

fn env_set(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.trim().is_empty())
}

/// Resolves the settings from options, config and environment (no network).
pub fn resolve(g: &GlobalOpts) -> Result<Settings, CliError> {
    let (config, path) =
        Config::load(g.config.as_deref()).map_err(|e| CliError::usage(e.to_string()))?;
    let selected = config
        .select(g.profile.as_deref(), path.as_deref())
        .map_err(|e| CliError::usage(e.to_string()))?;
    let (profile_name, p) = match selected {
        Some((n, p)) => (Some(n.to_string()), p.clone()),
        None => (None, Default::default()),
    };
    let cloud = g
        .cloud
        .map(NationalCloud::from)
        .or(p.cloud)
        .unwrap_or_default();
    let endpoints = Endpoints::resolve(
        cloud,
        g.login_url.as_deref().or(p.login_url.as_deref()),
        g.graph_url.as_deref().or(p.graph_url.as_deref()),
    )
    .map_err(|e| CliError::usage(e.to_string()))?;
    let client_id = g.client_id.clone().or(p.client_id.clone());
    let certificate = g.certificate.clone().or(p.certificate.clone());
    let auth = match g.auth.or_else(|| p.auth.as_deref().and_then(parse_auth)) {
        Some(a) => a,
        None if env_set(env_token::VAR) => AuthMethod::EnvToken,
        None if certificate.is_some() => AuthMethod::Certificate,
        None if client_id.is_some() && env_set(CLIENT_SECRET_VAR) => AuthMethod::ClientSecret,
        None => AuthMethod::DeviceCode,
    };
    let tenant = match g.tenant.clone().or(p.tenant.clone()) {
        Some(t) => t,
        // A token names its tenant; the others need one.
        None if matches!(auth, AuthMethod::EnvToken | AuthMethod::AzCli) => "organizations".to_string(),
        None => {
            return Err(CliError::usage(
                "no tenant: pass --tenant ID_OR_DOMAIN or select a profile with one (--profile, or active_profile in the config file)",
            ))
        }
    };
    if matches!(
        auth,
        AuthMethod::DeviceCode | AuthMethod::ClientSecret | AuthMethod::Certificate
    ) && client_id.is_none()
    {
        return Err(CliError::usage(format!(
            "--auth {} needs --client-id (the app registration to sign in with; see docs/authentication.md)",
            auth_name(auth)
        )));
    }
    if auth == AuthMethod::Certificate && certificate.is_none() {
        return Err(CliError::usage(
            "--auth certificate needs --certificate FILE (PEM or PFX)",
        ));
    }
    Ok(Settings {
        profile: profile_name,
        tenant,
        endpoints,
        auth,
        client_id,
        certificate,
        read_only: g.read_only || p.read_only,
    })
}

/// The delegated permissions a device-code sign-in asks for: the least-privileged set of
/// every capability (reads only under `--read-only`).
pub fn delegated_permissions(read_only: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in CAPABILITIES.iter().filter(|c| !(read_only && c.writes)) {
        for p in c.least(true) {
            if !out.iter().any(|o| o == p) {
                out.push(p.to_string());
            }
        }
    }
    out
}

/// The device-code prompt on stderr (stdout belongs to the command's output).
pub fn stderr_prompt(with_qr: bool) -> PromptHook {
    Arc::new(move |p: &DeviceCodePrompt| {
        errln!("{}", reclaim_core::sanitize::inert(&p.message));
        if with_qr {
            if let Some(qr) = p.qr_code() {
                errln!("{qr}");
            }
        }
    })
}

/// How `connect` signs in, beyond the options.
#[derive(Clone, Default)]
pub struct ConnectOptions {
    /// Where a device code is shown; `None`: cached sign-ins only (`login` runs the flow).
    pub prompt: Option<PromptHook>,
    pub client: ClientOptions,
    /// The secret store (default: [`open_store`]).
    pub store: Option<Arc<dyn SecretStore>>,
    /// For the console: `--demo` then serves the `realistic` profile (latency and the real
    /// service's limits, as a rehearsal should feel). Headless `--demo` commands get the
    /// `fast` profile and an unpaced client, so a script's `reclaim --demo triage` answers in
    /// seconds instead of minutes of reports-throttle pacing.
    pub interactive: bool,
}

/// Builds the credential for resolved settings.
pub fn credential(
    s: &Settings,
    cache: Option<&TokenCache>,
    prompt: Option<PromptHook>,
) -> Result<Credential, CliError> {
    let client_id = || s.client_id.clone().unwrap_or_default();
    Ok(match s.auth {
        AuthMethod::DeviceCode => Credential::DeviceCode {
            client_id: client_id(),
            permissions: delegated_permissions(s.read_only),
            prompt,
        },
        AuthMethod::ClientSecret => {
            let secret = match std::env::var(CLIENT_SECRET_VAR).ok().filter(|v| !v.trim().is_empty()) {
                Some(v) => Secret::new(v.trim().to_string()),
                None => cache.and_then(|c| c.client_secret().ok().flatten()).ok_or_else(|| {
                    CliError::usage(format!("--auth client-secret needs the secret in {CLIENT_SECRET_VAR} (or stored by `reclaim login`)"))
                })?,
            };
            Credential::ClientSecret {
                client_id: client_id(),
                secret,
            }
        }
        AuthMethod::Certificate => {
            let path = s.certificate.clone().unwrap_or_default();
            Credential::Certificate {
                client_id: client_id(),
                certificate: CertificateCredential::load(&path)?,
            }
        }
        AuthMethod::AzCli => Credential::AzCli,
        AuthMethod::EnvToken => {
            let var = reclaim_graph::auth::env_token::VAR;
            if std::env::var(var).map_or(true, |v| v.trim().is_empty()) {
                return Err(CliError::usage(format!(
                    "--auth env-token needs a bearer token in {var}"
                )));
            }
            Credential::EnvToken
        }
    })
}

/// Whether this run must not write: `--read-only`, or the selected profile's
/// `read_only = true`. Known before anything is sent or journaled, so `apply`, `undo` and the
/// console refuse up front the same way for both (finding 4 of #17).
pub fn read_only(g: &GlobalOpts) -> Result<bool, CliError> {
    if g.read_only {
        return Ok(true);
    }
    if g.demo {
        return Ok(false);
    }
    // Only the profile: a missing tenant or client id is for `connect` to report.
    let (config, path) =
        Config::load(g.config.as_deref()).map_err(|e| CliError::usage(e.to_string()))?;
    let selected = config
        .select(g.profile.as_deref(), path.as_deref())
        .map_err(|e| CliError::usage(e.to_string()))?;
    Ok(selected.is_some_and(|(_, p)| p.read_only))
}

/// Which secret store the command uses: `RECLAIM_SECRET_STORE` (or `RECLAIM_KEYRING=memory`),
/// else the selected profile's `secret_store`, else the config file's, else `auto`.
pub fn store_choice(g: &GlobalOpts) -> Result<StoreChoice, CliError> {
    if let Some(c) = StoreChoice::from_env().map_err(|e| CliError::usage(e.to_string()))? {
        return Ok(c);
    }
    let (config, path) =
        Config::load(g.config.as_deref()).map_err(|e| CliError::usage(e.to_string()))?;
    let profile = config
        .select(g.profile.as_deref(), path.as_deref())
        .map_err(|e| CliError::usage(e.to_string()))?
        .and_then(|(_, p)| p.secret_store.clone());
    // Config::parse checked the names.
    Ok(profile
        .or(config.secret_store)
        .as_deref()
        .and_then(StoreChoice::parse)
        .unwrap_or_default())
}

/// The stores this process opened, by choice and directory: one per process, so every part of
/// a command (sign-in, journal, console) shares one memory store and the note is shown once.
type OpenStores = Vec<((StoreChoice, Option<PathBuf>), Arc<dyn SecretStore>)>;
static OPEN_STORES: std::sync::Mutex<OpenStores> = std::sync::Mutex::new(Vec::new());

/// The secret store for the command (see [`store_choice`]), with a one-line note on stderr when
/// `auto` had to fall back from the keyring to the file store. An explicit store that cannot be
/// used (no keyring, a loosened directory) is an error, never a silent fallback to memory.
pub fn open_store(g: &GlobalOpts) -> Result<Arc<dyn SecretStore>, CliError> {
    let choice = store_choice(g)?;
    let key = (choice, reclaim_core::secrets::select::default_file_dir());
    let mut open = OPEN_STORES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, s)) = open.iter().find(|(k, _)| *k == key) {
        return Ok(s.clone());
    }
    let opened = reclaim_core::secrets::select::open(choice, None).map_err(|e| {
        CliError::failure(format!(
            "cannot use the {} secret store: {e}",
            choice.as_str()
        ))
    })?;
    if let Some(n) = &opened.notice {
        errln!("reclaim: note: {n}");
    }
    tracing::info!(store = %opened.describe(), choice = choice.as_str(), "secret store");
    open.push((key, opened.store.clone()));
    Ok(opened.store)
}

/// [`open_store`] under its older name.
pub fn default_store(g: &GlobalOpts) -> Result<Arc<dyn SecretStore>, CliError> {
    open_store(g)
}

/// Resolves, builds the authenticator and client. Nothing is sent until the first request.
pub async fn connect_with(g: &GlobalOpts, opts: ConnectOptions) -> Result<GraphClient, CliError> {
    if g.demo {
        return connect_demo(g, opts).await;
    }
    if g.licence.is_some() {
        return Err(CliError::usage(
            "--licence picks the simulated tenant's tier: use it with --demo or `reclaim sim`",
        ));
    }
    let settings = resolve(g)?;
    let store = match opts.store.clone() {
        Some(s) => s,
        None => open_store(g)?,
    };
    let cache = settings.client_id.as_deref().map(|id| {
        TokenCache::new(
            store.clone(),
            &settings.endpoints.login_url,
            &settings.tenant,
            id,
        )
    });
    let credential = credential(&settings, cache.as_ref(), opts.prompt.clone())?;
    tracing::info!(
        tenant = %reclaim_core::sanitize::inert(&settings.tenant),
        profile = %reclaim_core::sanitize::inert(settings.profile.as_deref().unwrap_or("-")),
        auth = auth_name(settings.auth),
        client_id = %reclaim_core::sanitize::inert(settings.client_id.as_deref().unwrap_or("-")),
        graph = %reclaim_core::sanitize::inert(&settings.endpoints.graph_url),
        read_only = settings.read_only,
        "connecting"
    );
    let http = reclaim_graph::http::build_http_client()?;
    let auth = Authenticator::new(
        http.clone(),
        settings.endpoints.clone(),
        settings.tenant.clone(),
        credential,
        cache,
    );
    let mut client_opts = opts.client.clone();
    client_opts.read_only |= settings.read_only;
    Ok(GraphClient::with_http(http, Arc::new(auth), client_opts))
}

/// `connect` for commands: cached sign-ins, or a device code on stderr when interactive;
/// long throttle waits are announced on stderr so a command never looks hung.
pub async fn connect(g: &GlobalOpts) -> Result<GraphClient, CliError> {
    connect_retrying(g, reclaim_graph::http::RetryPolicy::default()).await
}

/// [`connect`] with another retry budget (`whoami`'s probes: a few quick tries, so an
/// unreachable Graph is reported in seconds rather than waited out).
pub async fn connect_retrying(
    g: &GlobalOpts,
    retry: reclaim_graph::http::RetryPolicy,
) -> Result<GraphClient, CliError> {
    use reclaim_graph::{Progress, ProgressEvent};
    use std::io::IsTerminal as _;
    let interactive = std::io::stderr().is_terminal();
    let prompt = interactive.then(|| stderr_prompt(false));
    let mut client = ClientOptions {
        retry,
        ..ClientOptions::default()
    };
    if interactive {
        client.progress = Progress::with_hook(Arc::new(|e: &ProgressEvent| {
            if let ProgressEvent::ThrottleWait { scope, wait, .. } = e {
                if wait.as_secs() >= 3 {
                    errln!(
                        "reclaim: waiting {}s to stay within Graph's {scope} limit",
                        wait.as_secs()
                    );
                }
            }
        }));
    }
    connect_with(
        g,
        ConnectOptions {
            prompt,
            client,
            ..Default::default()
        },
    )
    .await
}

/// `--demo` in a build without the simulator.
#[cfg(not(feature = "sim"))]
async fn connect_demo(_: &GlobalOpts, _: ConnectOptions) -> Result<GraphClient, CliError> {
    Err(CliError::usage(
        "--demo needs the simulated tenant, and this reclaim was built without it (feature `sim`)",
    ))
}

/// `--demo`: the in-process simulator, signed in with its `full` app (or `read_only` under
/// `--read-only`). The simulator lives as long as the client.
#[cfg(feature = "sim")]
async fn connect_demo(g: &GlobalOpts, opts: ConnectOptions) -> Result<GraphClient, CliError> {
    let mut config = reclaim_sim::SimConfig::default();
    if let Some(tier) = g.licence {
        config.licence = reclaim_sim::LicenceSettings::tier(tier.into());
    }
    let mut client_opts = opts.client;
    if !opts.interactive {
        // The in-process tenant throttles nothing in `fast`, so pacing to Graph's documented
        // budgets would only wait for nothing.
        config.profile = reclaim_sim::Profile::Fast;
        client_opts.limits = reclaim_graph::throttle::Limits::none();
    }
    let sim = reclaim_sim::start(config)
        .await
        .map_err(|e| CliError::failure(format!("cannot start the demo tenant: {e}")))?;
    let app = if g.read_only {
        sim.apps.read_only.clone()
    } else {
        sim.apps.full.clone()
    };
    tracing::info!(tenant = %sim.tenant_id, graph = %sim.graph_url, read_only = g.read_only, interactive = opts.interactive, "connecting to the demo tenant");
    client_opts.read_only |= g.read_only;
    Ok(sim_app_client(&sim, &app, client_opts)?.keep_alive(Arc::new(sim)))
}

/// A client signed in to a running simulator as one of its apps (client credentials): what
/// `--demo` uses, and what tests and benchmarks use to talk to their own simulator.
#[cfg(feature = "sim")]
pub fn sim_app_client(
    sim: &reclaim_sim::SimHandle,
    app: &reclaim_sim::AppCredentials,
    opts: ClientOptions,
) -> Result<GraphClient, CliError> {
    let endpoints = Endpoints::resolve(
        NationalCloud::Global,
        Some(&sim.login_url),
        Some(&sim.graph_url),
    )
    .map_err(|e| CliError::failure(e.to_string()))?;
    let http = reclaim_graph::http::build_http_client()?;
    let credential = Credential::ClientSecret {
        client_id: app.client_id.clone(),
        secret: Secret::new(app.client_secret.clone()),
    };
    let auth = Authenticator::new(
        http.clone(),
        endpoints,
        sim.tenant_id.clone(),
        credential,
        None,
    );
    Ok(GraphClient::with_http(http, Arc::new(auth), opts))
}
