//! Scheduler arithmetic with explicit instants, and the async scheduler on tokio's paused
//! clock (a fake clock: sleeps advance virtual time instantly).

use super::*;
use std::sync::Arc;

fn secs(t: Instant, base: Instant) -> f64 {
    (t - base).as_secs_f64()
}

#[test]
fn identity_protection_is_spaced_one_per_period() {
    let mut core = SchedulerCore::new(Limits::default());
    let t0 = Instant::now();
    let starts: Vec<f64> = (0..4)
        .map(|_| secs(core.reserve(&ThrottleScope::IdentityProtection, 1, t0), t0))
        .collect();
    assert_eq!(starts, vec![0.0, 1.15, 2.3, 3.45]);
}

#[test]
fn reports_allow_five_per_window_then_wait_for_the_oldest_to_leave() {
    let mut core = SchedulerCore::new(Limits::default());
    let t0 = Instant::now();
    let starts: Vec<f64> = (0..11)
        .map(|_| secs(core.reserve(&ThrottleScope::Reports, 1, t0), t0))
        .collect();
    assert_eq!(&starts[..5], &[0.0; 5]);
    assert_eq!(&starts[5..10], &[10.6; 5]);
    assert_eq!(starts[10], 21.2);
    // Never more than 5 in any 10 s interval.
    for (i, s) in starts.iter().enumerate() {
        let in_window = starts[i..].iter().filter(|x| **x < s + 10.0).count();
        assert!(in_window <= 5, "{in_window} starts within 10 s of {s}");
    }
}

#[test]
fn scopes_are_independent_and_mailboxes_separate() {
    let mut core = SchedulerCore::new(Limits::default());
    let t0 = Instant::now();
    core.reserve(&ThrottleScope::IdentityProtection, 1, t0);
    let d = core.reserve(&ThrottleScope::directory("/users/x", false), 1, t0);
    assert_eq!(d, t0, "directory is not held up by identity protection");
    core.block_until(
        &ThrottleScope::Outlook {
            mailbox: "a".into(),
        },
        t0 + Duration::from_secs(3),
    );
    let a = core.reserve(
        &ThrottleScope::Outlook {
            mailbox: "A".into(),
        },
        1,
        t0,
    );
    let b = core.reserve(
        &ThrottleScope::Outlook {
            mailbox: "b".into(),
        },
        1,
        t0,
    );
    assert_eq!(secs(a, t0), 3.0, "mailbox keys are case-insensitive");
    assert_eq!(b, t0);
}

#[test]
fn a_retry_after_blocks_the_scope_and_later_requests_queue_behind_it() {
    let mut core = SchedulerCore::new(Limits::default());
    let t0 = Instant::now();
    core.block_until(&ThrottleScope::Reports, t0 + Duration::from_millis(2128));
    let first = core.reserve(&ThrottleScope::Reports, 1, t0);
    assert_eq!(secs(first, t0), 2.128);
    // A shorter block never shortens a longer one.
    core.block_until(&ThrottleScope::Reports, t0 + Duration::from_secs(1));
    let second = core.reserve(&ThrottleScope::Reports, 1, t0);
    assert!(second >= first);
}

#[test]
fn batch_bursts_fit_one_window() {
    let mut core = SchedulerCore::new(Limits::default());
    let t0 = Instant::now();
    assert_eq!(core.burst(&ThrottleScope::IdentityProtection), 1);
    assert_eq!(core.burst(&ThrottleScope::Reports), 5);
    assert_eq!(core.reserve(&ThrottleScope::Reports, 3, t0), t0);
    // Three used: two more fit now, three do not.
    let t = core.reserve(&ThrottleScope::Reports, 3, t0);
    assert_eq!(secs(t, t0), 10.6);
}

