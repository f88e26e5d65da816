//! One account: a summary, then tabs for the evidence (overview), sign-ins, MFA methods,
//! inbox rules, directory audit events and OAuth grants. Rows tied to the attacker by an
//! indicator are flagged with `!` and the indicator's id.

use super::accounts::{risk_role, short_state, verdict_role};
use super::table::{draw_header, draw_row, fit, put, Cell, Column};
use crate::triage::AccountAssessment;
use crate::tui::action::DetailTab;
use crate::tui::app::{App, DetailState, Loadable};
use crate::tui::layout::DETAIL_SUMMARY_ROWS;
use crate::tui::source::{AccountDetail, Section};
use crate::tui::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_width::UnicodeWidthStr;

fn short_title(tab: DetailTab) -> &'static str {
    match tab {
        DetailTab::Overview => "overview",
        DetailTab::SignIns => "sign-ins",
        DetailTab::Methods => "methods",
        DetailTab::Rules => "rules",
        DetailTab::AuditEvents => "audit",
        DetailTab::Grants => "grants",
    }
}

fn summary(app: &App, a: Option<&AccountAssessment>, d: &DetailState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let max = area.x + area.width;
    let Some(a) = a else {
        put(buf, area.x + 1, area.y, max, &d.account_id, theme.style(Role::Accent));
        return;
    };
    let verdict = format!("score {}  {} ", a.score, a.verdict.as_str().to_uppercase());
    let vx = max.saturating_sub(verdict.width() as u16);
    put(buf, vx, area.y, max, &verdict, theme.style(verdict_role(a.verdict)));
    let left_max = vx.saturating_sub(1);
    let mut x = put(buf, area.x + 1, area.y, left_max, &a.display_name, theme.style(Role::Accent));
    put(buf, x + 2, area.y, left_max, &a.user_principal_name, theme.style(Role::Muted));

    let mut line = String::new();
    for part in [a.job_title.as_deref(), a.department.as_deref()].into_iter().flatten() {
        if !line.is_empty() {
            line.push_str(" / ");
        }
        line.push_str(part);
    }
    x = put(buf, area.x + 1, area.y + 1, max, &line, theme.style(Role::Text));
    if !a.roles.is_empty() {
        x = put(buf, x + 3, area.y + 1, max, "roles: ", theme.style(Role::Muted));
        put(buf, x, area.y + 1, max, &a.roles.join(", "), theme.style(Role::Warning));
    }

    let y = area.y + 2;
    x = put(buf, area.x + 1, y, max, "risk ", theme.style(Role::Muted));
    x = put(buf, x, y, max, &a.risk_level, theme.style(risk_role(&a.risk_level)));
    x = put(buf, x, y, max, &format!(" ({})", short_state(&a.risk_state)), theme.style(Role::Text));
    let enabled = match a.account_enabled {
        Some(true) => "enabled",
        Some(false) => "disabled",
        None => "enabled: ?",
    };
    x = put(buf, x + 3, y, max, enabled, theme.style(Role::Text));
    if let Some(t) = &a.user_type {
        x = put(buf, x + 3, y, max, t, theme.style(Role::Text));
    }
    if a.high_value {
        x = put(buf, x + 3, y, max, "high-value target", theme.style(Role::Warning));
    }
    if let Loadable::Ready(detail) = &d.data {
        for (k, v) in &detail.profile {
            x = put(buf, x + 3, y, max, &format!("{k}: "), theme.style(Role::Muted));
            x = put(buf, x, y, max, v, theme.style(Role::Text));
        }
    }
}

fn count<T>(s: &Section<T>) -> String {
    match s {
        Section::Rows(r) => format!(" ({})", r.len()),
        Section::Unavailable(_) => " (n/a)".into(),
    }
}

/// Labels get shorter until they fit: long titles with counts, short with counts, short.
#[derive(Clone, Copy, PartialEq)]
enum LabelStyle {
    Long,
    Short,
    Bare,
}

