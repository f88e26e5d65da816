//! Console settings from `console.toml` in the config dir, over embedded defaults:
//!
//! ```toml
//! theme = "dark"          # default, dark, light, none, or a file in themes/
//! sort = "score"          # score, verdict, name, title, department, risk, state
//! hint_bar = true
//! scroll_regions = true   # let the terminal scroll the table (fewer bytes over SSH)
//! copy = true             # `y` copies with OSC 52
//! ```

use super::list::SortKey;
use super::theme::Theme;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub theme: String,
    pub sort: SortKey,
    pub hint_bar: bool,
    pub scroll_regions: bool,
    pub copy: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: "default".into(),
            sort: SortKey::Score,
            hint_bar: true,
            scroll_regions: true,
            copy: true,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    theme: Option<Spanned<String>>,
    sort: Option<Spanned<String>>,
    hint_bar: Option<bool>,
    scroll_regions: Option<bool>,
    copy: Option<bool>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Settings {
    /// Parses `console.toml`. On any error the defaults are returned with every problem
    /// (each naming its line) so the console still starts.
    pub fn parse(text: &str, config_dir: Option<&Path>) -> (Settings, Vec<String>) {
        let file: SettingsFile = match toml::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                return (
                    Settings::default(),
                    vec![e.to_string().trim_end().to_string()],
                )
            }
        };
        let mut s = Settings::default();
        let mut errors = Vec::new();
        if let Some(theme) = file.theme {
            match Theme::load(theme.get_ref(), config_dir) {
                Ok(_) => s.theme = theme.get_ref().clone(),
                Err(e) => errors.push(format!("line {}: {e}", line_of(text, theme.span().start))),
            }
        }
        if let Some(sort) = file.sort {
            match SortKey::parse(sort.get_ref()) {
                Some(k) => s.sort = k,
                None => errors.push(format!(
                    "line {}: unknown sort column `{}` (known: {})",
                    line_of(text, sort.span().start),
                    sort.get_ref(),
                    SortKey::ALL.map(|k| k.name()).join(", ")
                )),
            }
        }
        s.hint_bar = file.hint_bar.unwrap_or(s.hint_bar);
        s.scroll_regions = file.scroll_regions.unwrap_or(s.scroll_regions);
        s.copy = file.copy.unwrap_or(s.copy);
        if errors.is_empty() {
            (s, errors)
        } else {
            (Settings::default(), errors)
        }
    }
}

/// The config dir: beside `--config FILE` when given, else the platform's
/// (`$XDG_CONFIG_HOME/reclaim` on Linux).
pub fn config_dir(config_file: Option<&Path>) -> Option<PathBuf> {
    if let Some(file) = config_file {
        return file.parent().map(Path::to_path_buf);
    }
    reclaim_core::paths::config_dir()
}

/// Reads `NAME` from the config dir: `Ok(None)` when absent, `Err` naming the file otherwise.
pub(crate) fn read_config_file(dir: Option<&Path>, name: &str) -> Result<Option<String>, String> {
    let Some(dir) = dir else { return Ok(None) };
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_file_overrides_only_what_it_names() {
        let (s, errors) = Settings::parse("theme = \"dark\"\nhint_bar = false\n", None);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(s.theme, "dark");
        assert!(!s.hint_bar);
        assert_eq!(s.sort, SortKey::Score);
        assert!(s.copy);
    }

    #[test]
    fn bad_values_name_the_line_and_fall_back_to_defaults() {
        let (s, errors) =
            Settings::parse("hint_bar = false\n\ntheme = \"neon\"\nsort = \"x\"\n", None);
        assert_eq!(s, Settings::default());
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("line 3:") && errors[0].contains("neon"));
        assert!(errors[1].starts_with("line 4:") && errors[1].contains("`x`"));

        let (_, errors) = Settings::parse("colour = \"red\"\n", None);
        assert!(
            errors[0].contains("line 1") && errors[0].contains("colour"),
            "{errors:?}"
        );
        let (_, errors) = Settings::parse("\nhint_bar = \"yes\"\n", None);
        assert!(errors[0].contains("line 2"), "{errors:?}");
    }

    #[test]
    fn config_dir_follows_the_config_flag() {
        assert_eq!(
            config_dir(Some(Path::new("/etc/reclaim/config.toml"))),
            Some(PathBuf::from("/etc/reclaim"))
        );
    }
}
