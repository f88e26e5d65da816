//! Short text kept inline: the ids of the sign-in log (three GUIDs per record, a million at
//! 100,000 users) without a heap allocation each. Serializes exactly as a `String`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;

/// Bytes kept inline; a GUID's text is 36.
const INLINE: usize = 38;

/// Text of up to 38 bytes stored inline (40 bytes in all, against 16 plus the text for a
/// `Box<str>`); longer text goes to the heap.
#[derive(Clone, PartialEq, Eq)]
pub enum ShortText {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl ShortText {
    pub fn as_str(&self) -> &str {
        match self {
            // Always a whole `&str` copied in: valid UTF-8 by construction.
            ShortText::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            ShortText::Heap(s) => s,
        }
    }
}

impl From<&str> for ShortText {
    fn from(s: &str) -> Self {
        match u8::try_from(s.len()) {
            Ok(len) if s.len() <= INLINE => {
                let mut bytes = [0u8; INLINE];
                bytes[..s.len()].copy_from_slice(s.as_bytes());
                ShortText::Inline { len, bytes }
            }
            _ => ShortText::Heap(s.into()),
        }
    }
}

impl From<String> for ShortText {
    fn from(s: String) -> Self {
        if s.len() <= INLINE {
            ShortText::from(s.as_str())
        } else {
            ShortText::Heap(s.into_boxed_str())
        }
    }
}

impl Deref for ShortText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ShortText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
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
    fn guids_stay_inline_and_read_back_whole() {
        let guid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let t = ShortText::from(guid);
        assert!(matches!(t, ShortText::Inline { .. }));
        assert_eq!(&*t, guid);
        assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{guid}\""));
        assert_eq!(std::mem::size_of::<ShortText>(), 40);
        assert_eq!(std::mem::size_of::<Option<ShortText>>(), 40);
    }

    #[test]
    fn long_and_non_ascii_text_round_trips() {
        let long = "x".repeat(100);
        let t = ShortText::from(long.clone());
        assert!(matches!(t, ShortText::Heap(_)));
        assert_eq!(t.as_str(), long);
        let accented = "séance-ü";
        assert_eq!(ShortText::from(accented).as_str(), accented);
        let back: ShortText = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(back, ShortText::from("abc"));
        assert_eq!(ShortText::from("").as_str(), "");
    }
}
