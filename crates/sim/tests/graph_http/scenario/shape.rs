//! The generated tenant has the shape Graph would serve: members, phones, managers, methods,
//! mailboxes and the rest, at 50 and 10,000 users.

use super::{now, small, ten_thousand, user_index, TEMPLATES};
use reclaim_sim::model::MethodKind;
use std::collections::BTreeMap;

#[test]
fn tenant_shape_is_what_graph_would_serve() {
    let phone = regex::Regex::new(r"^\+\d{1,3} \d{6,12}$").unwrap();
    for s in [small(), ten_thousand()] {
        let t = &s.tenant;
        assert!(!t.id.is_empty() && t.domain.ends_with(".onmicrosoft.com"));
        assert_eq!(t.generated_at, Some(now()));
        assert!(t.apps.is_empty(), "the server core registers apps");
        let idx = user_index(t);
        for u in &t.users {
            if &*u.user_type == "Member" {
                assert!(u.user_principal_name.ends_with(&format!("@{}", t.domain)));
                assert!(
                    u.job_title.is_some() && u.department.is_some() && u.usage_location.is_some()
                );
                for p in u.business_phones.iter().chain(&u.mobile_phone) {
                    assert!(phone.is_match(p), "{p}");
                }
                if let Some(m) = &u.manager_id {
                    assert!(idx.contains_key(&**m));
                }
            }
            let methods = &t.methods[&*u.id];
            if &*u.user_type == "Member" {
                assert!(methods.iter().any(|m| m.kind == Some(MethodKind::Password)));
            }
            for m in methods.iter().filter(|m| m.kind == Some(MethodKind::Phone)) {
                assert!(phone.is_match(m.phone_number.as_ref().unwrap()));
            }
        }
        assert_eq!(
            t.users
                .iter()
                .filter(|u| u.manager_id.is_none() && &*u.user_type == "Member")
                .count(),
            1
        );
        for r in &t.role_assignments {
            assert!(t
                .role_definitions
                .iter()
                .any(|d| d.id == r.role_definition_id));
            assert!(idx.contains_key(r.principal_id.as_str()));
        }
        for tid in TEMPLATES {
            assert!(
                t.role_assignments
                    .iter()
                    .any(|r| r.role_definition_id == tid),
                "{tid}"
            );
        }
        assert!(t
            .sign_ins
            .windows(2)
            .all(|w| w[0].created_date_time >= w[1].created_date_time));
        assert!(t
            .directory_audits
            .windows(2)
            .all(|w| w[0].activity_date_time >= w[1].activity_date_time));
        assert!(t.sign_ins.iter().all(|x| x.created_date_time <= now()));
        assert!(t
            .sign_ins
            .iter()
            .any(|x| x.created_date_time < now() - chrono::Duration::days(14)));
        let wkn = [
            "inbox",
            "archive",
            "deleteditems",
            "rssfeeds",
            "conversationhistory",
            "junkemail",
            "sentitems",
        ];
        assert!(t.mailboxes.len() * 10 > t.users.len() * 8);
        for m in t.mailboxes.values() {
            for w in wkn {
                assert!(m
                    .folders()
                    .iter()
                    .any(|f| f.well_known_name.as_deref() == Some(w)));
            }
            assert!(m.settings["timeZone"].is_string());
        }
        // Every user's sign-ins: members sign in a few times over the window.
        let mut per_user: BTreeMap<&str, usize> = BTreeMap::new();
        for x in &t.sign_ins {
            *per_user.entry(&*x.user.user_id).or_default() += 1;
        }
        assert!(t
            .users
            .iter()
            .all(|u| per_user.get(&*u.id).copied().unwrap_or(0) >= 2));
    }
}
