//! Making attacker-controlled tenant text inert.
//!
//! Rule names, display names, device names and user agents come from the tenant, which the
//! attacker may control. Before any of it reaches a terminal, a CSV file or a log line it goes
//! through [`inert`]: control characters (C0, DEL, C1), bidi overrides and isolates, and
//! zero-width characters become visible ASCII escapes (`\x1b`, `\u{202e}`), so they can neither
//! drive the terminal nor hide or reorder text. The escapes are plain ASCII so no special font
//! is needed.

use std::borrow::Cow;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthChar;

/// True for characters that must never reach an output verbatim.
pub fn is_dangerous(c: char) -> bool {
    let u = c as u32;
    u < 0x20
        || u == 0x7f
        || (0x80..=0x9f).contains(&u)
        // bidi embeddings, overrides, isolates and marks
        || (0x202a..=0x202e).contains(&u)
        || (0x2066..=0x2069).contains(&u)
        || u == 0x200e
        || u == 0x200f
        || u == 0x061c
        // zero-width and invisible formatting characters
        || (0x200b..=0x200d).contains(&u)
        || u == 0x2060
        || u == 0xfeff
        || u == 0x00ad
        // line and paragraph separators break single-line layouts
        || u == 0x2028
        || u == 0x2029
}

fn escape_into(out: &mut String, c: char) {
    let u = c as u32;
    if u < 0x80 {
        let _ = write!(out, "\\x{u:02x}");
    } else {
        let _ = write!(out, "\\u{{{u:04x}}}");
    }
}

/// The text with each character `bad` picks (given the character after it) replaced by its
/// escape. Borrowed when none is picked.
fn escape_where(s: &str, bad: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    if !with_next(s).any(|(c, next)| bad(c, next)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (c, next) in with_next(s) {
        if bad(c, next) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Each character with the one after it.
fn with_next(s: &str) -> impl Iterator<Item = (char, Option<char>)> + '_ {
    let mut it = s.chars().peekable();
    std::iter::from_fn(move || it.next().map(|c| (c, it.peek().copied())))
}

/// The text with every dangerous character replaced by a visible escape. Borrowed when clean.
pub fn inert(s: &str) -> Cow<'_, str> {
    escape_where(s, |c, _| is_dangerous(c))
}

/// [`inert`] for a block of text the program laid out itself (a report, a rendered plan): line
/// feeds and tabs stay, every other dangerous character becomes its escape. Tenant values
/// inside should already have been through [`inert`], which escapes their line feeds; this is
/// the last gate before a stream or file, so a writer that forgot cannot leak a control.
pub fn inert_text(s: &str) -> Cow<'_, str> {
    // A CR ending a line (CSV's CRLF) is layout; a lone CR could overwrite the line.
    escape_where(s, |c, next| {
        is_dangerous(c) && c != '\n' && c != '\t' && !(c == '\r' && next == Some('\n'))
    })
}

/// [`inert`], then cut to at most `max_width` terminal columns with a trailing `...` (ASCII,
/// three columns) when it does not fit.
pub fn for_display(s: &str, max_width: usize) -> String {
    let clean = inert(s);
    let width: usize = clean.chars().map(|c| c.width().unwrap_or(0)).sum();
    if width <= max_width {
        return clean.into_owned();
    }
    if max_width <= 3 {
        return ".".repeat(max_width);
    }
    let budget = max_width - 3;
    let mut out = String::new();
    let mut used = 0;
    for c in clean.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push_str("...");
    out
}

/// One CSV field: inert, protected against formula injection (a leading `= + - @` tab or CR
/// gets a `'` prefix, as OWASP recommends), and quoted when it needs to be.
pub fn csv_field(s: &str) -> String {
    let clean = inert(s);
    let mut v = String::with_capacity(clean.len() + 3);
    if clean.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(&clean);
    if v.contains([',', '"', '\n', '\r']) || v.starts_with(' ') || v.ends_with(' ') {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// Escapes, inside an already serialized JSON document, the characters serde_json leaves raw
/// but a terminal would act on (bidi controls, zero-width, C1). Valid JSON in, valid JSON out:
/// such characters can only occur inside strings, where `\uXXXX` means the same character.
pub fn json_text(json: &str) -> Cow<'_, str> {
    if !json.chars().any(|c| is_dangerous(c) && c as u32 >= 0x7f) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_dangerous(c) && c as u32 >= 0x7f {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        let s = "Invoice\x1b]52;c;ZXZpbA==\x07\x1b[2J";
        let out = inert(s);
        assert!(!out.chars().any(is_dangerous));
        assert_eq!(out, "Invoice\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J");
    }

    #[test]
    fn escapes_bidi_and_zero_width() {
        let out = inert("abc\u{202e}fdp.exe\u{200b}");
        assert_eq!(out, "abc\\u{202e}fdp.exe\\u{200b}");
    }

    #[test]
    fn text_blocks_keep_layout_only() {
        let out = inert_text("a\tb\nc\r\u{9b}31m\u{202e}d\x1b[2J\r\n");
        assert_eq!(out, "a\tb\nc\\x0d\\u{009b}31m\\u{202e}d\\x1b[2J\r\n");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(inert("Jane Doe — CFO"), Cow::Borrowed(_)));
    }

    #[test]
    fn display_truncates_by_width() {
        assert_eq!(for_display("abcdefghij", 6), "abc...");
        assert_eq!(for_display("abc", 6), "abc");
        // wide characters count two columns
        assert_eq!(for_display("日本語テキスト", 7), "日本...");
    }

    #[test]
    fn csv_blocks_formulas_and_quotes() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+1 555"), "'+1 555");
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("\x1b[31mred"), "\\x1b[31mred");
    }

    #[test]
    fn json_text_stays_valid_and_inert() {
        let v = serde_json::json!({"name": "x\u{202e}y\u{1b}z"});
        let raw = serde_json::to_string(&v).unwrap();
        let safe = json_text(&raw);
        assert!(!safe.chars().any(is_dangerous));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }
}
