//! The `/` filter on large tables: a background job whose latest answer wins.

use super::*;

/// Runs a filter effect the way the event loop does, returning its answer as an action.
fn run_filter(effect: &Effect) -> Action {
    match effect {
        Effect::Filter {
            job,
            filter,
            index,
            previous,
        } => {
            let previous = previous.as_ref().map(|(f, h)| (f, h.as_slice()));
            Action::FilterDone {
                job: *job,
                filter: filter.clone(),
                hits: index.matches(filter, previous),
            }
        }
        other => panic!("not a filter effect: {other:?}"),
    }
}

#[test]
fn large_tables_filter_in_the_background_and_the_latest_job_wins() {
    let mut app = loaded(100);
    app.accounts.background_filter_rows = 50;
    reduce(&mut app, Action::StartFilter);
    let first = reduce(&mut app, Action::InputChar('u'));
    // The keystroke is drawn at once; the rows have not changed yet.
    assert!(first.changed);
    assert_eq!(app.accounts.shown_len(), 100);
    assert!(app.loading.contains(&Pane::Filter));
    let mut latest = None;
    for c in "ser 01".chars() {
        latest = Some(reduce(&mut app, Action::InputChar(c)));
    }
    let latest = latest.unwrap();
    // The first job's answer arrives late: dropped.
    assert!(!reduce(&mut app, run_filter(&first.effects[0])).changed);
    assert_eq!(app.accounts.shown_len(), 100);
    reduce(&mut app, run_filter(&latest.effects[0]));
    assert_eq!(app.accounts.shown_len(), 10);
    assert!(!app.loading.contains(&Pane::Filter));
    // Typing on narrows the previous answer and still agrees with a fresh search.
    let next = reduce(&mut app, Action::InputChar('5'));
    reduce(&mut app, run_filter(&next.effects[0]));
    assert_eq!(app.accounts.current().unwrap().display_name, "User 015");
    assert_eq!(app.accounts.shown_len(), 1);
    // Esc while a scan runs cancels it and clears the filter.
    reduce(&mut app, Action::InputChar('x'));
    let esc = reduce(&mut app, Action::Back);
    assert!(matches!(esc.effects[..], [Effect::Cancel(Pane::Filter)]));
    assert_eq!(app.accounts.shown_len(), 100);
}

#[test]
fn a_background_answer_is_completed_for_rows_that_arrived_meanwhile() {
    let mut app = loaded(60);
    app.accounts.background_filter_rows = 50;
    reduce(&mut app, Action::StartFilter);
    let typed = reduce(&mut app, Action::InputChar('1'));
    let answer = run_filter(&typed.effects[0]);
    // More accounts arrive before the answer: one that matches, one that does not.
    let job = app.jobs.accounts;
    reduce(
        &mut app,
        Action::AccountsBatch {
            job,
            accounts: vec![
                account("late", "Late 1", 1, Verdict::Clear),
                account("other", "Other", 1, Verdict::Clear),
            ],
        },
    );
    // Checked on arrival instead of searching all rows again.
    let applied = reduce(&mut app, answer);
    assert!(applied.effects.is_empty(), "{:?}", applied.effects);
    assert!(!app.loading.contains(&Pane::Filter));
    let shown: Vec<_> = (0..app.accounts.shown_len())
        .map(|i| app.accounts.shown_at(i).unwrap().id.clone())
        .collect();
    assert!(shown.contains(&"late".to_string()));
    assert!(!shown.contains(&"other".to_string()));
}

#[test]
fn a_background_answer_for_a_table_that_changed_too_much_is_recomputed() {
    let mut app = loaded(60);
    app.accounts.background_filter_rows = 50;
    reduce(&mut app, Action::StartFilter);
    let typed = reduce(&mut app, Action::InputChar('1'));
    let answer = run_filter(&typed.effects[0]);
    let job = app.jobs.accounts;
    let many = (0..5000)
        .map(|i| account(&format!("late{i}"), &format!("Late {i}"), 1, Verdict::Clear))
        .collect();
    reduce(
        &mut app,
        Action::AccountsBatch {
            job,
            accounts: many,
        },
    );
    let again = reduce(&mut app, answer);
    assert!(matches!(again.effects[..], [Effect::Filter { .. }]));
    reduce(&mut app, run_filter(&again.effects[0]));
    assert!(app.accounts.get("late1").is_some());
    assert!((0..app.accounts.shown_len()).any(|i| app.accounts.shown_at(i).unwrap().id == "late1"));
}
