//! Themes: semantic roles mapped to styles, loaded from `themes/*.toml` (embedded) or from
//! `<config dir>/themes/NAME.toml`. Views ask for a [`Role`], never for a colour.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

/// What a piece of text means; each theme gives every role a style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Text,
    Muted,
    Accent,
    Header,
    Border,
    Selection,
    Marked,
    Danger,
    Warning,
    Ok,
    Key,
    Input,
    Lock,
    Tab,
}

impl Role {
    pub const ALL: [Role; 14] = [
        Role::Text,
        Role::Muted,
        Role::Accent,
        Role::Header,
        Role::Border,
        Role::Selection,
        Role::Marked,
        Role::Danger,
        Role::Warning,
        Role::Ok,
        Role::Key,
        Role::Input,
        Role::Lock,
        Role::Tab,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Role::Text => "text",
            Role::Muted => "muted",
            Role::Accent => "accent",
            Role::Header => "header",
            Role::Border => "border",
            Role::Selection => "selection",
            Role::Marked => "marked",
            Role::Danger => "danger",
            Role::Warning => "warning",
            Role::Ok => "ok",
            Role::Key => "key",
            Role::Input => "input",
            Role::Lock => "lock",
            Role::Tab => "tab",
        }
    }

    fn index(self) -> usize {
        Role::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }
}

/// The built-in themes, embedded at compile time.
pub const BUILTIN: [(&str, &str); 4] = [
    ("default", include_str!("../themes/default.toml")),
    ("dark", include_str!("../themes/dark.toml")),
    ("light", include_str!("../themes/light.toml")),
    ("none", include_str!("../themes/none.toml")),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: [Style; Role::ALL.len()],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    roles: BTreeMap<String, RoleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    modifiers: Vec<String>,
}

fn parse_color(role: &str, value: &str) -> Result<Color, String> {
    Color::from_str(value).map_err(|_| {
        format!("role `{role}`: `{value}` is not a colour (a name like `red`, 0-255 or #rrggbb)")
    })
}

fn parse_modifier(role: &str, value: &str) -> Result<Modifier, String> {
    Ok(match value {
        "bold" => Modifier::BOLD,
        "dim" => Modifier::DIM,
        "italic" => Modifier::ITALIC,
        "underlined" | "underline" => Modifier::UNDERLINED,
        "reversed" | "reverse" => Modifier::REVERSED,
        other => {
            return Err(format!(
            "role `{role}`: unknown modifier `{other}` (bold, dim, italic, underlined, reversed)"
        ))
        }
    })
}

impl Theme {
    /// Parses a theme file; the error names the line or the role at fault.
    pub(crate) fn parse(name: &str, text: &str) -> Result<Theme, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut styles = [Style::default(); Role::ALL.len()];
        for (role_name, spec) in &file.roles {
            let Some(role) = Role::ALL.iter().find(|r| r.name() == role_name) else {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
                return Err(format!(
                    "unknown role `{role_name}` (known: {})",
                    known.join(", ")
                ));
            };
            let mut style = Style::default();
            if let Some(fg) = &spec.fg {
                style = style.fg(parse_color(role_name, fg)?);
            }
            if let Some(bg) = &spec.bg {
                style = style.bg(parse_color(role_name, bg)?);
            }
            for m in &spec.modifiers {
                style = style.add_modifier(parse_modifier(role_name, m)?);
            }
            styles[role.index()] = style;
        }
        Ok(Theme {
            name: name.to_string(),
            styles,
        })
    }

    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Option<Theme> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        // The embedded files are checked by a unit test, so parsing cannot fail here.
        Theme::parse(name, text).ok()
    }

    /// The theme with no colour, for NO_COLOR and `--color never`.
    pub fn no_colour() -> Theme {
        Theme::builtin("none").unwrap_or(Theme {
            name: "none".into(),
            styles: [Style::default(); Role::ALL.len()],
        })
    }

    /// A built-in theme, else `<config_dir>/themes/NAME.toml`.
    pub(crate) fn load(name: &str, config_dir: Option<&Path>) -> Result<Theme, String> {
        if let Some(theme) = Theme::builtin(name) {
            return Ok(theme);
        }
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let path = config_dir
            .filter(|_| valid)
            .map(|d| d.join("themes").join(format!("{name}.toml")));
        match path {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                Theme::parse(name, &text).map_err(|e| format!("{}: {e}", path.display()))
            }
            _ => Err(format!(
                "no theme `{name}` (built in: {})",
                Theme::names(config_dir).join(", ")
            )),
        }
    }

    /// Built-in names followed by the user's themes, for `:theme` completion.
    pub fn names(config_dir: Option<&Path>) -> Vec<String> {
        let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        if let Some(dir) = config_dir {
            if let Ok(entries) = std::fs::read_dir(dir.join("themes")) {
                let mut user: Vec<String> = entries
                    .flatten()
                    .filter_map(|e| {
                        let p = e.path();
                        (p.extension()? == "toml")
                            .then(|| p.file_stem()?.to_str().map(str::to_string))?
                    })
                    .filter(|n| !names.contains(n))
                    .collect();
                user.sort();
                names.extend(user);
            }
        }
        names
    }

    pub fn style(&self, role: Role) -> Style {
        self.styles[role.index()]
    }

    /// True when no role sets a colour.
    pub fn is_colourless(&self) -> bool {
        self.styles
            .iter()
            .all(|s| s.fg.is_none() && s.bg.is_none() && s.underline_color.is_none())
    }
}

