//! Starting the simulator and driving it from tests, the demo and `reclaim sim`.

use super::apps;
use super::auth::{self, jwt};
use super::error::SimError;
use super::knobs::Knobs;
use super::model::{AppRegistration, Tenant};
use super::server;
use super::state::{
    lock, read_lock, write_lock, Profile, RequestLogEntry, Scenario, Shared, SimApps, SimConfig,
    SimState,
};
use super::truth::GroundTruth;
use rand::SeedableRng;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// A running simulator. Dropping it stops the server.
pub struct SimHandle {
    /// Graph root without version, e.g. `http://127.0.0.1:41234`.
    pub graph_url: String,
    /// Identity platform root (the same server).
    pub login_url: String,
    pub tenant_id: String,
    /// The built-in apps' credentials.
    pub apps: SimApps,
    state: Shared,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Generates the configured scenario and serves it.
pub async fn start(cfg: SimConfig) -> Result<SimHandle, SimError> {
    let now = cfg.now.unwrap_or_else(chrono::Utc::now);
    let scenario = super::scenario::generate(&cfg.scenario, cfg.users, cfg.seed, now)
        .map_err(SimError::Scenario)?;
    start_with(cfg, scenario).await
}

/// Serves a given scenario: registers the built-in apps, binds `cfg.listen` (loopback only)
/// and serves in a spawned task.
pub async fn start_with(cfg: SimConfig, scenario: Scenario) -> Result<SimHandle, SimError> {
    if !cfg.listen.ip().is_loopback() {
        return Err(SimError::NotLoopback(cfg.listen));
    }
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .map_err(|source| SimError::Bind {
            addr: cfg.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SimError::Bind {
        addr: cfg.listen,
        source,
    })?;
    let base_url = format!("http://{addr}");
    // Make the token signing key (RSA key generation) off the async worker threads.
    let _ = tokio::task::spawn_blocking(|| {
        jwt::signing_key();
    })
    .await;

    let Scenario { mut tenant, truth } = scenario;
    if tenant.id.is_empty() {
        tenant.id = super::ids::det_guid(cfg.seed, "tenant");
    }
    let apps = apps::install_builtin(&mut tenant, cfg.seed);
    let tenant_id = tenant.id.clone();
    let tenant_size = live_users(&tenant);
    let knobs = cfg.effective_knobs();
    let seed = cfg.seed;
    let licence = cfg.licence;
    let state: Shared = Arc::new(SimState {
        config: cfg,
        tenant_id: tenant_id.clone(),
        tenant: std::sync::RwLock::new(tenant),
        truth,
        log: std::sync::Mutex::new(Vec::new()),
        base_url: base_url.clone(),
        knobs: std::sync::RwLock::new(knobs),
        apps: apps.clone(),
        auth: auth::AuthState::default(),
        throttle: Default::default(),
        tenant_size: tenant_size.into(),
        rng: std::sync::Mutex::new(rand_chacha::ChaCha8Rng::seed_from_u64(seed)),
        licence: std::sync::RwLock::new(licence),
        licence_requests: Default::default(),
    });
    let app = server::app(state.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serving = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = serving.await {
            tracing::warn!("simulator stopped: {e}");
        }
    });
    Ok(SimHandle {
        graph_url: base_url.clone(),
        login_url: base_url,
        tenant_id,
        apps,
        state,
        stop: Some(stop),
        task: Some(task),
    })
}

fn live_users(tenant: &Tenant) -> usize {
    tenant.users.iter().filter(|u| !u.deleted).count()
}

impl SimHandle {
    /// The shared state (for tests that need more than the conveniences below).
    pub fn state(&self) -> Shared {
        self.state.clone()
    }

    /// Every request served so far, oldest first.
    pub fn request_log(&self) -> Vec<RequestLogEntry> {
        lock(&self.state.log).clone()
    }

    pub fn clear_request_log(&self) {
        lock(&self.state.log).clear();
    }

