//! Console performance on a 100,000-account tenant: frame render time, keystroke-to-frame
//! time when scrolling and filtering, and bytes sent to the terminal per scroll step (what an
//! SSH link carries), and the time from a batch of streamed rows to the next frame while a `/`
//! filter is active. Results are printed as ratios against the targets: p99 frame < 5 ms and
//! < 4 KB per scroll step at 200x50.
//!
//! `cargo bench --bench tui` (release). Timings are measured here, never asserted in tests.

use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::Terminal;
use reclaim_triage::{AccountAssessment, Evidence, Indicator, Verdict};
use reclaim_tui::action::{Action, Pane};
use reclaim_tui::app::App;
use reclaim_tui::keymap::Keymap;
use reclaim_tui::present::Presenter;
use reclaim_tui::reducer::{reduce, Effect};
use reclaim_tui::settings::Settings;
use reclaim_tui::views;
use reclaim_tui::TenantInfo;
use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

const ACCOUNTS: usize = 100_000;
const FRAME_TARGET: Duration = Duration::from_millis(5);
const BYTES_TARGET: f64 = 4096.0;
/// Accounts streamed in after the first load, while a filter is active.
const ARRIVING: usize = 20_000;
/// Rows per streamed batch (what the fixture source sends; triage sends shortlists and
/// single re-judged accounts).
const ARRIVAL_BATCH: usize = 50;

/// A small deterministic generator (xorshift), so every run sees the same tenant.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn synthetic(n: usize) -> Vec<AccountAssessment> {
    const FIRST: [&str; 16] = [
        "Ava", "Ben", "Chloe", "Dana", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena",
        "Marc", "Nia", "Omar", "Priya",
    ];
    const LAST: [&str; 16] = [
        "Jensen",
        "Carter",
        "Martin",
        "Whitfield",
        "Novak",
        "Walsh",
        "Rossi",
        "Lambert",
        "Chen",
        "Murphy",
        "Singh",
        "Fischer",
        "Kowalski",
        "Brooks",
        "Haddad",
        "Raman",
    ];
    const TITLES: [&str; 12] = [
        "Chief Financial Officer",
        "President",
        "VP of Operations",
        "Sales Director",
        "Account Manager",
        "Accountant",
        "Engineer",
        "Recruiter",
        "Support Agent",
        "Analyst",
        "Treasurer",
        "Controller",
    ];
    const DEPTS: [&str; 8] = [
        "Finance",
        "Executive",
        "Operations",
        "Sales",
        "Account Management",
        "Engineering",
        "HR",
        "Support",
    ];
    const RISK: [&str; 4] = ["none", "low", "medium", "high"];
    const STATE: [&str; 4] = ["atRisk", "remediated", "dismissed", "confirmedCompromised"];
    const IND: [&str; 6] = [
        "campaign-user-agent",
        "mfa-registered-after-risky-signin",
        "recovery-phone-changed",
        "hiding-inbox-rule",
        "proxy-network-signin",
        "impossible-travel",
    ];
    let mut rng = Rng(0x2024_0304_0912);
    (0..n)
        .map(|i| {
            let first = rng.pick(&FIRST);
            let last = rng.pick(&LAST);
            let score = (rng.next() % 101) as u8;
            let verdict = match score {
                80.. => Verdict::Compromised,
                40..=79 => Verdict::Suspicious,
                _ => Verdict::Clear,
            };
            let indicators = (0..(rng.next() % 4))
                .map(|k| Indicator {
                    id: rng.pick(&IND).to_string(),
                    summary: format!("indicator {k} of account {i}"),
                    weight: (rng.next() % 30) as u8,
                    evidence: vec![Evidence {
                        kind: "signIn".into(),
                        id: format!("{:032x}", rng.next()),
                        time: Some("2024-03-04T09:12:44Z".into()),
                        detail: "OfficeHome from 185.220.101.7".into(),
                    }],
                })
                .collect();
            AccountAssessment {
                id: format!("{:08x}-{i:06}", rng.next() as u32),
                user_principal_name: format!(
                    "{}.{}{i}@contoso.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
                display_name: format!("{first} {last}"),
                job_title: Some(rng.pick(&TITLES).to_string()),
                department: Some(rng.pick(&DEPTS).to_string()),
                roles: if rng.next().is_multiple_of(50) {
                    vec!["Global Administrator".into()]
                } else {
                    vec![]
                },
                risk_level: rng.pick(&RISK).to_string(),
                risk_state: rng.pick(&STATE).to_string(),
                score,
                verdict,
                indicators,
                account_enabled: Some(true),
                user_type: Some("Member".into()),
                high_value: score > 60,
                findings: Default::default(),
                complete: true,
            }
        })
        .collect()
}

