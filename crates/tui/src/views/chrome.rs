//! The frame around every screen: header (tenant, operator, read-only lock), breadcrumbs,
//! status line (notices, loading progress, throttle waits, background work) and hint bar.

use super::table::put;
use crate::action::Pane;
use crate::app::{App, InputKind, Level, Loadable, Screen};
use crate::theme::Role;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn right_aligned(buf: &mut Buffer, area: Rect, text: &str, style: ratatui::style::Style) -> u16 {
    let w = (text.width() as u16).min(area.width);
    let x = area.x + area.width - w;
    put(buf, x, area.y, area.x + area.width, text, style);
    x
}

pub fn header(app: &App, area: Rect, buf: &mut Buffer) {
    let style = app.theme.style(Role::Header);
    buf.set_style(area, style);
    let mut right = area.x + area.width;
    if app.read_only {
        right = right_aligned(buf, area, " READ-ONLY ", app.theme.style(Role::Lock));
    }
    let max = right.saturating_sub(1);
    let t = &app.tenant;
    let mut x = put(buf, area.x, area.y, max, " reclaim ", style);
    let tenant = if t.domain.is_empty() || t.domain == t.name || area.width < 100 {
        t.name.clone()
    } else {
        format!("{} ({})", t.name, t.domain)
    };
    x = put(buf, x, area.y, max, " tenant ", style);
    x = put(
        buf,
        x,
        area.y,
        max,
        &reclaim_core::sanitize::for_display(&tenant, 48),
        style,
    );
    if !t.operator.is_empty() && area.width >= 60 {
        x = put(buf, x, area.y, max, "  operator ", style);
        put(
            buf,
            x,
            area.y,
            max,
            &reclaim_core::sanitize::for_display(&t.operator, 40),
            style,
        );
    }
}

pub fn crumbs(app: &App, area: Rect, buf: &mut Buffer) {
    let list = &app.accounts;
    let mut summary = String::new();
    if app.screen().is_none() {
        summary.push_str(&format!(
            "{}/{} accounts",
            thousands(list.shown_len() as u64),
            thousands(list.total() as u64)
        ));
        if !list.marks.is_empty() {
            summary.push_str(&format!("  {} marked", thousands(list.marks.len() as u64)));
        }
        summary.push_str(&format!(
            "  sort {} {}",
            list.sort.name(),
            if list.reversed { "(reversed)" } else { "" }
        ));
        let summary_trimmed = summary.trim_end().to_string();
        summary = summary_trimmed;
        if let Some(f) = &list.filter {
            summary.push_str(&format!(
                "  filter /{}/",
                reclaim_core::sanitize::for_display(&f.text, 30)
            ));
        }
        summary.push(' ');
    }
    let left_max = if summary.width() as u16 + 20 <= area.width {
        right_aligned(buf, area, &summary, app.theme.style(Role::Muted))
    } else {
        area.x + area.width
    };
    let crumbs = app.breadcrumbs();
    let mut x = area.x + 1;
    for (i, c) in crumbs.iter().enumerate() {
        let last = i + 1 == crumbs.len();
        let role = if last { Role::Accent } else { Role::Text };
        x = put(
            buf,
            x,
            area.y,
            left_max,
            &reclaim_core::sanitize::for_display(c, 32),
            app.theme.style(role),
        );
        if !last {
            x = put(
                buf,
                x,
                area.y,
                left_max,
                " > ",
                app.theme.style(Role::Muted),
            );
        }
    }
}

/// "triage paused for your plan": the gather yields its throttle budget to what the operator
/// is waiting for (shown while that work runs).
fn paused_for(app: &App) -> Option<String> {
    app.status.yielded?;
    let what = [
        (Pane::Plan, "plan"),
        (Pane::Apply, "apply"),
        (Pane::Undo, "undo"),
        (Pane::Detail, "account"),
    ]
    .into_iter()
    .find(|(p, _)| app.loading.contains(p))?
    .1;
    Some(format!("triage paused for your {what}"))
}

fn background_work(app: &App) -> String {
    let names: Vec<String> = app
        .loading
        .iter()
        .map(|p| match p {
            Pane::Accounts => "accounts".into(),
            Pane::Detail => "detail".into(),
            Pane::Journal => "journal".into(),
            Pane::Tenant => "tenant".into(),
            Pane::Filter => "filter".into(),
            Pane::Plan => "planning".into(),
            // Steps finished of all: what an apply left in the background has done.
            Pane::Apply => match &app.apply {
                Some(a) => {
                    let t = a.tally();
                    format!("applying {}/{}", t.total - t.pending - t.running, t.total)
                }
                None => "applying".into(),
            },
            Pane::Undo => "undo".into(),
        })
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("working: {} ", names.join(", "))
    }
}

