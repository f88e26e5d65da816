//! The progress screen: every step of the apply with its live status and verification, a
//! tally, the final summary, and the one-time secrets (a generated password, a Temporary
//! Access Pass) in a box at the bottom until the operator leaves the finished apply.

use super::table::{framed, put};
use crate::app::App;
use crate::contain_state::ProgressState;
use crate::theme::Role;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use reclaim_contain::report::StepStatus;

/// A step's status word, its colour, and what it says besides.
fn status(state: &Option<Option<StepStatus>>) -> (&'static str, Role, Option<&str>) {
    match state {
        None => ("pending", Role::Muted, None),
        Some(None) => ("running", Role::Accent, None),
        Some(Some(s)) => match s {
            StepStatus::Done { detail } => ("verified", Role::Ok, Some(detail.as_str())),
            StepStatus::AlreadyDone => ("done before", Role::Ok, None),
            StepStatus::Recovered { detail } => ("recovered", Role::Ok, Some(detail.as_str())),
            StepStatus::Failed { error } => ("failed", Role::Danger, Some(error.as_str())),
            StepStatus::Unverified { detail } => {
                ("unverified", Role::Danger, Some(detail.as_str()))
            }
            StepStatus::Unknown { error } => ("unknown", Role::Warning, Some(error.as_str())),
            StepStatus::NotRun => ("not run", Role::Muted, None),
        },
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(a) = &app.apply else {
        return;
    };
    let secret_rows = if a.secrets.is_empty() {
        0
    } else {
        (a.secrets.len() as u16 + 2).min(area.height / 2)
    };
    let frame = Rect::new(
        area.x,
        area.y,
        area.width,
        area.height.saturating_sub(secret_rows),
    );
    let t = a.tally();
    let id = &a.plan_id[..8.min(a.plan_id.len())];
    let title = match (&a.error, &a.view.summary) {
        (Some(_), _) => format!(" apply {id}: could not run "),
        (None, Some(s)) => format!(" applied {id}: {s} "),
        (None, None) => format!(
            " applying {id}: {}/{} steps (each verified by reading back) ",
            t.total - t.pending - t.running,
            t.total
        ),
    };
    let inner = framed(
        buf,
        frame,
        theme.style(Role::Border),
        &title,
        1,
        theme.style(Role::Accent),
    );
    if inner.height == 0 {
        return;
    }
    if let Some(path) = &a.saved_plan {
        // On the bottom border: how to finish this apply if the console stops.
        // The longest wording that fits: the resume command matters most on narrow screens.
        let path = path.display();
        let room = usize::from(frame.width.saturating_sub(2));
        let wordings = [
            format!(" plan saved: {path} - if reclaim stops, `reclaim apply {path}` finishes it "),
            format!(" if reclaim stops: reclaim apply {path} "),
            format!(" reclaim apply {path} "),
        ];
        let [.., shortest] = &wordings;
        let text = wordings
            .iter()
            .find(|t| t.chars().count() <= room)
            .unwrap_or(shortest);
        put(
            buf,
            frame.x + 1,
            frame.y + frame.height - 1,
            frame.x + frame.width.saturating_sub(1),
            text,
            theme.style(Role::Muted),
        );
    }
    let max = inner.x + inner.width;
    // The tally line.
    let mut x = inner.x + 1;
    for (n, label, role) in [
        (t.verified, "verified", Role::Ok),
        (t.failed, "failed", Role::Danger),
        (t.running, "running", Role::Accent),
        (t.pending, "pending", Role::Muted),
        (t.not_run, "not run", Role::Muted),
    ] {
        x = put(
            buf,
            x,
            inner.y,
            max,
            &format!("{n} {label}   "),
            theme.style(role),
        );
    }
    if let Some(e) = &a.error {
        put(
            buf,
            x,
            inner.y,
            max,
            &format!("apply failed: {e}"),
            theme.style(Role::Danger),
        );
    }
    let page = inner.height.saturating_sub(1) as usize;
    let offset = a.offset.min(a.view.rows.len().saturating_sub(page));
    for (i, r) in a.view.rows.iter().skip(offset).take(page).enumerate() {
        let y = inner.y + 1 + i as u16;
        let (label, role, detail) = status(&r.state);
        let mut x = put(
            buf,
            inner.x + 1,
            y,
            max,
            &format!("{label:<11}"),
            theme.style(role),
        );
        let short = r.id.split_once('-').map_or(r.id.as_str(), |x| x.1);
        x = put(
            buf,
            x,
            y,
            max,
            &format!("[{short}] "),
            theme.style(Role::Muted),
        );
        x = put(buf, x, y, max, &r.account, theme.style(Role::Text));
        x = put(
            buf,
            x,
            y,
            max,
            &format!("  {}: {}", r.action, r.summary),
            theme.style(Role::Text),
        );
        if let Some(d) = detail.filter(|d| !d.is_empty()) {
            put(
                buf,
                x,
                y,
                max,
                &format!("  ({d})"),
                theme.style(Role::Muted),
            );
        }
    }
    if secret_rows > 0 {
        secrets(
            app,
            a,
            Rect::new(area.x, frame.y + frame.height, area.width, secret_rows),
            buf,
        );
    }
}

fn secrets(app: &App, a: &ProgressState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    framed(
        buf,
        area,
        theme.style(Role::Warning),
        " shown once: reclaim keeps no copy; hand it to the verified owner out of band ",
        1,
        theme.style(Role::Warning),
    );
    let max = area.x + area.width.saturating_sub(1);
    for (i, s) in a
        .secrets
        .iter()
        .take(area.height.saturating_sub(2) as usize)
        .enumerate()
    {
        let y = area.y + 1 + i as u16;
        let x = put(
            buf,
            area.x + 2,
            y,
            max,
            &format!("{} for {}: ", s.what, s.account),
            theme.style(Role::Text),
        );
        put(buf, x, y, max, s.secret.expose(), theme.style(Role::Accent));
    }
}
