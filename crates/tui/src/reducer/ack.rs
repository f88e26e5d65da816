//! Acknowledging a handed-over manual step from the audit view: `c` on the Exchange check's
//! `exchange-check-handed-over` record journals that the operator carried it out (as
//! `reclaim ack STEP_ID` does). It sends nothing to Graph.

use super::journal::current_row;
use super::*;
use reclaim_core::sanitize::inert;

/// `c`: acknowledge the manual step under the cursor.
pub(super) fn ask(app: &mut App) -> Update {
    let busy = app.loading.contains(&Pane::Undo);
    let Some(Screen::Journal(j)) = app.screens.last() else {
        return Update::default();
    };
    let step = match current_row(j) {
        Some(r)
            if r.detail.starts_with(reclaim_contain::exchange::HANDED_OVER)
                && !r.step_id.is_empty() =>
        {
            r.step_id.clone()
        }
        Some(_) => {
            app.notify(
                Level::Warn,
                "select a handed-over Exchange check (exchange-check-handed-over) to confirm it",
            );
            return Update::changed(true);
        }
        None => return Update::default(),
    };
    if busy {
        app.notify(
            Level::Warn,
            "an undo or acknowledgement is running: wait for it",
        );
        return Update::changed(true);
    }
    Update::with(load(app, Request::Ack(step)))
}

pub(super) fn done(app: &mut App, job: JobId, step: String, result: Result<(), String>) -> Update {
    if job != app.jobs.undo {
        return Update::default();
    }
    app.set_loading(Pane::Undo, false);
    match result {
        Ok(()) => app.notify(
            Level::Info,
            format!(
                "step {} acknowledged: the Exchange check is journaled as done; apply the plan again to mark the account contained",
                inert(&step)
            ),
        ),
        Err(e) => app.notify(
            Level::Error,
            format!("acknowledging step {} failed: {}", inert(&step), inert(&e)),
        ),
    }
    let reload = super::journal::reload_unless_live(app);
    if !reload.is_empty() {
        return Update::with(reload);
    }
    Update::changed(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::Keymap;
    use crate::settings::Settings;
    use crate::source::{JournalRow, TenantInfo};

    /// An open audit view whose last row is the hand-over of step `pl-01-11`, after step
    /// `pl-01-10`'s outcome.
    fn on_audit() -> App {
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
        reduce(&mut app, Action::OpenJournal);
        let job = app.jobs.journal;
        let rows = vec![
            JournalRow {
                step_id: "pl-01-10".into(),
                action: "enable-signin".into(),
                outcome: "verified".into(),
                ..JournalRow::default()
            },
            JournalRow {
                step_id: "pl-01-11".into(),
                outcome: "note".into(),
                detail: "exchange-check-handed-over for cfo@contoso.com".into(),
                ..JournalRow::default()
            },
        ];
        reduce(&mut app, Action::JournalAppended { job, rows });
        app
    }

    #[test]
    fn c_on_a_hand_over_journals_the_ack_and_elsewhere_says_what_to_pick() {
        let mut app = on_audit();
        let update = reduce(&mut app, Action::AckStep);
        let job = match &update.effects[..] {
            [Effect::Load {
                job,
                request: Request::Ack(step),
            }] if step == "pl-01-11" => *job,
            other => panic!("{other:?}"),
        };
        reduce(
            &mut app,
            Action::AckDone {
                job,
                step: "pl-01-11".into(),
                result: Ok(()),
            },
        );
        let notice = format!("{:?}", app.status.notice);
        assert!(notice.contains("acknowledged"), "{notice}");
        // On another record nothing is sent.
        reduce(&mut app, Action::Up);
        let update = reduce(&mut app, Action::AckStep);
        assert!(update.effects.is_empty());
        let notice = format!("{:?}", app.status.notice);
        assert!(notice.contains("exchange-check-handed-over"), "{notice}");
    }
}
