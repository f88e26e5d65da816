//! `contain-ato` on tenants without Entra ID P2: the plan leaves `confirm-compromised` out
//! with the licence as its reason (shown in the plan text and file), sends nothing to
//! Identity Protection, and still contains the accounts.

use super::{client, fast, journal, make_plan, mutating};
use reclaim_contain::apply::{apply, CollectingSink};
use reclaim_contain::report::Verdict;
use reclaim_contain::ActionKind;
use reclaim_sim::{Licence, LicenceSettings};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contain_ato_without_p2_leaves_out_confirm_compromised_and_contains() {
    for tier in [Licence::P1, Licence::Free] {
        let s = super::campaign(120, 2024, &Default::default()).await;
        s.set_licence(LicenceSettings::tier(tier));
        let ids: Vec<String> = s
            .ground_truth()
            .compromised()
            .take(3)
            .map(|a| a.user_id.clone())
            .collect();
        assert!(!ids.is_empty());
        let c = client(&s, false);
        let plan = make_plan(&s, &c, &ids, "contain-ato").await;
        for a in &plan.accounts {
            assert!(
                !a.steps
                    .iter()
                    .any(|st| st.action == ActionKind::ConfirmCompromised),
                "{tier:?}: confirm-compromised planned"
            );
            let skipped = a
                .skipped
                .iter()
                .find(|k| k.action == ActionKind::ConfirmCompromised)
                .expect("left out with a reason");
            assert!(skipped.reason.contains("licence"), "{}", skipped.reason);
            assert!(
                a.steps
                    .iter()
                    .any(|st| st.action == ActionKind::RevokeSessions),
                "the rest of the playbook stays"
            );
        }
        let text = reclaim_contain::dry_run::render(Some(&c), &plan, &[]).await;
        assert!(
            text.contains(
                "skipped confirm-compromised: the tenant's licence has no Identity Protection"
            ),
            "{text}"
        );

        let dir = tempfile::tempdir().unwrap();
        let j = journal(dir.path(), &s);
        let report = apply(&c, &j, &plan, &fast(), &CollectingSink::default())
            .await
            .unwrap();
        assert_eq!(
            report.graph_verdict(),
            Verdict::Success,
            "{tier:?}: {}",
            report.render()
        );
        assert!(report.render().contains("contained in Graph"));
        assert!(
            !mutating(&s)
                .iter()
                .any(|(_, p)| p.contains("identityProtection") || p.contains("riskyUsers")),
            "nothing is sent to Identity Protection"
        );
    }
}
