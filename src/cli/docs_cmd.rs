//! The hidden `completions SHELL` and `man` commands: generated from the clap definition, so
//! they can never drift from the real options.

use super::{Cli, CliError, CliResult, Exit};
use clap::CommandFactory;
use std::io::Write;

/// `reclaim completions SHELL` on stdout.
pub fn print_completions(shell: clap_complete::Shell) -> CliResult {
    completions(shell, &mut std::io::stdout().lock())
}

/// `reclaim man` on stdout.
pub fn print_man() -> CliResult {
    man(&mut std::io::stdout().lock())
}

pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> CliResult {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "reclaim", out);
    Ok(Exit::Success)
}

pub fn man(out: &mut dyn Write) -> CliResult {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd)
        .render(out)
        .map_err(|e| CliError::failure(format!("cannot write the man page: {e}")))?;
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_name_the_commands_and_options() {
        let mut out = Vec::new();
        completions(clap_complete::Shell::Bash, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for word in ["triage", "investigate", "--read-only", "--color"] {
            assert!(text.contains(word), "bash completion lacks {word}");
        }
        let mut out = Vec::new();
        completions(clap_complete::Shell::Zsh, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("--demo"));
    }

    #[test]
    fn man_page_documents_the_options() {
        let mut out = Vec::new();
        man(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with(".ie") || text.contains(".TH"),
            "{}",
            &text[..80]
        );
        assert!(text.contains("reclaim"));
        assert!(text.contains("read\\-only"));
    }
}
