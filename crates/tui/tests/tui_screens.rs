//! Every console screen, drawn on ratatui's TestBackend at 80x24 and 200x50 and compared with
//! insta snapshots (timestamps and GUIDs masked); plus hostile tenant text that must never
//! reach the terminal as control sequences, checked on the cells and on the bytes sent.

mod tui_support;

use reclaim_contain::report::ApplyEvent;
use reclaim_tui::action::{Action, DetailTab};
use reclaim_tui::contain_view::ConfirmKey;
use reclaim_tui::fixture_contain::FIXTURE_PASSWORD;
use reclaim_tui::present::Presenter;
use reclaim_tui::reducer::{self, Effect};
use reclaim_tui::source::{DataSource, Feed};
use reclaim_tui::theme::Role;
use regex::Regex;
use tokio::sync::mpsc;
use tui_support::{fixture, masked, text_of, Harness, Vt, SIZES};

trait Snap {
    /// Snapshots the screen at both sizes.
    fn snap(&mut self, name: &str);
}

impl Snap for Harness {
    fn snap(&mut self, name: &str) {
        for (w, h) in SIZES {
            let text = masked(&self.buffer(w, h));
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
        }
    }
}

fn open(h: &mut Harness, name: &str) {
    h.keys([Action::StartFilter]);
    h.type_text(name);
    h.keys([Action::InputSubmit, Action::Open]);
}

#[test]
fn accounts_table() {
    let mut h = Harness::new(false, true);
    h.snap("accounts");
    h.keys([
        Action::Down,
        Action::ToggleMark,
        Action::ToggleMark,
        Action::SortNext,
    ]);
    h.snap("accounts_marked_sorted_by_verdict");
}

#[test]
fn accounts_selection_uses_the_selection_role() {
    let mut h = Harness::new(false, true);
    h.keys([Action::Down]);
    let buf = h.buffer(80, 24);
    let sel = h.app.theme.style(Role::Selection);
    // Row 3 is the first data row (header, crumbs, column titles): the cursor is on row 4.
    assert_eq!(buf[(30, 4)].bg, sel.bg.unwrap());
    assert_ne!(buf[(30, 3)].bg, sel.bg.unwrap());
}

#[test]
fn accounts_filtering() {
    let mut h = Harness::new(false, true);
    h.keys([Action::StartFilter]);
    h.type_text("finance|president");
    h.snap("filter_typing");
    h.keys([Action::InputSubmit]);
    h.snap("filter_applied");
    h.keys([Action::StartFilter, Action::InputClear]);
    h.type_text("!clear");
    h.keys([Action::InputSubmit]);
    h.snap("filter_inverse");
    h.keys([Action::StartFilter, Action::InputClear]);
    h.type_text("nobody-matches(");
    h.snap("filter_no_match_literal");
}

#[test]
fn accounts_loading_with_throttle() {
    let mut h = Harness::unloaded();
    let job = match &reducer::start(&mut h.app)[..] {
        [Effect::Load { job, .. }] => *job,
        _ => panic!("no load"),
    };
    h.snap("accounts_loading_empty");
    h.act(Action::AccountsBatch {
        job,
        accounts: first_batch(),
    });
    h.act(Action::Progress {
        job,
        progress: reclaim_tui::LoadProgress {
            phase: "sign-ins".into(),
            done: 1200,
            total: Some(5000),
        },
    });
    h.act(Action::Throttled {
        wait: std::time::Duration::from_secs(12),
    });
    h.snap("accounts_loading");
}

/// The fixture's first batch of accounts, as its source delivers it.
fn first_batch() -> Vec<reclaim_triage::AccountAssessment> {
    let source = fixture().source(None).unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(source.load_accounts(Feed::new(tx, reclaim_tui::JobId(0))))
        .unwrap();
    match rx.try_recv() {
        Ok(Action::AccountsBatch { accounts, .. }) => accounts,
        _ => panic!("no batch"),
    }
}

#[test]
fn account_detail_every_tab() {
    let mut h = Harness::new(false, true);
    open(&mut h, "dana");
    for tab in DetailTab::ALL {
        h.act(Action::GoTab(tab));
        h.snap(&format!(
            "detail_{}",
            tab.title()
                .replace(" & ", "_and_")
                .replace(' ', "_")
                .to_lowercase()
        ));
    }
}

