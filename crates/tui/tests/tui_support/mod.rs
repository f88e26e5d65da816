//! Shared by the console's screen tests: a synchronous harness over the fixture source, screen
//! text helpers, and a model terminal that replays what the presenter sends.

#![allow(dead_code)]

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use reclaim_tui::action::Action;
use reclaim_tui::app::App;
use reclaim_tui::event_loop::{new_app, ConsoleOptions};
use reclaim_tui::reducer::{self, Effect};
use reclaim_tui::source::{DataSource, TenantDirectory};
use reclaim_tui::{views, FixtureDirectory};
use regex::Regex;
use std::sync::Arc;
use tokio::sync::mpsc;

pub const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

pub fn fixture() -> FixtureDirectory {
    FixtureDirectory::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/tui_fixture.json"
    )))
    .expect("fixture")
}

/// A console over the fixture with no config dir, driven synchronously: each load effect runs
/// the real source to completion and its actions go through the reducer.
pub struct Harness {
    pub app: App,
    source: Arc<dyn DataSource>,
    dir: Arc<dyn TenantDirectory>,
    rt: tokio::runtime::Runtime,
}

impl Harness {
    pub fn new(read_only: bool, colour: bool) -> Harness {
        let mut h = Harness::unloaded_with(read_only, colour);
        let effects = reducer::start(&mut h.app);
        h.run(effects);
        h
    }

    pub fn unloaded() -> Harness {
        Harness::unloaded_with(false, true)
    }

    pub fn unloaded_with(read_only: bool, colour: bool) -> Harness {
        let dir = fixture();
        let source: Arc<dyn DataSource> = Arc::new(dir.source(None).expect("tenant"));
        let dir: Arc<dyn TenantDirectory> = Arc::new(dir);
        let options = ConsoleOptions {
            read_only,
            colour,
            config_dir: None,
            tenants: Some(dir.clone()),
            playbooks: vec!["contain-ato".into()],
        };
        let app = new_app(source.as_ref(), &options);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let mut h = Harness {
            app,
            source,
            dir,
            rt,
        };
        h.act(Action::Resize {
            width: 80,
            height: 24,
        });
        h
    }

    pub fn act(&mut self, action: Action) {
        let update = reducer::reduce(&mut self.app, action);
        self.run(update.effects);
    }

    pub fn keys(&mut self, actions: impl IntoIterator<Item = Action>) {
        for a in actions {
            self.act(a);
        }
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.act(Action::InputChar(c));
        }
    }

    pub fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            let Effect::Load { job, request } = effect else {
                continue;
            };
            let (tx, mut rx) = mpsc::unbounded_channel();
            let done = self.rt.block_on(reclaim_tui::perform(
                self.source.clone(),
                Some(self.dir.clone()),
                job,
                request,
                tx.clone(),
            ));
            let _ = tx.send(done);
            drop(tx);
            while let Ok(a) = rx.try_recv() {
                if let Action::TenantOpened {
                    result: Ok(opened), ..
                } = &a
                {
                    self.source = opened.source.clone();
                }
                self.act(a);
            }
        }
    }

    pub fn buffer(&mut self, width: u16, height: u16) -> Buffer {
        self.act(Action::Resize { width, height });
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        terminal
            .draw(|f| {
                views::render(&self.app, f.area(), f.buffer_mut());
            })
            .expect("draw");
        terminal.backend().buffer().clone()
    }
}

pub fn text_of(buf: &Buffer) -> String {
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
pub fn masked(buf: &Buffer) -> String {
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

/// A model terminal that understands exactly what the presenter may send: cursor moves,
/// attributes (ignored), clear, scroll regions and scrolling.
pub struct Vt {
    w: usize,
    h: usize,
    cells: Vec<char>,
    x: usize,
    y: usize,
    region: (usize, usize),
}

impl Vt {
    pub fn new(w: u16, h: u16) -> Vt {
        let (w, h) = (w as usize, h as usize);
        Vt {
            w,
            h,
            cells: vec![' '; w * h],
            x: 0,
            y: 0,
            region: (0, h - 1),
        }
    }

    pub fn scroll(&mut self, n: isize) {
        let (top, bottom) = self.region;
        let rows: Vec<Vec<char>> = (top..=bottom)
            .map(|r| self.cells[r * self.w..(r + 1) * self.w].to_vec())
            .collect();
        for (i, r) in (top..=bottom).enumerate() {
            let src = i as isize + n;
            let row = if src >= 0 && (src as usize) < rows.len() {
                rows[src as usize].clone()
            } else {
                vec![' '; self.w]
            };
            self.cells[r * self.w..(r + 1) * self.w].copy_from_slice(&row);
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '\x1b' {
                let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                if w == 0 {
                    continue;
                }
                if self.x < self.w && self.y < self.h {
                    self.cells[self.y * self.w + self.x] = c;
                    if w == 2 && self.x + 1 < self.w {
                        self.cells[self.y * self.w + self.x + 1] = '\0';
                    }
                }
                self.x += w;
                continue;
            }
            assert_eq!(chars.next(), Some('['), "only CSI sequences are expected");
            let mut params = String::new();
            let fin = loop {
                let c = chars.next().expect("complete sequence");
                if c.is_ascii_alphabetic() {
                    break c;
                }
                params.push(c);
            };
            let nums: Vec<usize> = params
                .trim_start_matches('?')
                .split(';')
                .map(|p| p.parse().unwrap_or(0))
                .collect();
            match fin {
                'H' => {
                    self.y = nums[0].max(1) - 1;
                    self.x = nums.get(1).copied().unwrap_or(1).max(1) - 1;
                }
                'J' => self.cells.fill(' '),
                'r' => {
                    self.region = if params.is_empty() {
                        (0, self.h - 1)
                    } else {
                        (nums[0] - 1, nums[1] - 1)
                    };
                    self.x = 0;
                    self.y = 0;
                }
                'S' => self.scroll(nums[0].max(1) as isize),
                'T' => self.scroll(-(nums[0].max(1) as isize)),
                'm' | 'h' | 'l' => {}
                other => panic!("unexpected CSI {params}{other}"),
            }
        }
    }

    pub fn text(&self) -> String {
        self.cells
            .chunks(self.w)
            .map(|r| {
                r.iter()
                    .filter(|c| **c != '\0')
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}
