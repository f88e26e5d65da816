//! Don't read twice, over real HTTP: after the console's gather, planning an account it
//! gathered reads each attacker-changeable part once (rules, grants, risk state, devices, the
//! user and its default method), takes the methods the gather listed (listing them is one of
//! the reports' five requests per 10 s; apply's drift check lists them before anything is
//! sent) and reads no history (sign-ins, audits, detections, roles) again. Proven from the
//! simulator's request log, as is the safety net: methods changed after the plan stop the
//! account at apply, and the next plan lists them afresh.

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
        // The gather's role reads (with their definitions). The plan's own read of the
        // account's assignments and groups is state an attacker changes (remove-attacker-roles).
        "expand=roleDefinition",
        "memberOf/microsoft.graph.directoryRole",
    ]
    .iter()
    .any(|h| path.contains(h))
}

/// The console's data source on the simulator (full permissions, no client-side limits), with
/// the facts it records: the client, the recorded facts and the source.
fn console_source(
    s: &reclaim_sim::SimHandle,
) -> (reclaim_graph::GraphClient, RecentFacts, TriageSource) {
    let opts = ClientOptions {
        limits: Limits::none(),
        ..ClientOptions::default()
    };
    let c = reclaim::cli::connect::sim_app_client(s, &s.apps.full, opts).unwrap();
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
    (c, recent, source)
}

#[tokio::test]
async fn a_plan_after_the_gather_reads_only_what_an_attacker_can_change_once() {
    let s = campaign(200, 11, campaign_now(), &Default::default()).await;
    let (c, recent, source) = console_source(&s);
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    source.load_accounts(Feed::new(tx, JobId(0))).await.unwrap();
    let target = s
        .ground_truth()
        .compromised()
        .next()
        .map(|a| a.user_id.clone())
        .unwrap();
    assert!(
        recent.fresh_methods(&target).is_some(),
        "the gather read the account and listed its methods"
    );

    assert_plan_reads_only_what_changes(&s, &c, recent, &target).await;
}

/// Plans `target` with the console's recent facts and checks the simulator's log: six reads,
/// none twice, no methods listing, no history.
async fn assert_plan_reads_only_what_changes(
    s: &reclaim_sim::SimHandle,
    c: &reclaim_graph::GraphClient,
    recent: RecentFacts,
    target: &str,
) {
    let dir = tempfile::tempdir().unwrap();
    let service = service(s, c, dir.path(), recent.clone());
    let playbook = reclaim_contain::playbook::find("contain-ato", None).unwrap();
    let at_risk = recent
        .fresh_risky(target)
        .is_some_and(|r| r.state == reclaim_triage::facts::RiskState::AtRisk);
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
    let listed: Vec<_> = seen.keys().filter(|p| lists_methods(p)).collect();
    assert!(listed.is_empty(), "methods listed again: {listed:?}");
    // User, default method, rules, grants, registered devices, role assignments, memberOf
    // (groups), app role assignments and, unless the gather found the account at risk, the
    // risky user: eight or nine reads, plus one per app behind a grant the gather never saw
    // (none here), and one per application or service principal the evidence names a
    // credential on.
    let risk_read = seen.keys().any(|p| p.contains("/riskyUsers/"));
    assert_eq!(risk_read, !at_risk, "{:?}", seen.keys().collect::<Vec<_>>());
    let reads = if at_risk { 8 } else { 9 };
    let confirms = plan.accounts[0]
        .steps
        .iter()
        .any(|s| s.op == reclaim_contain::op::Op::ConfirmCompromised);
    assert!(!at_risk || confirms, "an account at risk is confirmed");
    assert_eq!(seen.len(), reads, "{:?}", seen.keys().collect::<Vec<_>>());
}

fn lists_methods(path: &str) -> bool {
    path.split('?')
        .next()
        .unwrap_or("")
        .ends_with("/authentication/methods")
}

fn service(
    s: &reclaim_sim::SimHandle,
    c: &reclaim_graph::GraphClient,
    dir: &std::path::Path,
    recent: RecentFacts,
) -> ContainmentService {
    ContainmentService {
        client: c.clone(),
        audit_dir: dir.to_path_buf(),
        store: Arc::new(MemoryStore::default()),
        tenant: s.tenant_id.clone(),
        operator: "responder@test".into(),
        delegated: false,
        recent: Some(recent),
    }
}

