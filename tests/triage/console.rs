//! The console over the real triage source (`TriageSource`) and the simulated campaign over
//! real HTTP: the accounts table and every detail tab, drawn on ratatui's TestBackend and
//! compared with insta snapshots (timestamps and GUIDs masked); hostile tenant text from the
//! scenario never reaches a cell as a control character.

use super::support::*;
use chrono::Utc;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use reclaim::graph_source::{throttle_progress, TriageSource};
use reclaim_contain::report::AccountOutcome;
use reclaim_contain::service::ContainmentService;
use reclaim_core::sanitize::is_dangerous;
use reclaim_core::secrets::MemoryStore;
use reclaim_graph::throttle::Limits;
use reclaim_graph::ClientOptions;
use reclaim_sim::model::Time;
use reclaim_sim::SimHandle;
use reclaim_triage::gather::GatherOptions;
use reclaim_triage::{Pack, Verdict};
use reclaim_tui::action::{Action, DetailTab};
use reclaim_tui::app::{App, Screen};
use reclaim_tui::contain_view::ConfirmKey;
use reclaim_tui::event_loop::{new_app, ConsoleOptions};
use reclaim_tui::reducer::{self, Effect, Request};
use reclaim_tui::source::{DataSource, TenantInfo};
use reclaim_tui::views;
use reclaim_tui::{ServiceContainment, WithContainment};
use regex::Regex;
use std::sync::Arc;
use tokio::sync::mpsc;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

fn now() -> Time {
    campaign_now()
}

/// A console over `TriageSource`, driven synchronously on one runtime that also serves the
/// simulator.
struct Console {
    app: App,
    source: Arc<dyn DataSource>,
    rt: tokio::runtime::Runtime,
    _sim: SimHandle,
}

/// How a console under test is set up.
struct Setup {
    now: Time,
    read_only: bool,
    /// Containment journals here; `None`: the console can only read.
    audit_dir: Option<std::path::PathBuf>,
}

impl Console {
    /// The read-only triage console at the scenario's fixed time (what the snapshots show).
    fn start(users: usize, seed: u64) -> Console {
        Console::start_with(
            users,
            seed,
            Setup {
                now: now(),
                read_only: true,
                audit_dir: None,
            },
        )
    }

