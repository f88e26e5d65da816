//! The role and group indicators on hand-built accounts: tied from the attacker's address,
//! never from the office, never when the record names someone else.

use crate::facts::*;
use crate::testkit::*;
use crate::{assess, AccountAssessment, Pack, TenantContext};

const ROLE: &str = "29232cdf-9323-42fd-ade2-1d097af3e4de";

fn judge(f: &AccountFacts) -> AccountAssessment {
    let t = TenantContext {
        internal_domains: vec!["contoso.com".into()],
        now: Some(at(200)),
    };
    assess(f, &Pack::embedded(), &t)
}

fn added(id: &str, activity: &str, member: &str, object: &str, ip: &str) -> AuditEvent {
    let mut a = audit(id, 9, activity, Some(ip), "");
    a.service = "Core Directory".into();
    a.target_id = Some(member.into());
    if activity.contains("role") {
        a.role_template_id = Some(object.into());
        a.target_names = vec!["Exchange Administrator".into()];
    } else {
        a.target_object_ids = vec![object.into()];
        a.target_names = vec!["Finance Approvers".into()];
    }
    a
}

fn victim() -> AccountFacts {
    let mut f = facts("cfo", "Chief Financial Officer", "Finance");
    for h in 0..5 {
        f.sign_ins
            .push(owner_signin(&format!("own-{h}"), h * 10 - 200));
    }
    f.sign_ins.push(attacker_signin("evil-1", 5));
    f
}

fn ids(a: &AccountAssessment) -> Vec<&str> {
    a.indicators.iter().map(|i| i.id.as_str()).collect()
}

#[test]
fn a_role_and_a_group_added_from_the_attacker_are_tied() {
    let mut f = victim();
    let me = f.profile.id.clone();
    f.audits
        .push(added("a-r", "Add member to role", &me, ROLE, ATTACKER_IP));
    f.audits.push(added(
        "a-g",
        "Add member to group",
        &me,
        "grp-1",
        ATTACKER_IP,
    ));
    let a = judge(&f);
    assert!(ids(&a).contains(&"role-added-by-attacker"), "{:?}", ids(&a));
    assert!(ids(&a).contains(&"group-added-by-attacker"));
    let m = &a.findings.attacker_memberships;
    assert_eq!(m.len(), 2);
    assert_eq!(
        (m[0].kind.as_str(), m[0].object_id.as_str()),
        ("role", ROLE)
    );
    assert_eq!(
        (m[1].kind.as_str(), m[1].object_id.as_str()),
        ("group", "grp-1")
    );
    assert!(m[0].reasons[0].contains(ATTACKER_IP));
}

#[test]
fn office_grants_and_other_members_are_never_tied() {
    let mut f = victim();
    let me = f.profile.id.clone();
    f.audits
        .push(added("o-r", "Add member to role", &me, ROLE, OWNER_IP));
    f.audits.push(added(
        "x-g",
        "Add member to group",
        "someone-else",
        "grp-1",
        ATTACKER_IP,
    ));
    let a = judge(&f);
    assert!(a.findings.attacker_memberships.is_empty());
    assert!(!ids(&a).iter().any(|i| i.ends_with("-added-by-attacker")));
}

#[test]
fn an_eligible_role_is_tied_and_says_eligible_apart_from_the_active_one() {
    let mut f = victim();
    let me = f.profile.id.clone();
    for (id, activity) in [
        ("e-r", "Add eligible member to role"),
        ("a-r", "Add member to role"),
    ] {
        f.audits.push(added(id, activity, &me, ROLE, ATTACKER_IP));
    }
    let a = judge(&f);
    let m = &a.findings.attacker_memberships;
    assert_eq!(m.len(), 2, "{m:?}");
    let eligible: Vec<bool> = m.iter().map(|x| x.eligible).collect();
    assert!(eligible.contains(&true) && eligible.contains(&false));
    let e = m.iter().find(|x| x.eligible).unwrap();
    assert!(
        e.reasons[0].starts_with("eligible role"),
        "{}",
        e.reasons[0]
    );
}
