//! Batch validation, packing and item JSON.
use super::*;

fn item(id: &str, deps: &[&str], scope: ThrottleScope) -> BatchItem {
    BatchItem {
        depends_on: deps.iter().map(|s| s.to_string()).collect(),
        ..BatchItem::get(id, format!("/users/{id}"), "read-users", scope)
    }
}

#[test]
fn validation_refuses_duplicates_unknown_deps_and_long_chains() {
    let d = ThrottleScope::directory("/users/x", false);
    assert!(validate(&[item("1", &[], d.clone()), item("1", &[], d.clone())]).is_err());
    assert!(validate(&[item("1", &["9"], d.clone())]).is_err());
    let chain: Vec<BatchItem> = (0..21)
        .map(|i| {
            item(
                &i.to_string(),
                &if i > 0 {
                    vec![(i - 1).to_string()]
                } else {
                    vec![]
                }
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
                d.clone(),
            )
        })
        .collect();
    assert!(validate(&chain).is_err());
    let groups = validate(&[
        item("a", &[], d.clone()),
        item("b", &["a"], d.clone()),
        item("c", &[], d),
    ])
    .unwrap();
    assert_eq!(groups, vec![vec![0, 1], vec![2]]);
}

#[test]
fn packing_respects_twenty_per_batch_chains_and_rate_limited_bursts() {
    let burst = |s: &ThrottleScope| match s {
        ThrottleScope::IdentityProtection => 1,
        ThrottleScope::Reports => 5,
        _ => 20,
    };
    let d = ThrottleScope::directory("/users/x", false);
    let mut items: Vec<BatchItem> = (0..25)
        .map(|i| item(&format!("d{i}"), &[], d.clone()))
        .collect();
    items.extend((0..3).map(|i| item(&format!("ip{i}"), &[], ThrottleScope::IdentityProtection)));
    items.extend((0..7).map(|i| item(&format!("r{i}"), &[], ThrottleScope::Reports)));
    let groups = validate(&items).unwrap();
    let envs = pack(burst, &items, groups);
    assert!(envs.iter().all(|e| e.len() <= MAX_BATCH));
    let count =
        |e: &Vec<usize>, s: &ThrottleScope| e.iter().filter(|&&i| &items[i].scope == s).count();
    for e in &envs {
        assert!(count(e, &ThrottleScope::IdentityProtection) <= 1);
        assert!(count(e, &ThrottleScope::Reports) <= 5);
        // Rate-limited items never share an envelope with other kinds.
        let kinds = [
            count(e, &d) > 0,
            count(e, &ThrottleScope::IdentityProtection) > 0,
            count(e, &ThrottleScope::Reports) > 0,
        ];
        assert_eq!(kinds.iter().filter(|k| **k).count(), 1);
    }
    assert_eq!(envs.iter().map(Vec::len).sum::<usize>(), 35);
    assert_eq!(envs.len(), 2 + 3 + 2);
}

#[test]
fn body_less_posts_carry_an_empty_body_and_content_type() {
    let mut it = item("1", &[], ThrottleScope::directory("/users/x", true));
    it.method = Method::POST;
    let v = it.to_json(&["0".into()]);
    assert_eq!(v["body"], json!({}));
    assert_eq!(v["headers"]["Content-Type"], "application/json");
    assert_eq!(v["dependsOn"], json!(["0"]));
    let g = item("2", &[], ThrottleScope::Reports).to_json(&[]);
    assert!(g.get("body").is_none() && g.get("headers").is_none());
}
