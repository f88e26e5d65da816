//! What the triage tests share: the simulated campaign served over loopback.

use chrono::{TimeZone, Utc};
use reclaim_sim::model::Time;
use reclaim_sim::scenario::{self, ScenarioKnobs};
use reclaim_sim::{Profile, SimConfig, SimHandle};

/// A fixed "now" for tests that compare against ground truth or snapshots.
pub fn campaign_now() -> Time {
    Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap()
}

/// The `campaign-2024` scenario at `users` and `seed`, generated for `now`, served by the
/// `fast` simulator (no latency, no limits).
pub async fn campaign(users: usize, seed: u64, now: Time, knobs: &ScenarioKnobs) -> SimHandle {
    let scenario = scenario::generate_with("campaign-2024", users, seed, now, knobs).unwrap();
    let cfg = SimConfig {
        users,
        seed,
        profile: Profile::Fast,
        now: Some(now),
        ..SimConfig::default()
    };
    reclaim_sim::start_with(cfg, scenario).await.unwrap()
}
