//! The simulator's behaviour knobs: latency, throttling limits and fault rates.
//!
//! Each [`Profile`] maps to a [`Knobs`] value; tests start from one and tighten it (a limit of 2
//! requests instead of 5, a window of 200 ms) so every rule can be exercised quickly.

use super::state::Profile;
use std::time::Duration;

/// A count of requests allowed per sliding window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
}

impl RateLimit {
    pub const fn new(requests: u32, window: Duration) -> Self {
        Self { requests, window }
    }
}

/// Directory resource-unit budgets per app+tenant (REFERENCE §1), by tenant size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceUnitBudget {
    /// Fewer than 50 users.
    pub small: u32,
    /// 50 to 500 users.
    pub medium: u32,
    /// More than 500 users.
    pub large: u32,
    pub window: Duration,
}

impl ResourceUnitBudget {
    pub fn for_tenant_size(&self, users: usize) -> u32 {
        match users {
            0..=49 => self.small,
            50..=500 => self.medium,
            _ => self.large,
        }
    }
}

/// The documented service limits (REFERENCE §1, "Throttling").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Identity Protection and CA: per tenant, across all apps; 429 carries no Retry-After.
    pub identity_protection: RateLimit,
    /// Reports (sign-ins, directory audits, method lists): per app+tenant.
    pub reports: RateLimit,
    /// Outlook requests per app+mailbox.
    pub outlook_requests: RateLimit,
    /// Outlook requests in flight per app+mailbox.
    pub outlook_concurrency: u32,
    /// Directory resource units per app+tenant.
    pub resource_units: ResourceUnitBudget,
    /// Directory writes per app+tenant.
    pub writes: RateLimit,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            identity_protection: RateLimit::new(1, Duration::from_secs(1)),
            reports: RateLimit::new(5, Duration::from_secs(10)),
            outlook_requests: RateLimit::new(10_000, Duration::from_secs(600)),
            outlook_concurrency: 4,
            resource_units: ResourceUnitBudget {
                small: 3_500,
                medium: 5_000,
                large: 8_000,
                window: Duration::from_secs(10),
            },
            writes: RateLimit::new(3_000, Duration::from_secs(150)),
        }
    }
}

/// Probabilities (0.0-1.0) of the hostile profile's random faults, drawn per request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultRates {
    /// 429 `TooManyRequests`; half of them carry a (fractional) Retry-After, half none.
    pub throttled: f64,
    /// 503 `serviceNotAvailable`, sometimes with Retry-After.
    pub unavailable: f64,
    /// 504 `UnknownError` (gateway timeout).
    pub gateway_timeout: f64,
    /// The request handler crashes; the service answers 500 `UnknownError`.
    pub internal_error: f64,
    /// The connection drops in the middle of the response body.
    pub connection_reset: f64,
    /// A write is carried out, then its response is lost (the connection drops): what a
    /// gateway timeout after processing looks like to a client. Writes only, so a test can
    /// make every write's outcome unknown while reads still answer.
    pub lost_write_response: f64,
    /// The body trickles out in small chunks over `slow_body_duration`.
    pub slow_body: f64,
    pub slow_body_duration: Duration,
    /// Share of access tokens the service stops honouring early (as CAE does) ...
    pub early_token_expiry: f64,
    /// ... this long after they were issued.
    pub early_token_expiry_after: Duration,
}

impl FaultRates {
    pub const NONE: FaultRates = FaultRates {
        throttled: 0.0,
        unavailable: 0.0,
        gateway_timeout: 0.0,
        internal_error: 0.0,
        connection_reset: 0.0,
        lost_write_response: 0.0,
        slow_body: 0.0,
        slow_body_duration: Duration::ZERO,
        early_token_expiry: 0.0,
        early_token_expiry_after: Duration::ZERO,
    };

    pub fn hostile() -> Self {
        Self {
            throttled: 0.04,
            unavailable: 0.02,
            gateway_timeout: 0.01,
            internal_error: 0.005,
            connection_reset: 0.01,
            lost_write_response: 0.0,
            slow_body: 0.03,
            slow_body_duration: Duration::from_millis(1500),
            early_token_expiry: 0.2,
            early_token_expiry_after: Duration::from_secs(120),
        }
    }

    pub fn any(&self) -> bool {
        self.throttled > 0.0
            || self.unavailable > 0.0
            || self.gateway_timeout > 0.0
            || self.internal_error > 0.0
            || self.connection_reset > 0.0
            || self.lost_write_response > 0.0
            || self.slow_body > 0.0
            || self.early_token_expiry > 0.0
    }
}