    /// What really happened in the scenario (tests only; never served).
    pub fn ground_truth(&self) -> GroundTruth {
        self.state.truth.clone()
    }

    pub fn with_tenant<R>(&self, f: impl FnOnce(&Tenant) -> R) -> R {
        f(&read_lock(&self.state.tenant))
    }

    pub fn with_tenant_mut<R>(&self, f: impl FnOnce(&mut Tenant) -> R) -> R {
        let mut tenant = write_lock(&self.state.tenant);
        let out = f(&mut tenant);
        self.state
            .tenant_size
            .store(live_users(&tenant), Ordering::Relaxed);
        out
    }

    /// Approves a pending device-code sign-in as the given user (UPN or object id), signing in
    /// with a password.
    pub fn approve_device_code(&self, user_code: &str, upn_or_id: &str) -> bool {
        auth::device::approve(&self.state, user_code, upn_or_id, true)
    }

    /// Approves as [`SimHandle::approve_device_code`], signing in without a password (FIDO2,
    /// phone sign-in): the refresh token survives an admin password reset.
    pub fn approve_device_code_passwordless(&self, user_code: &str, upn_or_id: &str) -> bool {
        auth::device::approve(&self.state, user_code, upn_or_id, false)
    }

    pub fn decline_device_code(&self, user_code: &str) -> bool {
        auth::device::decline(&self.state, user_code)
    }

    /// Adds (or replaces) an app registration the token endpoint accepts.
    pub fn register_app(&self, app: AppRegistration) {
        let seed = self.state.config.seed;
        self.with_tenant_mut(|t| apps::install(t, seed, app));
    }

    /// Switches latency, limits and faults to a profile's.
    pub fn set_profile(&self, profile: Profile) {
        self.set_knobs(Knobs::for_profile(profile));
    }

    /// Switches the licence tier and the intermittent licence 403 at runtime.
    pub fn set_licence(&self, settings: crate::licence::LicenceSettings) {
        *crate::state::write_lock(&self.state.licence) = settings;
    }

    pub fn set_knobs(&self, knobs: Knobs) {
        *write_lock(&self.state.knobs) = knobs;
    }

    /// An app-only token for a registered app, with its application permissions.
    pub fn mint_app_token(&self, client_id: &str) -> String {
        let app = auth::find_app(&self.state, client_id).unwrap_or_default();
        jwt::mint(&jwt::TokenSpec {
            tenant_id: self.tenant_id.clone(),
            app_id: client_id.to_string(),
            app_display_name: Some(app.display_name),
            service_principal_id: auth::service_principal_id(&self.state, client_id),
            roles: app.application_permissions,
            wids: app.directory_role_templates,
            lifetime: self.state.config.access_token_lifetime,
            ..Default::default()
        })
    }

    /// A delegated token for a user (object id or UPN) with exactly `scopes`, and the user's
    /// directory roles in `wids`.
    pub fn mint_delegated_token(&self, user_id: &str, client_id: &str, scopes: &[&str]) -> String {
        let (user, wids) = self.with_tenant(|t| {
            let user = auth::find_user(t, user_id)
                .cloned()
                .unwrap_or_else(|| super::fixture::user(user_id, user_id, user_id, None));
            let wids = auth::role_templates_of(t, &user.id);
            (user, wids)
        });
        jwt::mint(&jwt::TokenSpec {
            tenant_id: self.tenant_id.clone(),
            app_id: client_id.to_string(),
            service_principal_id: auth::service_principal_id(&self.state, client_id),
            user: Some(jwt::TokenUser {
                id: user.id.to_string(),
                upn: user.user_principal_name.to_string(),
                display_name: user.display_name.to_string(),
            }),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            wids,
            lifetime: self.state.config.access_token_lifetime,
            ..Default::default()
        })
    }

    /// A token exactly as specified (expired ones, other tenants, odd permission sets).
    pub fn mint_token(&self, spec: &jwt::TokenSpec) -> String {
        jwt::mint(spec)
    }

    /// Stops serving and waits (briefly) for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
