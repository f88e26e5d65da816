//! Reducer unit tests: every action's effect on the state, without a terminal.

use super::*;
use crate::action::OpenedTenant;
use crate::app::Level;
use crate::fixture::{FixtureSource, FixtureTenant};
use crate::keymap::Keymap;
use crate::settings::Settings;
use crate::source::{AccountDetail, TenantInfo};
use reclaim_triage::{AccountAssessment, Verdict};

fn account(id: &str, name: &str, score: u8, verdict: Verdict) -> AccountAssessment {
    AccountAssessment {
        id: id.into(),
        user_principal_name: format!("{id}@contoso.com"),
        display_name: name.into(),
        job_title: Some("Analyst".into()),
        department: None,
        roles: vec![],
        risk_level: "low".into(),
        risk_state: "atRisk".into(),
        score,
        verdict,
        indicators: vec![],
        account_enabled: Some(true),
        user_type: Some("Member".into()),
        high_value: false,
        findings: Default::default(),
        complete: true,
    }
}

fn app_with(read_only: bool, colour: bool) -> App {
    let mut app = App::new(
        TenantInfo {
            name: "contoso".into(),
            domain: "contoso.com".into(),
            operator: "op@contoso.com".into(),
        },
        read_only,
        colour,
        Settings::default(),
        Keymap::defaults(read_only),
        None,
    );
    app.choices.profiles = vec!["contoso".into(), "fabrikam".into()];
    app.choices.themes = vec![
        "default".into(),
        "dark".into(),
        "light".into(),
        "none".into(),
    ];
    reduce(
        &mut app,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    app
}

/// An app whose first accounts load delivered `n` accounts (`u0` has the top score).
fn loaded(n: usize) -> App {
    let mut app = app_with(false, false);
    let effects = start(&mut app);
    let job = match &effects[..] {
        [Effect::Load {
            job,
            request: Request::Accounts,
        }] => *job,
        other => panic!("unexpected {other:?}"),
    };
    let accounts = (0..n)
        .map(|i| {
            let verdict = if i < 3 {
                Verdict::Compromised
            } else {
                Verdict::Clear
            };
            account(
                &format!("u{i}"),
                &format!("User {i:03}"),
                100 - i as u8,
                verdict,
            )
        })
        .collect();
    reduce(&mut app, Action::AccountsBatch { job, accounts });
    reduce(
        &mut app,
        Action::AccountsDone {
            job,
            result: Ok(()),
        },
    );
    app
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        reduce(app, Action::InputChar(c));
    }
}

fn detail_job(update: &Update) -> JobId {
    update
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::Load {
                job,
                request: Request::Detail(_),
            } => Some(*job),
            _ => None,
        })
        .expect("a detail load")
}

#[test]
fn batches_of_a_replaced_job_are_dropped() {
    let mut app = loaded(3);
    let old = app.jobs.accounts;
    let update = reduce(&mut app, Action::Refresh);
    assert!(matches!(
        update.effects[..],
        [Effect::Load {
            request: Request::Accounts,
            ..
        }]
    ));
    assert_eq!(app.accounts.total(), 0);
    let stale = reduce(
        &mut app,
        Action::AccountsBatch {
            job: old,
            accounts: vec![account("x", "X", 1, Verdict::Clear)],
        },
    );
    assert!(!stale.changed);
    assert_eq!(app.accounts.total(), 0);
}

#[test]
fn moving_the_cursor_scrolls_and_reports_no_change_at_the_edges() {
    let mut app = loaded(100);
    assert!(!reduce(&mut app, Action::Up).changed);
    assert!(reduce(&mut app, Action::Down).changed);
    assert_eq!(app.accounts.cursor, 1);
    reduce(&mut app, Action::PageDown);
    assert_eq!(app.accounts.cursor, 1 + app.page_rows());
    reduce(&mut app, Action::Bottom);
    assert_eq!(app.accounts.cursor, 99);
    assert_eq!(app.accounts.offset, 100 - app.page_rows());
    assert!(!reduce(&mut app, Action::Down).changed);
    reduce(&mut app, Action::Top);
    assert_eq!((app.accounts.cursor, app.accounts.offset), (0, 0));
}