/// Long reads of the sign-in and directory-audit logs: where the service times out and where
/// its paging dies (issue 14). No profile sets them; tests and rehearsals do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogFaults {
    /// A `/auditLogs/signIns` or `/auditLogs/directoryAudits` request whose time window
    /// (`createdDateTime` / `activityDateTime` bounds, the whole log without them; one user's
    /// records under `userId eq`) holds more than this many records answers 504
    /// `UnknownError`, on every page, as the service times out on large ranges.
    pub timeout_above: Option<usize>,
    /// A query's `@odata.nextLink` stops working after this many pages: following it answers
    /// 400 `UnknownError` "Invalid Skip Token, skip token is null", and so does every retry.
    pub next_link_pages: Option<u32>,
}

/// Everything a profile decides, adjustable at runtime through the handle.
#[derive(Debug, Clone, PartialEq)]
pub struct Knobs {
    /// Added before each response, drawn uniformly from `min..=max`.
    pub latency: (Duration, Duration),
    /// `None` = no throttling at all.
    pub limits: Option<Limits>,
    pub faults: FaultRates,
    pub logs: LogFaults,
}

impl Knobs {
    pub fn for_profile(profile: Profile) -> Self {
        match profile {
            Profile::Fast => Self {
                latency: (Duration::ZERO, Duration::ZERO),
                limits: None,
                faults: FaultRates::NONE,
                logs: LogFaults::default(),
            },
            Profile::Realistic => Self {
                latency: (Duration::from_millis(40), Duration::from_millis(150)),
                limits: Some(Limits::default()),
                faults: FaultRates::NONE,
                logs: LogFaults::default(),
            },
            Profile::Hostile => Self {
                faults: FaultRates::hostile(),
                ..Self::for_profile(Profile::Realistic)
            },
        }
    }

    /// Documented limits, no latency, no faults: for tests of the throttling rules.
    pub fn limits_only(limits: Limits) -> Self {
        Self {
            latency: (Duration::ZERO, Duration::ZERO),
            limits: Some(limits),
            faults: FaultRates::NONE,
            logs: LogFaults::default(),
        }
    }
}

impl Limits {
    /// Every window divided by `factor`, limits unchanged (see [`Knobs::time_scaled`]).
    pub fn time_scaled(&self, factor: f64) -> Self {
        let f = factor.max(1e-3);
        let r = |r: RateLimit| RateLimit::new(r.requests, r.window.div_f64(f));
        Self {
            identity_protection: r(self.identity_protection),
            reports: r(self.reports),
            outlook_requests: r(self.outlook_requests),
            outlook_concurrency: self.outlook_concurrency,
            resource_units: ResourceUnitBudget {
                window: self.resource_units.window.div_f64(f),
                ..self.resource_units
            },
            writes: r(self.writes),
        }
    }
}

impl Knobs {
    /// The time-scale knob for benchmarks and tests: throttle windows and latency divided by
    /// `factor` (limits and fault rates unchanged), so a run is `factor` times shorter and its
    /// ratios to the throttle bound stay meaningful. Pair it with the client's
    /// `reclaim_graph::throttle::Limits::time_scaled(factor)`.
    pub fn time_scaled(&self, factor: f64) -> Self {
        let f = factor.max(1e-3);
        Self {
            latency: (self.latency.0.div_f64(f), self.latency.1.div_f64(f)),
            limits: self.limits.map(|l| l.time_scaled(f)),
            faults: self.faults,
            logs: self.logs,
        }
    }
}

impl Default for Knobs {
    fn default() -> Self {
        Self::for_profile(Profile::Realistic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_what_the_documentation_says() {
        let fast = Knobs::for_profile(Profile::Fast);
        assert_eq!(fast.latency, (Duration::ZERO, Duration::ZERO));
        assert!(fast.limits.is_none() && !fast.faults.any());
        let realistic = Knobs::for_profile(Profile::Realistic);
        assert_eq!(
            realistic.latency,
            (Duration::from_millis(40), Duration::from_millis(150))
        );
        let limits = realistic.limits.expect("realistic has limits");
        assert_eq!(
            limits.identity_protection,
            RateLimit::new(1, Duration::from_secs(1))
        );
        assert_eq!(limits.reports, RateLimit::new(5, Duration::from_secs(10)));
        assert_eq!(limits.outlook_concurrency, 4);
        assert_eq!(
            limits.outlook_requests,
            RateLimit::new(10_000, Duration::from_secs(600))
        );
        assert_eq!(
            (
                limits.resource_units.for_tenant_size(49),
                limits.resource_units.for_tenant_size(500),
                limits.resource_units.for_tenant_size(501)
            ),
            (3_500, 5_000, 8_000)
        );
        assert!(!realistic.faults.any());
        let hostile = Knobs::for_profile(Profile::Hostile);
        assert_eq!(hostile.limits, realistic.limits);
        assert_eq!(hostile.latency, realistic.latency);
        assert!(hostile.faults.throttled > 0.0 && hostile.faults.internal_error > 0.0);
        assert!(hostile.faults.early_token_expiry > 0.0);
    }
}
