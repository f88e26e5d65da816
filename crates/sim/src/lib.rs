//! The simulated tenant: a Microsoft Graph and identity platform service on loopback.
//!
//! See docs/simulator.md. Public surface used by the CLI (`reclaim sim`, `--demo`), tests and
//! benchmarks: [`SimConfig`], [`start`], [`start_with`], [`SimHandle`].

pub mod apps;
pub mod audit_log;
pub mod auth;
pub mod batch;
pub mod caller;
pub mod error;
pub mod faults;
pub mod fixture;
pub mod graph;
pub mod handle;
pub mod ids;
pub mod knobs;
pub mod licence;
pub mod mail_folders;
pub mod middleware;
pub mod model;
pub mod odata;
pub mod organization;
pub mod scenario;
pub mod server;
pub mod short_text;
pub mod state;
pub mod subscribed_skus;
pub mod throttle;
pub mod truth;

pub use caller::Caller;
pub use error::{GraphError, SimError};
pub use handle::{start, start_with, SimHandle};
pub use knobs::{FaultRates, Knobs, Limits, RateLimit, ResourceUnitBudget};
pub use licence::{Licence, LicenceSettings};
pub use state::{
    ApiVersion, AppCredentials, DeviceCodeApproval, Profile, RequestLogEntry, Scenario, Shared,
    SimApps, SimConfig, SimState,
};
