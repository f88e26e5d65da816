//! Undo from the audit view: `u` on a step's record opens a confirmation that says what the
//! undo restores (read from the journal, nothing sent yet) or why the step cannot be undone;
//! Cancel has the focus. Confirmed, the undo runs as a job; its own journal records reach
//! the view through the live watch like any other writer's.

use super::journal::current_row;
use super::*;
use crate::contain_view::ConfirmKey;
use crate::undo_confirm::UndoConfirm;
use reclaim_contain::report::Applied;
use reclaim_core::sanitize::inert;

fn open_view(app: &mut App) -> Option<&mut JournalState> {
    match app.screens.last_mut() {
        Some(Screen::Journal(j)) => Some(j),
        _ => None,
    }
}

pub(super) fn confirm_open(app: &App) -> bool {
    matches!(app.screen(), Some(Screen::Journal(j)) if j.confirm.is_some())
}

/// `u`: ask to undo the step under the cursor.
pub(super) fn ask(app: &mut App) -> Update {
    if app.read_only {
        return Update::default();
    }
    let busy = app.loading.contains(&Pane::Undo);
    let Some(j) = open_view(app) else {
        return Update::default();
    };
    let step = match current_row(j) {
        Some(r) if !r.warning && !r.step_id.is_empty() => r.step_id.clone(),
        Some(_) => {
            app.notify(
                Level::Warn,
                "this record is not a step: select one with a STEP to undo it",
            );
            return Update::changed(true);
        }
        None => return Update::default(),
    };
    if busy {
        app.notify(Level::Warn, "an undo is running: wait for it to finish");
        return Update::changed(true);
    }
    j.confirm = Some(UndoConfirm::new(step.clone()));
    Update::with(load(app, Request::UndoPreview(step)))
}

/// A key while the confirmation is open: the arrows and tab move between the buttons,
/// enter presses the focused one, esc closes.
pub(super) fn confirm_key(app: &mut App, key: ConfirmKey) -> Update {
    match key {
        ConfirmKey::Switch => switch(app),
        ConfirmKey::Enter => submit(app),
        ConfirmKey::Esc => cancel(app),
        ConfirmKey::Char(_) | ConfirmKey::Backspace => Update::default(),
    }
}

fn switch(app: &mut App) -> Update {
    match open_view(app).and_then(|j| j.confirm.as_mut()) {
        Some(c) => {
            c.switch();
            Update::changed(true)
        }
        None => Update::default(),
    }
}

/// Enter: Cancel closes; the undo button sends the undo.
fn submit(app: &mut App) -> Update {
    let Some(c) = open_view(app).and_then(|j| j.confirm.take()) else {
        return Update::default();
    };
    if !c.confirmed() {
        return cancelled(app, c);
    }
    app.notify(
        Level::Info,
        format!(
            "undoing step {}: its journal records appear here as they are written",
            inert(&c.step)
        ),
    );
    Update::with(load(app, Request::Undo(c.step)))
}

/// Esc: close the confirmation, nothing sent.
pub(super) fn cancel(app: &mut App) -> Update {
    match open_view(app).and_then(|j| j.confirm.take()) {
        Some(c) => cancelled(app, c),
        None => Update::default(),
    }
}

fn cancelled(app: &mut App, c: UndoConfirm) -> Update {
    // Only a preview can be running while the confirmation is open: never an undo.
    if c.preview == Loadable::Loading {
        app.set_loading(Pane::Undo, false);
        return Update::with(vec![Effect::Cancel(Pane::Undo)]);
    }
    Update::changed(true)
}

pub(super) fn preview_ready(
    app: &mut App,
    job: JobId,
    result: Result<Box<reclaim_contain::undo_preview::UndoPreview>, String>,
) -> Update {
    if job != app.jobs.undo {
        return Update::default();
    }
    app.set_loading(Pane::Undo, false);
    let Some(c) = open_view(app).and_then(|j| j.confirm.as_mut()) else {
        return Update::changed(true);
    };
    c.preview = match result {
        Ok(p) => Loadable::Ready(p),
        Err(e) => Loadable::Failed(e),
    };
    Update::changed(true)
}

pub(super) fn done(
    app: &mut App,
    job: JobId,
    step: String,
    result: Result<Box<reclaim_contain::undo::Undone>, String>,
) -> Update {
    if job != app.jobs.undo {
        return Update::default();
    }
    app.set_loading(Pane::Undo, false);
    match result {
        Ok(u) => {
            // Part of its containment is reversed: the account is no longer contained.
            if let Some(mark) = app.applied.get_mut(&u.user_id) {
                *mark = Applied::Partial;
            }
            app.notify(
                Level::Info,
                format!("step {} undone: {}", inert(&step), inert(&u.detail)),
            )
        }
        Err(e) => app.notify(
            Level::Error,
            format!("undo of step {} failed: {}", inert(&step), inert(&e)),
        ),
    }
    // A view that is not following the journal reads it again to show the undo's records.
    let reload = super::journal::reload_unless_live(app);
    if !reload.is_empty() {
        return Update::with(reload);
    }
    Update::changed(true)
}

#[cfg(test)]
#[path = "undo_tests.rs"]
mod tests;
