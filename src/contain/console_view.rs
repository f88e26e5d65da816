//! Drawing the plan, confirmation and progress screens with ratatui. Styles are modifiers
//! only (bold, reversed, dim), so they read in any theme and with `NO_COLOR`; the console may
//! restyle them. Every string drawn has already been made inert by [`super::console`].

use super::console::{Confirm, Focus, PlanRow, ProgressView};
use super::plan::Plan;
use super::report::StepStatus;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

fn fit(s: &str, width: usize) -> String {
    crate::sanitize::for_display(s, width)
}

/// The plan as before/after rows with the evidence, from `offset`, and the confirmation line.
pub fn render_plan(
    f: &mut Frame,
    area: Rect,
    plan: &Plan,
    rows: &[PlanRow],
    offset: usize,
    confirm: &Confirm,
) {
    let [body, bar] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let irreversible = plan
        .accounts
        .iter()
        .flat_map(|a| &a.steps)
        .filter(|s| !s.reversible)
        .count();
    let title = format!(
        " Plan {} - {} - {} account(s), {} steps, {irreversible} cannot be undone ",
        &plan.id[..8.min(plan.id.len())],
        plan.playbook.name,
        plan.accounts.len(),
        plan.step_count()
    );
    let block = Block::bordered().title(fit(&title, body.width.saturating_sub(2) as usize));
    let inner = block.inner(body);
    let w = inner.width as usize;
    let dim = Style::default().add_modifier(Modifier::DIM);
    let lines: Vec<Line> = rows
        .iter()
        .skip(offset)
        .take(inner.height as usize)
        .map(|r| match r {
            PlanRow::Account { upn, assessment } => Line::from(vec![
                Span::styled(
                    fit(upn, w.saturating_sub(assessment.len() + 2)),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!("  {assessment}")),
            ]),
            PlanRow::Step {
                id,
                action,
                before,
                after,
                reversible,
                ..
            } => {
                let short = id.split_once('-').map_or(id.as_str(), |x| x.1);
                let mark = if *reversible { ' ' } else { '!' };
                Line::from(fit(
                    &format!(" {mark}[{short}] {action}: {before} -> {after}"),
                    w,
                ))
            }
            PlanRow::Why(t) => Line::styled(fit(&format!("        why: {t}"), w), dim),
            PlanRow::Note(t) => Line::styled(fit(&format!("    note: {t}"), w), dim),
        })
        .collect();
    f.render_widget(Paragraph::new(lines).block(block), body);

    let button = |label: &str, focused: bool| {
        let s = if focused {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::default()
        };
        Span::styled(format!("[ {label} ]"), s)
    };
    let mut spans = Vec::new();
    if let Some(req) = &confirm.required {
        spans.push(Span::raw(fit(
            &format!("Type `{req}` to apply: {}_  ", confirm.typed),
            bar.width as usize / 2,
        )));
    } else {
        spans.push(Span::raw("Tab moves to Apply (\"!\" cannot be undone)  "));
    }
    spans.push(button("Cancel", confirm.focus == Focus::Cancel));
    spans.push(Span::raw(" "));
    let ready = confirm.satisfied();
    spans.push(button(
        if ready { "Apply" } else { "Apply (type first)" },
        confirm.focus == Focus::Confirm,
    ));
    f.render_widget(Paragraph::new(Line::from(spans)), bar);
}

fn status_text(s: &Option<Option<StepStatus>>) -> (&'static str, Style) {
    match s {
        None => ("waiting", Style::default().add_modifier(Modifier::DIM)),
        Some(None) => ("sending", Style::default().add_modifier(Modifier::BOLD)),
        Some(Some(st)) if st.is_ok() => ("verified", Style::default()),
        Some(Some(StepStatus::NotRun)) => ("not run", Style::default().add_modifier(Modifier::DIM)),
        Some(Some(_)) => (
            "FAILED",
            Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        ),
    }
}

/// Per-step progress and verification, from `offset`.
pub fn render_progress(f: &mut Frame, area: Rect, view: &ProgressView, offset: usize) {
    let title = match &view.summary {
        Some(s) => format!(" Applied: {s} "),
        None => " Applying (each step is verified by reading back) ".to_string(),
    };
    let block = Block::bordered().title(fit(&title, area.width.saturating_sub(2) as usize));
    let inner = block.inner(area);
    let w = inner.width as usize;
    let lines: Vec<Line> = view
        .rows
        .iter()
        .skip(offset)
        .take(inner.height as usize)
        .map(|r| {
            let (label, style) = status_text(&r.state);
            let short = r.id.split_once('-').map_or(r.id.as_str(), |x| x.1);
            Line::from(vec![
                Span::styled(format!("{label:<9}"), style),
                Span::raw(fit(
                    &format!(" [{short}] {} {}: {}", r.account, r.action, r.summary),
                    w.saturating_sub(9),
                )),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines).block(block), area);
}
