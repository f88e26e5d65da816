//! Keys while the help overlay or an input line (filter, command) has the focus.

use super::*;

pub(super) fn help_key(app: &mut App, action: Action) -> Update {
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

pub(super) fn input_key(app: &mut App, action: Action) -> Update {
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
                return Update::with(set_filter(app, None));
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
        InputKind::Filter => return Update::with(set_filter(app, Filter::parse(&text))),
        InputKind::Command => {
            let cands = commands::candidates(&text, app.read_only, &app.choices);
            if let Some(input) = app.input.as_mut() {
                input.candidates = cands;
            }
        }
    }
    Update::changed(true)
}

/// Applies a filter: at once on a small table; on a large one as a background job (latest job
/// wins), so the typed text shows at once and the rows follow when the scan is done.
pub(super) fn set_filter(app: &mut App, filter: Option<Filter>) -> Vec<Effect> {
    let was_running = app.loading.contains(&Pane::Filter);
    let job = app.jobs.start(Pane::Filter);
    match filter {
        Some(filter) if app.accounts.total() >= app.accounts.background_filter_rows => {
            let (index, previous) = app.accounts.filter_input();
            app.set_loading(Pane::Filter, true);
            vec![Effect::Filter {
                job,
                filter,
                index,
                previous,
            }]
        }
        filter => {
            app.set_loading(Pane::Filter, false);
            app.accounts.set_filter(filter);
            rescroll(app);
            if was_running {
                vec![Effect::Cancel(Pane::Filter)]
            } else {
                Vec::new()
            }
        }
    }
}
