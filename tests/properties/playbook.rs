//! Playbooks: any TOML-ish text parses to a checked playbook or a clean error naming the file.

use proptest::prelude::*;
use reclaim_contain::playbook::Playbook;

const CONTAIN_ATO: &str = include_str!("../../crates/contain/src/playbooks/contain-ato.toml");

const KEYS: &[&str] = &[
    "name",
    "summary",
    "steps",
    "action",
    "why",
    "tap_lifetime_minutes",
    "tap_usable_once",
];

#[test]
fn the_embedded_playbook_parses() {
    assert!(!Playbook::parse(CONTAIN_ATO, "x.toml")
        .unwrap()
        .steps
        .is_empty());
}

proptest! {
    #![proptest_config(super::cases(256))]

    #[test]
    fn any_text_parses_or_errs_cleanly(text in super::toml_text::toml_like(CONTAIN_ATO, KEYS)) {
        match Playbook::parse(&text, "x.toml") {
            Ok(pb) => prop_assert!(!pb.steps.is_empty(), "a playbook with no step"),
            Err(e) => {
                super::assert_clean(&e.to_string(), "x.toml");
            }
        }
    }
}
