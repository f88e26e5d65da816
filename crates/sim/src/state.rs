//! The simulator's shared state and configuration.

use super::auth::AuthState;
use super::knobs::Knobs;
use super::model::{Tenant, Time};
use super::throttle::Throttle;
use super::truth::GroundTruth;
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Duration;

/// The Graph version a request was addressed to; handlers get it as a request extension
/// (`Extension<ApiVersion>`) so they can leave out beta-only properties on v1.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ApiVersion {
    V1,
    Beta,
}

impl ApiVersion {
    /// The path segment: `v1.0` or `beta`.
    pub fn segment(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1.0",
            ApiVersion::Beta => "beta",
        }
    }
}

/// Behaviour profile (CONTRACT: `reclaim sim --profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// No latency, no throttling, no faults: unit and integration tests.
    Fast,
    /// Latency 40-150 ms and every documented limit (default).
    #[default]
    Realistic,
    /// Realistic plus random 429/503/504, connection resets, slow bodies, early token expiry.
    Hostile,
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fast" => Ok(Profile::Fast),
            "realistic" => Ok(Profile::Realistic),
            "hostile" => Ok(Profile::Hostile),
            other => Err(format!(
                "unknown simulator profile `{other}` (expected fast, realistic or hostile)"
            )),
        }
    }
}

/// How device-code sign-ins get approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceCodeApproval {
    /// Approved automatically (as the demo user) once this much time has passed.
    After(Duration),
    /// Only by [`super::SimHandle::approve_device_code`] / `decline_device_code`.
    Manual,
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub listen: SocketAddr,
    /// Scenario name; `campaign-2024` is the default and, so far, the only one.
    pub scenario: String,
    pub users: usize,
    pub seed: u64,
    pub profile: Profile,
    /// The instant the scenario is generated for; `None` = the wall clock at start.
    pub now: Option<Time>,
    pub device_code_approval: DeviceCodeApproval,
    /// Access token lifetime (real service: 60-90 min).
    pub access_token_lifetime: Duration,
    /// Latency, limits and faults; `None` = what `profile` implies.
    pub knobs: Option<Knobs>,
    /// The polling interval device-code clients are told to keep (real service: 5 s). Shorter
    /// than a second is reported as 1 but enforced as configured, so tests stay quick.
    pub device_code_interval: Duration,
    /// How long a device code stays usable (real service: 900 s).
    pub device_code_lifetime: Duration,
    /// Refresh token lifetime (real service: 90 days).
    pub refresh_token_lifetime: Duration,
    /// How long after `signInSessionsValidFromDateTime` moves the token endpoint starts
    /// refusing older refresh tokens (the real revocation "may lag minutes").
    pub revocation_lag: Duration,
    /// The request log keeps at most this many entries (the oldest are dropped).
    pub request_log_cap: usize,
    /// The licence tier and the intermittent licence 403 (see [`crate::licence`]).
    pub licence: crate::licence::LicenceSettings,
}

impl SimConfig {
    /// The knobs in force: the explicit ones, or the profile's.
    pub fn effective_knobs(&self) -> Knobs {
        self.knobs
            .clone()
            .unwrap_or_else(|| Knobs::for_profile(self.profile))
    }

    /// The default configuration with `profile` and its knobs.
    pub fn with_profile(profile: Profile) -> Self {
        Self {
            profile,
            ..Self::default()
        }
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            scenario: "campaign-2024".into(),
            users: 2000,
            seed: 2024,
            profile: Profile::Realistic,
            now: None,
            device_code_approval: DeviceCodeApproval::After(Duration::from_secs(3)),
            access_token_lifetime: Duration::from_secs(75 * 60),
            knobs: None,
            device_code_interval: Duration::from_secs(5),
            device_code_lifetime: Duration::from_secs(900),
            refresh_token_lifetime: Duration::from_secs(90 * 24 * 3600),
            revocation_lag: Duration::ZERO,
            request_log_cap: 200_000,
            licence: crate::licence::LicenceSettings::default(),
        }
    }
}

