//! `reclaim apply --dry-run`: every request the plan would send, exactly, with the read-back
//! that would verify it, and where each account stands (journal and drift). Only GETs are
//! sent; it works under `--read-only` and never takes the journal's lock.

use super::apply::resolve;
use super::op::SecretSlot;
use super::plan::Plan;
use super::read::read_state;
use reclaim_audit::{step_states, Record, StepState};
use reclaim_core::sanitize::inert;
use reclaim_graph::GraphClient;
use std::fmt::Write as _;

/// The dry run's text. `client` is `None` to print the plan without reading the tenant.
pub async fn render(client: Option<&GraphClient>, plan: &Plan, records: &[Record]) -> String {
    let states = step_states(records, Some(&plan.id));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Dry run of plan {} ({} playbook, incident {}) for tenant {}: {} accounts, {} steps. Nothing that changes the tenant is sent.",
        plan.id,
        inert(&plan.playbook.name),
        inert(&plan.incident),
        inert(&plan.tenant),
        plan.accounts.len(),
        plan.step_count()
    );
    for acct in &plan.accounts {
        let _ = writeln!(
            out,
            "\n{} ({})",
            inert(&acct.user_principal_name),
            acct.user_id
        );
        let mut done = vec![false; acct.steps.len()];
        if let Some(c) = client {
            match read_state(c, &acct.user_id, &super::resume::start_parts(acct, &states)).await {
                Ok(now) => {
                    let r = resolve(acct, &now, &states);
                    done = r.done;
                    if r.changes.is_empty() {
                        let _ = writeln!(out, "  tenant: as the plan expects");
                    } else {
                        let _ = writeln!(out, "  tenant: CHANGED since the plan; apply would stop this account and ask for a new plan:");
                        for ch in &r.changes {
                            let _ = writeln!(out, "    {}", inert(ch));
                        }
                    }
                }
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "  tenant: cannot be read ({}); apply would not start this account",
                        inert(&e.to_string())
                    );
                }
            }
        }
        for w in &acct.warnings {
            let _ = writeln!(out, "  note: {}", inert(w));
        }
        for s in &acct.skipped {
            let _ = writeln!(out, "  skipped {}: {}", s.action, inert(&s.reason));
        }
        for (i, step) in acct.steps.iter().enumerate() {
            let journal = match states.get(&step.id) {
                Some(StepState::Done { .. }) => " (already done: would not be sent)",
                Some(StepState::Unknown(_)) if done[i] => {
                    " (interrupted earlier; the tenant shows it done: would not be sent)"
                }
                Some(StepState::Unknown(_)) => {
                    " (interrupted earlier; the tenant does not show it: would be sent again)"
                }
                Some(StepState::Failed { .. }) => " (failed earlier: would be retried)",
                None => "",
            };
            let _ = writeln!(
                out,
                "  [{}] {}: {}{journal}",
                step.id,
                step.action,
                inert(&step.summary)
            );
            let _ = writeln!(out, "      {} {}", step.request.method, step.request.path);
            if let Some(body) = step.request.display_body() {
                let _ = writeln!(out, "      body: {}", inert(&body.to_string()));
            }
            if step.request.secret.is_some() {
                let _ = writeln!(
                    out,
                    "      ({} is replaced by a generated password, shown once)",
                    SecretSlot::PLACEHOLDER
                );
            }
            for v in &step.verify {
                let _ = writeln!(out, "      verify: {v}");
            }
            for w in &step.why {
                let _ = writeln!(out, "      why: {}", inert(w));
            }
            let undo = if step.reversible {
                "can be undone"
            } else {
                "cannot be undone"
            };
            let _ = writeln!(out, "      {undo}");
        }
        for m in &acct.manual {
            let _ = writeln!(
                out,
                "  [{}] {} (manual, sends nothing): {}",
                m.id,
                m.action,
                inert(&m.summary)
            );
            for c in &m.commands {
                let _ = writeln!(out, "      {}", inert(c));
            }
            let _ = writeln!(out, "      confirm with: reclaim ack {}", m.id);
        }
    }
    out
}
