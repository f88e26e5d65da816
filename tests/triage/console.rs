//! The console over the real triage source (`TriageSource`) and the simulated campaign over
//! real HTTP: the accounts table and every detail tab, drawn on ratatui's TestBackend and
//! compared with insta snapshots (timestamps and GUIDs masked); hostile tenant text from the
//! scenario never reaches a cell as a control character.

use super::support::*;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use reclaim::graph::throttle::Limits;
use reclaim::graph::ClientOptions;
use reclaim::sanitize::is_dangerous;
use reclaim::sim::model::Time;
use reclaim::sim::SimHandle;
use reclaim::triage::gather::GatherOptions;
use reclaim::triage::source::{throttle_progress, TriageSource};
use reclaim::triage::{Pack, Verdict};
use reclaim::tui::action::{Action, DetailTab};
use reclaim::tui::app::App;
use reclaim::tui::event_loop::{new_app, ConsoleOptions};
use reclaim::tui::reducer::{self, Effect};
use reclaim::tui::source::{DataSource, TenantInfo};
use reclaim::tui::views;
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

impl Console {
    fn start(users: usize, seed: u64) -> Console {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let sim = rt.block_on(campaign(users, seed, now(), &Default::default()));
        let (progress, slot) = throttle_progress();
        let client = reclaim::cli::connect::sim_app_client(
            &sim,
            &sim.apps.read_only,
            ClientOptions {
                limits: Limits::none(),
                progress,
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
            now: Some(now()),
            ..GatherOptions::default()
        };
        let empty_audit_dir = std::env::temp_dir().join("reclaim-triage-console-no-journal");
        let source: Arc<dyn DataSource> = Arc::new(TriageSource::new(
            client,
            Arc::new(Pack::embedded()),
            opts,
            info,
            Some(empty_audit_dir),
            slot,
        ));
        let options = ConsoleOptions {
            read_only: true,
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
            let done = self.rt.block_on(reclaim::tui::perform(
                self.source.clone(),
                None,
                job,
                request,
                tx.clone(),
            ));
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

fn rows(c: &Console) -> Vec<reclaim::triage::AccountAssessment> {
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
            tab.title().replace(' ', "_").to_lowercase()
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
