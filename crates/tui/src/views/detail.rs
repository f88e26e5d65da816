//! One account: a summary, then tabs for the evidence (overview), sign-ins, MFA methods,
//! inbox rules, directory audit events and OAuth grants. Rows tied to the attacker by an
//! indicator are flagged with `!` and the indicator's id.

use super::accounts::{risk_role, short_state, verdict_role};
use super::table::put;
use crate::action::DetailTab;
use crate::app::{App, DetailState, Loadable};
use crate::layout::DETAIL_SUMMARY_ROWS;
use crate::source::{AccountDetail, Section};
use crate::theme::Role;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use reclaim_triage::AccountAssessment;
use unicode_width::UnicodeWidthStr;

fn short_title(tab: DetailTab) -> &'static str {
    match tab {
        DetailTab::Overview => "overview",
        DetailTab::SignIns => "sign-ins",
        DetailTab::Methods => "methods",
        DetailTab::Rules => "rules",
        DetailTab::AuditEvents => "audit",
        DetailTab::Grants => "consents",
        DetailTab::Devices => "devices",
        DetailTab::Memberships => "roles",
        DetailTab::AppCredentials => "app creds",
    }
}

fn summary(
    app: &App,
    a: Option<&AccountAssessment>,
    d: &DetailState,
    area: Rect,
    buf: &mut Buffer,
) {
    let theme = &app.theme;
    let max = area.x + area.width;
    let Some(a) = a else {
        put(
            buf,
            area.x + 1,
            area.y,
            max,
            &d.account_id,
            theme.style(Role::Accent),
        );
        return;
    };
    let verdict = format!("score {}  {} ", a.score, a.verdict.as_str().to_uppercase());
    let vx = max.saturating_sub(verdict.width() as u16);
    put(
        buf,
        vx,
        area.y,
        max,
        &verdict,
        theme.style(verdict_role(a.verdict)),
    );
    let left_max = vx.saturating_sub(1);
    let mut x = put(
        buf,
        area.x + 1,
        area.y,
        left_max,
        &a.display_name,
        theme.style(Role::Accent),
    );
    put(
        buf,
        x + 2,
        area.y,
        left_max,
        &a.user_principal_name,
        theme.style(Role::Muted),
    );

    let mut line = String::new();
    for part in [a.job_title.as_deref(), a.department.as_deref()]
        .into_iter()
        .flatten()
    {
        if !line.is_empty() {
            line.push_str(" / ");
        }
        line.push_str(part);
    }
    x = put(
        buf,
        area.x + 1,
        area.y + 1,
        max,
        &line,
        theme.style(Role::Text),
    );
    if !a.roles.is_empty() {
        x = put(
            buf,
            x + 3,
            area.y + 1,
            max,
            "roles: ",
            theme.style(Role::Muted),
        );
        put(
            buf,
            x,
            area.y + 1,
            max,
            &a.roles.join(", "),
            theme.style(Role::Warning),
        );
    }

    let y = area.y + 2;
    x = put(buf, area.x + 1, y, max, "risk ", theme.style(Role::Muted));
    x = put(
        buf,
        x,
        y,
        max,
        &a.risk_level,
        theme.style(risk_role(&a.risk_level)),
    );
    x = put(
        buf,
        x,
        y,
        max,
        &format!(" ({})", short_state(&a.risk_state)),
        theme.style(Role::Text),
    );
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
        x = put(
            buf,
            x + 3,
            y,
            max,
            "high-value target",
            theme.style(Role::Warning),
        );
    }
    if let Loadable::Ready(detail) = &d.data {
        for (k, v) in &detail.profile {
            x = put(
                buf,
                x + 3,
                y,
                max,
                &format!("{k}: "),
                theme.style(Role::Muted),
            );
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

fn tab_label(
    tab: DetailTab,
    detail: Option<&AccountDetail>,
    indicators: usize,
    style: LabelStyle,
) -> String {
    let title = if style == LabelStyle::Long {
        tab.title()
    } else {
        short_title(tab)
    };
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
        (DetailTab::Devices, Some(d)) => count(&d.devices),
        (DetailTab::Memberships, Some(d)) => count(&d.memberships),
        (DetailTab::AppCredentials, Some(d)) => count(&d.app_credentials),
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
        DetailTab::Devices => d.devices.rows().iter().any(|r| r.flag.is_some()),
        DetailTab::Memberships => d.memberships.rows().iter().any(|r| r.flag.is_some()),
        DetailTab::AppCredentials => d.app_credentials.rows().iter().any(|r| r.flag.is_some()),
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

pub fn render(app: &App, d: &DetailState, area: Rect, buf: &mut Buffer) {
    let account = app.accounts.get(&d.account_id);
    let summary_area = Rect::new(
        area.x,
        area.y,
        area.width,
        DETAIL_SUMMARY_ROWS.min(area.height),
    );
    summary(app, account, d, summary_area, buf);
    if area.height <= DETAIL_SUMMARY_ROWS + 1 {
        return;
    }
    let indicators = account.map(|a| a.indicators.len()).unwrap_or(0);
    tabs(
        app,
        d,
        indicators,
        Rect::new(area.x, area.y + DETAIL_SUMMARY_ROWS, area.width, 1),
        buf,
    );
    let body = Rect::new(
        area.x,
        area.y + DETAIL_SUMMARY_ROWS + 1,
        area.width,
        area.height - DETAIL_SUMMARY_ROWS - 1,
    );
    if d.tab == DetailTab::Overview {
        super::tabs::overview(app, account, d, body, buf);
        if let Loadable::Failed(e) = &d.data {
            put(
                buf,
                area.x + 1,
                area.y + 3,
                area.x + area.width,
                &format!("could not load the detail: {e}"),
                app.theme.style(Role::Danger),
            );
        }
        return;
    }
    let theme = &app.theme;
    let detail = match &d.data {
        Loadable::Ready(x) => x,
        Loadable::Loading => {
            put(
                buf,
                body.x + 2,
                body.y + 1,
                body.x + body.width,
                "loading...",
                theme.style(Role::Muted),
            );
            return;
        }
        Loadable::Failed(e) => {
            put(
                buf,
                body.x + 2,
                body.y + 1,
                body.x + body.width,
                &format!("could not load: {e}"),
                theme.style(Role::Danger),
            );
            return;
        }
    };
    super::tabs::rows(theme, d, detail, body, buf);
}
