//! The reducer: the only code that changes [`App`]. It is synchronous and does no I/O; what
//! must happen outside (fetch, copy, clear the screen) comes back as [`Effect`]s for the event
//! loop to carry out.

use super::action::{Action, DetailTab, JobId, Pane};
use super::app::{App, DetailState, InputKind, InputLine, JournalState, Level, Loadable, Screen};
use super::commands;
use super::filter::SearchIndex;
use super::list::Filter;
use super::source::DataSource;
use super::theme::Theme;

mod ack;
mod contain;
mod copy;
mod input;
pub mod journal;
mod nav;
mod results;
mod undo;

pub use contain::{plan_page, progress_page};
use copy::copy;
use input::{help_key, input_key};
use nav::{back, move_by, open, rescroll, switch_tab};
use results::task_result;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What a background job should fetch.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Accounts,
    Detail(String),
    Journal,
    Tenant(String),
    /// Plan `playbook` for these accounts (sends no mutating request).
    Plan {
        account_ids: Vec<String>,
        playbook: String,
    },
    /// Apply this plan (the confirmation was given).
    Apply(Box<reclaim_contain::Plan>),
    /// Undo one applied step, by its journal step id.
    Undo(String),
    /// What undoing this step would restore (reads the journal, sends nothing).
    UndoPreview(String),
    /// Journal that the operator carried out a handed-over manual step.
    Ack(String),
}

impl Request {
    pub fn pane(&self) -> Pane {
        match self {
            Request::Accounts => Pane::Accounts,
            Request::Detail(_) => Pane::Detail,
            Request::Journal => Pane::Journal,
            Request::Tenant(_) => Pane::Tenant,
            Request::Plan { .. } => Pane::Plan,
            Request::Apply(_) => Pane::Apply,
            Request::Undo(_) | Request::UndoPreview(_) | Request::Ack(_) => Pane::Undo,
        }
    }
}

pub enum Effect {
    /// Start a job; it replaces (aborts) the pane's previous one.
    Load { job: JobId, request: Request },
    /// Abort the pane's job, if any.
    Cancel(Pane),
    /// Use this source from now on (after `:tenant`).
    Install(Arc<dyn DataSource>),
    /// Put this text on the operator's clipboard (OSC 52).
    Copy(String),
    /// Ctrl-L: clear the terminal and draw everything again.
    ClearScreen,
    /// Ctrl-Z: stop the console until the shell continues it, then draw everything again.
    Suspend,
    /// Run the filter over the index off the UI thread; answer with `FilterDone`.
    Filter {
        job: JobId,
        filter: Filter,
        index: Arc<SearchIndex>,
        previous: Option<(Filter, Vec<bool>)>,
    },
    /// Send `ThrottleOver { seq }` after `wait`.
    ThrottleTimer { seq: u64, wait: Duration },
}

impl fmt::Debug for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::Load { job, request } => write!(f, "Load({job:?}, {request:?})"),
            Effect::Cancel(p) => write!(f, "Cancel({p:?})"),
            Effect::Install(_) => f.write_str("Install(..)"),
            Effect::Copy(t) => write!(f, "Copy({t:?})"),
            Effect::ClearScreen => f.write_str("ClearScreen"),
            Effect::Suspend => f.write_str("Suspend"),
            Effect::ThrottleTimer { seq, wait } => write!(f, "ThrottleTimer({seq}, {wait:?})"),
            Effect::Filter { job, filter, .. } => write!(f, "Filter({job:?}, {:?})", filter.text),
        }
    }
}

/// The result of one action: whether the screen must be drawn again, and what to do outside.
#[derive(Debug, Default)]
pub struct Update {
    pub changed: bool,
    pub effects: Vec<Effect>,
}

impl Update {
    fn changed(changed: bool) -> Self {
        Update {
            changed,
            effects: Vec::new(),
        }
    }

    fn with(effects: Vec<Effect>) -> Self {
        Update {
            changed: true,
            effects,
        }
    }
}

/// The first effects: load the accounts.
pub fn start(app: &mut App) -> Vec<Effect> {
    load(app, Request::Accounts)
}

fn load(app: &mut App, request: Request) -> Vec<Effect> {
    let pane = request.pane();
    let job = app.jobs.start(pane);
    app.set_loading(pane, true);
    if pane == Pane::Accounts {
        app.status.accounts = Some(Loadable::Loading);
        app.status.progress = None;
    }
    vec![Effect::Load { job, request }]
}

pub fn reduce(app: &mut App, action: Action) -> Update {
    if action.is_input() && !matches!(action, Action::Resize { .. }) && app.status.notice.is_some()
    {
        app.status.notice = None;
        let mut update = reduce_inner(app, action);
        update.changed = true;
        return update;
    }
    reduce_inner(app, action)
}