/// `--color`: whether to colour the screen, or to decide from `NO_COLOR` and the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to colour the screen: `--color`, then `NO_COLOR`, then whether stdout is a terminal.
pub fn colour_enabled(choice: ColorChoice, no_color_env: bool, is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color_env && is_tty,
    }
}

/// NO_COLOR counts when present and not empty (no-color.org).
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_parses_and_sets_every_role() {
        for (name, text) in BUILTIN {
            let theme = Theme::parse(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
            for role in Role::ALL {
                assert!(
                    text.contains(&format!("\n{} =", role.name())),
                    "{name} does not set {}",
                    role.name()
                );
                let _ = theme.style(role);
            }
        }
    }

    #[test]
    fn default_uses_only_the_16_ansi_colours() {
        let theme = Theme::builtin("default").unwrap();
        for role in Role::ALL {
            let s = theme.style(role);
            for c in [s.fg, s.bg].into_iter().flatten() {
                assert!(
                    !matches!(c, Color::Indexed(_) | Color::Rgb(..)),
                    "{} uses {c:?}",
                    role.name()
                );
            }
        }
    }

    #[test]
    fn none_has_no_colour_but_a_visible_selection() {
        let theme = Theme::no_colour();
        assert!(theme.is_colourless());
        assert!(theme
            .style(Role::Selection)
            .add_modifier
            .contains(Modifier::REVERSED));
        assert!(!Theme::builtin("dark").unwrap().is_colourless());
    }

    #[test]
    fn bad_theme_errors_name_the_problem() {
        let e = Theme::parse("x", "[roles]\ndanger = { fg = \"redd\" }").unwrap_err();
        assert!(e.contains("redd"), "{e}");
        let e = Theme::parse("x", "[roles]\ndangr = {}").unwrap_err();
        assert!(e.contains("dangr"), "{e}");
        let e = Theme::parse("x", "[roles]\n\ndanger = { fg = 3 }").unwrap_err();
        assert!(e.contains("line 3"), "{e}");
    }

    #[test]
    fn user_themes_load_from_the_config_dir() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("themes")).unwrap();
        std::fs::write(
            dir.path().join("themes/mine.toml"),
            "[roles]\ndanger = { fg = \"#ff0000\" }\n",
        )
        .unwrap();
        let t = Theme::load("mine", Some(dir.path())).unwrap();
        assert_eq!(t.style(Role::Danger).fg, Some(Color::Rgb(255, 0, 0)));
        assert!(Theme::names(Some(dir.path())).contains(&"mine".to_string()));
        assert!(Theme::load("../etc", Some(dir.path())).is_err());
    }

    #[test]
    fn colour_choice() {
        assert!(!colour_enabled(ColorChoice::Auto, true, true));
        assert!(colour_enabled(ColorChoice::Auto, false, true));
        assert!(!colour_enabled(ColorChoice::Auto, false, false));
        assert!(colour_enabled(ColorChoice::Always, true, false));
        assert!(!colour_enabled(ColorChoice::Never, false, true));
    }
}