fn tab_label(tab: DetailTab, detail: Option<&AccountDetail>, indicators: usize, style: LabelStyle) -> String {
    let title = if style == LabelStyle::Long { tab.title() } else { short_title(tab) };
    if style == LabelStyle::Bare {
        return format!(" {} {} ", tab.index() + 1, title);
    }
    let n = match (tab, detail) {
        (DetailTab::Overview, _) => format!(" ({indicators})"),
        (_, None) => String::new(),
        (DetailTab::SignIns, Some(d)) => count(&d.sign_ins),
        (DetailTab::Methods, Some(d)) => count(&d.methods),
        (DetailTab::Rules, Some(d)) => count(&d.rules),
        (DetailTab::AuditEvents, Some(d)) => count(&d.audit_events),
        (DetailTab::Grants, Some(d)) => count(&d.grants),
    };
    format!(" {} {}{} ", tab.index() + 1, title, n)
}

fn tab_flagged(tab: DetailTab, d: &AccountDetail) -> bool {
    match tab {
        DetailTab::Overview => false,
        DetailTab::SignIns => d.sign_ins.rows().iter().any(|r| r.flag.is_some()),
        DetailTab::Methods => d.methods.rows().iter().any(|r| r.flag.is_some()),
        DetailTab::Rules => d.rules.rows().iter().any(|r| r.flag.is_some()),
        DetailTab::AuditEvents => d.audit_events.rows().iter().any(|r| r.flag.is_some()),
        DetailTab::Grants => d.grants.rows().iter().any(|r| r.flag.is_some()),
    }
}

fn tabs(app: &App, d: &DetailState, indicators: usize, area: Rect, buf: &mut Buffer) {
    let detail = match &d.data {
        Loadable::Ready(x) => Some(x.as_ref()),
        _ => None,
    };
    let fits = |style: LabelStyle| {
        DetailTab::ALL
            .iter()
            .map(|t| tab_label(*t, detail, indicators, style).width())
            .sum::<usize>()
            <= area.width as usize
    };
    let style = [LabelStyle::Long, LabelStyle::Short]
        .into_iter()
        .find(|s| fits(*s))
        .unwrap_or(LabelStyle::Bare);
    let max = area.x + area.width;
    let mut x = area.x;
    for tab in DetailTab::ALL {
        let label = tab_label(tab, detail, indicators, style);
        let role = if tab == d.tab {
            Role::Tab
        } else if detail.is_some_and(|dd| tab_flagged(tab, dd)) {
            Role::Danger
        } else {
            Role::Muted
        };
        x = put(buf, x, area.y, max, &label, app.theme.style(role));
    }
}

/// Draws a table of `rows` with the cursor, or says why there is nothing to show.
#[allow(clippy::too_many_arguments)]
fn table<T>(
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
    columns: &[Column],
    section: &Section<T>,
    cursor: usize,
    offset: usize,
    cells: impl Fn(&T) -> (Vec<String>, bool),
) {
    let widths = fit(columns, area.width);
    draw_header(buf, Rect::new(area.x, area.y, area.width, 1), columns, &widths, theme.style(Role::Accent), None);
    let body = Rect::new(area.x, area.y + 1, area.width, area.height.saturating_sub(1));
    let max = body.x + body.width;
    let rows = match section {
        Section::Unavailable(why) => {
            put(buf, body.x + 2, body.y, max, &format!("not available: {why}"), theme.style(Role::Warning));
            return;
        }
        Section::Rows(rows) if rows.is_empty() => {
            put(buf, body.x + 2, body.y, max, "none", theme.style(Role::Muted));
            return;
        }
        Section::Rows(rows) => rows,
    };
    for (i, row) in rows.iter().enumerate().skip(offset).take(body.height as usize) {
        let (texts, flagged) = cells(row);
        let y = body.y + (i - offset) as u16;
        let mut styled: Vec<Cell<'_>> = Vec::with_capacity(texts.len());
        for (c, t) in texts.iter().enumerate() {
            let role = if c == 0 && flagged { Role::Danger } else { Role::Text };
            styled.push(Cell::new(t, theme.style(role)));
        }
        let base = if i == cursor { theme.style(Role::Selection) } else { Style::default() };
        draw_row(buf, body, y, columns, &widths, &styled, base);
    }
}

