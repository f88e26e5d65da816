//! Progress hooks for the console and the CLI: what the client is doing, as events and as
//! running counts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum ProgressEvent {
    /// A response arrived (any status).
    Response {
        capability: &'static str,
        method: String,
        status: u16,
        attempt: u32,
    },
    /// A request will be sent again after `wait` (`reason`: `429`, `503`, `connection reset`...).
    Retry {
        capability: &'static str,
        reason: String,
        wait: Duration,
    },
    /// The scheduler holds requests back to stay within a throttle scope. `background`: the
    /// request is background work; `yielded`: it waits while operator work goes first.
    ThrottleWait {
        scope: String,
        wait: Duration,
        background: bool,
        yielded: bool,
    },
    /// A page of a collection arrived.
    Page {
        capability: &'static str,
        pages: u32,
        items: usize,
    },
}

/// Running totals since the client was created.
#[derive(Debug, Default)]
pub struct Counters {
    pub requests: AtomicU64,
    pub retries: AtomicU64,
    pub throttled: AtomicU64,
    pub throttle_waits: AtomicU64,
    pub waited_ms: AtomicU64,
    pub pages: AtomicU64,
    pub items: AtomicU64,
}

/// A copy of the counters at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProgressSnapshot {
    pub requests: u64,
    pub retries: u64,
    /// 429 answers received.
    pub throttled: u64,
    /// Times the scheduler held a request back, and for how long in total.
    pub throttle_waits: u64,
    pub waited_ms: u64,
    pub pages: u64,
    pub items: u64,
}

pub type ProgressHook = Arc<dyn Fn(&ProgressEvent) + Send + Sync>;

/// Where progress goes: an optional hook plus the counters.
#[derive(Clone, Default)]
pub struct Progress {
    hook: Option<ProgressHook>,
    counters: Arc<Counters>,
}

impl Progress {
    pub fn with_hook(hook: ProgressHook) -> Self {
        Self {
            hook: Some(hook),
            counters: Arc::default(),
        }
    }

    /// A hook that forwards every event into a channel (for the console's event loop).
    pub fn channel() -> (Self, tokio::sync::mpsc::UnboundedReceiver<ProgressEvent>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (
            Self::with_hook(Arc::new(move |e| {
                let _ = tx.send(e.clone());
            })),
            rx,
        )
    }

    pub fn emit(&self, e: ProgressEvent) {
        let c = &self.counters;
        match &e {
            ProgressEvent::Response { status, .. } => {
                c.requests.fetch_add(1, Ordering::Relaxed);
                if *status == 429 {
                    c.throttled.fetch_add(1, Ordering::Relaxed);
                }
            }
            ProgressEvent::Retry { .. } => {
                c.retries.fetch_add(1, Ordering::Relaxed);
            }
            ProgressEvent::ThrottleWait { wait, .. } => {
                c.throttle_waits.fetch_add(1, Ordering::Relaxed);
                c.waited_ms
                    .fetch_add(wait.as_millis() as u64, Ordering::Relaxed);
            }
            ProgressEvent::Page { items, .. } => {
                c.pages.fetch_add(1, Ordering::Relaxed);
                c.items.fetch_add(*items as u64, Ordering::Relaxed);
            }
        }
        if let Some(h) = &self.hook {
            h(&e);
        }
    }

    pub fn snapshot(&self) -> ProgressSnapshot {
        let c = &self.counters;
        ProgressSnapshot {
            requests: c.requests.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            throttled: c.throttled.load(Ordering::Relaxed),
            throttle_waits: c.throttle_waits.load(Ordering::Relaxed),
            waited_ms: c.waited_ms.load(Ordering::Relaxed),
            pages: c.pages.load(Ordering::Relaxed),
            items: c.items.load(Ordering::Relaxed),
        }
    }
}
