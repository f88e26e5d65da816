//! The audit view: opening it (instantly, from the background copy, once it has been
//! followed), rows arriving live, and a cursor that stays where the operator put it unless
//! they are at the bottom, where it follows the tail like `tail -f`.

use super::nav::{move_cursor, scroll};
use super::*;
use crate::source::JournalRow;
use crate::timeline::{Timeline, TimelineLine};

/// `:audit` / `a`.
pub(super) fn open_journal(app: &mut App) -> Update {
    if matches!(app.screen(), Some(Screen::Journal(_))) {
        return Update::default();
    }
    match app.journal_stash.take() {
        // Still followed in the background: everything up to now is already here.
        Some(mut j) if j.live => {
            let rows = app.page_rows();
            rescroll_journal(&mut j, rows);
            app.screens.push(Screen::Journal(j));
            Update::changed(true)
        }
        _ => {
            app.screens.push(Screen::Journal(JournalState::loading()));
            Update::with(load(app, Request::Journal))
        }
    }
}

/// Leaving the audit view: a live view keeps following, out of sight.
pub(super) fn close_journal(app: &mut App, j: JournalState) -> Update {
    if j.live {
        app.journal_stash = Some(j);
        return Update::changed(true);
    }
    app.set_loading(Pane::Journal, false);
    Update::with(vec![Effect::Cancel(Pane::Journal)])
}

/// After something wrote to the journal: an open audit view that is not following it is
/// read afresh (its rows replaced, not added to); a live one already shows everything.
pub(super) fn reload_unless_live(app: &mut App) -> Vec<Effect> {
    let open = app.screens.iter_mut().rev().find_map(|s| match s {
        Screen::Journal(j) => Some(j),
        _ => None,
    });
    match open {
        Some(j) if !j.live => {
            j.data = Loadable::Loading;
            load(app, Request::Journal)
        }
        _ => Vec::new(),
    }
}

/// The audit view's state, open or in the background.
pub(super) fn journal_mut(app: &mut App) -> Option<&mut JournalState> {
    let open = app.screens.iter_mut().rev().find_map(|s| match s {
        Screen::Journal(j) => Some(j),
        _ => None,
    });
    open.or(app.journal_stash.as_mut())
}

/// Rows from the watching job.
pub(super) fn appended(app: &mut App, job: JobId, rows: Vec<JournalRow>) -> Update {
    if job != app.jobs.journal {
        return Update::default();
    }
    app.set_loading(Pane::Journal, false);
    let page = app.page_rows();
    let Some(j) = journal_mut(app) else {
        return Update::default();
    };
    j.live = true;
    add_rows(j, rows, page);
    Update::changed(true)
}

/// The job ended: with its last rows, or with why it could not (go on) reading.
pub(super) fn loaded(app: &mut App, job: JobId, result: Result<Vec<JournalRow>, String>) -> Update {
    if job != app.jobs.journal {
        return Update::default();
    }
    app.set_loading(Pane::Journal, false);
    let page = app.page_rows();
    let Some(j) = journal_mut(app) else {
        return Update::default();
    };
    j.live = false;
    match (result, &j.data) {
        (Err(e), Loadable::Ready(_)) => add_rows(
            j,
            vec![JournalRow::warning(format!(
                "the live view stopped: {e}; reopen the audit view to read the journal again"
            ))],
            page,
        ),
        (Err(e), _) => j.data = Loadable::Failed(e),
        (Ok(rows), _) => add_rows(j, rows, page),
    }
    // Nothing follows a finished job: a closed view is read afresh when reopened.
    app.journal_stash = None;
    Update::changed(true)
}

/// Appends rows, keeping the operator's place; at the bottom (or on first arrival), the
/// cursor follows the newest row.
pub fn add_rows(j: &mut JournalState, rows: Vec<JournalRow>, page: usize) {
    let follow = match &mut j.data {
        Loadable::Ready(t) => {
            let at_bottom = t.is_empty() || j.cursor + 1 >= t.len();
            t.extend(rows);
            at_bottom
        }
        _ => {
            j.data = Loadable::Ready(Timeline::new(rows));
            true
        }
    };
    if follow {
        j.cursor = journal_len(j).saturating_sub(1);
        rescroll_journal(j, page);
    }
}

fn journal_len(j: &JournalState) -> usize {
    match &j.data {
        Loadable::Ready(t) => t.len(),
        _ => 0,
    }
}

/// Keeps the cursor's line (and its incident heading, when it opens a group) in view.
pub(super) fn rescroll_journal(j: &mut JournalState, page: usize) {
    let Loadable::Ready(t) = &j.data else {
        return;
    };
    j.cursor = j.cursor.min(t.len().saturating_sub(1));
    let line = t.line_of(j.cursor);
    scroll(&mut j.offset, line, page, t.lines().len());
    if line > 0 && j.offset == line {
        if let Some(TimelineLine::Incident(_)) = t.lines().get(line - 1) {
            j.offset -= 1;
        }
    }
}

pub(super) fn move_journal(j: &mut JournalState, delta: isize, page: usize) -> bool {
    let count = journal_len(j);
    let moved = move_cursor(&mut j.cursor, delta, count);
    rescroll_journal(j, page);
    moved
}

/// The row under the cursor.
pub fn current_row(j: &JournalState) -> Option<&JournalRow> {
    match &j.data {
        Loadable::Ready(t) => t.rows().get(j.cursor),
        _ => None,
    }
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
