//! The audit timeline: the journal of what operators planned and did, oldest first, with a
//! heading for each incident and a warning line where the journal itself is in doubt.

use super::table::{draw_header, draw_row, fit, put, Cell, Column};
use crate::app::{App, JournalState, Loadable};
use crate::theme::Role;
use crate::timeline::TimelineLine;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

const COLUMNS: [Column; 8] = [
    Column::new("TIME", 17, 17, 0),
    Column::new("OPERATOR", 12, 30, 3),
    Column::new("TARGET", 16, 36, 0),
    Column::new("ACTION", 14, 24, 0).pref(20),
    Column::new("OUTCOME", 9, 10, 0),
    Column::new("STEP", 8, 20, 2).pref(14),
    Column::new("VERIFICATION", 16, 40, 4),
    Column::new("DETAIL", 16, 100, 1),
];

fn outcome_role(outcome: &str) -> Role {
    match outcome {
        "failed" | "drift" | "unverified" | "warning" => Role::Danger,
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
        Loadable::Ready(t) if t.is_empty() => {
            let text = if j.live {
                "the journal is empty: nothing has been planned or done yet (watching for new records)"
            } else {
                "the journal is empty: nothing has been planned or done yet"
            };
            put(buf, body.x + 2, body.y, max, text, theme.style(Role::Muted));
            return;
        }
        Loadable::Ready(t) => t,
    };
    let lines = rows.lines().iter().enumerate().skip(j.offset);
    for (n, line) in lines.take(body.height as usize) {
        let y = body.y + (n - j.offset) as u16;
        let i = match *line {
            TimelineLine::Incident(i) => {
                let name = rows.rows().get(i).map_or("", |r| r.incident.as_str());
                let end = put(
                    buf,
                    body.x,
                    y,
                    max,
                    &format!("── incident {name} "),
                    theme.style(Role::Accent),
                );
                let rule = "─".repeat(max.saturating_sub(end) as usize);
                put(buf, end, y, max, &rule, theme.style(Role::Muted));
                continue;
            }
            TimelineLine::Row(i) => i,
        };
        let Some(r) = rows.rows().get(i) else {
            continue;
        };
        let selected = i == j.cursor;
        if r.warning {
            let style = if selected {
                theme.style(Role::Selection)
            } else {
                theme.style(Role::Danger)
            };
            buf.set_style(Rect::new(body.x, y, body.width, 1), style);
            put(buf, body.x, y, max, &format!("!! {}", r.detail), style);
            continue;
        }
        let cells = [
            Cell::new(&r.time, theme.style(Role::Muted)),
            Cell::new(&r.operator, theme.style(Role::Text)),
            Cell::new(&r.account, theme.style(Role::Text)),
            Cell::new(&r.action, theme.style(Role::Accent)),
            Cell::new(&r.outcome, theme.style(outcome_role(&r.outcome))),
            Cell::new(&r.step_id, theme.style(Role::Muted)),
            Cell::new(&r.verification, theme.style(Role::Muted)),
            Cell::new(&r.detail, theme.style(Role::Text)),
        ];
        let base = if selected {
            theme.style(Role::Selection)
        } else {
            Style::default()
        };
        draw_row(buf, body, y, &COLUMNS, &widths, &cells, base);
    }
}
