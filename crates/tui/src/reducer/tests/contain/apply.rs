//! An apply followed in the reducer: progress live, the secret shown once, esc and quit
//! while it runs, stale results dropped, and the table's marks afterwards.

use super::*;

/// A plan for `u0` applied through the fixture; returns the app on the progress screen and
/// the apply's actions (events, secret, final report) in order.
fn applied() -> (App, Vec<Action>) {
    applied_among(2)
}

/// u0 planned and applied against the fixture, among `n` accounts; the apply's actions not
/// yet reduced.
fn applied_among(n: usize) -> (App, Vec<Action>) {
    let mut app = loaded(n);
    let update = reduce(&mut app, Action::OpenPlan);
    plan_now(&mut app, update);
    reduce(&mut app, Action::ConfirmPlan);
    key(&mut app, ConfirmKey::Switch);
    for c in "u0@contoso.com".chars() {
        key(&mut app, ConfirmKey::Char(c));
    }
    let update = key(&mut app, ConfirmKey::Enter);
    let (job, plan) = match update.effects.as_slice() {
        [Effect::Load {
            job,
            request: Request::Apply(plan),
        }] => (*job, plan.clone()),
        other => panic!("{other:?}"),
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let fixture = fixture_for(&app);
    let report = rt()
        .block_on(fixture.apply(&plan, ApplyFeed::new(tx, job)))
        .unwrap();
    let mut actions = Vec::new();
    while let Ok(a) = rx.try_recv() {
        actions.push(a);
    }
    actions.push(Action::ApplyDone {
        job,
        result: Ok(Box::new(report)),
    });
    (app, actions)
}

#[test]
fn progress_follows_each_step_and_the_secret_is_shown_once() {
    let (mut app, actions) = applied();
    let total = app.apply.as_ref().unwrap().tally().total;
    assert_eq!(app.apply.as_ref().unwrap().tally().pending, total);
    let mut saw_running = false;
    for a in actions {
        if let Action::SecretShown { .. } = &a {
            assert!(
                !format!("{a:?}").contains(FIXTURE_PASSWORD),
                "a secret must not reach Debug output (logs)"
            );
        }
        let is_start = matches!(
            &a,
            Action::ApplyProgress {
                event: ApplyEvent::StepStarted { .. },
                ..
            }
        );
        reduce(&mut app, a);
        if is_start {
            saw_running |= app.apply.as_ref().unwrap().tally().running == 1;
        }
    }
    assert!(saw_running);
    let a = app.apply.as_ref().unwrap();
    assert!(!a.running());
    assert_eq!(a.tally().verified, total);
    assert_eq!(a.secrets.len(), 1);
    assert_eq!(a.secrets[0].secret.expose(), FIXTURE_PASSWORD);
    assert!(a.view.summary.as_deref().unwrap().contains("1 of 1"));
    // `a` goes to the audit view on top of the progress.
    let update = reduce(&mut app, Action::OpenJournal);
    assert!(matches!(
        update.effects.as_slice(),
        [Effect::Load {
            request: Request::Journal,
            ..
        }]
    ));
    reduce(&mut app, Action::Back);
    assert!(matches!(app.screen(), Some(Screen::Progress)));
    assert_eq!(app.apply.as_ref().unwrap().secrets.len(), 1);
    // Leaving the finished apply forgets the secret.
    reduce(&mut app, Action::Back);
    assert!(app.apply.as_ref().unwrap().secrets.is_empty());
}

#[test]
fn esc_during_apply_keeps_it_running_and_quit_asks_first() {
    let (mut app, actions) = applied();
    let update = reduce(&mut app, Action::Back);
    assert!(
        update.effects.is_empty(),
        "leaving the progress screen must not cancel the apply: {:?}",
        update.effects
    );
    assert!(app
        .status
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("background"));
    assert!(app.loading.contains(&Pane::Apply));
    // Events keep arriving; the secret waits for the operator.
    for a in actions {
        reduce(&mut app, a);
    }
    assert_eq!(app.apply.as_ref().unwrap().secrets.len(), 1);
    reduce(&mut app, Action::OpenProgress);
    assert!(matches!(app.screen(), Some(Screen::Progress)));

    // An audit view opened during the apply is read again when it ends.
    let (mut app, actions) = applied();
    reduce(&mut app, Action::OpenJournal);
    let mut reloads = 0;
    for a in actions {
        let update = reduce(&mut app, a);
        reloads += update
            .effects
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Effect::Load {
                        request: Request::Journal,
                        ..
                    }
                )
            })
            .count();
    }
    assert_eq!(reloads, 1);

    let (mut app, _) = applied();
    reduce(&mut app, Action::Quit);
    assert!(!app.quit, "the first q only warns");
    assert!(app.status.notice.as_ref().unwrap().text.contains("q again"));
    reduce(&mut app, Action::Quit);
    assert!(app.quit);
    // Also with the help overlay open.
    let (mut app, _) = applied();
    reduce(&mut app, Action::ToggleHelp);
    reduce(&mut app, Action::Quit);
    assert!(!app.quit, "help's q skipped the question");
}

