//! A small table painter: columns that drop by priority on narrow terminals, cells cut to
//! their width, and every string passed through `sanitize::for_display` on the way.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use reclaim_core::sanitize::for_display;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    /// Narrowest useful width; below it the column is dropped instead.
    pub min: u16,
    /// Width it asks for before lower-priority columns are admitted.
    pub pref: u16,
    /// Widest it grows to before leftover space goes to the last flexible column.
    pub max: u16,
    /// 0 is kept longest.
    pub priority: u8,
    pub right: bool,
}

impl Column {
    pub const fn new(title: &'static str, min: u16, max: u16, priority: u8) -> Column {
        Column {
            title,
            min,
            pref: min,
            max,
            priority,
            right: false,
        }
    }

    pub const fn pref(mut self, pref: u16) -> Column {
        self.pref = pref;
        self
    }

    pub const fn right(mut self) -> Column {
        self.right = true;
        self
    }
}

/// Widths per column (`None` = dropped) for `width` columns of screen, one space apart.
pub fn fit(columns: &[Column], width: u16) -> Vec<Option<u16>> {
    let mut by_priority: Vec<usize> = (0..columns.len()).collect();
    by_priority.sort_by_key(|&i| (columns[i].priority, i));
    let mut widths: Vec<Option<u16>> = vec![None; columns.len()];
    let mut used: u16 = 0;
    // Admit columns by priority at their preferred width, else at their minimum.
    for &i in &by_priority {
        let gap = u16::from(used > 0);
        for w in [columns[i].pref, columns[i].min] {
            if used + w + gap <= width {
                widths[i] = Some(w);
                used += w + gap;
                break;
            }
        }
    }
    // Grow kept columns toward their max, most important first.
    let mut spare = width.saturating_sub(used);
    for &i in &by_priority {
        if let Some(w) = widths[i].as_mut() {
            let grow = columns[i].max.saturating_sub(*w).min(spare);
            *w += grow;
            spare -= grow;
        }
    }
    // Whatever is left widens the last kept column, so rows reach the right edge.
    if spare > 0 {
        if let Some(w) = widths.iter_mut().rev().flatten().next() {
            *w += spare;
        }
    }
    widths
}

/// One cell: text (sanitized here) and its style.
pub struct Cell<'a> {
    pub text: &'a str,
    pub style: Style,
}

impl<'a> Cell<'a> {
    pub fn new(text: &'a str, style: Style) -> Self {
        Cell { text, style }
    }
}

/// Paints one row at `y` from `area.x`; `base` fills the whole row first (selection).
pub fn draw_row(
    buf: &mut Buffer,
    area: Rect,
    y: u16,
    columns: &[Column],
    widths: &[Option<u16>],
    cells: &[Cell<'_>],
    base: Style,
) {
    buf.set_style(Rect::new(area.x, y, area.width, 1), base);
    let mut x = area.x;
    let right_edge = area.x + area.width;
    for ((col, width), cell) in columns.iter().zip(widths).zip(cells) {
        let Some(w) = *width else { continue };
        if x >= right_edge {
            break;
        }
        let w = w.min(right_edge - x);
        let text = for_display(cell.text, w as usize);
        let text_w = text.width() as u16;
        let start = if col.right {
            x + w.saturating_sub(text_w)
        } else {
            x
        };
        // On a highlighted row (selection) the row's colours win; cells keep their attributes.
        let style = if base == Style::default() {
            cell.style
        } else {
            base.patch(Style {
                fg: None,
                bg: None,
                ..cell.style
            })
        };
        buf.set_stringn(start, y, &text, w as usize, style);
        x += w + 1;
    }
}

/// Column titles; `sorted` marks one with ` v` or ` ^`.
pub fn draw_header(
    buf: &mut Buffer,
    area: Rect,
    columns: &[Column],
    widths: &[Option<u16>],
    style: Style,
    sorted: Option<(usize, bool)>,
) {
    // The sorted column is underlined, with ` v` / ` ^` when there is room for it.
    let titles: Vec<(String, Style)> = columns
        .iter()
        .zip(widths)
        .enumerate()
        .map(|(i, (c, w))| match sorted {
            Some((s, desc)) if s == i => {
                let marked = format!("{} {}", c.title, if desc { "v" } else { "^" });
                let fits = w.is_some_and(|w| marked.width() <= w as usize);
                let title = if fits { marked } else { c.title.to_string() };
                (
                    title,
                    style.add_modifier(ratatui::style::Modifier::UNDERLINED),
                )
            }
            _ => (c.title.to_string(), style),
        })
        .collect();
    let cells: Vec<Cell<'_>> = titles.iter().map(|(t, s)| Cell::new(t, *s)).collect();
    draw_row(buf, area, area.y, columns, widths, &cells, Style::default());
}

/// Paints `text` (sanitized, cut to fit) at `x, y`; returns the column after it.
pub fn put(buf: &mut Buffer, x: u16, y: u16, max_x: u16, text: &str, style: Style) -> u16 {
    if x >= max_x {
        return x;
    }
    let text = for_display(text, (max_x - x) as usize);
    let (end, _) = buf.set_stringn(x, y, &text, (max_x - x) as usize, style);
    end
}

/// Draws a bordered box with `title` on its top border, `title_dx` cells in, and returns the
/// area inside the border. The title goes through [`put`], so tenant text in it stays inert.
pub fn framed(
    buf: &mut Buffer,
    area: Rect,
    border: Style,
    title: &str,
    title_dx: u16,
    title_style: Style,
) -> Rect {
    use ratatui::widgets::{Block, Borders, Widget};
    Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .render(area, buf);
    let max = area.x + area.width.saturating_sub(1);
    put(buf, area.x + title_dx, area.y, max, title, title_style);
    Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_lowest_priority_columns_first_and_fills_the_width() {
        let cols = [
            Column::new("A", 5, 5, 0),
            Column::new("B", 10, 30, 1),
            Column::new("C", 10, 10, 3),
            Column::new("D", 8, 20, 2),
        ];
        assert_eq!(fit(&cols, 30), vec![Some(5), Some(15), None, Some(8)]);
        let wide = fit(&cols, 100);
        assert!(wide.iter().all(Option::is_some));
        let total: u16 = wide.iter().flatten().sum::<u16>() + 3;
        assert_eq!(total, 100);
        assert_eq!(fit(&cols, 4), vec![None; 4]);
    }

    #[test]
    fn cells_are_sanitized_and_cut() {
        let cols = [Column::new("A", 8, 8, 0)];
        let area = Rect::new(0, 0, 8, 1);
        let mut buf = Buffer::empty(area);
        draw_row(
            &mut buf,
            area,
            0,
            &cols,
            &[Some(8)],
            &[Cell::new("\x1b[2Jabcdefgh", Style::default())],
            Style::default(),
        );
        let line: String = buf.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(line, "\\x1b[...");
    }
}
