//! A scheduler that keeps requests within Graph's throttle scopes (REFERENCE §1) instead of
//! bouncing off 429s, and the retry delays used when the service throttles anyway.
//!
//! One scheduler serves one client, i.e. one app in one tenant, so every scope key is
//! implicitly "per app+tenant" (or "per tenant" for Identity Protection, which is stricter).
//!
//! Every request carries a [`Priority`]. Operator work (open an account, plan, apply,
//! verification read-backs, undo) is granted start times in arrival order (FIFO per scope),
//! so it never starves nor stampedes when a window opens. Background work (the triage gather,
//! prefetch) holds no place in that queue: it starts only when its scope has room *now* and
//! no operator request is booked ahead of it, so an operator request issued while the gather
//! holds a budget takes the next free slot. While the operator is at work (an operator grant
//! in the last [`Limits::operator_engaged_for`]) background work also takes no slot of a
//! small window (the reports' five, Identity Protection's one) and leaves a fifth of larger
//! ones free for the operator's next requests. A background request that has waited
//! [`Limits::background_max_wait`] joins the FIFO queue like operator work: it is never starved
//! for good. docs/throttling.md tells the whole story.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// The throttle bucket a request falls in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ThrottleScope {
    /// riskyUsers, history, riskDetections: 1 request/s per tenant, all apps, no Retry-After.
    IdentityProtection,
    /// signIns, directoryAudits: 5 requests/10 s per app+tenant.
    Reports,
    /// Outlook (rules, folders, mailbox settings): 4 concurrent and 10,000/10 min per mailbox.
    Outlook { mailbox: String },
    /// Identity and access (users, roles, methods, grants): resource units per 10 s and a
    /// write budget per 150 s.
    Directory { cost: u32, write: bool },
}

impl ThrottleScope {
    /// A short label for progress output.
    pub fn label(&self) -> String {
        match self {
            ThrottleScope::IdentityProtection => "identity protection".into(),
            ThrottleScope::Reports => "reports".into(),
            ThrottleScope::Outlook { mailbox } => format!("mailbox {mailbox}"),
            ThrottleScope::Directory { write: true, .. } => "directory writes".into(),
            ThrottleScope::Directory { .. } => "directory".into(),
        }
    }

    /// Directory resource-unit cost of a request (REFERENCE §1: base 1, users/grants/memberOf 2,
    /// `$select` -1, `$expand` +1, `$top` < 20 -1, minimum 1; writes 1).
    pub fn directory(path_and_query: &str, write: bool) -> Self {
        if write {
            return ThrottleScope::Directory { cost: 1, write };
        }
        let lower = path_and_query.to_ascii_lowercase();
        let path = lower.split('?').next().unwrap_or("");
        let mut cost: i32 = if path.ends_with("/users")
            || path.contains("oauth2permissiongrants")
            || path.contains("/memberof")
        {
            2
        } else {
            1
        };
        if lower.contains("$select=") {
            cost -= 1;
        }
        if lower.contains("$expand=") {
            cost += 1;
        }
        if let Some(top) = lower
            .split("$top=")
            .nth(1)
            .and_then(|t| t.split('&').next())
            .and_then(|t| t.parse::<u32>().ok())
        {
            if top < 20 {
                cost -= 1;
            }
        }
        ThrottleScope::Directory {
            cost: cost.max(1) as u32,
            write,
        }
    }
}

/// Who is waiting for a request: the operator (served first) or background work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Priority {
    /// Triage's gather, prefetch: yields to operator work in every scope.
    Background,
    /// Work the operator started and is waiting for.
    #[default]
    Operator,
}

/// One sliding-window limit: at most `limit` cost units started in any `period`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub limit: u32,
    pub period: Duration,
}

