//! Planning reads each account once: the risky user (Identity Protection: 1 request per
//! second for the tenant) and the method list (the reports budget) the plan's state read
//! fetched are handed to the investigation, and the judgement is the same as reading afresh.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_reads_each_accounts_risk_and_methods_once_and_judges_the_same() {
    let s = campaign(400, 13, &ScenarioKnobs::default()).await;
    let users: Vec<String> = s
        .ground_truth()
        .compromised()
        .take(3)
        .map(|a| a.user_id.clone())
        .collect();
    assert_eq!(users.len(), 3);
    let c = client(&s, false);
    s.clear_request_log();
    let plan = make_plan(&s, &c, &users, "contain-ato").await;
    let log = s.request_log();
    // The tenant's verified domains: once for the plan, not once per account.
    let organization = log
        .iter()
        .filter(|e| e.method == "GET" && e.path.starts_with("/v1.0/organization"))
        .count();
    assert_eq!(organization, 1);
    for u in &users {
        let gets = |suffix: &str| {
            log.iter()
                .filter(|e| e.method == "GET")
                .filter(|e| e.path.split('?').next().unwrap().ends_with(suffix))
                .count()
        };
        assert_eq!(
            gets(&format!("/identityProtection/riskyUsers/{u}")),
            1,
            "risky user of {u}"
        );
        assert_eq!(
            gets(&format!("/users/{u}/authentication/methods")),
            1,
            "methods of {u}"
        );
    }

    // The same verdict, score and indicators as an investigation that reads everything.
    let pack = Arc::new(reclaim_triage::Pack::embedded());
    for a in &plan.accounts {
        let fresh =
            reclaim_triage::gather::investigate(&c, pack.clone(), Default::default(), &a.user_id)
                .await
                .unwrap();
        let ev = a.assessment.as_ref().expect("evidence");
        assert_eq!(ev.score, fresh.assessment.score, "{}", a.user_id);
        assert_eq!(
            ev.verdict,
            fresh.assessment.verdict.as_str(),
            "{}",
            a.user_id
        );
        assert_eq!(
            ev.indicators.len(),
            fresh.assessment.indicators.len(),
            "{}",
            a.user_id
        );
    }
}