/// A campaign tenant whose first compromised account the console's detail view opened while
/// no gather ran: the simulator, the client, the facts it recorded and the account's id.
async fn opened_in_the_console() -> (
    reclaim_sim::SimHandle,
    reclaim_graph::GraphClient,
    RecentFacts,
    String,
) {
    let s = campaign(200, 11, campaign_now(), &Default::default()).await;
    let (c, recent, source) = console_source(&s);
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
    (s, c, recent, target)
}

/// Opened in the console while the gather has not finished with it: the detail view's
/// investigation is what the plan reuses.
#[tokio::test]
async fn a_plan_after_opening_the_account_reuses_its_investigation() {
    let (s, c, recent, target) = opened_in_the_console().await;
    assert!(
        recent.fresh_methods(&target).is_some(),
        "the detail view read the account and listed its methods"
    );
    assert_plan_reads_only_what_changes(&s, &c, recent, &target).await;
}

/// The safety net of taking the gather's methods: an Authenticator the attacker adds after the
/// plan stops the account at apply's drift check with nothing sent, and the next plan lists
/// the methods afresh and sees it.
#[tokio::test]
async fn methods_changed_after_a_plan_from_gathered_methods_stop_the_apply_and_are_read_again() {
    let (s, c, recent, target) = opened_in_the_console().await;
    let dir = tempfile::tempdir().unwrap();
    let svc = service(&s, &c, dir.path(), recent.clone());
    let playbook = reclaim_contain::playbook::find("contain-ato", None).unwrap();
    s.clear_request_log();
    let plan = svc
        .plan(std::slice::from_ref(&target), &playbook)
        .await
        .unwrap();
    assert!(
        !s.request_log().iter().any(|e| lists_methods(&e.path)),
        "the plan took the gathered methods"
    );

    let added = "0badc0de-0000-4000-8000-000000000015";
    s.with_tenant_mut(|t| {
        let list = t.methods.get_mut(&*target).unwrap();
        let mut m = list[0].clone();
        m.id = added.into();
        m.kind = Some(reclaim_sim::model::MethodKind::MicrosoftAuthenticator);
        m.is_default = false;
        list.push(m);
    });
    s.clear_request_log();
    let (etx, _erx) = tokio::sync::mpsc::unbounded_channel();
    let sink = reclaim_contain::reveal::CollectingSink::default();
    let report = svc.apply(&plan, etx, &sink).await.unwrap();
    let reclaim_contain::report::AccountOutcome::Drift { changes } = &report.accounts[0].outcome
    else {
        panic!("{}", report.render())
    };
    assert!(changes.iter().any(|c| c.contains(added)), "{changes:?}");
    let sent: Vec<_> = s
        .request_log()
        .into_iter()
        .filter(|e| e.method != "GET")
        .collect();
    assert!(
        sent.is_empty(),
        "nothing sent for a drifted account: {sent:?}"
    );
    assert!(
        recent.fresh(&target).is_none(),
        "the drifted account is forgotten"
    );

    s.clear_request_log();
    let again = svc
        .plan(std::slice::from_ref(&target), &playbook)
        .await
        .unwrap();
    assert!(s.request_log().iter().any(|e| lists_methods(&e.path)));
    let before = again.accounts[0].before.methods.as_ref().unwrap();
    assert!(before.iter().any(|m| m.id == added), "the re-plan sees it");
}

/// An account the gather found at risk is confirmed compromised without reading its risk
/// state again (one of Identity Protection's one request per second): the plan confirms it
/// whatever a fresh read would say, and the apply reads the step back.
#[tokio::test]
async fn an_account_the_gather_found_at_risk_is_planned_without_reading_its_risk_again() {
    let s = campaign(400, 23, campaign_now(), &Default::default()).await;
    let (c, recent, source) = console_source(&s);
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    source.load_accounts(Feed::new(tx, JobId(0))).await.unwrap();
    let target = s
        .ground_truth()
        .compromised()
        .map(|a| a.user_id.clone())
        .find(|id| {
            recent
                .fresh_risky(id)
                .is_some_and(|r| r.state == reclaim_triage::facts::RiskState::AtRisk)
        })
        .expect("the campaign has an account Identity Protection holds at risk");
    assert_plan_reads_only_what_changes(&s, &c, recent, &target).await;
}