fn flag(f: &Option<String>) -> (String, bool) {
    match f {
        Some(id) => (format!("! {id}"), true),
        None => (String::new(), false),
    }
}

const SIGNIN_COLS: [Column; 9] = [
    Column::new("FLAG", 12, 30, 1),
    Column::new("TIME", 17, 17, 0),
    Column::new("APP", 12, 24, 2),
    Column::new("IP", 15, 39, 0),
    Column::new("LOCATION", 12, 24, 3),
    Column::new("STATUS", 8, 24, 1),
    Column::new("RISK", 6, 6, 4),
    Column::new("CLIENT", 10, 18, 6),
    Column::new("USER AGENT", 16, 120, 5),
];
const METHOD_COLS: [Column; 4] = [
    Column::new("FLAG", 12, 36, 1),
    Column::new("METHOD", 16, 32, 0),
    Column::new("DETAIL", 16, 60, 0),
    Column::new("CREATED", 17, 17, 0),
];
const RULE_COLS: [Column; 5] = [
    Column::new("FLAG", 12, 36, 1),
    Column::new("NAME", 12, 40, 0),
    Column::new("ON", 3, 3, 0),
    Column::new("CONDITIONS", 16, 60, 2),
    Column::new("ACTIONS", 16, 80, 0),
];
const AUDIT_COLS: [Column; 7] = [
    Column::new("FLAG", 12, 36, 1),
    Column::new("TIME", 17, 17, 0),
    Column::new("ACTIVITY", 16, 40, 0),
    Column::new("BY", 12, 36, 3),
    Column::new("TARGET", 12, 30, 4),
    Column::new("RESULT", 7, 10, 5),
    Column::new("CHANGE", 16, 90, 2),
];
const GRANT_COLS: [Column; 5] = [
    Column::new("FLAG", 12, 36, 1),
    Column::new("CLIENT", 14, 36, 0),
    Column::new("CONSENT", 9, 14, 2),
    Column::new("SCOPES", 16, 100, 0),
    Column::new("CREATED", 17, 17, 3),
];
const INDICATOR_COLS: [Column; 4] = [
    Column::new("WEIGHT", 6, 6, 0).right(),
    Column::new("INDICATOR", 16, 34, 0),
    Column::new("SUMMARY", 20, 70, 0),
    Column::new("EVIDENCE", 40, 120, 1),
];

fn overview(app: &App, a: Option<&AccountAssessment>, d: &DetailState, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(a) = a else { return };
    let mut ind: Vec<_> = a.indicators.iter().collect();
    ind.sort_by(|x, y| y.weight.cmp(&x.weight).then_with(|| x.id.cmp(&y.id)));
    let cursor = d.cursor[0];
    let offset = d.offset[0];
    let shown_rows = (ind.len().saturating_sub(offset)) as u16;
    let list_height = (shown_rows + 1).min(area.height);
    let section = Section::Rows(ind.clone());
    table(theme, Rect::new(area.x, area.y, area.width, list_height.max(2)), buf, &INDICATOR_COLS, &section, cursor, offset, |i| {
        let ev = i
            .evidence
            .first()
            .map(|e| {
                let more = if i.evidence.len() > 1 { format!(" (+{} more)", i.evidence.len() - 1) } else { String::new() };
                format!("{} {}{more}", e.time.as_deref().unwrap_or(""), e.detail).trim().to_string()
            })
            .unwrap_or_default();
        (vec![format!("+{}", i.weight), i.id.clone(), i.summary.clone(), ev], false)
    });
    // Below the list, every piece of evidence for the indicator under the cursor.
    let Some(sel) = ind.get(cursor) else { return };
    let top = area.y + list_height.max(2) + 1;
    let bottom = area.y + area.height;
    if top + 1 >= bottom {
        return;
    }
    let max = area.x + area.width;
    put(buf, area.x + 1, top, max, &format!("evidence for {}:", sel.id), theme.style(Role::Accent));
    for (n, e) in sel.evidence.iter().enumerate() {
        let y = top + 1 + n as u16;
        if y >= bottom {
            break;
        }
        let mut x = put(buf, area.x + 3, y, max, &e.kind, theme.style(Role::Muted));
        x = put(buf, x + 1, y, max, e.time.as_deref().unwrap_or(""), theme.style(Role::Muted));
        x = put(buf, x + 1, y, max, &e.detail, theme.style(Role::Text));
        put(buf, x + 2, y, max, &format!("[{}]", e.id), theme.style(Role::Muted));
    }
}