#[test]
fn account_detail_states() {
    let mut h = Harness::new(false, true);
    open(&mut h, "marcus");
    h.act(Action::GoTab(DetailTab::Rules));
    h.snap("detail_unavailable_section");
    h.keys([Action::Back, Action::Back]);
    open(&mut h, "ava jensen");
    h.snap("detail_load_failed");
    // Loading: the detail screen before its job reports.
    let mut h = Harness::new(false, true);
    let update = reducer::reduce(&mut h.app, Action::Open);
    assert!(!update.effects.is_empty());
    h.snap("detail_loading");
}

#[test]
fn help_overlay() {
    let mut h = Harness::new(false, true);
    h.act(Action::ToggleHelp);
    h.snap("help");
    let mut h = Harness::new(true, true);
    h.act(Action::ToggleHelp);
    h.snap("help_read_only");
    let text = text_of(&h.buffer(200, 50));
    assert!(
        !text.contains("apply the plan") && !text.contains("Apply confirmation"),
        "read-only help lists a mutating key"
    );
    assert!(text.contains("plan containment"), "planning is a preview");
}

#[test]
fn command_mode_with_completion() {
    let mut h = Harness::new(false, true);
    h.act(Action::StartCommand);
    h.type_text("t");
    h.snap("command_completion");
    h.act(Action::InputBackspace);
    h.type_text("theme l");
    h.act(Action::InputComplete);
    h.snap("command_theme");
    h.act(Action::InputSubmit);
    assert_eq!(h.app.theme.name, "light");
    h.snap("theme_light_notice");
}

#[test]
fn audit_timeline() {
    let mut h = Harness::new(false, true);
    h.act(Action::OpenJournal);
    h.snap("journal");
}

/// Rows a watching job delivers while the view is open: another writer's session, an undo
/// in the first incident (hostile text in it), and a tampered tail.
fn live_rows() -> Vec<reclaim_tui::JournalRow> {
    use reclaim_tui::JournalRow;
    vec![
        JournalRow {
            time: "2024-03-05 07:50Z".into(),
            operator: "script@contoso.com".into(),
            outcome: "open".into(),
            detail: "journal opened".into(),
            ..JournalRow::default()
        },
        JournalRow {
            time: "2024-03-05 07:51Z".into(),
            operator: "script@contoso.com".into(),
            account: "dana.whitfield@contoso.com\u{1b}]0;pwned\u{7}".into(),
            action: "undo:restore-phone".into(),
            outcome: "verified".into(),
            step_id: "st-0003.undo".into(),
            incident: "INC-2024-031".into(),
            verification: "mobile +1 5550199 (read back)".into(),
            detail: "undo:restore-phone on dana.whitfield@contoso.com succeeded".into(),
            ..JournalRow::default()
        },
        JournalRow::warning(
            "the journal fails verification at line 9, seq 9: `prev` does not match the previous \
             record's hash: the chain is broken (a record was removed, inserted or reordered)",
        ),
    ]
}

