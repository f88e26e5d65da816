//! `--since DURATION` for any text: never a panic; either a usage error or a positive
//! duration of at most `MAX_SINCE_DAYS` (366), which any clock minus it can represent.

use super::triage_cmd::{parse_since, MAX_SINCE_DAYS};
use proptest::prelude::*;

fn duration_text() -> impl Strategy<Value = String> {
    let unit = prop::sample::select(vec![
        "ns", "us", "ms", "s", "m", "min", "h", "hr", "d", "days", "w", "weeks", "M", "y", "years",
        "",
    ]);
    prop_oneof![
        3 => (any::<u64>(), unit.clone()).prop_map(|(n, u)| format!("{n}{u}")),
        2 => (0u64..100_000, unit.clone()).prop_map(|(n, u)| format!("{n}{u}")),
        2 => prop::collection::vec((any::<u32>(), unit), 1..4)
            .prop_map(|v| v.iter().map(|(n, u)| format!("{n}{u}")).collect::<Vec<_>>().join(" ")),
        1 => any::<String>(),
        1 => "[-+ 0-9a-z.]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn since_is_an_error_or_a_bounded_duration(text in duration_text()) {
        match parse_since(&text) {
            Err(e) => prop_assert_eq!(e.exit, super::Exit::Usage),
            Ok(d) => {
                prop_assert!(d > chrono::Duration::zero());
                prop_assert!(d <= chrono::Duration::days(MAX_SINCE_DAYS), "{} -> {}", text, d);
                prop_assert!(chrono::Utc::now().checked_sub_signed(d).is_some());
            }
        }
    }
}
