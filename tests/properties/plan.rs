//! Sealed plans: any edit of a plan file's text is refused (tampered, malformed or invalid)
//! or parses to the identical plan (whitespace, key order, escapes, an ignored unknown key);
//! nothing panics.

use super::containment::make_contain_plan;
use proptest::prelude::*;
use reclaim_contain::{Plan, PlanError};
use reclaim_sim::{Profile, SimConfig};
use serde_json::Value;
use std::sync::OnceLock;

/// A real plan (three accounts of the campaign scenario), sealed and written as text.
fn sealed() -> &'static (Plan, String) {
    static PLAN: OnceLock<(Plan, String)> = OnceLock::new();
    PLAN.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let sim = reclaim_sim::start(SimConfig {
                profile: Profile::Fast,
                users: 60,
                seed: 5,
                ..SimConfig::default()
            })
            .await
            .unwrap();
            let users: Vec<String> = sim
                .ground_truth()
                .compromised()
                .take(3)
                .map(|a| a.user_id.clone())
                .collect();
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("plan.json");
            let plan = make_contain_plan(&sim, &users, &file).await;
            let text = std::fs::read_to_string(&file).unwrap();
            sim.shutdown().await;
            (plan, text)
        })
    })
}

/// Where a JSON value sits: object keys and array indices.
type Pointer = Vec<Result<String, usize>>;

fn leaves(v: &Value, at: &mut Pointer, out: &mut Vec<Pointer>) {
    match v {
        Value::Object(m) => {
            out.push(at.clone());
            for (k, child) in m {
                at.push(Ok(k.clone()));
                leaves(child, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            out.push(at.clone());
            for (i, child) in a.iter().enumerate() {
                at.push(Err(i));
                leaves(child, at, out);
                at.pop();
            }
        }
        _ => out.push(at.clone()),
    }
}

fn get_mut<'a>(v: &'a mut Value, p: &Pointer) -> &'a mut Value {
    p.iter().fold(v, |v, step| match step {
        Ok(k) => &mut v[k.as_str()],
        Err(i) => &mut v[*i],
    })
}

/// One change to the document's meaning at the `n`-th node.
fn edit_value(doc: &Value, n: usize, how: u8, c: char) -> Value {
    let mut out = Vec::new();
    leaves(doc, &mut Vec::new(), &mut out);
    let mut doc = doc.clone();
    let p = &out[n % out.len()];
    let node = get_mut(&mut doc, p);
    if let Value::Number(x) = node {
        let next = match x.as_i64() {
            Some(i) => Value::from(i.wrapping_add(1)),
            None => Value::from(x.as_f64().unwrap_or(0.0) + 1.0),
        };
        *node = next;
        return doc;
    }
    match (node, how % 4) {
        (Value::Object(m), 0) if !m.is_empty() => {
            let k = m.keys().nth(n % m.len()).unwrap().clone();
            m.remove(&k);
        }
        (Value::Object(m), _) => {
            m.insert(format!("x{c}"), Value::Bool(true));
        }
        (Value::Array(a), 0) if !a.is_empty() => {
            a.remove(n % a.len());
        }
        (Value::Array(a), _) => a.push(Value::Null),
        (Value::String(s), 0) => s.push(c),
        (Value::String(s), 1) if !s.is_empty() => {
            s.pop();
        }
        (Value::String(s), _) => s.insert(0, c),
        (Value::Bool(b), _) => *b = !*b,
        (node, _) => *node = Value::from(0),
    }
    doc
}

fn refused(r: &Result<Plan, PlanError>) -> bool {
    matches!(
        r,
        Err(PlanError::Tampered | PlanError::Malformed(_) | PlanError::Invalid(_))
    )
}

proptest! {
    #![proptest_config(super::cases(256))]

    #[test]
    fn a_text_edit_is_refused_or_changes_nothing(
        at in any::<usize>(),
        how in 0u8..3,
        c in prop_oneof![any::<char>(), prop::char::range(' ', '~')],
    ) {
        let (plan, text) = sealed();
        let mut chars: Vec<char> = text.chars().collect();
        let i = at % chars.len();
        match how {
            0 => chars[i] = c,
            1 => chars.insert(i, c),
            _ => {
                chars.remove(i);
            }
        }
        let edited: String = chars.into_iter().collect();
        let r = Plan::from_json(&edited);
        prop_assert!(refused(&r) || r.as_ref().ok() == Some(plan), "{:?}", r.err());
    }

    #[test]
    fn a_changed_value_is_refused_or_changes_nothing(
        n in any::<usize>(),
        how in 0u8..4,
        c in any::<char>(),
    ) {
        // (An unknown key inside a step is ignored and left out of the digest: the plan that
        // results is the sealed one, which the property allows.)
        let (plan, text) = sealed();
        let doc: Value = serde_json::from_str(text).unwrap();
        let edited = edit_value(&doc, n, how, c);
        let r = Plan::from_json(&serde_json::to_string(&edited).unwrap());
        prop_assert!(refused(&r) || r.as_ref().ok() == Some(plan), "accepted a changed plan");
    }

    #[test]
    fn a_truncated_plan_is_refused(cut in any::<usize>()) {
        let (_, text) = sealed();
        let end = text.char_indices().map(|(i, _)| i).nth(cut % text.chars().count()).unwrap();
        prop_assert!(refused(&Plan::from_json(&text[..end])));
    }
}
