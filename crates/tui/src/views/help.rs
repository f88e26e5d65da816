//! The `?` overlay, generated from the keymap and the command table: what it says is what
//! the keys do, including the operator's own overrides.

use super::table::put;
use crate::app::App;
use crate::commands;
use crate::keymap::{Context, CONFIRM_KEYS, INPUT_KEYS};
use crate::theme::Role;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Widget};

enum Line {
    Title(String),
    Entry(String, String),
    Blank,
}

fn lines(app: &App) -> Vec<Line> {
    let mut out = Vec::new();
    for ctx in Context::ALL {
        let entries: Vec<_> = app
            .keymap
            .bindings()
            .iter()
            .filter(|b| b.context == ctx && !b.keys.is_empty())
            .collect();
        if entries.is_empty() {
            continue;
        }
        out.push(Line::Title(ctx.title().to_string()));
        for b in entries {
            let keys: Vec<String> = b.keys.iter().map(|k| k.to_string()).collect();
            out.push(Line::Entry(keys.join(", "), b.help.to_string()));
        }
        out.push(Line::Blank);
    }
    out.push(Line::Title("Filter and command line".into()));
    for (k, h) in INPUT_KEYS {
        out.push(Line::Entry(k.to_string(), h.to_string()));
    }
    out.push(Line::Blank);
    if !app.read_only {
        out.push(Line::Title("Apply confirmation".into()));
        for (k, h) in CONFIRM_KEYS {
            out.push(Line::Entry(k.to_string(), h.to_string()));
        }
        out.push(Line::Blank);
    }
    out.push(Line::Title("Commands".into()));
    for (usage, h) in commands::usage(app.read_only) {
        out.push(Line::Entry(usage, h.to_string()));
    }
    if app.read_only {
        out.push(Line::Blank);
        out.push(Line::Entry(
            "READ-ONLY".into(),
            "actions that change the tenant are not available".into(),
        ));
    }
    out
}

pub fn render(app: &App, scroll: usize, screen: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    // Full width, between the header and the hint bar: nothing half-hidden peeks around it.
    let width = screen.width;
    let height = screen.height.saturating_sub(2);
    let area = Rect::new(screen.x, screen.y + 1, width, height);
    Clear.render(area, buf);
    buf.set_style(area, theme.style(Role::Text));
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(" keys (esc closes) ")
        .title_style(theme.style(Role::Accent))
        .render(area, buf);
    let inner = Rect::new(
        area.x + 2,
        area.y + 1,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    let all = lines(app);
    let scroll = scroll.min(all.len().saturating_sub(inner.height as usize));
    let key_width = 28u16.min(inner.width / 3);
    let max = inner.x + inner.width;
    for (row, line) in all
        .iter()
        .skip(scroll)
        .take(inner.height as usize)
        .enumerate()
    {
        let y = inner.y + row as u16;
        match line {
            Line::Title(t) => {
                put(buf, inner.x, y, max, t, theme.style(Role::Accent));
            }
            Line::Entry(k, h) => {
                put(
                    buf,
                    inner.x + 1,
                    y,
                    inner.x + key_width,
                    k,
                    theme.style(Role::Key),
                );
                put(
                    buf,
                    inner.x + key_width + 1,
                    y,
                    max,
                    h,
                    theme.style(Role::Text),
                );
            }
            Line::Blank => {}
        }
    }
    if all.len() > scroll + inner.height as usize {
        put(
            buf,
            area.x + area.width.saturating_sub(12),
            area.y + area.height - 1,
            max + 2,
            " more: j ",
            theme.style(Role::Muted),
        );
    }
}
