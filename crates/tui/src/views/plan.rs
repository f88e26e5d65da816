//! The plan screen: per account, each step as before -> after with the evidence it rests on,
//! an action bar, and the apply confirmation drawn over it (Cancel focused first). Every
//! string goes through `put`, which makes tenant text inert.

use super::table::{framed, put};
use crate::app::{App, Loadable};
use crate::contain_state::PlanState;
use crate::contain_view::{Confirm, Focus, PlanRow};
use crate::theme::Role;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Widget};
use reclaim_contain::plan::Plan;

fn irreversible(plan: &Plan) -> usize {
    plan.accounts
        .iter()
        .flat_map(|a| &a.steps)
        .filter(|s| !s.reversible)
        .count()
}

fn short_id(id: &str) -> &str {
    id.split_once('-').map_or(id, |x| x.1)
}

pub fn render(app: &App, p: &PlanState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    if area.height < 3 {
        return;
    }
    let frame = Rect::new(area.x, area.y, area.width, area.height - 1);
    let bar_y = area.y + area.height - 1;
    let title = match &p.data {
        Loadable::Ready(plan) => format!(
            " plan {} - {} - {} account(s), {} steps, {} cannot be undone ",
            &plan.id[..8.min(plan.id.len())],
            plan.playbook.name,
            plan.accounts.len(),
            plan.step_count(),
            irreversible(plan)
        ),
        _ => format!(" plan - {} ", p.playbook),
    };
    let inner = framed(
        buf,
        frame,
        theme.style(Role::Border),
        &title,
        1,
        theme.style(Role::Accent),
    );
    let imax = inner.x + inner.width;
    match &p.data {
        Loadable::Loading => {
            put(
                buf,
                inner.x + 1,
                inner.y,
                imax,
                &format!(
                    "planning {} account(s): reading their state (nothing is changed)...",
                    p.account_ids.len()
                ),
                theme.style(Role::Muted),
            );
        }
        Loadable::Failed(e) => {
            put(
                buf,
                inner.x + 1,
                inner.y,
                imax,
                &format!("planning failed: {e}"),
                theme.style(Role::Danger),
            );
        }
        Loadable::Ready(_) => {
            let page = inner.height as usize;
            let offset = p.offset.min(p.rows.len().saturating_sub(page));
            for (i, row) in p.rows.iter().skip(offset).take(page).enumerate() {
                draw_row(app, row, inner, inner.y + i as u16, buf);
            }
            if p.rows.len() > offset + page {
                put(
                    buf,
                    frame.x + frame.width.saturating_sub(12),
                    frame.y + frame.height - 1,
                    frame.x + frame.width - 1,
                    " more: j ",
                    theme.style(Role::Muted),
                );
            }
        }
    }
    bar(app, p, Rect::new(area.x, bar_y, area.width, 1), buf);
    if let (Some(c), Some(plan)) = (&p.confirm, p.plan()) {
        dialog(app, plan, c, area, buf);
    }
}

fn draw_row(app: &App, row: &PlanRow, inner: Rect, y: u16, buf: &mut Buffer) {
    let theme = &app.theme;
    let max = inner.x + inner.width;
    match row {
        PlanRow::Account { upn, assessment } => {
            let x = put(buf, inner.x, y, max, upn, theme.style(Role::Accent));
            put(buf, x + 2, y, max, assessment, theme.style(Role::Danger));
        }
        PlanRow::Step {
            id,
            action,
            before,
            after,
            reversible,
            ..
        } => {
            let mut x = if *reversible {
                inner.x + 2
            } else {
                put(buf, inner.x + 1, y, max, "!", theme.style(Role::Danger))
            };
            x = put(
                buf,
                x,
                y,
                max,
                &format!("[{}] ", short_id(id)),
                theme.style(Role::Muted),
            );
            x = put(
                buf,
                x,
                y,
                max,
                &format!("{action}: "),
                theme.style(Role::Text),
            );
            x = put(buf, x, y, max, before, theme.style(Role::Warning));
            x = put(buf, x, y, max, " -> ", theme.style(Role::Muted));
            put(buf, x, y, max, after, theme.style(Role::Ok));
        }
        PlanRow::Why(t) => {
            put(
                buf,
                inner.x + 6,
                y,
                max,
                &format!("why: {t}"),
                theme.style(Role::Muted),
            );
        }
        PlanRow::Note(t) => {
            put(
                buf,
                inner.x + 4,
                y,
                max,
                &format!("note: {t}"),
                theme.style(Role::Warning),
            );
        }
    }
}

