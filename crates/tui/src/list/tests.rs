//! The accounts table's model: sorting, filtering, cursor, scrolling and marks.

use super::*;
use reclaim_triage::Verdict;

pub(crate) fn account(id: &str, name: &str, score: u8, verdict: Verdict) -> AccountAssessment {
    AccountAssessment {
        id: id.into(),
        user_principal_name: format!("{id}@contoso.com"),
        display_name: name.into(),
        job_title: None,
        department: None,
        roles: vec![],
        risk_level: "none".into(),
        risk_state: "none".into(),
        score,
        verdict,
        indicators: vec![],
        account_enabled: Some(true),
        user_type: Some("Member".into()),
        high_value: false,
        findings: Default::default(),
        complete: true,
    }
}

fn list() -> AccountList {
    let mut l = AccountList::new(SortKey::Score);
    l.upsert(vec![
        account("a", "Alice", 40, Verdict::Suspicious),
        account("b", "bob", 90, Verdict::Compromised),
        account("c", "Carol", 5, Verdict::Clear),
    ]);
    l
}

fn names(l: &AccountList) -> Vec<String> {
    (0..l.shown_len())
        .map(|i| l.shown_at(i).unwrap().display_name.clone())
        .collect()
}

#[test]
fn sorts_by_score_then_by_name_case_insensitively() {
    let mut l = list();
    assert_eq!(names(&l), ["bob", "Alice", "Carol"]);
    l.set_sort(SortKey::Name, false);
    assert_eq!(names(&l), ["Alice", "bob", "Carol"]);
    l.set_sort(SortKey::Name, true);
    assert_eq!(names(&l), ["Carol", "bob", "Alice"]);
}

#[test]
fn filter_regex_inverse_and_literal_fallback() {
    let mut l = list();
    l.set_filter(Filter::parse("^(alice|carol)"));
    assert_eq!(names(&l), ["Alice", "Carol"]);
    l.set_filter(Filter::parse("!compromised"));
    assert_eq!(names(&l), ["Alice", "Carol"]);
    let f = Filter::parse("bob(").unwrap();
    assert!(f.literal);
    l.set_filter(Some(f));
    assert!(names(&l).is_empty());
    l.set_filter(Filter::parse(""));
    assert_eq!(l.shown_len(), 3);
    assert!(Filter::parse("!").is_none());
}

#[test]
fn cursor_follows_its_account_through_sorts_and_batches() {
    let mut l = list();
    l.move_by(1);
    assert_eq!(l.current().unwrap().id, "a");
    l.set_sort(SortKey::Name, false);
    assert_eq!(l.current().unwrap().id, "a");
    l.upsert(vec![account("d", "Dave", 99, Verdict::Compromised)]);
    assert_eq!(l.current().unwrap().id, "a");
    // A re-judged account is updated in place, not duplicated.
    l.upsert(vec![account("a", "Alice", 95, Verdict::Compromised)]);
    assert_eq!(l.total(), 4);
    assert_eq!(l.get("a").unwrap().score, 95);
}

#[test]
fn scrolls_the_fewest_rows() {
    let mut l = AccountList::new(SortKey::Score);
    l.upsert(
        (0..100)
            .map(|i| account(&format!("u{i}"), "x", i as u8, Verdict::Clear))
            .collect(),
    );
    l.move_to(12);
    l.scroll_into_view(10);
    assert_eq!(l.offset, 3);
    l.move_by(-5);
    l.scroll_into_view(10);
    assert_eq!(l.offset, 3);
    l.move_to(0);
    l.scroll_into_view(10);
    assert_eq!(l.offset, 0);
    assert!(!l.move_by(-1));
}

#[test]
fn marks() {
    let mut l = list();
    l.toggle_mark();
    assert!(l.is_marked("b"));
    l.toggle_mark();
    assert!(!l.is_marked("b"));
    l.set_filter(Filter::parse("!clear"));
    l.mark_all_shown();
    assert_eq!(l.marks.iter().cloned().collect::<Vec<_>>(), ["a", "b"]);
}
