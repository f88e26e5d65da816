//! Guided containment: the action catalogue, playbooks, plans, apply, verification, undo and
//! baseline snapshots (docs/containment.md).
//!
//! - [`action`]: the CONTRACT.md actions with their permissions, reversibility, verification.
//! - [`playbook`]: named ordered action sequences in TOML (embedded and user files).
//! - [`op`]: concrete operations and the exact Graph request each sends.
//! - [`state`]: an account's containment-relevant state, normalized from Graph.
//! - [`verify`]: what each op leaves behind and the read-back that checks it.
//! - [`plan`]: the plan file (versioned JSON with a digest), validation.
//! - [`undo`]: reversing an applied step from its recorded pre-state.

pub mod action;
pub mod apply;
pub mod dry_run;
pub mod evidence;
pub mod expand;
mod expand_mfa;
pub mod op;
pub mod plan;
pub mod planner;
pub mod playbook;
pub mod read;
pub mod report;
pub mod snapshot;
pub mod state;
pub mod undo;
pub mod verify;

pub use action::{ActionInfo, ActionKind, Reversibility};
pub use op::{HttpMethod, Op, PlannedRequest, SecretSlot};
pub use plan::{AccountPlan, Plan, PlanError, Step};
pub use playbook::{Playbook, DEFAULT_PLAYBOOK};
pub use state::{AccountState, Part};
