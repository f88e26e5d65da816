//! The one key table. It resolves key presses to actions and generates both the `?` help
//! overlay and the hint bar, so what the console shows is what it does. `keymap.toml` in the
//! config dir overrides single entries:
//!
//! ```toml
//! [accounts]
//! mark = ["x", "space"]
//! [global]
//! quit = "ctrl-q"
//! ```

use super::action::{Action, DetailTab};
use super::keys::KeySpec;
use ratatui::crossterm::event::KeyEvent;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// Where a binding applies. Lookups go from the most specific context to `global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    List,
    Accounts,
    Detail,
    /// The audit view (the journal timeline).
    Audit,
    Plan,
    Progress,
}

impl Context {
    pub const ALL: [Context; 7] = [
        Context::Global,
        Context::List,
        Context::Accounts,
        Context::Detail,
        Context::Audit,
        Context::Plan,
        Context::Progress,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Accounts => "accounts",
            Context::Detail => "detail",
            Context::Audit => "audit",
            Context::Plan => "plan",
            Context::Progress => "progress",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::List => "Lists and tables",
            Context::Accounts => "Accounts",
            Context::Detail => "Account detail",
            Context::Audit => "Audit timeline",
            Context::Plan => "Containment plan",
            Context::Progress => "Apply progress",
        }
    }
}

struct Default_ {
    context: Context,
    name: &'static str,
    keys: &'static [&'static str],
    action: Action,
    help: &'static str,
    /// Short label for the hint bar; `None` keeps it to the help overlay.
    hint: Option<&'static str>,
    /// Changes the tenant: absent (not just disabled) in read-only mode.
    mutating: bool,
}

macro_rules! bind {
    ($ctx:ident, $name:literal, [$($k:literal),*], $action:expr, $help:literal, $hint:expr) => {
        bind!($ctx, $name, [$($k),*], $action, $help, $hint, false)
    };
    ($ctx:ident, $name:literal, [$($k:literal),*], $action:expr, $help:literal, $hint:expr, $mutating:expr) => {
        Default_ {
            context: Context::$ctx,
            name: $name,
            keys: &[$($k),*],
            action: $action,
            help: $help,
            hint: $hint,
            mutating: $mutating,
        }
    };
}

