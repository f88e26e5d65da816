//! System query options (`$filter $select $top $count $search $orderby $expand $skiptoken`)
//! parsed against what an endpoint declares, with Graph's ConsistencyLevel rules.

use super::expand::parse_expand;
use super::paging::{fingerprint, PageToken};
use super::parser::{parse_filter, Expr};
use super::spec::{check, FilterInfo, FilterSpec};
use crate::error::GraphError;

/// What an endpoint supports. Anything not declared is refused with 400.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    /// The type name in messages, e.g. `microsoft.graph.user`.
    pub entity: &'static str,
    pub filter: Option<&'static FilterSpec>,
    /// Property names `$select` accepts; empty = `$select` is refused.
    pub select: &'static [&'static str],
    /// Default and maximum page size; `None` = not paged and `$top` is refused.
    pub page: Option<(usize, usize)>,
    /// `$count=true` is understood (directory collections, with ConsistencyLevel).
    pub count: bool,
    /// Properties `$search` accepts; empty = `$search` is refused.
    pub search: &'static [&'static str],
    pub orderby: &'static [&'static str],
    pub expand: &'static [&'static str],
    /// A directory collection: ConsistencyLevel rules apply.
    pub directory: bool,
}

impl Caps {
    /// No query option at all (e.g. `/authentication/methods`).
    pub const NONE: Caps = Caps {
        entity: "",
        filter: None,
        select: &[],
        page: None,
        count: false,
        search: &[],
        orderby: &[],
        expand: &[],
        directory: false,
    };
}

/// One `$search` clause, `"property:term"`.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchTerm {
    pub property: String,
    pub term: String,
}

/// `$search`: OR of AND-groups of clauses.
pub type Search = Vec<Vec<SearchTerm>>;

#[derive(Debug, Clone, Default)]
pub struct Query {
    pub filter: Option<Expr>,
    pub filter_info: FilterInfo,
    pub select: Option<Vec<String>>,
    /// The effective page size.
    pub top: usize,
    /// `$top` as given.
    pub top_given: Option<usize>,
    /// `@odata.count` must be returned (only honoured with ConsistencyLevel: eventual).
    pub count: bool,
    pub search: Option<Search>,
    /// `(property, descending)`.
    pub orderby: Vec<(String, bool)>,
    pub expand: Vec<String>,
    /// `$select` inside an expansion, e.g. `manager($select=id,displayName)`.
    pub expand_selects: Vec<(String, Vec<String>)>,
    pub token: Option<PageToken>,
    /// `ConsistencyLevel: eventual` was sent.
    pub eventual: bool,
    /// Fingerprint of everything but `$skiptoken`: a token only resumes the query it came from.
    pub fingerprint: u64,
}

