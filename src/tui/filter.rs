//! The `/` filter of the accounts table.

use crate::triage::AccountAssessment;
use regex::{Regex, RegexBuilder};

/// A `/` filter: a case-insensitive regex over name, UPN, title, department, roles, verdict,
/// risk and indicators; a leading `!` keeps the rows that do not match. Text that is not a
/// valid regex is matched literally, so typing `(` never empties the table.
#[derive(Debug, Clone)]
pub struct Filter {
    pub text: String,
    pub inverse: bool,
    /// True when the pattern was not a valid regex and is matched as plain text.
    pub literal: bool,
    regex: Regex,
}

impl Filter {
    /// `None` for an empty pattern (no filtering).
    pub fn parse(text: &str) -> Option<Filter> {
        let (inverse, pattern) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if pattern.is_empty() {
            return None;
        }
        let build = |p: &str| {
            RegexBuilder::new(p)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
        };
        let (regex, literal) = match build(pattern) {
            Ok(r) => (r, false),
            Err(_) => (build(&regex::escape(pattern)).ok()?, true),
        };
        Some(Filter {
            text: text.to_string(),
            inverse,
            literal,
            regex,
        })
    }

    pub fn keeps(&self, haystack: &str) -> bool {
        self.regex.is_match(haystack) != self.inverse
    }
}

/// The text a filter searches: every column a responder would filter on, separated.
pub fn haystack(a: &AccountAssessment) -> String {
    let mut s = String::with_capacity(160);
    for part in [
        a.display_name.as_str(),
        &a.user_principal_name,
        a.job_title.as_deref().unwrap_or(""),
        a.department.as_deref().unwrap_or(""),
        a.verdict.as_str(),
        &a.risk_level,
        &a.risk_state,
    ] {
        s.push_str(part);
        s.push('\u{1f}');
    }
    for r in &a.roles {
        s.push_str(r);
        s.push('\u{1f}');
    }
    for i in &a.indicators {
        s.push_str(&i.id);
        s.push('\u{1f}');
        s.push_str(&i.summary);
        s.push('\u{1f}');
    }
    s
}
