//! The undo confirmation, drawn over the audit view: the step, what undoing it restores
//! from the recorded pre-state (or plainly why it cannot be undone), and the buttons with
//! Cancel focused first. Every string goes through `sanitize` on the way to the cells.

use super::table::put;
use crate::app::{App, Loadable};
use crate::contain_view::Focus;
use crate::theme::Role;
use crate::undo_confirm::UndoConfirm;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Clear, Widget};
use reclaim_core::sanitize::inert;

/// Words wrapped to `width` columns (long words are cut by the painter).
fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if line.is_empty() {
            if !out.is_empty() {
                line.push_str(indent);
            }
        } else {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// The dialog's body lines and their roles, and whether the undo button is offered.
fn body(c: &UndoConfirm, width: usize) -> (Vec<(String, Role)>, bool) {
    let mut lines = Vec::new();
    // An empty text adds an empty line.
    let mut add = |text: &str, role: Role, indent: &str| {
        let wrapped = wrap(&inert(text), width, indent);
        if wrapped.is_empty() {
            lines.push((String::new(), role));
        }
        for l in wrapped {
            lines.push((l, role));
        }
    };
    let p = match &c.preview {
        Loadable::Loading => {
            add(
                "Reading the journal for what this step changed...",
                Role::Muted,
                "",
            );
            return (lines, false);
        }
        Loadable::Failed(e) => {
            add(
                &format!("Cannot tell what undoing it would restore: {e}"),
                Role::Danger,
                "",
            );
            return (lines, false);
        }
        Loadable::Ready(p) => p,
    };
    let mut what = format!("{} on {}", p.action, p.target);
    if !p.incident.is_empty() {
        what.push_str(&format!(" (incident {})", p.incident));
    }
    add(&what, Role::Accent, "");
    add("", Role::Text, "");
    if let Some(why) = &p.blocked {
        add("This step cannot be undone:", Role::Warning, "");
        add(why, Role::Text, "  ");
        return (lines, false);
    }
    add(
        "Undoing it restores, from the state recorded before the step:",
        Role::Text,
        "",
    );
    for r in &p.restores {
        add(&format!("- {r}"), Role::Ok, "  ");
    }
    if let Some(req) = &p.request {
        add(&format!("Request: {req}"), Role::Muted, "  ");
    }
    add("", Role::Text, "");
    add(
        "The tenant is read first: if it no longer shows what the step did, nothing is changed. \
         The undo is written to the journal and appears in this view.",
        Role::Muted,
        "",
    );
    (lines, true)
}

pub fn render(app: &App, c: &UndoConfirm, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(4).min(96);
    let inner_w = width.saturating_sub(4) as usize;
    let (lines, can_undo) = body(c, inner_w);
    let height = (lines.len() as u16 + 5).min(area.height);
    if width < 20 || height < 5 {
        return;
    }
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    // The rows it covers are cleared edge to edge: no half-hidden row peeks around it.
    let band = Rect::new(area.x, rect.y, area.width, rect.height);
    Clear.render(band, buf);
    buf.set_style(band, theme.style(Role::Text));
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(format!(" Undo step {} ", inert(&c.step)))
        .title_style(theme.style(Role::Header))
        .render(rect, buf);
    let max = rect.x + rect.width - 2;
    let room = height.saturating_sub(5) as usize;
    for (i, (text, role)) in lines.iter().take(room).enumerate() {
        put(
            buf,
            rect.x + 2,
            rect.y + 2 + i as u16,
            max,
            text,
            theme.style(*role),
        );
    }
    // The buttons, centred on the last inner line.
    let button = |label: &str, focused: bool| -> (String, Style) {
        let style = if focused {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        (format!("[ {label} ]"), style)
    };
    let mut buttons = vec![button(
        if can_undo { "Cancel" } else { "Close" },
        c.focus == Focus::Cancel || !can_undo,
    )];
    if can_undo {
        buttons.push(button("Undo this step", c.focus == Focus::Confirm));
    }
    let total: usize = buttons.iter().map(|(l, _)| l.len() + 3).sum::<usize>() - 3;
    let mut x = rect.x + (rect.width.saturating_sub(total as u16)) / 2;
    let y = rect.y + rect.height - 2;
    for (label, style) in buttons {
        x = put(buf, x, y, max, &label, style) + 3;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_whole_and_indents_continuations() {
        assert_eq!(
            wrap("one two three four", 9, "  "),
            ["one two", "  three", "  four"]
        );
        assert!(wrap("", 10, "").is_empty());
    }
}