impl Query {
    /// Parses `raw` (the URL's query string) for an endpoint with `caps`. `path` is part of
    /// the fingerprint, so a skip token only resumes the collection and query it came from.
    pub fn parse(
        raw: Option<&str>,
        eventual: bool,
        path: &str,
        caps: &Caps,
    ) -> Result<Query, GraphError> {
        let mut opts: Vec<(String, String)> = Vec::new();
        for (k, v) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if !k.starts_with('$') {
                continue;
            }
            let key = k.to_ascii_lowercase();
            if opts.iter().any(|(seen, _)| *seen == key) {
                return Err(GraphError::bad_request(format!(
                    "Query option '{k}' was specified more than once, but it must be specified at most once."
                )));
            }
            opts.push((key, v.into_owned()));
        }
        let mut q = Query {
            eventual,
            ..Query::default()
        };
        let mut count_param = false;
        let mut skiptoken = None;
        for (key, value) in &opts {
            match key.as_str() {
                "$filter" if caps.filter.is_some() => {
                    let spec = caps.filter.unwrap_or(&EMPTY_SPEC);
                    let (expr, info) = check(&parse_filter(value)?, spec)?;
                    q.filter = Some(expr);
                    q.filter_info = info;
                }
                "$select" if !caps.select.is_empty() => q.select = Some(parse_select(value, caps)?),
                "$top" if caps.page.is_some() => q.top_given = Some(parse_top(value)?),
                "$count" if caps.count => {
                    count_param = match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(GraphError::bad_request(format!(
                                "Invalid value '{value}' for $count query option found. The $count query option requires a Boolean value."
                            )))
                        }
                    }
                }
                "$search" if !caps.search.is_empty() => q.search = Some(parse_search(value, caps)?),
                "$orderby" if !caps.orderby.is_empty() => q.orderby = parse_orderby(value, caps)?,
                "$expand" if !caps.expand.is_empty() => {
                    (q.expand, q.expand_selects) = parse_expand(value, caps)?
                }
                "$skiptoken" if caps.page.is_some() => skiptoken = Some(value.clone()),
                "$skip" if caps.directory => {
                    return Err(GraphError::bad_request(
                        "'$skip' is not supported by the service.",
                    ))
                }
                other => {
                    return Err(GraphError::unsupported_query(format!(
                        "The query specified in the URI is not valid. Query option '{}' is not allowed.",
                        other.trim_start_matches('$')
                    )))
                }
            }
        }
        if caps.directory {
            directory_rules(&q, count_param)?;
        }
        q.count = count_param && eventual;
        if let Some((default, max)) = caps.page {
            q.top = default;
            q.check_top(max)?;
            if let Some(n) = q.top_given {
                q.top = n;
            }
        }
        let mut canon: Vec<String> = opts
            .iter()
            .filter(|(k, _)| k != "$skiptoken")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        canon.sort();
        q.fingerprint = fingerprint(&format!(
            "{}?{}",
            path.to_ascii_lowercase(),
            canon.join("&")
        ));
        if let Some(tok) = skiptoken {
            q.token = Some(PageToken::decode(&tok, q.fingerprint)?);
        }
        Ok(q)
    }

    /// The nested `$select` of an expansion, if one was given.
    pub fn expand_select(&self, navigation: &str) -> Option<&[String]> {
        self.expand_selects
            .iter()
            .find(|(n, _)| n == navigation)
            .map(|(_, s)| s.as_slice())
    }

    /// Checks `$top` against a maximum; endpoints call it again when the maximum depends on
    /// the query (users: 500 when `signInActivity` is selected or filtered).
    pub fn check_top(&mut self, max: usize) -> Result<(), GraphError> {
        if let Some(n) = self.top_given {
            if n < 1 || n > max {
                return Err(GraphError::unsupported_query(format!(
                    "Invalid page size specified: '{n}'. Must be between 1 and {max} inclusive."
                )));
            }
        }
        self.top = self.top.min(max);
        Ok(())
    }
}

const EMPTY_SPEC: FilterSpec = FilterSpec {
    entity: "",
    props: &[],
    directory: false,
};

/// Advanced queries on directory objects need `ConsistencyLevel: eventual` (+ `$count=true`).
fn directory_rules(q: &Query, count_param: bool) -> Result<(), GraphError> {
    if q.search.is_some() && !q.eventual {
        return Err(GraphError::unsupported_query(
            "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
        ));
    }
    let advanced = q.filter_info.advanced || (!q.orderby.is_empty() && q.filter.is_some());
    if advanced && !(q.eventual && count_param) {
        let what = if q.filter_info.advanced {
            "Operator 'ne', 'not' or 'endsWith'"
        } else {
            "Sorting with filtering"
        };
        return Err(GraphError::unsupported_query(format!(
            "{what} is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information"
        )));
    }
    Ok(())
}

