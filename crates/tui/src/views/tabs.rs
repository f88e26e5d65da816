//! The tables inside the detail view's tabs: evidence (overview), sign-ins, MFA methods,
//! inbox rules, directory audit events and OAuth grants.

use super::table::{draw_header, draw_row, fit, put, Cell, Column};
use crate::action::DetailTab;
use crate::app::{App, DetailState};
use crate::source::{AccountDetail, Section};
use crate::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use reclaim_triage::AccountAssessment;

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
    draw_header(
        buf,
        Rect::new(area.x, area.y, area.width, 1),
        columns,
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
    let rows = match section {
        Section::Unavailable(why) => {
            put(
                buf,
                body.x + 2,
                body.y,
                max,
                &format!("not available: {why}"),
                theme.style(Role::Warning),
            );
            return;
        }
        Section::Rows(rows) if rows.is_empty() => {
            put(
                buf,
                body.x + 2,
                body.y,
                max,
                "none",
                theme.style(Role::Muted),
            );
            return;
        }
        Section::Rows(rows) => rows,
    };
    for (i, row) in rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(body.height as usize)
    {
        let (texts, flagged) = cells(row);
        let y = body.y + (i - offset) as u16;
        let mut styled: Vec<Cell<'_>> = Vec::with_capacity(texts.len());
        for (c, t) in texts.iter().enumerate() {
            let role = if c == 0 && flagged {
                Role::Danger
            } else {
                Role::Text
            };
            styled.push(Cell::new(t, theme.style(role)));
        }
        let base = if i == cursor {
            theme.style(Role::Selection)
        } else {
            Style::default()
        };
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
    Column::new("NAME", 12, 24, 0),
    Column::new("ON", 3, 3, 0),
    Column::new("CONDITIONS", 16, 60, 2).pref(30),
    Column::new("ACTIONS", 16, 80, 0).pref(30),
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
const DEVICE_COLS: [Column; 7] = [
    Column::new("FLAG", 12, 36, 1),
    Column::new("NAME", 12, 30, 0),
    Column::new("OS", 7, 12, 2),
    Column::new("TRUST", 9, 10, 2),
    Column::new("MANAGEMENT", 16, 24, 0),
    Column::new("ENABLED", 7, 7, 3),
    Column::new("REGISTERED", 17, 17, 3),
];
const MEMBERSHIP_COLS: [Column; 5] = [
    Column::new("FLAG", 12, 36, 1),
    Column::new("KIND", 5, 5, 2),
    Column::new("NAME", 14, 34, 0),
    Column::new("ADDED", 17, 17, 3),
    Column::new("BY", 12, 60, 0),
];

const APP_CREDENTIAL_COLS: [Column; 7] = [
    Column::new("FLAG", 12, 40, 1),
    Column::new("HOLDER", 11, 17, 3),
    Column::new("APP", 12, 30, 0),
    Column::new("KIND", 6, 11, 2),
    Column::new("NAME", 8, 24, 4),
    Column::new("KEY ID", 12, 36, 0),
    Column::new("ADDED", 17, 17, 3),
];
const INDICATOR_COLS: [Column; 4] = [
    Column::new("WEIGHT", 6, 6, 0).right(),
    Column::new("INDICATOR", 34, 34, 0),
    Column::new("SUMMARY", 20, 70, 0),
    Column::new("EVIDENCE", 40, 120, 1),
];

pub fn overview(
    app: &App,
    a: Option<&AccountAssessment>,
    d: &DetailState,
    area: Rect,
    buf: &mut Buffer,
) {
    let theme = &app.theme;
    let Some(a) = a else { return };
    let mut ind: Vec<_> = a.indicators.iter().collect();
    ind.sort_by(|x, y| y.weight.cmp(&x.weight).then_with(|| x.id.cmp(&y.id)));
    let cursor = d.cursor[0];
    let offset = d.offset[0];
    let shown_rows = (ind.len().saturating_sub(offset)) as u16;
    let list_height = (shown_rows + 1).min(area.height);
    let section = Section::Rows(ind.clone());
    table(
        theme,
        Rect::new(area.x, area.y, area.width, list_height.max(2)),
        buf,
        &INDICATOR_COLS,
        &section,
        cursor,
        offset,
        |i| {
            let ev = i
                .evidence
                .first()
                .map(|e| {
                    let more = if i.evidence.len() > 1 {
                        format!(" (+{} more)", i.evidence.len() - 1)
                    } else {
                        String::new()
                    };
                    format!("{} {}{more}", e.time.as_deref().unwrap_or(""), e.detail)
                        .trim()
                        .to_string()
                })
                .unwrap_or_default();
            (
                vec![
                    format!("+{}", i.weight),
                    i.id.clone(),
                    i.summary.clone(),
                    ev,
                ],
                false,
            )
        },
    );
    // Below the list, every piece of evidence for the indicator under the cursor.
    let Some(sel) = ind.get(cursor) else { return };
    let top = area.y + list_height.max(2) + 1;
    let bottom = area.y + area.height;
    if top + 1 >= bottom {
        return;
    }
    let max = area.x + area.width;
    put(
        buf,
        area.x + 1,
        top,
        max,
        &format!("evidence for {}:", sel.id),
        theme.style(Role::Accent),
    );
    for (n, e) in sel.evidence.iter().enumerate() {
        let y = top + 1 + n as u16;
        if y >= bottom {
            break;
        }
        let mut x = put(buf, area.x + 3, y, max, &e.kind, theme.style(Role::Muted));
        x = put(
            buf,
            x + 1,
            y,
            max,
            e.time.as_deref().unwrap_or(""),
            theme.style(Role::Muted),
        );
        x = put(buf, x + 1, y, max, &e.detail, theme.style(Role::Text));
        put(
            buf,
            x + 2,
            y,
            max,
            &format!("[{}]", e.id),
            theme.style(Role::Muted),
        );
    }
}

/// The current tab's rows (any tab but the overview).
pub fn rows(theme: &Theme, d: &DetailState, detail: &AccountDetail, body: Rect, buf: &mut Buffer) {
    let t = d.tab.index();
    let (cursor, offset) = (d.cursor[t], d.offset[t]);
    match d.tab {
        DetailTab::Overview => {}
        DetailTab::SignIns => table(
            theme,
            body,
            buf,
            &SIGNIN_COLS,
            &detail.sign_ins,
            cursor,
            offset,
            |r| {
                let (f, flagged) = flag(&r.flag);
                (
                    vec![
                        f,
                        r.time.clone(),
                        r.app.clone(),
                        r.ip.clone(),
                        r.location.clone(),
                        r.status.clone(),
                        r.risk.clone(),
                        r.client.clone(),
                        r.user_agent.clone(),
                    ],
                    flagged,
                )
            },
        ),
        DetailTab::Methods => table(
            theme,
            body,
            buf,
            &METHOD_COLS,
            &detail.methods,
            cursor,
            offset,
            |r| {
                let (f, flagged) = flag(&r.flag);
                (
                    vec![f, r.kind.clone(), r.detail.clone(), r.created.clone()],
                    flagged,
                )
            },
        ),
        DetailTab::Rules => table(
            theme,
            body,
            buf,
            &RULE_COLS,
            &detail.rules,
            cursor,
            offset,
            |r| {
                let (f, flagged) = flag(&r.flag);
                let on = if r.enabled { "yes" } else { "no" };
                (
                    vec![
                        f,
                        r.name.clone(),
                        on.into(),
                        r.conditions.clone(),
                        r.actions.clone(),
                    ],
                    flagged,
                )
            },
        ),
        DetailTab::AuditEvents => table(
            theme,
            body,
            buf,
            &AUDIT_COLS,
            &detail.audit_events,
            cursor,
            offset,
            |r| {
                let (f, flagged) = flag(&r.flag);
                (
                    vec![
                        f,
                        r.time.clone(),
                        r.activity.clone(),
                        r.initiated_by.clone(),
                        r.target.clone(),
                        r.result.clone(),
                        r.detail.clone(),
                    ],
                    flagged,
                )
            },
        ),
        DetailTab::Grants => table(
            theme,
            body,
            buf,
            &GRANT_COLS,
            &detail.grants,
            cursor,
            offset,
            |r| {
                let (f, flagged) = flag(&r.flag);
                (
                    vec![
                        f,
                        r.client.clone(),
                        r.consent.clone(),
                        r.scopes.clone(),
                        r.created.clone(),
                    ],
                    flagged,
                )
            },
        ),
        DetailTab::Devices => table(
            theme,
            body,
            buf,
            &DEVICE_COLS,
            &detail.devices,
            cursor,
            offset,
            |r| {
                let (f, flagged) = flag(&r.flag);
                (
                    vec![
                        f,
                        r.name.clone(),
                        r.os.clone(),
                        r.trust.clone(),
                        r.management.clone(),
                        r.enabled.clone(),
                        r.registered.clone(),
                    ],
                    flagged,
                )
            },
        ),
        DetailTab::Memberships => table(
            theme,
            body,
            buf,
            &MEMBERSHIP_COLS,
            &detail.memberships,
            cursor,
            offset,
            |r| {
                let (f, flagged) = flag(&r.flag);
                (
                    vec![
                        f,
                        r.kind.clone(),
                        r.name.clone(),
                        r.added.clone(),
                        r.added_by.clone(),
                    ],
                    flagged,
                )
            },
        ),
        DetailTab::AppCredentials => table(
            theme,
            body,
            buf,
            &APP_CREDENTIAL_COLS,
            &detail.app_credentials,
            cursor,
            offset,
            |r| {
                let (f, flagged) = flag(&r.flag);
                (
                    vec![
                        f,
                        r.holder.clone(),
                        r.app.clone(),
                        r.kind.clone(),
                        r.name.clone(),
                        r.key_id.clone(),
                        r.added.clone(),
                    ],
                    flagged,
                )
            },
        ),
    }
}
