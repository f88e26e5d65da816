//! Long reads of the sign-in and directory-audit logs, which Graph serves newest first.
//!
//! Two failures of large tenants are answered here rather than by failing the source:
//! - a time range too large for the service (a 5xx or a timeout on its first page) is split in
//!   two and the halves are read, newer first, recursively down to a floor;
//! - a `nextLink` that stops working mid-way (an invalid skip token, a 5xx, a paging loop) is
//!   answered by the same query again with its upper bound at the last record's timestamp.
//!
//! Both rely on the order: every query after the first has an upper bound at or below the
//! oldest record served so far (rounded up to the second), so the only records two queries can
//! both return lie in that last second, and only those records' ids are kept to drop repeats.
//! Filters use `ge` and `le` (the documented operators), so every boundary is inclusive.

use crate::error::GraphError;
use crate::models::{DirectoryAudit, SignIn};
use crate::paging::{Incomplete, Page, Pager};
use chrono::{DateTime, SecondsFormat, Utc};
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use std::collections::{HashSet, VecDeque};

pub type Time = DateTime<Utc>;

/// The smallest time range split further by default.
pub const DEFAULT_FLOOR: chrono::Duration = chrono::Duration::minutes(1);
/// Attempts a log page makes on 5xx and network failures before the range is split or the
/// query restarted (one retry for a passing fault).
pub const LOG_PAGE_ATTEMPTS: u32 = 2;
/// Restarts in a row that bring no new record before the rest of a range is given up.
const MAX_STALLS: u32 = 3;

/// A record of a log served newest first.
pub trait LogRecord {
    fn record_id(&self) -> &str;
    fn record_time(&self) -> Option<Time>;
}

impl LogRecord for SignIn {
    fn record_id(&self) -> &str {
        &self.id
    }
    fn record_time(&self) -> Option<Time> {
        self.created_date_time.as_ref().map(|t| t.0)
    }
}

impl LogRecord for DirectoryAudit {
    fn record_id(&self) -> &str {
        &self.id
    }
    fn record_time(&self) -> Option<Time> {
        self.activity_date_time.as_ref().map(|t| t.0)
    }
}

/// Pages as they arrive, from a [`Pager`] or a [`LogReader`].
pub trait PageSource<T>: Send {
    fn next_page(&mut self) -> BoxFuture<'_, Option<Result<Page<T>, Incomplete>>>;

    /// How a long read got its records (a plain pager: `None`).
    fn log_stats(&self) -> Option<LogStats> {
        None
    }
}

impl<T: DeserializeOwned + Send> PageSource<T> for Pager<T> {
    fn next_page(&mut self) -> BoxFuture<'_, Option<Result<Page<T>, Incomplete>>> {
        Box::pin(Pager::next_page(self))
    }
}

/// What a long read did: records and pages it read, and how it got them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogStats {
    /// Records passed on (repeats dropped).
    pub records: u64,
    pub pages: u32,
    /// Ranges split in two after a 5xx or timeout.
    pub splits: u32,
    /// Queries restarted from the last record's timestamp after paging broke.
    pub restarts: u32,
    /// Records dropped because an earlier query had already returned them.
    pub repeats: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Window {
    from: Time,
    /// `None`: no upper bound (the first query, as any reader would send it).
    to: Option<Time>,
}

struct Reading<T> {
    pager: Pager<T>,
    window: Window,
    /// The oldest record of this query so far, and whether its records came newest first.
    oldest: Option<Time>,
    ordered: bool,
}

/// Builds the pager of one query from its `$filter` and `$top`.
pub type OpenQuery<T> = Box<dyn Fn(&str, u32) -> Pager<T> + Send + Sync>;

/// Reads a log between two instants (see the module docs).
pub struct LogReader<T> {
    open: OpenQuery<T>,
    prop: &'static str,
    extra: Option<String>,
    /// The upper bound to split an unbounded range at.
    until: Time,
    floor: chrono::Duration,
    top: u32,
    /// Ranges still to read, the newest on top.
    pending: Vec<Window>,
    current: Option<Reading<T>>,
    /// Ids of records served within a second of the oldest served (all a later query can
    /// repeat), newest first.
    recent: VecDeque<(String, Time)>,
    recent_ids: HashSet<String>,
    frontier: Option<Time>,
    /// The last restart's bound and the records read when it was made.
    last_restart: Option<(Time, u64)>,
    stalls: u32,
    /// Ranges given up on, and the first error.
    gaps: Vec<String>,
    gap_error: Option<GraphError>,
    stats: LogStats,
    finished: bool,
}

