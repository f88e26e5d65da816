//! TOML-ish text: a real file with random line edits, or random lines of keys, values and
//! junk, with the characters an attacker or a careless editor would bring.

use proptest::prelude::*;

fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        2 => prop::sample::select(vec![
            '\u{1b}', '\u{7}', '\u{9b}', '\u{7f}', '\u{202e}', '\u{2066}', '\u{200b}', '\u{feff}',
            '\0', '\r', '\t', '"', '\'', '[', ']', '=', '#', '\\', '{', '}', ',', '.', '\n',
        ]),
        3 => prop::char::range('a', 'z'),
    ]
}

pub fn junk() -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..24).prop_map(|v| v.into_iter().collect())
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        junk().prop_map(|s| format!("{s:?}")),
        junk().prop_map(|s| format!("'{s}'")),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        prop::collection::vec(junk(), 0..3).prop_map(|v| format!("{v:?}")),
        Just("[]".to_string()),
        Just("{}".to_string()),
        junk(),
    ]
}

/// A line of TOML built from `keys` (the real ones, so the parser gets past the first table).
fn line(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (prop::sample::select(keys), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => prop::sample::select(keys).prop_map(|k| format!("[{k}]")),
        1 => prop::sample::select(keys).prop_map(|k| format!("[[{k}]]")),
        1 => junk(),
    ]
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Duplicate(usize),
    Replace(usize, String),
    Insert(usize, String),
    /// A character put somewhere inside a line.
    Splice(usize, usize, char),
    Truncate(usize),
}

fn edit(keys: &'static [&'static str]) -> impl Strategy<Value = Edit> {
    let at = any::<usize>();
    prop_oneof![
        at.prop_map(Edit::Delete),
        at.prop_map(Edit::Duplicate),
        (at, line(keys)).prop_map(|(i, l)| Edit::Replace(i, l)),
        (at, line(keys)).prop_map(|(i, l)| Edit::Insert(i, l)),
        (at, any::<usize>(), hostile_char()).prop_map(|(i, j, c)| Edit::Splice(i, j, c)),
        at.prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for e in edits {
        let n = lines.len().max(1);
        match e.clone() {
            Edit::Delete(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Edit::Duplicate(i) if !lines.is_empty() => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Edit::Replace(i, l) if !lines.is_empty() => lines[i % n] = l,
            Edit::Insert(i, l) => lines.insert(i % (lines.len() + 1), l),
            Edit::Splice(i, j, c) if !lines.is_empty() => {
                let l = &mut lines[i % n];
                let cut = l
                    .char_indices()
                    .map(|(k, _)| k)
                    .nth(j % (l.chars().count() + 1));
                l.insert(cut.unwrap_or(l.len()), c);
            }
            Edit::Truncate(i) if !lines.is_empty() => lines.truncate(i % n),
            _ => {}
        }
    }
    lines.join("\n")
}

/// `base` with a few random line edits, or random lines built from `keys`.
pub fn toml_like(
    base: &'static str,
    keys: &'static [&'static str],
) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(edit(keys), 1..5).prop_map(move |e| apply(base, &e)),
        1 => prop::collection::vec(line(keys), 0..12).prop_map(|l| l.join("\n")),
    ]
}
