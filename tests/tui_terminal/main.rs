//! End-to-end: the real `reclaim` binary in a real terminal (tmux), driven by keys, read back
//! with capture-pane, its raw output recorded with pipe-pane. Each test has its own tmux
//! socket and kills its server. Waits poll the screen for what must appear; no fixed sleeps.

#[path = "../common/external.rs"]
mod external;
mod tmux;

use std::path::{Path, PathBuf};
use std::process::Command;
use tmux::*;

#[test]
fn drive_the_console_without_colour() {
    if !tmux_or_skip() {
        return;
    }
    let t = Tmux::start("drive", 100, 30, &[("NO_COLOR", "1")], &[]);
    t.wait_for("the accounts table", |s| {
        s.contains("Dana Whitfield") && s.contains("30/30 accounts")
    });

    // Filter with a regex, keep it, then open the account under the cursor.
    t.text("/");
    t.text("finance|^marcus");
    t.wait_for("live filtering", |s| {
        s.contains("match") && !s.contains("Priya Raman")
    });
    t.keys(&["Enter"]);
    let s = t.wait_for("the kept filter", |s| {
        s.contains("filter /finance|^marcus/")
    });
    assert!(s.contains("Marcus Ode") && s.contains("Hannah Cole"), "{s}");
    t.keys(&["Enter"]);
    t.wait_for("the account detail", |s| {
        s.contains("accounts > Dana Whitfield > overview")
    });
    t.text("2");
    t.wait_for("the sign-ins tab", |s| {
        s.contains("185.220.101.7") && s.contains("> sign-ins")
    });

    // Help, generated from the keymap.
    t.text("?");
    t.wait_for("the help overlay", |s| {
        s.contains("keys (esc closes)") && s.contains("Everywhere")
    });
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("keys (esc closes)"));

    // Switch theme through command mode with completion.
    t.text(":theme da");
    t.keys(&["Tab"]);
    t.wait_for("completion", |s| s.contains(":theme dark"));
    t.keys(&["Enter"]);
    t.wait_for("the theme notice", |s| {
        s.contains("theme dark (colour is off")
    });

    // Back to the table, inverse filter, quit.
    t.keys(&["Escape"]);
    t.wait_for("the table", |s| s.contains("SCORE"));
    t.text("/");
    t.keys(&["C-u"]);
    t.text("!compromised|suspicious");
    t.keys(&["Enter"]);
    t.wait_for("the inverse filter", |s| s.contains("21/30 accounts"));
    t.text("q");
    t.assert_restored(0);

    let raw = t.raw();
    assert!(
        contains(&raw, b"\x1b[?1049h"),
        "entered the alternate screen"
    );
    assert!(contains(&raw, b"\x1b[?1049l"), "left the alternate screen");
    assert!(
        contains(&raw, b"\x1b[?2026h"),
        "frames use synchronized updates"
    );
    let colours = colour_sequences(&raw);
    assert!(
        colours.is_empty(),
        "NO_COLOR output has colour: {colours:?}"
    );
    // Mouse reporting is never turned on.
    assert!(!contains(&raw, b"\x1b[?1000h") && !contains(&raw, b"\x1b[?1006h"));
}

#[test]
fn colour_resize_redraw_and_read_only() {
    if !tmux_or_skip() {
        return;
    }
    let t = Tmux::start("colour", 80, 24, &[], &["--color", "always", "--read-only"]);
    let s = t.wait_for("the accounts table", |s| s.contains("Dana Whitfield"));
    assert!(s.lines().next().unwrap_or("").contains("READ-ONLY"), "{s}");
    // Planning is a preview (it sends nothing); applying is absent: enter does nothing.
    t.text("p");
    t.wait_for("the read-only plan", |s| {
        s.contains("READ-ONLY: a preview") && s.contains("plan (contain-ato)")
    });
    t.keys(&["Enter"]);
    t.keys(&["Escape"]);
    let s = t.wait_for("the table again", |s| s.contains("SCORE"));
    assert!(!s.contains("Apply this plan?"), "{s}");

    t.tmux(&["resize-window", "-t", "t", "-x", "200", "-y", "50"]);
    let s = t.wait_for("the wide layout", |s| {
        s.contains("UPN") && s.contains("eve.mallory@contoso.com")
    });
    let lines: Vec<&str> = s.lines().collect();
    assert!(
        lines[0].contains("tenant contoso (contoso.onmicrosoft.com)"),
        "{s}"
    );
    assert!(!s.contains("containment planning"), "{s}");
    t.keys(&["C-l"]);
    t.wait_for("a redraw", |s| s.contains("UPN"));
    t.tmux(&["resize-window", "-t", "t", "-x", "60", "-y", "15"]);
    t.wait_for("the narrow layout", |s| {
        !s.contains("UPN") && s.contains("SCORE")
    });
    // Without job control (this pane's script has none) the kernel drops the stop signal:
    // ctrl-z must not leave the console stopped with no shell to continue it.
    t.keys(&["C-z"]);
    t.wait_for("the console back at once", |s| s.contains("SCORE"));
    t.text(":q");
    t.keys(&["Enter"]);
    t.assert_restored(0);

    let raw = t.raw();
    assert!(
        !colour_sequences(&raw).is_empty(),
        "--color always drew no colour"
    );
}