    fn start_with(users: usize, seed: u64, setup: Setup) -> Console {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let sim = rt.block_on(campaign(users, seed, setup.now, &Default::default()));
        let (progress, slot) = throttle_progress();
        let app = if setup.read_only {
            &sim.apps.read_only
        } else {
            &sim.apps.full
        };
        let client = reclaim::cli::connect::sim_app_client(
            &sim,
            app,
            ClientOptions {
                limits: Limits::none(),
                progress,
                read_only: setup.read_only,
                ..ClientOptions::default()
            },
        )
        .unwrap();
        let info = TenantInfo {
            name: "proseware".into(),
            domain: "simulated".into(),
            operator: "reclaim read-only app".into(),
        };
        let opts = GatherOptions {
            now: Some(setup.now),
            ..GatherOptions::default()
        };
        let journal_dir = setup
            .audit_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("reclaim-triage-console-no-journal"));
        // As the binary wires it: the planner reuses what the gather read.
        let recent = reclaim_triage::gather::RecentFacts::default();
        let triage = TriageSource::new(
            client.clone(),
            Arc::new(Pack::embedded()),
            opts,
            info,
            Some(journal_dir),
            slot,
        )
        .with_recent(recent.clone());
        let source: Arc<dyn DataSource> = match setup.audit_dir {
            None => Arc::new(triage),
            Some(audit_dir) => Arc::new(WithContainment {
                inner: triage,
                containment: Arc::new(ServiceContainment {
                    service: ContainmentService {
                        client,
                        audit_dir,
                        store: Arc::new(MemoryStore::default()),
                        tenant: sim.tenant_id.clone(),
                        operator: "responder@test".into(),
                        delegated: false,
                        recent: Some(recent),
                    },
                    playbook_dir: None,
                }),
            }),
        };
        let options = ConsoleOptions {
            read_only: setup.read_only,
            colour: false,
            config_dir: None,
            tenants: None,
            playbooks: vec!["contain-ato".into()],
        };
        let app = new_app(source.as_ref(), &options);
        let mut c = Console {
            app,
            source,
            rt,
            _sim: sim,
        };
        c.act(Action::Resize {
            width: 80,
            height: 24,
        });
        let effects = reducer::start(&mut c.app);
        c.run(effects);
        c
    }

    fn act(&mut self, action: Action) {
        let update = reducer::reduce(&mut self.app, action);
        self.run(update.effects);
    }

    fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            let Effect::Load { job, request } = effect else {
                continue;
            };
            let (tx, mut rx) = mpsc::unbounded_channel();
            let done = if request == Request::Journal {
                // The journal job follows the file until cancelled; here, one read is enough.
                let feed = reclaim_tui::Feed::new(tx.clone(), job);
                let result = self.rt.block_on(self.source.load_journal(feed));
                Action::JournalLoaded {
                    job,
                    result: result.map_err(|e| e.message),
                }
            } else {
                self.rt.block_on(reclaim_tui::perform(
                    self.source.clone(),
                    None,
                    job,
                    request,
                    tx.clone(),
                ))
            };
            let _ = tx.send(done);
            drop(tx);
            while let Ok(a) = rx.try_recv() {
                self.act(a);
            }
        }
    }

    fn buffer(&mut self, width: u16, height: u16) -> Buffer {
        self.act(Action::Resize { width, height });
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| {
                views::render(&self.app, f.area(), f.buffer_mut());
            })
            .unwrap();
        terminal.backend().buffer().clone()
    }

    /// Checks every cell is inert, then snapshots both sizes.
    fn snap(&mut self, name: &str) {
        for (w, h) in SIZES {
            let buf = self.buffer(w, h);
            for cell in &buf.content {
                assert!(
                    !cell.symbol().chars().any(is_dangerous),
                    "{name} {w}x{h}: a control character reached a cell: {:?}",
                    cell.symbol()
                );
            }
            // The snapshots stay in tests/snapshots under their first name, beside the TUI's.
            insta::with_settings!({
                snapshot_path => "../snapshots",
                prepend_module_to_snapshot => false,
            }, {
                insta::assert_snapshot!(format!("triage_console__{name}_{w}x{h}"), masked(&buf));
            });
        }
    }

    fn open(&mut self, upn: &str) {
        self.act(Action::StartFilter);
        self.act(Action::InputClear);
        for c in upn.chars() {
            self.act(Action::InputChar(c));
        }
        self.act(Action::InputSubmit);
        self.act(Action::Open);
    }
}

fn rows(c: &Console) -> Vec<reclaim_triage::AccountAssessment> {
    (0..c.app.accounts.shown_len())
        .filter_map(|i| c.app.accounts.shown_at(i).cloned())
        .collect()
}

