//! The containment screens' state: the plan (with its confirmation dialog) and the progress of
//! an apply. The apply's progress lives in [`super::app::App::apply`], not in its screen, so an
//! apply left running in the background keeps its events and its one-time secrets until the
//! operator comes back to it (`:progress`).

use super::app::Loadable;
use crate::contain_view::{plan_rows, Confirm, PlanRow, ProgressView};
use reclaim_contain::plan::Plan;
pub use reclaim_contain::report::Applied;
use reclaim_contain::report::{ApplyReport, StepStatus};
use reclaim_core::secrets::Secret;

#[derive(Debug, Clone)]
pub struct PlanState {
    /// The accounts planned for (ids), in the order chosen.
    pub account_ids: Vec<String>,
    pub playbook: String,
    pub data: Loadable<Box<Plan>>,
    /// Display rows of the plan (tenant text already inert).
    pub rows: Vec<PlanRow>,
    pub offset: usize,
    /// The open confirmation dialog, if any.
    pub confirm: Option<Confirm>,
    /// The plan was handed to an apply: it cannot be applied again from this screen.
    pub applied: bool,
}

impl PlanState {
    pub fn new(account_ids: Vec<String>, playbook: String) -> PlanState {
        PlanState {
            account_ids,
            playbook,
            data: Loadable::Loading,
            rows: Vec::new(),
            offset: 0,
            confirm: None,
            applied: false,
        }
    }

    pub fn set_plan(&mut self, result: Result<Box<Plan>, String>) {
        self.data = match result {
            Ok(plan) => {
                self.rows = plan_rows(&plan);
                Loadable::Ready(plan)
            }
            Err(e) => Loadable::Failed(e),
        };
        self.offset = 0;
    }

    pub fn plan(&self) -> Option<&Plan> {
        match &self.data {
            Loadable::Ready(p) => Some(p),
            _ => None,
        }
    }
}

/// A generated password or Temporary Access Pass waiting on the operator's screen.
#[derive(Debug, Clone)]
pub struct ShownSecret {
    pub account: String,
    pub step: String,
    pub what: String,
    pub secret: Secret,
}

#[derive(Debug, Clone)]
pub struct ProgressState {
    pub plan_id: String,
    pub view: ProgressView,
    pub offset: usize,
    /// The final report, once the apply ended.
    pub report: Option<Box<ApplyReport>>,
    /// Why the apply could not run at all.
    pub error: Option<String>,
    /// Shown on the progress screen only, dropped when the operator leaves it after the apply.
    pub secrets: Vec<ShownSecret>,
    /// `q` was pressed once while the apply runs: the next `q` quits.
    pub quit_armed: bool,
    /// The view scrolls along with the running step until the operator scrolls it.
    pub follow: bool,
    /// Where the plan was saved before the apply started.
    pub saved_plan: Option<std::path::PathBuf>,
}

/// Step counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub total: usize,
    pub pending: usize,
    pub running: usize,
    pub verified: usize,
    pub failed: usize,
    pub not_run: usize,
}

impl ProgressState {
    pub fn new(plan: &Plan) -> ProgressState {
        ProgressState {
            plan_id: plan.id.clone(),
            view: ProgressView::new(plan),
            offset: 0,
            report: None,
            error: None,
            secrets: Vec::new(),
            quit_armed: false,
            follow: true,
            saved_plan: None,
        }
    }

    pub fn running(&self) -> bool {
        self.report.is_none() && self.error.is_none()
    }

    pub fn tally(&self) -> Tally {
        let mut t = Tally {
            total: self.view.rows.len(),
            ..Tally::default()
        };
        for r in &self.view.rows {
            match &r.state {
                None => t.pending += 1,
                Some(None) => t.running += 1,
                Some(Some(s)) if s.is_ok() => t.verified += 1,
                Some(Some(StepStatus::NotRun)) => t.not_run += 1,
                Some(Some(_)) => t.failed += 1,
            }
        }
        t
    }
}
