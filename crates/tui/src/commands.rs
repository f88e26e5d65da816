//! The `:` command line: what can be typed, how it completes, what it does.

use super::action::Action;
use super::app::Choices;
use super::list::SortKey;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arg {
    None,
    Tenant,
    Theme,
    Playbook,
    Sort,
}

struct Command {
    name: &'static str,
    arg: Arg,
    help: &'static str,
    mutating: bool,
}

const COMMANDS: [Command; 10] = [
    Command {
        name: "accounts",
        arg: Arg::None,
        help: "back to the accounts table",
        mutating: false,
    },
    Command {
        name: "audit",
        arg: Arg::None,
        help: "the audit timeline",
        mutating: false,
    },
    Command {
        name: "help",
        arg: Arg::None,
        help: "keys and commands",
        mutating: false,
    },
    Command {
        name: "playbook",
        arg: Arg::Playbook,
        help: "plan a playbook (default contain-ato) or actions a,b for the marked accounts",
        mutating: false,
    },
    Command {
        name: "progress",
        arg: Arg::None,
        help: "back to the latest apply's progress",
        mutating: false,
    },
    Command {
        name: "q",
        arg: Arg::None,
        help: "quit",
        mutating: false,
    },
    Command {
        name: "quit",
        arg: Arg::None,
        help: "quit",
        mutating: false,
    },
    Command {
        name: "sort",
        arg: Arg::Sort,
        help: "sort the accounts by a column",
        mutating: false,
    },
    Command {
        name: "tenant",
        arg: Arg::Tenant,
        help: "switch to a tenant profile",
        mutating: false,
    },
    Command {
        name: "theme",
        arg: Arg::Theme,
        help: "switch the colour theme",
        mutating: false,
    },
];

/// `(usage, help)` for the help overlay, without mutating commands in read-only mode.
pub fn usage(read_only: bool) -> Vec<(String, &'static str)> {
    available(read_only)
        .filter(|c| c.name != "quit")
        .map(|c| {
            let usage = match c.arg {
                Arg::None => format!(":{}", c.name),
                Arg::Tenant | Arg::Theme | Arg::Playbook => format!(":{} NAME", c.name),
                Arg::Sort => format!(":{} COLUMN", c.name),
            };
            (usage, c.help)
        })
        .collect()
}

fn available(read_only: bool) -> impl Iterator<Item = &'static Command> {
    COMMANDS.iter().filter(move |c| !(read_only && c.mutating))
}

fn arg_choices(arg: Arg, choices: &Choices) -> Vec<String> {
    match arg {
        Arg::None => Vec::new(),
        Arg::Tenant => choices.profiles.clone(),
        Arg::Theme => choices.themes.clone(),
        // Playbooks, then single actions (`:playbook revoke-sessions,disable-signin`).
        Arg::Playbook => choices
            .playbooks
            .iter()
            .cloned()
            .chain(
                reclaim_contain::ActionKind::ALL
                    .iter()
                    .map(|a| a.name().to_string()),
            )
            .collect(),
        Arg::Sort => SortKey::ALL.iter().map(|k| k.name().to_string()).collect(),
    }
}

/// What the command line means, or why it means nothing.
pub(crate) fn parse(line: &str, read_only: bool) -> Result<Action, String> {
    let mut words = line.split_whitespace();
    let Some(name) = words.next() else {
        return Err("type a command, e.g. :theme dark (tab completes)".into());
    };
    let arg = words.next().map(str::to_string);
    if words.next().is_some() {
        return Err(format!(":{name} takes at most one argument"));
    }
    let Some(cmd) = available(read_only).find(|c| c.name == name) else {
        if read_only && COMMANDS.iter().any(|c| c.name == name) {
            return Err(format!(
                ":{name} changes the tenant and is not available in read-only mode"
            ));
        }
        return Err(format!("unknown command :{name} (press ? for the list)"));
    };
    let need =
        |arg: Option<String>| arg.ok_or_else(|| format!(":{name} needs a name (tab lists them)"));
    Ok(match (cmd.arg, cmd.name) {
        (Arg::None, _) if arg.is_some() => return Err(format!(":{name} takes no argument")),
        (Arg::None, "q" | "quit") => Action::Quit,
        (Arg::None, "audit") => Action::OpenJournal,
        (Arg::None, "help") => Action::ToggleHelp,
        (Arg::None, "progress") => Action::OpenProgress,
        (Arg::None, _) => Action::Home,
        (Arg::Tenant, _) => Action::SwitchTenant(need(arg)?),
        (Arg::Theme, _) => Action::SetTheme(need(arg)?),
        (Arg::Playbook, _) => Action::Playbook(need(arg)?),
        (Arg::Sort, _) => {
            let col = need(arg)?;
            Action::SortBy(SortKey::parse(&col).ok_or_else(|| {
                let known: Vec<&str> = SortKey::ALL.iter().map(|k| k.name()).collect();
                format!("unknown column `{col}` (known: {})", known.join(", "))
            })?)
        }
    })
}