#[test]
fn directory_costs_follow_the_resource_unit_rules() {
    let cost = |p: &str| match ThrottleScope::directory(p, false) {
        ThrottleScope::Directory { cost, .. } => cost,
        _ => unreachable!(),
    };
    assert_eq!(cost("/users"), 2);
    assert_eq!(cost("/users?$select=id"), 1);
    assert_eq!(cost("/users?$select=id&$top=5"), 1, "minimum 1");
    assert_eq!(
        cost("/roleManagement/directory/roleAssignments?$expand=roleDefinition"),
        2
    );
    assert_eq!(cost("/users/u/oauth2PermissionGrants"), 2);
    assert_eq!(cost("/users/u/authentication/methods"), 1);
    let mut core = SchedulerCore::new(Limits {
        directory_units: Window {
            limit: 4,
            period: Duration::from_secs(10),
        },
        ..Limits::default()
    });
    let t0 = Instant::now();
    let s: Vec<f64> = (0..3)
        .map(|_| {
            secs(
                core.reserve(&ThrottleScope::directory("/users", false), 1, t0),
                t0,
            )
        })
        .collect();
    assert_eq!(s, vec![0.0, 0.0, 10.0]);
}

#[test]
fn retry_after_parses_fractional_seconds_dates_and_garbage() {
    let now = chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    assert_eq!(
        parse_retry_after(Some("2.128"), now),
        Some(Duration::from_millis(2128))
    );
    assert_eq!(
        parse_retry_after(Some(" 3 "), now),
        Some(Duration::from_secs(3))
    );
    assert_eq!(
        parse_retry_after(Some("Wed, 01 Jan 2025 00:00:05 GMT"), now),
        Some(Duration::from_secs(5))
    );
    assert_eq!(parse_retry_after(Some("-1"), now), None);
    assert_eq!(parse_retry_after(Some("soon"), now), None);
    assert_eq!(parse_retry_after(None, now), None);
}

#[test]
fn backoff_grows_with_jitter_and_is_capped() {
    let d: Vec<Duration> = backoff().take(12).collect();
    assert!(
        d[0] >= Duration::from_millis(500) && d[0] <= Duration::from_millis(1000),
        "{d:?}"
    );
    assert!(d[3] > d[0]);
    assert!(d.iter().all(|x| *x <= Duration::from_secs(60)));
}

