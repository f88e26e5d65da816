//! Containment in the reducer: which accounts a plan is for, the confirmation rules (Cancel
//! focused; the count or the UPN typed), read-only refusal, the apply followed live, secrets
//! shown once, and an apply that is never dropped silently.

use super::*;
use crate::contain_view::{ConfirmKey, Focus};
use crate::containment::{ApplyFeed, Containment};
use crate::fixture_contain::{FixtureContainment, FIXTURE_PASSWORD};
use reclaim_contain::plan::Plan;
use reclaim_contain::report::{ApplyEvent, StepStatus};
use std::sync::Arc;

mod apply;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn fixture_for(app: &App) -> FixtureContainment {
    let accounts = (0..app.accounts.total())
        .filter_map(|i| app.accounts.shown_at(i).cloned())
        .collect();
    FixtureContainment {
        data: Arc::new(FixtureTenant {
            tenant: app.tenant.clone(),
            accounts,
            details: Default::default(),
            journal: vec![],
            batch_size: None,
            batch_delay_ms: 0,
            throttle_seconds: 0,
            containment: None,
            ..FixtureTenant::default()
        }),
    }
}

/// Runs the plan request the reducer asked for against the fixture and hands the result back.
fn plan_now(app: &mut App, update: Update) -> Plan {
    let (job, ids, playbook) = match update.effects.as_slice() {
        [Effect::Load {
            job,
            request:
                Request::Plan {
                    account_ids,
                    playbook,
                },
        }] => (*job, account_ids.clone(), playbook.clone()),
        other => panic!("expected a plan request, got {other:?}"),
    };
    let plan = rt()
        .block_on(fixture_for(app).plan(&ids, &playbook))
        .unwrap();
    reduce(
        app,
        Action::PlanReady {
            job,
            result: Ok(Box::new(plan.clone())),
        },
    );
    plan
}

fn confirm_state(app: &App) -> Option<&crate::contain_view::Confirm> {
    match app.screen() {
        Some(Screen::Plan(p)) => p.confirm.as_ref(),
        _ => None,
    }
}

fn key(app: &mut App, k: ConfirmKey) -> Update {
    reduce(app, Action::Confirm(k))
}

#[test]
fn p_plans_the_marked_accounts_else_the_cursor_else_the_open_account() {
    let mut app = loaded(5);
    let update = reduce(&mut app, Action::OpenPlan);
    assert!(matches!(
        update.effects.as_slice(),
        [Effect::Load { request: Request::Plan { account_ids, playbook }, .. }]
            if account_ids == &["u0"] && playbook == "contain-ato"
    ));
    assert_eq!(app.breadcrumbs(), ["accounts", "plan (contain-ato)"]);
    reduce(&mut app, Action::Back);
    assert!(app.screen().is_none());

    reduce(&mut app, Action::ToggleMark);
    reduce(&mut app, Action::ToggleMark);
    let update = reduce(&mut app, Action::Playbook("lockdown".into()));
    assert!(matches!(
        update.effects.as_slice(),
        [Effect::Load { request: Request::Plan { account_ids, playbook }, .. }]
            if account_ids == &["u0", "u1"] && playbook == "lockdown"
    ));
    reduce(&mut app, Action::Back);

    reduce(&mut app, Action::Open);
    let update = reduce(&mut app, Action::OpenPlan);
    assert!(matches!(
        update.effects.as_slice(),
        [Effect::Load { request: Request::Plan { account_ids, .. }, .. }] if account_ids.len() == 1
    ));
}

#[test]
fn an_unknown_playbook_is_refused_with_the_list() {
    let mut app = loaded(2);
    app.choices.playbooks = vec!["contain-ato".into(), "lockdown".into()];
    let update = reduce(&mut app, Action::Playbook("nuke".into()));
    assert!(update.effects.is_empty());
    let notice = app.status.notice.as_ref().unwrap().text.clone();
    assert!(notice.contains("contain-ato, lockdown"), "{notice}");
}