/// The limits the scheduler keeps to, with safety margins over the published numbers
/// (arrival jitter on the network must not push two requests into one window).
#[derive(Debug, Clone)]
pub struct Limits {
    pub identity_protection: Window,
    pub reports: Window,
    pub directory_units: Window,
    pub directory_writes: Window,
    pub mailbox_requests: Window,
    pub mailbox_concurrency: usize,
    /// Background requests in flight at once across all scopes.
    pub global_concurrency: usize,
    /// Operator requests in flight at once: their own lane, so background requests holding
    /// every transport slot cannot delay them.
    pub operator_concurrency: usize,
    /// How long after an operator grant background work keeps headroom free for the next.
    pub operator_engaged_for: Duration,
    /// A background request waiting this long is queued like operator work (never starved).
    pub background_max_wait: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            identity_protection: Window {
                limit: 1,
                period: Duration::from_millis(1150),
            },
            reports: Window {
                limit: 5,
                period: Duration::from_millis(10_600),
            },
            // The smallest tenant size's budget (3,500 RU/10 s), so any tenant is safe.
            directory_units: Window {
                limit: 3_000,
                period: Duration::from_secs(10),
            },
            directory_writes: Window {
                limit: 2_800,
                period: Duration::from_secs(150),
            },
            mailbox_requests: Window {
                limit: 9_500,
                period: Duration::from_secs(600),
            },
            mailbox_concurrency: 4,
            global_concurrency: 16,
            operator_concurrency: 8,
            operator_engaged_for: Duration::from_secs(20),
            background_max_wait: Duration::from_secs(30),
        }
    }
}

impl Limits {
    /// No rate limits (concurrency caps stay): for a server that throttles nothing, such as
    /// the simulator's `fast` profile.
    pub fn none() -> Self {
        let open = Window {
            limit: u32::MAX / 4,
            period: Duration::from_millis(1),
        };
        Self {
            identity_protection: open,
            reports: open,
            directory_units: open,
            directory_writes: open,
            mailbox_requests: open,
            ..Self::default()
        }
    }