/// One served request, as tests read it: "no mutating request was sent" must be provable.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RequestLogEntry {
    pub time: Time,
    pub method: String,
    /// Path and query as received (e.g. `/v1.0/users?$top=5`); batch items appear with their
    /// relative URL prefixed by the batch's version.
    pub path: String,
    pub status: u16,
    /// The caller's app (client) id, when a valid token was presented.
    pub app_id: Option<String>,
    /// The signed-in user for delegated tokens.
    pub user_id: Option<String>,
    /// Served as an item of a `$batch`.
    pub in_batch: bool,
}

impl RequestLogEntry {
    /// Everything but GET/HEAD changes or may change state, except token and batch envelopes
    /// (their items are logged on their own).
    pub fn is_mutating(&self) -> bool {
        let graph = self.path.starts_with("/v1.0/") || self.path.starts_with("/beta/");
        let batch_envelope = self.path.ends_with("/$batch");
        graph && !batch_envelope && !matches!(self.method.as_str(), "GET" | "HEAD")
    }
}

/// Credentials the simulator prints for its built-in apps.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AppCredentials {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SimApps {
    /// Every permission reclaim uses.
    pub full: AppCredentials,
    /// Read permissions only.
    pub read_only: AppCredentials,
}

/// Keep the ground truth next to the tenant but out of every Graph endpoint.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    pub tenant: Tenant,
    pub truth: GroundTruth,
}

/// The live simulator, shared by every handler (`Arc<SimState>`).
///
/// `tenant` is a std RwLock: handlers hold it briefly and never across an await.
pub struct SimState {
    pub config: SimConfig,
    pub tenant_id: String,
    pub tenant: std::sync::RwLock<Tenant>,
    pub truth: GroundTruth,
    pub log: std::sync::Mutex<Vec<RequestLogEntry>>,
    /// `http://127.0.0.1:PORT`: the Graph root and the identity platform root (no version).
    pub base_url: String,
    /// Latency, limits and faults in force (switchable at runtime).
    pub knobs: std::sync::RwLock<Knobs>,
    /// The built-in apps' credentials.
    pub apps: SimApps,
    /// Token endpoint state: device codes, refresh tokens, used assertion ids, signing key.
    pub auth: AuthState,
    /// Throttling counters.
    pub throttle: Throttle,
    /// Live users in the tenant (picks the resource-unit budget), counted at start.
    pub tenant_size: std::sync::atomic::AtomicUsize,
    /// The simulator's randomness (latency, faults, batch reply order), seeded from the config.
    pub rng: std::sync::Mutex<rand_chacha::ChaCha8Rng>,
    /// The licence tier in force (switchable at runtime).
    pub licence: std::sync::RwLock<crate::licence::LicenceSettings>,
    /// Requests to premium APIs so far (the intermittent licence 403 counts them).
    pub licence_requests: std::sync::atomic::AtomicU64,
}

impl SimState {
    /// The knobs in force now.
    pub fn knobs(&self) -> Knobs {
        read_lock(&self.knobs).clone()
    }

    /// Appends to the request log, dropping the oldest entries beyond the cap.
    pub fn record(&self, entry: RequestLogEntry) {
        let cap = self.config.request_log_cap.max(1);
        let mut log = lock(&self.log);
        if log.len() >= cap {
            // Drop a tenth at once so a full log costs one move per many requests.
            let excess = (log.len() + 1 - cap + cap / 10).min(log.len());
            log.drain(..excess);
        }
        log.push(entry);
    }

    /// A uniform draw in `[0, 1)` from the simulator's generator.
    pub fn chance(&self) -> f64 {
        use rand::Rng;
        lock(&self.rng).gen::<f64>()
    }
}

/// Locks a mutex, recovering the data if a panicking handler poisoned it: the simulator's
/// state stays usable (every write is a complete assignment, so no invariant spans a panic).
pub fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Read-locks an RwLock, recovering from poisoning (see [`lock`]).
pub fn read_lock<T>(l: &std::sync::RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|e| e.into_inner())
}

/// Write-locks an RwLock, recovering from poisoning (see [`lock`]).
pub fn write_lock<T>(l: &std::sync::RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|e| e.into_inner())
}

pub type Shared = std::sync::Arc<SimState>;
