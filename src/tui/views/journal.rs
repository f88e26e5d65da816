//! The audit timeline: the journal of what operators planned and did, oldest first.

use super::table::{draw_header, draw_row, fit, put, Cell, Column};
use crate::tui::app::{App, JournalState, Loadable};
use crate::tui::theme::Role;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

const COLUMNS: [Column; 7] = [
    Column::new("TIME", 17, 17, 0),
    Column::new("OPERATOR", 12, 30, 3),
    Column::new("ACCOUNT", 16, 36, 0),
    Column::new("ACTION", 14, 24, 0).pref(20),
    Column::new("OUTCOME", 9, 10, 0),
    Column::new("STEP", 8, 14, 2),
    Column::new("DETAIL", 16, 100, 1),
];

fn outcome_role(outcome: &str) -> Role {
    match outcome {
        "failed" | "drift" | "unverified" => Role::Danger,
        "verified" | "applied" => Role::Ok,
        "undone" | "skipped" | "unknown" | "intent" => Role::Warning,
        _ => Role::Muted,
    }
}

pub fn render(app: &App, j: &JournalState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let widths = fit(&COLUMNS, area.width);
    draw_header(
        buf,
        Rect::new(area.x, area.y, area.width, 1),
        &COLUMNS,
        &widths,
        theme.style(Role::Accent),
        None,
    );
    let body = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(1),
    );
    let max = body.x + body.width;
    let rows = match &j.data {
        Loadable::Loading => {
            put(
                buf,
                body.x + 2,
                body.y,
                max,
                "loading the journal...",
                theme.style(Role::Muted),
            );
            return;
        }
        Loadable::Failed(e) => {
            put(
                buf,
                body.x + 2,
                body.y,
                max,
                &format!("could not read the journal: {e}"),
                theme.style(Role::Danger),
            );
            return;
        }
        Loadable::Ready(rows) if rows.is_empty() => {
            put(
                buf,
                body.x + 2,
                body.y,
                max,
                "the journal is empty: nothing has been planned or done yet",
                theme.style(Role::Muted),
            );
            return;
        }
        Loadable::Ready(rows) => rows,
    };
    for (i, r) in rows
        .iter()
        .enumerate()
        .skip(j.offset)
        .take(body.height as usize)
    {
        let cells = [
            Cell::new(&r.time, theme.style(Role::Muted)),
            Cell::new(&r.operator, theme.style(Role::Text)),
            Cell::new(&r.account, theme.style(Role::Text)),
            Cell::new(&r.action, theme.style(Role::Accent)),
            Cell::new(&r.outcome, theme.style(outcome_role(&r.outcome))),
            Cell::new(&r.step_id, theme.style(Role::Muted)),
            Cell::new(&r.detail, theme.style(Role::Text)),
        ];
        let base = if i == j.cursor {
            theme.style(Role::Selection)
        } else {
            Style::default()
        };
        draw_row(
            buf,
            body,
            body.y + (i - j.offset) as u16,
            &COLUMNS,
            &widths,
            &cells,
            base,
        );
    }
}