#[test]
fn a_second_apply_cannot_start_while_one_runs() {
    let (mut app, _) = applied();
    reduce(&mut app, Action::Home);
    let update = reduce(&mut app, Action::OpenPlan);
    plan_now(&mut app, update);
    reduce(&mut app, Action::ConfirmPlan);
    assert!(confirm_state(&app).is_none());
    assert!(app
        .status
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("still running"));
}

#[test]
fn stale_plan_results_are_dropped_and_failures_are_shown() {
    let mut app = loaded(2);
    let first = reduce(&mut app, Action::OpenPlan);
    let old_job = match first.effects.as_slice() {
        [Effect::Load { job, .. }] => *job,
        other => panic!("{other:?}"),
    };
    reduce(&mut app, Action::Back);
    let update = reduce(&mut app, Action::OpenPlan);
    reduce(
        &mut app,
        Action::PlanReady {
            job: old_job,
            result: Err("old".into()),
        },
    );
    assert!(matches!(app.screen(), Some(Screen::Plan(p)) if p.data == Loadable::Loading));
    let job = match update.effects.as_slice() {
        [Effect::Load { job, .. }] => *job,
        other => panic!("{other:?}"),
    };
    reduce(
        &mut app,
        Action::PlanReady {
            job,
            result: Err("403: needs User.ReadWrite.All".into()),
        },
    );
    assert!(matches!(app.screen(), Some(Screen::Plan(p)) if matches!(p.data, Loadable::Failed(_))));
    assert!(reduce(&mut app, Action::ConfirmPlan).effects.is_empty());
}

#[test]
fn step_status_reaches_the_row() {
    let (mut app, _) = applied();
    let id = app.apply.as_ref().unwrap().view.rows[1].id.clone();
    let job = app.jobs.apply;
    reduce(
        &mut app,
        Action::ApplyProgress {
            job,
            event: ApplyEvent::StepFinished {
                step: id,
                status: StepStatus::Failed {
                    error: "403".into(),
                },
            },
        },
    );
    assert_eq!(app.apply.as_ref().unwrap().tally().failed, 1);
}

#[test]
fn the_confirmation_takes_every_key() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = loaded(2);
    let update = reduce(&mut app, Action::OpenPlan);
    plan_now(&mut app, update);
    let press = |code| KeyEvent::new(code, KeyModifiers::NONE);
    // Before the dialog, enter is the plan's apply key.
    assert!(matches!(
        crate::event_loop::key_action(&app, &press(KeyCode::Enter)),
        Some(Action::ConfirmPlan)
    ));
    reduce(&mut app, Action::ConfirmPlan);
    assert!(app.confirming());
    let cases = [
        (
            KeyCode::Char('q'),
            Some(Action::Confirm(ConfirmKey::Char('q'))),
        ),
        (
            KeyCode::Char('a'),
            Some(Action::Confirm(ConfirmKey::Char('a'))),
        ),
        (KeyCode::Tab, Some(Action::Confirm(ConfirmKey::Switch))),
        (KeyCode::Right, Some(Action::Confirm(ConfirmKey::Switch))),
        (KeyCode::Esc, Some(Action::Confirm(ConfirmKey::Esc))),
        (KeyCode::Enter, Some(Action::Confirm(ConfirmKey::Enter))),
        (KeyCode::F(5), None),
    ];
    for (code, want) in cases {
        let got = crate::event_loop::key_action(&app, &press(code));
        assert_eq!(format!("{got:?}"), format!("{want:?}"), "{code:?}");
    }
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(matches!(
        crate::event_loop::key_action(&app, &ctrl_c),
        Some(Action::Confirm(ConfirmKey::Esc))
    ));
}

