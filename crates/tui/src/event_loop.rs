//! The console's loop. Terminal events become actions through the keymap; data work runs in
//! spawned tasks (one slot per pane: a newer job aborts the older) that report back as
//! actions; the reducer changes the state; a frame is drawn only when the state changed,
//! once per burst of actions, and data-driven redraws are capped so a stream of results
//! cannot flood a slow link. There is no fixed frame rate: an idle console writes nothing.

use super::action::Action;
use super::app::{App, Level};
use super::jobs::Jobs;
use super::keymap::{Context, Keymap};
use super::osc52;
use super::present::Presenter;
use super::reducer::{self, Effect};
use super::settings::{self, Settings};
use super::source::{DataSource, TenantDirectory};
use super::terminal::{self, TerminalGuard};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::crossterm::tty::IsTty;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{self, UnboundedSender};

/// Test support: panic after the first frame, to prove the panic hook restores the terminal.
pub const TEST_PANIC_ENV: &str = "RECLAIM_TEST_PANIC";

/// Data-driven redraws at most this often (keys are always drawn at once).
const DATA_FRAME_INTERVAL: Duration = Duration::from_millis(33);

#[derive(Clone, Default)]
pub struct ConsoleOptions {
    /// `--read-only`: the lock in the header; mutating keys and commands absent.
    pub read_only: bool,
    /// Resolved `--color` / NO_COLOR / is-a-terminal decision.
    pub colour: bool,
    /// Where `console.toml`, `keymap.toml` and `themes/` are read from.
    pub config_dir: Option<PathBuf>,
    /// Profiles for `:tenant NAME`.
    pub tenants: Option<Arc<dyn TenantDirectory>>,
    /// Playbook names for `:playbook NAME` completion.
    pub playbooks: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("the console needs a terminal (use `reclaim triage` in scripts)")]
    NotATerminal,
    #[error("terminal error: {0}")]
    Io(#[from] std::io::Error),
}

/// Settings and keymap from the config dir, with every problem found (each names its file
/// and line); problems never stop the console, which falls back to the defaults.
pub fn load_config(
    config_dir: Option<&std::path::Path>,
    read_only: bool,
) -> (Settings, Keymap, Vec<String>) {
    let mut problems = Vec::new();
    let mut note = |file: &str, errs: Vec<String>| {
        if let Some(first) = errs.first() {
            let more = match errs.len() {
                1 => String::new(),
                n => format!(" (+{} more in the log)", n - 1),
            };
            problems.push(format!("{file} ignored, defaults in use: {first}{more}"));
            for e in &errs {
                tracing::warn!(file, problem = %reclaim_core::sanitize::inert(e), "config ignored");
            }
        }
    };
    let settings = match settings::read_config_file(config_dir, "console.toml") {
        Ok(Some(text)) => {
            let (s, errs) = Settings::parse(&text, config_dir);
            note("console.toml", errs);
            s
        }
        Ok(None) => Settings::default(),
        Err(e) => {
            note("console.toml", vec![e]);
            Settings::default()
        }
    };
    let keymap = match settings::read_config_file(config_dir, "keymap.toml") {
        Ok(Some(text)) => {
            let (k, errs) = Keymap::with_overrides(read_only, &text);
            note("keymap.toml", errs);
            k
        }
        Ok(None) => Keymap::defaults(read_only),
        Err(e) => {
            note("keymap.toml", vec![e]);
            Keymap::defaults(read_only)
        }
    };
    (settings, keymap, problems)
}

/// Builds the console's state (also what tests and benchmarks start from).
pub fn new_app(source: &dyn DataSource, options: &ConsoleOptions) -> App {
    let (settings, keymap, problems) =
        load_config(options.config_dir.as_deref(), options.read_only);
    let mut app = App::new(
        source.tenant(),
        options.read_only,
        options.colour,
        settings,
        keymap,
        options.config_dir.clone(),
    );
    app.choices.profiles = options
        .tenants
        .as_ref()
        .map(|t| t.profiles())
        .unwrap_or_default();
    // The playbooks the tenant's containment knows, else what the caller offers.
    app.choices.playbooks = source
        .containment()
        .map(|c| c.playbooks())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| options.playbooks.clone());
    if let Some(first) = problems.first() {
        let text = match problems.len() {
            1 => first.clone(),
            _ => format!("{first}; {}", problems[1..].join("; ")),
        };
        app.notify(Level::Error, text);
    }
    app
}