fn app(colour: bool, accounts: &[AccountAssessment]) -> (App, Duration) {
    let mut app = App::new(
        TenantInfo {
            name: "contoso".into(),
            domain: "contoso.onmicrosoft.com".into(),
            operator: "responder@contoso.com".into(),
        },
        false,
        colour,
        Settings::default(),
        Keymap::defaults(false),
        None,
    );
    reduce(
        &mut app,
        Action::Resize {
            width: 200,
            height: 50,
        },
    );
    let job = app.jobs.start(Pane::Accounts);
    let start = Instant::now();
    for chunk in accounts.chunks(1000) {
        reduce(
            &mut app,
            Action::AccountsBatch {
                job,
                accounts: chunk.to_vec(),
            },
        );
    }
    (app, start.elapsed())
}

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(mut xs: Vec<Duration>) -> Stats {
    xs.sort();
    let at = |q: f64| xs[((xs.len() - 1) as f64 * q).round() as usize];
    Stats {
        p50: at(0.5),
        p99: at(0.99),
        max: *xs.last().unwrap_or(&Duration::ZERO),
    }
}

fn us(d: Duration) -> String {
    format!("{:.0} us", d.as_secs_f64() * 1e6)
}

fn report_time(what: &str, s: &Stats) {
    println!(
        "{what:<48} p50 {:>8}  p99 {:>8}  max {:>8}   p99/target {:.3}",
        us(s.p50),
        us(s.p99),
        us(s.max),
        s.p99.as_secs_f64() / FRAME_TARGET.as_secs_f64()
    );
}

fn render_times(app: &mut App, width: u16, height: u16, frames: usize) -> Stats {
    reduce(app, Action::Resize { width, height });
    reduce(app, Action::Top);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let mut times = Vec::with_capacity(frames);
    for _ in 0..frames {
        reduce(app, Action::Down);
        let t = Instant::now();
        terminal
            .draw(|f| {
                views::render(app, f.area(), f.buffer_mut());
            })
            .expect("draw");
        times.push(t.elapsed());
    }
    stats(times)
}

/// Keystroke to frame on the wire: reduce, render, diff, write to a byte sink. A filter on a
/// large table answers in a background job: its time (scan, apply, next frame) is returned
/// separately, measured here on this thread as the job would run it.
fn keystroke_times(app: &mut App, keys: &[Action]) -> (Stats, Option<Stats>) {
    let mut p = Presenter::new(Vec::new(), 200, 50, true);
    p.draw(app).expect("draw");
    let mut times = Vec::with_capacity(keys.len());
    let mut answers = Vec::new();
    for k in keys {
        let t = Instant::now();
        let update = reduce(app, k.clone());
        p.draw(app).expect("draw");
        times.push(t.elapsed());
        p.writer().clear();
        for effect in update.effects {
            if let Effect::Filter {
                job,
                filter,
                index,
                previous,
            } = effect
            {
                let t = Instant::now();
                let prev = previous.as_ref().map(|(f, h)| (f, h.as_slice()));
                let hits = index.matches(&filter, prev);
                reduce(app, Action::FilterDone { job, filter, hits });
                p.draw(app).expect("draw");
                answers.push(t.elapsed());
                p.writer().clear();
            }
        }
    }
    (stats(times), (!answers.is_empty()).then(|| stats(answers)))
}

