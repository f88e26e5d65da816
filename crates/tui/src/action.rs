//! The one vocabulary of the console. Keys (through the keymap), commands typed after `:`,
//! and results of background tasks all become an [`Action`]; only the reducer acts on them.

use super::filter::Filter;
use super::list::SortKey;
use super::source::{AccountDetail, DataSource, JournalRow, LoadProgress, TenantInfo};
use crate::contain_view::ConfirmKey;
use reclaim_contain::plan::Plan;
use reclaim_contain::report::{ApplyEvent, ApplyReport};
use reclaim_contain::undo::Undone;
use reclaim_core::secrets::Secret;
use reclaim_triage::AccountAssessment;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Identifies one background job. Results carrying an older id than the pane's current job
/// are stale (the operator moved on) and are dropped: latest job wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct JobId(pub u64);

/// The panes that load data in the background; each has one job slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Accounts,
    Detail,
    Journal,
    Tenant,
    /// The `/` filter over a large table.
    Filter,
    /// Planning containment (read-only work; a newer plan replaces it).
    Plan,
    /// Applying a plan. Never aborted by the console while it runs.
    Apply,
    /// Undoing one applied step.
    Undo,
}

/// The detail view's tabs, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DetailTab {
    #[default]
    Overview,
    SignIns,
    Methods,
    Rules,
    AuditEvents,
    Grants,
    Devices,
    Memberships,
    AppCredentials,
}

impl DetailTab {
    pub const ALL: [DetailTab; 9] = [
        DetailTab::Overview,
        DetailTab::SignIns,
        DetailTab::Methods,
        DetailTab::Rules,
        DetailTab::AuditEvents,
        DetailTab::Grants,
        DetailTab::Devices,
        DetailTab::Memberships,
        DetailTab::AppCredentials,
    ];

    pub fn title(self) -> &'static str {
        match self {
            DetailTab::Overview => "overview",
            DetailTab::SignIns => "sign-ins",
            DetailTab::Methods => "MFA methods",
            DetailTab::Rules => "inbox rules",
            DetailTab::AuditEvents => "audit events",
            DetailTab::Grants => "consents",
            DetailTab::Devices => "devices",
            DetailTab::Memberships => "roles & groups",
            DetailTab::AppCredentials => "app credentials",
        }
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// A freshly opened tenant (`:tenant NAME`), handed to the event loop to install.
#[derive(Clone)]
pub struct OpenedTenant {
    pub info: TenantInfo,
    pub source: Arc<dyn DataSource>,
}

impl fmt::Debug for OpenedTenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenedTenant")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub enum Action {
    // Moving around.
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Enter: open the account under the cursor.
    Open,
    /// Esc: close the overlay or input, else go back one screen.
    Back,
    /// Back to the accounts table from any depth (`:accounts`).
    Home,
    NextTab,
    PrevTab,
    GoTab(DetailTab),
    OpenJournal,
    /// Plan containment for the marked accounts (or the one under the cursor, or the one
    /// open). Planning sends no mutating request, so it is there in read-only mode too.
    OpenPlan,
    /// Audit view: ask to undo the step under the cursor (absent in read-only mode).
    UndoStep,
    /// Audit view: acknowledge the handed-over manual step (Exchange check) under the cursor.
    AckStep,
    /// Open the confirmation for the plan shown. Absent in read-only mode.
    ConfirmPlan,
    /// A key while the confirmation dialog has the focus.
    Confirm(ConfirmKey),
    /// Back to the latest apply's progress (`:progress`).
    OpenProgress,

    // The accounts table.
    ToggleMark,
    MarkAllShown,
    ClearMarks,
    SortNext,
    SortReverse,
    SortBy(SortKey),
    Refresh,

    // Overlays and input lines.
    StartFilter,
    StartCommand,
    ToggleHelp,
    InputChar(char),
    InputBackspace,
    InputClear,
    InputComplete,
    InputSubmit,

