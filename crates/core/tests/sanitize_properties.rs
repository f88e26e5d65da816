//! Properties of the sanitizer, for any input: no character `is_dangerous` calls dangerous
//! survives `inert`, `for_display` or `csv_field`; `for_display` keeps to its width;
//! `csv_field` never starts a formula; `json_text` keeps a compact JSON document valid, equal
//! in value, and free of dangerous characters.
//!
//! Case counts: 256 by default; `PROPTEST_CASES=100000 cargo test -p reclaim-core --test
//! sanitize_properties` for a long run.

use proptest::prelude::*;
use reclaim_core::sanitize::{csv_field, for_display, inert, is_dangerous, json_text};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// Characters an attacker would pick, plus everything else Unicode has.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        2 => prop::char::range('\0', '\u{a0}'),
        2 => prop::sample::select(vec![
            '\u{1b}', '\u{7}', '\u{9b}', '\u{9c}', '\u{9d}', '\u{7f}', '\u{202a}', '\u{202e}',
            '\u{2066}', '\u{2069}', '\u{200b}', '\u{200e}', '\u{061c}', '\u{feff}', '\u{ad}',
            '\u{2028}', '\u{2029}', '\u{2060}', '=', '+', '-', '@', '"', ',', ' ', '\t', '\r',
            '\n', '\\', '日', '\u{301}',
        ]),
    ]
}

fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..48).prop_map(|v| v.into_iter().collect())
}

/// Any JSON value whose strings (keys too) are hostile text.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        hostile_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(hostile_text(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn inert_leaves_no_dangerous_char(s in hostile_text()) {
        let out = inert(&s);
        prop_assert!(!out.chars().any(is_dangerous), "{:?} -> {:?}", s, out);
        // Clean text is left alone.
        if !s.chars().any(is_dangerous) {
            prop_assert_eq!(out.as_ref(), s.as_str());
        }
    }

    #[test]
    fn display_is_inert_and_fits(s in hostile_text(), width in 0usize..40) {
        let out = for_display(&s, width);
        prop_assert!(!out.chars().any(is_dangerous), "{:?} -> {:?}", s, out);
        prop_assert!(out.width() <= width, "{:?} at {} -> {:?}", s, width, out);
    }

    #[test]
    fn csv_field_is_inert_and_never_a_formula(s in hostile_text()) {
        let out = csv_field(&s);
        prop_assert!(!out.chars().any(is_dangerous), "{:?} -> {:?}", s, out);
        let cell = out
            .strip_prefix('"')
            .and_then(|o| o.strip_suffix('"'))
            .map(|o| o.replace("\"\"", "\""))
            .unwrap_or_else(|| out.clone());
        prop_assert!(!cell.starts_with(['=', '+', '-', '@']), "{:?} -> {:?}", s, out);
        // A field that is not quoted holds nothing that would split or quote the row.
        if !out.starts_with('"') {
            prop_assert!(!out.contains([',', '"', '\n', '\r']), "{:?}", out);
        }
    }

    #[test]
    fn json_text_stays_valid_equal_and_inert(v in json_value()) {
        let raw = serde_json::to_string(&v).unwrap();
        let safe = json_text(&raw);
        prop_assert!(!safe.chars().any(is_dangerous), "{:?}", safe);
        let back: Value = serde_json::from_str(&safe).unwrap();
        prop_assert_eq!(back, v.clone());
        // Pretty output keeps its layout whitespace, and nothing else dangerous.
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        let safe = json_text(&pretty);
        prop_assert!(!safe.chars().any(|c| is_dangerous(c) && c != '\n'), "{:?}", safe);
        prop_assert_eq!(serde_json::from_str::<Value>(&safe).unwrap(), v);
    }
}
