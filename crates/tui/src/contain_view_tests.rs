use super::*;
use reclaim_contain::action::ActionKind;
use reclaim_contain::plan::{
    step_id, AccountPlan, Assessment, PlanPlaybook, PLAN_KIND, PLAN_VERSION,
};
use reclaim_contain::report::{AccountOutcome, AccountReport, StepReport};
use reclaim_contain::state::AccountState;
use serde_json::json;

fn plan(accounts: usize) -> Plan {
    let id = "0f8fad5b-d9cb-469f-a165-70867728950e".to_string();
    let mut out = Vec::new();
    for ai in 0..accounts {
        let user = format!("user-{ai}");
        let ops = [
            (
                ActionKind::DisableSignin,
                Op::SetAccountEnabled { enabled: false },
                json!({"accountEnabled": true}),
                true,
            ),
            (
                ActionKind::RevokeSessions,
                Op::RevokeSessions,
                json!({"signInSessionsValidFromDateTime": "2024-03-01T10:00:00Z"}),
                false,
            ),
            (
                ActionKind::RemoveMaliciousRules,
                Op::DeleteRule {
                    rule_id: "r1".into(),
                },
                json!({"displayName": ".\u{1b}[2J", "actions": {"delete": true}}),
                true,
            ),
        ];
        let steps = ops
            .into_iter()
            .enumerate()
            .map(|(si, (action, op, before, reversible))| Step {
                id: step_id(&id, ai, si),
                action,
                summary: format!("{action} step"),
                request: op.request(&user).unwrap(),
                expected: op.expected(&AccountState::default()),
                op,
                before,
                why: vec![
                    "deletes mail; named with punctuation only".into(),
                    "order: first".into(),
                ],
                verify: vec![],
                reversible,
            })
            .collect();
        out.push(AccountPlan {
            manual: Vec::new(),
            user_id: user,
            user_principal_name: format!("cfo{ai}@contoso.com"),
            display_name: "CFO".into(),
            assessment: Some(Assessment {
                verdict: "compromised".into(),
                score: 96,
                indicators: vec![],
            }),
            before: AccountState::default(),
            steps,
            skipped: vec![],
            warnings: vec!["revocation is not instant".into()],
        });
    }
    Plan {
        kind: PLAN_KIND.into(),
        version: PLAN_VERSION,
        id,
        incident: "INC-1".into(),
        created: chrono::Utc::now(),
        tenant: "t".into(),
        operator: "op".into(),
        playbook: PlanPlaybook {
            name: "contain-ato".into(),
            source: "embedded".into(),
            actions: vec![],
        },
        accounts: out,
        digest: String::new(),
    }
}

#[test]
fn confirmation_starts_on_cancel_and_needs_the_count_or_the_upn() {
    let mut c = Confirm::for_plan(&plan(2));
    assert_eq!((c.focus, c.required.as_deref()), (Focus::Cancel, Some("2")));
    assert_eq!(
        c.on_key(ConfirmKey::Enter),
        ConfirmOutcome::Cancelled,
        "Enter on the focused Cancel"
    );
    c.on_key(ConfirmKey::Switch);
    assert_eq!(
        c.on_key(ConfirmKey::Enter),
        ConfirmOutcome::Pending,
        "nothing typed yet"
    );
    c.on_key(ConfirmKey::Char('3'));
    assert_eq!(c.on_key(ConfirmKey::Enter), ConfirmOutcome::Pending);
    c.on_key(ConfirmKey::Backspace);
    c.on_key(ConfirmKey::Char('2'));
    assert_eq!(c.on_key(ConfirmKey::Enter), ConfirmOutcome::Confirmed);
    assert_eq!(
        Confirm::for_plan(&plan(1)).required.as_deref(),
        Some("cfo0@contoso.com")
    );
    let mut one = plan(1);
    one.accounts[0].steps.retain(|s| s.reversible);
    assert_eq!(Confirm::for_plan(&one).required, None);
    assert_eq!(
        Confirm::for_plan(&one).on_key(ConfirmKey::Esc),
        ConfirmOutcome::Cancelled
    );
}

#[test]
fn plan_rows_show_before_and_after_with_inert_text() {
    let rows = plan_rows(&plan(1));
    assert!(matches!(&rows[0], PlanRow::Account { upn, .. } if upn == "cfo0@contoso.com"));
    let steps: Vec<&PlanRow> = rows
        .iter()
        .filter(|r| matches!(r, PlanRow::Step { .. }))
        .collect();
    assert_eq!(steps.len(), 3);
    let PlanRow::Step { before, after, .. } = steps[0] else {
        unreachable!()
    };
    assert_eq!(
        (before.as_str(), after.as_str()),
        ("sign-in allowed", "sign-in blocked")
    );
    let PlanRow::Step { before, .. } = steps[2] else {
        unreachable!()
    };
    assert!(before.contains("\\x1b") && !before.contains('\u{1b}'));
    assert!(!rows
        .iter()
        .any(|r| matches!(r, PlanRow::Why(w) if w.starts_with("order"))));
}

#[test]
fn progress_follows_events_and_the_report() {
    let p = plan(1);
    let mut v = ProgressView::new(&p);
    v.on_event(&ApplyEvent::StepStarted {
        step: p.accounts[0].steps[0].id.clone(),
    });
    assert_eq!(v.rows[0].state, Some(None));
    let report = ApplyReport {
        plan_id: p.id.clone(),
        accounts: vec![AccountReport {
            user_id: "user-0".into(),
            user_principal_name: "cfo0@contoso.com".into(),
            outcome: AccountOutcome::Completed,
            steps: p.accounts[0]
                .steps
                .iter()
                .map(|s| {
                    StepReport::new(
                        s,
                        StepStatus::Done {
                            detail: "ok".into(),
                        },
                    )
                })
                .collect(),
            missing_permission: false,
            handed_over: Vec::new(),
        }],
    };
    v.finish(&report);
    assert!(v
        .rows
        .iter()
        .all(|r| matches!(r.state, Some(Some(StepStatus::Done { .. })))));
    assert_eq!(v.summary.as_deref(), Some("1 of 1 accounts contained"));
}
