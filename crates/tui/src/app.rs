//! The console's whole state. Only the reducer changes it; views only read it.

use super::action::{DetailTab, JobId, Pane};
use super::contain_state::{PlanState, ProgressState};
use super::keymap::{Context, Keymap};
use super::list::AccountList;
use super::settings::Settings;
use super::source::{AccountDetail, LoadProgress, TenantInfo};
use super::theme::Theme;
use super::timeline::Timeline;
use super::undo_confirm::UndoConfirm;
use std::path::PathBuf;
use std::time::Duration;

/// Something that is being fetched, has arrived, or could not be.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    Loading,
    Ready(T),
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct DetailState {
    pub account_id: String,
    pub tab: DetailTab,
    pub data: Loadable<Box<AccountDetail>>,
    /// Cursor and scroll offset per tab.
    pub cursor: [usize; DetailTab::ALL.len()],
    pub offset: [usize; DetailTab::ALL.len()],
}

impl DetailState {
    pub fn new(account_id: String) -> Self {
        DetailState {
            account_id,
            tab: DetailTab::Overview,
            data: Loadable::Loading,
            cursor: [0; DetailTab::ALL.len()],
            offset: [0; DetailTab::ALL.len()],
        }
    }

    /// Rows in the current tab (indicators for the overview).
    pub fn row_count(&self, indicators: usize) -> usize {
        let Loadable::Ready(d) = &self.data else {
            return if self.tab == DetailTab::Overview {
                indicators
            } else {
                0
            };
        };
        match self.tab {
            DetailTab::Overview => indicators,
            DetailTab::SignIns => d.sign_ins.rows().len(),
            DetailTab::Methods => d.methods.rows().len(),
            DetailTab::Rules => d.rules.rows().len(),
            DetailTab::AuditEvents => d.audit_events.rows().len(),
            DetailTab::Grants => d.grants.rows().len(),
            DetailTab::Devices => d.devices.rows().len(),
            DetailTab::Memberships => d.memberships.rows().len(),
            DetailTab::AppCredentials => d.app_credentials.rows().len(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct JournalState {
    pub data: Loadable<Timeline>,
    /// The selected row (an index into the timeline's rows).
    pub cursor: usize,
    /// The first line shown (an index into the timeline's lines).
    pub offset: usize,
    /// A job is following the journal: new records appear as they are written.
    pub live: bool,
    /// The undo confirmation, while it is open.
    pub confirm: Option<UndoConfirm>,
}

impl JournalState {
    pub fn loading() -> JournalState {
        JournalState {
            data: Loadable::Loading,
            cursor: 0,
            offset: 0,
            live: false,
            confirm: None,
        }
    }
}

/// The screens above the accounts table, innermost last:
/// accounts -> detail -> plan -> progress -> audit.
#[derive(Debug, Clone)]
pub enum Screen {
    Detail(DetailState),
    Journal(JournalState),
    /// A containment plan and its confirmation (super::contain_state).
    Plan(PlanState),
    /// The apply in [`App::apply`].
    Progress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Command,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InputLine {
    pub kind: InputKind,
    pub text: String,
    /// Completions for the word being typed (command line only).
    pub candidates: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
}

/// What the status line reports besides notices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Status {
    pub accounts: Option<Loadable<()>>,
    pub progress: Option<LoadProgress>,
    /// The latest Graph throttle wait and its sequence number (cleared when it is over).
    pub throttle: Option<(Duration, u64)>,
    /// Background work paused for the operator's, with the sequence number that clears it.
    pub yielded: Option<u64>,
    pub notice: Option<Notice>,
}

/// Ids of the newest job per pane; results from older jobs are dropped.
#[derive(Debug, Clone, Default)]
pub struct Jobs {
    next: u64,
    pub accounts: JobId,
    pub detail: JobId,
    pub journal: JobId,
    pub tenant: JobId,
    pub filter: JobId,
    pub plan: JobId,
    pub apply: JobId,
    pub undo: JobId,
}

impl Jobs {
    pub fn start(&mut self, pane: Pane) -> JobId {
        self.next += 1;
        let id = JobId(self.next);
        match pane {
            Pane::Accounts => self.accounts = id,
            Pane::Detail => self.detail = id,
            Pane::Journal => self.journal = id,
            Pane::Tenant => self.tenant = id,
            Pane::Filter => self.filter = id,
            Pane::Plan => self.plan = id,
            Pane::Apply => self.apply = id,
            Pane::Undo => self.undo = id,
        }
        id
    }
}

/// Names offered by `:` completion.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub profiles: Vec<String>,
    pub playbooks: Vec<String>,
    pub themes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct App {
    pub tenant: TenantInfo,
    pub read_only: bool,
    /// False under NO_COLOR / `--color never`: the `none` theme is drawn whatever is chosen.
    pub colour: bool,
    /// The theme drawn now.
    pub theme: Theme,
    /// The theme the operator chose (may differ from `theme` when colour is off).
    pub theme_name: String,
    pub config_dir: Option<PathBuf>,
    pub keymap: Keymap,
    pub settings: Settings,
    pub width: u16,
    pub height: u16,
    pub accounts: AccountList,
    pub screens: Vec<Screen>,
    /// The audit view while it is closed, still followed in the background so reopening
    /// it is instant and keeps the operator's place.
    pub journal_stash: Option<JournalState>,
    /// The help overlay's scroll offset when open.
    pub help: Option<usize>,
    pub input: Option<InputLine>,
    pub status: Status,
    pub jobs: Jobs,
    pub choices: Choices,
    /// Background work in flight, for the status line.
    pub loading: Vec<Pane>,
    /// The latest apply (running or finished), shown by the progress screen.
    pub apply: Option<ProgressState>,
    /// Accounts this session's applies contained (or partly), by account id.
    pub applied: std::collections::HashMap<String, super::contain_state::Applied>,
    pub quit: bool,
}

impl App {
    pub fn new(
        tenant: TenantInfo,
        read_only: bool,
        colour: bool,
        settings: Settings,
        keymap: Keymap,
        config_dir: Option<PathBuf>,
    ) -> App {
        let theme_name = settings.theme.clone();
        let theme = if colour {
            Theme::load(&theme_name, config_dir.as_deref()).unwrap_or_else(|_| Theme::no_colour())
        } else {
            Theme::no_colour()
        };
        let choices = Choices {
            themes: Theme::names(config_dir.as_deref()),
            ..Choices::default()
        };
        App {
            tenant,
            read_only,
            colour,
            theme,
            theme_name,
            config_dir,
            keymap,
            accounts: AccountList::new(settings.sort),
            settings,
            width: 80,
            height: 24,
            screens: Vec::new(),
            journal_stash: None,
            help: None,
            input: None,
            status: Status::default(),
            jobs: Jobs::default(),
            choices,
            loading: Vec::new(),
            apply: None,
            applied: Default::default(),
            quit: false,
        }
    }

    pub fn screen(&self) -> Option<&Screen> {
        self.screens.last()
    }

    pub fn detail(&self) -> Option<&DetailState> {
        match self.screens.last() {
            Some(Screen::Detail(d)) => Some(d),
            _ => None,
        }
    }

    /// Keymap contexts for the screen shown, most specific first.
    pub fn contexts(&self) -> &'static [Context] {
        match self.screen() {
            None => &[Context::Accounts, Context::List, Context::Global],
            Some(Screen::Detail(_)) => &[Context::Detail, Context::List, Context::Global],
            Some(Screen::Journal(_)) => &[Context::Audit, Context::List, Context::Global],
            Some(Screen::Plan(_)) => &[Context::Plan, Context::List, Context::Global],
            Some(Screen::Progress) => &[Context::Progress, Context::List, Context::Global],
        }
    }

    /// Data rows the current table shows at the current size.
    pub fn page_rows(&self) -> usize {
        let hint = self.settings.hint_bar;
        match self.screen() {
            Some(Screen::Detail(_)) => {
                super::layout::detail_rows(self.width, self.height, hint).max(1)
            }
            _ => super::layout::table_rows(self.width, self.height, hint).max(1),
        }
    }

    /// `accounts > Jane Doe > sign-ins`: where the operator is.
    pub fn breadcrumbs(&self) -> Vec<String> {
        let mut crumbs = vec!["accounts".to_string()];
        for screen in &self.screens {
            match screen {
                Screen::Detail(d) => {
                    let name = self
                        .accounts
                        .get(&d.account_id)
                        .map(|a| a.display_name.clone())
                        .unwrap_or_else(|| d.account_id.clone());
                    crumbs.push(name);
                    crumbs.push(d.tab.title().to_string());
                }
                Screen::Journal(j) if j.live => crumbs.push("audit (live)".to_string()),
                Screen::Journal(_) => crumbs.push("audit".to_string()),
                Screen::Plan(p) => crumbs.push(format!("plan ({})", p.playbook)),
                Screen::Progress => crumbs.push("progress".to_string()),
            }
        }
        crumbs
    }

    /// A confirmation dialog (over the plan, or the audit view's undo) has the keys.
    pub fn confirming(&self) -> bool {
        match self.screen() {
            Some(Screen::Plan(p)) => p.confirm.is_some(),
            Some(Screen::Journal(j)) => j.confirm.is_some(),
            _ => false,
        }
    }

    pub fn set_loading(&mut self, pane: Pane, on: bool) {
        self.loading.retain(|p| *p != pane);
        if on {
            self.loading.push(pane);
        }
    }

    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.status.notice = Some(Notice {
            level,
            text: text.into(),
        });
    }
}
