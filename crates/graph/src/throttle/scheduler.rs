//! The async half of the scheduler: concurrency slots, the operator's own lane, booking and
//! sleeping (operator work) or waiting for room now (background work).

use super::Limits;
use super::{lock, Priority, SchedulerCore, ThrottleScope};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Holds the concurrency slots of a request until it completes.
pub struct ThrottlePermit {
    _global: Option<OwnedSemaphorePermit>,
    _mailbox: Option<OwnedSemaphorePermit>,
}

/// Waits requested of the scheduler, reported to progress hooks.
pub type WaitHook = Arc<dyn Fn(&ThrottleWait) + Send + Sync>;

/// A request held back to stay within a scope.
#[derive(Debug, Clone, PartialEq)]
pub struct ThrottleWait {
    pub scope: ThrottleScope,
    pub wait: Duration,
    pub priority: Priority,
    /// Background work waiting while operator work is in flight: it yielded.
    pub yielded: bool,
}

/// The async scheduler: book a start, sleep until it, hold concurrency slots.
pub struct Scheduler {
    core: Mutex<SchedulerCore>,
    global: Arc<Semaphore>,
    operator_lane: Arc<Semaphore>,
    operator_concurrency: usize,
    mailboxes: Mutex<HashMap<String, Arc<Semaphore>>>,
    mailbox_concurrency: usize,
    background_max_wait: Duration,
    on_wait: Mutex<Option<WaitHook>>,
}

impl Scheduler {
    pub fn new(limits: Limits) -> Self {
        Self {
            global: Arc::new(Semaphore::new(limits.global_concurrency.max(1))),
            operator_lane: Arc::new(Semaphore::new(limits.operator_concurrency.max(1))),
            operator_concurrency: limits.operator_concurrency.max(1),
            mailbox_concurrency: limits.mailbox_concurrency.max(1),
            background_max_wait: limits.background_max_wait,
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

    /// Keeps `scope` free of background work for [`Limits::operator_engaged_for`] from now
    /// ([`SchedulerCore::hold`]).
    pub fn hold(&self, scope: &ThrottleScope) {
        let mut core = self.core();
        let until = Instant::now() + core.limits.operator_engaged_for;
        core.hold(scope, until);
    }

    /// Operator requests holding a transport slot now.
    fn operator_busy(&self) -> bool {
        self.operator_lane.available_permits() < self.operator_concurrency
    }

    fn report(&self, scope: &ThrottleScope, wait: Duration, priority: Priority) {
        if wait < Duration::from_millis(200) {
            return;
        }
        let yielded = priority == Priority::Background && self.operator_busy();
        if let Some(hook) = lock(&self.on_wait).clone() {
            hook(&ThrottleWait {
                scope: scope.clone(),
                wait,
                priority,
                yielded,
            });
        }
    }

    /// Waits until `count` operator requests of `scope` may start, and returns their slots.
    pub async fn acquire(&self, scope: &ThrottleScope, count: u32) -> ThrottlePermit {
        self.acquire_inner(scope, count, true, Priority::Operator)
            .await
    }

    /// [`Self::acquire`] at a given priority.
    pub async fn acquire_at(
        &self,
        scope: &ThrottleScope,
        count: u32,
        priority: Priority,
    ) -> ThrottlePermit {
        self.acquire_inner(scope, count, true, priority).await
    }

    /// For `$batch` items: their start slot and mailbox slots, but no transport slot (the
    /// envelope takes that one when it is sent).
    pub async fn acquire_items(
        &self,
        scope: &ThrottleScope,
        count: u32,
        priority: Priority,
    ) -> ThrottlePermit {
        self.acquire_inner(scope, count, false, priority).await
    }

    async fn acquire_inner(
        &self,
        scope: &ThrottleScope,
        count: u32,
        transport: bool,
        priority: Priority,
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
        // Operator work has its own lane: background requests asleep on a budget while
        // holding every shared slot must not hold it up. Never closed, so never fails.
        let lane = match priority {
            Priority::Operator => &self.operator_lane,
            Priority::Background => &self.global,
        };
        let global = if transport {
            lane.clone().acquire_owned().await.ok()
        } else {
            None
        };
        match priority {
            Priority::Operator => self.book(scope, count, priority).await,
            Priority::Background => self.start_background(scope, count).await,
        }
        ThrottlePermit {
            _global: global,
            _mailbox: mailbox,
        }
    }

    /// Books a place in the scope's FIFO queue and sleeps until it.
    async fn book(&self, scope: &ThrottleScope, count: u32, priority: Priority) {
        let now = Instant::now();
        let start = match priority {
            Priority::Operator => self.core().reserve_operator(scope, count, now),
            Priority::Background => self.core().reserve(scope, count, now),
        };
        let wait = start.saturating_duration_since(now);
        if !wait.is_zero() {
            self.report(scope, wait, priority);
            tokio::time::sleep_until(start).await;
        }
    }

    /// Starts only when the scope has room now; after `background_max_wait`, queues FIFO.
    async fn start_background(&self, scope: &ThrottleScope, count: u32) {
        let since = Instant::now();
        let mut reported = false;
        loop {
            let now = Instant::now();
            if now.saturating_duration_since(since) >= self.background_max_wait {
                return self.book(scope, count, Priority::Background).await;
            }
            let next = match self.core().try_start_background(scope, count, now) {
                Ok(()) => return,
                Err(next) => next.min(since + self.background_max_wait),
            };
            if !reported {
                reported = true;
                self.report(
                    scope,
                    next.saturating_duration_since(now),
                    Priority::Background,
                );
            }
            // Never spin: ask again no sooner than a few milliseconds from now.
            tokio::time::sleep_until(next.max(now + Duration::from_millis(2))).await;
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
