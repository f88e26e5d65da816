//! The accounts table: score, verdict, name, title, department, roles, risk, state and top
//! indicators, highest score first. Only the visible window is drawn, whatever the total.

use super::table::{draw_header, draw_row, fit, Cell, Column};
use super::{RenderInfo, ScrollBand};
use crate::app::{App, Loadable};
use crate::contain_state::Applied;
use crate::list::SortKey;
use crate::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use reclaim_triage::{AccountAssessment, Verdict};

// Display order. Priority decides what survives on a narrow terminal: score, verdict and name
// always; then title, top indicators, risk, department, state, roles, UPN.
const COLUMNS: [Column; 11] = [
    Column::new("", 1, 1, 0),
    Column::new("SCORE", 5, 5, 0).right(),
    Column::new("VERDICT", 11, 11, 0),
    Column::new("NAME", 14, 26, 0),
    Column::new("TITLE", 14, 30, 1).pref(24),
    Column::new("DEPARTMENT", 10, 20, 4).pref(16),
    Column::new("ROLES", 12, 30, 6).pref(22),
    Column::new("RISK", 6, 6, 3),
    Column::new("STATE", 10, 10, 5),
    Column::new("TOP INDICATORS", 20, 80, 2).pref(40),
    Column::new("UPN", 18, 40, 7).pref(30),
];

fn sort_column(key: SortKey) -> usize {
    match key {
        SortKey::Score => 1,
        SortKey::Verdict => 2,
        SortKey::Name => 3,
        SortKey::Title => 4,
        SortKey::Department => 5,
        SortKey::Risk => 7,
        SortKey::State => 8,
    }
}

pub fn verdict_role(v: Verdict) -> Role {
    match v {
        Verdict::Compromised => Role::Danger,
        Verdict::Suspicious => Role::Warning,
        Verdict::Clear => Role::Ok,
    }
}

pub fn risk_role(level: &str) -> Role {
    match level {
        "high" => Role::Danger,
        "medium" => Role::Warning,
        _ => Role::Muted,
    }
}

/// Identity Protection's risk states, said shortly.
pub fn short_state(state: &str) -> &str {
    match state {
        "atRisk" => "at risk",
        "confirmedCompromised" => "confirmed",
        "confirmedSafe" => "safe",
        "remediated" => "remediated",
        "dismissed" => "dismissed",
        "none" | "" => "-",
        other => other,
    }
}

/// The heaviest indicators first, by id.
pub fn top_indicators(a: &AccountAssessment) -> String {
    let mut ind: Vec<_> = a.indicators.iter().collect();
    ind.sort_by(|x, y| y.weight.cmp(&x.weight).then_with(|| x.id.cmp(&y.id)));
    ind.iter()
        .map(|i| i.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn empty_message(app: &App) -> String {
    let list = &app.accounts;
    if let Some(f) = &list.filter {
        return format!(
            "no account matches /{}/ (esc clears the filter)",
            reclaim_core::sanitize::for_display(&f.text, 40)
        );
    }
    match &app.status.accounts {
        Some(Loadable::Loading) | None => "loading accounts...".into(),
        Some(Loadable::Failed(e)) => format!("could not load the accounts: {e}"),
        Some(Loadable::Ready(())) => "no risky accounts in this tenant".into(),
    }
}

fn row_cells<'a>(
    a: &'a AccountAssessment,
    applied: Option<Applied>,
    marked: bool,
    score: &'a str,
    roles: &'a str,
    indicators: &'a str,
    theme: &Theme,
) -> [Cell<'a>; 11] {
    let text = theme.style(Role::Text);
    let name_style = if marked {
        theme.style(Role::Marked)
    } else {
        text
    };
    [
        Cell::new(if marked { "*" } else { " " }, theme.style(Role::Marked)),
        Cell::new(score, theme.style(verdict_role(a.verdict))),
        // What this session's apply did outranks the triage verdict it acted on.
        match applied {
            Some(m @ Applied::Contained) => Cell::new(m.label(), theme.style(Role::Ok)),
            Some(m @ Applied::Partial) => Cell::new(m.label(), theme.style(Role::Warning)),
            // Contained in Graph; the Exchange check still needs the operator's `ack`.
            Some(Applied::ExchangePending) => Cell::new("EXO pending", theme.style(Role::Warning)),
            None => Cell::new(a.verdict.as_str(), theme.style(verdict_role(a.verdict))),
        },
        Cell::new(&a.display_name, name_style),
        Cell::new(a.job_title.as_deref().unwrap_or(""), text),
        Cell::new(a.department.as_deref().unwrap_or(""), text),
        Cell::new(roles, text),
        Cell::new(&a.risk_level, theme.style(risk_role(&a.risk_level))),
        Cell::new(short_state(&a.risk_state), text),
        Cell::new(indicators, theme.style(Role::Muted)),
        Cell::new(&a.user_principal_name, theme.style(Role::Muted)),
    ]
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) -> RenderInfo {
    if area.height < 2 {
        return RenderInfo::default();
    }
    let theme = &app.theme;
    let list = &app.accounts;
    let widths = fit(&COLUMNS, area.width);
    let header = Rect::new(area.x, area.y, area.width, 1);
    draw_header(
        buf,
        header,
        &COLUMNS,
        &widths,
        theme.style(Role::Accent),
        Some((sort_column(list.sort), list.reversed)),
    );
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    if list.shown_len() == 0 {
        let msg = empty_message(app);
        super::table::put(
            buf,
            body.x + 2,
            body.y + 1,
            body.x + body.width,
            &msg,
            theme.style(Role::Muted),
        );
        return RenderInfo::default();
    }
    let selection = theme.style(Role::Selection);
    for row in 0..body.height as usize {
        let pos = list.offset + row;
        let Some(a) = list.shown_at(pos) else { break };
        let score = a.score.to_string();
        let roles = a.roles.join(", ");
        let indicators = top_indicators(a);
        let applied = app.applied.get(&a.id).copied();
        let cells = row_cells(
            a,
            applied,
            list.is_marked(&a.id),
            &score,
            &roles,
            &indicators,
            theme,
        );
        let base = if pos == list.cursor {
            selection
        } else {
            Style::default()
        };
        draw_row(
            buf,
            body,
            body.y + row as u16,
            &COLUMNS,
            &widths,
            &cells,
            base,
        );
    }
    RenderInfo {
        scroll: Some(ScrollBand {
            top: body.y,
            height: body.height,
            offset: list.offset,
            key: list.generation ^ ((area.width as u64) << 48) ^ ((area.height as u64) << 32),
        }),
    }
}