#[test]
fn open_loads_the_detail_and_back_cancels_it() {
    let mut app = loaded(5);
    reduce(&mut app, Action::Down);
    let update = reduce(&mut app, Action::Open);
    let job = detail_job(&update);
    assert_eq!(app.detail().unwrap().account_id, "u1");
    assert_eq!(app.breadcrumbs(), ["accounts", "User 001", "overview"]);
    reduce(
        &mut app,
        Action::DetailLoaded {
            job,
            account_id: "u1".into(),
            result: Ok(Box::default()),
        },
    );
    assert!(matches!(app.detail().unwrap().data, Loadable::Ready(_)));
    let update = reduce(&mut app, Action::Back);
    assert!(matches!(update.effects[..], [Effect::Cancel(Pane::Detail)]));
    assert!(app.screen().is_none());
}

#[test]
fn latest_detail_job_wins() {
    let mut app = loaded(5);
    let first = detail_job(&reduce(&mut app, Action::Open));
    reduce(&mut app, Action::Back);
    reduce(&mut app, Action::Down);
    let second = detail_job(&reduce(&mut app, Action::Open));
    assert_ne!(first, second);
    let stale = reduce(
        &mut app,
        Action::DetailLoaded {
            job: first,
            account_id: "u0".into(),
            result: Ok(Box::default()),
        },
    );
    assert!(!stale.changed);
    assert!(matches!(app.detail().unwrap().data, Loadable::Loading));
    reduce(
        &mut app,
        Action::DetailLoaded {
            job: second,
            account_id: "u1".into(),
            result: Err("403".into()),
        },
    );
    assert_eq!(app.detail().unwrap().data, Loadable::Failed("403".into()));
}

#[test]
fn filter_applies_as_typed_and_esc_clears_it() {
    let mut app = loaded(20);
    reduce(&mut app, Action::StartFilter);
    type_text(&mut app, "user 01");
    assert_eq!(app.accounts.shown_len(), 10);
    reduce(&mut app, Action::InputSubmit);
    assert!(app.input.is_none());
    assert_eq!(app.accounts.shown_len(), 10);
    // Esc on the table clears a kept filter.
    reduce(&mut app, Action::Back);
    assert_eq!(app.accounts.shown_len(), 20);
    // Esc while typing cancels and clears.
    reduce(&mut app, Action::StartFilter);
    type_text(&mut app, "compromised");
    assert_eq!(app.accounts.shown_len(), 3);
    reduce(&mut app, Action::Back);
    assert_eq!(app.accounts.shown_len(), 20);
}

#[test]
fn filter_regex_and_inverse() {
    let mut app = loaded(20);
    reduce(&mut app, Action::StartFilter);
    type_text(&mut app, "!compromised");
    assert_eq!(app.accounts.shown_len(), 17);
    reduce(&mut app, Action::InputClear);
    type_text(&mut app, "^user 00[0-4]");
    assert_eq!(app.accounts.shown_len(), 5);
    // Keys in filter mode are text, not commands.
    type_text(&mut app, "q");
    assert!(!app.quit);
    reduce(&mut app, Action::InputBackspace);
    assert_eq!(app.accounts.shown_len(), 5);
}

#[test]
fn command_line_switches_theme_respecting_no_colour() {
    let mut app = loaded(3);
    reduce(&mut app, Action::StartCommand);
    type_text(&mut app, "theme dark");
    reduce(&mut app, Action::InputSubmit);
    assert_eq!(app.theme_name, "dark");
    assert!(app.theme.is_colourless(), "NO_COLOR keeps the none theme");
    assert!(app
        .status
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("colour is off"));

    let mut app = app_with(false, true);
    reduce(&mut app, Action::SetTheme("light".into()));
    assert_eq!(app.theme.name, "light");
    reduce(&mut app, Action::SetTheme("neon".into()));
    assert_eq!(app.theme.name, "light");
    assert_eq!(app.status.notice.as_ref().unwrap().level, Level::Error);
}