/// A Vec<u8> the benchmark can read while a CrosstermBackend writes into it.
#[derive(Clone, Default)]
struct Sink(Rc<RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Sink {
    fn take(&self) -> usize {
        let n = self.0.borrow().len();
        self.0.borrow_mut().clear();
        n
    }
}

struct Bytes {
    mean: f64,
    p50: usize,
    p99: usize,
    max: usize,
}

fn byte_stats(mut xs: Vec<usize>) -> Bytes {
    let mean = xs.iter().sum::<usize>() as f64 / xs.len() as f64;
    xs.sort();
    let at = |q: f64| xs[((xs.len() - 1) as f64 * q).round() as usize];
    Bytes {
        mean,
        p50: at(0.5),
        p99: at(0.99),
        max: *xs.last().unwrap_or(&0),
    }
}

fn report_bytes(what: &str, b: &Bytes) {
    println!(
        "{what:<48} mean {:>6.0} B  p50 {:>6} B  p99 {:>6} B  max {:>6} B   mean/target {:.3}  p99/target {:.3}",
        b.mean,
        b.p50,
        b.p99,
        b.max,
        b.mean / BYTES_TARGET,
        b.p99 as f64 / BYTES_TARGET
    );
}

/// Bytes per Down step at 200x50, through ratatui's CrosstermBackend over a Vec<u8>.
fn scroll_bytes_presenter(app: &mut App, steps: usize, scroll_regions: bool) -> Bytes {
    reduce(
        app,
        Action::Resize {
            width: 200,
            height: 50,
        },
    );
    reduce(app, Action::Top);
    let sink = Sink::default();
    let mut p = Presenter::new(CrosstermBackend::new(sink.clone()), 200, 50, scroll_regions);
    p.draw(app).expect("draw");
    sink.take();
    let mut sizes = Vec::with_capacity(steps);
    for _ in 0..steps {
        reduce(app, Action::Down);
        p.draw(app).expect("draw");
        sizes.push(sink.take());
    }
    byte_stats(sizes)
}

/// The same with ratatui's own Terminal::draw (the baseline the presenter improves on).
fn scroll_bytes_ratatui(app: &mut App, steps: usize) -> Bytes {
    reduce(
        app,
        Action::Resize {
            width: 200,
            height: 50,
        },
    );
    reduce(app, Action::Top);
    let sink = Sink::default();
    let backend = CrosstermBackend::new(sink.clone());
    let mut terminal = Terminal::with_options(
        backend,
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 200, 50)),
        },
    )
    .expect("terminal");
    let draw = |t: &mut Terminal<CrosstermBackend<Sink>>, app: &App| {
        t.draw(|f| {
            views::render(app, f.area(), f.buffer_mut());
        })
        .expect("draw");
    };
    draw(&mut terminal, app);
    sink.take();
    let mut sizes = Vec::with_capacity(steps);
    for _ in 0..steps {
        reduce(app, Action::Down);
        draw(&mut terminal, app);
        sizes.push(sink.take());
    }
    byte_stats(sizes)
}

/// Rows streaming in (new accounts, then re-judged ones) while a `/` filter is active: the time
/// from the batch to the next frame on the wire. The filter is applied the way the console
/// does it (typed, answered by the background job) before the stream starts.
fn arrival_times(
    app: &mut App,
    pattern: &str,
    arriving: &[AccountAssessment],
    rejudged: &[AccountAssessment],
) -> ([Stats; 2], [Stats; 2]) {
    reduce(
        app,
        Action::Resize {
            width: 200,
            height: 50,
        },
    );
    let mut keys = vec![Action::StartFilter, Action::InputClear];
    keys.extend(pattern.chars().map(Action::InputChar));
    keys.push(Action::InputSubmit);
    keystroke_times(app, &keys);
    let job = app.jobs.accounts;
    let mut p = Presenter::new(Vec::new(), 200, 50, true);
    p.draw(app).expect("draw");
    let mut reducer = Vec::new();
    let mut timed = |batch: Vec<AccountAssessment>| {
        let t = Instant::now();
        reduce(
            app,
            Action::AccountsBatch {
                job,
                accounts: batch,
            },
        );
        reducer.push(t.elapsed());
        p.draw(app).expect("draw");
        let took = t.elapsed();
        p.writer().clear();
        took
    };
    let fresh: Vec<Duration> = arriving
        .chunks(ARRIVAL_BATCH)
        .map(|c| timed(c.to_vec()))
        .collect();
    let updates = rejudged
        .iter()
        .map(|a| {
            let mut a = a.clone();
            a.score = 100 - a.score;
            timed(vec![a])
        })
        .collect();
    reduce(app, Action::Back);
    let fresh_reducer = reducer[..fresh.len()].to_vec();
    let updates_reducer = reducer[fresh.len()..].to_vec();
    (
        [stats(fresh), stats(fresh_reducer)],
        [stats(updates), stats(updates_reducer)],
    )
}

