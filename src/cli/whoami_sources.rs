//! `whoami`'s per-source report: one small read of each source triage and containment use,
//! and, for each one that cannot be read, why in plain words (the tenant's licence, a missing
//! permission, a missing Entra role, a Conditional Access block), plus the licence tier worked
//! out from the refusals and from `GET /subscribedSkus` where the permission allows.

use reclaim_graph::auth::claims::TokenClaims;
use reclaim_graph::licence::{self, Tier};
use reclaim_graph::paging::{Incomplete, Pager};
use reclaim_graph::{GraphClient, GraphError};
use serde::{de::DeserializeOwned, Serialize};

/// One source, readable or not.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SourceStatus {
    pub source: String,
    pub readable: bool,
    /// CONTRACT.md's `unavailable[].reason` word when not readable.
    pub reason: Option<String>,
    /// Plain words: what it means.
    pub explanation: String,
}

/// The licence tier, and what it was worked out from.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LicenceReport {
    /// `p2`, `p1`, `free`, or null when nothing could tell.
    pub tier: Option<Tier>,
    /// `answers` (the APIs' own refusals and answers), `subscribedSkus`, or both.
    pub basis: Vec<String>,
    pub description: String,
    /// The subscriptions' part numbers (`SPE_E5`...), when `subscribedSkus` could be read.
    pub skus: Vec<String>,
}

/// The first page of a collection: Ok when the API answered.
async fn first_page<T: DeserializeOwned>(mut pager: Pager<T>) -> Result<(), GraphError> {
    match pager.next_page().await {
        None | Some(Ok(_)) => Ok(()),
        Some(Err(Incomplete::Failed { error, .. })) => Err(*error),
        Some(Err(_)) => Ok(()),
    }
}

fn status(source: &str, r: &Result<(), GraphError>, claims: Option<&TokenClaims>) -> SourceStatus {
    match r {
        Ok(()) => SourceStatus {
            source: source.into(),
            readable: true,
            reason: None,
            explanation: "readable".into(),
        },
        Err(e) => {
            let reason = licence::reason(e, claims);
            SourceStatus {
                source: source.into(),
                readable: false,
                reason: Some(reason.into()),
                explanation: reclaim_triage::output::reason_words(reason).into(),
            }
        }
    }
}

/// `Some(true)` answered, `Some(false)` refused for the licence, `None` cannot tell.
fn licensed(r: &Result<(), GraphError>) -> Option<bool> {
    match r {
        Ok(()) => Some(true),
        Err(e) if e.is_unlicensed() => Some(false),
        Err(_) => None,
    }
}

/// Reads a little of every source; never fails (each failure is a line of the report).
pub async fn probe(
    client: &GraphClient,
    claims: Option<&TokenClaims>,
) -> (Vec<SourceStatus>, LicenceReport) {
    use reclaim_graph::client::RiskyUserFilter;
    let risky = first_page(client.list_risky_users(&RiskyUserFilter {
        top: Some(1),
        ..RiskyUserFilter::default()
    }))
    .await;
    // Graph unreachable, or the sign-in itself refused: every source would say the same.
    if let Err(e @ (GraphError::Transport { .. } | GraphError::Auth(_))) = &risky {
        let line = |s: &str| status(s, &Err(e.clone()), claims);
        let list = ["risky users", "sign-ins", "directory audits", "users"]
            .iter()
            .map(|s| line(s))
            .collect();
        let report = LicenceReport {
            tier: None,
            basis: Vec::new(),
            description: format!(
                "unknown ({})",
                reclaim_core::sanitize::inert(&e.to_string())
            ),
            skus: Vec::new(),
        };
        return (list, report);
    }
    let detections = first_page(client.list_risk_detections(None, None, Some(1))).await;
    let sign_ins = first_page(client.list_sign_ins(None, Some(1))).await;
    let activity = client.probe_sign_in_activity().await;
    let audits = first_page(client.list_directory_audits(None, Some(1))).await;
    let mut users = client.list_users(None, Some(1), false);
    let (users_read, sample) = match users.next_page().await {
        Some(Ok(page)) => (Ok(()), page.items.first().map(|u| u.id.clone())),
        None => (Ok(()), None),
        Some(Err(Incomplete::Failed { error, .. })) => (Err(*error), None),
        Some(Err(_)) => (Ok(()), None),
    };
    let mut list = vec![
        status("risky users", &risky, claims),
        status("risk detections", &detections, claims),
        status("sign-ins", &sign_ins, claims),
        status("signInActivity", &activity, claims),
        status("directory audits", &audits, claims),
        status("users", &users_read, claims),
    ];
    if let Some(id) = sample {
        let rules = match first_page(client.list_inbox_rules(&id)).await {
            // An account without a mailbox still shows the API answers.
            Err(e) if e.is_not_found() => Ok(()),
            other => other,
        };
        list.push(status(
            "directory roles",
            &first_page(client.user_roles(&id)).await,
            claims,
        ));
        list.push(status(
            "authentication methods",
            &first_page(client.list_methods(&id)).await,
            claims,
        ));
        list.push(status("inbox rules", &rules, claims));
        list.push(status(
            "OAuth grants",
            &first_page(client.user_oauth_grants(&id)).await,
            claims,
        ));
    }

    let mut basis = Vec::new();
    let from_answers = licence::tier_from_answers(
        licensed(&risky).or(licensed(&detections)),
        licensed(&sign_ins).or(licensed(&activity)),
    );
    if from_answers.is_some() {
        basis.push("answers".to_string());
    }
    let skus = client.list_subscribed_skus().collect().await;
    let (from_skus, sku_names) = match &skus {
        Ok(c) => {
            basis.push("subscribedSkus".to_string());
            let names = c
                .items
                .iter()
                .filter_map(|s| s.sku_part_number.clone())
                .collect();
            (Some(licence::tier_from_skus(&c.items)), names)
        }
        Err(_) => (None, Vec::new()),
    };
    list.push(status(
        "subscribed SKUs",
        &skus.as_ref().map(|_| ()).map_err(Clone::clone),
        claims,
    ));
    // The APIs' answers are what reclaim gets; the subscriptions fill in when they cannot tell.
    let tier = from_answers.or(from_skus);
    let report = LicenceReport {
        tier,
        basis,
        description: tier
            .map(|t| t.describe().to_string())
            .unwrap_or_else(|| "unknown (no source could tell)".into()),
        skus: sku_names,
    };
    (list, report)
}
