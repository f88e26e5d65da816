//! Guided containment: the action catalogue, playbooks, plans, apply, verification, undo and
//! baseline snapshots (docs/containment.md).
//!
//! - [`action`]: the CONTRACT.md actions with their permissions, reversibility, verification.
//! - [`playbook`]: named ordered action sequences in TOML (embedded and user files).
//! - [`op`]: concrete operations and the exact Graph request each sends.
//! - [`state`] / [`read`]: an account's containment-relevant state, read with GETs only.
//! - [`verify`]: what each op leaves behind and the read-back that checks it.
//! - [`evidence`] / [`expand`]: what triage ties to the attacker, turned into ops per account
//!   (the default MFA method's rule in `default_mfa`).
//! - [`plan`] / [`planner`]: the plan file (versioned JSON with a digest) and how it is made.
//! - [`apply`] / [`resume`] / [`reveal`] / [`report`]: carrying a plan out through the
//!   journal, resuming after a crash, showing generated secrets once, the summary.
//! - [`dry_run`]: every request a plan would send, sending none that mutates.
//! - [`service`]: what the console's event loop calls to plan, save, apply and undo.
//! - [`undo`]: reversing an applied step from its recorded pre-state.
//! - [`snapshot`]: known-good phones, methods and rules recorded before an incident.

pub mod action;
mod app_expand;
pub mod app_footholds;
pub mod app_grants;
pub mod apply;
mod default_mfa;
pub mod dry_run;
pub mod earlier;
pub mod evidence;
pub mod exchange;
pub mod expand;
mod expand_mfa;
pub mod footholds;
pub mod memberships;
pub mod op;
pub mod plan;
mod plan_reads;
pub mod planner;
pub mod playbook;
pub mod read;
pub mod report;
pub mod resume;
pub mod reveal;
mod sealed;
pub mod service;
pub mod snapshot;
pub mod state;
pub mod undo;
pub mod undo_preview;
pub mod verify;

pub use action::{ActionInfo, ActionKind, Reversibility};
pub use op::{HttpMethod, Op, PlannedRequest, SecretSlot};
pub use plan::{AccountPlan, Plan, PlanError, Step};
pub use playbook::{Playbook, DEFAULT_PLAYBOOK};
pub use state::{AccountState, Part};