// Ctrl-h/j/k/l are left alone on purpose: tmux and vim-tmux-navigator users bind them.
// One line per binding: this is the table the help overlay and hint bar are made from.
#[rustfmt::skip]
fn defaults() -> Vec<Default_> {
    vec![
        bind!(Global, "help", ["?"], Action::ToggleHelp, "show or hide this help", Some("help")),
        bind!(Global, "command", [":"], Action::StartCommand, "command line (:tenant :theme :audit :q)", Some("cmd")),
        bind!(Global, "back", ["esc"], Action::Back, "back to the previous screen", Some("back")),
        bind!(Global, "audit", ["a"], Action::OpenJournal, "audit timeline (the journal)", None),
        bind!(Global, "copy", ["y"], Action::Copy, "copy the value under the cursor (OSC 52)", Some("copy")),
        bind!(Global, "redraw", ["ctrl-l"], Action::Redraw, "redraw the screen", None),
        bind!(Global, "suspend", ["ctrl-z"], Action::Suspend, "suspend to the shell (fg resumes)", None),
        bind!(Global, "quit", ["q", "ctrl-c"], Action::Quit, "quit", Some("quit")),
        bind!(List, "down", ["j", "down"], Action::Down, "move down", None),
        bind!(List, "up", ["k", "up"], Action::Up, "move up", None),
        bind!(List, "page-down", ["ctrl-d", "pagedown", "ctrl-f"], Action::PageDown, "page down", None),
        bind!(List, "page-up", ["ctrl-u", "pageup", "ctrl-b"], Action::PageUp, "page up", None),
        bind!(List, "top", ["g", "home"], Action::Top, "first row", None),
        bind!(List, "bottom", ["G", "end"], Action::Bottom, "last row", None),
        bind!(Accounts, "open", ["enter", "l", "right"], Action::Open, "open the account", Some("open")),
        bind!(Accounts, "filter", ["/"], Action::StartFilter, "filter (regex; !pattern inverts)", Some("filter")),
        bind!(Accounts, "mark", ["space"], Action::ToggleMark, "mark or unmark the account", Some("mark")),
        bind!(Accounts, "mark-all", ["*"], Action::MarkAllShown, "mark every account shown", None),
        bind!(Accounts, "clear-marks", ["u"], Action::ClearMarks, "clear all marks", None),
        bind!(Accounts, "sort", ["s"], Action::SortNext, "sort by the next column", Some("sort")),
        bind!(Accounts, "reverse", ["S"], Action::SortReverse, "reverse the sort order", None),
        bind!(Accounts, "refresh", ["R"], Action::Refresh, "reload the accounts", None),
        bind!(Accounts, "plan", ["p"], Action::OpenPlan, "plan containment for the marked accounts (or this one)", Some("plan")),
        bind!(Detail, "next-tab", ["tab", "right", "l"], Action::NextTab, "next tab", Some("tab")),
        bind!(Detail, "prev-tab", ["shift-tab", "left", "h"], Action::PrevTab, "previous tab", None),
        bind!(Detail, "overview", ["1"], Action::GoTab(DetailTab::Overview), "overview and evidence", None),
        bind!(Detail, "sign-ins", ["2"], Action::GoTab(DetailTab::SignIns), "sign-ins", None),
        bind!(Detail, "methods", ["3"], Action::GoTab(DetailTab::Methods), "MFA methods", None),
        bind!(Detail, "rules", ["4"], Action::GoTab(DetailTab::Rules), "inbox rules", None),
        bind!(Detail, "audit-events", ["5"], Action::GoTab(DetailTab::AuditEvents), "directory audit events", None),
        bind!(Detail, "grants", ["6"], Action::GoTab(DetailTab::Grants), "consents: OAuth grants and app role assignments", None),
        bind!(Detail, "devices", ["7"], Action::GoTab(DetailTab::Devices), "registered and owned devices", None),
        bind!(Detail, "roles-groups", ["8"], Action::GoTab(DetailTab::Memberships), "directory roles and group memberships", None),
        bind!(Detail, "app-credentials", ["9"], Action::GoTab(DetailTab::AppCredentials), "secrets and certificates the account added to apps", None),
        bind!(Detail, "plan", ["p"], Action::OpenPlan, "plan containment for this account", Some("plan")),
        bind!(Plan, "apply", ["enter"], Action::ConfirmPlan, "apply the plan (asks first; Cancel has the focus)", Some("apply"), true),
        bind!(Progress, "audit", ["a"], Action::OpenJournal, "the audit timeline of what was done", Some("audit")),
        bind!(Audit, "undo", ["u"], Action::UndoStep, "undo the step under the cursor (asks first)", Some("undo"), true),
        bind!(Audit, "ack", ["c"], Action::AckStep, "confirm the handed-over Exchange check under the cursor was carried out (journaled)", Some("ack")),
    ]
}

/// Keys of the filter and command lines; fixed, listed in the help overlay.
pub const INPUT_KEYS: [(&str, &str); 5] = [
    ("enter", "apply the filter / run the command"),
    ("esc", "cancel (a filter is cleared)"),
    ("tab", "complete the command or its argument"),
    ("backspace", "delete a character"),
    ("ctrl-u", "clear the line"),
];

/// Keys of the apply confirmation dialog; fixed, listed in the help overlay.
pub const CONFIRM_KEYS: [(&str, &str); 5] = [
    (
        "tab, arrows",
        "move between Cancel (focused first) and Apply",
    ),
    ("enter", "press the focused button"),
    ("text", "type the account count or the UPN when asked"),
    ("backspace", "delete a character"),
    ("esc", "cancel: nothing is sent"),
];

/// What a key does while the confirmation dialog has the focus: the dialog takes every key,
/// so a stray `q` or `p` typed into the UPN never reaches the console behind it.
pub fn confirm_action(key: &KeyEvent) -> Option<Action> {
    use crate::contain_view::ConfirmKey;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let k = match key.code {
        KeyCode::Char('l') if ctrl => return Some(Action::Redraw),
        KeyCode::Char('c') if ctrl => ConfirmKey::Esc,
        KeyCode::Esc => ConfirmKey::Esc,
        KeyCode::Enter => ConfirmKey::Enter,
        KeyCode::Backspace => ConfirmKey::Backspace,
        KeyCode::Tab
        | KeyCode::BackTab
        | KeyCode::Left
        | KeyCode::Right
        | KeyCode::Up
        | KeyCode::Down => ConfirmKey::Switch,
        KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
            ConfirmKey::Char(c)
        }
        _ => return None,
    };
    Some(Action::Confirm(k))
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub context: Context,
    pub name: &'static str,
    pub keys: Vec<KeySpec>,
    pub action: Action,
    pub help: &'static str,
    pub hint: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum KeyList {
    One(String),
    Many(Vec<String>),
}

