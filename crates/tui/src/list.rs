//! The accounts table's model: every assessed account, its sort order, the `/` filter, the
//! cursor and the marks. Built for 100,000 rows: sorting and filtering work on row indices and
//! on one precomputed search text per account; the views draw only the visible window.

pub use super::filter::Filter;
use super::filter::SearchIndex;
use reclaim_triage::AccountAssessment;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// See [`AccountList::background_filter_rows`].
pub const BACKGROUND_FILTER_ROWS: usize = 20_000;

/// A batch that re-judges more than this share of the table (1/n) is re-sorted and searched
/// as a whole: cheaper than fitting that many rows in one by one.
const WHOLE_TABLE_SHARE: usize = 4;

/// A background answer is completed on the UI thread for at most this many rows that changed
/// while it was computed; beyond that the search runs again in the background.
const PATCH_ROWS: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    Score,
    Verdict,
    Name,
    Title,
    Department,
    Risk,
    State,
}

impl SortKey {
    pub const ALL: [SortKey; 7] = [
        SortKey::Score,
        SortKey::Verdict,
        SortKey::Name,
        SortKey::Title,
        SortKey::Department,
        SortKey::Risk,
        SortKey::State,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SortKey::Score => "score",
            SortKey::Verdict => "verdict",
            SortKey::Name => "name",
            SortKey::Title => "title",
            SortKey::Department => "department",
            SortKey::Risk => "risk",
            SortKey::State => "state",
        }
    }

    pub fn parse(s: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.name() == s)
    }

    fn next(self) -> SortKey {
        let i = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(i + 1) % SortKey::ALL.len()]
    }

    /// Numbers and severities read best highest first; text A to Z.
    fn natural_descending(self) -> bool {
        matches!(self, SortKey::Score | SortKey::Verdict | SortKey::Risk)
    }
}

/// Identity Protection risk levels, highest first.
pub fn risk_rank(level: &str) -> u8 {
    match level {
        "high" => 4,
        "medium" => 3,
        "low" => 2,
        "hidden" => 1,
        _ => 0,
    }
}

/// Lower-cased sort keys, computed once per account so sorting 100,000 rows stays cheap.
#[derive(Debug, Clone)]
struct Keys {
    name: Box<str>,
    title: Box<str>,
    department: Box<str>,
    state: Box<str>,
}

