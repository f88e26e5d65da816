//! The sign-in log's unique ids (three GUIDs per record, a million at 100,000 users) kept
//! compact: a GUID in its canonical text (lowercase, hyphenated) is held as its 16 bytes and
//! written out again when read, anything else as boxed text. Serializes exactly as a `String`
//! holding the original text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::ops::Deref;

/// Text as a [`ShortText`] gives it back: borrowed, or a GUID written out on the stack.
pub enum Text<'a> {
    Borrowed(&'a str),
    Guid([u8; 36]),
}

impl Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            // Written by `uuid`'s hyphenated encoder: ASCII hex digits and hyphens.
            Text::Guid(b) => std::str::from_utf8(b).unwrap_or_default(),
        }
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        self
    }
}

/// A GUID as 16 bytes (24 in all, against 16 plus 36 for a `Box<str>`), other text boxed.
/// Every text has one representation (canonical GUID text always becomes `Guid`), so the
/// derived equality is equality of the text.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum ShortText {
    Guid([u8; 16]),
    Heap(Box<str>),
}

/// Empty text (no allocation).
impl Default for ShortText {
    fn default() -> Self {
        ShortText::Heap(Box::default())
    }
}

impl ShortText {
    /// A GUID from its bytes (as `uuid::Uuid::into_bytes` gives them).
    pub fn guid(bytes: [u8; 16]) -> Self {
        ShortText::Guid(bytes)
    }

    /// True for the empty text.
    pub fn is_empty_text(&self) -> bool {
        matches!(self, ShortText::Heap(s) if s.is_empty())
    }

    /// The text.
    pub fn text(&self) -> Text<'_> {
        match self {
            ShortText::Guid(b) => {
                let mut out = [0u8; 36];
                uuid::Uuid::from_bytes(*b)
                    .hyphenated()
                    .encode_lower(&mut out);
                Text::Guid(out)
            }
            ShortText::Heap(s) => Text::Borrowed(s),
        }
    }
}

/// The canonical GUID text's bytes, if `s` is exactly that text.
fn canonical_guid(s: &str) -> Option<[u8; 16]> {
    if s.len() != 36 {
        return None;
    }
    let u = uuid::Uuid::try_parse(s).ok()?;
    let mut buf = [0u8; 36];
    (u.hyphenated().encode_lower(&mut buf).as_bytes() == s.as_bytes()).then(|| u.into_bytes())
}

impl From<&str> for ShortText {
    fn from(s: &str) -> Self {
        match canonical_guid(s) {
            Some(b) => ShortText::Guid(b),
            None => ShortText::Heap(s.into()),
        }
    }
}

impl From<String> for ShortText {
    fn from(s: String) -> Self {
        match canonical_guid(&s) {
            Some(b) => ShortText::Guid(b),
            None => ShortText::Heap(s.into_boxed_str()),
        }
    }
}

/// Ordered as the text is: lowercase hex digits and hyphens at fixed places sort like the bytes.
impl Ord for ShortText {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (ShortText::Guid(a), ShortText::Guid(b)) => a.cmp(b),
            _ => (*self.text()).cmp(&*other.text()),
        }
    }
}

impl PartialOrd for ShortText {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

impl fmt::Display for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl Serialize for ShortText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for ShortText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(ShortText::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_kept_as_bytes_and_read_back_whole() {
        let guid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let t = ShortText::from(guid);
        assert!(matches!(t, ShortText::Guid(_)));
        assert_eq!(&*t.text(), guid);
        assert_eq!(t.to_string(), guid);
        assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{guid}\""));
        assert_eq!(std::mem::size_of::<ShortText>(), 24);
        assert_eq!(std::mem::size_of::<Option<ShortText>>(), 24);
    }

    #[test]
    fn non_canonical_guid_text_keeps_its_spelling() {
        for s in [
            "0F8FAD5B-D9CB-469F-A165-70867728950E",
            "0f8fad5bd9cb469fa16570867728950e",
            "{0f8fad5b-d9cb-469f-a165-70867728950e}",
        ] {
            let t = ShortText::from(s);
            assert!(matches!(t, ShortText::Heap(_)), "{s}");
            assert_eq!(&*t.text(), s);
        }
    }

    #[test]
    fn order_and_equality_follow_the_text() {
        let mut texts = vec![
            "ffffffff-0000-4000-8000-000000000000",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "0f8fad5b-d9cb-469f-a165-70867728950f",
            "a0000000-0000-4000-8000-000000000000",
            "9fffffff-ffff-4fff-bfff-ffffffffffff",
            "seed-1",
            "0f8fad5b",
        ];
        let mut shorts: Vec<ShortText> = texts.iter().map(|&s| ShortText::from(s)).collect();
        texts.sort();
        shorts.sort();
        let back: Vec<String> = shorts.iter().map(|s| s.to_string()).collect();
        assert_eq!(back, texts);
        assert_eq!(
            ShortText::from("seed-1"),
            ShortText::from("seed-1".to_string())
        );
    }

    #[test]
    fn long_and_non_ascii_text_round_trips() {
        let long = "x".repeat(100);
        let t = ShortText::from(long.clone());
        assert_eq!(&*t.text(), long);
        let accented = "séance-ü";
        assert_eq!(&*ShortText::from(accented).text(), accented);
        let back: ShortText = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(back, ShortText::from("abc"));
        assert_eq!(&*ShortText::from("").text(), "");
    }
}