/// What a key means in the current state: text input, the help overlay, or the keymap.
pub fn key_action(app: &App, key: &KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if app.input.is_some() {
        return match key.code {
            KeyCode::Enter => Some(Action::InputSubmit),
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Tab => Some(Action::InputComplete),
            KeyCode::Backspace => Some(Action::InputBackspace),
            KeyCode::Char('u') if ctrl => Some(Action::InputClear),
            KeyCode::Char('c') if ctrl => Some(Action::Back),
            KeyCode::Char('l') if ctrl => Some(Action::Redraw),
            KeyCode::Char('z') if ctrl => Some(Action::Suspend),
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                Some(Action::InputChar(c))
            }
            _ => None,
        };
    }
    if app.confirming() {
        return super::keymap::confirm_action(key);
    }
    if app.help.is_some() {
        return app.keymap.resolve(&[Context::List, Context::Global], key);
    }
    app.keymap.resolve(app.contexts(), key)
}

/// Reads terminal events on a thread (crossterm's reader blocks) and forwards them.
///
/// crossterm 0.28 can lose a resize: when a key and SIGWINCH are ready in the same poll it
/// returns the key, and the signal's (edge-triggered) readiness is not reported again. The
/// size is set before the signal is sent, so after each key the size is checked here too.
fn spawn_input(tx: UnboundedSender<Event>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let mut size = TerminalGuard::size().ok();
        while !stop.load(Ordering::Relaxed) {
            match event::poll(Duration::from_millis(50)) {
                Ok(true) => match event::read() {
                    Ok(ev) => {
                        let resized = match ev {
                            Event::Resize(w, h) => {
                                size = Some((w, h));
                                None
                            }
                            Event::Key(_) => TerminalGuard::size()
                                .ok()
                                .filter(|now| Some(*now) != size)
                                .inspect(|now| size = Some(*now)),
                            _ => None,
                        };
                        let resize = resized.map(|(w, h)| Event::Resize(w, h));
                        if std::iter::once(ev)
                            .chain(resize)
                            .any(|e| tx.send(e).is_err())
                        {
                            return;
                        }
                    }
                    Err(_) => return,
                },
                Ok(false) => {}
                Err(_) => return,
            }
        }
    });
}

/// Runs the interactive console until the operator quits.
pub async fn run_console(
    source: Arc<dyn DataSource>,
    options: ConsoleOptions,
) -> Result<(), ConsoleError> {
    if !std::io::stdout().is_tty() || !std::io::stdin().is_tty() {
        return Err(ConsoleError::NotATerminal);
    }
    let mut app = new_app(source.as_ref(), &options);
    let guard = TerminalGuard::enter()?;
    let result = drive(&mut app, source, &options).await;
    drop(guard);
    result
}

async fn drive(
    app: &mut App,
    mut source: Arc<dyn DataSource>,
    options: &ConsoleOptions,
) -> Result<(), ConsoleError> {
    // Start crossterm's event reader (and its SIGWINCH hook) before reading the size, so a
    // resize from then on is seen even if the input thread has not run yet.
    let _ = event::poll(Duration::ZERO);
    let (width, height) = TerminalGuard::size()?;
    let out = BufWriter::with_capacity(1 << 16, std::io::stdout());
    let (tx, mut actions) = mpsc::unbounded_channel::<Action>();
    let (input_tx, mut inputs) = mpsc::unbounded_channel::<Event>();
    let stop = Arc::new(AtomicBool::new(false));
    spawn_input(input_tx, stop.clone());
    let mut run = Runner {
        jobs: Jobs::new(tx),
        presenter: Presenter::new(out, width, height, app.settings.scroll_regions),
        resumed: None,
    };
    let mut shutdown = Shutdown::new()?;

    reducer::reduce(app, Action::Resize { width, height });
    let start = reducer::start(app);
    run.effects(app, &mut source, &options.tenants, start)?;
    run.presenter.draw(app)?;
    if std::env::var_os(TEST_PANIC_ENV).is_some() {
        panic!("{TEST_PANIC_ENV} is set: deliberate panic to prove the terminal is restored");
    }
    let mut last_draw = Instant::now();
    let mut pending = false;

    let result = loop {
        let deadline = tokio::time::Instant::from_std(last_draw + DATA_FRAME_INTERVAL);
        let mut input_seen = false;
        let first: Option<Action> = tokio::select! {
            ev = inputs.recv() => match ev {
                Some(ev) => { input_seen = true; event_action(app, ev) }
                None => break Ok(()),
            },
            a = actions.recv() => a,
            _ = tokio::time::sleep_until(deadline), if pending => None,
            _ = shutdown.recv() => Some(Action::Quit),
        };
        let mut queue: Vec<Action> = first.into_iter().collect();
        // Take the whole burst before drawing: one frame for many actions.
        let burst = loop {
            let mut outcome = Ok(());
            for action in queue.drain(..) {
                let update = reducer::reduce(app, action);
                pending |= update.changed;
                outcome = run.effects(app, &mut source, &options.tenants, update.effects);
                if outcome.is_err() {
                    break;
                }
            }
            if outcome.is_err() || app.quit {
                break outcome;
            }
            // Back from Ctrl-Z: the terminal may have been resized while the shell had it.
            if let Some((width, height)) = run.resumed.take() {
                queue.push(Action::Resize { width, height });
                continue;
            }
            if let Ok(ev) = inputs.try_recv() {
                input_seen = true;
                queue.extend(event_action(app, ev));
            } else if let Ok(a) = actions.try_recv() {
                queue.push(a);
            } else {
                break Ok(());
            }
        };
        if let Err(e) = burst {
            break Err(e.into());
        }
        if app.quit {
            break Ok(());
        }
        if pending && (input_seen || last_draw.elapsed() >= DATA_FRAME_INTERVAL) {
            if let Err(e) = run.presenter.draw(app) {
                break Err(e.into());
            }
            last_draw = Instant::now();
            pending = false;
        }
    };
    stop.store(true, Ordering::Relaxed);
    run.jobs.abort_all();
    result
}