pub fn render(app: &App, d: &DetailState, area: Rect, buf: &mut Buffer) {
    let account = app.accounts.get(&d.account_id);
    let summary_area = Rect::new(area.x, area.y, area.width, DETAIL_SUMMARY_ROWS.min(area.height));
    summary(app, account, d, summary_area, buf);
    if area.height <= DETAIL_SUMMARY_ROWS + 1 {
        return;
    }
    let indicators = account.map(|a| a.indicators.len()).unwrap_or(0);
    tabs(app, d, indicators, Rect::new(area.x, area.y + DETAIL_SUMMARY_ROWS, area.width, 1), buf);
    let body = Rect::new(
        area.x,
        area.y + DETAIL_SUMMARY_ROWS + 1,
        area.width,
        area.height - DETAIL_SUMMARY_ROWS - 1,
    );
    if d.tab == DetailTab::Overview {
        overview(app, account, d, body, buf);
        if let Loadable::Failed(e) = &d.data {
            put(buf, area.x + 1, area.y + 3, area.x + area.width, &format!("could not load the detail: {e}"), app.theme.style(Role::Danger));
        }
        return;
    }
    let theme = &app.theme;
    let detail = match &d.data {
        Loadable::Ready(x) => x,
        Loadable::Loading => {
            put(buf, body.x + 2, body.y + 1, body.x + body.width, "loading...", theme.style(Role::Muted));
            return;
        }
        Loadable::Failed(e) => {
            put(buf, body.x + 2, body.y + 1, body.x + body.width, &format!("could not load: {e}"), theme.style(Role::Danger));
            return;
        }
    };
    let t = d.tab.index();
    let (cursor, offset) = (d.cursor[t], d.offset[t]);
    match d.tab {
        DetailTab::Overview => {}
        DetailTab::SignIns => table(theme, body, buf, &SIGNIN_COLS, &detail.sign_ins, cursor, offset, |r| {
            let (f, flagged) = flag(&r.flag);
            (vec![f, r.time.clone(), r.app.clone(), r.ip.clone(), r.location.clone(), r.status.clone(), r.risk.clone(), r.client.clone(), r.user_agent.clone()], flagged)
        }),
        DetailTab::Methods => table(theme, body, buf, &METHOD_COLS, &detail.methods, cursor, offset, |r| {
            let (f, flagged) = flag(&r.flag);
            (vec![f, r.kind.clone(), r.detail.clone(), r.created.clone()], flagged)
        }),
        DetailTab::Rules => table(theme, body, buf, &RULE_COLS, &detail.rules, cursor, offset, |r| {
            let (f, flagged) = flag(&r.flag);
            let on = if r.enabled { "yes" } else { "no" };
            (vec![f, r.name.clone(), on.into(), r.conditions.clone(), r.actions.clone()], flagged)
        }),
        DetailTab::AuditEvents => table(theme, body, buf, &AUDIT_COLS, &detail.audit_events, cursor, offset, |r| {
            let (f, flagged) = flag(&r.flag);
            (vec![f, r.time.clone(), r.activity.clone(), r.initiated_by.clone(), r.target.clone(), r.result.clone(), r.detail.clone()], flagged)
        }),
        DetailTab::Grants => table(theme, body, buf, &GRANT_COLS, &detail.grants, cursor, offset, |r| {
            let (f, flagged) = flag(&r.flag);
            (vec![f, r.client.clone(), r.consent.clone(), r.scopes.clone(), r.created.clone()], flagged)
        }),
    }
}
