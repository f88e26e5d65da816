//! Drawing. Pure functions of [`App`] into a ratatui [`Buffer`]: the same code feeds the real
//! terminal (through the presenter) and the snapshot tests (through `TestBackend`).

mod accounts;
mod chrome;
mod detail;
mod help;
mod journal;
mod plan;
mod progress;
pub mod table;
mod tabs;
mod undo_confirm;

use super::app::{App, Screen};
use super::layout;
use super::theme::Role;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// A band of rows whose content only moved vertically since the last frame if `key` is the
/// same: the presenter may let the terminal scroll it instead of repainting every row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScrollBand {
    pub top: u16,
    pub height: u16,
    /// Index of the first row shown.
    pub offset: usize,
    /// Identifies the list's content and geometry; a change means "not a scroll".
    pub key: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderInfo {
    pub scroll: Option<ScrollBand>,
}

/// Draws the whole screen into `buf` (which must cover `area`).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) -> RenderInfo {
    buf.set_style(area, app.theme.style(Role::Text));
    if layout::too_small(area) {
        let msg = format!(
            "reclaim needs at least {}x{}; this terminal is {}x{}",
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT,
            area.width,
            area.height
        );
        let mut lines = vec![String::new()];
        for word in msg.split(' ') {
            let last = lines.last_mut().map(|l| l.len()).unwrap_or(0);
            if last > 0 && last + 1 + word.len() > area.width as usize {
                lines.push(String::new());
            }
            if let Some(line) = lines.last_mut() {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
        }
        for (i, line) in lines.iter().take(area.height as usize).enumerate() {
            buf.set_stringn(
                area.x,
                area.y + i as u16,
                line,
                area.width as usize,
                app.theme.style(Role::Warning),
            );
        }
        return RenderInfo::default();
    }
    let areas = layout::areas(area, app.settings.hint_bar);
    chrome::header(app, areas.header, buf);
    chrome::crumbs(app, areas.crumbs, buf);
    let info = match app.screen() {
        None => accounts::render(app, areas.body, buf),
        Some(Screen::Detail(d)) => {
            detail::render(app, d, areas.body, buf);
            RenderInfo::default()
        }
        Some(Screen::Journal(j)) => {
            journal::render(app, j, areas.body, buf);
            if let Some(c) = &j.confirm {
                undo_confirm::render(app, c, areas.body, buf);
            }
            RenderInfo::default()
        }
        Some(Screen::Plan(p)) => {
            plan::render(app, p, areas.body, buf);
            RenderInfo::default()
        }
        Some(Screen::Progress) => {
            progress::render(app, areas.body, buf);
            RenderInfo::default()
        }
    };
    chrome::status(app, areas.status, buf);
    if let Some(hints) = areas.hints {
        chrome::hints(app, hints, buf);
    }
    if let Some(scroll) = app.help {
        help::render(app, scroll, area, buf);
        return RenderInfo::default();
    }
    info
}
