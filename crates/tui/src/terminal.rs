//! Taking over the terminal and, whatever happens, giving it back: raw mode, the alternate
//! screen and a hidden cursor on the way in; on the way out (normal exit, error, panic or
//! drop) the scroll region is reset, the cursor shown, the main screen and cooked mode back.
//! The mouse is never captured and bracketed paste never enabled, so the terminal's own
//! selection and paste keep working and there is nothing more to undo. Ctrl-Z hands the
//! terminal back the same way while the shell has the job stopped ([`suspend`]).

use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    self, disable_raw_mode, enable_raw_mode, EndSynchronizedUpdate, EnterAlternateScreen,
    LeaveAlternateScreen,
};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};
use std::thread::ThreadId;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();
/// The thread that draws: only its panic ends the console.
static UI_THREAD: Mutex<Option<ThreadId>> = Mutex::new(None);

fn on_ui_thread() -> bool {
    let ui = UI_THREAD.lock().map(|t| *t).unwrap_or(None);
    ui.is_none() || ui == Some(std::thread::current().id())
}

/// Restores the terminal when dropped.
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen; installs the panic hook (once per process).
    pub fn enter() -> io::Result<TerminalGuard> {
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if ACTIVE.load(Ordering::SeqCst) && !on_ui_thread() {
                    // A background job panicked: the console lives on and reports the job as
                    // failed; printing here would scribble over the screen, so log it instead.
                    tracing::error!(panic = %info, "background task panicked");
                    return;
                }
                restore();
                previous(info);
            }));
        });
        if let Ok(mut t) = UI_THREAD.lock() {
            *t = Some(std::thread::current().id());
        }
        take_over()?;
        Ok(TerminalGuard { _private: () })
    }

    pub fn size() -> io::Result<(u16, u16)> {
        terminal::size()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Raw mode, the alternate screen (cleared), no cursor.
fn take_over() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    if let Err(e) = execute!(out, EnterAlternateScreen, Hide)
        .and_then(|_| out.write_all(b"\x1b[0m\x1b[2J").and_then(|_| out.flush()))
    {
        restore();
        return Err(e);
    }
    Ok(())
}

/// Ctrl-Z: gives the terminal back as on exit and stops the process the way job control
/// expects (SIGTSTP to itself: raw mode turned Ctrl-Z into a key, so the terminal did not
/// send it). Returns once the shell continues the job (`fg` sends SIGCONT), with raw mode and
/// a blank alternate screen back: the caller must redraw everything. If the terminal is not
/// ours when continued (`bg`), taking it back stops the job again (SIGTTOU) until `fg`.
pub fn suspend() -> io::Result<()> {
    restore();
    #[cfg(unix)]
    // SAFETY: raise(3) has no memory-safety preconditions; SIGTSTP's default action stops
    // the whole process, and nothing in the console handles or blocks it.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    take_over()
}

/// Puts the terminal back as it was. Safe to call more than once and from a panic.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    // Reset attributes and any scroll region a frame may have left behind if interrupted.
    let _ = out.write_all(b"\x1b[0m\x1b[r");
    let _ = execute!(out, EndSynchronizedUpdate, LeaveAlternateScreen, Show);
    let _ = out.flush();
    let _ = disable_raw_mode();
}