pub fn status(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    if let Some(input) = &app.input {
        let prompt = match input.kind {
            InputKind::Filter => "/",
            InputKind::Command => ":",
        };
        let style = theme.style(Role::Input);
        let mut x = put(buf, area.x, area.y, area.x + area.width, prompt, style);
        x = put(buf, x, area.y, area.x + area.width, &input.text, style);
        // A block cursor drawn as a reversed space: no hardware cursor to lose over SSH.
        x = put(
            buf,
            x,
            area.y,
            area.x + area.width,
            " ",
            theme.style(Role::Selection),
        );
        let note = match input.kind {
            InputKind::Filter => {
                let mut n = format!("  {} match", thousands(app.accounts.shown_len() as u64));
                if app.loading.contains(&Pane::Filter) {
                    n.push_str("  (filtering...)");
                } else if app.accounts.filter.as_ref().is_some_and(|f| f.literal) {
                    n.push_str("  (not a regex: matched as text)");
                }
                n
            }
            InputKind::Command => format!("  {}", input.candidates.join("  ")),
        };
        put(
            buf,
            x,
            area.y,
            area.x + area.width,
            &note,
            theme.style(Role::Muted),
        );
        return;
    }
    let mut right_text = String::new();
    let paused = paused_for(app);
    if let Some(p) = &paused {
        right_text.push_str(&format!("{p}  "));
    } else if let Some((wait, _)) = app.status.throttle {
        right_text.push_str(&format!("throttled: waiting {}s  ", wait.as_secs().max(1)));
    }
    right_text.push_str(&background_work(app));
    let left_max = if right_text.is_empty() {
        area.x + area.width
    } else {
        let x = right_aligned(buf, area, &right_text, theme.style(Role::Muted));
        if let Some(p) = &paused {
            put(
                buf,
                x,
                area.y,
                area.x + area.width,
                p,
                theme.style(Role::Warning),
            );
        } else if app.status.throttle.is_some() {
            let w = format!(
                "throttled: waiting {}s",
                app.status
                    .throttle
                    .map(|t| t.0.as_secs().max(1))
                    .unwrap_or(0)
            );
            put(
                buf,
                x,
                area.y,
                area.x + area.width,
                &w,
                theme.style(Role::Warning),
            );
        }
        x.saturating_sub(1)
    };
    let (text, role) = if let Some(n) = &app.status.notice {
        let role = match n.level {
            Level::Info => Role::Ok,
            Level::Warn => Role::Warning,
            Level::Error => Role::Danger,
        };
        (n.text.clone(), role)
    } else if let Some(p) = &app.status.progress {
        let total = p
            .total
            .map(|t| format!("/{}", thousands(t)))
            .unwrap_or_default();
        (
            format!("loading {}: {}{} ", p.phase, thousands(p.done), total),
            Role::Muted,
        )
    } else {
        match &app.status.accounts {
            Some(Loadable::Loading) => ("loading accounts...".to_string(), Role::Muted),
            Some(Loadable::Failed(e)) => (format!("accounts incomplete: {e}"), Role::Danger),
            _ => (String::new(), Role::Text),
        }
    };
    put(buf, area.x + 1, area.y, left_max, &text, theme.style(role));
}

pub fn hints(app: &App, area: Rect, buf: &mut Buffer) {
    let pairs: Vec<(String, &str)> = if app.help.is_some() {
        vec![("esc".into(), "close"), ("j/k".into(), "scroll")]
    } else if app.confirming() {
        vec![
            (
                "tab".into(),
                if matches!(app.screen(), Some(Screen::Journal(_))) {
                    "Cancel/Undo"
                } else {
                    "Cancel/Apply"
                },
            ),
            ("enter".into(), "press"),
            ("esc".into(), "cancel"),
        ]
    } else if let Some(input) = &app.input {
        let mut v = vec![("enter".into(), "apply"), ("esc".into(), "cancel")];
        if input.kind == InputKind::Command {
            v.push(("tab".into(), "complete"));
        } else {
            v.push(("!pattern".into(), "invert"));
        }
        v
    } else {
        let mut v = app.keymap.hints(app.contexts());
        if app.screen().is_none() {
            v.retain(|(_, label)| *label != "back");
        }
        if matches!(app.screen(), Some(Screen::Journal(_))) {
            v.retain(|(_, label)| *label != "plan");
        }
        if matches!(app.screen(), Some(Screen::Plan(p)) if p.applied || p.plan().is_none()) {
            v.retain(|(_, label)| *label != "apply");
        }
        v
    };
    // Help and quit are always shown, at the right; the rest fill from the left.
    let (pinned, rest): (Vec<_>, Vec<_>) = pairs
        .into_iter()
        .partition(|(_, label)| matches!(*label, "help" | "quit"));
    let label_width = |(key, label): &(String, &str)| (key.width() + label.width() + 5) as u16;
    let pinned_width: u16 = pinned.iter().map(label_width).sum();
    let mut max = (area.x + area.width).saturating_sub(pinned_width);
    let mut x = area.x + 1;
    // A hint too wide for what is left is skipped, not the end: a shorter one after it may fit.
    for pair in rest {
        if x + label_width(&pair) > max {
            continue;
        }
        x = hint(app, buf, x, area.y, max, &pair);
    }
    x = max.max(x);
    max = area.x + area.width;
    for pair in pinned {
        x = hint(app, buf, x, area.y, max, &pair);
    }
}

fn hint(
    app: &App,
    buf: &mut Buffer,
    x: u16,
    y: u16,
    max: u16,
    (key, label): &(String, &str),
) -> u16 {
    let x = put(
        buf,
        x,
        y,
        max,
        &format!("<{key}> "),
        app.theme.style(Role::Key),
    );
    put(
        buf,
        x,
        y,
        max,
        &format!("{label}  "),
        app.theme.style(Role::Muted),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(100000), "100,000");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