/// 1-based line of a byte offset, for error messages.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Keymap {
    /// The embedded defaults; in read-only mode the mutating actions are left out entirely.
    pub fn defaults(read_only: bool) -> Keymap {
        let bindings = defaults()
            .into_iter()
            .filter(|d| !(read_only && d.mutating))
            .map(|d| Binding {
                context: d.context,
                name: d.name,
                // The default key names are checked by a unit test.
                keys: d
                    .keys
                    .iter()
                    .filter_map(|k| KeySpec::parse(k).ok())
                    .collect(),
                action: d.action,
                help: d.help,
                hint: d.hint,
            })
            .collect();
        Keymap { bindings }
    }

    /// Defaults with `keymap.toml` applied. On any error the defaults are returned unchanged
    /// with every problem, each naming its line, so the console still starts.
    pub fn with_overrides(read_only: bool, text: &str) -> (Keymap, Vec<String>) {
        let defaults = Keymap::defaults(read_only);
        let mut map = defaults.clone();
        let parsed: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<KeyList>>> =
            match toml::from_str(text) {
                Ok(p) => p,
                Err(e) => return (defaults, vec![e.to_string().trim_end().to_string()]),
            };
        let all_names = defaults_names();
        let mut errors = Vec::new();
        for (ctx_name, entries) in parsed {
            let line = line_of(text, ctx_name.span().start);
            let Some(context) = Context::ALL
                .iter()
                .copied()
                .find(|c| c.name() == ctx_name.get_ref())
            else {
                let known: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
                errors.push(format!(
                    "line {line}: unknown section [{}] (known: {})",
                    ctx_name.get_ref(),
                    known.join(", ")
                ));
                continue;
            };
            for (name, keys) in entries {
                let line = line_of(text, name.span().start);
                if !all_names.contains(&(context, name.get_ref().as_str())) {
                    let known: Vec<&str> = all_names
                        .iter()
                        .filter(|(c, _)| *c == context)
                        .map(|(_, n)| *n)
                        .collect();
                    errors.push(format!(
                        "line {line}: unknown action `{}` in [{}] (known: {})",
                        name.get_ref(),
                        context.name(),
                        known.join(", ")
                    ));
                    continue;
                }
                let list = match keys.into_inner() {
                    KeyList::One(k) => vec![k],
                    KeyList::Many(ks) => ks,
                };
                let mut specs = Vec::new();
                for k in &list {
                    match KeySpec::parse(k) {
                        Ok(s) => specs.push(s),
                        Err(e) => errors.push(format!("line {line}: {e}")),
                    }
                }
                map.rebind(context, name.get_ref(), specs);
            }
        }
        if errors.is_empty() {
            (map, errors)
        } else {
            (defaults, errors)
        }
    }

    /// Gives `name` exactly these keys, taking them away from other actions in that context.
    /// A mutating action hidden by read-only mode stays hidden.
    fn rebind(&mut self, context: Context, name: &str, keys: Vec<KeySpec>) {
        for b in self.bindings.iter_mut().filter(|b| b.context == context) {
            if b.name == name {
                b.keys = keys.clone();
            } else {
                b.keys.retain(|k| !keys.contains(k));
            }
        }
    }

    /// The action for a key in the given contexts, most specific first.
    pub fn resolve(&self, contexts: &[Context], key: &KeyEvent) -> Option<Action> {
        contexts.iter().find_map(|ctx| {
            self.bindings
                .iter()
                .filter(|b| b.context == *ctx)
                .find(|b| b.keys.iter().any(|k| k.matches(key)))
                .map(|b| b.action.clone())
        })
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// `(keys, label)` pairs for the hint bar, in table order, most specific context first.
    pub fn hints(&self, contexts: &[Context]) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        for ctx in contexts {
            for b in self.bindings.iter().filter(|b| b.context == *ctx) {
                if let (Some(label), Some(key)) = (b.hint, b.keys.first()) {
                    out.push((key.to_string(), label));
                }
            }
        }
        out
    }

    /// The first key bound to `name` in `context`, for messages like "press / to filter".
    pub fn key_for(&self, context: Context, name: &str) -> Option<String> {
        self.bindings
            .iter()
            .find(|b| b.context == context && b.name == name)
            .and_then(|b| b.keys.first())
            .map(|k| k.to_string())
    }
}