/// Candidates for the word under the cursor (the line's end).
pub fn candidates(line: &str, read_only: bool, choices: &Choices) -> Vec<String> {
    let ends_with_space = line.ends_with(' ');
    let words: Vec<&str> = line.split_whitespace().collect();
    match (words.len(), ends_with_space) {
        (0, _) | (1, false) => {
            let prefix = words.first().copied().unwrap_or("");
            available(read_only)
                .filter(|c| c.name.starts_with(prefix) && c.name != "quit")
                .map(|c| c.name.to_string())
                .collect()
        }
        (1, true) | (2, false) => {
            let Some(cmd) = available(read_only).find(|c| c.name == words[0]) else {
                return Vec::new();
            };
            let prefix = if ends_with_space { "" } else { words[1] };
            arg_choices(cmd.arg, choices)
                .into_iter()
                .filter(|c| c.starts_with(prefix))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Tab: completes the word to the candidates' longest common prefix (and a space when only
/// one candidate is left). Returns the new line.
pub fn complete(line: &str, read_only: bool, choices: &Choices) -> String {
    let cands = candidates(line, read_only, choices);
    let Some(first) = cands.first() else {
        return line.to_string();
    };
    let mut common = first.clone();
    for c in &cands[1..] {
        let n = common
            .char_indices()
            .zip(c.chars())
            .take_while(|((_, a), b)| a == b)
            .count();
        let cut = common
            .char_indices()
            .nth(n)
            .map(|(i, _)| i)
            .unwrap_or(common.len());
        common.truncate(cut);
    }
    let stem = if line.ends_with(' ') || line.is_empty() {
        line.to_string()
    } else {
        match line.rfind(' ') {
            Some(i) => line[..=i].to_string(),
            None => String::new(),
        }
    };
    let mut out = format!("{stem}{common}");
    if cands.len() == 1 {
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> Choices {
        Choices {
            profiles: vec!["contoso".into(), "contoso-lab".into(), "fabrikam".into()],
            playbooks: vec!["contain-ato".into()],
            themes: vec![
                "default".into(),
                "dark".into(),
                "light".into(),
                "none".into(),
            ],
        }
    }

    #[test]
    fn parses_commands() {
        assert!(matches!(parse("q", false), Ok(Action::Quit)));
        assert!(matches!(parse("audit", false), Ok(Action::OpenJournal)));
        assert!(matches!(parse("theme dark", false), Ok(Action::SetTheme(t)) if t == "dark"));
        assert!(
            matches!(parse("tenant fabrikam", false), Ok(Action::SwitchTenant(t)) if t == "fabrikam")
        );
        assert!(matches!(
            parse("playbook contain-ato", false),
            Ok(Action::Playbook(_))
        ));
        assert!(parse("theme", false).unwrap_err().contains("needs a name"));
        assert!(parse("nope", false)
            .unwrap_err()
            .contains("unknown command"));
        assert!(parse("q now", false).is_err());
    }

    #[test]
    fn read_only_can_still_plan_a_playbook() {
        // Planning sends no mutating request; applying is what read-only takes away.
        assert!(matches!(
            parse("playbook contain-ato", true),
            Ok(Action::Playbook(_))
        ));
        assert!(candidates("p", true, &choices()).contains(&"playbook".to_string()));
        assert!(matches!(parse("progress", false), Ok(Action::OpenProgress)));
    }

    #[test]
    fn completes_commands_and_arguments() {
        let c = choices();
        assert_eq!(complete("th", false, &c), "theme ");
        assert_eq!(complete("t", false, &c), "t");
        assert_eq!(candidates("t", false, &c), ["tenant", "theme"]);
        assert_eq!(complete("theme l", false, &c), "theme light ");
        assert_eq!(complete("tenant c", false, &c), "tenant contoso");
        assert_eq!(candidates("tenant ", false, &c).len(), 3);
        assert_eq!(complete("theme d", false, &c), "theme d");
        assert_eq!(complete("", false, &c), "");
    }
}