    /// Every window and wait divided by `factor` (limits unchanged): with the simulator's
    /// limits scaled alike (`reclaim_sim::knobs::Knobs::time_scaled`), a benchmark runs
    /// `factor` times faster and its ratios to the throttle bound stay what they are.
    pub fn time_scaled(&self, factor: f64) -> Self {
        let f = factor.max(1e-3);
        let w = |w: Window| Window {
            limit: w.limit,
            period: w.period.div_f64(f),
        };
        Self {
            identity_protection: w(self.identity_protection),
            reports: w(self.reports),
            directory_units: w(self.directory_units),
            directory_writes: w(self.directory_writes),
            mailbox_requests: w(self.mailbox_requests),
            operator_engaged_for: self.operator_engaged_for.div_f64(f),
            background_max_wait: self.background_max_wait.div_f64(f),
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Bucket {
    IdentityProtection,
    Reports,
    DirectoryUnits,
    DirectoryWrites,
    Mailbox(String),
}

#[derive(Debug, Default)]
struct BucketState {
    /// Granted start times (non-decreasing) and their cost.
    starts: VecDeque<(Instant, u32)>,
    /// No start before this (a Retry-After or backoff the service asked for).
    blocked_until: Option<Instant>,
    /// The latest start booked in the FIFO queue: background work starts only after it.
    booked: Option<Instant>,
}

impl BucketState {
    fn earliest_start(&self, window: Window, cost: u32, from: Instant) -> Instant {
        self.earliest_start_leaving(window, cost, from, 0)
    }

    /// The earliest start that leaves `headroom` units of the window unused.
    fn earliest_start_leaving(
        &self,
        window: Window,
        cost: u32,
        from: Instant,
        headroom: u32,
    ) -> Instant {
        let mut t = from;
        if let Some(b) = self.blocked_until {
            t = t.max(b);
        }
        if let Some(&(last, _)) = self.starts.back() {
            t = t.max(last); // FIFO: never ahead of an earlier grant
        }
        let cost = cost.min(window.limit);
        let limit = window.limit.saturating_sub(headroom).max(cost);
        loop {
            let used: u32 = self
                .starts
                .iter()
                .filter(|(s, _)| *s + window.period > t)
                .map(|(_, c)| *c)
                .sum();
            if used + cost <= limit {
                return t;
            }
            // Move to when the oldest start still inside the window leaves it.
            match self.starts.iter().find(|(s, _)| *s + window.period > t) {
                Some(&(s, _)) => t = s + window.period,
                None => return t,
            }
        }
    }

    fn record(&mut self, at: Instant, cost: u32, window: Window) {
        while self
            .starts
            .front()
            .is_some_and(|(s, _)| *s + window.period <= at)
        {
            self.starts.pop_front();
        }
        self.starts.push_back((at, cost));
    }
}

/// The scheduling arithmetic, separate from waiting so it can be tested with explicit times.
#[derive(Debug)]
pub struct SchedulerCore {
    limits: Limits,
    buckets: HashMap<Bucket, BucketState>,
    /// The last start granted to operator work (background keeps headroom until it is old).
    last_operator: Option<Instant>,
    /// Buckets kept free of background work until the instant given ([`Self::hold`]).
    held: HashMap<Bucket, Instant>,
}

impl SchedulerCore {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            buckets: HashMap::new(),
            last_operator: None,
            held: HashMap::new(),
        }
    }

    /// Keeps `scope`'s budget free of background work until `until`: for the operator's first
    /// requests, expected but not yet sent (the console's start, when the responder is about
    /// to open the top account; its history fills the reports' window on its own).
    pub fn hold(&mut self, scope: &ThrottleScope, until: Instant) {
        for (bucket, _, _) in self.windows(scope, 1) {
            let e = self.held.entry(bucket).or_insert(until);
            *e = (*e).max(until);
        }
    }

    /// Operator work started within [`Limits::operator_engaged_for`] of `now`.
    pub fn operator_engaged(&self, now: Instant) -> bool {
        self.last_operator
            .is_some_and(|t| now.saturating_duration_since(t) < self.limits.operator_engaged_for)
    }

    /// When operator engagement (if any) ends, unless the operator starts again.
    fn engaged_until(&self) -> Option<Instant> {
        self.last_operator
            .map(|t| t + self.limits.operator_engaged_for)
    }

    /// Background work: starts `count` requests of `scope` at `now` if every bucket has room
    /// now (leaving room for the operator while engaged: all of a small window, a fifth of
    /// large ones) and
    /// no grant is booked later than `now`. Otherwise books nothing and says when to ask again.
    pub fn try_start_background(
        &mut self,
        scope: &ThrottleScope,
        count: u32,
        now: Instant,
    ) -> Result<(), Instant> {
        let windows = self.windows(scope, count.max(1));
        let engaged = self.operator_engaged(now);
        let mut later = now;
        for (bucket, window, cost) in &windows {
            if let Some(h) = self.held.get(bucket).filter(|h| **h > now) {
                later = later.max(*h);
                continue;
            }
            let headroom = match bucket {
                _ if !engaged => 0,
                Bucket::Mailbox(_) => 0,
                // A few slots (the reports' five, Identity Protection's one): a single
                // background start makes the operator's next read wait a whole window (the
                // open account's history and the plan's methods fill the reports' five), so
                // background takes none of such a window while the operator is engaged.
                _ if window.limit <= 10 => {
                    later = later.max(self.engaged_until().unwrap_or(now));
                    continue;
                }
                _ => window.limit / 5,
            };
            let Some(state) = self.buckets.get(bucket) else {
                continue;
            };
            let mut e = state.earliest_start_leaving(*window, *cost, now, headroom);
            if let Some(b) = state.booked.filter(|b| *b >= now) {
                e = e.max(b + Duration::from_millis(1));
            }
            later = later.max(e);
        }
        if later > now {
            return Err(later);
        }
        for (bucket, window, cost) in windows {
            self.buckets
                .entry(bucket)
                .or_default()
                .record(now, cost.min(window.limit), window);
        }
        Ok(())
    }

    fn windows(&self, scope: &ThrottleScope, count: u32) -> Vec<(Bucket, Window, u32)> {
        let l = &self.limits;
        match scope {
            ThrottleScope::IdentityProtection => {
                vec![(Bucket::IdentityProtection, l.identity_protection, count)]
            }
            ThrottleScope::Reports => vec![(Bucket::Reports, l.reports, count)],
            ThrottleScope::Outlook { mailbox } => vec![(
                Bucket::Mailbox(mailbox.to_ascii_lowercase()),
                l.mailbox_requests,
                count,
            )],
            ThrottleScope::Directory { cost, write } => {
                let mut v = vec![(Bucket::DirectoryUnits, l.directory_units, cost * count)];
                if *write {
                    v.push((Bucket::DirectoryWrites, l.directory_writes, count));
                }
                v
            }
        }
    }

    /// Grants `count` requests of `scope` one common start time at or after `now`, and records
    /// them. `count` > 1 is for `$batch` items, which the service counts on arrival together.
    pub fn reserve(&mut self, scope: &ThrottleScope, count: u32, now: Instant) -> Instant {
        let windows = self.windows(scope, count.max(1));
        let mut t = now;
        // Iterate until every bucket accepts the same instant (each only moves t forward).
        loop {
            let mut moved = false;
            for (bucket, window, cost) in &windows {
                let state = self.buckets.entry(bucket.clone()).or_default();
                let e = state.earliest_start(*window, *cost, t);
                if e > t {
                    t = e;
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
        for (bucket, window, cost) in windows {
            let state = self.buckets.entry(bucket).or_default();
            state.record(t, cost.min(window.limit), window);
            state.booked = Some(state.booked.map_or(t, |b| b.max(t)));
        }
        t
    }

    /// [`Self::reserve`] for operator work, which engages background headroom.
    pub fn reserve_operator(&mut self, scope: &ThrottleScope, count: u32, now: Instant) -> Instant {
        let t = self.reserve(scope, count, now);
        self.last_operator = Some(self.last_operator.map_or(t, |l| l.max(t)));
        t
    }

    /// The service throttled this scope: nothing starts in it before `until`.
    pub fn block_until(&mut self, scope: &ThrottleScope, until: Instant) {
        for (bucket, _, _) in self.windows(scope, 1) {
            let state = self.buckets.entry(bucket).or_default();
            state.blocked_until = Some(state.blocked_until.map_or(until, |b| b.max(until)));
        }
    }

    /// How many requests at most one `$batch` may carry for a scope so that they fit one
    /// window together.
    pub fn burst(&self, scope: &ThrottleScope) -> usize {
        match scope {
            ThrottleScope::IdentityProtection => self.limits.identity_protection.limit as usize,
            ThrottleScope::Reports => self.limits.reports.limit as usize,
            ThrottleScope::Outlook { .. } => 20,
            ThrottleScope::Directory { .. } => 20,
        }
    }
}

mod scheduler;
pub use scheduler::{Scheduler, ThrottlePermit, ThrottleWait, WaitHook};

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The guarded data stays consistent on every path; a panic elsewhere must not wedge it.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `Retry-After`: seconds (possibly fractional, `2.128`) or an HTTP date. `None` when absent
/// or unreadable, so the caller uses its own backoff.
pub fn parse_retry_after(
    value: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let v = value?.trim();
    if let Ok(secs) = v.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(3600.0)));
        }
        return None;
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - now;
    Some(
        delta
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(Duration::from_secs(3600)),
    )
}

/// Jittered exponential backoff (from `backon`) for retries the service gave no delay for.
pub fn backoff() -> impl Iterator<Item = Duration> {
    use backon::BackoffBuilder;
    backon::ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(500))
        .with_max_delay(Duration::from_secs(30))
        .with_factor(2.0)
        .with_jitter()
        .without_max_times()
        .build()
}

#[cfg(test)]
mod tests;
