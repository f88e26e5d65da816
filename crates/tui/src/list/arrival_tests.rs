//! Rows arriving incrementally (new accounts and re-judged ones, in random batches, under
//! random sorts and filters) give exactly the table a full sort and refilter gives.

use super::tests::account;
use super::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reclaim_triage::Verdict;

const NAMES: [&str; 8] = [
    "Ava Jensen",
    "ben carter",
    "Chloe Martin",
    "Dana Whitfield",
    "Eli Novak",
    "fay walsh",
    "Gus Rossi",
    "Ava Chen",
];
const TITLES: [&str; 5] = ["CFO", "Clerk", "President", "Treasurer", "Engineer"];
const DEPTS: [&str; 3] = ["Finance", "Sales", "HR"];
const FILTERS: [&str; 12] = [
    "ava",
    "!ava",
    "cfo|president",
    "!cfo|president",
    "^(dana|eli)",
    "r$",
    "finance",
    "!clear",
    "compromised",
    "a.*e",
    "Clerk",
    "(",
];

/// One of a small pool of accounts (ids repeat across batches: those are re-judgments).
fn random_account(rng: &mut ChaCha8Rng, pool: usize) -> AccountAssessment {
    let score = rng.gen_range(0..=100u8);
    let verdict = match score {
        80.. => Verdict::Compromised,
        40..=79 => Verdict::Suspicious,
        _ => Verdict::Clear,
    };
    let id = format!("u{}", rng.gen_range(0..pool));
    let mut a = account(&id, NAMES[rng.gen_range(0..NAMES.len())], score, verdict);
    a.job_title = Some(TITLES[rng.gen_range(0..TITLES.len())].into());
    a.department = Some(DEPTS[rng.gen_range(0..DEPTS.len())].into());
    a.risk_level = ["none", "low", "high"][rng.gen_range(0..3)].into();
    a
}

fn shown_ids(l: &AccountList) -> Vec<String> {
    (0..l.shown_len())
        .map(|i| l.shown_at(i).map(|a| a.id.clone()).unwrap_or_default())
        .collect()
}

/// The same accounts loaded at once (in first-seen order, as row indices are), sorted and
/// filtered from scratch.
fn from_scratch(seen: &[AccountAssessment], sort: SortKey, rev: bool, f: &str) -> Vec<String> {
    let mut l = AccountList::new(sort);
    l.upsert(seen.to_vec());
    l.set_sort(sort, rev);
    l.set_filter(Filter::parse(f));
    shown_ids(&l)
}

fn remember(seen: &mut Vec<AccountAssessment>, batch: &[AccountAssessment]) {
    for a in batch {
        match seen.iter_mut().find(|s| s.id == a.id) {
            Some(s) => *s = a.clone(),
            None => seen.push(a.clone()),
        }
    }
}

#[test]
fn incremental_arrival_equals_a_full_refilter() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for round in 0..60 {
        let sort = SortKey::ALL[rng.gen_range(0..SortKey::ALL.len())];
        let rev = rng.gen_bool(0.3);
        let filter = FILTERS[rng.gen_range(0..FILTERS.len())];
        let pool = rng.gen_range(5..120);
        let mut list = AccountList::new(sort);
        list.set_sort(sort, rev);
        list.set_filter(Filter::parse(filter));
        let mut seen = Vec::new();
        for batch_no in 0..12 {
            let size = rng.gen_range(0..15);
            let batch: Vec<_> = (0..size).map(|_| random_account(&mut rng, pool)).collect();
            let cursor = list.current().map(|a| a.id.clone());
            remember(&mut seen, &batch);
            list.upsert(batch);
            let expected = from_scratch(&seen, sort, rev, filter);
            assert_eq!(
                shown_ids(&list),
                expected,
                "round {round} batch {batch_no}: sort {sort:?} rev {rev} filter {filter:?}"
            );
            assert_eq!(list.total(), seen.len());
            // The cursor stays on its account while that account is still shown.
            if let Some(id) = cursor.filter(|id| expected.contains(id)) {
                assert_eq!(list.current().map(|a| a.id.as_str()), Some(id.as_str()));
            }
            if rng.gen_bool(0.3) && list.shown_len() > 0 {
                list.move_to(rng.gen_range(0..list.shown_len()));
            }
        }
    }
}

/// A background answer for a filter, computed on the index as it was when the job started,
/// is completed for what arrived (or was re-judged) meanwhile.
#[test]
fn a_background_answer_is_completed_for_rows_that_arrived_meanwhile() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for round in 0..60 {
        let sort = SortKey::ALL[rng.gen_range(0..SortKey::ALL.len())];
        let pool = rng.gen_range(5..80);
        let mut list = AccountList::new(sort);
        let mut seen = Vec::new();
        let first: Vec<_> = (0..rng.gen_range(0..40))
            .map(|_| random_account(&mut rng, pool))
            .collect();
        remember(&mut seen, &first);
        list.upsert(first);
        let old = FILTERS[rng.gen_range(0..FILTERS.len())];
        list.set_filter(Filter::parse(old));
        let new = FILTERS[rng.gen_range(0..FILTERS.len())];
        let Some(filter) = Filter::parse(new) else {
            continue;
        };
        // The job starts, then batches arrive under the old filter, then the answer.
        let (index, previous) = list.filter_input();
        for _ in 0..rng.gen_range(0..4) {
            let batch: Vec<_> = (0..rng.gen_range(0..10))
                .map(|_| random_account(&mut rng, pool))
                .collect();
            remember(&mut seen, &batch);
            list.upsert(batch);
            assert_eq!(shown_ids(&list), from_scratch(&seen, sort, false, old));
        }
        let prev = previous.as_ref().map(|(f, h)| (f, h.as_slice()));
        let hits = index.matches(&filter, prev);
        assert!(list.apply_filter(filter, hits), "round {round}");
        assert_eq!(
            shown_ids(&list),
            from_scratch(&seen, sort, false, new),
            "round {round}: {old:?} then {new:?}"
        );
    }
}

#[test]
fn an_answer_for_a_table_that_changed_too_much_is_refused() {
    let mut list = AccountList::new(SortKey::Score);
    list.upsert(vec![account("a", "Alice", 1, Verdict::Clear)]);
    let (index, _) = list.filter_input();
    list.upsert(
        (0..PATCH_ROWS + 1)
            .map(|i| account(&format!("n{i}"), "Nia", 2, Verdict::Clear))
            .collect(),
    );
    let f = Filter::parse("alice").unwrap();
    let hits = index.matches(&f, None);
    assert!(!list.apply_filter(f, hits));
    assert!(list.filter.is_none());
}

#[test]
fn a_rejudged_row_leaving_the_filter_keeps_the_cursor_in_place() {
    let mut list = AccountList::new(SortKey::Name);
    list.upsert(
        ["a", "b", "c", "d"]
            .iter()
            .map(|n| account(n, n, 90, Verdict::Compromised))
            .collect(),
    );
    list.set_filter(Filter::parse("compromised"));
    list.move_to(2);
    assert_eq!(list.current().unwrap().id, "c");
    list.upsert(vec![account("c", "c", 5, Verdict::Clear)]);
    assert_eq!(shown_ids(&list), ["a", "b", "d"]);
    // Not thrown back to the top: the row that took its place.
    assert_eq!(list.current().unwrap().id, "d");
}
