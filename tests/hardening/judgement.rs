//! The judgement errors Microsoft's own example payloads showed (findings 12 to 14 of #17),
//! against the simulator over HTTP: forwarding to the tenant's own verified domains is
//! internal, and the directory, not Identity Protection's record, says whether a user exists.

use super::env;
use reclaim_graph::requests;
use reclaim_triage::gather::{self, GatherOptions};
use reclaim_triage::model::Verdict;
use reclaim_triage::Pack;
use serde_json::json;
use std::sync::Arc;

fn forward_rule(name: &str, to: &str) -> serde_json::Value {
    json!({
        "displayName": name, "sequence": 2, "isEnabled": true,
        "conditions": {"senderContains": ["partner"]},
        "actions": {"forwardTo": [{"emailAddress": {"name": "x", "address": to}}]}
    })
}

async fn investigate(e: &super::Env, who: &str) -> reclaim_triage::gather::Investigation {
    let opts = GatherOptions {
        methods_for_all: true,
        ..GatherOptions::default()
    };
    gather::investigate(&e.client(), Arc::new(Pack::embedded()), opts, who)
        .await
        .unwrap()
}

fn has(inv: &reclaim_triage::gather::Investigation, id: &str) -> bool {
    inv.assessment.indicators.iter().any(|i| i.id == id)
}

/// Finding 12: a rule forwarding to the tenant's second verified domain (no account signs in
/// with it) counted as "sends mail outside the organization".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_to_a_verified_domain_is_internal() {
    let e = env(60, 12).await;
    let truth = e.sim.ground_truth();
    let (id, domain) = e.sim.with_tenant(|t| {
        let u = t
            .users
            .iter()
            .find(|u| !truth.accounts.contains_key(&*u.id) && !t.risky_users.contains_key(&*u.id))
            .expect("a user with no story");
        (u.id.to_string(), t.domain.clone())
    });
    let alias = reclaim_sim::organization::alias_domain(&domain);
    let c = e.client();
    for (name, to) in [
        ("To the brand desk", format!("desk@{alias}")),
        ("Initial", format!("ops@{domain}")),
    ] {
        c.send_json::<serde_json::Value>(requests::create_rule(&id, forward_rule(name, &to)))
            .await
            .unwrap();
    }
    let benign = json!({
        "displayName": "Newsletters", "sequence": 3, "isEnabled": true,
        "conditions": {"senderContains": ["news@"]}, "actions": {"delete": true}
    });
    c.send_json::<serde_json::Value>(requests::create_rule(&id, benign))
        .await
        .unwrap();
    let inv = investigate(&e, &id).await;
    assert!(
        !has(&inv, "rule-forwards-external"),
        "{:#?}",
        inv.assessment.indicators
    );
    assert_ne!(inv.assessment.verdict, Verdict::Compromised);
    assert!(
        inv.warnings.iter().all(|w| !w.contains("verified domains")),
        "{:?}",
        inv.warnings
    );

    // The control: the same rule to a domain the tenant does not own is external.
    c.send_json::<serde_json::Value>(requests::create_rule(
        &id,
        forward_rule("Out", "drop@elsewhere.example.net"),
    ))
    .await
    .unwrap();
    let inv = investigate(&e, &id).await;
    assert!(has(&inv, "rule-forwards-external"));
}

/// Finding 14: a risky-user record saying `isDeleted: true` for a user the directory still
/// has made investigate skip methods, rules and grants and disagree with triage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_decides_whether_an_account_exists() {
    // A victim with rules that Identity Protection flagged (it keeps a risky-user record): the
    // first small tenant from seed 14 on that has one.
    let mut found = None;
    for seed in 14..64 {
        let e = env(60, seed).await;
        let truth = e.sim.ground_truth();
        let id = e.sim.with_tenant(|t| {
            truth
                .compromised()
                .find(|a| {
                    !a.malicious_rule_ids.is_empty() && t.risky_users.contains_key(&*a.user_id)
                })
                .map(|a| a.user_id.clone())
        });
        if let Some(id) = id {
            found = Some((e, id));
            break;
        }
    }
    let (e, id) = found.expect("a risky victim with rules");
    e.sim.with_tenant_mut(|t| {
        t.risky_users.get_mut(&id).expect("a risky user").is_deleted = true;
    });
    let inv = investigate(&e, &id).await;
    assert!(!inv.facts.profile.deleted);
    assert!(
        !has(&inv, "account-deleted"),
        "{:#?}",
        inv.assessment.indicators
    );
    assert!(!inv.facts.rules.is_empty(), "rules were read");
    assert_eq!(inv.assessment.verdict, Verdict::Compromised);

    let got = gather::gather(
        &e.client(),
        Arc::new(Pack::embedded()),
        GatherOptions::default(),
        None,
    )
    .await
    .unwrap();
    let a = got
        .accounts
        .iter()
        .find(|a| a.id == id)
        .expect("triage lists it");
    assert_eq!(
        a.verdict, inv.assessment.verdict,
        "triage and investigate agree"
    );
}