impl Keys {
    fn of(a: &AccountAssessment) -> Keys {
        let fold = |s: &str| s.to_lowercase().into_boxed_str();
        Keys {
            name: fold(&a.display_name),
            title: fold(a.job_title.as_deref().unwrap_or("")),
            department: fold(a.department.as_deref().unwrap_or("")),
            state: fold(&a.risk_state),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AccountList {
    rows: Vec<AccountAssessment>,
    /// Shared with a background filter job, copied only if rows arrive while it runs.
    index: Arc<SearchIndex>,
    keys: Vec<Keys>,
    by_id: HashMap<String, u32>,
    /// Row indices in sort order.
    order: Vec<u32>,
    /// `order` minus what the filter hides: what the table shows.
    shown: Vec<u32>,
    pub sort: SortKey,
    pub reversed: bool,
    pub filter: Option<Filter>,
    /// The current filter's answer per row (before inversion), reused to narrow the next one
    /// and kept up to date as rows arrive.
    hits: Option<Vec<bool>>,
    /// What changed since a background filter job took its copy of the index.
    job_snapshot: Option<JobSnapshot>,
    pub cursor: usize,
    pub offset: usize,
    /// Marked account ids (multi-select).
    pub marks: BTreeSet<String>,
    /// From this many accounts on, the `/` filter runs as a background job so typing never
    /// waits for a scan.
    pub background_filter_rows: usize,
    /// Changes whenever `shown` is rebuilt, so the presenter knows rows did not just scroll.
    pub generation: u64,
}

/// The rows a background filter job's index copy held, and the rows re-judged since (`None`
/// when too many to patch).
#[derive(Debug, Clone)]
struct JobSnapshot {
    rows: usize,
    rejudged: Option<Vec<u32>>,
}

impl AccountList {
    pub fn new(sort: SortKey) -> Self {
        AccountList {
            rows: Vec::new(),
            index: Arc::default(),
            keys: Vec::new(),
            by_id: HashMap::new(),
            order: Vec::new(),
            shown: Vec::new(),
            sort,
            reversed: false,
            filter: None,
            hits: None,
            job_snapshot: None,
            cursor: 0,
            offset: 0,
            marks: BTreeSet::new(),
            background_filter_rows: BACKGROUND_FILTER_ROWS,
            generation: 0,
        }
    }

    pub fn total(&self) -> usize {
        self.rows.len()
    }

    pub fn shown_len(&self) -> usize {
        self.shown.len()
    }

    /// The account at a position of the shown list.
    pub fn shown_at(&self, pos: usize) -> Option<&AccountAssessment> {
        self.shown.get(pos).map(|&i| &self.rows[i as usize])
    }

    pub fn current(&self) -> Option<&AccountAssessment> {
        self.shown_at(self.cursor)
    }

    pub fn get(&self, id: &str) -> Option<&AccountAssessment> {
        self.by_id.get(id).map(|&i| &self.rows[i as usize])
    }

    pub fn is_marked(&self, id: &str) -> bool {
        self.marks.contains(id)
    }

    /// Adds or updates accounts (a later batch may re-judge one already shown). Only the
    /// batch's rows are sorted, checked against the filter and fitted into the table by binary
    /// search, so a batch costs about a copy of the row order, however large the table. The
    /// cursor stays on its account; marks are kept by account id.
    pub fn upsert(&mut self, batch: Vec<AccountAssessment>) {
        let keep = self.cursor_row();
        let before = self.rows.len();
        let mut changed = Vec::with_capacity(batch.len());
        for a in batch {
            let keys = Keys::of(&a);
            match self.by_id.get(&a.id) {
                Some(&i) => {
                    Arc::make_mut(&mut self.index).replace(i as usize, &a);
                    self.keys[i as usize] = keys;
                    self.rows[i as usize] = a;
                    changed.push(i);
                }
                None => {
                    let i = self.rows.len() as u32;
                    self.by_id.insert(a.id.clone(), i);
                    Arc::make_mut(&mut self.index).push(&a);
                    self.rows.push(a);
                    self.keys.push(keys);
                    changed.push(i);
                }
            }
        }
        // An account may come twice in one batch; new rows are already in index order.
        changed.sort_unstable();
        changed.dedup();
        let rejudged = changed.partition_point(|&i| (i as usize) < before);
        if let Some(snap) = &mut self.job_snapshot {
            let old = changed.iter().filter(|&&i| (i as usize) < snap.rows);
            match &mut snap.rejudged {
                Some(list) if list.len() + rejudged <= PATCH_ROWS => list.extend(old),
                _ => snap.rejudged = None,
            }
        }
        let hits_current = match (&self.filter, &self.hits) {
            (None, _) => true,
            (Some(_), Some(h)) => h.len() == before,
            (Some(_), None) => false,
        };
        // Much of the table re-judged (triage's final ranking), or no answer to extend: sort
        // and search everything.
        if rejudged * WHOLE_TABLE_SHARE > before || !hits_current {
            self.order.extend_from_slice(&changed[rejudged..]);
            self.sort_order();
            self.hits = None;
            self.refilter(keep);
            return;
        }
        if rejudged > 0 {
            // Their sort keys changed: take them out and fit them in again below.
            let mut out = vec![false; self.rows.len()];
            for &i in &changed[..rejudged] {
                out[i as usize] = true;
            }
            self.order.retain(|&i| !out[i as usize]);
            self.shown.retain(|&i| !out[i as usize]);
        }
        if let (Some(f), Some(hits)) = (&self.filter, &mut self.hits) {
            hits.resize(self.rows.len(), false);
            for &i in &changed {
                hits[i as usize] = self.index.row_matches(f, i as usize);
            }
        }
        changed.sort_unstable_by(|&x, &y| self.compare(x, y));
        let mut order = std::mem::take(&mut self.order);
        self.merge_into(&mut order, &changed);
        self.order = order;
        changed.retain(|&i| self.passes(i));
        let mut shown = std::mem::take(&mut self.shown);
        self.merge_into(&mut shown, &changed);
        self.shown = shown;
        self.generation += 1;
        self.place_cursor(keep);
    }

    /// Fits `add` (in table order) into `sorted` (in table order), in place: each added row's
    /// place is found by binary search and the rows after it move up in one copy, from the
    /// back, so a small batch costs a few binary searches and one pass of moves.
    fn merge_into(&self, sorted: &mut Vec<u32>, add: &[u32]) {
        let mut rest = sorted.len();
        sorted.resize(rest + add.len(), 0);
        let mut end = sorted.len();
        for &y in add.iter().rev() {
            let at = sorted[..rest].partition_point(|&x| self.compare(x, y) == Ordering::Less);
            let moved = rest - at;
            sorted.copy_within(at..rest, end - moved);
            end -= moved + 1;
            sorted[end] = y;
            rest = at;
        }
    }

    /// Whether the filter (if any) shows this row; `hits` must cover it.
    fn passes(&self, row: u32) -> bool {
        match (&self.filter, &self.hits) {
            (Some(f), Some(h)) => h[row as usize] != f.inverse,
            _ => true,
        }
    }

    pub fn clear(&mut self) {
        let sort = self.sort;
        let reversed = self.reversed;
        *self = AccountList {
            generation: self.generation + 1,
            background_filter_rows: self.background_filter_rows,
            ..AccountList::new(sort)
        };
        self.reversed = reversed;
    }

    pub fn set_sort(&mut self, sort: SortKey, reversed: bool) {
        self.sort = sort;
        self.reversed = reversed;
        self.resort();
    }

    pub fn sort_next(&mut self) {
        self.set_sort(self.sort.next(), false);
    }

    fn resort(&mut self) {
        let keep = self.cursor_row();
        self.sort_order();
        self.refilter(keep);
    }

    fn cursor_row(&self) -> Option<u32> {
        self.shown.get(self.cursor).copied()
    }

    fn sort_order(&mut self) {
        let mut order = std::mem::take(&mut self.order);
        order.sort_unstable_by(|&x, &y| self.compare(x, y));
        self.order = order;
    }

    /// The table order of two rows: the sort column, then highest score, then name, then load
    /// order, so equal keys never shuffle between frames.
    fn compare(&self, x: u32, y: u32) -> Ordering {
        let (a, b) = (&self.rows[x as usize], &self.rows[y as usize]);
        let (ka, kb) = (&self.keys[x as usize], &self.keys[y as usize]);
        let primary = match self.sort {
            SortKey::Score => a.score.cmp(&b.score),
            SortKey::Verdict => a.verdict.cmp(&b.verdict).then(a.score.cmp(&b.score)),
            SortKey::Name => ka.name.cmp(&kb.name),
            SortKey::Title => ka.title.cmp(&kb.title),
            SortKey::Department => ka.department.cmp(&kb.department),
            SortKey::Risk => risk_rank(&a.risk_level).cmp(&risk_rank(&b.risk_level)),
            SortKey::State => ka.state.cmp(&kb.state),
        };
        let descending = self.sort.natural_descending() != self.reversed;
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        primary
            .then_with(|| b.score.cmp(&a.score))
            .then_with(|| ka.name.cmp(&kb.name))
            .then_with(|| x.cmp(&y))
    }

    /// Applies a new filter (or none), keeping the cursor on the same account when it is
    /// still shown.
    pub fn set_filter(&mut self, filter: Option<Filter>) {
        let keep = self.cursor_row();
        self.job_snapshot = None;
        let previous = self.filter.take().zip(self.hits.take());
        self.hits = filter.as_ref().map(|f| {
            self.index
                .matches(f, previous.as_ref().map(|(pf, h)| (pf, h.as_slice())))
        });
        self.filter = filter;
        self.refilter(keep);
    }

    /// What a background filter job needs: the index and the current answer to narrow. From
    /// here on the list notes which rows change, so the job's answer can be completed.
    pub fn filter_input(&mut self) -> (Arc<SearchIndex>, Option<(Filter, Vec<bool>)>) {
        self.job_snapshot = Some(JobSnapshot {
            rows: self.rows.len(),
            rejudged: Some(Vec::new()),
        });
        let previous = self.filter.clone().zip(self.hits.clone());
        (self.index.clone(), previous)
    }

    /// Applies the latest background job's answer. Rows that arrived or were re-judged while
    /// it ran are checked here, a few at most; false when too much changed (the caller
    /// filters again).
    pub fn apply_filter(&mut self, filter: Filter, mut hits: Vec<bool>) -> bool {
        match self.job_snapshot.take() {
            Some(JobSnapshot {
                rows,
                rejudged: Some(rejudged),
            }) if rows == hits.len() && self.rows.len() - rows + rejudged.len() <= PATCH_ROWS => {
                hits.resize(self.rows.len(), false);
                for row in rejudged
                    .into_iter()
                    .chain(rows as u32..self.rows.len() as u32)
                {
                    hits[row as usize] = self.index.row_matches(&filter, row as usize);
                }
            }
            // An answer not asked for through `filter_input`: usable only as it is.
            None if hits.len() == self.rows.len() => {}
            _ => return false,
        }
        let keep = self.cursor_row();
        self.filter = Some(filter);
        self.hits = Some(hits);
        self.refilter(keep);
        true
    }

    /// Rebuilds `shown` from the whole order (after a new filter or sort).
    fn refilter(&mut self, keep: Option<u32>) {
        self.shown = match &self.filter {
            None => self.order.clone(),
            Some(f) => {
                // Rows were added or changed since the answer was computed: search again.
                if self
                    .hits
                    .as_ref()
                    .is_none_or(|h| h.len() != self.rows.len())
                {
                    self.hits = Some(self.index.matches(f, None));
                }
                let hit = self.hits.as_deref().unwrap_or(&[]);
                self.order
                    .iter()
                    .copied()
                    .filter(|&i| hit[i as usize] != f.inverse)
                    .collect()
            }
        };
        self.generation += 1;
        self.place_cursor(keep);
        // A new filter or sort that hides the cursor's account starts from the top.
        if keep.is_some_and(|row| self.cursor_row() != Some(row)) {
            self.cursor = 0;
        }
    }

    /// Puts the cursor back on `keep`'s row (found by binary search: `shown` is in table
    /// order). If that row is no longer shown, the cursor stays where the row would be.
    fn place_cursor(&mut self, keep: Option<u32>) {
        if let Some(row) = keep {
            self.cursor = match self.shown.binary_search_by(|&x| self.compare(x, row)) {
                Ok(pos) | Err(pos) => pos,
            };
        }
        if self.cursor >= self.shown.len() {
            self.cursor = self.shown.len().saturating_sub(1);
        }
    }

    /// Moves the cursor by `delta` rows, clamped; false when it did not move.
    pub fn move_by(&mut self, delta: isize) -> bool {
        if self.shown.is_empty() {
            return false;
        }
        let last = self.shown.len() - 1;
        let to = (self.cursor as isize + delta).clamp(0, last as isize) as usize;
        let moved = to != self.cursor;
        self.cursor = to;
        moved
    }

    pub fn move_to(&mut self, pos: usize) -> bool {
        let to = pos.min(self.shown.len().saturating_sub(1));
        let moved = to != self.cursor;
        self.cursor = to;
        moved
    }

    /// Scrolls the fewest rows that keep the cursor inside a window of `rows` lines.
    pub fn scroll_into_view(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + rows {
            self.offset = self.cursor + 1 - rows;
        }
        let max_offset = self.shown.len().saturating_sub(rows);
        self.offset = self.offset.min(max_offset);
    }

    pub fn toggle_mark(&mut self) -> bool {
        let Some(id) = self.current().map(|a| a.id.clone()) else {
            return false;
        };
        if !self.marks.remove(&id) {
            self.marks.insert(id);
        }
        true
    }

    pub fn mark_all_shown(&mut self) {
        for &i in &self.shown {
            self.marks.insert(self.rows[i as usize].id.clone());
        }
    }
}

#[cfg(test)]
mod arrival_tests;

#[cfg(test)]
mod tests;
