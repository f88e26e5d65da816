//! The simulated tenant: a Microsoft Graph and identity platform service on loopback.
//!
//! See docs/simulator.md. Public surface used by the CLI (`reclaim sim`, `--demo`), tests and
//! benchmarks: [`SimConfig`], `start`, `SimHandle`.

pub mod caller;
pub mod error;
pub mod model;
pub mod scenario;
pub mod state;
pub mod truth;

pub use caller::Caller;
pub use error::GraphError;
pub use state::{
    AppCredentials, DeviceCodeApproval, Profile, RequestLogEntry, Scenario, Shared, SimApps,
    SimConfig, SimState,
};
