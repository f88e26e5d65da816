//! Moving around: cursors, scrolling, opening and leaving screens, tabs.

use super::*;

pub(super) fn rescroll(app: &mut App) {
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
        Some(Screen::Journal(j)) => super::journal::rescroll_journal(j, rows),
        // Their views keep their offsets within bounds.
        Some(Screen::Plan(_) | Screen::Progress) | None => {}
    }
}

pub(super) fn scroll(offset: &mut usize, cursor: usize, rows: usize, count: usize) {
    if cursor < *offset {
        *offset = cursor;
    } else if cursor >= *offset + rows {
        *offset = cursor + 1 - rows;
    }
    *offset = (*offset).min(count.saturating_sub(rows));
}

pub(super) fn current_indicators(app: &App) -> usize {
    app.detail()
        .and_then(|d| app.accounts.get(&d.account_id))
        .map(|a| a.indicators.len())
        .unwrap_or(0)
}

pub(super) fn move_cursor(cursor: &mut usize, delta: isize, count: usize) -> bool {
    if count == 0 {
        return false;
    }
    let to = (*cursor as isize)
        .saturating_add(delta)
        .clamp(0, count as isize - 1) as usize;
    let moved = to != *cursor;
    *cursor = to;
    moved
}

pub(super) fn move_by(app: &mut App, delta: isize) -> Update {
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
        Some(Screen::Journal(j)) => super::journal::move_journal(j, delta, rows),
        // Scrolled by the containment reducer before this is reached.
        Some(Screen::Plan(_) | Screen::Progress) => false,
    };
    Update::changed(moved)
}

pub(super) fn open(app: &mut App) -> Update {
    if app.screen().is_some() {
        return Update::default();
    }
    let Some(id) = app.accounts.current().map(|a| a.id.clone()) else {
        return Update::default();
    };
    app.screens
        .push(Screen::Detail(DetailState::new(id.clone())));
    Update::with(load(app, Request::Detail(id)))
}

pub(super) fn back(app: &mut App) -> Update {
    match app.screens.pop() {
        Some(Screen::Detail(_)) => {
            app.set_loading(Pane::Detail, false);
            rescroll(app);
            Update::with(vec![Effect::Cancel(Pane::Detail)])
        }
        Some(Screen::Journal(j)) => {
            rescroll(app);
            super::journal::close_journal(app, j)
        }
        Some(screen @ (Screen::Plan(_) | Screen::Progress)) => {
            let update = super::contain::left(app, &screen);
            rescroll(app);
            update
        }
        None if app.accounts.filter.is_some() || app.loading.contains(&Pane::Filter) => {
            Update::with(super::input::set_filter(app, None))
        }
        None => Update::default(),
    }
}

pub(super) fn switch_tab(app: &mut App, action: Action) -> Update {
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