#[tokio::test(start_paused = true)]
async fn async_scheduler_sleeps_on_the_virtual_clock_and_reports_waits() {
    let s = Scheduler::new(Limits::default());
    let waits = Arc::new(Mutex::new(Vec::new()));
    let w = waits.clone();
    s.set_wait_hook(Arc::new(move |t: &ThrottleWait| {
        w.lock().unwrap().push((t.scope.label(), t.wait))
    }));
    let t0 = Instant::now();
    for _ in 0..3 {
        let _p = s.acquire(&ThrottleScope::IdentityProtection, 1).await;
    }
    assert_eq!(Instant::now() - t0, Duration::from_millis(2300));
    assert_eq!(waits.lock().unwrap().len(), 2);
    s.back_off(&ThrottleScope::Reports, Duration::from_secs(5));
    let t1 = Instant::now();
    let _p = s.acquire(&ThrottleScope::Reports, 1).await;
    assert_eq!(Instant::now() - t1, Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn outlook_allows_four_concurrent_per_mailbox() {
    let s = Arc::new(Scheduler::new(Limits::default()));
    let mb = ThrottleScope::Outlook {
        mailbox: "u1".into(),
    };
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(s.acquire(&mb, 1).await);
    }
    // A fifth for the same mailbox waits; another mailbox does not.
    let other = tokio::time::timeout(
        Duration::from_millis(10),
        s.acquire(
            &ThrottleScope::Outlook {
                mailbox: "u2".into(),
            },
            1,
        ),
    )
    .await;
    assert!(other.is_ok());
    let fifth = tokio::time::timeout(Duration::from_secs(60), s.acquire(&mb, 1)).await;
    assert!(
        fifth.is_err(),
        "a fifth concurrent request for u1 must wait"
    );
    held.pop();
    let fifth = tokio::time::timeout(Duration::from_millis(10), s.acquire(&mb, 1)).await;
    assert!(fifth.is_ok());
}

#[test]
fn background_starts_only_with_room_now_and_behind_operator_bookings() {
    let mut core = SchedulerCore::new(Limits::default());
    let t0 = Instant::now();
    for _ in 0..5 {
        assert_eq!(
            core.try_start_background(&ThrottleScope::Reports, 1, t0),
            Ok(())
        );
    }
    // The window is full: background is told when to ask again and books nothing.
    assert_eq!(
        core.try_start_background(&ThrottleScope::Reports, 1, t0),
        Err(t0 + Duration::from_millis(10_600))
    );
    // The operator takes the first free slot; background may not start before it.
    let op = core.reserve_operator(&ThrottleScope::Reports, 1, t0);
    assert_eq!(op, t0 + Duration::from_millis(10_600));
    for at in [op - Duration::from_millis(1), op] {
        assert!(core
            .try_start_background(&ThrottleScope::Reports, 1, at)
            .is_err());
    }
    // Just after it, while the operator is engaged, background takes no slot of the window:
    // it waits.
    let after = op + Duration::from_millis(1);
    assert!(core
        .try_start_background(&ThrottleScope::Reports, 1, after)
        .is_err());
}

#[test]
fn while_the_operator_is_engaged_background_leaves_headroom() {
    let mut core = SchedulerCore::new(Limits::default());
    let t0 = Instant::now();
    core.reserve_operator(
        &ThrottleScope::directory("/users/x?$select=id", false),
        1,
        t0,
    );
    // Background takes no slot of the reports window while the operator is engaged, and
    // says to ask again when the engagement ends: all five stay free for the operator...
    assert_eq!(
        core.try_start_background(&ThrottleScope::Reports, 1, t0),
        Err(t0 + Limits::default().operator_engaged_for)
    );
    for _ in 0..5 {
        assert_eq!(core.reserve_operator(&ThrottleScope::Reports, 1, t0), t0);
    }
    // ...and a fifth of a large window.
    let dir = ThrottleScope::directory("/users/x?$select=id", false);
    // (Just after the operator's booked start: background never starts beside it.)
    let t1 = t0 + Duration::from_millis(1);
    let bg = (0..3_000)
        .filter(|_| core.try_start_background(&dir, 1, t1).is_ok())
        .count();
    assert_eq!(bg, 3_000 - 600 - 1);
    // ...and none of Identity Protection's one request per second.
    assert!(core
        .try_start_background(&ThrottleScope::IdentityProtection, 1, t1)
        .is_err());
    // ...until the operator has been idle for `operator_engaged_for`.
    let idle = t0 + Limits::default().operator_engaged_for + Duration::from_secs(11);
    assert!(!core.operator_engaged(idle));
    for _ in 0..5 {
        assert_eq!(
            core.try_start_background(&ThrottleScope::Reports, 1, idle),
            Ok(())
        );
    }
}

#[tokio::test(start_paused = true)]
async fn an_operator_request_overtakes_queued_background_work() {
    let s = Arc::new(Scheduler::new(Limits::default()));
    let order = Arc::new(Mutex::new(Vec::new()));
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (s, order) = (s.clone(), order.clone());
        tasks.push(tokio::spawn(async move {
            let _p = s
                .acquire_at(&ThrottleScope::Reports, 1, Priority::Background)
                .await;
            order
                .lock()
                .unwrap()
                .push((format!("bg{i}"), Instant::now() - t0));
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        order.lock().unwrap().len(),
        5,
        "the first window went to background"
    );
    let _p = s.acquire(&ThrottleScope::Reports, 1).await;
    let op_at = Instant::now() - t0;
    order.lock().unwrap().push(("operator".into(), op_at));
    assert_eq!(op_at, Duration::from_millis(10_600), "the first free slot");
    for t in tasks {
        t.await.unwrap();
    }
    let order = order.lock().unwrap();
    // The operator was served before every background request queued ahead of it, which
    // resumed after it, each of them served.
    let names: Vec<&str> = order.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names.iter().position(|n| *n == "operator"),
        Some(5),
        "{order:?}"
    );
    assert_eq!(order.len(), 11);
    assert!(order[6..].iter().all(|(_, t)| *t > op_at), "{order:?}");
}

#[tokio::test(start_paused = true)]
async fn background_is_never_starved_for_good() {
    let limits = Limits::default();
    let max_wait = limits.background_max_wait;
    let s = Arc::new(Scheduler::new(limits));
    let t0 = Instant::now();
    let bg = {
        let s = s.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            let _p = s
                .acquire_at(&ThrottleScope::IdentityProtection, 1, Priority::Background)
                .await;
            Instant::now() - t0
        })
    };
    // The operator keeps the identity protection budget busy for two minutes.
    let op = {
        let s = s.clone();
        tokio::spawn(async move {
            while Instant::now() - t0 < Duration::from_secs(120) {
                let _p = s.acquire(&ThrottleScope::IdentityProtection, 1).await;
            }
        })
    };
    let served = bg.await.unwrap();
    op.await.unwrap();
    assert!(
        served >= max_wait && served <= max_wait + Duration::from_secs(3),
        "background served after {served:?}"
    );
}

