use super::*;
use crate::contain_view::{ConfirmKey, Focus};
use crate::keymap::{Context, Keymap};
use crate::settings::Settings;
use crate::source::{JournalRow, TenantInfo};
use reclaim_contain::undo_preview::UndoPreview;

fn app(read_only: bool) -> App {
    let mut app = App::new(
        TenantInfo::default(),
        read_only,
        true,
        Settings::default(),
        Keymap::defaults(read_only),
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

/// An open, live audit view whose last row is step `st-1`.
fn on_audit(read_only: bool) -> App {
    let mut app = app(read_only);
    reduce(&mut app, Action::OpenJournal);
    let job = app.jobs.journal;
    let rows = vec![
        JournalRow::warning("broken"),
        JournalRow {
            step_id: "st-1".into(),
            action: "restore-phone".into(),
            outcome: "verified".into(),
            ..JournalRow::default()
        },
    ];
    reduce(&mut app, Action::JournalAppended { job, rows });
    app
}

fn confirm(app: &App) -> Option<&UndoConfirm> {
    match app.screen() {
        Some(Screen::Journal(j)) => j.confirm.as_ref(),
        _ => None,
    }
}

fn preview(blocked: Option<&str>) -> Box<UndoPreview> {
    Box::new(UndoPreview {
        step: "st-1".into(),
        restores: vec!["the mobile phone number back to +1 5550199".into()],
        blocked: blocked.map(str::to_string),
        ..UndoPreview::default()
    })
}

#[test]
fn u_asks_first_with_cancel_focused_and_sends_nothing_on_cancel() {
    let mut app = on_audit(false);
    let update = reduce(&mut app, Action::UndoStep);
    let job = match &update.effects[..] {
        [Effect::Load {
            job,
            request: Request::UndoPreview(step),
        }] if step == "st-1" => *job,
        other => panic!("{other:?}"),
    };
    assert!(app.confirming(), "the dialog has the keys");
    assert_eq!(confirm(&app).unwrap().focus, Focus::Cancel);
    reduce(
        &mut app,
        Action::UndoPreviewReady {
            job,
            result: Ok(preview(None)),
        },
    );
    // Enter on Cancel: closed, nothing sent.
    let update = reduce(&mut app, Action::Confirm(ConfirmKey::Enter));
    assert!(update.effects.is_empty(), "{:?}", update.effects);
    assert!(confirm(&app).is_none());
    assert!(!app.confirming());
    assert_eq!(app.contexts()[0], Context::Audit);
}

#[test]
fn confirming_runs_the_undo_and_its_result_is_reported() {
    let mut app = on_audit(false);
    reduce(&mut app, Action::UndoStep);
    let job = app.jobs.undo;
    reduce(
        &mut app,
        Action::UndoPreviewReady {
            job,
            result: Ok(preview(None)),
        },
    );
    reduce(&mut app, Action::Confirm(ConfirmKey::Switch));
    assert_eq!(confirm(&app).unwrap().focus, Focus::Confirm);
    let update = reduce(&mut app, Action::Confirm(ConfirmKey::Enter));
    let job = match &update.effects[..] {
        [Effect::Load {
            job,
            request: Request::Undo(step),
        }] if step == "st-1" => *job,
        other => panic!("{other:?}"),
    };
    assert!(confirm(&app).is_none());
    // A second `u` while it runs is refused.
    let update = reduce(&mut app, Action::UndoStep);
    assert!(update.effects.is_empty());
    assert!(app.status.notice.as_ref().unwrap().text.contains("running"));
    let undone = reclaim_contain::undo::Undone {
        step: "st-1".into(),
        action: reclaim_contain::action::ActionKind::RestorePhone,
        target: "dana@contoso.com".into(),
        user_id: "u-dana".into(),
        op: reclaim_contain::op::Op::SetAccountEnabled { enabled: true },
        detail: "mobile +1 5550199\u{1b}[2J".into(),
    };
    let contained = reclaim_contain::report::Applied::Contained;
    app.applied.insert("u-dana".into(), contained);
    app.applied.insert("u-other".into(), contained);
    let update = reduce(
        &mut app,
        Action::UndoDone {
            job,
            step: "st-1".into(),
            result: Ok(Box::new(undone)),
        },
    );
    assert!(update.effects.is_empty(), "a live view needs no reload");
    // Part of dana's containment is reversed; the other account keeps its mark.
    assert_eq!(
        app.applied.get("u-dana"),
        Some(&reclaim_contain::report::Applied::Partial)
    );
    assert_eq!(app.applied.get("u-other"), Some(&contained));
    let notice = &app.status.notice.as_ref().unwrap().text;
    assert!(
        notice.contains("st-1 undone") && !notice.contains('\u{1b}'),
        "{notice}"
    );
}

#[test]
fn a_step_that_cannot_be_undone_offers_only_close() {
    let mut app = on_audit(false);
    reduce(&mut app, Action::UndoStep);
    let job = app.jobs.undo;
    reduce(
        &mut app,
        Action::UndoPreviewReady {
            job,
            result: Ok(preview(Some("`revoke-sessions` cannot be undone"))),
        },
    );
    reduce(&mut app, Action::Confirm(ConfirmKey::Switch));
    assert_eq!(
        confirm(&app).unwrap().focus,
        Focus::Cancel,
        "no undo button"
    );
    assert!(reduce(&mut app, Action::Confirm(ConfirmKey::Enter))
        .effects
        .is_empty());
    assert!(confirm(&app).is_none());
}

#[test]
fn esc_while_the_preview_loads_cancels_it_and_keeps_the_view() {
    let mut app = on_audit(false);
    reduce(&mut app, Action::UndoStep);
    let update = reduce(&mut app, Action::Confirm(ConfirmKey::Esc));
    assert!(matches!(update.effects[..], [Effect::Cancel(Pane::Undo)]));
    assert!(matches!(app.screen(), Some(Screen::Journal(_))));
    assert!(confirm(&app).is_none());
}

#[test]
fn warning_rows_are_not_steps_and_read_only_has_no_undo() {
    let mut app = on_audit(false);
    reduce(&mut app, Action::Up);
    assert!(reduce(&mut app, Action::UndoStep).effects.is_empty());
    assert!(confirm(&app).is_none());

    let mut app = on_audit(true);
    assert!(reduce(&mut app, Action::UndoStep).effects.is_empty());
    assert!(confirm(&app).is_none());
    assert!(app.keymap.key_for(Context::Audit, "undo").is_none());
}
