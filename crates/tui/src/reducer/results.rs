//! Results of background jobs: applied only when they come from the pane's newest job.

use super::*;

pub(super) fn task_result(app: &mut App, action: Action) -> Update {
    match action {
        Action::AccountsBatch { job, accounts } if job == app.jobs.accounts => {
            app.accounts.upsert(accounts);
            if app.screen().is_none() {
                let rows = app.page_rows();
                app.accounts.scroll_into_view(rows);
            }
            Update::changed(true)
        }
        Action::Progress { job, progress } if job == app.jobs.accounts => {
            app.status.progress = Some(progress);
            Update::changed(true)
        }
        Action::AccountsDone { job, result } if job == app.jobs.accounts => {
            app.set_loading(Pane::Accounts, false);
            app.status.progress = None;
            app.status.accounts = Some(match result {
                Ok(()) => Loadable::Ready(()),
                Err(e) => {
                    app.notify(Level::Error, format!("loading accounts failed: {e}"));
                    Loadable::Failed(e)
                }
            });
            Update::changed(true)
        }
        Action::EarlierApplies { job, earlier } if job == app.jobs.accounts => {
            super::contain::earlier_applies(app, earlier)
        }
        Action::DetailLoaded {
            job,
            account_id,
            result,
        } if job == app.jobs.detail => {
            app.set_loading(Pane::Detail, false);
            for screen in app.screens.iter_mut() {
                if let Screen::Detail(d) = screen {
                    if d.account_id == account_id {
                        d.data = match &result {
                            Ok(detail) => Loadable::Ready(detail.clone()),
                            Err(e) => Loadable::Failed(e.clone()),
                        };
                    }
                }
            }
            Update::changed(true)
        }
        Action::JournalLoaded { job, result } => super::journal::loaded(app, job, result),
        Action::JournalAppended { job, rows } => super::journal::appended(app, job, rows),
        Action::UndoPreviewReady { job, result } => super::undo::preview_ready(app, job, result),
        Action::UndoDone { job, step, result } => super::undo::done(app, job, step, result),
        Action::AckDone { job, step, result } => super::ack::done(app, job, step, result),
        Action::TenantOpened { job, result } if job == app.jobs.tenant => {
            app.set_loading(Pane::Tenant, false);
            match result {
                Ok(opened) => {
                    app.tenant = opened.info;
                    app.accounts.clear();
                    app.applied.clear();
                    app.screens.clear();
                    app.journal_stash = None;
                    app.set_loading(Pane::Detail, false);
                    app.set_loading(Pane::Journal, false);
                    app.status.throttle = None;
                    app.notify(
                        Level::Info,
                        format!("switched to tenant {}", app.tenant.name),
                    );
                    let mut effects = vec![
                        Effect::Cancel(Pane::Detail),
                        Effect::Cancel(Pane::Journal),
                        Effect::Install(opened.source),
                    ];
                    effects.extend(load(app, Request::Accounts));
                    Update::with(effects)
                }
                Err(e) => {
                    app.notify(Level::Error, format!("cannot open tenant: {e}"));
                    Update::changed(true)
                }
            }
        }
        Action::FilterDone { job, filter, hits } if job == app.jobs.filter => {
            app.set_loading(Pane::Filter, false);
            if app.accounts.apply_filter(filter.clone(), hits) {
                rescroll(app);
                return Update::changed(true);
            }
            // Accounts arrived while it ran: the answer is incomplete, filter again.
            Update::with(super::input::set_filter(app, Some(filter)))
        }
        Action::Throttled { wait } => {
            let seq = next_status_seq(app);
            app.status.throttle = Some((wait, seq));
            Update::with(vec![Effect::ThrottleTimer { seq, wait }])
        }
        Action::Yielded { wait } => {
            let seq = next_status_seq(app);
            app.status.yielded = Some(seq);
            Update::with(vec![Effect::ThrottleTimer { seq, wait }])
        }
        Action::ThrottleOver { seq } => {
            let throttle = app.status.throttle.is_some_and(|(_, s)| s == seq);
            if throttle {
                app.status.throttle = None;
            }
            let yielded = app.status.yielded == Some(seq);
            if yielded {
                app.status.yielded = None;
            }
            Update::changed(throttle || yielded)
        }
        // Results of jobs that were replaced or cancelled: latest job wins.
        _ => Update::default(),
    }
}

/// One sequence for throttle and yield notes, so each timer clears only its own.
fn next_status_seq(app: &App) -> u64 {
    let t = app.status.throttle.map_or(0, |(_, s)| s);
    t.max(app.status.yielded.unwrap_or(0)) + 1
}
