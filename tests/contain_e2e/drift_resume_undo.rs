//! Drift is caught before anything is sent, a cut-off apply resumes without repeating a
//! step, and undo restores what the journal recorded.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_resume_and_undo() {
    let knobs = ScenarioKnobs {
        attacker_method_default: 0.0,
        ..ScenarioKnobs::default()
    };
    let s = campaign(300, 23, &knobs).await;
    let truth = s.ground_truth();
    let with_rules: Vec<String> = truth
        .compromised()
        .filter(|a| !a.malicious_rule_ids.is_empty())
        .map(|a| a.user_id.clone())
        .collect();
    assert!(with_rules.len() >= 2);
    let (a, b) = (with_rules[0].clone(), with_rules[1].clone());
    let c = client(&s, false);
    let plan = make_plan(&s, &c, &[a.clone(), b.clone()], "contain-ato").await;
    let dir = tempfile::tempdir().unwrap();
    let j = journal(dir.path(), &s);

    // Drift: after planning, a new Authenticator appears on account A.
    s.with_tenant_mut(|t| {
        let mut m = t.methods[&*a]
            .iter()
            .find(|m| {
                m.kind == Some(MethodKind::MicrosoftAuthenticator)
                    || m.kind == Some(MethodKind::Password)
            })
            .unwrap()
            .clone();
        m.id = "0badc0de-0000-4000-8000-000000000001".into();
        m.kind = Some(MethodKind::MicrosoftAuthenticator);
        m.is_default = false;
        t.methods.get_mut(&*a).unwrap().push(m);
    });
    // Resume: account B's first step was sent by a run that died before its outcome.
    let b_plan = plan.accounts.iter().find(|x| x.user_id == b).unwrap();
    let first = &b_plan.steps[0];
    assert_eq!(first.op, Op::SetAccountEnabled { enabled: false });
    j.intent(StepIntent {
        incident: plan.incident.clone(),
        plan_id: plan.id.clone(),
        step_id: first.id.clone(),
        action: first.action.name().into(),
        target: b_plan.user_principal_name.clone(),
        before: serde_json::json!({"userId": b, "op": first.op, "state": first.before}),
        request: RequestSummary {
            method: "PATCH".into(),
            path: first.request.path.clone(),
            body: first.request.body.clone(),
        },
    })
    .unwrap();
    s.with_tenant_mut(|t| {
        t.users
            .iter_mut()
            .find(|u| *u.id == *b)
            .unwrap()
            .account_enabled = false
    });
    s.clear_request_log();

    let report = apply(&c, &j, &plan, &fast(), &CollectingSink::default())
        .await
        .unwrap();
    assert_eq!(report.verdict(), Verdict::Partial);
    let ra = report.accounts.iter().find(|x| x.user_id == a).unwrap();
    let AccountOutcome::Drift { changes } = &ra.outcome else {
        panic!("{}", report.render())
    };
    assert!(
        changes.iter().any(|c| c.contains("0badc0de")),
        "{changes:?}"
    );
    assert!(
        !mutating(&s).iter().any(|(_, p)| p.contains(a.as_str())),
        "nothing sent for a drifted account"
    );
    let rb = report.accounts.iter().find(|x| x.user_id == b).unwrap();
    assert_eq!(rb.outcome, AccountOutcome::Completed, "{}", report.render());
    assert!(matches!(rb.steps[0].status, StepStatus::Recovered { .. }));
    let disables = mutating(&s)
        .iter()
        .filter(|(m, p)| m == "PATCH" && p == &first.request.path)
        .count();
    let b_patches = b_plan
        .steps
        .iter()
        .filter(|x| x.request.path == first.request.path)
        .count();
    assert_eq!(
        disables,
        b_patches - 1,
        "the interrupted step was not sent again"
    );

    // Undo: a deleted rule comes back as it was; a revocation says why it cannot.
    let del = b_plan
        .steps
        .iter()
        .find(|x| matches!(x.op, Op::DeleteRule { .. }))
        .unwrap();
    let Op::DeleteRule { rule_id } = &del.op else {
        unreachable!()
    };
    let original = del.before.clone();
    let done = undo(&c, &j, &del.id).await.unwrap();
    assert_eq!(done.action, ActionKind::RemoveMaliciousRules);
    s.with_tenant(|t| {
        let rules = &t.mailboxes[&*b].rules;
        let back = rules
            .iter()
            .find(|r| {
                r.display_name == original["displayName"].as_str().unwrap() && &r.id != rule_id
            })
            .expect("rule recreated");
        assert_eq!(
            serde_json::to_value(&back.actions).unwrap(),
            original["actions"]
        );
        assert_eq!(
            serde_json::to_value(&back.conditions).unwrap(),
            original["conditions"]
        );
    });
    assert!(matches!(
        undo(&c, &j, &del.id).await,
        Err(UndoError::AlreadyUndone(_))
    ));
    let revoke = b_plan
        .steps
        .iter()
        .find(|x| x.action == ActionKind::RevokeSessions)
        .unwrap();
    let e = undo(&c, &j, &revoke.id).await.unwrap_err();
    assert!(e.to_string().contains("cannot be undone"), "{e}");
    assert!(matches!(
        undo(&c, &j, "nope-01-01").await,
        Err(UndoError::NotFound(_))
    ));
    // A phone put back to the owner's number can be set back to what it was before.
    if let Some(p) = b_plan
        .steps
        .iter()
        .find(|x| matches!(x.op, Op::SetPhoneNumber { .. }))
    {
        undo(&c, &j, &p.id).await.unwrap();
        let was = p.before["phoneNumber"].as_str().unwrap().to_string();
        s.with_tenant(|t| {
            assert!(t.methods[&*b]
                .iter()
                .any(|m| m.phone_number.as_deref() == Some(was.as_str())))
        });
    }
}
