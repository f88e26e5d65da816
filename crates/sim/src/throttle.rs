//! Throttling per the documented scopes (REFERENCE §1): Identity Protection per tenant with no
//! Retry-After, reports per app+tenant, Outlook per app+mailbox (rate and concurrency), and
//! directory resource units and writes per app+tenant with fractional Retry-After.
//!
//! Requests are classified by path, so `$batch` items (which pass through the same
//! middleware) are counted and throttled one by one.

use crate::error::GraphError;
use crate::knobs::Limits;
use crate::state::lock;
use axum::http::{HeaderName, Method};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Which limit a request counts against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    IdentityProtection,
    Reports,
    /// Outlook resources of one mailbox (the user segment, lower-cased).
    Outlook {
        mailbox: String,
    },
    /// Directory resources: resource-unit cost, and whether it is a write.
    Directory {
        cost: u32,
        write: bool,
    },
    /// Not throttled by the simulator (`$batch` envelopes, identity platform).
    Unthrottled,
}

/// Classifies a Graph request. `path` is relative to the version root (`/users/x`), `query`
/// the raw query string, `me` the signed-in user's id for `/me/...` paths.
pub fn classify(method: &Method, path: &str, query: &str, me: Option<&str>) -> Class {
    let lower = path.to_ascii_lowercase();
    let segs: Vec<&str> = lower.split('/').filter(|s| !s.is_empty()).collect();
    let first = segs.first().copied().unwrap_or_default();
    let second = segs.get(1).copied().unwrap_or_default();
    if first == "$batch" || segs.is_empty() {
        return Class::Unthrottled;
    }
    let idp = (first == "identityprotection" && second.starts_with("risk"))
        || first == "riskyusers"
        || first == "riskdetections"
        || (first == "identity" && second == "conditionalaccess");
    if idp {
        return Class::IdentityProtection;
    }
    if first == "auditlogs" {
        return Class::Reports;
    }
    // `/users/{id}/…` or `/me/…`: the user segment and what follows.
    let (mailbox, rest) = match first {
        "users" if segs.len() > 2 => (Some(segs[1].to_string()), &segs[2..]),
        "me" if segs.len() > 1 => (Some(me.unwrap_or("me").to_ascii_lowercase()), &segs[1..]),
        _ => (None, &segs[..0]),
    };
    if let Some(mailbox) = mailbox {
        let outlook = [
            "mailfolders",
            "messages",
            "mailboxsettings",
            "messagerules",
            "inferenceclassification",
        ];
        if outlook.contains(&rest[0]) {
            return Class::Outlook { mailbox };
        }
        // Listing authentication methods falls under the reports limits (REFERENCE §1).
        if method == Method::GET
            && rest.len() == 2
            && rest[0] == "authentication"
            && rest[1].ends_with("methods")
        {
            return Class::Reports;
        }
    }
    if method != Method::GET && method != Method::HEAD {
        return Class::Directory {
            cost: 1,
            write: true,
        };
    }
    Class::Directory {
        cost: read_cost(&segs, query),
        write: false,
    }
}

/// Resource units of a directory read: base 1; users lists, grants and memberOf 2; `$select`
/// −1, `$expand` +1, `$top` under 20 −1; at least 1.
fn read_cost(segs: &[&str], query: &str) -> u32 {
    let heavy = segs == ["users"]
        || segs.last() == Some(&"oauth2permissiongrants")
        || segs.contains(&"memberof");
    let mut cost: i32 = if heavy { 2 } else { 1 };
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.to_ascii_lowercase().as_str() {
            "$select" => cost -= 1,
            "$expand" => cost += 1,
            "$top" if v.parse::<u32>().is_ok_and(|t| t < 20) => cost -= 1,
            _ => {}
        }
    }
    cost.max(1) as u32
}

/// Requests admitted in a sliding window, with their cost.
#[derive(Debug, Default)]
pub struct Window {
    events: VecDeque<(Instant, u32)>,
    total: u32,
}