/// A cause of the console's slow plan while triage ran (issue 15): Identity Protection
/// allows one request per window, so "background keeps to one slot" left it all to the
/// gather, and each of the operator's reads there (the open account's detections, the plan's
/// risk state, confirm-compromised and its read-back) waited behind a background start. Now
/// background takes none of a small window while the operator is engaged.
#[test]
fn the_operators_identity_protection_reads_do_not_wait_behind_the_gather() {
    let mut core = SchedulerCore::new(Limits::default());
    let ip = ThrottleScope::IdentityProtection;
    let period = Limits::default().identity_protection.period;
    let t0 = Instant::now();
    // The open account's detections.
    assert_eq!(core.reserve_operator(&ip, 1, t0), t0);
    // The window moves on; the gather asks for the free slot and is refused...
    let free = t0 + period + Duration::from_millis(1);
    assert_eq!(
        core.try_start_background(&ip, 1, free),
        Err(t0 + Limits::default().operator_engaged_for)
    );
    // ...so the plan's risk read, a moment later, starts at once.
    let plan = free + Duration::from_millis(20);
    assert_eq!(core.reserve_operator(&ip, 1, plan), plan);
    // Once the operator is idle, the gather has the whole budget again.
    let idle = plan + Limits::default().operator_engaged_for;
    assert_eq!(core.try_start_background(&ip, 1, idle), Ok(()));
}

/// The console's first open (issue 15): the gather starts with the console and would fill the
/// reports' window before the responder opens the top account, whose history then waits a
/// whole window. A held scope takes no background start until the hold ends; operator work
/// and other scopes are not affected.
#[test]
fn a_held_scope_is_left_to_the_operator_until_the_hold_ends() {
    let mut core = SchedulerCore::new(Limits::default());
    let reports = ThrottleScope::Reports;
    let ip = ThrottleScope::IdentityProtection;
    let t0 = Instant::now();
    let until = t0 + Limits::default().operator_engaged_for;
    core.hold(&reports, until);
    assert_eq!(core.try_start_background(&reports, 1, t0), Err(until));
    // The accounts table (Identity Protection) still fills.
    assert_eq!(core.try_start_background(&ip, 1, t0), Ok(()));
    // The operator's open: its four history reads start at once, in one window.
    let open = t0 + Duration::from_secs(2);
    for _ in 0..4 {
        assert_eq!(core.reserve_operator(&reports, 1, open), open);
    }
    // After the hold (and the operator's engagement) the gather has the budget again.
    let after = open + Limits::default().operator_engaged_for + Limits::default().reports.period;
    assert_eq!(core.try_start_background(&reports, 1, after), Ok(()));
}
