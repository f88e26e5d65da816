//! Attacker-controlled strings that try to take over the responder's terminal: OSC title
//! changes, screen clears, colour codes, hyperlinks, right-to-left overrides and zero-width
//! characters. Whatever displays tenant text must render these inert (reclaim_core::sanitize).

use super::ctx::Gen;

/// Sequences as attackers plant them.
pub const SEQUENCES: [&str; 7] = [
    "\u{1b}]0;pwned\u{7}",
    "\u{1b}[2J",
    "\u{202e}",
    "\u{1b}[31;1m",
    "\u{200b}",
    "\u{1b}]8;;https://login.micros0ft-support.com/\u{7}",
    "\u{1b}[1A\u{1b}[2K",
];

/// True if the text carries a control sequence, a bidi control or a zero-width character.
pub fn is_hostile(s: &str) -> bool {
    s.chars().any(|c| {
        c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// A punctuation-only rule name, sometimes with a hostile sequence around it.
pub fn rule_name(g: &mut Gen, hostile: bool) -> String {
    let base = *g.pick(&[".", "..", "...", ",", ";", ".,", "_"]);
    if !hostile {
        return base.to_string();
    }
    match g.range(0, 3) {
        0 => format!("{}{base}", SEQUENCES[0]),
        1 => format!("{base}{}", SEQUENCES[1]),
        2 => format!("{}{base}{}", SEQUENCES[2], SEQUENCES[4]),
        _ => format!("{}{base}\u{1b}]8;;\u{7}", SEQUENCES[5]),
    }
}

/// The attacker's phone as the Authenticator names it.
pub fn device_name(g: &mut Gen, hostile: bool) -> String {
    let base = *g.pick(&[
        "iPhone 11",
        "SM-A515F",
        "Redmi Note 9 Pro",
        "Pixel 6",
        "Infinix X6816",
        "TECNO KI5k",
    ]);
    if !hostile {
        return base.to_string();
    }
    match g.range(0, 2) {
        0 => format!("{base}{}", SEQUENCES[0]),
        1 => format!("{}{base}", SEQUENCES[2]),
        _ => format!("{}{base}{}", SEQUENCES[3], SEQUENCES[6]),
    }
}

/// A user agent with something appended (the campaign's tokens stay intact in front).
pub fn user_agent(g: &mut Gen, ua: &str) -> String {
    let tail = *g.pick(&[SEQUENCES[1], SEQUENCES[0], SEQUENCES[2]]);
    format!("{ua}{tail}")
}
