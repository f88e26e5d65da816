//! [`Containment`] for fixture tenants (tests and the tmux-driven binary): canned,
//! deterministic plans built from the fixture's accounts, and an apply that reports every
//! step as verified (or failed, for the steps the fixture names), with one made-up password.
//! Nothing here talks to a tenant.

use super::containment::{ApplyFeed, Containment};
use super::fixture::FixtureTenant;
use super::source::SourceError;
use futures::future::BoxFuture;
use reclaim_contain::action::ActionKind;
use reclaim_contain::apply::SecretSink as _;
use reclaim_contain::op::{Op, PasswordReset};
use reclaim_contain::plan::{step_id, AccountPlan, Assessment, Plan, PlanPlaybook, Step};
use reclaim_contain::plan::{PLAN_KIND, PLAN_VERSION};
use reclaim_contain::report::{
    AccountOutcome, AccountReport, ApplyEvent, ApplyReport, StepReport, StepStatus,
};
use reclaim_contain::state::AccountState;
use reclaim_contain::undo::Undone;
use reclaim_contain::undo_preview::UndoPreview;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// The fixture file's `containment` object.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FixtureContainmentSpec {
    /// Pause before each step finishes, to watch progress.
    pub step_delay_ms: u64,
    /// Step actions (e.g. `revoke-sessions`) that fail when applied.
    pub fail_actions: Vec<String>,
}

/// The one password the fixture "generates": tests look for it on screen and in logs.
pub const FIXTURE_PASSWORD: &str = "Fixture-Only-Pa55word!";

pub struct FixtureContainment {
    pub(crate) data: Arc<FixtureTenant>,
}

const PLAN_ID: &str = "f1x7e5a0-0000-4000-8000-000000000001";

fn step(
    (ai, si): (usize, usize),
    user: &str,
    action: ActionKind,
    op: Op,
    before: Value,
    why: &[String],
) -> Result<Step, SourceError> {
    let (summary, reversible) = match &op {
        Op::SetAccountEnabled { .. } => ("block sign-in".to_string(), true),
        Op::RevokeSessions => ("revoke every session".to_string(), false),
        Op::ResetPassword { .. } => ("reset the password".to_string(), false),
        Op::DeleteRule { .. } => (
            format!(
                "delete inbox rule \"{}\"",
                before["displayName"].as_str().unwrap_or("")
            ),
            true,
        ),
        _ => ("confirm the account compromised".to_string(), false),
    };
    Ok(Step {
        id: step_id(PLAN_ID, ai, si),
        action,
        summary,
        request: op
            .request(user)
            .map_err(|e| SourceError::new(e.to_string()))?,
        expected: op.expected(&AccountState::default()),
        op,
        before,
        why: why.to_vec(),
        verify: vec![format!("GET /users/{user}")],
        reversible,
    })
}

