//! Copying over SSH: OSC 52 asks the operator's own terminal (not the server) to put text on
//! its clipboard. Inside tmux this needs `set -g set-clipboard on`.

use base64::Engine as _;

/// Terminals cap OSC 52 payloads (xterm ~100 kB); longer text is cut at a character boundary.
pub const MAX_BYTES: usize = 74_994;

/// The escape sequence that copies `text`. The text is base64 encoded, so nothing in it can
/// act on the terminal; callers still pass sanitized text so the clipboard holds no controls.
pub fn sequence(text: &str) -> String {
    let mut end = text.len().min(MAX_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let payload = base64::engine::general_purpose::STANDARD.encode(&text.as_bytes()[..end]);
    format!("\x1b]52;c;{payload}\x07")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_text_as_base64() {
        assert_eq!(sequence("hi"), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary() {
        let s = "é".repeat(MAX_BYTES);
        let seq = sequence(&s);
        let payload = seq
            .trim_start_matches("\x1b]52;c;")
            .trim_end_matches('\x07');
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap();
        assert!(bytes.len() <= MAX_BYTES);
        assert!(String::from_utf8(bytes).is_ok());
    }
}
