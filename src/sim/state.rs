//! The simulator's shared state and configuration.

use super::model::{Tenant, Time};
use super::truth::GroundTruth;
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Duration;

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
}

pub type Shared = std::sync::Arc<SimState>;
