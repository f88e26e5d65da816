//! Server-driven paging: opaque `$skiptoken`s and page collection over large collections.
//!
//! A token holds the position after the last item served, that item's id (so a page resumes
//! correctly even when newer items were inserted at the front meanwhile) and the fingerprint
//! of the query it belongs to (a token replayed with another query is refused).

use crate::error::GraphError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub struct PageToken {
    /// Position in the collection's order of the first item not yet served.
    pub pos: usize,
    /// Id of the last item served.
    pub last_id: String,
    /// Pages of the query served so far (the `LogFaults::next_link_pages` knob counts them).
    pub page: u32,
}

const TOKEN_VERSION: &str = "rc2";

impl PageToken {
    pub fn encode(&self, fingerprint: u64) -> String {
        let raw = format!(
            "{TOKEN_VERSION}|{fingerprint:016x}|{}|{}|{}",
            self.page, self.pos, self.last_id
        );
        URL_SAFE_NO_PAD.encode(raw)
    }

    pub fn decode(token: &str, fingerprint: u64) -> Result<PageToken, GraphError> {
        let invalid = || {
            GraphError::bad_request(
                "The $skiptoken is not valid for this request. Follow @odata.nextLink as returned.",
            )
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(token.trim_end_matches('='))
            .map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let mut parts = text.splitn(5, '|');
        let (Some(ver), Some(fp), Some(page), Some(pos), Some(last_id)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(invalid());
        };
        if ver != TOKEN_VERSION || u64::from_str_radix(fp, 16).ok() != Some(fingerprint) {
            return Err(invalid());
        }
        Ok(PageToken {
            pos: pos.parse().map_err(|_| invalid())?,
            last_id: last_id.to_string(),
            page: page.parse().map_err(|_| invalid())?,
        })
    }
}

pub fn fingerprint(canonical: &str) -> u64 {
    let digest = Sha256::digest(canonical.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// Which positions of the base collection are candidates, in order.
#[derive(Debug, Clone)]
pub enum Candidates<'s> {
    /// Every position.
    All,
    /// A contiguous window (e.g. a time range found by binary search on a sorted log).
    Range(Range<usize>),
    /// Ascending positions from an index (e.g. one user's sign-ins).
    Positions(&'s [u32]),
}

#[derive(Debug)]
pub struct Page<'a, T> {
    pub items: Vec<&'a T>,
    /// Present when more matching items follow.
    pub next: Option<PageToken>,
}

/// Collects up to `top` items of `base` that pass `keep`, starting where `resume` left off.
/// Work is proportional to the positions scanned, never to the whole collection per page.
pub fn collect_page<'a, T, K: AsRef<str>>(
    base: &'a [T],
    candidates: Candidates<'_>,
    resume: Option<&PageToken>,
    id_of: impl Fn(&'a T) -> K,
    keep: impl Fn(&T) -> bool,
    top: usize,
) -> Page<'a, T> {
    let start = resume.map_or(0, |t| resume_position(base, t, &id_of));
    let mut items = Vec::new();
    let mut last = None;
    let mut more = false;
    let mut visit = |pos: usize| -> bool {
        let item = &base[pos];
        if !keep(item) {
            return true;
        }
        if items.len() == top {
            more = true;
            return false;
        }
        items.push(item);
        last = Some(pos);
        true
    };
    match candidates {
        Candidates::All => {
            for pos in start..base.len() {
                if !visit(pos) {
                    break;
                }
            }
        }
        Candidates::Range(r) => {
            for pos in r.start.max(start)..r.end.min(base.len()) {
                if !visit(pos) {
                    break;
                }
            }
        }
        Candidates::Positions(list) => {
            let from = list.partition_point(|&p| (p as usize) < start);
            for &pos in &list[from..] {
                if (pos as usize) < base.len() && !visit(pos as usize) {
                    break;
                }
            }
        }
    }
    let next = match (more, last) {
        (true, Some(pos)) => Some(PageToken {
            pos: pos + 1,
            last_id: id_of(&base[pos]).as_ref().to_string(),
            page: resume.map_or(1, |t| t.page.saturating_add(1)),
        }),
        _ => None,
    };
    Page { items, next }
}

/// Counts the items that pass `keep` (for `@odata.count`).
pub fn count<T>(base: &[T], candidates: Candidates<'_>, keep: impl Fn(&T) -> bool) -> usize {
    match candidates {
        Candidates::All => base.iter().filter(|t| keep(t)).count(),
        Candidates::Range(r) => base[r.start.min(base.len())..r.end.min(base.len())]
            .iter()
            .filter(|t| keep(t))
            .count(),
        Candidates::Positions(list) => list
            .iter()
            .filter_map(|&p| base.get(p as usize))
            .filter(|t| keep(t))
            .count(),
    }
}

/// Where to resume: right after the last item served, found again by id if the collection
/// shifted since (e.g. new sign-ins were inserted at the front).
fn resume_position<'a, T, K: AsRef<str>>(
    base: &'a [T],
    token: &PageToken,
    id_of: &impl Fn(&'a T) -> K,
) -> usize {
    let pos = token.pos.min(base.len());
    if pos > 0 && id_of(&base[pos - 1]).as_ref() == token.last_id {
        return pos;
    }
    match base.iter().position(|t| id_of(t).as_ref() == token.last_id) {
        Some(i) => i + 1,
        None => pos,
    }
}

/// The absolute `@odata.nextLink`: the request URL with its query kept verbatim and the
/// `$skiptoken` replaced.
pub fn next_link(base_url: &str, path: &str, raw_query: Option<&str>, token: &str) -> String {
    let mut parts: Vec<&str> = raw_query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("");
            let decoded = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
            !decoded.eq_ignore_ascii_case("$skiptoken")
        })
        .collect();
    let tok = format!("$skiptoken={token}");
    parts.push(&tok);
    format!(
        "{}{}?{}",
        base_url.trim_end_matches('/'),
        path,
        parts.join("&")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("id{i}")).collect()
    }

    #[test]
    fn token_round_trip_and_fingerprint_check() {
        let t = PageToken {
            pos: 42,
            last_id: "a|b".into(),
            page: 3,
        };
        let s = t.encode(7);
        assert!(!s.contains("42"), "token is opaque: {s}");
        assert_eq!(PageToken::decode(&s, 7).unwrap(), t);
        assert!(PageToken::decode(&s, 8).is_err());
        assert!(PageToken::decode("garbage!", 7).is_err());
        assert!(PageToken::decode(&URL_SAFE_NO_PAD.encode("rc2|zz|1|1|x"), 7).is_err());
    }

    #[test]
    fn pages_cover_everything_once() {
        let base = ids(25);
        let keep = |s: &String| !s.ends_with('3');
        let mut seen = Vec::new();
        let mut token: Option<PageToken> = None;
        let mut pages = 0;
        loop {
            pages += 1;
            let page = collect_page(
                &base,
                Candidates::All,
                token.as_ref(),
                |s| s.as_str(),
                keep,
                4,
            );
            seen.extend(page.items.iter().map(|s| s.to_string()));
            match page.next {
                Some(t) => {
                    assert_eq!(t.page, pages, "the token counts the pages served");
                    token = Some(t)
                }
                None => break,
            }
        }
        let want: Vec<String> = base.iter().filter(|s| keep(s)).cloned().collect();
        assert_eq!(seen, want);
        assert_eq!(count(&base, Candidates::All, keep), want.len());
    }

    #[test]
    fn no_next_link_when_nothing_follows() {
        let base = ids(8);
        let page = collect_page(&base, Candidates::All, None, |s| s.as_str(), |_| true, 8);
        assert_eq!(page.items.len(), 8);
        assert!(page.next.is_none());
    }

    #[test]
    fn positions_and_ranges() {
        let base = ids(10);
        let idx = [1u32, 4, 6, 9];
        let p1 = collect_page(
            &base,
            Candidates::Positions(&idx),
            None,
            |s| s.as_str(),
            |_| true,
            2,
        );
        assert_eq!(p1.items, vec![&base[1], &base[4]]);
        let p2 = collect_page(
            &base,
            Candidates::Positions(&idx),
            p1.next.as_ref(),
            |s| s.as_str(),
            |_| true,
            2,
        );
        assert_eq!(p2.items, vec![&base[6], &base[9]]);
        assert!(p2.next.is_none());
        let r = collect_page(
            &base,
            Candidates::Range(3..5),
            None,
            |s| s.as_str(),
            |_| true,
            10,
        );
        assert_eq!(r.items, vec![&base[3], &base[4]]);
        assert_eq!(count(&base, Candidates::Positions(&idx), |_| true), 4);
    }

    #[test]
    fn resumes_after_front_insertions() {
        let mut base = ids(6);
        let next = collect_page(&base, Candidates::All, None, |s| s.as_str(), |_| true, 3).next;
        base.insert(0, "new".into());
        let p2 = collect_page(
            &base,
            Candidates::All,
            next.as_ref(),
            |s| s.as_str(),
            |_| true,
            3,
        );
        assert_eq!(p2.items, vec!["id3", "id4", "id5"]);
    }

    #[test]
    fn next_link_keeps_query_and_replaces_token() {
        let l = next_link(
            "http://127.0.0.1:9/",
            "/v1.0/users",
            Some("$top=5&%24skiptoken=old&$filter=a%20eq%201"),
            "NEW",
        );
        assert_eq!(
            l,
            "http://127.0.0.1:9/v1.0/users?$top=5&$filter=a%20eq%201&$skiptoken=NEW"
        );
        let l = next_link("http://h", "/beta/x", None, "T");
        assert_eq!(l, "http://h/beta/x?$skiptoken=T");
    }
}
