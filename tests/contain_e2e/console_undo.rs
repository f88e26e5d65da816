//! The console's audit view over the simulator: another writer's apply appears live, and a
//! step is undone from the view through the console's own path (reducer, jobs,
//! `ServiceContainment`), restoring the tenant and journaling the undo.

use super::live_console::LiveConsole;
use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_shows_another_writers_apply_live_and_undoes_a_step_from_the_audit_view() {
    use reclaim_tui::contain_view::{ConfirmKey, Focus};
    use reclaim_tui::Action;

    let s = campaign(120, 31, &ScenarioKnobs::default()).await;
    let truth = s.ground_truth();
    let user = truth
        .compromised()
        .find(|a| !a.malicious_rule_ids.is_empty())
        .map(|a| a.user_id.clone())
        .expect("a compromised account with a malicious rule");
    let c = client(&s, false);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let mut console = LiveConsole::new(&s, &c, dir.path(), store.clone());

    // The audit view is open (and empty) before anything is written.
    console.act(Action::OpenJournal);
    console
        .until("the first (empty) answer", |app| {
            !app.loading.contains(&reclaim_tui::Pane::Journal)
        })
        .await;
    assert!(console.journal().live);
    assert!(console.rows().is_empty());

    // Another writer (a script running `reclaim apply`) contains the account.
    let plan = make_plan(&s, &c, std::slice::from_ref(&user), "contain-ato").await;
    let del = plan.accounts[0]
        .steps
        .iter()
        .find(|x| matches!(x.op, Op::DeleteRule { .. }))
        .expect("the plan deletes the malicious rule")
        .clone();
    let Op::DeleteRule { rule_id } = &del.op else {
        unreachable!()
    };
    let rule_name = del.before["displayName"].as_str().unwrap().to_string();
    {
        let j = Journal::open(dir.path(), &s.tenant_id, "script@test", store.clone()).unwrap();
        let report = apply(&c, &j, &plan, &fast(), &CollectingSink::default())
            .await
            .unwrap();
        assert_eq!(
            report.graph_verdict(),
            Verdict::Success,
            "{}",
            report.render()
        );
        j.close().unwrap();
    }
    assert!(s.with_tenant(|t| !t.mailboxes[user.as_str()]
        .rules
        .iter()
        .any(|r| &r.id == rule_id)));

    // Its records appear in the open view without the operator doing anything.
    let step = del.id.clone();
    console
        .until("the applied step in the view", |app| {
            let Some(reclaim_tui::app::Screen::Journal(j)) = app.screen() else {
                return false;
            };
            matches!(&j.data, reclaim_tui::app::Loadable::Ready(t)
                if t.rows().iter().any(|r| r.step_id == step && r.outcome == "verified")
                    && t.rows().last().is_some_and(|r| r.outcome == "seal"))
        })
        .await;
    let rows = console.rows();
    assert!(rows.iter().all(|r| !r.warning), "{rows:?}");
    assert!(rows.iter().any(|r| r.incident == "INC-TEST"));

    // Select the step and press `u`: the confirmation says what comes back.
    let at = rows
        .iter()
        .position(|r| r.step_id == step && r.outcome == "verified")
        .unwrap();
    console.act(Action::Top);
    for _ in 0..at {
        console.act(Action::Down);
    }
    console.act(Action::UndoStep);
    console
        .until("the undo preview", |app| {
            !app.loading.contains(&reclaim_tui::Pane::Undo)
        })
        .await;
    let confirm = console
        .journal()
        .confirm
        .clone()
        .expect("confirmation open");
    assert_eq!(confirm.focus, Focus::Cancel);
    let reclaim_tui::app::Loadable::Ready(preview) = &confirm.preview else {
        panic!("{:?}", confirm.preview)
    };
    assert!(preview.can_undo(), "{preview:?}");
    assert!(
        preview.restores[0].contains(&reclaim_core::sanitize::inert(&rule_name).into_owned()),
        "{preview:?}"
    );
    assert!(
        !s.request_log()
            .iter()
            .any(|e| e.is_mutating() && e.path.ends_with("/messageRules")),
        "nothing is sent before the operator confirms"
    );

    console.act(Action::Confirm(ConfirmKey::Switch));
    console.act(Action::Confirm(ConfirmKey::Enter));
    let undo_step = format!("{step}.undo");
    console
        .until("the undo's records in the view", |app| {
            let Some(reclaim_tui::app::Screen::Journal(j)) = app.screen() else {
                return false;
            };
            !app.loading.contains(&reclaim_tui::Pane::Undo)
                && matches!(&j.data, reclaim_tui::app::Loadable::Ready(t)
                    if t.rows().iter().any(|r| r.step_id == undo_step && r.outcome == "verified"))
        })
        .await;
    let notice = console.app.status.notice.clone().unwrap();
    assert!(notice.text.contains("undone"), "{notice:?}");

    // The tenant has the rule back, as recorded; the journal holds the undo's intent and
    // outcome.
    s.with_tenant(|t| {
        let back = t.mailboxes[user.as_str()]
            .rules
            .iter()
            .find(|r| r.display_name == rule_name)
            .expect("rule recreated");
        assert_eq!(
            serde_json::to_value(&back.actions).unwrap(),
            del.before["actions"]
        );
    });
    let records = reclaim_audit::read_records(
        &reclaim_audit::journal_path(dir.path(), &s.tenant_id).unwrap(),
    )
    .unwrap()
    .0;
    let undo_records: Vec<_> = records
        .iter()
        .filter(|r| r.step_id.as_deref() == Some(undo_step.as_str()))
        .map(|r| (r.kind, r.action.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        undo_records,
        [
            (
                reclaim_audit::RecordKind::Intent,
                "undo:remove-malicious-rules".to_string()
            ),
            (
                reclaim_audit::RecordKind::Outcome,
                "undo:remove-malicious-rules".to_string()
            ),
        ]
    );
    // What a console opened later marks: the script contained the account, the undo
    // reversed part of it.
    use reclaim_contain::earlier::applied_marks;
    use reclaim_contain::report::Applied;
    let before_undo: Vec<_> = records
        .iter()
        .take_while(|r| r.step_id.as_deref() != Some(undo_step.as_str()))
        .cloned()
        .collect();
    assert_eq!(
        applied_marks(&before_undo).get(&user),
        Some(&Applied::ExchangePending)
    );
    assert_eq!(applied_marks(&records).get(&user), Some(&Applied::Partial));
}