impl FixtureContainment {
    fn build(&self, ids: &[String], playbook: &str) -> Result<Plan, SourceError> {
        let mut accounts = Vec::new();
        for (ai, id) in ids.iter().enumerate() {
            let a = self
                .data
                .accounts
                .iter()
                .find(|a| &a.id == id)
                .ok_or_else(|| SourceError::new(format!("no account {id} in the fixture")))?;
            let why: Vec<String> = a
                .indicators
                .iter()
                .take(2)
                .map(|i| i.summary.clone())
                .collect();
            let rule = self
                .data
                .details
                .get(id)
                .and_then(|d| d.rules.rows().iter().find(|r| r.flag.is_some()).cloned());
            let mut ops = vec![
                (
                    ActionKind::DisableSignin,
                    Op::SetAccountEnabled { enabled: false },
                    json!({"accountEnabled": true}),
                ),
                (
                    ActionKind::RevokeSessions,
                    Op::RevokeSessions,
                    json!({"signInSessionsValidFromDateTime": "2024-02-20T08:00:00Z"}),
                ),
                (
                    ActionKind::ResetPassword,
                    Op::ResetPassword {
                        via: PasswordReset::ResetPassword,
                    },
                    json!({}),
                ),
            ];
            if let Some(r) = rule {
                ops.push((
                    ActionKind::RemoveMaliciousRules,
                    Op::DeleteRule {
                        rule_id: "rule-1".into(),
                    },
                    json!({"displayName": r.name}),
                ));
            }
            ops.push((
                ActionKind::ConfirmCompromised,
                Op::ConfirmCompromised,
                json!({"riskState": "atRisk"}),
            ));
            let steps = ops
                .into_iter()
                .enumerate()
                .map(|(si, (action, op, before))| {
                    // The evidence once per account (the first step) and on the rule itself.
                    let why = match action {
                        ActionKind::DisableSignin => why.clone(),
                        ActionKind::RemoveMaliciousRules => {
                            vec!["the rule hides mail from the owner".to_string()]
                        }
                        _ => Vec::new(),
                    };
                    step((ai, si), id, action, op, before, &why)
                })
                .collect::<Result<Vec<_>, _>>()?;
            accounts.push(AccountPlan {
                manual: Vec::new(),
                user_id: a.id.clone(),
                user_principal_name: a.user_principal_name.clone(),
                display_name: a.display_name.clone(),
                assessment: Some(Assessment {
                    verdict: a.verdict.as_str().to_string(),
                    score: a.score,
                    indicators: vec![],
                }),
                before: AccountState::default(),
                steps,
                skipped: vec![],
                warnings: vec![],
            });
        }
        let mut plan = Plan {
            kind: PLAN_KIND.into(),
            version: PLAN_VERSION,
            id: PLAN_ID.into(),
            incident: String::new(),
            created: chrono::DateTime::from_timestamp(1_709_294_400, 0).unwrap_or_default(),
            tenant: self.data.tenant.domain.clone(),
            operator: self.data.tenant.operator.clone(),
            playbook: PlanPlaybook {
                name: playbook.to_string(),
                source: "fixture".into(),
                actions: vec![],
            },
            accounts,
            digest: String::new(),
        };
        plan.seal().map_err(|e| SourceError::new(e.to_string()))?;
        Ok(plan)
    }
}

impl Containment for FixtureContainment {
    fn playbooks(&self) -> Vec<String> {
        vec!["contain-ato".into(), "lockdown".into()]
    }