fn main() {
    // `cargo test --benches` runs this with --bench absent: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n = if quick { 5_000 } else { ACCOUNTS };
    let frames = if quick { 50 } else { 2_000 };
    println!(
        "reclaim console benchmark: {n} synthetic accounts{}",
        if quick { " (quick mode)" } else { "" }
    );
    let arriving = if quick { 1_000 } else { ARRIVING };
    let all = synthetic(n + arriving);
    let (accounts, arriving) = all.split_at(n);
    let (mut colour_app, load) = app(true, accounts);
    println!(
        "{:<48} {:.1} ms total ({} batches of 1,000, reducer only)",
        "load accounts",
        load.as_secs_f64() * 1e3,
        n / 1000
    );

    report_time(
        "frame render 200x50 (TestBackend)",
        &render_times(&mut colour_app, 200, 50, frames),
    );
    report_time(
        "frame render 80x24 (TestBackend)",
        &render_times(&mut colour_app, 80, 24, frames),
    );

    reduce(
        &mut colour_app,
        Action::Resize {
            width: 200,
            height: 50,
        },
    );
    reduce(&mut colour_app, Action::Top);
    let scroll: Vec<Action> = (0..frames)
        .map(|i| {
            if i % 400 < 300 {
                Action::Down
            } else {
                Action::Up
            }
        })
        .chain(std::iter::repeat_n(Action::PageDown, 50))
        .collect();
    report_time(
        "keystroke-to-frame, scrolling 200x50",
        &keystroke_times(&mut colour_app, &scroll).0,
    );

    let mut filter_keys = vec![Action::StartFilter];
    for pattern in [
        "marc",
        "!clear",
        "cfo|president|treasurer",
        "^dana.*finance",
    ] {
        filter_keys.push(Action::InputClear);
        filter_keys.extend(pattern.chars().map(Action::InputChar));
    }
    filter_keys.push(Action::InputSubmit);
    let (echo, answer) = keystroke_times(&mut colour_app, &filter_keys);
    report_time("keystroke-to-frame, filtering 200x50", &echo);
    if let Some(answer) = answer {
        report_time("  filter answer: scan + apply + frame", &answer);
    }
    reduce(&mut colour_app, Action::Back);

    let t = Instant::now();
    reduce(&mut colour_app, Action::SortNext);
    println!(
        "{:<48} {:.1} ms (one key press, not a frame target)",
        "re-sort all accounts by verdict",
        t.elapsed().as_secs_f64() * 1e3
    );
    reduce(
        &mut colour_app,
        Action::SortBy(reclaim_tui::list::SortKey::Score),
    );

    let steps = if quick { 100 } else { 2_000 };
    report_bytes(
        "bytes/scroll step 200x50, presenter",
        &scroll_bytes_presenter(&mut colour_app, steps, true),
    );
    report_bytes(
        "  same, scroll regions off",
        &scroll_bytes_presenter(&mut colour_app, steps, false),
    );
    report_bytes(
        "  baseline: ratatui Terminal::draw",
        &scroll_bytes_ratatui(&mut colour_app, steps),
    );
    let (mut plain_app, _) = app(false, accounts);
    report_bytes(
        "bytes/scroll step 200x50, NO_COLOR, presenter",
        &scroll_bytes_presenter(&mut plain_app, steps, true),
    );
    report_bytes(
        "  baseline: ratatui Terminal::draw, NO_COLOR",
        &scroll_bytes_ratatui(&mut plain_app, steps),
    );

    // Last: it adds rows to the table the measurements above used.
    let per_filter = arriving.len() / 2;
    let rejudge = if quick { 50 } else { 500 };
    for (k, pattern) in ["cfo|president|treasurer", "!clear"]
        .into_iter()
        .enumerate()
    {
        let stream = &arriving[k * per_filter..(k + 1) * per_filter];
        let rejudged = &accounts[k * rejudge..(k + 1) * rejudge];
        let ([fresh, fresh_reducer], [updates, updates_reducer]) =
            arrival_times(&mut colour_app, pattern, stream, rejudged);
        report_time(
            &format!("filtered-row arrival, {ARRIVAL_BATCH} new rows /{pattern}"),
            &fresh,
        );
        report_time("    of which the reducer", &fresh_reducer);
        report_time(&format!("  one re-judged row /{pattern}"), &updates);
        report_time("    of which the reducer", &updates_reducer);
    }
}
