//! Containment in the console: plan the marked accounts (or the one under the cursor, or the
//! one open), confirm (Cancel focused; the count or the UPN typed when the plan asks for it),
//! apply in the background while the progress screen follows every step, then the audit view.
//! Read-only mode may plan (GETs only) but never opens the confirmation or starts an apply.

use super::*;
use crate::contain_state::{Applied, PlanState, ProgressState, ShownSecret};
use crate::contain_view::{Confirm, ConfirmOutcome};
use reclaim_contain::report::{ApplyEvent, Verdict};
use reclaim_contain::DEFAULT_PLAYBOOK;

/// The accounts a plan is for: the account open in the detail view; else the marked
/// accounts; else the one under the cursor.
fn targets(app: &App) -> Vec<String> {
    match app.screen() {
        Some(Screen::Detail(d)) => vec![d.account_id.clone()],
        None if !app.accounts.marks.is_empty() => {
            // Riskiest first, as the table ranks them.
            let mut marked: Vec<(u8, &str)> = app
                .accounts
                .marks
                .iter()
                .map(|id| (app.accounts.get(id).map_or(0, |a| a.score), id.as_str()))
                .collect();
            marked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            marked.into_iter().map(|(_, id)| id.to_string()).collect()
        }
        None => app
            .accounts
            .current()
            .map(|a| a.id.clone())
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// `p` (`playbook` = None: the default) or `:playbook NAME`.
pub(super) fn open_plan(app: &mut App, playbook: Option<String>) -> Update {
    let playbook = playbook.unwrap_or_else(|| DEFAULT_PLAYBOOK.to_string());
    let known = app.choices.playbooks.is_empty()
        || app.choices.playbooks.contains(&playbook)
        || crate::containment::parse_actions(&playbook).is_some();
    if !known {
        app.notify(
            Level::Error,
            format!(
                "no playbook or action `{playbook}` (playbooks: {}; or actions, e.g. revoke-sessions,disable-signin)",
                app.choices.playbooks.join(", ")
            ),
        );
        return Update::changed(true);
    }
    // Another playbook for the plan shown: same accounts, new plan in its place.
    let ids = match app.screens.last() {
        Some(Screen::Plan(p)) if p.confirm.is_none() => {
            let ids = p.account_ids.clone();
            app.screens.pop();
            ids
        }
        _ => targets(app),
    };
    if ids.is_empty() {
        app.notify(
            Level::Warn,
            "no account to plan for: mark accounts (space) or put the cursor on one",
        );
        return Update::changed(true);
    }
    app.screens
        .push(Screen::Plan(PlanState::new(ids.clone(), playbook.clone())));
    Update::with(load(
        app,
        Request::Plan {
            account_ids: ids,
            playbook,
        },
    ))
}

/// Enter on the plan: the confirmation, if this plan can be applied now.
pub(super) fn confirm_plan(app: &mut App) -> Update {
    let running = app.apply.as_ref().is_some_and(ProgressState::running);
    let read_only = app.read_only;
    let Some(Screen::Plan(p)) = app.screens.last_mut() else {
        return Update::default();
    };
    let refusal = if read_only {
        Some("read-only: applying is not available (nothing was sent)")
    } else if p.applied {
        Some("this plan was applied already: :progress shows how it went")
    } else if running {
        Some("an apply is still running: wait for it to finish (:progress)")
    } else {
        None
    };
    if let Some(why) = refusal {
        app.notify(Level::Warn, why);
        return Update::changed(true);
    }
    let Some(plan) = p.plan() else {
        return Update::default();
    };
    if plan.step_count() == 0 {
        app.notify(Level::Info, "the plan has no steps: nothing to apply");
        return Update::changed(true);
    }
    let confirm = Confirm::for_plan(plan);
    p.confirm = Some(confirm);
    Update::changed(true)
}

pub(super) fn confirm_key(app: &mut App, key: crate::contain_view::ConfirmKey) -> Update {
    let read_only = app.read_only;
    let Some(Screen::Plan(p)) = app.screens.last_mut() else {
        return Update::default();
    };
    let Some(confirm) = p.confirm.as_mut() else {
        return Update::default();
    };
    match confirm.on_key(key) {
        ConfirmOutcome::Pending => Update::changed(true),
        ConfirmOutcome::Cancelled => {
            p.confirm = None;
            app.notify(Level::Info, "cancelled: nothing was sent");
            Update::changed(true)
        }
        ConfirmOutcome::Confirmed => {
            p.confirm = None;
            let plan = match (&p.data, read_only) {
                (Loadable::Ready(plan), false) => plan.clone(),
                _ => {
                    app.notify(Level::Warn, "read-only: applying is not available");
                    return Update::changed(true);
                }
            };
            p.applied = true;
            app.apply = Some(ProgressState::new(&plan));
            app.screens.push(Screen::Progress);
            Update::with(load(app, Request::Apply(plan)))
        }
    }
}

/// `:progress`: back to the latest apply.
pub(super) fn open_progress(app: &mut App) -> Update {
    if app.apply.is_none() {
        app.notify(Level::Info, "no apply yet in this session");
        return Update::changed(true);
    }
    if matches!(app.screen(), Some(Screen::Progress)) {
        return Update::default();
    }
    app.screens.push(Screen::Progress);
    Update::changed(true)
}

/// Rows the plan screen shows at this size: the body minus its frame and the action bar.
pub fn plan_page(app: &App) -> usize {
    let body = crate::layout::areas(
        ratatui::layout::Rect::new(0, 0, app.width, app.height),
        app.settings.hint_bar,
    )
    .body;
    body.height.saturating_sub(3).max(1) as usize
}

/// Rows the progress screen shows for its steps (frame, summary line, secrets).
pub fn progress_page(app: &App) -> usize {
    let secrets = app.apply.as_ref().map_or(0, |a| a.secrets.len());
    let secret_rows = if secrets > 0 { secrets + 2 } else { 0 };
    plan_page(app).saturating_sub(secret_rows).max(1)
}

/// Moves on the plan or progress screen; `None` when neither is shown.
pub(super) fn scroll(app: &mut App, action: &Action) -> Option<Update> {
    let (page, count) = match app.screen() {
        Some(Screen::Plan(p)) => (plan_page(app), p.rows.len()),
        Some(Screen::Progress) => (
            progress_page(app),
            app.apply.as_ref().map_or(0, |a| a.view.rows.len()),
        ),
        _ => return None,
    };
    let delta: isize = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -(page as isize),
        Action::PageDown => page as isize,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        _ => return None,
    };
    let offset = match app.screens.last_mut() {
        Some(Screen::Plan(p)) => &mut p.offset,
        _ => match app.apply.as_mut() {
            Some(a) => {
                a.follow = false;
                &mut a.offset
            }
            None => return Some(Update::default()),
        },
    };
    let max = count.saturating_sub(page) as isize;
    let to = (*offset as isize)
        .saturating_add(delta)
        .clamp(0, max.max(0)) as usize;
    let moved = to != *offset;
    *offset = to;
    Some(Update::changed(moved))
}

/// What leaving a containment screen does (called by `nav::back` after the pop).
pub(super) fn left(app: &mut App, screen: &Screen) -> Update {
    match screen {
        Screen::Plan(_) => {
            app.set_loading(Pane::Plan, false);
            Update::with(vec![Effect::Cancel(Pane::Plan)])
        }
        Screen::Progress => {
            match app.apply.as_mut() {
                Some(a) if a.running() => app.notify(
                    Level::Warn,
                    "the apply goes on in the background: :progress returns to it",
                ),
                // Shown once: a secret is gone when the operator leaves the finished apply.
                Some(a) => a.secrets.clear(),
                None => {}
            }
            Update::changed(true)
        }
        _ => Update::changed(true),
    }
}

/// `q` while an apply runs asks once before stopping it.
pub(super) fn quit(app: &mut App) -> Option<Update> {
    let a = app.apply.as_mut().filter(|a| a.running())?;
    if a.quit_armed {
        return None;
    }
    a.quit_armed = true;
    app.notify(
        Level::Warn,
        "an apply is running: q again stops it mid-way (the audit journal records every step sent)",
    );
    Some(Update::changed(true))
}

/// Results of planning and applying jobs.
pub(super) fn result(app: &mut App, action: Action) -> Update {
    match action {
        Action::PlanReady { job, result } if job == app.jobs.plan => {
            app.set_loading(Pane::Plan, false);
            if let Err(e) = &result {
                app.notify(Level::Error, format!("planning failed: {e}"));
            }
            if let Some(Screen::Plan(p)) = app
                .screens
                .iter_mut()
                .rev()
                .find(|s| matches!(s, Screen::Plan(_)))
            {
                p.set_plan(result);
            }
            Update::changed(true)
        }
        Action::PlanSaved { job, path } if job == app.jobs.apply => {
            if let Some(a) = app.apply.as_mut() {
                a.saved_plan = Some(path);
            }
            Update::changed(true)
        }
        Action::ApplyProgress { job, event } if job == app.jobs.apply => {
            let page = progress_page(app);
            if let Some(a) = app.apply.as_mut() {
                a.view.on_event(&event);
                if let (true, ApplyEvent::StepStarted { step }) = (a.follow, &event) {
                    // Keep the running step in view, a third of the way down.
                    if let Some(i) = a.view.rows.iter().position(|r| &r.id == step) {
                        let max = a.view.rows.len().saturating_sub(page);
                        a.offset = i.saturating_sub(page / 3).min(max);
                    }
                }
            }
            Update::changed(true)
        }
        Action::SecretShown {
            job,
            account,
            step,
            what,
            secret,
        } if job == app.jobs.apply => {
            let shown = !matches!(app.screen(), Some(Screen::Progress));
            if let Some(a) = app.apply.as_mut() {
                a.secrets.push(ShownSecret {
                    account,
                    step,
                    what,
                    secret,
                });
            }
            if shown {
                app.notify(
                    Level::Warn,
                    "a one-time secret is waiting on the progress screen: :progress",
                );
            }
            Update::changed(true)
        }
        Action::ApplyDone { job, result } if job == app.jobs.apply => {
            app.set_loading(Pane::Apply, false);
            let Some(a) = app.apply.as_mut() else {
                return Update::default();
            };
            a.quit_armed = false;
            match result {
                Ok(report) => {
                    a.view.finish(&report);
                    let summary = a.view.summary.clone().unwrap_or_default();
                    let level = match report.verdict() {
                        Verdict::Success => Level::Info,
                        _ => Level::Warn,
                    };
                    for acc in &report.accounts {
                        if let Some(mark) = Applied::from_report(acc) {
                            app.applied.insert(acc.user_id.clone(), mark);
                        }
                    }
                    a.report = Some(report);
                    app.notify(level, format!("apply finished: {summary} (a: audit)"));
                }
                Err(e) => {
                    a.error = Some(e.clone());
                    app.notify(Level::Error, format!("apply failed: {e}"));
                }
            }
            // An audit view opened during the apply shows it whole now (a live one already
            // has every record); an account open in the detail view shows what it has now.
            let mut effects = super::journal::reload_unless_live(app);
            let open_detail = app.screens.iter().find_map(|s| match s {
                Screen::Detail(d) if app.applied.contains_key(&d.account_id) => {
                    Some(d.account_id.clone())
                }
                _ => None,
            });
            if let Some(id) = open_detail {
                effects.extend(load(app, Request::Detail(id)));
            }
            if !effects.is_empty() {
                return Update::with(effects);
            }
            Update::changed(true)
        }
        _ => Update::default(),
    }
}

/// What the journal says earlier applies left: their marks (this session's own applies are
/// newer and stay), and a warning naming an apply that was cut off with how to finish it.
pub(super) fn earlier_applies(
    app: &mut App,
    earlier: reclaim_contain::earlier::EarlierApplies,
) -> Update {
    for (id, mark) in earlier.marks {
        app.applied.entry(id).or_insert(mark);
    }
    // This console's own apply, still running, is not news.
    let running = app
        .apply
        .as_ref()
        .filter(|a| a.report.is_none() && a.error.is_none())
        .map(|a| a.plan_id.clone());
    let mut unfinished = earlier.unfinished;
    unfinished.retain(|u| Some(&u.plan_id) != running.as_ref());
    if let Some(last) = unfinished.last() {
        let how = match &last.plan_file {
            Some(f) => format!("`reclaim apply {}` finishes it", f.display()),
            None => "`reclaim apply` on its plan file finishes it".to_string(),
        };
        let more = match unfinished.len() {
            1 => String::new(),
            n => format!(" ({} earlier ones too: `reclaim audit show`)", n - 1),
        };
        app.notify(
            Level::Warn,
            format!(
                "apply of plan {} did not finish{more}: unless a reclaim is applying it now, {how}",
                reclaim_core::sanitize::inert(&last.plan_id)
            ),
        );
    }
    Update::changed(true)
}
