//! The tmux harness: a console started in its own tmux server (own socket), keys sent,
//! the screen read back with capture-pane and the raw output recorded with pipe-pane.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(30);

pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/tui/tests/data/tui_fixture.json")
}

pub fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether tmux is here; without it the test skips with a visible line, unless
/// `RECLAIM_REQUIRE_EXTERNAL=1` (`.ci/run`) makes that a failure.
#[track_caller]
pub fn tmux_or_skip() -> bool {
    let test = std::thread::current()
        .name()
        .unwrap_or("a tmux test")
        .to_string();
    super::external::available_or_skip("tmux", have_tmux(), &test, "apt-get install tmux")
}

pub struct Tmux {
    socket: String,
    socket_path: Option<PathBuf>,
    pub dir: tempfile::TempDir,
}

impl Tmux {
    /// Starts the console in a `width` x `height` tmux window. The pane first records the tty
    /// settings and waits for Enter (so pipe-pane is recording before the console starts),
    /// then afterwards prints whether the tty settings came back and the exit status.
    pub fn start(name: &str, width: u16, height: u16, env: &[(&str, &str)], args: &[&str]) -> Tmux {
        Tmux::start_with_config(name, width, height, env, args, &[])
    }

    /// [`Tmux::start`] with files written to the console's config dir first.
    pub fn start_with_config(
        name: &str,
        width: u16,
        height: u16,
        env: &[(&str, &str)],
        args: &[&str],
        files: &[(&str, &str)],
    ) -> Tmux {
        Tmux::launch(name, width, height, env, args, files, |console| {
            format!(
                "S1=$(stty -g); echo BEFORE-CONSOLE; read _; {console}; CODE=$?; \
                 [ \"$S1\" = \"$(stty -g)\" ] && echo TTY-RESTORED; echo EXIT=$CODE; sleep 600"
            )
        })
    }

    /// Starts the console under a pane script that does job control (`set -m`), as an
    /// interactive shell does: Ctrl-Z stops the console and gives the pane back to the script,
    /// which prints whether the tty settings came back and a `PROMPT$`, waits for Enter, then
    /// runs `fg`; after the console exits it prints the same as [`Tmux::start`].
    pub fn start_job_control(name: &str, width: u16, height: u16) -> Tmux {
        Tmux::launch(
            name,
            width,
            height,
            &[("NO_COLOR", "1")],
            &[],
            &[],
            |console| {
                format!(
                    "set -m; S1=$(stty -g); echo BEFORE-CONSOLE; read _; {console}; \
                 echo STOPPED=$?; [ \"$S1\" = \"$(stty -g)\" ] && echo TTY-RESTORED-WHILE-STOPPED; \
                 printf 'PROMPT$ '; read _; fg; CODE=$?; \
                 [ \"$S1\" = \"$(stty -g)\" ] && echo TTY-RESTORED; echo EXIT=$CODE; sleep 600"
                )
            },
        )
    }

    pub fn launch(
        name: &str,
        width: u16,
        height: u16,
        env: &[(&str, &str)],
        args: &[&str],
        files: &[(&str, &str)],
        script: impl FnOnce(&str) -> String,
    ) -> Tmux {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = format!("reclaim-e2e-{name}-{}", std::process::id());
        let mut t = Tmux {
            socket,
            socket_path: None,
            dir,
        };
        std::fs::create_dir_all(t.config_dir()).expect("config dir");
        for (file, text) in files {
            std::fs::write(t.config_dir().join(file), text).expect("config file");
        }
        let mut vars = vec![
            format!("HOME={}", t.dir.path().display()),
            format!("XDG_CONFIG_HOME={}", t.dir.path().join("config").display()),
            format!("XDG_STATE_HOME={}", t.dir.path().join("state").display()),
            format!("RECLAIM_FIXTURE={}", fixture().display()),
            "RECLAIM_KEYRING=memory".to_string(),
        ];
        vars.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
        let console = format!(
            "env {} {} {}",
            vars.join(" "),
            env!("CARGO_BIN_EXE_reclaim"),
            args.join(" ")
        );
        let script = script(&console);
        t.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            &script,
        ]);
        t.tmux(&["set-option", "-s", "escape-time", "0"]);
        t.socket_path = Some(PathBuf::from(t.format("#{socket_path}")));
        t.wait_for("the pane's shell", |s| s.contains("BEFORE-CONSOLE"));
        let raw = t.raw_path();
        t.tmux(&[
            "pipe-pane",
            "-t",
            "t",
            &format!("cat >> '{}'", raw.display()),
        ]);
        t.keys(&["Enter"]);
        t
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config/reclaim")
    }

    pub fn raw_path(&self) -> PathBuf {
        self.dir.path().join("raw.bytes")
    }

    pub fn tmux(&self, args: &[&str]) -> Output {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", text]);
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "t"]).stdout).into_owned()
    }

    pub fn format(&self, f: &str) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", "t", f]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Polls the screen until `ready` holds; panics with the screen after [`WAIT`].
    pub fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            if start.elapsed() > WAIT {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    pub fn raw(&self) -> Vec<u8> {
        // pipe-pane writes through `cat`: wait until the file stops growing.
        let mut last = usize::MAX;
        loop {
            let bytes = std::fs::read(self.raw_path()).unwrap_or_default();
            if bytes.len() == last {
                return bytes;
            }
            last = bytes.len();
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// After the console exits: the main screen is back, the cursor shown, the tty settings
    /// restored, and the exit status is `code`.
    pub fn assert_restored(&self, code: i32) -> String {
        let screen = self.wait_for("the console to exit", |s| s.contains("EXIT="));
        assert!(screen.contains(&format!("EXIT={code}")), "{screen}");
        assert!(
            screen.contains("TTY-RESTORED"),
            "raw mode was not undone:\n{screen}"
        );
        assert!(
            screen.contains("BEFORE-CONSOLE"),
            "main screen not back:\n{screen}"
        );
        assert_eq!(
            self.format("#{alternate_on}"),
            "0",
            "still on the alternate screen"
        );
        assert_eq!(self.format("#{cursor_flag}"), "1", "cursor left hidden");
        screen
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
        // kill-server leaves the socket file behind.
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// SGR parameters that set a colour (foreground, background, 256/RGB, bright).
pub fn colour_sequences(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let sgr = regex::Regex::new(r"\x1b\[([0-9;:]*)m").unwrap();
    sgr.captures_iter(&text)
        .filter(|c| {
            c[1].split([';', ':']).any(|p| {
                let n: u32 = p.parse().unwrap_or(0);
                (30..=49).contains(&n) || (90..=107).contains(&n)
            })
        })
        .map(|c| c[0].to_string())
        .collect()
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