    // Terminal.
    Copy,
    Redraw,
    /// Ctrl-Z: give the terminal back to the shell until `fg`.
    Suspend,
    Resize {
        width: u16,
        height: u16,
    },
    Quit,

    // Commands (`:theme dark`...).
    SwitchTenant(String),
    SetTheme(String),
    Playbook(String),

    // Results from background tasks.
    AccountsBatch {
        job: JobId,
        accounts: Vec<AccountAssessment>,
    },
    Progress {
        job: JobId,
        progress: LoadProgress,
    },
    AccountsDone {
        job: JobId,
        result: Result<(), String>,
    },
    DetailLoaded {
        job: JobId,
        account_id: String,
        result: Result<Box<AccountDetail>, String>,
    },
    JournalLoaded {
        job: JobId,
        result: Result<Vec<JournalRow>, String>,
    },
    /// Rows for the audit view from a watching job: the journal so far, then appends.
    JournalAppended {
        job: JobId,
        rows: Vec<JournalRow>,
    },
    TenantOpened {
        job: JobId,
        result: Result<OpenedTenant, String>,
    },
    /// A background filter job's answer: per row (load order), whether the pattern matched.
    FilterDone {
        job: JobId,
        filter: Filter,
        hits: Vec<bool>,
    },
    Throttled {
        wait: Duration,
    },
    /// Background work (the triage gather) waits while the operator's work goes first.
    Yielded {
        wait: Duration,
    },
    ThrottleOver {
        seq: u64,
    },
    /// A containment plan, or why there is none.
    PlanReady {
        job: JobId,
        result: Result<Box<Plan>, String>,
    },
    /// The plan being applied was saved to `path` (what `reclaim apply` resumes from).
    PlanSaved {
        job: JobId,
        path: std::path::PathBuf,
    },
    /// What earlier applies left (accounts' marks, applies cut off), read from the journal
    /// while the accounts load.
    EarlierApplies {
        job: JobId,
        earlier: reclaim_contain::earlier::EarlierApplies,
    },
    /// One step of a running apply started or finished.
    ApplyProgress {
        job: JobId,
        event: ApplyEvent,
    },
    /// A generated password or Temporary Access Pass, for the operator's screen only.
    SecretShown {
        job: JobId,
        account: String,
        step: String,
        what: String,
        secret: Secret,
    },
    /// The apply ended: its report, or why it could not run.
    ApplyDone {
        job: JobId,
        result: Result<Box<ApplyReport>, String>,
    },
    /// What undoing a step would restore (for the confirmation), or why it is unknown.
    UndoPreviewReady {
        job: JobId,
        result: Result<Box<reclaim_contain::undo_preview::UndoPreview>, String>,
    },
    /// An undo ended.
    UndoDone {
        job: JobId,
        step: String,
        result: Result<Box<Undone>, String>,
    },
    /// An acknowledgement of a manual step was journaled (or why not).
    AckDone {
        job: JobId,
        step: String,
        result: Result<(), String>,
    },
}

impl Action {
    /// True for actions the operator caused (keys, commands, resize): rendered at once.
    /// Task results may be coalesced.
    pub fn is_input(&self) -> bool {
        !matches!(
            self,
            Action::AccountsBatch { .. }
                | Action::Progress { .. }
                | Action::AccountsDone { .. }
                | Action::EarlierApplies { .. }
                | Action::DetailLoaded { .. }
                | Action::JournalLoaded { .. }
                | Action::JournalAppended { .. }
                | Action::TenantOpened { .. }
                | Action::FilterDone { .. }
                | Action::Throttled { .. }
                | Action::Yielded { .. }
                | Action::ThrottleOver { .. }
                | Action::PlanReady { .. }
                | Action::ApplyProgress { .. }
                | Action::PlanSaved { .. }
                | Action::SecretShown { .. }
                | Action::ApplyDone { .. }
                | Action::UndoDone { .. }
                | Action::UndoPreviewReady { .. }
                | Action::AckDone { .. }
        )
    }
}
