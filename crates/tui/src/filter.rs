//! The `/` filter of the accounts table, and the search index that keeps it fast on 100,000
//! accounts: one lower-cased text with a line per account, searched in a single pass instead
//! of one regex call per account.

use reclaim_triage::AccountAssessment;
use regex::{Regex, RegexBuilder};
use std::sync::atomic::{AtomicBool, Ordering};

/// Searches check for cancellation every this many lines.
const CANCEL_CHECK: usize = 2048;

/// A `/` filter: a case-insensitive regex over name, UPN, title, department, roles, verdict,
/// risk and indicators; a leading `!` keeps the rows that do not match. Text that is not a
/// valid regex is matched literally, so typing `(` never empties the table. `^` and `$` anchor
/// to the start and end of an account's text (which starts with the display name).
#[derive(Debug, Clone)]
pub struct Filter {
    pub text: String,
    pub inverse: bool,
    /// True when the pattern was not a valid regex and is matched as plain text.
    pub literal: bool,
    regex: Regex,
    /// The lower-cased text when the pattern is plain text (no regex syntax): searched with a
    /// SIMD substring search, and narrowed incrementally as the operator types.
    needle: Option<String>,
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
        // The index is lower-cased: a pattern without capitals matches it case-sensitively
        // (which lets the regex engine use its fastest literal search); one with capitals
        // (`\D`, `\W`, `A-Z`...) is matched case-insensitively, which is the same thing.
        let build = |p: &str| {
            RegexBuilder::new(p)
                .case_insensitive(p.chars().any(char::is_uppercase))
                .multi_line(true)
                .size_limit(1 << 20)
                .build()
        };
        let (regex, literal) = match build(pattern) {
            Ok(r) => (r, false),
            Err(_) => (build(&regex::escape(pattern)).ok()?, true),
        };
        let plain = literal || regex::escape(pattern) == pattern;
        Some(Filter {
            text: text.to_string(),
            inverse,
            literal,
            regex,
            needle: plain.then(|| pattern.to_lowercase()),
        })
    }
}

/// A line whose account was re-judged since: its text lives on a later line.
const REPLACED: u32 = u32::MAX;

/// Every account's searchable text, lower-cased, one line per account. Lines are appended as
/// accounts arrive; a re-judged account gets a new line and its old one is skipped, so no
/// change ever rewrites the whole text (until a third of it is stale: then it is compacted).
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    text: String,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    /// The row each line holds, or [`REPLACED`].
    line_row: Vec<u32>,
    /// Each row's current line.
    row_line: Vec<u32>,
    replaced: usize,
}

fn push_line(text: &mut String, a: &AccountAssessment) {
    let mut field = |s: &str| {
        // Tenant text may hold line breaks; they must not split an account's line.
        for c in s.chars().flat_map(char::to_lowercase) {
            text.push(if c == '\n' || c == '\r' { ' ' } else { c });
        }
        text.push('\u{1f}');
    };
    for part in [
        a.display_name.as_str(),
        &a.user_principal_name,
        a.job_title.as_deref().unwrap_or(""),
        a.department.as_deref().unwrap_or(""),
        a.verdict.as_str(),
        &a.risk_level,
        &a.risk_state,
    ] {
        field(part);
    }
    for r in &a.roles {
        field(r);
    }
    for i in &a.indicators {
        field(&i.id);
        field(&i.summary);
    }
    text.push('\n');
}

impl SearchIndex {
    /// Adds the next account (its row index is the number pushed before it).
    pub fn push(&mut self, a: &AccountAssessment) {
        let row = self.row_line.len() as u32;
        self.row_line.push(self.starts.len() as u32);
        self.push_line(row, a);
    }

    /// Replaces a row's text after its account was re-judged.
    pub fn replace(&mut self, row: usize, a: &AccountAssessment) {
        let old = self.row_line[row] as usize;
        self.line_row[old] = REPLACED;
        self.replaced += 1;
        self.row_line[row] = self.starts.len() as u32;
        self.push_line(row as u32, a);
        if self.replaced * 3 > self.starts.len() {
            self.compact();
        }
    }

    fn push_line(&mut self, row: u32, a: &AccountAssessment) {
        self.starts.push(self.text.len());
        self.line_row.push(row);
        push_line(&mut self.text, a);
    }

    /// Drops replaced lines: afterwards line `i` is row `i` again.
    fn compact(&mut self) {
        let mut text = String::with_capacity(self.text.len());
        let mut starts = Vec::with_capacity(self.row_line.len());
        for &line in &self.row_line {
            starts.push(text.len());
            text.push_str(self.line(line as usize));
        }
        self.text = text;
        self.starts = starts;
        self.row_line = (0..self.row_line.len() as u32).collect();
        self.line_row = self.row_line.clone();
        self.replaced = 0;
    }

    /// How many accounts (rows) the index holds.
    pub fn rows(&self) -> usize {
        self.row_line.len()
    }