fn reduce_inner(app: &mut App, action: Action) -> Update {
    // Ctrl-Z works over the help overlay and input lines too; they are kept as they are.
    if matches!(action, Action::Suspend) {
        return Update::with(vec![Effect::Suspend]);
    }
    // Quitting during an apply asks first, whatever has the focus.
    if matches!(action, Action::Quit) {
        if let Some(update) = contain::quit(app) {
            return update;
        }
    }
    if app.help.is_some() && action.is_input() {
        return help_key(app, action);
    }
    if app.input.is_some() && action.is_input() {
        return input_key(app, action);
    }
    match action {
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
            if matches!(app.screen(), Some(Screen::Plan(_) | Screen::Progress)) =>
        {
            contain::scroll(app, &action).unwrap_or_default()
        }
        Action::Up => move_by(app, -1),
        Action::Down => move_by(app, 1),
        Action::PageUp => move_by(app, -(app.page_rows() as isize)),
        Action::PageDown => move_by(app, app.page_rows() as isize),
        Action::Top => move_by(app, isize::MIN / 2),
        Action::Bottom => move_by(app, isize::MAX / 2),
        Action::Open => open(app),
        Action::Back if undo::confirm_open(app) => undo::cancel(app),
        Action::Back => back(app),
        Action::Home => {
            let mut update = Update::default();
            while app.screen().is_some() {
                let step = back(app);
                update.changed = true;
                update.effects.extend(step.effects);
            }
            update
        }
        Action::NextTab | Action::PrevTab | Action::GoTab(_) => switch_tab(app, action),
        Action::OpenJournal => journal::open_journal(app),
        Action::UndoStep => undo::ask(app),
        Action::AckStep => ack::ask(app),
        Action::OpenPlan => contain::open_plan(app, None),
        Action::Playbook(name) => contain::open_plan(app, Some(name)),
        Action::ConfirmPlan => contain::confirm_plan(app),
        // The one dialog open at a time gets the key: the audit view's undo or the plan's.
        Action::Confirm(key) if undo::confirm_open(app) => undo::confirm_key(app, key),
        Action::Confirm(key) => contain::confirm_key(app, key),
        Action::OpenProgress => contain::open_progress(app),
        action @ (Action::PlanReady { .. }
        | Action::ApplyProgress { .. }
        | Action::PlanSaved { .. }
        | Action::SecretShown { .. }
        | Action::ApplyDone { .. }) => contain::result(app, action),
        Action::ToggleMark if app.screen().is_none() => {
            let changed = app.accounts.toggle_mark();
            if changed {
                app.accounts.move_by(1);
                let rows = app.page_rows();
                app.accounts.scroll_into_view(rows);
            }
            Update::changed(changed)
        }
        Action::MarkAllShown if app.screen().is_none() => {
            app.accounts.mark_all_shown();
            Update::changed(true)
        }
        Action::ClearMarks if app.screen().is_none() => {
            app.accounts.marks.clear();
            Update::changed(true)
        }
        Action::SortNext if app.screen().is_none() => {
            app.accounts.sort_next();
            rescroll(app);
            Update::changed(true)
        }
        Action::SortReverse if app.screen().is_none() => {
            let (sort, rev) = (app.accounts.sort, !app.accounts.reversed);
            app.accounts.set_sort(sort, rev);
            rescroll(app);
            Update::changed(true)
        }
        Action::SortBy(key) => {
            app.accounts.set_sort(key, false);
            rescroll(app);
            Update::changed(true)
        }
        Action::Refresh if app.screen().is_none() => {
            app.accounts.clear();
            Update::with(load(app, Request::Accounts))
        }
        Action::ToggleMark
        | Action::MarkAllShown
        | Action::ClearMarks
        | Action::SortNext
        | Action::SortReverse
        | Action::Refresh
        | Action::InputChar(_)
        | Action::InputBackspace
        | Action::InputClear
        | Action::InputComplete
        | Action::InputSubmit => Update::default(),
        Action::StartFilter => {
            if app.screen().is_some() {
                return Update::default();
            }
            let text = app
                .accounts
                .filter
                .as_ref()
                .map(|f| f.text.clone())
                .unwrap_or_default();
            app.input = Some(InputLine {
                kind: InputKind::Filter,
                text,
                candidates: Vec::new(),
            });
            Update::changed(true)
        }
        Action::StartCommand => {
            app.input = Some(InputLine {
                kind: InputKind::Command,
                text: String::new(),
                candidates: commands::candidates("", app.read_only, &app.choices),
            });
            Update::changed(true)
        }
        Action::ToggleHelp => {
            app.help = Some(0);
            Update::changed(true)
        }
        Action::Copy => copy(app),
        Action::Redraw => Update::with(vec![Effect::ClearScreen]),
        Action::Resize { width, height } => {
            app.width = width;
            app.height = height;
            rescroll(app);
            Update::changed(true)
        }
        Action::Quit => {
            app.quit = true;
            Update::changed(true)
        }
        Action::SwitchTenant(name) => {
            if !app.choices.profiles.is_empty() && !app.choices.profiles.contains(&name) {
                app.notify(
                    Level::Error,
                    format!(
                        "no tenant profile `{name}` (profiles: {})",
                        app.choices.profiles.join(", ")
                    ),
                );
                return Update::changed(true);
            }
            app.notify(Level::Info, format!("opening tenant {name}..."));
            Update::with(load(app, Request::Tenant(name)))
        }
        Action::SetTheme(name) => set_theme(app, &name),
        other => task_result(app, other),
    }
}

fn set_theme(app: &mut App, name: &str) -> Update {
    match Theme::load(name, app.config_dir.as_deref()) {
        Ok(theme) => {
            app.theme_name = name.to_string();
            if app.colour {
                app.theme = theme;
                app.notify(Level::Info, format!("theme {name}"));
            } else {
                app.notify(
                    Level::Info,
                    format!("theme {name} (colour is off: NO_COLOR or --color never)"),
                );
            }
        }
        Err(e) => app.notify(Level::Error, e),
    }
    Update::changed(true)
}

#[cfg(test)]
mod tests;
