//! The reducer: the only code that changes [`App`]. It is synchronous and does no I/O; what
//! must happen outside (fetch, copy, clear the screen) comes back as [`Effect`]s for the event
//! loop to carry out.

use super::action::{Action, DetailTab, JobId, Pane};
use super::app::{
    App, DetailState, InputKind, InputLine, JournalState, Level, Loadable, Screen,
};
use super::commands;
use super::list::Filter;
use super::source::DataSource;
use super::theme::Theme;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What a background job should fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Accounts,
    Detail(String),
    Journal,
    Tenant(String),
}

impl Request {
    pub fn pane(&self) -> Pane {
        match self {
            Request::Accounts => Pane::Accounts,
            Request::Detail(_) => Pane::Detail,
            Request::Journal => Pane::Journal,
            Request::Tenant(_) => Pane::Tenant,
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
            Effect::ThrottleTimer { seq, wait } => write!(f, "ThrottleTimer({seq}, {wait:?})"),
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
    if app.help.is_some() && action.is_input() {
        return help_key(app, action);
    }
    if app.input.is_some() && action.is_input() {
        return input_key(app, action);
    }
    match action {
        Action::Up => move_by(app, -1),
        Action::Down => move_by(app, 1),
        Action::PageUp => move_by(app, -(app.page_rows() as isize)),
        Action::PageDown => move_by(app, app.page_rows() as isize),
        Action::Top => move_by(app, isize::MIN / 2),
        Action::Bottom => move_by(app, isize::MAX / 2),
        Action::Open => open(app),
        Action::Back => back(app),
        Action::NextTab | Action::PrevTab | Action::GoTab(_) => switch_tab(app, action),
        Action::OpenJournal => {
            if matches!(app.screen(), Some(Screen::Journal(_))) {
                return Update::default();
            }
            app.screens.push(Screen::Journal(JournalState {
                data: Loadable::Loading,
                cursor: 0,
                offset: 0,
            }));
            Update::with(load(app, Request::Journal))
        }
        Action::OpenPlan | Action::Playbook(_) => {
            // Containment (issue 6) plugs its plan screen in here.
            app.notify(
                Level::Warn,
                "containment planning is not available in this build",
            );
            Update::changed(true)
        }
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

fn task_result(app: &mut App, action: Action) -> Update {
    match action {
        Action::AccountsBatch { job, accounts } if job == app.jobs.accounts => {
            app.accounts.upsert(accounts);
            if app.screen().is_none() {
                let rows = app.page_rows();
                app.accounts.scroll_into_view(rows);
            }
            Update::changed(true)
        }
        Action::Progress { job, progress } if job == app.jobs.accounts => {
            app.status.progress = Some(progress);
            Update::changed(true)
        }
        Action::AccountsDone { job, result } if job == app.jobs.accounts => {
            app.set_loading(Pane::Accounts, false);
            app.status.progress = None;
            app.status.accounts = Some(match result {
                Ok(()) => Loadable::Ready(()),
                Err(e) => {
                    app.notify(Level::Error, format!("loading accounts failed: {e}"));
                    Loadable::Failed(e)
                }
            });
            Update::changed(true)
        }
        Action::DetailLoaded {
            job,
            account_id,
            result,
        } if job == app.jobs.detail => {
            app.set_loading(Pane::Detail, false);
            for screen in app.screens.iter_mut() {
                if let Screen::Detail(d) = screen {
                    if d.account_id == account_id {
                        d.data = match &result {
                            Ok(detail) => Loadable::Ready(detail.clone()),
                            Err(e) => Loadable::Failed(e.clone()),
                        };
                    }
                }
            }
            Update::changed(true)
        }
        Action::JournalLoaded { job, result } if job == app.jobs.journal => {
            app.set_loading(Pane::Journal, false);
            for screen in app.screens.iter_mut() {
                if let Screen::Journal(j) = screen {
                    j.data = match &result {
                        Ok(rows) => Loadable::Ready(rows.clone()),
                        Err(e) => Loadable::Failed(e.clone()),
                    };
                }
            }
            Update::changed(true)
        }
        Action::TenantOpened { job, result } if job == app.jobs.tenant => {
            app.set_loading(Pane::Tenant, false);
            match result {
                Ok(opened) => {
                    app.tenant = opened.info;
                    app.accounts.clear();
                    app.screens.clear();
                    app.set_loading(Pane::Detail, false);
                    app.set_loading(Pane::Journal, false);
                    app.status.throttle = None;
                    app.notify(Level::Info, format!("switched to tenant {}", app.tenant.name));
                    let mut effects = vec![
                        Effect::Cancel(Pane::Detail),
                        Effect::Cancel(Pane::Journal),
                        Effect::Install(opened.source),
                    ];
                    effects.extend(load(app, Request::Accounts));
                    Update::with(effects)
                }
                Err(e) => {
                    app.notify(Level::Error, format!("cannot open tenant: {e}"));
                    Update::changed(true)
                }
            }
        }
        Action::Throttled { wait } => {
            let seq = app.status.throttle.map(|(_, s)| s + 1).unwrap_or(1);
            app.status.throttle = Some((wait, seq));
            Update::with(vec![Effect::ThrottleTimer { seq, wait }])
        }
        Action::ThrottleOver { seq } => {
            let current = app.status.throttle.is_some_and(|(_, s)| s == seq);
            if current {
                app.status.throttle = None;
            }
            Update::changed(current)
        }
        // Results of jobs that were replaced or cancelled: latest job wins.
        _ => Update::default(),
    }
}

fn help_key(app: &mut App, action: Action) -> Update {
    let help = app.help.unwrap_or(0);
    let page = app.page_rows();
    let scrolled = |to: usize| Some(to);
    app.help = match action {
        Action::Down => scrolled(help + 1),
        Action::Up => scrolled(help.saturating_sub(1)),
        Action::PageDown => scrolled(help + page),
        Action::PageUp => scrolled(help.saturating_sub(page)),
        Action::Top => scrolled(0),
        Action::Bottom => scrolled(usize::MAX / 2),
        Action::Back | Action::ToggleHelp => None,
        Action::Quit => {
            app.quit = true;
            None
        }
        Action::Redraw => return Update::with(vec![Effect::ClearScreen]),
        Action::Resize { width, height } => {
            app.width = width;
            app.height = height;
            rescroll(app);
            return Update::changed(true);
        }
        _ => return Update::default(),
    };
    Update::changed(true)
}

fn input_key(app: &mut App, action: Action) -> Update {
    let Some(input) = app.input.as_mut() else {
        return Update::default();
    };
    let kind = input.kind;
    match action {
        Action::InputChar(c) => input.text.push(c),
        Action::InputBackspace => {
            input.text.pop();
        }
        Action::InputClear => input.text.clear(),
        Action::InputComplete if kind == InputKind::Command => {
            input.text = commands::complete(&input.text, app.read_only, &app.choices);
        }
        Action::InputComplete => return Update::default(),
        Action::Back => {
            app.input = None;
            if kind == InputKind::Filter {
                app.accounts.set_filter(None);
                rescroll(app);
            }
            return Update::changed(true);
        }
        Action::InputSubmit => {
            let text = std::mem::take(&mut input.text);
            app.input = None;
            if kind == InputKind::Filter {
                return Update::changed(true);
            }
            return match commands::parse(&text, app.read_only) {
                Ok(action) => {
                    let mut update = reduce_inner(app, action);
                    update.changed = true;
                    update
                }
                Err(e) => {
                    app.notify(Level::Error, e);
                    Update::changed(true)
                }
            };
        }
        Action::Resize { width, height } => {
            app.width = width;
            app.height = height;
            rescroll(app);
            return Update::changed(true);
        }
        Action::Redraw => return Update::with(vec![Effect::ClearScreen]),
        Action::Quit => {
            app.quit = true;
            return Update::changed(true);
        }
        _ => return Update::default(),
    }
    // The text changed: a filter applies as it is typed; a command refreshes its completions.
    let text = input.text.clone();
    match kind {
        InputKind::Filter => {
            app.accounts.set_filter(Filter::parse(&text));
            rescroll(app);
        }
        InputKind::Command => {
            let cands = commands::candidates(&text, app.read_only, &app.choices);
            if let Some(input) = app.input.as_mut() {
                input.candidates = cands;
            }
        }
    }
    Update::changed(true)
}

fn rescroll(app: &mut App) {
    let rows = app.page_rows();
    app.accounts.scroll_into_view(rows);
    let indicators = current_indicators(app);
    match app.screens.last_mut() {
        Some(Screen::Detail(d)) => {
            let t = d.tab.index();
            let count = d.row_count(indicators);
            d.cursor[t] = d.cursor[t].min(count.saturating_sub(1));
            scroll(&mut d.offset[t], d.cursor[t], rows, count);
        }
        Some(Screen::Journal(j)) => {
            let count = match &j.data {
                Loadable::Ready(r) => r.len(),
                _ => 0,
            };
            scroll(&mut j.offset, j.cursor, rows, count);
        }
        None => {}
    }
}

fn scroll(offset: &mut usize, cursor: usize, rows: usize, count: usize) {
    if cursor < *offset {
        *offset = cursor;
    } else if cursor >= *offset + rows {
        *offset = cursor + 1 - rows;
    }
    *offset = (*offset).min(count.saturating_sub(rows));
}

fn current_indicators(app: &App) -> usize {
    app.detail()
        .and_then(|d| app.accounts.get(&d.account_id))
        .map(|a| a.indicators.len())
        .unwrap_or(0)
}

fn move_cursor(cursor: &mut usize, delta: isize, count: usize) -> bool {
    if count == 0 {
        return false;
    }
    let to = (*cursor as isize).saturating_add(delta).clamp(0, count as isize - 1) as usize;
    let moved = to != *cursor;
    *cursor = to;
    moved
}

fn move_by(app: &mut App, delta: isize) -> Update {
    let rows = app.page_rows();
    let indicators = current_indicators(app);
    let moved = match app.screens.last_mut() {
        None => {
            let moved = app.accounts.move_by(delta);
            app.accounts.scroll_into_view(rows);
            moved
        }
        Some(Screen::Detail(d)) => {
            let t = d.tab.index();
            let count = d.row_count(indicators);
            let moved = move_cursor(&mut d.cursor[t], delta, count);
            scroll(&mut d.offset[t], d.cursor[t], rows, count);
            moved
        }
        Some(Screen::Journal(j)) => {
            let count = match &j.data {
                Loadable::Ready(r) => r.len(),
                _ => 0,
            };
            let moved = move_cursor(&mut j.cursor, delta, count);
            scroll(&mut j.offset, j.cursor, rows, count);
            moved
        }
    };
    Update::changed(moved)
}

fn open(app: &mut App) -> Update {
    if app.screen().is_some() {
        return Update::default();
    }
    let Some(id) = app.accounts.current().map(|a| a.id.clone()) else {
        return Update::default();
    };
    app.screens.push(Screen::Detail(DetailState::new(id.clone())));
    Update::with(load(app, Request::Detail(id)))
}

fn back(app: &mut App) -> Update {
    match app.screens.pop() {
        Some(Screen::Detail(_)) => {
            app.set_loading(Pane::Detail, false);
            rescroll(app);
            Update::with(vec![Effect::Cancel(Pane::Detail)])
        }
        Some(Screen::Journal(_)) => {
            app.set_loading(Pane::Journal, false);
            rescroll(app);
            Update::with(vec![Effect::Cancel(Pane::Journal)])
        }
        None if app.accounts.filter.is_some() => {
            app.accounts.set_filter(None);
            rescroll(app);
            Update::changed(true)
        }
        None => Update::default(),
    }
}

fn switch_tab(app: &mut App, action: Action) -> Update {
    let Some(Screen::Detail(d)) = app.screens.last_mut() else {
        return Update::default();
    };
    let n = DetailTab::ALL.len();
    let i = d.tab.index();
    let to = match action {
        Action::NextTab => DetailTab::ALL[(i + 1) % n],
        Action::PrevTab => DetailTab::ALL[(i + n - 1) % n],
        Action::GoTab(t) => t,
        _ => d.tab,
    };
    let changed = to != d.tab;
    d.tab = to;
    Update::changed(changed)
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

/// The value under the cursor: the UPN (or every marked UPN), a sign-in's IP, a rule's name...
fn copy(app: &mut App) -> Update {
    if !app.settings.copy {
        app.notify(Level::Warn, "copy is turned off in console.toml");
        return Update::changed(true);
    }
    let value = match app.screen() {
        None if !app.accounts.marks.is_empty() => {
            let upns: Vec<String> = app
                .accounts
                .marks
                .iter()
                .filter_map(|id| app.accounts.get(id))
                .map(|a| a.user_principal_name.clone())
                .collect();
            Some(upns.join("\n"))
        }
        None => app
            .accounts
            .current()
            .map(|a| a.user_principal_name.clone()),
        Some(Screen::Detail(d)) => detail_value(app, d),
        Some(Screen::Journal(j)) => match &j.data {
            Loadable::Ready(rows) => rows.get(j.cursor).map(|r| r.step_id.clone()),
            _ => None,
        },
    };
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        app.notify(Level::Warn, "nothing to copy here");
        return Update::changed(true);
    };
    // Line by line: several marked UPNs are copied one per line.
    let value = value
        .split('\n')
        .map(|line| crate::sanitize::inert(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    let shown = crate::sanitize::for_display(&value.replace('\n', " "), 40);
    app.notify(Level::Info, format!("copied {shown}"));
    Update::with(vec![Effect::Copy(value)])
}

fn detail_value(app: &App, d: &DetailState) -> Option<String> {
    let account = app.accounts.get(&d.account_id);
    let cursor = d.cursor[d.tab.index()];
    let Loadable::Ready(data) = &d.data else {
        return account.map(|a| a.user_principal_name.clone());
    };
    match d.tab {
        DetailTab::Overview => account.map(|a| a.user_principal_name.clone()),
        DetailTab::SignIns => data.sign_ins.rows().get(cursor).map(|r| r.ip.clone()),
        DetailTab::Methods => data.methods.rows().get(cursor).map(|r| r.detail.clone()),
        DetailTab::Rules => data.rules.rows().get(cursor).map(|r| r.name.clone()),
        DetailTab::AuditEvents => data.audit_events.rows().get(cursor).map(|r| {
            if r.detail.is_empty() {
                r.activity.clone()
            } else {
                r.detail.clone()
            }
        }),
        DetailTab::Grants => data
            .grants
            .rows()
            .get(cursor)
            .map(|r| format!("{} {}", r.client, r.scopes)),
    }
}

#[cfg(test)]
#[path = "reducer_tests.rs"]
mod tests;
