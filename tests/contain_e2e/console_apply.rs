//! Applying from the console over the simulator: the plan is saved before anything is sent,
//! the progress screen says where, and that file is what finishes the apply if the console
//! dies (`reclaim apply FILE` resumes from the journal: nothing is sent twice).

use super::live_console::{service, LiveConsole};
use super::*;
use reclaim_tui::app::Screen;
use reclaim_tui::contain_view::ConfirmKey;
use reclaim_tui::{Action, Pane};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_apply_saves_its_plan_first_and_the_file_resumes_it() {
    let s = campaign(120, 13, &ScenarioKnobs::default()).await;
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

    // The accounts load; the cursor goes to the compromised account, which is planned.
    console.start();
    console
        .until("the accounts", |app| !app.loading.contains(&Pane::Accounts))
        .await;
    let pos = (0..console.app.accounts.shown_len())
        .position(|i| console.app.accounts.shown_at(i).unwrap().id == user)
        .expect("the account is in the table");
    console.act(Action::Top);
    for _ in 0..pos {
        console.act(Action::Down);
    }
    console.act(Action::OpenPlan);
    console
        .until("the plan", |app| !app.loading.contains(&Pane::Plan))
        .await;
    let plan = match console.app.screen() {
        Some(Screen::Plan(p)) => p.plan().expect("a plan").clone(),
        _ => panic!("not on the plan screen"),
    };
    assert_eq!(plan.accounts[0].user_id, user);
    let file = dir.path().join("plans").join(format!("{}.json", plan.id));
    assert!(!file.exists(), "planning writes nothing");

    // Confirm: the UPN typed (irreversible steps), then Apply.
    console.act(Action::ConfirmPlan);
    for ch in plan.accounts[0].user_principal_name.chars() {
        console.act(Action::Confirm(ConfirmKey::Char(ch)));
    }
    console.act(Action::Confirm(ConfirmKey::Switch));
    console.act(Action::Confirm(ConfirmKey::Enter));
    console
        .until("the apply's end", |app| {
            let a = app.apply.as_ref().expect("an apply");
            let started = a.view.rows.iter().any(|r| r.state.is_some());
            assert!(
                !started || a.saved_plan.is_some(),
                "the plan is saved before the first step"
            );
            a.report.is_some() || a.error.is_some()
        })
        .await;
    let progress = console.app.apply.clone().unwrap();
    assert_eq!(progress.error, None);
    let report = progress.report.as_ref().unwrap();
    assert_eq!(
        report.graph_verdict(),
        Verdict::Success,
        "{}",
        report.render()
    );
    assert_eq!(progress.saved_plan.as_deref(), Some(file.as_path()));

    // The file is the plan, private to the operator.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let dir_mode = std::fs::metadata(file.parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700);
    let saved = Plan::load(&file).unwrap();
    assert_eq!(saved.to_json().unwrap(), plan.to_json().unwrap());

    // The progress screen says where it is and how to finish the apply with it.
    let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 200, 40));
    reclaim_tui::views::render(&console.app, buf.area, &mut buf);
    let screen: String = buf.content().iter().map(|c| c.symbol()).collect();
    assert!(
        screen.contains(&format!("reclaim apply {}", file.display())),
        "{screen}"
    );

    // Back in the table, the account reads as contained in Graph, its Exchange check pending.
    assert_eq!(
        console.app.applied.get(&user),
        Some(&reclaim_tui::contain_state::Applied::ExchangePending)
    );
    console.act(Action::Home);
    let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, 200, 40));
    reclaim_tui::views::render(&console.app, buf.area, &mut buf);
    let screen: String = buf.content().iter().map(|c| c.symbol()).collect();
    assert!(screen.contains("EXO pending"), "{screen}");

    // A console opened later (the SSH session dropped) reads the marks from the journal.
    let mut later = LiveConsole::new(&s, &c, dir.path(), store.clone());
    later.start();
    later
        .until("the accounts and the marks", |app| {
            !app.loading.contains(&Pane::Accounts)
        })
        .await;
    assert_eq!(
        later.app.applied.get(&user),
        Some(&reclaim_tui::contain_state::Applied::ExchangePending)
    );
    assert_eq!(later.app.applied.len(), 1, "{:?}", later.app.applied);
    drop(later);

    // Applying the saved file again (what `reclaim apply FILE` does after a crash) finds
    // every step done in the journal and sends nothing.
    let sent = mutating(&s).len();
    let j = Journal::open(dir.path(), &s.tenant_id, "responder@test", store).unwrap();
    let again = apply(&c, &j, &saved, &fast(), &CollectingSink::default())
        .await
        .unwrap();
    j.close().unwrap();
    assert_eq!(mutating(&s).len(), sent, "nothing sent twice");
    assert!(
        again
            .accounts
            .iter()
            .flat_map(|a| &a.steps)
            .all(|st| matches!(st.status, StepStatus::AlreadyDone)),
        "{}",
        again.render()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_that_cannot_be_saved_is_not_applied() {
    use reclaim_tui::{ApplyFeed, Containment, ServiceContainment};
    let s = campaign(60, 13, &ScenarioKnobs::default()).await;
    let user = s
        .ground_truth()
        .compromised()
        .next()
        .unwrap()
        .user_id
        .clone();
    let c = client(&s, false);
    let dir = tempfile::tempdir().unwrap();
    // Where the plans go is taken by a file: the directory cannot be made.
    std::fs::write(dir.path().join("plans"), "not a directory").unwrap();
    let containment = ServiceContainment {
        service: service(&s, &c, dir.path(), Arc::new(MemoryStore::default())),
        playbook_dir: None,
    };
    let plan = containment
        .plan(std::slice::from_ref(&user), "contain-ato")
        .await
        .unwrap();
    assert!(plan.step_count() > 0);
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let err = containment
        .apply(&plan, ApplyFeed::new(tx, Default::default()))
        .await
        .unwrap_err();
    assert!(
        err.message.contains("cannot save the plan") && err.message.contains("nothing was sent"),
        "{}",
        err.message
    );
    assert!(mutating(&s).is_empty(), "{:?}", mutating(&s));
}

/// An apply cut off mid-way (its task dropped at the first step, as a dropped SSH session
/// or a kill leaves it) is named by the next console with the command that finishes it;
/// once that command has run, the next console marks the account and warns no more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_console_names_an_apply_that_was_cut_off_and_how_to_finish_it() {
    use reclaim_contain::report::{Applied, ApplyEvent};
    let s = campaign(120, 13, &ScenarioKnobs::default()).await;
    let user = s
        .ground_truth()
        .compromised()
        .next()
        .unwrap()
        .user_id
        .clone();
    let c = client(&s, false);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let service = service(&s, &c, dir.path(), store.clone());
    let pb = playbook::find("contain-ato", None).unwrap();
    let plan = service
        .plan(std::slice::from_ref(&user), &pb)
        .await
        .unwrap();
    let file = service.save_plan(&plan).unwrap();

    // The apply runs until its first step starts, then its task is gone.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = {
        let (c, dir, store, plan) = (
            c.clone(),
            dir.path().to_path_buf(),
            store.clone(),
            plan.clone(),
        );
        let tenant = s.tenant_id.clone();
        tokio::spawn(async move {
            let j = Journal::open(&dir, &tenant, "responder@test", store).unwrap();
            let opts = ApplyOptions {
                events: Some(tx),
                ..fast()
            };
            let _ = apply(&c, &j, &plan, &opts, &CollectingSink::default()).await;
        })
    };
    loop {
        match rx.recv().await {
            Some(ApplyEvent::StepStarted { .. }) => break,
            Some(_) => {}
            None => panic!("the apply ended before its first step"),
        }
    }
    task.abort();
    let _ = task.await;

    let mut later = LiveConsole::new(&s, &c, dir.path(), store.clone());
    later.start();
    later
        .until("the accounts", |app| !app.loading.contains(&Pane::Accounts))
        .await;
    let notice = later.app.status.notice.clone().expect("a warning");
    assert!(
        notice.text.contains(&plan.id)
            && notice
                .text
                .contains(&format!("`reclaim apply {}` finishes it", file.display())),
        "{notice:?}"
    );
    assert_eq!(later.app.applied.get(&user), None, "nothing finished yet");
    drop(later);

    // The command it names finishes the apply; the next console has nothing to warn about.
    let j = Journal::open(dir.path(), &s.tenant_id, "responder@test", store.clone()).unwrap();
    let report = apply(
        &c,
        &j,
        &Plan::load(&file).unwrap(),
        &fast(),
        &CollectingSink::default(),
    )
    .await
    .unwrap();
    j.close().unwrap();
    assert_eq!(
        report.graph_verdict(),
        Verdict::Success,
        "{}",
        report.render()
    );
    let mut next = LiveConsole::new(&s, &c, dir.path(), store);
    next.start();
    next.until("the accounts", |app| !app.loading.contains(&Pane::Accounts))
        .await;
    assert_eq!(next.app.applied.get(&user), Some(&Applied::ExchangePending));
    assert!(
        next.app
            .status
            .notice
            .as_ref()
            .is_none_or(|n| !n.text.contains("did not finish")),
        "{:?}",
        next.app.status.notice
    );
}