    /// Whether the filter's pattern matches one row (before inversion): the same answer a
    /// search of the whole index gives for it, at the cost of one line.
    pub fn row_matches(&self, filter: &Filter, row: usize) -> bool {
        let line = self.line(self.row_line[row] as usize);
        let line = line.trim_end_matches('\n');
        match &filter.needle {
            Some(needle) => memchr::memmem::find(line.as_bytes(), needle.as_bytes()).is_some(),
            None => filter.regex.is_match(line),
        }
    }

    /// Per-line answers as per-row answers.
    fn by_row(&self, lines: Vec<bool>) -> Vec<bool> {
        if self.replaced == 0 {
            // Nothing replaced since the last compaction: line `i` is row `i`.
            return lines;
        }
        self.row_line.iter().map(|&l| lines[l as usize]).collect()
    }

    fn line(&self, line: usize) -> &str {
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        &self.text[self.starts[line]..end]
    }

    /// Which rows the filter's pattern matches (before inversion), by row index. `previous`
    /// is the last answer and its filter: when both are plain text and the new text contains
    /// the old, only the rows that matched before can match now.
    pub fn matches(&self, filter: &Filter, previous: Option<(&Filter, &[bool])>) -> Vec<bool> {
        let never = AtomicBool::new(false);
        self.matches_until(filter, previous, &never)
            .unwrap_or_default()
    }

    /// [`SearchIndex::matches`], giving up (`None`) soon after `cancelled` is set: a newer
    /// keystroke has made this answer useless.
    pub fn matches_until(
        &self,
        filter: &Filter,
        previous: Option<(&Filter, &[bool])>,
        cancelled: &AtomicBool,
    ) -> Option<Vec<bool>> {
        let stop =
            |row: usize| row.is_multiple_of(CANCEL_CHECK) && cancelled.load(Ordering::Relaxed);
        if let (Some(needle), Some((old, hits))) = (&filter.needle, previous) {
            let narrows = old
                .needle
                .as_ref()
                .is_some_and(|o| needle.contains(o.as_str()));
            if narrows && hits.len() == self.rows() {
                let finder = memchr::memmem::Finder::new(needle.as_bytes());
                let mut out = Vec::with_capacity(hits.len());
                for (row, &hit) in hits.iter().enumerate() {
                    if stop(row) {
                        return None;
                    }
                    let line = self.line(self.row_line[row] as usize);
                    out.push(hit && finder.find(line.as_bytes()).is_some());
                }
                return Some(out);
            }
        }
        let lines = match &filter.needle {
            Some(needle) => self.scan_literal(needle, stop),
            None => self.scan_regex(&filter.regex, stop),
        }?;
        Some(self.by_row(lines))
    }

    /// Plain text: one substring search over the whole index (per line), skipping to the next line after
    /// each hit. The needle holds no line break, so a hit never spans two lines.
    fn scan_literal(&self, needle: &str, stop: impl Fn(usize) -> bool) -> Option<Vec<bool>> {
        let mut hit = vec![false; self.starts.len()];
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let text = self.text.as_bytes();
        let mut pos = 0;
        while let Some(at) = finder.find(&text[pos..]) {
            let row = self.starts.partition_point(|&s| s <= pos + at) - 1;
            if stop(row) {
                return None;
            }
            hit[row] = true;
            match self.starts.get(row + 1) {
                Some(&next) => pos = next,
                None => break,
            }
        }
        Some(hit)
    }