/// SIGTERM, SIGHUP (the SSH link dropped) and SIGINT end the console cleanly, so the
/// terminal is restored; Ctrl-C itself arrives as a key in raw mode.
struct Shutdown {
    #[cfg(unix)]
    signals: Vec<tokio::signal::unix::Signal>,
}

impl Shutdown {
    fn new() -> std::io::Result<Shutdown> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Shutdown {
                signals: vec![
                    signal(SignalKind::terminate())?,
                    signal(SignalKind::hangup())?,
                    signal(SignalKind::interrupt())?,
                ],
            })
        }
        #[cfg(not(unix))]
        Ok(Shutdown {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        futures::future::select_all(self.signals.iter_mut().map(|s| Box::pin(s.recv()))).await;
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn event_action(app: &App, ev: Event) -> Option<Action> {
    match ev {
        Event::Key(key) => key_action(app, &key),
        Event::Resize(width, height) => Some(Action::Resize { width, height }),
        _ => None,
    }
}

struct Runner<W: Write> {
    jobs: Jobs,
    presenter: Presenter<W>,
    /// The terminal's size when the console came back from Ctrl-Z.
    resumed: Option<(u16, u16)>,
}

impl<W: Write> Runner<W> {
    fn effects(
        &mut self,
        app: &App,
        source: &mut Arc<dyn DataSource>,
        tenants: &Option<Arc<dyn TenantDirectory>>,
        effects: Vec<Effect>,
    ) -> std::io::Result<()> {
        for effect in effects {
            match effect {
                Effect::Load { job, request } => self.jobs.spawn(source, tenants, job, request),
                Effect::Cancel(pane) => self.jobs.cancel(pane),
                Effect::Install(new) => *source = new,
                Effect::Copy(text) => self
                    .presenter
                    .write_raw(osc52::sequence(&text).as_bytes())?,
                Effect::ClearScreen => {
                    let area = self.presenter.area();
                    self.presenter.clear(area.width, area.height)?;
                }
                Effect::Suspend => {
                    self.presenter.writer().flush()?;
                    terminal::suspend()?;
                    // The screen is blank: the next frame is drawn whole.
                    let area = self.presenter.area();
                    self.presenter.clear(area.width, area.height)?;
                    self.resumed = Some(TerminalGuard::size()?);
                }
                Effect::ThrottleTimer { seq, wait } => self.jobs.timer(seq, wait),
                Effect::Filter {
                    job,
                    filter,
                    index,
                    previous,
                } => self.jobs.filter(job, filter, index, previous),
            }
        }
        // A resize changes the frame's geometry: start from a clean screen of the new size.
        if (app.width, app.height) != (self.presenter.area().width, self.presenter.area().height) {
            self.presenter.clear(app.width, app.height)?;
        }
        Ok(())
    }
}