fn parse_top(value: &str) -> Result<usize, GraphError> {
    let n: i64 = value.trim().parse().map_err(|_| {
        GraphError::bad_request(format!(
            "Invalid value '{value}' for $top query option found. The $top query option requires a non-negative integer value."
        ))
    })?;
    if n < 0 {
        return Err(GraphError::bad_request(format!(
            "Invalid value '{value}' for $top query option found. The $top query option requires a non-negative integer value."
        )));
    }
    Ok(n as usize)
}

pub(super) fn find_prop(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().find(|p| p.eq_ignore_ascii_case(name)).copied()
}

fn no_property(name: &str, caps: &Caps) -> GraphError {
    GraphError::bad_request(format!(
        "Could not find a property named '{name}' on type '{}'.",
        caps.entity
    ))
}

fn parse_select(value: &str, caps: &Caps) -> Result<Vec<String>, GraphError> {
    let mut out = Vec::new();
    for name in value.split(',').map(str::trim) {
        if name.is_empty() {
            return Err(GraphError::bad_request(
                "Invalid $select: empty property name.",
            ));
        }
        let canon = find_prop(caps.select, name).ok_or_else(|| no_property(name, caps))?;
        if !out.iter().any(|p| p == canon) {
            out.push(canon.to_string());
        }
    }
    Ok(out)
}

fn parse_orderby(value: &str, caps: &Caps) -> Result<Vec<(String, bool)>, GraphError> {
    let mut out = Vec::new();
    for item in value.split(',').map(str::trim) {
        let mut words = item.split_whitespace();
        let name = words.next().unwrap_or("");
        let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(GraphError::bad_request(format!(
                    "Invalid $orderby direction '{other}'."
                )))
            }
        };
        let canon = find_prop(caps.orderby, name).ok_or_else(|| {
            GraphError::unsupported_query(format!(
                "Sorting by '{name}' is not supported on '{}'.",
                caps.entity
            ))
        })?;
        out.push((canon.to_string(), desc));
    }
    Ok(out)
}

/// `"displayName:ann" AND "mail:ann" OR "jobTitle:cfo"`; every clause must be quoted.
fn parse_search(value: &str, caps: &Caps) -> Result<Search, GraphError> {
    let bad = || {
        GraphError::bad_request(format!(
            "Syntax error: '{value}' is not a valid $search. Use \"property:value\" clauses in double quotes."
        ))
    };
    let mut groups: Search = vec![Vec::new()];
    let mut rest = value.trim();
    let mut expect_clause = true;
    while !rest.is_empty() {
        if expect_clause {
            let body = rest.strip_prefix('"').ok_or_else(bad)?;
            let end = body.find('"').ok_or_else(bad)?;
            let (prop, term) = body[..end].split_once(':').ok_or_else(bad)?;
            let canon = find_prop(caps.search, prop.trim()).ok_or_else(|| {
                GraphError::bad_request(format!(
                    "Property '{prop}' is not supported for $search on '{}'.",
                    caps.entity
                ))
            })?;
            if let Some(g) = groups.last_mut() {
                g.push(SearchTerm {
                    property: canon.to_string(),
                    term: term.trim().to_string(),
                });
            }
            rest = body[end + 1..].trim_start();
            expect_clause = false;
        } else {
            let (word, tail) = rest.split_once(char::is_whitespace).ok_or_else(bad)?;
            match word {
                "AND" => {}
                "OR" => groups.push(Vec::new()),
                _ => return Err(bad()),
            }
            rest = tail.trim_start();
            expect_clause = true;
        }
    }
    if expect_clause {
        return Err(bad());
    }
    Ok(groups)
}

