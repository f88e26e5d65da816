//! Where each part of the screen goes. Shared by the views (to draw) and the reducer (to know
//! how many rows a page holds), so paging and drawing never disagree.

use ratatui::layout::Rect;

/// Rows of the account summary above the detail tabs.
pub const DETAIL_SUMMARY_ROWS: u16 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub crumbs: Rect,
    pub body: Rect,
    pub status: Rect,
    pub hints: Option<Rect>,
}

/// Smallest screen the console draws into; below it, it says so instead of garbling.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

pub fn areas(area: Rect, hint_bar: bool) -> Areas {
    let row = |y: u16| Rect::new(area.x, y, area.width, 1);
    let hints_rows = u16::from(hint_bar);
    let body_height = area.height.saturating_sub(3 + hints_rows);
    Areas {
        header: row(area.y),
        crumbs: row(area.y + 1),
        body: Rect::new(area.x, area.y + 2, area.width, body_height),
        status: row(area.y + 2 + body_height),
        hints: hint_bar.then(|| row(area.y + 3 + body_height)),
    }
}

/// Data rows of a table filling the body (one row goes to the column titles).
pub fn table_rows(width: u16, height: u16, hint_bar: bool) -> usize {
    let body = areas(Rect::new(0, 0, width, height), hint_bar).body;
    body.height.saturating_sub(1) as usize
}

/// Data rows of a detail tab (summary, tab bar and column titles above it).
pub fn detail_rows(width: u16, height: u16, hint_bar: bool) -> usize {
    let body = areas(Rect::new(0, 0, width, height), hint_bar).body;
    body.height.saturating_sub(DETAIL_SUMMARY_ROWS + 2) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_tile_the_screen() {
        let a = areas(Rect::new(0, 0, 80, 24), true);
        assert_eq!(a.body, Rect::new(0, 2, 80, 20));
        assert_eq!(a.status.y, 22);
        assert_eq!(a.hints.unwrap().y, 23);
        assert_eq!(table_rows(80, 24, true), 19);
        assert_eq!(table_rows(80, 24, false), 20);
        assert_eq!(detail_rows(80, 24, true), 14);
    }
}
