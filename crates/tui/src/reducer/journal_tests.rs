use super::*;
use crate::keymap::Keymap;
use crate::settings::Settings;
use crate::source::TenantInfo;

fn app() -> App {
    let mut app = App::new(
        TenantInfo::default(),
        false,
        true,
        Settings::default(),
        Keymap::defaults(false),
        None,
    );
    reduce(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    app
}

fn rows(incident: &str, from: usize, n: usize) -> Vec<JournalRow> {
    (from..from + n)
        .map(|i| JournalRow {
            incident: incident.into(),
            step_id: format!("st-{i}"),
            ..JournalRow::default()
        })
        .collect()
}

/// Opens the audit view and returns its job.
fn open(app: &mut App) -> JobId {
    match &reduce(app, Action::OpenJournal).effects[..] {
        [Effect::Load {
            job,
            request: Request::Journal,
        }] => *job,
        other => panic!("{other:?}"),
    }
}

fn view(app: &App) -> &JournalState {
    match app.screen() {
        Some(Screen::Journal(j)) => j,
        _ => panic!("not on the audit view"),
    }
}

fn step_under_cursor(app: &App) -> String {
    current_row(view(app)).unwrap().step_id.clone()
}

#[test]
fn the_view_opens_at_the_newest_row_and_follows_the_tail() {
    let mut app = app();
    let job = open(&mut app);
    let page = app.page_rows();
    reduce(
        &mut app,
        Action::JournalAppended {
            job,
            rows: rows("INC-1", 0, 40),
        },
    );
    assert!(view(&app).live);
    assert_eq!(app.breadcrumbs(), ["accounts", "audit (live)"]);
    assert_eq!(step_under_cursor(&app), "st-39");
    // 40 rows + 1 heading: the last line is at the bottom of the page.
    assert_eq!(view(&app).offset, 41 - page);

    let update = reduce(
        &mut app,
        Action::JournalAppended {
            job,
            rows: rows("INC-1", 40, 3),
        },
    );
    assert!(update.changed);
    assert_eq!(
        step_under_cursor(&app),
        "st-42",
        "at the bottom: follows the tail"
    );
    assert_eq!(view(&app).offset, 44 - page);
}

#[test]
fn rows_arriving_keep_the_cursor_and_scroll_when_the_operator_moved_up() {
    let mut app = app();
    let job = open(&mut app);
    reduce(
        &mut app,
        Action::JournalAppended {
            job,
            rows: rows("INC-1", 0, 40),
        },
    );
    reduce(&mut app, Action::PageUp);
    reduce(&mut app, Action::Up);
    let (cursor, offset) = (view(&app).cursor, view(&app).offset);
    let step = step_under_cursor(&app);
    reduce(
        &mut app,
        Action::JournalAppended {
            job,
            rows: rows("INC-2", 40, 5),
        },
    );
    assert_eq!(view(&app).cursor, cursor);
    assert_eq!(
        view(&app).offset,
        offset,
        "the screen does not move under them"
    );
    assert_eq!(step_under_cursor(&app), step);
    // Back at the bottom, it follows again.
    reduce(&mut app, Action::Bottom);
    reduce(
        &mut app,
        Action::JournalAppended {
            job,
            rows: rows("INC-2", 45, 1),
        },
    );
    assert_eq!(step_under_cursor(&app), "st-45");
}

#[test]
fn a_first_row_of_an_incident_scrolls_its_heading_into_view() {
    let mut app = app();
    let job = open(&mut app);
    let mut all = rows("INC-1", 0, 30);
    all.extend(rows("INC-2", 30, 30));
    reduce(&mut app, Action::JournalAppended { job, rows: all });
    reduce(&mut app, Action::Top);
    for _ in 0..30 {
        reduce(&mut app, Action::Down);
    }
    let j = view(&app);
    assert_eq!(step_under_cursor(&app), "st-30");
    let Loadable::Ready(t) = &j.data else {
        panic!()
    };
    // The cursor's row is on the last line of the page, its heading just above it.
    assert_eq!(
        t.lines()[t.line_of(30) - 1],
        crate::timeline::TimelineLine::Incident(30)
    );
    assert!(j.offset < t.line_of(30));
}

#[test]
fn closing_a_live_view_keeps_it_following_and_reopening_is_instant() {
    let mut app = app();
    let job = open(&mut app);
    reduce(
        &mut app,
        Action::JournalAppended {
            job,
            rows: rows("INC-1", 0, 3),
        },
    );
    reduce(&mut app, Action::Up);
    let update = reduce(&mut app, Action::Back);
    assert!(update.effects.is_empty(), "{:?}", update.effects);
    assert!(app.screen().is_none());
    // Records written while the view is closed still arrive.
    reduce(
        &mut app,
        Action::JournalAppended {
            job,
            rows: rows("INC-1", 3, 2),
        },
    );
    let update = reduce(&mut app, Action::OpenJournal);
    assert!(update.effects.is_empty(), "no reload: {:?}", update.effects);
    let Loadable::Ready(t) = &view(&app).data else {
        panic!()
    };
    assert_eq!(t.len(), 5);
    assert_eq!(step_under_cursor(&app), "st-1", "their place is kept");
}

#[test]
fn a_watch_that_ends_or_fails_says_so_and_the_next_open_reads_afresh() {
    let mut app = app();
    let job = open(&mut app);
    reduce(
        &mut app,
        Action::JournalAppended {
            job,
            rows: rows("", 0, 2),
        },
    );
    reduce(
        &mut app,
        Action::JournalLoaded {
            job,
            result: Err("permission denied".into()),
        },
    );
    let j = view(&app);
    assert!(!j.live);
    let row = current_row(j).unwrap();
    assert!(
        row.warning && row.detail.contains("permission denied"),
        "{row:?}"
    );
    assert_eq!(reduce(&mut app, Action::Back).effects.len(), 1, "cancelled");
    open(&mut app);

    // A stale job's rows are dropped.
    let update = reduce(
        &mut app,
        Action::JournalAppended {
            job,
            rows: rows("", 0, 1),
        },
    );
    assert!(!update.changed);
    assert!(matches!(view(&app).data, Loadable::Loading));
}

#[test]
fn after_a_write_only_a_view_that_is_not_following_is_read_again() {
    let mut app = app();
    let job = open(&mut app);
    reduce(
        &mut app,
        Action::JournalAppended {
            job,
            rows: rows("INC-1", 0, 3),
        },
    );
    assert!(
        reload_unless_live(&mut app).is_empty(),
        "live: nothing to do"
    );

    reduce(
        &mut app,
        Action::JournalLoaded {
            job,
            result: Ok(vec![]),
        },
    );
    let effects = reload_unless_live(&mut app);
    assert!(matches!(
        effects[..],
        [Effect::Load {
            request: Request::Journal,
            ..
        }]
    ));
    // Read afresh: the new job's rows replace the old ones instead of repeating them.
    assert!(matches!(view(&app).data, Loadable::Loading));
    let job = app.jobs.journal;
    reduce(
        &mut app,
        Action::JournalAppended {
            job,
            rows: rows("INC-1", 0, 4),
        },
    );
    let Loadable::Ready(t) = &view(&app).data else {
        panic!()
    };
    assert_eq!(t.len(), 4);
}