fn defaults_names() -> Vec<(Context, &'static str)> {
    defaults().iter().map(|d| (d.context, d.name)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEventKind, KeyEventState, KeyModifiers};

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn every_default_key_parses_and_none_is_ctrl_hjkl() {
        for d in defaults() {
            for k in d.keys {
                let spec = KeySpec::parse(k).unwrap_or_else(|e| panic!("{}: {e}", d.name));
                let s = spec.to_string();
                assert!(
                    !["ctrl-h", "ctrl-j", "ctrl-k", "ctrl-l"].contains(&s.as_str())
                        || d.name == "redraw",
                    "{} uses {s}",
                    d.name
                );
            }
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        let map = Keymap::defaults(false);
        for ctx in Context::ALL {
            let mut seen = Vec::new();
            for b in map.bindings().iter().filter(|b| b.context == ctx) {
                for k in &b.keys {
                    assert!(!seen.contains(k), "{k} twice in {}", ctx.name());
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn vim_keys_and_arrows_resolve() {
        let map = Keymap::defaults(false);
        let ctx = [Context::Accounts, Context::List, Context::Global];
        for code in [KeyCode::Char('j'), KeyCode::Down] {
            assert!(matches!(
                map.resolve(&ctx, &key(code, KeyModifiers::NONE)),
                Some(Action::Down)
            ));
        }
        assert!(matches!(
            map.resolve(&ctx, &key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        ));
        assert!(matches!(
            map.resolve(&ctx, &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        ));
        // `l` opens in the accounts list but switches tabs in the detail view.
        let detail = [Context::Detail, Context::List, Context::Global];
        assert!(matches!(
            map.resolve(&detail, &key(KeyCode::Char('l'), KeyModifiers::NONE)),
            Some(Action::NextTab)
        ));
    }

    #[test]
    fn read_only_leaves_mutating_actions_out() {
        let map = Keymap::defaults(true);
        assert!(map
            .bindings()
            .iter()
            .all(|b| !matches!(b.action, Action::ConfirmPlan)));
        let ctx = [Context::Plan, Context::List, Context::Global];
        assert!(map
            .resolve(&ctx, &key(KeyCode::Enter, KeyModifiers::NONE))
            .is_none());
        assert!(!map.hints(&ctx).iter().any(|(_, l)| *l == "apply"));
        assert!(Keymap::defaults(false)
            .hints(&ctx)
            .iter()
            .any(|(_, l)| *l == "apply"));
        // Planning itself sends nothing that changes the tenant: it stays.
        let accounts = [Context::Accounts, Context::List, Context::Global];
        assert!(matches!(
            map.resolve(&accounts, &key(KeyCode::Char('p'), KeyModifiers::NONE)),
            Some(Action::OpenPlan)
        ));
    }

    #[test]
    fn partial_overrides_apply_and_steal_keys() {
        let (map, errors) = Keymap::with_overrides(false, "[accounts]\nmark = [\"x\", \"s\"]\n");
        assert!(errors.is_empty(), "{errors:?}");
        let ctx = [Context::Accounts, Context::List, Context::Global];
        assert!(matches!(
            map.resolve(&ctx, &key(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::ToggleMark)
        ));
        assert!(matches!(
            map.resolve(&ctx, &key(KeyCode::Char('s'), KeyModifiers::NONE)),
            Some(Action::ToggleMark)
        ));
        // Untouched entries keep their defaults.
        assert!(matches!(
            map.resolve(&ctx, &key(KeyCode::Char('/'), KeyModifiers::NONE)),
            Some(Action::StartFilter)
        ));
        assert_eq!(map.key_for(Context::Accounts, "mark").as_deref(), Some("x"));
    }

    #[test]
    fn errors_name_the_line_and_keep_defaults() {
        let text = "[global]\nquit = \"q\"\n\n[accounts]\nopn = \"o\"\nmark = \"ctrl-\"\n[nowhere]\nx = \"y\"\n";
        let (map, errors) = Keymap::with_overrides(false, text);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors
            .iter()
            .any(|e| e.starts_with("line 5:") && e.contains("opn")));
        assert!(errors
            .iter()
            .any(|e| e.starts_with("line 6:") && e.contains("ctrl-")));
        assert!(errors
            .iter()
            .any(|e| e.starts_with("line 7:") && e.contains("nowhere")));
        assert_eq!(
            map.key_for(Context::Accounts, "mark").as_deref(),
            Some("space")
        );

        let (_, errors) = Keymap::with_overrides(false, "[global]\nquit = 3\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("line 2"), "{errors:?}");
    }
}
