//! Puts frames on the terminal with as few bytes as possible, because the link may be SSH on a
//! hotel network. Each frame is diffed against what the terminal already shows; a table that
//! only scrolled is moved by the terminal itself (a scroll region) so just the new rows are
//! sent; styles are written as one SGR sequence per change; colour codes are never written
//! when the theme has none (NO_COLOR); and every frame sits inside a synchronized update so
//! the terminal shows it whole (no tearing or flicker in tmux).

use super::app::App;
use super::views::{self, RenderInfo, ScrollBand};
use ratatui::buffer::{Buffer, Cell};
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::crossterm::{cursor::MoveTo, queue};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

pub struct Presenter<W: Write> {
    out: W,
    /// What the terminal shows now.
    shown: Buffer,
    shown_info: RenderInfo,
    scroll_regions: bool,
}

#[derive(Clone, Copy, PartialEq)]
struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

const DEFAULT_PEN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    modifier: Modifier::empty(),
};

fn colour_code(c: Color, background: bool, out: &mut String) {
    use std::fmt::Write as _;
    let base = if background { 40 } else { 30 };
    let (code, bright) = match c {
        Color::Reset => return,
        Color::Black => (0, false),
        Color::Red => (1, false),
        Color::Green => (2, false),
        Color::Yellow => (3, false),
        Color::Blue => (4, false),
        Color::Magenta => (5, false),
        Color::Cyan => (6, false),
        Color::Gray => (7, false),
        Color::DarkGray => (0, true),
        Color::LightRed => (1, true),
        Color::LightGreen => (2, true),
        Color::LightYellow => (3, true),
        Color::LightBlue => (4, true),
        Color::LightMagenta => (5, true),
        Color::LightCyan => (6, true),
        Color::White => (7, true),
        Color::Indexed(i) => {
            let _ = write!(out, ";{};5;{i}", base + 8);
            return;
        }
        Color::Rgb(r, g, b) => {
            let _ = write!(out, ";{};2;{r};{g};{b}", base + 8);
            return;
        }
    };
    let n = if bright {
        base + 60 + code
    } else {
        base + code
    };
    let _ = write!(out, ";{n}");
}

/// One SGR sequence that sets exactly this pen from any state.
fn sgr(pen: Pen) -> String {
    let mut s = String::from("\x1b[0");
    for (m, code) in [
        (Modifier::BOLD, 1),
        (Modifier::DIM, 2),
        (Modifier::ITALIC, 3),
        (Modifier::UNDERLINED, 4),
        (Modifier::SLOW_BLINK, 5),
        (Modifier::RAPID_BLINK, 6),
        (Modifier::REVERSED, 7),
        (Modifier::HIDDEN, 8),
        (Modifier::CROSSED_OUT, 9),
    ] {
        if pen.modifier.contains(m) {
            s.push(';');
            s.push_str(&code.to_string());
        }
    }
    colour_code(pen.fg, false, &mut s);
    colour_code(pen.bg, true, &mut s);
    s.push('m');
    s
}

/// Moves rows `top..top+height` of `buf` by `delta` (positive: content moves up), filling the
/// uncovered rows with blanks, exactly as the terminal does for a scroll in a region.
fn shift_rows(buf: &mut Buffer, top: u16, height: u16, delta: isize) {
    let w = buf.area.width as usize;
    let start = (top - buf.area.y) as usize * w;
    let len = height as usize * w;
    let region = &mut buf.content[start..start + len];
    let n = delta.unsigned_abs() * w;
    if delta > 0 {
        region.rotate_left(n);
        region[len - n..].fill(Cell::default());
    } else {
        region.rotate_right(n);
        region[..n].fill(Cell::default());
    }
}

impl<W: Write> Presenter<W> {
    /// `out` must show a blank screen of `width` x `height` (just cleared).
    pub fn new(out: W, width: u16, height: u16, scroll_regions: bool) -> Self {
        Presenter {
            out,
            shown: Buffer::empty(Rect::new(0, 0, width, height)),
            shown_info: RenderInfo::default(),
            scroll_regions,
        }
    }

    pub fn writer(&mut self) -> &mut W {
        &mut self.out
    }

    pub fn into_writer(self) -> W {
        self.out
    }

    pub fn area(&self) -> Rect {
        self.shown.area
    }

    /// Clears the terminal and forgets what it showed: the next frame is drawn in full.
    /// Used for Ctrl-L and after a resize (when terminals reflow or leave garbage).
    pub fn clear(&mut self, width: u16, height: u16) -> io::Result<()> {
        self.out.write_all(b"\x1b[0m\x1b[2J")?;
        self.out.flush()?;
        self.shown = Buffer::empty(Rect::new(0, 0, width, height));
        self.shown_info = RenderInfo::default();
        Ok(())
    }

