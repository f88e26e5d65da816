//! A scheduler that keeps requests within Graph's throttle scopes (REFERENCE §1) instead of
//! bouncing off 429s, and the retry delays used when the service throttles anyway.
//!
//! One scheduler serves one client, i.e. one app in one tenant, so every scope key is
//! implicitly "per app+tenant" (or "per tenant" for Identity Protection, which is stricter).
//! Requests are granted start times in arrival order (FIFO per scope), so waiting requests
//! neither starve nor stampede when a window opens.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
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
    /// Requests in flight at once across all scopes.
    pub global_concurrency: usize,
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
}

impl BucketState {
    fn earliest_start(&self, window: Window, cost: u32, from: Instant) -> Instant {
        let mut t = from;
        if let Some(b) = self.blocked_until {
            t = t.max(b);
        }
        if let Some(&(last, _)) = self.starts.back() {
            t = t.max(last); // FIFO: never ahead of an earlier grant
        }
        let cost = cost.min(window.limit);
        loop {
            let used: u32 = self
                .starts
                .iter()
                .filter(|(s, _)| *s + window.period > t)
                .map(|(_, c)| *c)
                .sum();
            if used + cost <= window.limit {
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
}

impl SchedulerCore {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            buckets: HashMap::new(),
        }
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
            self.buckets
                .entry(bucket)
                .or_default()
                .record(t, cost.min(window.limit), window);
        }
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

/// Holds the concurrency slots of a request until it completes.
pub struct ThrottlePermit {
    _global: Option<OwnedSemaphorePermit>,
    _mailbox: Option<OwnedSemaphorePermit>,
}

/// Waits requested of the scheduler, reported to progress hooks.
pub type WaitHook = Arc<dyn Fn(&ThrottleScope, Duration) + Send + Sync>;

/// The async scheduler: reserve a start, sleep until it, hold concurrency slots.
pub struct Scheduler {
    core: Mutex<SchedulerCore>,
    global: Arc<Semaphore>,
    mailboxes: Mutex<HashMap<String, Arc<Semaphore>>>,
    mailbox_concurrency: usize,
    on_wait: Mutex<Option<WaitHook>>,
}

impl Scheduler {
    pub fn new(limits: Limits) -> Self {
        Self {
            global: Arc::new(Semaphore::new(limits.global_concurrency.max(1))),
            mailbox_concurrency: limits.mailbox_concurrency.max(1),
            core: Mutex::new(SchedulerCore::new(limits)),
            mailboxes: Mutex::new(HashMap::new()),
            on_wait: Mutex::new(None),
        }
    }

    pub fn set_wait_hook(&self, hook: WaitHook) {
        *lock(&self.on_wait) = Some(hook);
    }

    fn core(&self) -> std::sync::MutexGuard<'_, SchedulerCore> {
        lock(&self.core)
    }

    fn mailbox_semaphore(&self, mailbox: &str) -> Arc<Semaphore> {
        lock(&self.mailboxes)
            .entry(mailbox.to_ascii_lowercase())
            .or_insert_with(|| Arc::new(Semaphore::new(self.mailbox_concurrency)))
            .clone()
    }

    /// Waits until `count` requests of `scope` may start, and returns their slots.
    pub async fn acquire(&self, scope: &ThrottleScope, count: u32) -> ThrottlePermit {
        self.acquire_inner(scope, count, true).await
    }

    /// For `$batch` items: their start slot and mailbox slots, but no transport slot (the
    /// envelope takes that one when it is sent).
    pub async fn acquire_items(&self, scope: &ThrottleScope, count: u32) -> ThrottlePermit {
        self.acquire_inner(scope, count, false).await
    }

    async fn acquire_inner(
        &self,
        scope: &ThrottleScope,
        count: u32,
        transport: bool,
    ) -> ThrottlePermit {
        // Concurrency first, so a granted start time is not wasted waiting for a slot.
        let mailbox = match scope {
            ThrottleScope::Outlook { mailbox } => {
                let n = count.clamp(1, self.mailbox_concurrency as u32);
                // The semaphores are never closed, so acquiring cannot fail.
                self.mailbox_semaphore(mailbox)
                    .acquire_many_owned(n)
                    .await
                    .ok()
            }
            _ => None,
        };
        // The semaphore is never closed, so acquiring cannot fail.
        let global = if transport {
            self.global.clone().acquire_owned().await.ok()
        } else {
            None
        };
        let now = Instant::now();
        let start = self.core().reserve(scope, count, now);
        let wait = start.saturating_duration_since(now);
        if !wait.is_zero() {
            if wait >= Duration::from_millis(200) {
                if let Some(hook) = lock(&self.on_wait).clone() {
                    hook(scope, wait);
                }
            }
            tokio::time::sleep_until(start).await;
        }
        ThrottlePermit {
            _global: global,
            _mailbox: mailbox,
        }
    }

    /// The service said to wait (`Retry-After`, or a 429 without one): block the scope.
    pub fn back_off(&self, scope: &ThrottleScope, wait: Duration) {
        self.core().block_until(scope, Instant::now() + wait);
    }

    pub fn burst(&self, scope: &ThrottleScope) -> usize {
        self.core().burst(scope)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
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