impl Window {
    /// Admits `cost` if it fits in `limit` over `window`, else says how long until it would.
    pub fn try_take(
        &mut self,
        now: Instant,
        window: Duration,
        limit: u32,
        cost: u32,
    ) -> Result<f64, Duration> {
        while let Some(&(t, c)) = self.events.front() {
            if now.duration_since(t) >= window {
                self.events.pop_front();
                self.total -= c;
            } else {
                break;
            }
        }
        if self.total + cost <= limit {
            self.events.push_back((now, cost));
            self.total += cost;
            return Ok(f64::from(self.total) / f64::from(limit.max(1)));
        }
        if cost > limit {
            return Err(window);
        }
        let need = self.total + cost - limit;
        let mut freed = 0;
        for &(t, c) in &self.events {
            freed += c;
            if freed >= need {
                return Err((t + window).saturating_duration_since(now));
            }
        }
        Err(window)
    }
}

#[derive(Default)]
struct Counters {
    identity_protection: Window,
    reports: HashMap<String, Window>,
    outlook: HashMap<String, Window>,
    resource_units: HashMap<String, Window>,
    writes: HashMap<String, Window>,
}

/// The simulator's throttling state.
#[derive(Default)]
pub struct Throttle {
    counters: Mutex<Counters>,
    in_flight: Arc<Mutex<HashMap<String, u32>>>,
}

/// An admitted request: headers to add to its response, and the Outlook concurrency slot it
/// holds until dropped.
#[derive(Default)]
pub struct Admission {
    pub headers: Vec<(HeaderName, String)>,
    _slot: Option<Slot>,
}

struct Slot {
    key: String,
    in_flight: Arc<Mutex<HashMap<String, u32>>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = lock(&self.in_flight);
        if let Some(n) = map.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.key);
            }
        }
    }
}

/// Seconds rounded up to the millisecond, never zero.
fn seconds(d: Duration) -> f64 {
    ((d.as_secs_f64() * 1000.0).ceil() / 1000.0).max(0.001)
}

fn too_many() -> GraphError {
    GraphError::too_many_requests("TooManyRequests", "Please retry again later.", None)
}