#[test]
fn audit_timeline_live() {
    let mut h = Harness::new(false, true);
    h.act(Action::OpenJournal);
    let job = h.app.jobs.journal;
    h.act(Action::JournalAppended {
        job,
        rows: live_rows(),
    });
    assert_eq!(h.app.breadcrumbs(), ["accounts", "audit (live)"]);
    h.snap("journal_live");
    let text = text_of(&h.buffer(200, 50));
    assert!(text.contains("── incident INC-2024-031"), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
}

#[test]
fn undo_confirmation() {
    let mut h = Harness::new(false, true);
    h.act(Action::OpenJournal);
    // From the newest row (st-0004) up to st-0002, a verified MFA removal.
    h.keys([Action::Up, Action::Up]);
    h.act(Action::UndoStep);
    h.snap("undo_confirm");
    h.act(Action::Confirm(ConfirmKey::Switch));
    let text = text_of(&h.buffer(200, 50));
    assert!(text.contains("[ Undo this step ]"), "{text}");
    h.act(Action::Back);
    // st-0001 revoked sessions: nothing to restore, and it says why.
    h.act(Action::Up);
    h.act(Action::UndoStep);
    h.snap("undo_blocked");
    let text = text_of(&h.buffer(80, 24));
    assert!(text.contains("cannot be undone"), "{text}");
    assert!(!text.contains("[ Undo this step ]"));
}

#[test]
fn read_only_header_and_hints() {
    let mut h = Harness::new(true, false);
    h.snap("accounts_read_only");
    let text = text_of(&h.buffer(200, 50));
    assert!(text.lines().next().unwrap().contains("READ-ONLY"));
    // Planning is a preview that sends nothing: it stays; applying is what goes.
    assert!(text.contains("<p> plan"));
}

#[test]
fn tenant_switch() {
    let mut h = Harness::new(false, true);
    h.act(Action::SwitchTenant("fabrikam".into()));
    assert_eq!(h.app.tenant.name, "fabrikam");
    h.snap("tenant_switched");
}

#[test]
fn terminal_too_small() {
    let mut h = Harness::new(false, true);
    let text = text_of(&h.buffer(30, 6));
    insta::assert_snapshot!("too_small_30x6", text);
}

/// Every screen the hostile account reaches, in colour and not.
fn hostile_screens(colour: bool) -> Vec<(String, Harness)> {
    let mut out = Vec::new();
    for tab in DetailTab::ALL {
        let mut h = Harness::new(false, colour);
        open(&mut h, "mallory");
        h.act(Action::GoTab(tab));
        out.push((format!("detail {}", tab.title()), h));
    }
    let mut h = Harness::new(false, colour);
    h.act(Action::OpenJournal);
    out.push(("journal".into(), h));
    let mut h = Harness::new(false, colour);
    h.act(Action::OpenJournal);
    let job = h.app.jobs.journal;
    h.act(Action::JournalAppended {
        job,
        rows: live_rows(),
    });
    out.push(("live journal".into(), h));
    // The undo confirmation of eve.mallory's rule step (hostile rule text in the journal).
    let mut h = Harness::new(false, colour);
    h.act(Action::OpenJournal);
    h.act(Action::UndoStep);
    out.push(("undo confirmation".into(), h));
    let h = Harness::new(false, colour);
    out.push(("accounts".into(), h));
    // The plan shows the attacker's rule name and user agent as evidence.
    let mut h = Harness::new(false, colour);
    open(&mut h, "mallory");
    h.act(Action::OpenPlan);
    out.push(("plan".into(), h));
    let mut h = Harness::new(false, colour);
    open(&mut h, "mallory");
    h.keys([Action::OpenPlan, Action::ConfirmPlan]);
    out.push(("confirm".into(), h));
    let mut h = Harness::new(false, colour);
    open(&mut h, "mallory");
    h.keys([Action::OpenPlan, Action::ConfirmPlan]);
    h.keys([Action::Confirm(ConfirmKey::Switch)]);
    for c in "eve.mallory@contoso.com".chars() {
        h.act(Action::Confirm(ConfirmKey::Char(c)));
    }
    h.act(Action::Confirm(ConfirmKey::Enter));
    out.push(("progress".into(), h));
    out
}

/// Two marked accounts planned, confirmed (the count typed) and applied through the
/// fixture's containment: every stage at both sizes.
#[test]
fn containment_plan_confirm_progress() {
    let mut h = Harness::new(false, true);
    h.keys([Action::ToggleMark, Action::ToggleMark, Action::OpenPlan]);
    h.snap("plan_two_accounts");
    h.keys([Action::ConfirmPlan]);
    h.snap("confirm_count_cancel_focused");
    h.keys([
        Action::Confirm(ConfirmKey::Switch),
        Action::Confirm(ConfirmKey::Char('2')),
    ]);
    h.snap("confirm_count_typed");
    // The apply is started but not yet run: every step pending, then one running.
    let update = reducer::reduce(&mut h.app, Action::Confirm(ConfirmKey::Enter));
    h.snap("progress_pending");
    let job = h.app.jobs.apply;
    let first = h.app.apply.as_ref().unwrap().view.rows[0].id.clone();
    h.act(Action::ApplyProgress {
        job,
        event: ApplyEvent::StepStarted { step: first },
    });
    h.snap("progress_running");
    h.run(update.effects);
    h.snap("progress_done_with_secret");
    let text = text_of(&h.buffer(200, 50));
    assert!(text.contains(FIXTURE_PASSWORD), "the secret is on screen");
    assert!(text.contains("2 of 2 accounts contained"), "{text}");
    // Where the plan was saved (a real apply saves it before the first step).
    h.act(Action::PlanSaved {
        job,
        path: "/home/oncall/.local/state/reclaim/audit/plans/p-7f3a.json".into(),
    });
    h.snap("progress_plan_saved");
    // Back to the plan (applied), then the accounts: the secret is gone from the state.
    h.act(Action::Back);
    assert!(!text_of(&h.buffer(200, 50)).contains(FIXTURE_PASSWORD));
    h.snap("plan_after_apply");
    // The table marks both accounts contained.
    h.act(Action::Back);
    let text = text_of(&h.buffer(200, 50));
    assert_eq!(text.matches("contained").count(), 2, "{text}");
    h.snap("accounts_after_apply");
}

#[test]
fn containment_scrolls_a_long_plan() {
    let mut h = Harness::new(false, true);
    h.keys([Action::MarkAllShown, Action::OpenPlan]);
    h.keys([Action::PageDown, Action::Down]);
    h.snap("plan_scrolled");
}

#[test]
fn containment_read_only_is_a_preview() {
    let mut h = Harness::new(true, false);
    h.keys([Action::OpenPlan]);
    h.snap("plan_read_only");
    let text = text_of(&h.buffer(200, 50));
    assert!(text.lines().next().unwrap().contains("READ-ONLY"));
    assert!(!text.contains("<enter> apply"), "{text}");
    // Enter has no binding on the plan screen in read-only mode, and ConfirmPlan is refused.
    h.act(Action::ConfirmPlan);
    assert!(h.app.apply.is_none());
    assert!(!text_of(&h.buffer(80, 24)).contains("Apply this plan?"));
}

#[test]
fn containment_one_account_needs_its_upn() {
    let mut h = Harness::new(false, true);
    open(&mut h, "mallory");
    h.keys([Action::OpenPlan]);
    h.snap("plan_hostile_account");
    h.keys([Action::ConfirmPlan]);
    h.snap("confirm_upn");
}

#[test]
fn hostile_text_never_reaches_the_cells() {
    for (name, mut h) in hostile_screens(true) {
        for (w, hh) in SIZES {
            let buf = h.buffer(w, hh);
            for cell in &buf.content {
                assert!(
                    !cell
                        .symbol()
                        .chars()
                        .any(reclaim_core::sanitize::is_dangerous),
                    "{name} at {w}x{hh}: {:?}",
                    cell.symbol()
                );
            }
        }
    }
    let mut h = Harness::new(false, true);
    open(&mut h, "mallory");
    h.snap("detail_hostile_overview");
    h.act(Action::GoTab(DetailTab::Rules));
    h.snap("detail_hostile_rules");
}

/// Every escape sequence in `bytes` must be one the presenter itself writes.
fn assert_only_own_sequences(bytes: &[u8], colour: bool, what: &str) {
    let text = String::from_utf8_lossy(bytes);
    let seq = Regex::new(r"\x1b(\[[0-9;?]*[A-Za-z]|.)").unwrap();
    for m in seq.find_iter(&text) {
        let s = m.as_str();
        let ok = s.starts_with("\x1b[")
            && (s.ends_with('H')
                || s.ends_with('m')
                || s == "\x1b[?2026h"
                || s == "\x1b[?2026l"
                || s.ends_with('r')
                || s.ends_with('S')
                || s.ends_with('T')
                || s == "\x1b[2J");
        assert!(ok, "{what}: unexpected sequence {s:?}");
        if s.ends_with('m') && !colour {
            for p in s[2..s.len() - 1].split(';') {
                let n: u32 = p.parse().unwrap_or(0);
                assert!(
                    n < 30,
                    "{what}: colour parameter {n} in {s:?} without colour"
                );
            }
        }
    }
    for c in text.chars() {
        assert!(
            c == '\x1b' || !reclaim_core::sanitize::is_dangerous(c),
            "{what}: raw control {c:?} sent to the terminal"
        );
    }
}

#[test]
fn hostile_text_never_reaches_the_terminal_bytes() {
    for colour in [true, false] {
        for (name, mut h) in hostile_screens(colour) {
            for (w, hh) in SIZES {
                h.act(Action::Resize {
                    width: w,
                    height: hh,
                });
                let mut p = Presenter::new(Vec::new(), w, hh, true);
                p.draw(&h.app).unwrap();
                h.act(Action::Down);
                p.draw(&h.app).unwrap();
                let bytes = p.into_writer();
                assert_only_own_sequences(&bytes, colour, &format!("{name} {w}x{hh}"));
            }
        }
    }
}

/// Many frames (scrolling both ways, paging, filtering, opening and leaving an account) sent
/// by the presenter through scroll regions leave the terminal showing exactly what was drawn.
#[test]
fn presenter_output_reproduces_every_frame() {
    for scroll_regions in [true, false] {
        for (w, hh) in [(80u16, 24u16), (200, 50)] {
            let mut h = Harness::new(false, true);
            let mut p = Presenter::new(Vec::new(), w, hh, scroll_regions);
            let mut vt = Vt::new(w, hh);
            h.act(Action::Resize {
                width: w,
                height: hh,
            });
            let mut steps: Vec<Action> = Vec::new();
            steps.extend(std::iter::repeat_n(Action::Down, 29));
            steps.extend(std::iter::repeat_n(Action::Up, 25));
            steps.extend([
                Action::PageDown,
                Action::Bottom,
                Action::PageUp,
                Action::Top,
            ]);
            steps.extend([
                Action::StartFilter,
                Action::InputChar('a'),
                Action::InputSubmit,
            ]);
            steps.extend(std::iter::repeat_n(Action::Down, 12));
            steps.extend([
                Action::Open,
                Action::NextTab,
                Action::Back,
                Action::ToggleHelp,
                Action::Back,
            ]);
            for (i, step) in steps.into_iter().enumerate() {
                h.act(step);
                p.draw(&h.app).unwrap();
                vt.feed(&std::mem::take(p.writer()));
                let expected = text_of(&h.buffer(w, hh));
                assert_eq!(
                    vt.text(),
                    expected,
                    "frame {i} at {w}x{hh} (scroll regions {scroll_regions})"
                );
            }
        }
    }
}

/// The containment screens draw at any size from the smallest the console accepts, without
/// panicking or spilling outside the frame.
#[test]
fn containment_screens_at_small_sizes() {
    let mut h = Harness::new(false, true);
    h.keys([Action::MarkAllShown, Action::OpenPlan, Action::ConfirmPlan]);
    let sizes = [(40, 8), (41, 9), (50, 12), (60, 10)];
    for (w, hh) in sizes {
        let text = text_of(&h.buffer(w, hh));
        assert_eq!(text.lines().count(), hh as usize);
    }
    h.keys([Action::Confirm(ConfirmKey::Switch)]);
    for c in "30".chars() {
        h.act(Action::Confirm(ConfirmKey::Char(c)));
    }
    h.act(Action::Confirm(ConfirmKey::Enter));
    assert!(h.app.apply.as_ref().is_some_and(|a| a.report.is_some()));
    for (w, hh) in sizes {
        let text = text_of(&h.buffer(w, hh));
        assert_eq!(text.lines().count(), hh as usize);
    }
}

#[test]
fn triage_paused_for_the_operators_plan_shows_in_the_status_line() {
    let mut h = Harness::new(false, false);
    h.act(Action::Throttled {
        wait: std::time::Duration::from_secs(20),
    });
    h.act(Action::Yielded {
        wait: std::time::Duration::from_secs(2),
    });
    // Nothing of the operator's runs: the yield is not news, the throttle wait is.
    let idle = text_of(&h.buffer(120, 30));
    assert!(!idle.contains("triage paused"), "{idle}");
    h.app.set_loading(reclaim_tui::Pane::Plan, true);
    let planning = text_of(&h.buffer(120, 30));
    assert!(
        planning.contains("triage paused for your plan"),
        "{planning}"
    );
    assert!(!planning.contains("throttled: waiting"), "{planning}");
}
