//! Indicator packs: a user pack of any TOML-ish text merges or gives a clean error naming it.

use proptest::prelude::*;
use reclaim_triage::pack::Pack;

const CAMPAIGN: &str = include_str!("../../crates/triage/packs/campaign-2024.toml");

const KEYS: &[&str] = &[
    "name",
    "description",
    "user_agents",
    "exact",
    "contains",
    "regex",
    "apps",
    "first",
    "follow_on",
    "countries",
    "campaign",
    "networks",
    "kind",
    "asns",
    "weights",
    "caps",
    "keywords",
    "rule_names",
    "scopes",
    "hide_folders",
];

proptest! {
    #![proptest_config(super::cases(128))]

    #[test]
    fn any_user_pack_merges_or_errs_cleanly(text in super::toml_text::toml_like(CAMPAIGN, KEYS)) {
        if let Err(e) = Pack::from_sources(&[("embedded", CAMPAIGN), ("user.toml", &text)]) {
            super::assert_clean(&e.to_string(), "user.toml");
        }
    }
}