    fn plan<'a>(
        &'a self,
        account_ids: &'a [String],
        playbook: &'a str,
    ) -> BoxFuture<'a, Result<Plan, SourceError>> {
        Box::pin(async move {
            let only = super::containment::parse_actions(playbook);
            if only.is_none() && !self.playbooks().iter().any(|p| p == playbook) {
                return Err(SourceError::new(format!(
                    "{playbook}: no such playbook; known: contain-ato, lockdown"
                )));
            }
            let mut plan = self.build(account_ids, playbook)?;
            if let Some(only) = only {
                // Single actions: the canned steps of those actions only.
                for a in &mut plan.accounts {
                    a.steps.retain(|s| only.contains(&s.action));
                }
                plan.seal().map_err(|e| SourceError::new(e.to_string()))?;
            }
            Ok(plan)
        })
    }

    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        feed: ApplyFeed,
    ) -> BoxFuture<'a, Result<ApplyReport, SourceError>> {
        Box::pin(async move {
            let spec = self.data.containment.clone().unwrap_or_default();
            let mut accounts = Vec::new();
            for a in &plan.accounts {
                feed.event(ApplyEvent::AccountStarted {
                    user: a.user_principal_name.clone(),
                });
                let mut report = AccountReport::new(a);
                let mut stopped = false;
                for s in &a.steps {
                    if stopped {
                        report.steps.push(StepReport::new(s, StepStatus::NotRun));
                        continue;
                    }
                    feed.event(ApplyEvent::StepStarted { step: s.id.clone() });
                    if spec.step_delay_ms > 0 {
                        tokio::time::sleep(Duration::from_millis(spec.step_delay_ms)).await;
                    } else {
                        tokio::task::yield_now().await;
                    }
                    let status = if spec.fail_actions.iter().any(|f| f == s.action.name()) {
                        stopped = true;
                        report.outcome = AccountOutcome::Stopped { step: s.id.clone() };
                        StepStatus::Failed {
                            error: "403 Authorization_RequestDenied (fixture)".into(),
                        }
                    } else {
                        if matches!(s.op, Op::ResetPassword { .. }) {
                            feed.show(
                                &a.user_principal_name,
                                &s.id,
                                "new password",
                                FIXTURE_PASSWORD,
                            );
                        }
                        StepStatus::Done {
                            detail: "read back: as expected".into(),
                        }
                    };
                    feed.event(ApplyEvent::StepFinished {
                        step: s.id.clone(),
                        status: status.clone(),
                    });
                    report.steps.push(StepReport::new(s, status));
                }
                accounts.push(report);
            }
            Ok(ApplyReport {
                plan_id: plan.id.clone(),
                accounts,
            })
        })
    }

    fn undo<'a>(&'a self, step_id: &'a str) -> BoxFuture<'a, Result<Undone, SourceError>> {
        Box::pin(async move {
            let row = self
                .data
                .journal
                .iter()
                .find(|r| r.step_id == step_id)
                .ok_or_else(|| SourceError::new(format!("no step {step_id} in the journal")))?;
            let action =
                ActionKind::parse(&row.action).map_err(|e| SourceError::new(e.to_string()))?;
            Ok(Undone {
                step: step_id.to_string(),
                action,
                target: row.account.clone(),
                user_id: self
                    .data
                    .accounts
                    .iter()
                    .find(|a| a.user_principal_name == row.account)
                    .map(|a| a.id.clone())
                    .unwrap_or_default(),
                op: Op::SetAccountEnabled { enabled: true },
                detail: "restored from the recorded pre-state (fixture)".into(),
            })
        })
    }

    /// Canned from the fixture journal row and the action catalogue's reversibility.
    fn undo_preview<'a>(
        &'a self,
        step_id: &'a str,
    ) -> BoxFuture<'a, Result<UndoPreview, SourceError>> {
        Box::pin(async move { Ok(fixture_preview(&self.data.journal, step_id)) })
    }
}

fn fixture_preview(journal: &[super::source::JournalRow], step_id: &str) -> UndoPreview {
    use reclaim_contain::action::Reversibility;
    use reclaim_core::sanitize::inert;
    let mut p = UndoPreview {
        step: inert(step_id).into_owned(),
        ..UndoPreview::default()
    };
    let Some(row) = journal.iter().find(|r| r.step_id == step_id) else {
        p.blocked = Some(format!("no step `{}` in the audit journal", p.step));
        return p;
    };
    p.action = inert(&row.action).into_owned();
    p.target = inert(&row.account).into_owned();
    p.incident = inert(&row.incident).into_owned();
    if !matches!(row.outcome.as_str(), "verified" | "applied") {
        p.blocked = Some(format!(
            "step {} was not applied successfully ({}): there is nothing to undo",
            p.step,
            inert(&row.outcome)
        ));
        return p;
    }
    match ActionKind::from_name(&row.action).map(|a| a.info().reversibility) {
        Some(Reversibility::Reversible(t) | Reversibility::Partly(t)) => {
            p.restores = vec![format!("{t} (fixture: nothing is sent)")];
            p.request = Some(format!("PATCH /users/{} (fixture)", p.target));
        }
        Some(Reversibility::Irreversible(t)) => {
            p.blocked = Some(format!("`{}` cannot be undone: {t}", p.action));
        }
        None => p.blocked = Some(format!("`{}` is not a containment action", p.action)),
    }
    p
}