    /// Writes bytes outside a frame (an OSC 52 copy).
    pub fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.out.flush()
    }

    /// Renders the app and sends the difference to the terminal.
    pub fn draw(&mut self, app: &App) -> io::Result<()> {
        let mut next = Buffer::empty(self.shown.area);
        let info = views::render(app, self.shown.area, &mut next);
        self.present(next, info)
    }

    /// Sends a rendered frame.
    pub fn present(&mut self, next: Buffer, info: RenderInfo) -> io::Result<()> {
        queue!(self.out, BeginSynchronizedUpdate)?;
        if self.scroll_regions {
            if let (Some(old), Some(new)) = (self.shown_info.scroll, info.scroll) {
                self.scroll_band(old, new)?;
            }
        }
        self.write_diff(&next)?;
        queue!(self.out, EndSynchronizedUpdate)?;
        self.out.flush()?;
        self.shown = next;
        self.shown_info = info;
        Ok(())
    }

    fn scroll_band(&mut self, old: ScrollBand, new: ScrollBand) -> io::Result<()> {
        if old.key != new.key || old.top != new.top || old.height != new.height {
            return Ok(());
        }
        let delta = new.offset as isize - old.offset as isize;
        // Scrolling pays off only when most rows survive it.
        if delta == 0 || delta.unsigned_abs() * 2 > new.height as usize {
            return Ok(());
        }
        let bottom = new.top + new.height; // exclusive
        if bottom > self.shown.area.bottom() {
            return Ok(());
        }
        // DECSTBM (1-based, inclusive), SU/SD, then reset the region; the cursor goes home,
        // and the diff below positions it before writing anything.
        let op = if delta > 0 { 'S' } else { 'T' };
        write!(
            self.out,
            "\x1b[{};{}r\x1b[{}{op}\x1b[r",
            new.top + 1,
            bottom,
            delta.unsigned_abs()
        )?;
        shift_rows(&mut self.shown, new.top, new.height, delta);
        Ok(())
    }

    fn write_diff(&mut self, next: &Buffer) -> io::Result<()> {
        let mut pen = DEFAULT_PEN;
        let mut at: Option<(u16, u16)> = None;
        for (x, y, cell) in self.shown.diff(next) {
            if at != Some((x, y)) {
                queue!(self.out, MoveTo(x, y))?;
            }
            let want = Pen {
                fg: cell.fg,
                bg: cell.bg,
                modifier: cell.modifier,
            };
            if want != pen {
                self.out.write_all(sgr(want).as_bytes())?;
                pen = want;
            }
            let mut symbol = cell.symbol();
            // The last gate: widgets draw tenant text through `for_display`, but a control in
            // a cell must never reach the terminal whatever drew it.
            if symbol.chars().any(reclaim_core::sanitize::is_dangerous) {
                symbol = "?";
            }
            self.out.write_all(symbol.as_bytes())?;
            at = Some((x + symbol.width().max(1) as u16, y));
        }
        if pen != DEFAULT_PEN {
            self.out.write_all(b"\x1b[0m")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;

    fn frame(lines: &[&str], w: u16) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, w, lines.len() as u16));
        for (y, l) in lines.iter().enumerate() {
            b.set_string(0, y as u16, l, Style::default());
        }
        b
    }

    fn band(offset: usize) -> RenderInfo {
        RenderInfo {
            scroll: Some(ScrollBand {
                top: 1,
                height: 3,
                offset,
                key: 7,
            }),
        }
    }

    #[test]
    fn a_scrolled_band_sends_only_the_new_row() {
        let mut p = Presenter::new(Vec::new(), 6, 5, true);
        p.present(frame(&["head", "r1", "r2", "r3", "foot"], 6), band(0))
            .unwrap();
        p.writer().clear();
        p.present(frame(&["head", "r2", "r3", "r4", "foot"], 6), band(1))
            .unwrap();
        let out = String::from_utf8(p.into_writer()).unwrap();
        assert!(out.contains("\x1b[2;4r\x1b[1S\x1b[r"), "{out:?}");
        assert!(out.contains("r4"));
        assert!(!out.contains("r2") && !out.contains("r3"), "{out:?}");
    }

    #[test]
    fn without_scroll_regions_rows_are_repainted() {
        let mut p = Presenter::new(Vec::new(), 6, 5, false);
        p.present(frame(&["head", "r1", "r2", "r3", "foot"], 6), band(0))
            .unwrap();
        p.writer().clear();
        p.present(frame(&["head", "r2", "r3", "r4", "foot"], 6), band(1))
            .unwrap();
        let out = String::from_utf8(p.into_writer()).unwrap();
        assert!(!out.contains("\x1b[1S"));
        assert!(out.contains('4'));
    }

    #[test]
    fn shift_matches_terminal_semantics() {
        let mut b = frame(&["a", "b", "c", "d"], 1);
        shift_rows(&mut b, 1, 3, 1);
        let s: String = b.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(s, "acd ");
        shift_rows(&mut b, 0, 4, -2);
        let s: String = b.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(s, "  ac");
    }

    #[test]
    fn colourless_frames_write_no_colour_codes() {
        let mut p = Presenter::new(Vec::new(), 10, 1, true);
        let mut b = Buffer::empty(Rect::new(0, 0, 10, 1));
        b.set_string(0, 0, "bold", Style::default().add_modifier(Modifier::BOLD));
        b.set_string(
            5,
            0,
            "rev",
            Style::default().add_modifier(Modifier::REVERSED),
        );
        p.present(b, RenderInfo::default()).unwrap();
        let out = String::from_utf8(p.into_writer()).unwrap();
        assert!(out.contains("\x1b[0;1mbold"), "{out:?}");
        assert!(out.contains("\x1b[0;7mrev"), "{out:?}");
        assert!(out.ends_with("\x1b[0m\x1b[?2026l"), "{out:?}");
        assert!(!out.contains("\x1b[3") && !out.contains(";3") && !out.contains(";4"));
    }

    #[test]
    fn colours_map_to_ansi_codes() {
        let pen = Pen {
            fg: Color::LightRed,
            bg: Color::Indexed(25),
            modifier: Modifier::BOLD,
        };
        assert_eq!(sgr(pen), "\x1b[0;1;91;48;5;25m");
        assert_eq!(sgr(DEFAULT_PEN), "\x1b[0m");
    }
}