#[test]
fn command_completion_and_errors() {
    let mut app = loaded(3);
    reduce(&mut app, Action::StartCommand);
    type_text(&mut app, "te");
    assert_eq!(app.input.as_ref().unwrap().candidates, ["tenant"]);
    reduce(&mut app, Action::InputComplete);
    assert_eq!(app.input.as_ref().unwrap().text, "tenant ");
    type_text(&mut app, "f");
    reduce(&mut app, Action::InputComplete);
    assert_eq!(app.input.as_ref().unwrap().text, "tenant fabrikam ");
    let update = reduce(&mut app, Action::InputSubmit);
    assert!(
        matches!(&update.effects[..], [Effect::Load { request: Request::Tenant(t), .. }] if t == "fabrikam")
    );

    reduce(&mut app, Action::StartCommand);
    type_text(&mut app, "frobnicate");
    reduce(&mut app, Action::InputSubmit);
    assert!(app
        .status
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("unknown command"));
    // The notice goes away with the next key.
    reduce(&mut app, Action::Down);
    assert!(app.status.notice.is_none());

    reduce(&mut app, Action::StartCommand);
    type_text(&mut app, "q");
    reduce(&mut app, Action::InputSubmit);
    assert!(app.quit);
}

#[test]
fn read_only_may_plan_a_playbook() {
    // Planning sends no mutating request; the apply is what read-only mode takes away
    // (reducer/tests/contain.rs).
    let mut app = loaded(3);
    app.read_only = true;
    reduce(&mut app, Action::StartCommand);
    type_text(&mut app, "playbook contain-ato");
    let update = reduce(&mut app, Action::InputSubmit);
    assert!(matches!(
        update.effects.as_slice(),
        [Effect::Load {
            request: Request::Plan { .. },
            ..
        }]
    ));
}

#[test]
fn marks_and_copy() {
    let mut app = loaded(5);
    reduce(&mut app, Action::ToggleMark);
    assert_eq!(app.accounts.cursor, 1, "marking moves on, like k9s");
    reduce(&mut app, Action::ToggleMark);
    let update = reduce(&mut app, Action::Copy);
    assert!(
        matches!(&update.effects[..], [Effect::Copy(t)] if t == "u0@contoso.com\nu1@contoso.com")
    );
    reduce(&mut app, Action::ClearMarks);
    let update = reduce(&mut app, Action::Copy);
    assert!(matches!(&update.effects[..], [Effect::Copy(t)] if t == "u2@contoso.com"));
    reduce(&mut app, Action::MarkAllShown);
    assert_eq!(app.accounts.marks.len(), 5);
}

#[test]
fn copy_never_carries_control_sequences() {
    let mut app = app_with(false, false);
    let job = app.jobs.start(Pane::Accounts);
    let mut hostile = account("h", "H", 9, Verdict::Clear);
    hostile.user_principal_name = "h\x1b]52;c;ZXZpbA==\x07@contoso.com".into();
    reduce(
        &mut app,
        Action::AccountsBatch {
            job,
            accounts: vec![hostile],
        },
    );
    let update = reduce(&mut app, Action::Copy);
    let Effect::Copy(text) = &update.effects[0] else {
        panic!()
    };
    assert!(
        !text.chars().any(reclaim_core::sanitize::is_dangerous),
        "{text:?}"
    );
}

#[test]
fn detail_tabs_cycle_and_jump() {
    let mut app = loaded(3);
    reduce(&mut app, Action::Open);
    reduce(&mut app, Action::PrevTab);
    assert_eq!(app.detail().unwrap().tab, DetailTab::AppCredentials);
    reduce(&mut app, Action::NextTab);
    reduce(&mut app, Action::NextTab);
    assert_eq!(app.detail().unwrap().tab, DetailTab::SignIns);
    reduce(&mut app, Action::GoTab(DetailTab::Rules));
    assert_eq!(app.breadcrumbs().last().unwrap(), "inbox rules");
    assert!(!reduce(&mut app, Action::GoTab(DetailTab::Rules)).changed);
}

#[test]
fn help_overlay_takes_the_keys_until_closed() {
    let mut app = loaded(10);
    reduce(&mut app, Action::ToggleHelp);
    reduce(&mut app, Action::Down);
    assert_eq!(app.help, Some(1));
    assert_eq!(app.accounts.cursor, 0);
    assert!(!reduce(&mut app, Action::Open).changed);
    assert!(app.screen().is_none());
    reduce(&mut app, Action::Back);
    assert!(app.help.is_none());
}