/// Mark an account, `p`, see the plan, confirm (Cancel focused; the UPN typed), watch the
/// apply finish with the password shown once, leave, quit: the terminal is restored and the
/// password is in no log.
#[test]
fn contain_an_account_from_the_console() {
    if !tmux_or_skip() {
        return;
    }
    let t = Tmux::start("contain", 100, 30, &[("NO_COLOR", "1")], &[]);
    t.wait_for("the accounts table", |s| s.contains("Dana Whitfield"));
    t.keys(&["Space"]);
    t.wait_for("the mark", |s| s.contains("1 marked"));
    t.text("p");
    t.wait_for("the plan", |s| {
        s.contains("accounts > plan (contain-ato)")
            && s.contains("dana.whitfield@contoso.com")
            && s.contains("revoke-sessions")
    });
    // Enter opens the confirmation with Cancel focused: Enter again cancels.
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", |s| s.contains("Apply this plan?"));
    t.keys(&["Enter"]);
    t.wait_for("the cancel", |s| s.contains("cancelled: nothing was sent"));
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", |s| s.contains("Apply (type first)"));
    t.keys(&["Tab"]);
    // `q` typed into the UPN field is text, not quit.
    t.text("q");
    t.wait_for("the typed q", |s| s.contains("> q_"));
    t.keys(&["BSpace"]);
    t.text("dana.whitfield@contoso.com");
    t.wait_for("the typed UPN", |s| s.contains("[ Apply ]"));
    t.keys(&["Enter"]);
    let s = t.wait_for("the finished apply", |s| {
        s.contains("1 of 1 accounts contained") && s.contains("Fixture-Only-Pa55word!")
    });
    assert!(s.contains("verified") && s.contains("> progress"), "{s}");
    t.keys(&["Escape"]);
    let s = t.wait_for("the plan again", |s| s.contains("applied: :progress"));
    assert!(!s.contains("Fixture-Only-Pa55word!"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("the table", |s| s.contains("SCORE"));
    t.text("q");
    t.assert_restored(0);
    // The log never holds the secret.
    for entry in walk(t.dir.path()) {
        if entry.extension().is_some_and(|e| e == "log") {
            let log = std::fs::read_to_string(&entry).unwrap_or_default();
            assert!(!log.contains("Fixture-Only-Pa55word!"), "{entry:?}");
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn bad_config_is_reported_and_defaults_apply() {
    if !tmux_or_skip() {
        return;
    }
    let t = Tmux::start_with_config(
        "config",
        100,
        30,
        &[("NO_COLOR", "1")],
        &[],
        &[
            (
                "keymap.toml",
                "[global]\nquit = \"x\"\n\n[accounts]\nopn = \"o\"\n",
            ),
            ("console.toml", "theme = \"light\"\nhint_bar = false\n"),
        ],
    );
    let s = t.wait_for("the error", |s| {
        s.contains("keymap.toml ignored, defaults in use: line 5")
    });
    assert!(s.contains("opn"), "{s}");
    // console.toml was fine and applies: no hint bar.
    assert!(!s.contains("<enter> open"), "{s}");
    // The defaults are in force: `q` quits (the broken file's `x` does not).
    t.text("x");
    t.text("q");
    t.assert_restored(0);
}

#[test]
fn a_panic_restores_the_terminal() {
    if !tmux_or_skip() {
        return;
    }
    let t = Tmux::start(
        "panic",
        120,
        40,
        &[("RECLAIM_TEST_PANIC", "1"), ("RUST_BACKTRACE", "0")],
        &[],
    );
    let s = t.assert_restored(101);
    assert!(
        s.contains("RECLAIM_TEST_PANIC"),
        "panic message not shown:\n{s}"
    );
}

/// The pid of a child of `parent`, from /proc (no procps needed).
fn child_of(parent: &str) -> Option<String> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        let ppid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?;
        (ppid == parent).then(|| e.file_name().to_string_lossy().into_owned())
    })
}

#[test]
fn a_hangup_restores_the_terminal() {
    if !tmux_or_skip() {
        return;
    }
    let t = Tmux::start("hangup", 80, 24, &[], &[]);
    t.wait_for("the accounts table", |s| s.contains("Dana Whitfield"));
    let shell = t.format("#{pane_pid}");
    let pid = child_of(&shell).expect("the console process under the pane's shell");
    let kill = Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .expect("kill");
    assert!(kill.success());
    t.assert_restored(0);
}

/// The one-letter process state (`R`, `S`, `T` for stopped...) from /proc.
fn process_state(pid: &str) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .next()?
        .chars()
        .next()
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_brings_the_console_back() {
    if !tmux_or_skip() {
        return;
    }
    let t = Tmux::start_job_control("suspend", 100, 30);
    t.wait_for("the accounts table", |s| {
        s.contains("Dana Whitfield") && s.contains("30/30 accounts")
    });
    // Leave a filter open: it must survive the round trip.
    t.text("/");
    t.text("finance");
    t.wait_for("the filter", |s| !s.contains("Priya Raman"));

    t.keys(&["C-z"]);
    let s = t.wait_for("the shell's prompt", |s| s.contains("PROMPT$"));
    assert!(s.contains("STOPPED="), "{s}");
    assert!(
        s.contains("TTY-RESTORED-WHILE-STOPPED"),
        "raw mode left on while stopped:\n{s}"
    );
    assert!(s.contains("BEFORE-CONSOLE"), "main screen not back:\n{s}");
    assert!(!s.contains("Dana Whitfield"), "{s}");
    assert_eq!(
        t.format("#{alternate_on}"),
        "0",
        "still on the alternate screen"
    );
    assert_eq!(t.format("#{cursor_flag}"), "1", "cursor left hidden");
    let shell = t.format("#{pane_pid}");
    let pid = child_of(&shell).expect("the console process under the pane's shell");
    assert_eq!(process_state(&pid), Some('T'), "the console is not stopped");

    // `fg`: the console takes the terminal back and draws everything again.
    t.keys(&["Enter"]);
    let s = t.wait_for("the console again", |s| {
        s.contains("Dana Whitfield") && s.contains("/finance")
    });
    assert!(
        !s.contains("PROMPT$"),
        "not redrawn on a clean screen:\n{s}"
    );
    assert_eq!(t.format("#{alternate_on}"), "1");
    assert_ne!(process_state(&pid), Some('T'));
    // It still answers keys: the filter line is live, then help, then quit.
    t.keys(&["C-u"]);
    t.wait_for("the cleared filter", |s| s.contains("Priya Raman"));
    // Each Esc is seen before the next key, or the two read as Alt-key.
    t.keys(&["Escape"]);
    t.wait_for("the filter line closed", |s| !s.contains("<enter> apply"));
    t.text("?");
    let s = t.wait_for("the help overlay", |s| s.contains("keys (esc closes)"));
    assert!(s.contains("ctrl-z") && s.contains("suspend"), "{s}");
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("keys (esc closes)"));
    t.text("q");
    t.assert_restored(0);

    let raw = t.raw();
    let entered = raw.windows(8).filter(|w| w == b"\x1b[?1049h").count();
    let left = raw.windows(8).filter(|w| w == b"\x1b[?1049l").count();
    assert_eq!((entered, left), (2, 2), "alternate screen entered/left");
}

#[test]
fn without_a_terminal_it_says_so() {
    let out = Command::new(env!("CARGO_BIN_EXE_reclaim"))
        .env("RECLAIM_FIXTURE", fixture())
        .env("RECLAIM_KEYRING", "memory")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = Command::new(env!("CARGO_BIN_EXE_reclaim"))
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert!(out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("investigate"),
            "{shell}"
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_reclaim"))
        .arg("man")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(man.contains(".TH") && man.contains("triage"), "{man}");
}