#[test]
fn progress_follows_the_running_step_until_scrolled() {
    let mut app = loaded(12);
    reduce(&mut app, Action::MarkAllShown);
    let update = reduce(&mut app, Action::OpenPlan);
    plan_now(&mut app, update);
    reduce(&mut app, Action::ConfirmPlan);
    key(&mut app, ConfirmKey::Switch);
    for c in "12".chars() {
        key(&mut app, ConfirmKey::Char(c));
    }
    key(&mut app, ConfirmKey::Enter);
    let job = app.jobs.apply;
    let ids: Vec<String> = app
        .apply
        .as_ref()
        .unwrap()
        .view
        .rows
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let page = progress_page(&app);
    assert!(ids.len() > page * 2, "{} rows, page {page}", ids.len());
    let start = |app: &mut App, i: usize| {
        reduce(
            app,
            Action::ApplyProgress {
                job,
                event: ApplyEvent::StepStarted {
                    step: ids[i].clone(),
                },
            },
        );
    };
    start(&mut app, page * 2);
    let offset = app.apply.as_ref().unwrap().offset;
    assert!(offset <= page * 2 && page * 2 < offset + page, "{offset}");
    // The operator scrolls: the view stays where they put it.
    reduce(&mut app, Action::Top);
    start(&mut app, page * 2 + 1);
    assert_eq!(app.apply.as_ref().unwrap().offset, 0);
}

#[test]
fn single_actions_instead_of_a_playbook() {
    let mut app = loaded(2);
    app.choices.playbooks = vec!["contain-ato".into()];
    let update = reduce(
        &mut app,
        Action::Playbook("revoke-sessions,disable-signin".into()),
    );
    let plan = plan_now(&mut app, update);
    let actions: Vec<&str> = plan.accounts[0]
        .steps
        .iter()
        .map(|s| s.action.name())
        .collect();
    assert_eq!(actions, ["disable-signin", "revoke-sessions"]);
    reduce(&mut app, Action::Back);
    let update = reduce(&mut app, Action::Playbook("revoke-sessions,nuke".into()));
    assert!(update.effects.is_empty());
    assert!(app
        .status
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("no playbook or action"));
    // `:playbook` completes actions after the playbooks.
    let c = crate::commands::candidates("playbook rev", false, &app.choices);
    assert!(c.contains(&"revoke-sessions".to_string()), "{c:?}");
}