/// Graph's tokenized search: every word of the term is a prefix of some word of the value.
pub fn search_matches(value: &str, term: &str) -> bool {
    let words: Vec<String> = value
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    term.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|t| {
            let t = t.to_lowercase();
            words.iter().any(|w| w.starts_with(&t))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::spec::{ops::*, rule, PropType};

    const SPEC: FilterSpec = FilterSpec {
        entity: "microsoft.graph.user",
        props: &[rule("displayName", PropType::Str, EQ | NE | STARTS)],
        directory: true,
    };
    const USERS: Caps = Caps {
        entity: "microsoft.graph.user",
        filter: Some(&SPEC),
        select: &["id", "displayName"],
        page: Some((100, 999)),
        count: true,
        search: &["displayName"],
        orderby: &["displayName"],
        expand: &[],
        directory: true,
    };

    fn parse(raw: &str, eventual: bool) -> Result<Query, GraphError> {
        let mut q = Query::parse(Some(raw), eventual, "/v1.0/users", &USERS)?;
        q.check_top(999)?;
        Ok(q)
    }

    #[test]
    fn top_defaults_and_limits() {
        assert_eq!(parse("", false).unwrap().top, 100);
        assert_eq!(parse("$top=5", false).unwrap().top, 5);
        let e = parse("$top=1000", false).unwrap_err();
        assert_eq!(e.code, "Request_UnsupportedQuery");
        assert_eq!(
            e.message,
            "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."
        );
        assert!(parse("$top=0", false).is_err());
        assert!(parse("$top=abc", false).is_err());
    }

    #[test]
    fn consistency_level_rules() {
        assert!(parse("$filter=displayName%20ne%20'a'", false).is_err());
        assert!(parse("$filter=displayName ne 'a'&$count=true", false).is_err());
        assert!(parse("$filter=displayName+ne+'a'", true).is_err());
        assert!(parse("$filter=displayName+ne+'a'&$count=true", true).is_ok());
        assert!(parse("$search=\"displayName:ann\"", false).is_err());
        assert!(parse("$search=\"displayName:ann\"", true).is_ok());
        assert!(parse(
            "$orderby=displayName&$filter=startswith(displayName,'a')",
            false
        )
        .is_err());
        assert!(parse("$orderby=displayName", false).is_ok());
        // $count without the header is ignored, not an error.
        let q = parse("$count=true", false).unwrap();
        assert!(!q.count);
        assert!(parse("$count=true", true).unwrap().count);
    }

    #[test]
    fn refuses_unknown_and_duplicate_options() {
        assert!(parse("$skip=10", false).is_err());
        assert!(parse("$apply=x", false).is_err());
        assert!(parse("$top=1&$top=2", false).is_err());
        assert!(parse("$select=nope", false).is_err());
        assert!(parse("$expand=manager", false).is_err());
        assert!(parse("$orderby=id", false).is_err());
        let none = Query::parse(Some("$top=1"), false, "/x", &Caps::NONE);
        assert!(none.is_err());
        // Non-system parameters are left alone.
        assert!(parse("foo=bar", false).is_ok());
    }

    #[test]
    fn select_and_search_parse() {
        let q = parse("$select=ID,displayName,id", false).unwrap();
        assert_eq!(q.select.unwrap(), vec!["id", "displayName"]);
        let q = parse(
            "$search=\"displayName:ann\" OR \"displayName:bob smith\"",
            true,
        )
        .unwrap();
        let s = q.search.unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[1][0].term, "bob smith");
        for bad in [
            "displayName:ann",
            "\"displayName:ann",
            "\"displayName:a\" XOR \"displayName:b\"",
            "\"displayName:a\" AND",
        ] {
            assert!(parse(&format!("$search={bad}"), true).is_err(), "{bad}");
        }
        assert!(search_matches("Joanne Ann-Marie Smith", "ann"));
        assert!(search_matches("Joanne Ann-Marie Smith", "mar smi"));
        assert!(!search_matches("Joanne Smith", "anne"));
    }

    #[test]
    fn fingerprint_ignores_skiptoken_and_order() {
        let a = parse("$top=5&$select=id", false).unwrap();
        let b = parse("$select=id&$top=5", false).unwrap();
        let c = parse("$top=6&$select=id", false).unwrap();
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_ne!(a.fingerprint, c.fingerprint);
    }
}
