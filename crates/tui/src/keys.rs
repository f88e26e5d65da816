//! Key names as written in keymap.toml (`j`, `G`, `ctrl-d`, `shift-tab`, `pagedown`, `f1`) and
//! matching them against terminal key events.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    /// Only CONTROL and ALT: shift is part of the character (`G`) or the code (`BackTab`).
    pub mods: KeyModifiers,
}

const NAMED: [(&str, KeyCode); 18] = [
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("shift-tab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("pgup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
];

impl KeySpec {
    pub const fn plain(code: KeyCode) -> Self {
        KeySpec {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    /// Parses `ctrl-d`, `alt-x`, `G`, `?`, `space`, `f5`... The error says what is accepted.
    pub(crate) fn parse(text: &str) -> Result<KeySpec, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && lower.starts_with("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[5..];
            } else if rest.len() > 1 && lower.starts_with("alt-") {
                mods |= KeyModifiers::ALT;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
            return Ok(KeySpec { code: *code, mods });
        }
        if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
            if (1..=12).contains(&n) {
                return Ok(KeySpec {
                    code: KeyCode::F(n),
                    mods,
                });
            }
        }
        let mut chars = rest.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => {
                // Terminals report ctrl-letters in lower case.
                let c = if mods.contains(KeyModifiers::CONTROL) {
                    c.to_ascii_lowercase()
                } else {
                    c
                };
                Ok(KeySpec {
                    code: KeyCode::Char(c),
                    mods,
                })
            }
            _ => Err(format!(
                "`{text}` is not a key (a character, ctrl-X, alt-X, f1-f12, or one of: {})",
                NAMED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// True if the terminal event is this key.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let mods = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        if mods != self.mods {
            return false;
        }
        match (self.code, event.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) if mods.contains(KeyModifiers::CONTROL) => {
                a.eq_ignore_ascii_case(&b)
            }
            (a, b) => a == b,
        }
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => {
                let name = NAMED
                    .iter()
                    .find(|(_, c)| *c == code)
                    .map(|(n, _)| *n)
                    .unwrap_or("?");
                f.write_str(name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyEventKind, KeyEventState};

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn parses_and_prints_round_trip() {
        for k in [
            "j",
            "G",
            "?",
            "/",
            "ctrl-d",
            "alt-x",
            "space",
            "enter",
            "shift-tab",
            "pagedown",
            "f5",
        ] {
            assert_eq!(KeySpec::parse(k).unwrap().to_string(), k);
        }
        assert_eq!(KeySpec::parse("pgdn").unwrap().to_string(), "pagedown");
        assert_eq!(KeySpec::parse("Ctrl-D").unwrap().to_string(), "ctrl-d");
    }

    #[test]
    fn rejects_garbage_with_a_useful_message() {
        let e = KeySpec::parse("ctrl-").unwrap_err();
        assert!(e.contains("not a key"), "{e}");
        assert!(KeySpec::parse("jj").is_err());
        assert!(KeySpec::parse("f13").is_err());
        assert!(KeySpec::parse("").is_err());
    }

    #[test]
    fn matches_terminal_events() {
        let g = KeySpec::parse("G").unwrap();
        assert!(g.matches(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)));
        assert!(!g.matches(&ev(KeyCode::Char('g'), KeyModifiers::NONE)));
        let cd = KeySpec::parse("ctrl-d").unwrap();
        assert!(cd.matches(&ev(KeyCode::Char('d'), KeyModifiers::CONTROL)));
        assert!(!cd.matches(&ev(KeyCode::Char('d'), KeyModifiers::NONE)));
        let bt = KeySpec::parse("shift-tab").unwrap();
        assert!(bt.matches(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)));
    }
}
