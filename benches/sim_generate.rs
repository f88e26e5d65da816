//! Scenario generation at 100,000 users: wall time and peak heap, as ratios against the
//! targets (2 s, 300 MB; below 1.0 is within target).
//!
//! Peak heap is measured by a counting global allocator in this binary: live bytes requested
//! from the system allocator, high-water mark.

use chrono::TimeZone;
use reclaim::sim::scenario;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const USERS: usize = 100_000;

/// Heap bytes (MB) a value owns, measured by cloning it.
fn heap_of<T: Clone>(v: &T) -> f64 {
    let before = LIVE.load(Ordering::Relaxed);
    let copy = v.clone();
    let owned = LIVE.load(Ordering::Relaxed) - before;
    drop(copy);
    owned as f64 / 1e6
}
const TIME_TARGET_S: f64 = 2.0;
const MEMORY_TARGET_MB: f64 = 300.0;

fn main() {
    let now = chrono::Utc
        .with_ymd_and_hms(2024, 3, 1, 12, 0, 0)
        .single()
        .expect("a valid fixed date");
    let users = std::env::var("SIM_BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(USERS);
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let s = scenario::generate("campaign-2024", users, 2024, now).expect("generate");
    let secs = start.elapsed().as_secs_f64();
    let peak_mb = (PEAK.load(Ordering::Relaxed) - base) as f64 / 1e6;
    let held_mb = (LIVE.load(Ordering::Relaxed) - base) as f64 / 1e6;
    let t = &s.tenant;
    println!(
        "sim_generate: {users} users -> {} sign-ins, {} audits, {} risky users, {} mailboxes, {} compromised",
        t.sign_ins.len(),
        t.directory_audits.len(),
        t.risky_users.len(),
        t.mailboxes.len(),
        s.truth.compromised().count()
    );
    println!(
        "sim_generate: time {secs:.3} s = {:.2} x target ({TIME_TARGET_S} s)",
        secs / TIME_TARGET_S
    );
    println!(
        "sim_generate: peak heap {peak_mb:.1} MB = {:.2} x target ({MEMORY_TARGET_MB} MB); held after generation {held_mb:.1} MB",
        peak_mb / MEMORY_TARGET_MB
    );
    // A same-run baseline that moves with machine load: copying the finished tenant (the same
    // allocations and bytes, none of the decisions).
    let copy_start = Instant::now();
    let copy = t.clone();
    let copy_secs = copy_start.elapsed().as_secs_f64();
    drop(copy);
    println!(
        "sim_generate: generation = {:.2} x copying its result ({copy_secs:.3} s, same run)",
        secs / copy_secs
    );
    // Where the held heap goes: each part cloned after the run (the peak is already recorded).
    let parts: [(&str, f64); 6] = [
        ("users", heap_of(&t.users)),
        ("sign-ins", heap_of(&t.sign_ins)),
        ("methods", heap_of(&t.methods)),
        ("mailboxes", heap_of(&t.mailboxes)),
        ("audits", heap_of(&t.directory_audits)),
        (
            "risk",
            heap_of(&t.risky_users) + heap_of(&t.risky_user_history) + heap_of(&t.risk_detections),
        ),
    ];
    for (name, mb) in parts {
        println!(
            "sim_generate:   {name:<10} {mb:7.1} MB ({:.0} bytes per user)",
            mb * 1e6 / users as f64
        );
    }
    println!(
        "sim_generate:   one sign-in is {} bytes inline plus its strings",
        std::mem::size_of::<reclaim::sim::model::SignIn>()
    );
    drop(s);
}
