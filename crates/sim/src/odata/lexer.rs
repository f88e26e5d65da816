//! Tokenizer for OData `$filter` expressions (the subset Microsoft Graph accepts).

use super::FilterError;
use crate::model::Time;

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A name: property, operator keyword, function, range variable or qualified type name.
    Ident(String),
    /// `'text'` with `''` unescaped.
    Str(String),
    /// `microsoft.graph.riskLevel'high'`: a qualified type name immediately followed by a string.
    Typed(String, String),
    Int(i64),
    Float(f64),
    /// An unquoted DateTimeOffset such as `2025-03-01T00:00:00Z`.
    DateTime(Time),
    /// An unquoted GUID such as `62e90394-69f5-4237-9190-012177145e10`.
    Guid(String),
    LParen,
    RParen,
    Comma,
    Colon,
    Slash,
}

/// A token and the byte offset where it starts (for error messages).
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub token: Token,
    pub at: usize,
}

pub fn tokenize(input: &str) -> Result<Vec<Spanned>, FilterError> {
    let bytes = input.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let token = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'(' => {
                i += 1;
                Token::LParen
            }
            b')' => {
                i += 1;
                Token::RParen
            }
            b',' => {
                i += 1;
                Token::Comma
            }
            b':' => {
                i += 1;
                Token::Colon
            }
            b'/' => {
                i += 1;
                Token::Slash
            }
            b'\'' => {
                let (s, next) = read_string(input, i)?;
                i = next;
                Token::Str(s)
            }
            b'0'..=b'9' | b'-' | b'+' => {
                let end = scan_while(bytes, i + 1, |b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'.' | b'+')
                });
                let text = &input[i..end];
                i = end;
                literal_from_word(text).ok_or_else(|| FilterError::syntax(start, input))?
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c == b'@' => {
                let end = scan_while(bytes, i, |b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$' | b'@' | b'-')
                });
                let word = &input[i..end];
                i = end;
                if bytes.get(i) == Some(&b'\'') {
                    let (s, next) = read_string(input, i)?;
                    i = next;
                    Token::Typed(word.to_string(), s)
                } else if let Some(guid) = guid_word(word) {
                    Token::Guid(guid)
                } else if word.contains('-') {
                    return Err(FilterError::syntax(start, input));
                } else {
                    Token::Ident(word.to_string())
                }
            }
            _ => return Err(FilterError::syntax(start, input)),
        };
        out.push(Spanned { token, at: start });
    }
    Ok(out)
}

fn scan_while(bytes: &[u8], mut i: usize, f: impl Fn(u8) -> bool) -> usize {
    while i < bytes.len() && f(bytes[i]) {
        i += 1;
    }
    i
}

/// Reads `'...'` starting at the opening quote; `''` is an escaped quote.
fn read_string(input: &str, open: usize) -> Result<(String, usize), FilterError> {
    let bytes = input.as_bytes();
    let mut s = String::new();
    let mut i = open + 1;
    let mut run_start = i;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            s.push_str(&input[run_start..i]);
            if bytes.get(i + 1) == Some(&b'\'') {
                s.push('\'');
                i += 2;
                run_start = i;
                continue;
            }
            return Ok((s, i + 1));
        }
        i += 1;
    }
    Err(FilterError::new(format!(
        "Invalid filter clause: There is an unterminated string literal at position {open} in '{input}'."
    )))
}

/// Numbers, DateTimeOffsets and GUIDs all start with a digit (or sign).
fn literal_from_word(text: &str) -> Option<Token> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(Token::Int(n));
    }
    if let Some(g) = guid_word(text) {
        return Some(Token::Guid(g));
    }
    if text.len() >= 10 && text.as_bytes()[4] == b'-' {
        return parse_datetime(text).map(Token::DateTime);
    }
    text.parse::<f64>().ok().map(Token::Float)
}

/// OData DateTimeOffset: RFC 3339, or a bare date meaning midnight UTC.
pub fn parse_datetime(text: &str) -> Option<Time> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|dt| dt.and_utc())
}

fn guid_word(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let shape = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        });
    shape.then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Token> {
        tokenize(s).unwrap().into_iter().map(|t| t.token).collect()
    }

    #[test]
    fn tokenizes_comparisons_and_literals() {
        assert_eq!(
            toks("userId eq 'a''b' and status/errorCode eq 0"),
            vec![
                Token::Ident("userId".into()),
                Token::Ident("eq".into()),
                Token::Str("a'b".into()),
                Token::Ident("and".into()),
                Token::Ident("status".into()),
                Token::Slash,
                Token::Ident("errorCode".into()),
                Token::Ident("eq".into()),
                Token::Int(0),
            ]
        );
    }

    #[test]
    fn tokenizes_typed_enum_datetime_and_guid() {
        let t = toks("riskLevel eq microsoft.graph.riskLevel'high'");
        assert_eq!(
            t[2],
            Token::Typed("microsoft.graph.riskLevel".into(), "high".into())
        );
        let t = toks("createdDateTime ge 2025-03-01T00:00:00Z");
        assert!(matches!(t[2], Token::DateTime(_)));
        let t = toks("createdDateTime ge 2025-03-01T00:00:00.123+01:00");
        assert!(matches!(t[2], Token::DateTime(_)));
        let t = toks("id eq 62e90394-69f5-4237-9190-012177145e10");
        assert!(matches!(t[2], Token::Guid(_)));
        let t = toks("x eq 1.5");
        assert_eq!(t[2], Token::Float(1.5));
        let t = toks("x eq -3");
        assert_eq!(t[2], Token::Int(-3));
    }

    #[test]
    fn rejects_garbage() {
        assert!(tokenize("name eq 'open").is_err());
        assert!(tokenize("name eq #").is_err());
        assert!(tokenize("x eq 2025-13-45T00:00:00Z").is_err());
    }
}