fn bar(app: &App, p: &PlanState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let max = area.x + area.width;
    let x = area.x + 1;
    if app.read_only {
        put(
            buf,
            x,
            area.y,
            max,
            "READ-ONLY: a preview; this plan cannot be applied here (nothing is sent)",
            theme.style(Role::Lock),
        );
        return;
    }
    let text = match &p.data {
        Loadable::Ready(_) if p.applied => "applied: :progress shows how it went, a the audit",
        Loadable::Ready(plan) if plan.step_count() == 0 => "nothing to apply",
        Loadable::Ready(_) => "enter: apply (asks first)   ! cannot be undone   esc: back",
        Loadable::Loading => "no change is sent while planning   esc: back",
        Loadable::Failed(_) => "esc: back",
    };
    put(buf, x, area.y, max, text, theme.style(Role::Muted));
}

fn dialog(app: &App, plan: &Plan, c: &Confirm, screen: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = screen.width.saturating_sub(4).min(72);
    let height = 9.min(screen.height);
    let area = Rect::new(
        screen.x + (screen.width - width) / 2,
        screen.y + (screen.height - height) / 2,
        width,
        height,
    );
    Clear.render(area, buf);
    buf.set_style(area, theme.style(Role::Text));
    framed(
        buf,
        area,
        theme.style(Role::Danger),
        " Apply this plan? ",
        2,
        theme.style(Role::Danger),
    );
    let max = area.x + area.width.saturating_sub(1);
    let x = area.x + 2;
    let mut y = area.y + 1;
    let mut line = |text: &str, role: Role, y: &mut u16| {
        if *y < area.y + area.height - 1 {
            put(buf, x, *y, max, text, theme.style(role));
        }
        *y += 1;
    };
    line(
        &format!(
            "{} account(s), {} steps; {} cannot be undone.",
            plan.accounts.len(),
            plan.step_count(),
            irreversible(plan)
        ),
        Role::Text,
        &mut y,
    );
    let upns: Vec<&str> = plan
        .accounts
        .iter()
        .map(|a| a.user_principal_name.as_str())
        .collect();
    line(&upns.join(", "), Role::Accent, &mut y);
    y += 1;
    match &c.required {
        Some(r) if plan.accounts.len() > 1 => line(
            &format!("Type {r} (the number of accounts) to enable Apply:"),
            Role::Warning,
            &mut y,
        ),
        Some(_) => line(
            "Type the account's UPN to enable Apply (steps cannot be undone):",
            Role::Warning,
            &mut y,
        ),
        None => line("Tab moves the focus to Apply.", Role::Muted, &mut y),
    }
    if c.required.is_some() {
        line(&format!("> {}_", c.typed), Role::Input, &mut y);
    }
    let by = area.y + area.height.saturating_sub(2);
    let button = |label: &str, focused: bool, enabled: bool| {
        let role = match (focused, enabled) {
            (true, _) => Role::Selection,
            (false, true) => Role::Text,
            (false, false) => Role::Muted,
        };
        (format!("[ {label} ]"), theme.style(role))
    };
    let (cancel, cs) = button("Cancel", c.focus == Focus::Cancel, true);
    let ready = c.satisfied();
    let (apply, aps) = button(
        if ready { "Apply" } else { "Apply (type first)" },
        c.focus == Focus::Confirm,
        ready,
    );
    let bx = put(buf, x, by, max, &cancel, cs);
    put(buf, bx + 2, by, max, &apply, aps);
}
