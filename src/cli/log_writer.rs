//! The log file's last gate: every line tracing writes passes the sanitizer, so a tenant value
//! a call site forgot to make inert cannot put a control sequence in the log (where `less` or
//! `tail -f` on a terminal would act on it).

use std::io::Write;

/// Wraps the log file; tracing's formatter hands it one whole event per write.
pub struct InertWriter<W>(pub W);

impl<W: Write> Write for InertWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0
            .write_all(reclaim_core::sanitize::inert_text(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_never_reach_the_log() {
        let mut w = InertWriter(Vec::new());
        w.write_all("rule=\u{1b}[2J\u{9b}31m\u{202e}x\tok\n".as_bytes())
            .unwrap();
        let out = String::from_utf8(w.0).unwrap();
        assert_eq!(out, "rule=\\x1b[2J\\u{009b}31m\\u{202e}x\tok\n");
    }
}