fn text_of(buf: &Buffer) -> String {
    let w = buf.area.width as usize;
    buf.content
        .chunks(w)
        .map(|row| {
            let line: String = row.iter().map(|c| c.symbol()).collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Timestamps and GUIDs masked character for character, so columns stay aligned.
fn masked(buf: &Buffer) -> String {
    let text = text_of(buf);
    let time = Regex::new(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?Z?").unwrap();
    let guid = Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap();
    let text = time.replace_all(&text, |c: &regex::Captures<'_>| {
        c[0].chars()
            .map(|ch| if ch.is_ascii_digit() { '#' } else { ch })
            .collect::<String>()
    });
    guid.replace_all(&text, |c: &regex::Captures<'_>| {
        c[0].chars()
            .map(|ch| if ch == '-' { '-' } else { 'x' })
            .collect::<String>()
    })
    .into_owned()
}

#[test]
fn accounts_and_detail_from_the_simulated_campaign() {
    let mut c = Console::start(300, 5);
    let accounts = rows(&c);
    assert!(!accounts.is_empty(), "accounts loaded");
    assert_eq!(
        accounts[0].verdict,
        Verdict::Compromised,
        "the compromised lead"
    );
    c.snap("triage_accounts");

    // The top account's every tab, with its attacker artefacts flagged.
    let top = accounts[0].user_principal_name.clone();
    c.open(&top);
    for tab in DetailTab::ALL {
        c.act(Action::GoTab(tab));
        c.snap(&format!(
            "triage_detail_{}",
            tab.title()
                .replace(" & ", "_and_")
                .replace(' ', "_")
                .to_lowercase()
        ));
    }
    c.act(Action::GoTab(DetailTab::SignIns));
    let text = text_of(&c.buffer(200, 50));
    assert!(
        text.contains("OfficeHome") || text.contains("attacker"),
        "{text}"
    );
}

#[test]
fn hostile_tenant_text_never_reaches_a_cell() {
    let mut c = Console::start(300, 5);
    // Every account with attacker-controlled text, every tab of it.
    let upns: Vec<String> = rows(&c)
        .iter()
        .filter(|a| a.verdict == Verdict::Compromised)
        .map(|a| a.user_principal_name.clone())
        .collect();
    let mut saw_escaped = false;
    for upn in upns {
        c.open(&upn);
        for tab in DetailTab::ALL {
            c.act(Action::GoTab(tab));
            for (w, h) in SIZES {
                let buf = c.buffer(w, h);
                let text = text_of(&buf);
                let bad = buf
                    .content
                    .iter()
                    .find(|cell| cell.symbol().chars().any(is_dangerous));
                assert!(bad.is_none(), "{upn} {tab:?} {w}x{h}: {bad:?}");
                saw_escaped |= text.contains("\\x1b") || text.contains("\\u{202e}");
            }
        }
        c.act(Action::Back);
        c.act(Action::Back);
    }
    assert!(
        saw_escaped,
        "the scenario's hostile strings show as visible escapes"
    );
}

fn mutating(sim: &SimHandle) -> Vec<String> {
    sim.request_log()
        .into_iter()
        .filter(|e| e.is_mutating())
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

fn compromised_ids(c: &Console) -> Vec<String> {
    let truth = c._sim.ground_truth();
    let mut ids: Vec<String> = truth.compromised().map(|a| a.user_id.clone()).collect();
    ids.sort();
    ids
}

/// The whole flow through the reducer and the real containment service, over real HTTP to
/// the simulator: mark two compromised accounts, `p`, confirm (the count typed), apply; the
/// request log shows the planning sent nothing and the apply sent the mutations, the
/// simulator's tenant shows them done, the audit view lists them, and the generated password
/// reached the screen but not the journal.
#[test]
fn plan_confirm_apply_from_the_console_contains_the_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Console::start_with(
        120,
        11,
        Setup {
            now: Utc::now(),
            read_only: false,
            audit_dir: Some(dir.path().to_path_buf()),
        },
    );
    let ids: Vec<String> = compromised_ids(&c).into_iter().take(2).collect();
    assert_eq!(ids.len(), 2, "the scenario has compromised accounts");
    for id in &ids {
        c.app.accounts.marks.insert(id.clone());
    }
    c._sim.clear_request_log();
    let started = Utc::now();
    c.act(Action::OpenPlan);
    let plan = match c.app.screens.last() {
        Some(Screen::Plan(p)) => p.plan().cloned().expect("the plan arrived"),
        other => panic!("{other:?}"),
    };
    assert_eq!(plan.accounts.len(), 2);
    assert!(plan.step_count() >= 4, "{}", plan.step_count());
    assert!(
        mutating(&c._sim).is_empty(),
        "planning sent {:?}",
        mutating(&c._sim)
    );

    c.act(Action::ConfirmPlan);
    c.act(Action::Confirm(ConfirmKey::Enter));
    assert!(
        mutating(&c._sim).is_empty(),
        "Cancel (focused) sent something"
    );
    c.act(Action::ConfirmPlan);
    c.act(Action::Confirm(ConfirmKey::Switch));
    c.act(Action::Confirm(ConfirmKey::Char('2')));
    c.act(Action::Confirm(ConfirmKey::Enter));

    let apply = c.app.apply.clone().expect("the apply ran");
    let report = apply.report.as_ref().expect("the apply finished");
    let tally = apply.tally();
    assert_eq!(tally.pending + tally.running, 0, "{tally:?}");
    assert!(tally.verified > 0, "{tally:?}: {report:?}");
    let sent = mutating(&c._sim);
    assert!(
        sent.iter().any(|r| r.contains("revokeSignInSessions")),
        "{sent:?}"
    );
    // Both accounts are contained (an attacker default MFA method is moved to the owner's
    // first), and what the report calls contained is contained in the simulator's tenant.
    let truth = c._sim.ground_truth();
    let completed: Vec<String> = report
        .accounts
        .iter()
        .filter(|a| matches!(a.outcome, AccountOutcome::Completed))
        .map(|a| a.user_id.clone())
        .collect();
    assert_eq!(completed.len(), 2, "{report:?}");
    c._sim.with_tenant(|t| {
        for id in &completed {
            let u = t.users.iter().find(|u| *u.id == **id).unwrap();
            assert!(
                u.sign_in_sessions_valid_from_date_time >= started,
                "{id}: sessions not revoked"
            );
            let a = truth.compromised().find(|a| &a.user_id == id).unwrap();
            let rules = t
                .mailboxes
                .get(id.as_str())
                .map(|m| m.rules.clone())
                .unwrap_or_default();
            for r in &a.malicious_rule_ids {
                assert!(!rules.iter().any(|x| &x.id == r), "{id}: rule {r} left");
            }
        }
    });
    // The progress screen showed every step's status (a refused step as failed, with its
    // reason); the secret only there.
    let text = text_of(&c.buffer(200, 50));
    // Contained in Graph; each mailbox's Exchange check is handed over, pending `reclaim ack`.
    let contained = format!(
        "0 of 2 accounts contained, {} contained in Graph with the Exchange check pending",
        completed.len()
    );
    assert!(text.contains(&contained), "{text}");
    assert!(text.contains(&format!("{} failed", tally.failed)), "{text}");
    let secrets: Vec<String> = apply
        .secrets
        .iter()
        .map(|s| s.secret.expose().to_string())
        .collect();
    for s in &secrets {
        assert!(text.contains(s.as_str()), "the secret is on screen");
    }
    // `a`: the audit view lists what was done; the journal holds no secret.
    c.act(Action::OpenJournal);
    let text = text_of(&c.buffer(200, 50));
    assert!(text.contains("revoke-sessions"), "{text}");
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        let content = String::from_utf8_lossy(&bytes);
        for s in &secrets {
            assert!(!content.contains(s.as_str()), "a secret in {entry:?}");
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `--read-only`: the plan is shown (GETs only), the apply is refused by the reducer and,
/// forced past it, by the service: the simulator saw no mutating request at all.
#[test]
fn read_only_console_plans_but_sends_no_mutating_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Console::start_with(
        120,
        11,
        Setup {
            now: Utc::now(),
            read_only: true,
            audit_dir: Some(dir.path().to_path_buf()),
        },
    );
    let id = compromised_ids(&c).remove(0);
    c.app.accounts.marks.insert(id);
    c.act(Action::OpenPlan);
    let plan = match c.app.screens.last() {
        Some(Screen::Plan(p)) => p.plan().cloned().expect("the plan arrived"),
        other => panic!("{other:?}"),
    };
    assert!(plan.step_count() > 0);
    c.act(Action::ConfirmPlan);
    assert!(!c.app.confirming(), "read-only opened the confirmation");
    // Single actions instead of a playbook, planned by the real planner.
    c.act(Action::Playbook(
        "revoke-sessions,confirm-compromised".into(),
    ));
    match c.app.screens.last() {
        Some(Screen::Plan(p)) => {
            let only = p.plan().expect("the single-action plan arrived");
            let mut actions: Vec<&str> = only.accounts[0]
                .steps
                .iter()
                .map(|s| s.action.name())
                .collect();
            actions.sort();
            assert_eq!(actions, ["confirm-compromised", "revoke-sessions"]);
        }
        other => panic!("{other:?}"),
    }
    // Forced: the apply request itself, as if the reducer had been bypassed.
    let (tx, _rx) = mpsc::unbounded_channel();
    let done = c.rt.block_on(reclaim_tui::perform(
        c.source.clone(),
        None,
        reclaim_tui::JobId(99),
        Request::Apply(Box::new(plan)),
        tx,
    ));
    assert!(
        matches!(&done, Action::ApplyDone { result: Err(e), .. } if e.contains("read-only")),
        "{done:?}"
    );
    assert!(
        mutating(&c._sim).is_empty(),
        "read-only sent {:?}",
        mutating(&c._sim)
    );
}