    /// A regex: one leftmost search over the whole text (per line). A match that stays inside a line
    /// marks that line; one that runs into the next line (possible with `[^x]` or `\s`) is
    /// re-checked on its first line alone. Either way the search resumes at the next line, so
    /// every line is decided by a match that starts in it or by its own check.
    fn scan_regex(&self, regex: &Regex, stop: impl Fn(usize) -> bool) -> Option<Vec<bool>> {
        let mut hit = vec![false; self.starts.len()];
        let mut pos = 0;
        while pos < self.text.len() {
            let Some(m) = regex.find_at(&self.text, pos) else {
                break;
            };
            let row = self.starts.partition_point(|&s| s <= m.start()) - 1;
            if stop(row) {
                return None;
            }
            let next = self.starts.get(row + 1).copied().unwrap_or(self.text.len());
            hit[row] = m.end() < next || regex.is_match(self.line(row).trim_end_matches('\n'));
            pos = next;
        }
        Some(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reclaim_triage::Verdict;

    fn account(name: &str, title: &str) -> AccountAssessment {
        AccountAssessment {
            id: name.into(),
            user_principal_name: format!("{}@x.com", name.to_lowercase()),
            display_name: name.into(),
            job_title: Some(title.into()),
            department: None,
            roles: vec![],
            risk_level: "low".into(),
            risk_state: "atRisk".into(),
            score: 1,
            verdict: Verdict::Clear,
            indicators: vec![],
            account_enabled: None,
            user_type: None,
            high_value: false,
            findings: Default::default(),
            complete: true,
        }
    }

    fn index(rows: &[AccountAssessment]) -> SearchIndex {
        let mut idx = SearchIndex::default();
        rows.iter().for_each(|a| idx.push(a));
        idx
    }

    /// The index's answer equals a per-row check, whatever the pattern.
    #[test]
    fn one_pass_search_equals_checking_each_row() {
        let rows = vec![
            account("Alice", "CFO"),
            account("Bob\nEvil", "Clerk"),
            account("Carol", "Chief Financial Officer"),
            account("Dan", "cfo"),
            account("Ézra", "Président"),
        ];
        let idx = index(&rows);
        for pattern in [
            "cfo",
            "CFO",
            "^b",
            "^d",
            "o$",
            "[^z]+",
            "\\s",
            "a.*o",
            "x*",
            "é",
            "PRÉ",
            "\\W",
            "clerk|dan",
            "chief\\s+fin",
            "(",
        ] {
            let f = Filter::parse(pattern).unwrap();
            let expected: Vec<bool> = (0..rows.len())
                .map(|r| f.regex.is_match(idx.line(r).trim_end_matches('\n')))
                .collect();
            assert_eq!(idx.matches(&f, None), expected, "pattern {pattern:?}");
        }
        let f = Filter::parse("cfo").unwrap();
        assert_eq!(idx.matches(&f, None), [true, false, false, true, false]);
        // A line break in tenant text does not start a new line of the index.
        let f = Filter::parse("^evil").unwrap();
        assert_eq!(idx.matches(&f, None), [false; 5]);
    }

    #[test]
    fn typing_more_text_narrows_the_previous_answer() {
        let rows = vec![
            account("Alice", "CFO"),
            account("Bob", "Clerk"),
            account("Cleo", "Clerks"),
        ];
        let idx = index(&rows);
        let c = Filter::parse("cler").unwrap();
        let hits = idx.matches(&c, None);
        assert_eq!(hits, [false, true, true]);
        let clerk = Filter::parse("CLERK").unwrap();
        // Narrowed from the previous answer, and equal to a fresh search.
        assert_eq!(idx.matches(&clerk, Some((&c, &hits))), [false, true, true]);
        let clerks = Filter::parse("clerks").unwrap();
        assert_eq!(
            idx.matches(&clerks, Some((&clerk, &hits))),
            [false, false, true]
        );
        // Not an extension (or a regex): searched afresh, never narrowed wrongly.
        let alice = Filter::parse("alice").unwrap();
        assert_eq!(idx.matches(&alice, Some((&c, &hits))), [true, false, false]);
        let re = Filter::parse("^(a|c)l").unwrap();
        assert_eq!(idx.matches(&re, Some((&c, &hits))), [true, false, true]);
    }

    #[test]
    fn a_cancelled_search_gives_up() {
        let rows: Vec<_> = (0..5000)
            .map(|i| account(&format!("u{i}"), "Clerk"))
            .collect();
        let idx = index(&rows);
        let f = Filter::parse("clerk").unwrap();
        assert!(idx
            .matches_until(&f, None, &AtomicBool::new(true))
            .is_none());
        assert_eq!(
            idx.matches_until(&f, None, &AtomicBool::new(false))
                .unwrap()
                .len(),
            5000
        );
    }

    /// Re-judged accounts (replaced lines, then a compaction) are searched like a fresh
    /// index of the same accounts, by the whole-index search, narrowing and one row at a time.
    #[test]
    fn replaced_rows_search_like_a_fresh_index() {
        let mut rows: Vec<_> = ["Alice", "Bob", "Carol", "Dan"]
            .iter()
            .map(|n| account(n, "Clerk"))
            .collect();
        let mut idx = index(&rows);
        let titles = ["CFO", "Clerks", "President", "clerk", "Treasurer", "CFO"];
        for (step, title) in titles.iter().enumerate() {
            let row = (step * 3) % rows.len();
            rows[row].job_title = Some(title.to_string());
            idx.replace(row, &rows[row]);
            let fresh = index(&rows);
            for pattern in ["clerk", "cfo", "^d", "r$", "pres|treas", "clerks"] {
                let f = Filter::parse(pattern).unwrap();
                let expected = fresh.matches(&f, None);
                assert_eq!(idx.matches(&f, None), expected, "{pattern} at step {step}");
                let one: Vec<bool> = (0..rows.len()).map(|r| idx.row_matches(&f, r)).collect();
                assert_eq!(one, expected, "{pattern} row by row at step {step}");
            }
            let clerk = Filter::parse("clerk").unwrap();
            let clerks = Filter::parse("clerks").unwrap();
            let hits = idx.matches(&clerk, None);
            assert_eq!(
                idx.matches(&clerks, Some((&clerk, &hits))),
                fresh.matches(&clerks, None)
            );
        }
        // Six replacements of four rows compacted the index at least once.
        assert!(idx.starts.len() < rows.len() + titles.len());
        assert_eq!(idx.rows(), rows.len());
    }
}
