//! Don't read twice, over real HTTP: after the console's gather, planning an account it
//! gathered reads each attacker-changeable part once (methods, rules, grants, risk state, the
//! user and its default method) and no history (sign-ins, audits, detections, roles) again.
//! Proven from the simulator's request log.

use super::support::*;
use reclaim::graph_source::TriageSource;
use reclaim_contain::service::ContainmentService;
use reclaim_core::secrets::MemoryStore;
use reclaim_graph::throttle::Limits;
use reclaim_graph::ClientOptions;
use reclaim_triage::gather::{GatherOptions, RecentFacts};
use reclaim_triage::Pack;
use reclaim_tui::source::{DataSource, Feed, TenantInfo};
use reclaim_tui::JobId;
use std::collections::HashMap;
use std::sync::Arc;

fn history(path: &str) -> bool {
    [
        "/auditLogs/",
        "riskDetections",
        "roleAssignments",
        "memberOf",
    ]
    .iter()
    .any(|h| path.contains(h))
}

#[tokio::test]
async fn a_plan_after_the_gather_reads_only_what_an_attacker_can_change_once() {
    let s = campaign(200, 11, campaign_now(), &Default::default()).await;
    let opts = ClientOptions {
        limits: Limits::none(),
        ..ClientOptions::default()
    };
    let c = reclaim::cli::connect::sim_app_client(&s, &s.apps.full, opts).unwrap();
    let recent = RecentFacts::default();
    let info = TenantInfo {
        name: "sim".into(),
        domain: "sim".into(),
        operator: "responder@test".into(),
    };
    let gopts = GatherOptions {
        now: Some(campaign_now()),
        ..GatherOptions::default()
    };
    let source = TriageSource::new(
        c.clone(),
        Arc::new(Pack::embedded()),
        gopts,
        info,
        None,
        Arc::default(),
    )
    .with_recent(recent.clone());
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    source.load_accounts(Feed::new(tx, JobId(0))).await.unwrap();
    let target = s
        .ground_truth()
        .compromised()
        .next()
        .map(|a| a.user_id.clone())
        .unwrap();
    assert!(
        recent.fresh(&target).is_some(),
        "the gather read the account"
    );

    assert_plan_reads_only_what_changes(&s, &c, recent, &target).await;
}

/// Plans `target` with the console's recent facts and checks the simulator's log: six reads,
/// none twice, no history.
async fn assert_plan_reads_only_what_changes(
    s: &reclaim_sim::SimHandle,
    c: &reclaim_graph::GraphClient,
    recent: RecentFacts,
    target: &str,
) {
    let dir = tempfile::tempdir().unwrap();
    let service = ContainmentService {
        client: c.clone(),
        audit_dir: dir.path().to_path_buf(),
        store: Arc::new(MemoryStore::default()),
        tenant: s.tenant_id.clone(),
        operator: "responder@test".into(),
        delegated: false,
        recent: Some(recent),
    };
    let playbook = reclaim_contain::playbook::find("contain-ato", None).unwrap();
    s.clear_request_log();
    let plan = service
        .plan(&[target.to_string()], &playbook)
        .await
        .unwrap();
    assert!(plan.step_count() > 0, "the plan contains the account");
    let verdict = plan.accounts[0]
        .assessment
        .as_ref()
        .map(|a| a.verdict.clone());
    assert_eq!(verdict.as_deref(), Some("compromised"));

    let log = s.request_log();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for e in log
        .iter()
        .filter(|e| e.path.starts_with("/v1.0/") || e.path.starts_with("/beta/"))
    {
        *seen.entry(e.path.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "read twice in one plan: {twice:?}");
    let again: Vec<_> = seen.keys().filter(|p| history(p)).collect();
    assert!(
        again.is_empty(),
        "history the gather read, read again: {again:?}"
    );
    // User, default method, methods, risky user, rules, grants, registered devices, app role
    // assignments: eight reads, plus one per app behind a grant the gather never saw (none
    // here), and one per application or service principal the evidence names a credential on.
    assert_eq!(seen.len(), 8, "{:?}", seen.keys().collect::<Vec<_>>());
}

/// Opened in the console while the gather has not finished with it: the detail view's
/// investigation is what the plan reuses.
#[tokio::test]
async fn a_plan_after_opening_the_account_reuses_its_investigation() {
    let s = campaign(200, 11, campaign_now(), &Default::default()).await;
    let opts = ClientOptions {
        limits: Limits::none(),
        ..ClientOptions::default()
    };
    let c = reclaim::cli::connect::sim_app_client(&s, &s.apps.full, opts).unwrap();
    let recent = RecentFacts::default();
    let info = TenantInfo {
        name: "sim".into(),
        domain: "sim".into(),
        operator: "responder@test".into(),
    };
    let gopts = GatherOptions {
        now: Some(campaign_now()),
        ..GatherOptions::default()
    };
    let source = TriageSource::new(
        c.clone(),
        Arc::new(Pack::embedded()),
        gopts,
        info,
        None,
        Arc::default(),
    )
    .with_recent(recent.clone());
    let target = s
        .ground_truth()
        .compromised()
        .next()
        .map(|a| a.user_id.clone())
        .unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    source
        .load_detail(&target, Feed::new(tx, JobId(0)))
        .await
        .unwrap();
    assert!(
        recent.fresh(&target).is_some(),
        "the detail view read the account"
    );
    assert_plan_reads_only_what_changes(&s, &c, recent, &target).await;
}