impl Throttle {
    /// Admits or refuses one request of `class` from `app_id` in a tenant of `tenant_users`.
    pub fn admit(
        &self,
        class: &Class,
        app_id: &str,
        tenant_id: &str,
        tenant_users: usize,
        limits: &Limits,
    ) -> Result<Admission, GraphError> {
        let now = Instant::now();
        let mut c = lock(&self.counters);
        let app = app_id.to_ascii_lowercase();
        match class {
            Class::Unthrottled => Ok(Admission::default()),
            Class::IdentityProtection => {
                let l = limits.identity_protection;
                c.identity_protection
                    .try_take(now, l.window, l.requests, 1)
                    .map(|_| Admission::default())
                    // This scope sends no Retry-After: clients must back off on their own.
                    .map_err(|_| too_many())
            }
            Class::Reports => {
                let l = limits.reports;
                c.reports
                    .entry(app)
                    .or_default()
                    .try_take(now, l.window, l.requests, 1)
                    .map(|_| Admission::default())
                    .map_err(|wait| {
                        GraphError::too_many_requests(
                            "TooManyRequests",
                            "Please retry again later.",
                            Some(seconds(wait)),
                        )
                    })
            }
            Class::Outlook { mailbox } => {
                let key = format!("{app}/{mailbox}");
                let l = limits.outlook_requests;
                c.outlook
                    .entry(key.clone())
                    .or_default()
                    .try_take(now, l.window, l.requests, 1)
                    .map_err(|wait| {
                        GraphError::too_many_requests(
                            "ApplicationThrottled",
                            "Application is over its MailboxRequests limit.",
                            Some(seconds(wait)),
                        )
                    })?;
                let mut flying = lock(&self.in_flight);
                let n = flying.entry(key.clone()).or_insert(0);
                if *n >= limits.outlook_concurrency {
                    return Err(GraphError::too_many_requests(
                        "ApplicationThrottled",
                        "Application is over its MailboxConcurrency limit.",
                        Some(1.0),
                    ));
                }
                *n += 1;
                Ok(Admission {
                    headers: Vec::new(),
                    _slot: Some(Slot {
                        key,
                        in_flight: Arc::clone(&self.in_flight),
                    }),
                })
            }
            Class::Directory { cost, write } => {
                let scope = format!("Tenant_Application/ReadWrite/{app_id}/{tenant_id}");
                let refuse = |wait: Duration, info: &str| {
                    too_many()
                        .with_header(
                            axum::http::header::RETRY_AFTER,
                            crate::error::format_retry_after(seconds(wait)),
                        )
                        .with_header(
                            HeaderName::from_static("x-ms-throttle-scope"),
                            scope.clone(),
                        )
                        .with_header(HeaderName::from_static("x-ms-throttle-information"), info)
                };
                if *write {
                    let l = limits.writes;
                    c.writes
                        .entry(app.clone())
                        .or_default()
                        .try_take(now, l.window, l.requests, 1)
                        .map_err(|wait| refuse(wait, "WriteLimitExceeded"))?;
                }
                let b = limits.resource_units;
                let usage = c
                    .resource_units
                    .entry(app)
                    .or_default()
                    .try_take(now, b.window, b.for_tenant_size(tenant_users), *cost)
                    .map_err(|wait| refuse(wait, "ResourceUnitLimitExceeded"))?;
                let mut headers = vec![(
                    HeaderName::from_static("x-ms-resource-unit"),
                    cost.to_string(),
                )];
                if usage > 0.8 {
                    headers.push((
                        HeaderName::from_static("x-ms-throttle-limit-percentage"),
                        format!("{:.1}", usage.min(1.0)),
                    ));
                }
                Ok(Admission {
                    headers,
                    _slot: None,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_follows_the_documented_scopes() {
        let get = Method::GET;
        assert_eq!(
            classify(&get, "/identityProtection/riskyUsers", "", None),
            Class::IdentityProtection
        );
        assert_eq!(
            classify(
                &Method::POST,
                "/identityProtection/riskyUsers/dismiss",
                "",
                None
            ),
            Class::IdentityProtection
        );
        assert_eq!(
            classify(&get, "/riskyUsers", "", None),
            Class::IdentityProtection
        );
        assert_eq!(
            classify(&get, "/auditLogs/signIns", "$top=5", None),
            Class::Reports
        );
        assert_eq!(
            classify(&get, "/users/u1/authentication/methods", "", None),
            Class::Reports
        );
        assert_eq!(
            classify(&get, "/users/u1/authentication/phoneMethods/x", "", None),
            Class::Directory {
                cost: 1,
                write: false
            }
        );
        assert_eq!(
            classify(&get, "/users/U1/mailFolders/inbox/messageRules", "", None),
            Class::Outlook {
                mailbox: "u1".into()
            }
        );
        assert_eq!(
            classify(&get, "/me/mailboxSettings", "", Some("ME-ID")),
            Class::Outlook {
                mailbox: "me-id".into()
            }
        );
        assert_eq!(
            classify(&get, "/users", "", None),
            Class::Directory {
                cost: 2,
                write: false
            }
        );
        assert_eq!(
            classify(&get, "/users", "$select=id&$top=5", None),
            Class::Directory {
                cost: 1,
                write: false
            }
        );
        assert_eq!(
            classify(&get, "/users/x/memberOf", "$expand=x", None),
            Class::Directory {
                cost: 3,
                write: false
            }
        );
        assert_eq!(
            classify(&Method::PATCH, "/users/x", "", None),
            Class::Directory {
                cost: 1,
                write: true
            }
        );
        assert_eq!(
            classify(&Method::POST, "/$batch", "", None),
            Class::Unthrottled
        );
    }

    #[test]
    fn window_refuses_with_the_time_until_room_frees_up() {
        let t0 = Instant::now();
        let w = Duration::from_secs(10);
        let mut win = Window::default();
        assert!(win.try_take(t0, w, 3, 2).is_ok());
        assert!(win
            .try_take(t0 + Duration::from_millis(2500), w, 3, 1)
            .is_ok());
        let wait = win
            .try_take(t0 + Duration::from_millis(3872), w, 3, 1)
            .unwrap_err();
        // The first entry (2 units) leaves at t0+10 s: 6.128 s after the refused request.
        assert_eq!(wait, Duration::from_millis(6128));
        assert_eq!(crate::error::format_retry_after(seconds(wait)), "6.128");
        // Once it has left, there is room again.
        assert!(win.try_take(t0 + Duration::from_secs(10), w, 3, 1).is_ok());
        assert_eq!(win.try_take(t0, w, 3, 4), Err(w));
    }
}