#[test]
fn throttle_waits_show_until_their_timer() {
    let mut app = loaded(1);
    let update = reduce(
        &mut app,
        Action::Throttled {
            wait: Duration::from_secs(12),
        },
    );
    assert!(matches!(
        update.effects[..],
        [Effect::ThrottleTimer { seq: 1, .. }]
    ));
    reduce(
        &mut app,
        Action::Throttled {
            wait: Duration::from_secs(3),
        },
    );
    assert!(!reduce(&mut app, Action::ThrottleOver { seq: 1 }).changed);
    assert!(app.status.throttle.is_some());
    reduce(&mut app, Action::ThrottleOver { seq: 2 });
    assert!(app.status.throttle.is_none());
}

#[test]
fn switching_tenant_installs_the_source_and_reloads() {
    let mut app = loaded(5);
    reduce(&mut app, Action::Open);
    let update = reduce(&mut app, Action::SwitchTenant("fabrikam".into()));
    let job = match &update.effects[..] {
        [Effect::Load {
            job,
            request: Request::Tenant(_),
        }] => *job,
        other => panic!("{other:?}"),
    };
    let source = FixtureSource::new(FixtureTenant {
        tenant: TenantInfo {
            name: "fabrikam".into(),
            ..TenantInfo::default()
        },
        accounts: vec![],
        details: Default::default(),
        journal: vec![],
        batch_size: None,
        batch_delay_ms: 0,
        throttle_seconds: 0,
        containment: None,
        ..FixtureTenant::default()
    });
    let update = reduce(
        &mut app,
        Action::TenantOpened {
            job,
            result: Ok(OpenedTenant {
                info: source.tenant(),
                source: Arc::new(source),
            }),
        },
    );
    assert!(update
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Install(_))));
    assert!(update.effects.iter().any(|e| matches!(
        e,
        Effect::Load {
            request: Request::Accounts,
            ..
        }
    )));
    assert_eq!(app.tenant.name, "fabrikam");
    assert_eq!(app.accounts.total(), 0);
    assert!(app.screen().is_none());
    // Unknown profiles are refused before any work starts.
    let update = reduce(&mut app, Action::SwitchTenant("nope".into()));
    assert!(update.effects.is_empty());
}

#[test]
fn resize_redraw_and_journal() {
    let mut app = loaded(50);
    reduce(&mut app, Action::Bottom);
    reduce(
        &mut app,
        Action::Resize {
            width: 200,
            height: 50,
        },
    );
    assert_eq!(app.accounts.offset, 50usize.saturating_sub(app.page_rows()));
    let update = reduce(&mut app, Action::Redraw);
    assert!(matches!(update.effects[..], [Effect::ClearScreen]));
    let update = reduce(&mut app, Action::OpenJournal);
    assert!(matches!(
        update.effects[..],
        [Effect::Load {
            request: Request::Journal,
            ..
        }]
    ));
    assert!(
        !reduce(&mut app, Action::OpenJournal).changed,
        "already there"
    );
    assert_eq!(app.breadcrumbs(), ["accounts", "audit"]);
    reduce(&mut app, Action::StartCommand);
    type_text(&mut app, "accounts");
    let update = reduce(&mut app, Action::InputSubmit);
    assert!(app.screen().is_none());
    assert!(matches!(
        update.effects[..],
        [Effect::Cancel(Pane::Journal)]
    ));
}

#[test]
fn detail_rows_scroll_within_their_tab() {
    let mut app = loaded(3);
    let job = detail_job(&reduce(&mut app, Action::Open));
    let detail = AccountDetail {
        sign_ins: crate::source::Section::Rows(vec![Default::default(); 40]),
        ..Default::default()
    };
    reduce(
        &mut app,
        Action::DetailLoaded {
            job,
            account_id: "u0".into(),
            result: Ok(Box::new(detail)),
        },
    );
    reduce(&mut app, Action::GoTab(DetailTab::SignIns));
    reduce(&mut app, Action::Bottom);
    let d = app.detail().unwrap();
    assert_eq!(d.cursor[1], 39);
    assert_eq!(d.offset[1], 40 - app.page_rows());
    assert_eq!(d.cursor[0], 0, "other tabs keep their place");
}

mod background_filter;
mod contain;
mod suspend;