#[test]
fn confirmation_starts_on_cancel_and_needs_the_count_typed() {
    let mut app = loaded(3);
    reduce(&mut app, Action::ToggleMark);
    reduce(&mut app, Action::ToggleMark);
    let update = reduce(&mut app, Action::OpenPlan);
    let plan = plan_now(&mut app, update);
    assert_eq!(plan.accounts.len(), 2);

    reduce(&mut app, Action::ConfirmPlan);
    let c = confirm_state(&app).expect("the dialog opens");
    assert_eq!(c.focus, Focus::Cancel);
    assert_eq!(c.required.as_deref(), Some("2"));
    // Enter on the focused Cancel: nothing happens to the tenant.
    let update = key(&mut app, ConfirmKey::Enter);
    assert!(update.effects.is_empty());
    assert!(confirm_state(&app).is_none());
    assert!(app
        .status
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("nothing was sent"));

    reduce(&mut app, Action::ConfirmPlan);
    key(&mut app, ConfirmKey::Switch);
    assert!(
        key(&mut app, ConfirmKey::Enter).effects.is_empty(),
        "nothing typed yet"
    );
    key(&mut app, ConfirmKey::Char('3'));
    assert!(
        key(&mut app, ConfirmKey::Enter).effects.is_empty(),
        "wrong count"
    );
    key(&mut app, ConfirmKey::Backspace);
    key(&mut app, ConfirmKey::Char('2'));
    let update = key(&mut app, ConfirmKey::Enter);
    assert!(matches!(
        update.effects.as_slice(),
        [Effect::Load { request: Request::Apply(p), .. }] if p.id == plan.id
    ));
    assert!(matches!(app.screen(), Some(Screen::Progress)));
    assert_eq!(
        app.breadcrumbs(),
        ["accounts", "plan (contain-ato)", "progress"]
    );
    // The plan below cannot be applied a second time.
    reduce(&mut app, Action::Back);
    reduce(&mut app, Action::ConfirmPlan);
    assert!(confirm_state(&app).is_none());
}

#[test]
fn one_account_with_irreversible_steps_needs_its_upn_and_esc_cancels() {
    let mut app = loaded(2);
    let update = reduce(&mut app, Action::OpenPlan);
    plan_now(&mut app, update);
    reduce(&mut app, Action::ConfirmPlan);
    assert_eq!(
        confirm_state(&app).unwrap().required.as_deref(),
        Some("u0@contoso.com")
    );
    key(&mut app, ConfirmKey::Switch);
    for c in "u0@contoso.co".chars() {
        key(&mut app, ConfirmKey::Char(c));
    }
    assert!(key(&mut app, ConfirmKey::Enter).effects.is_empty());
    // Esc closes the dialog, not the plan.
    let update = key(&mut app, ConfirmKey::Esc);
    assert!(update.effects.is_empty());
    assert!(confirm_state(&app).is_none());
    assert!(matches!(app.screen(), Some(Screen::Plan(_))));
}

#[test]
fn read_only_shows_the_plan_but_never_opens_the_confirmation() {
    let mut app = loaded(2);
    app.read_only = true;
    app.keymap = crate::keymap::Keymap::defaults(true);
    let update = reduce(&mut app, Action::OpenPlan);
    plan_now(&mut app, update);
    let update = reduce(&mut app, Action::ConfirmPlan);
    assert!(update.effects.is_empty());
    assert!(confirm_state(&app).is_none());
    assert!(app
        .status
        .notice
        .as_ref()
        .unwrap()
        .text
        .contains("read-only"));
    // Even a forged confirmation key has nothing to confirm.
    for k in [ConfirmKey::Switch, ConfirmKey::Enter] {
        assert!(key(&mut app, k).effects.is_empty());
    }
    assert!(app.apply.is_none());
}