fn text(t: Time) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Rounded up to the whole second (filters are written in seconds; `le` must not cut off
/// the rest of that second).
fn ceil_second(t: Time) -> Time {
    let whole = t - chrono::Duration::nanoseconds(i64::from(t.timestamp_subsec_nanos()));
    if whole == t {
        t
    } else {
        whole + chrono::Duration::seconds(1)
    }
}

/// A failure another range or query can get past: not a refusal (permission, licence,
/// sign-in, read-only) and not the throttle giving up (more requests would not help).
fn recoverable(e: &GraphError) -> bool {
    match e {
        GraphError::MissingPermission { .. }
        | GraphError::Unlicensed { .. }
        | GraphError::Auth(_)
        | GraphError::ReadOnly { .. } => false,
        GraphError::GaveUp { last_status, .. } => *last_status != 429,
        _ => true,
    }
}

/// The service could not answer in time (a 5xx, a timeout, a dropped connection).
fn too_large(e: &GraphError) -> bool {
    match e {
        GraphError::Transport { .. } | GraphError::OutcomeUnknown { .. } => true,
        GraphError::GaveUp { last_status, .. } => *last_status >= 500,
        GraphError::Api { status, .. } => *status >= 500,
        _ => false,
    }
}

impl<T: LogRecord + DeserializeOwned + Send + 'static> LogReader<T> {
    /// `prop` is the time property (`createdDateTime`, `activityDateTime`), `extra` more
    /// conjuncts for every query, `until` where an unbounded range is split (now).
    pub fn new(
        open: OpenQuery<T>,
        prop: &'static str,
        extra: Option<String>,
        from: Time,
        until: Time,
    ) -> Self {
        Self {
            open,
            prop,
            extra,
            until,
            floor: DEFAULT_FLOOR,
            top: 1000,
            pending: vec![Window { from, to: None }],
            current: None,
            recent: VecDeque::new(),
            recent_ids: HashSet::new(),
            frontier: None,
            last_restart: None,
            stalls: 0,
            gaps: Vec::new(),
            gap_error: None,
            stats: LogStats::default(),
            finished: false,
        }
    }

    /// Ranges this short or shorter are not split further.
    pub fn floor(mut self, floor: chrono::Duration) -> Self {
        self.floor = floor.max(chrono::Duration::seconds(1));
        self
    }

    /// Records per page (`$top`; 1,000, the most both logs allow, unless told otherwise).
    pub fn page_size(mut self, top: u32) -> Self {
        self.top = top.clamp(1, 1000);
        self
    }

    pub fn stats(&self) -> LogStats {
        self.stats
    }

    fn filter(&self, w: &Window) -> String {
        let mut f = format!("{} ge {}", self.prop, text(w.from));
        if let Some(to) = w.to {
            f.push_str(&format!(" and {} le {}", self.prop, text(to)));
        }
        if let Some(extra) = &self.extra {
            f.push_str(" and ");
            f.push_str(extra);
        }
        f
    }

    fn gap(&mut self, w: &Window, error: GraphError) {
        let to = w.to.unwrap_or(self.until);
        self.gaps
            .push(format!("{} to {}: {error}", text(w.from), text(to)));
        self.gap_error.get_or_insert(error);
    }

    /// Drops repeats and keeps the ids a later query could repeat.
    fn admit(&mut self, items: Vec<T>, reading: &mut Reading<T>) -> Vec<T> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let Some(t) = item.record_time() else {
                out.push(item);
                continue;
            };
            if self.recent_ids.contains(item.record_id()) {
                self.stats.repeats += 1;
                continue;
            }
            if reading.oldest.is_some_and(|o| t > o) {
                reading.ordered = false;
            }
            reading.oldest = Some(reading.oldest.map_or(t, |o| o.min(t)));
            let frontier = self.frontier.map_or(t, |f| f.min(t));
            self.frontier = Some(frontier);
            self.recent.push_back((item.record_id().to_string(), t));
            self.recent_ids.insert(item.record_id().to_string());
            out.push(item);
        }
        let keep_to = self.frontier.map(ceil_second);
        while let (Some((_, t)), Some(limit)) = (self.recent.front(), keep_to) {
            if *t <= limit {
                break;
            }
            if let Some((id, _)) = self.recent.pop_front() {
                self.recent_ids.remove(&id);
            }
        }
        // Out-of-order records can leave older entries behind newer ones; they age out with
        // the next in-order pass, and the set stays within the boundary second otherwise.
        self.stats.records += out.len() as u64;
        out
    }

    /// Splits the range of a failed first page, or gives it up at the floor.
    fn split_or_give_up(&mut self, w: Window, error: GraphError) {
        let to = w.to.unwrap_or(self.until);
        let span = to - w.from;
        let half = chrono::Duration::seconds(span.num_seconds() / 2);
        if span <= self.floor || half <= chrono::Duration::zero() {
            return self.gap(&w, error);
        }
        let mid = w.from + half;
        tracing::info!(target: "graph", prop = self.prop, from = %text(w.from), to = %text(to), "log range too large for the service; reading its halves");
        self.stats.splits += 1;
        self.pending.push(Window {
            from: w.from,
            to: Some(mid),
        });
        self.pending.push(Window {
            from: mid,
            to: Some(to),
        });
    }

    /// Queries the rest of a range whose paging broke, from its oldest record served.
    fn restart(&mut self, r: Reading<T>, error: GraphError) {
        if !r.ordered {
            // Without the order, "older than the last record" is not "not yet served".
            return self.gap(&r.window, error);
        }
        let bound = r.oldest.map(ceil_second).or(r.window.to);
        // The same bound with no new record since the last restart: no progress (an
        // unbounded query counts as bounded at `until`, so empty pages cannot loop forever).
        let mark = (bound.unwrap_or(self.until), self.stats.records);
        self.stalls = if self.last_restart == Some(mark) {
            self.stalls + 1
        } else {
            0
        };
        if self.stalls >= MAX_STALLS {
            return self.gap(&r.window, error);
        }
        self.last_restart = Some(mark);
        tracing::info!(target: "graph", prop = self.prop, %error, "log paging broke; querying again from the last record's timestamp");
        self.stats.restarts += 1;
        self.pending.push(Window {
            from: r.window.from,
            to: bound,
        });
    }

    /// The next page of new records; `Err` (the last item) says why the read is incomplete.
    pub async fn next_page(&mut self) -> Option<Result<Page<T>, Incomplete>> {
        loop {
            if self.finished {
                return None;
            }
            let mut reading = match self.current.take() {
                Some(r) => r,
                None => match self.pending.pop() {
                    Some(window) => Reading {
                        pager: (self.open)(&self.filter(&window), self.top),
                        window,
                        oldest: None,
                        ordered: true,
                    },
                    None => {
                        self.finished = true;
                        let error = self.gap_error.take()?;
                        let first = self.gaps.first().cloned().unwrap_or_default();
                        return Some(Err(Incomplete::Gaps {
                            count: self.gaps.len(),
                            first,
                            error: Box::new(error),
                        }));
                    }
                },
            };
            match reading.pager.next_page().await {
                None => {}
                Some(Ok(page)) => {
                    self.stats.pages += 1;
                    let items = self.admit(page.items, &mut reading);
                    let page = Page {
                        items,
                        number: self.stats.pages,
                        has_more: page.has_more || !self.pending.is_empty(),
                        ..page
                    };
                    self.current = Some(reading);
                    return Some(Ok(page));
                }
                Some(Err(Incomplete::Failed { pages, error })) => {
                    let error = *error;
                    if !recoverable(&error) {
                        self.finished = true;
                        return Some(Err(Incomplete::Failed {
                            pages: self.stats.pages,
                            error: Box::new(error),
                        }));
                    }
                    if pages == 0 {
                        if too_large(&error) {
                            self.split_or_give_up(reading.window, error);
                        } else if self.stats.pages == 0 && self.pending.is_empty() {
                            // The query itself is refused (a bad filter): nothing to read.
                            self.finished = true;
                            return Some(Err(Incomplete::Failed {
                                pages: 0,
                                error: Box::new(error),
                            }));
                        } else {
                            self.gap(&reading.window, error);
                        }
                    } else {
                        self.restart(reading, error);
                    }
                }
                Some(Err(Incomplete::Loop { pages, .. })) => {
                    let error = GraphError::Invalid(format!(
                        "Graph returned a next link it had already returned, after {pages} pages"
                    ));
                    self.restart(reading, error);
                }
                Some(Err(stop)) => {
                    // A cap: reported, never passed over.
                    self.finished = true;
                    return Some(Err(stop));
                }
            }
        }
    }
}

impl<T: LogRecord + DeserializeOwned + Send + 'static> PageSource<T> for LogReader<T> {
    fn next_page(&mut self) -> BoxFuture<'_, Option<Result<Page<T>, Incomplete>>> {
        Box::pin(LogReader::next_page(self))
    }

    fn log_stats(&self) -> Option<LogStats> {
        Some(self.stats)
    }
}

#[cfg(test)]
#[path = "log_reader_tests.rs"]
mod tests;