/// The table's text at 160 columns, one string per row.
fn table_lines(app: &App) -> Vec<String> {
    let area = ratatui::layout::Rect::new(0, 0, 160, 30);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    crate::views::render(app, area, &mut buf);
    (0..area.height)
        .map(|y| (0..area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

#[test]
fn the_table_marks_what_an_apply_contained_and_a_partial_apply() {
    use crate::contain_state::Applied;
    use reclaim_contain::report::AccountOutcome;
    let (mut app, mut actions) = applied_among(3);
    // The fixture contained u0; say it stopped on u1 (never planned) to see "partial" too.
    if let Some(Action::ApplyDone {
        result: Ok(report), ..
    }) = actions.last_mut()
    {
        let mut partial = report.accounts[0].clone();
        partial.user_id = "u1".into();
        partial.outcome = AccountOutcome::Stopped { step: "x-1".into() };
        report.accounts.push(partial);
        let mut drifted = report.accounts[0].clone();
        drifted.user_id = "u2".into();
        drifted.outcome = AccountOutcome::Drift { changes: vec![] };
        report.accounts.push(drifted);
    }
    for a in actions {
        reduce(&mut app, a);
    }
    assert_eq!(app.applied.get("u0"), Some(&Applied::Contained));
    assert_eq!(app.applied.get("u1"), Some(&Applied::Partial));
    assert_eq!(
        app.applied.get("u2"),
        None,
        "nothing was sent for a drifted account"
    );
    reduce(&mut app, Action::Home);
    let lines = table_lines(&app);
    let row = |name: &str| {
        lines
            .iter()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not shown: {lines:#?}"))
            .clone()
    };
    assert!(row("User 000").contains("contained"), "{lines:#?}");
    assert!(row("User 001").contains("partial"), "{lines:#?}");
    assert!(row("User 002").contains("compromised"), "{lines:#?}");
    assert!(!row("User 002").contains("contained"));
}

#[test]
fn an_apply_from_the_detail_view_reloads_that_account() {
    let mut app = loaded(2);
    reduce(&mut app, Action::Open);
    let update = reduce(&mut app, Action::OpenPlan);
    plan_now(&mut app, update);
    reduce(&mut app, Action::ConfirmPlan);
    key(&mut app, ConfirmKey::Switch);
    for c in "u0@contoso.com".chars() {
        key(&mut app, ConfirmKey::Char(c));
    }
    let update = key(&mut app, ConfirmKey::Enter);
    let [Effect::Load {
        job,
        request: Request::Apply(plan),
    }] = update.effects.as_slice()
    else {
        panic!("{:?}", update.effects)
    };
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let report = rt()
        .block_on(fixture_for(&app).apply(plan, ApplyFeed::new(tx, *job)))
        .unwrap();
    let update = reduce(
        &mut app,
        Action::ApplyDone {
            job: *job,
            result: Ok(Box::new(report)),
        },
    );
    assert!(
        update.effects.iter().any(|e| matches!(
            e,
            Effect::Load {
                request: Request::Detail(id),
                ..
            } if id == "u0"
        )),
        "{:?}",
        update.effects
    );
}

#[test]
fn earlier_applies_mark_the_table_and_name_the_apply_that_was_cut_off() {
    use crate::contain_state::Applied;
    use reclaim_contain::earlier::{EarlierApplies, Unfinished};
    let earlier = |plans: &[&str]| EarlierApplies {
        marks: [("u0", Applied::Partial), ("u1", Applied::Contained)]
            .into_iter()
            .map(|(id, m)| (id.to_string(), m))
            .collect(),
        unfinished: plans
            .iter()
            .map(|p| Unfinished {
                plan_id: p.to_string(),
                plan_file: (*p == "p-2\u{1b}[2J").then(|| "/state/plans/p-2.json".into()),
            })
            .collect(),
    };
    // The apply of u0 in this session is newer than the journal read: its mark stays.
    let (mut app, actions) = applied_among(3);
    for a in actions {
        reduce(&mut app, a);
    }
    let job = app.jobs.accounts;
    reduce(
        &mut app,
        Action::EarlierApplies {
            job,
            earlier: earlier(&["p-1", "p-2\u{1b}[2J"]),
        },
    );
    assert_eq!(app.applied.get("u0"), Some(&Applied::Contained));
    assert_eq!(app.applied.get("u1"), Some(&Applied::Contained));
    let text = app.status.notice.clone().unwrap().text;
    assert!(
        text.contains("did not finish (1 earlier ones too")
            && text.contains("`reclaim apply /state/plans/p-2.json` finishes it")
            && !text.contains('\u{1b}'),
        "{text}"
    );

    // From a stale accounts job: ignored.
    let mut fresh = loaded(3);
    reduce(
        &mut fresh,
        Action::EarlierApplies {
            job: JobId::default(),
            earlier: earlier(&["p-1"]),
        },
    );
    assert!(fresh.applied.is_empty());

    // This console's own apply, still running, is not reported as cut off.
    let (mut running, mut actions) = applied_among(2);
    actions.pop(); // ApplyDone not yet arrived
    for a in actions {
        reduce(&mut running, a);
    }
    let own = running.apply.as_ref().unwrap().plan_id.clone();
    let before = running.status.notice.clone();
    let job = running.jobs.accounts;
    reduce(
        &mut running,
        Action::EarlierApplies {
            job,
            earlier: earlier(&[own.as_str()]),
        },
    );
    assert_eq!(running.status.notice, before, "{:?}", running.status.notice);
}
