//! The `campaign-2024` scenario: determinism, the persona mix, the campaign's traces and their
//! consistency with the ground truth, look-alikes, hostile strings, and the tenant's shape.

use chrono::{TimeZone, Utc};
use reclaim_sim::model::{RiskLevel, RiskState, Tenant, Time};
use reclaim_sim::scenario::{self, is_hostile, ScenarioKnobs};
use reclaim_sim::truth::{AccountTruth, Persona};
use reclaim_sim::Scenario;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

mod checks;
mod shape;
use checks::traces;

const TEMPLATES: [&str; 7] = [
    "62e90394-69f5-4237-9190-012177145e10",
    "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
    "e8611ab8-c189-46e8-94e1-60213ab1f814",
    "194ae4cb-b126-40b2-bd5b-6091b380977d",
    "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "c4e39bd9-1100-46d3-8c65-fb160da0071f",
    "729827e3-9c14-49f7-bb1b-9608f156bbb8",
];

fn now() -> Time {
    Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap()
}

fn ten_thousand() -> &'static Scenario {
    static S: OnceLock<Scenario> = OnceLock::new();
    S.get_or_init(|| scenario::generate("campaign-2024", 10_000, 2024, now()).unwrap())
}

fn small() -> &'static Scenario {
    static S: OnceLock<Scenario> = OnceLock::new();
    S.get_or_init(|| scenario::generate("campaign-2024", 50, 7, now()).unwrap())
}

fn user_index(t: &Tenant) -> BTreeMap<&str, usize> {
    t.users
        .iter()
        .enumerate()
        .map(|(i, u)| (&*u.id, i))
        .collect()
}

#[test]
fn unknown_scenario_names_the_known_ones() {
    let err = scenario::generate("campaign-2023", 100, 1, now())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("campaign-2023") && err.contains("campaign-2024"),
        "{err}"
    );
    let err = scenario::generate("campaign-2024", 49, 1, now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("50"), "{err}");
    let bad = ScenarioKnobs {
        oauth_grant: 1.5,
        ..ScenarioKnobs::default()
    };
    let err = scenario::generate_with("campaign-2024", 100, 1, now(), &bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("oauth_grant"), "{err}");
}

#[test]
fn same_inputs_same_tenant_and_seed_matters() {
    let a = scenario::generate("campaign-2024", 600, 99, now()).unwrap();
    let b = scenario::generate("campaign-2024", 600, 99, now()).unwrap();
    let (ta, tb) = (&a.tenant, &b.tenant);
    assert_eq!(ta.id, tb.id);
    assert_eq!(ta.users, tb.users);
    assert_eq!(ta.sign_ins, tb.sign_ins);
    assert_eq!(ta.directory_audits, tb.directory_audits);
    assert_eq!(ta.risk_detections, tb.risk_detections);
    assert_eq!(ta.risky_users, tb.risky_users);
    assert_eq!(ta.risky_user_history, tb.risky_user_history);
    assert_eq!(ta.methods, tb.methods);
    assert_eq!(ta.grants, tb.grants);
    assert_eq!(ta.service_principals, tb.service_principals);
    assert_eq!(ta.role_assignments, tb.role_assignments);
    assert_eq!(ta.mailboxes.len(), tb.mailboxes.len());
    for (id, m) in &ta.mailboxes {
        let n = &tb.mailboxes[id];
        assert_eq!(m.folders(), n.folders());
        assert_eq!(m.rules, n.rules);
        assert_eq!(m.settings, n.settings);
    }
    assert_eq!(a.truth, b.truth);

    let c = scenario::generate("campaign-2024", 600, 100, now()).unwrap();
    assert_ne!(ta.id, c.tenant.id);
    assert_ne!(ta.users, c.tenant.users);
    // A different trace mix keeps the org chart: only what the attacker did changes.
    let d = scenario::generate_with("campaign-2024", 600, 99, now(), &ScenarioKnobs::alternate())
        .unwrap();
    let org = |t: &Tenant| -> Vec<(String, Option<std::sync::Arc<str>>, Option<String>)> {
        t.users
            .iter()
            .map(|u| {
                (
                    u.user_principal_name.to_string(),
                    u.department.clone(),
                    u.manager_id.as_deref().map(String::from),
                )
            })
            .collect()
    };
    assert!(
        org(ta) == org(&d.tenant),
        "the org chart moved with the trace mix"
    );
    assert_ne!(a.truth, d.truth);
}

#[test]
fn persona_counts_and_executive_concentration() {
    let s = ten_thousand();
    let (t, truth) = (&s.tenant, &s.truth);
    assert_eq!(t.users.len(), 10_000);
    let compromised: Vec<_> = truth.compromised().collect();
    assert!(
        (100..=200).contains(&compromised.len()),
        "{}",
        compromised.len()
    );
    for p in [
        Persona::Traveller,
        Persona::NewPhoneLegit,
        Persona::BenignRules,
        Persona::Dismissed,
        Persona::Remediated,
        Persona::Deleted,
        Persona::Guest,
        Persona::RiskyNoise,
    ] {
        assert!(truth.with_persona(p).count() >= 10, "{p:?}");
    }
    let risky = t.risky_users.len() as f64 / t.users.len() as f64;
    assert!((0.035..=0.07).contains(&risky), "risky share {risky}");

    let idx = user_index(t);
    let money = ["Finance", "Sales", "Account Management", "Executive Office"];
    let high_value = |a: &&&AccountTruth| {
        let u = &t.users[idx[a.user_id.as_str()]];
        let title = u.job_title.as_deref().unwrap_or("");
        title.starts_with("Chief")
            || title.starts_with("VP")
            || title == "President"
            || money.contains(&u.department.as_deref().unwrap_or(""))
    };
    let hv = compromised.iter().filter(high_value).count();
    assert!(
        hv * 100 >= compromised.len() * 75,
        "{hv} of {}",
        compromised.len()
    );
    let titles: BTreeSet<&str> = compromised
        .iter()
        .filter_map(|a| t.users[idx[a.user_id.as_str()]].job_title.as_deref())
        .collect();
    assert!(
        titles.contains("Chief Financial Officer") || titles.contains("President"),
        "{titles:?}"
    );
    assert!(titles.contains("VP of Operations"), "{titles:?}");
    let top = titles
        .iter()
        .filter(|t| t.starts_with("Chief") || t.starts_with("VP") || **t == "President")
        .count();
    assert!(top >= 4, "{titles:?}");
    assert!(titles.iter().any(|t| t.contains("Account Manager")));
}

#[test]
fn every_compromised_account_has_two_traces_in_varied_combinations() {
    for s in [ten_thousand(), small()] {
        let mut combos = BTreeSet::new();
        for a in s.truth.compromised() {
            let tr = traces(&s.tenant, a);
            assert!(tr.len() >= 2, "{} has {tr:?}", a.user_principal_name);
            combos.insert(tr);
        }
        if s.tenant.users.len() > 1000 {
            assert!(combos.len() >= 12, "only {} combinations", combos.len());
            let all: BTreeSet<_> = combos.iter().flatten().collect();
            assert_eq!(all.len(), 6, "{all:?}");
        }
    }
}

#[test]
fn identity_protection_risk_varies_for_compromised_accounts() {
    let s = ten_thousand();
    let levels: Vec<Option<RiskLevel>> = s
        .truth
        .compromised()
        .map(|a| s.tenant.risky_users.get(&a.user_id).map(|r| r.risk_level))
        .collect();
    assert!(
        levels.contains(&None),
        "some compromised accounts carry no risk"
    );
    assert!(levels.contains(&Some(RiskLevel::Low)));
    assert!(levels.contains(&Some(RiskLevel::High)));
}

#[test]
fn attacker_changes_match_the_truth_and_the_audit_log() {
    for s in [ten_thousand(), small()] {
        let t = &s.tenant;
        for a in s.truth.compromised() {
            let start = a.compromise_started.expect("compromise start");
            assert!(!a.attacker_ips.is_empty());
            // The first malicious sign-in is in the log from an attacker address.
            assert!(t.sign_ins.iter().any(|x| *x.user.user_id == *a.user_id
                && x.created_date_time == start
                && a.attacker_ips.iter().any(|i| *i == *x.origin.ip_address)));
            let methods = &t.methods[&*a.user_id];
            for id in &a.attacker_method_ids {
                let m = methods
                    .iter()
                    .find(|m| *m.id == **id)
                    .expect("attacker method");
                checks::attacker_method(t, a, m);
            }
            for n in &a.attacker_phone_numbers {
                assert!(methods.iter().any(|m| m.phone_number.as_deref() == Some(n)));
                checks::phone_arrival(t, a, n);
            }
            checks::swap_record(t, a);
            checks::owner_objects(t, a);
            checks::attacker_objects(t, a);
        }
    }
}

#[test]
fn malicious_rules_hide_or_forward_mail_outside() {
    let s = ten_thousand();
    let t = &s.tenant;
    let mut forwards = 0;
    for a in s.truth.compromised() {
        let mb = &t.mailboxes[&*a.user_id];
        let folders = mb.folders();
        let hidden: Vec<&str> = folders
            .iter()
            .filter(|f| {
                matches!(
                    f.well_known_name.as_deref(),
                    Some("rssfeeds" | "conversationhistory" | "archive")
                )
            })
            .map(|f| f.id.as_str())
            .collect();
        for id in &a.malicious_rule_ids {
            let r = mb.rules.iter().find(|r| &r.id == id).unwrap();
            let x = &r.actions;
            let hides = x
                .move_to_folder
                .as_deref()
                .is_some_and(|f| hidden.contains(&f))
                || x.delete == Some(true);
            let out: Vec<&str> = [&x.forward_to, &x.redirect_to, &x.forward_as_attachment_to]
                .into_iter()
                .flatten()
                .flatten()
                .map(|r| r.email_address.address.as_str())
                .collect();
            assert!(hides || !out.is_empty(), "{r:?}");
            for addr in &out {
                assert!(!addr.ends_with(&t.domain));
                forwards += 1;
            }
            assert!(r.sequence >= 1 && r.sequence as usize <= mb.rules.len());
        }
    }
    assert!(forwards > 10);
}

#[test]
fn look_alikes_stay_clean() {
    let s = ten_thousand();
    let t = &s.tenant;
    let idx = user_index(t);
    for a in s.truth.accounts.values().filter(|a| !a.is_compromised()) {
        assert!(a.attacker_method_ids.is_empty() && a.attacker_phone_numbers.is_empty());
        assert!(a.malicious_rule_ids.is_empty() && a.malicious_grant_ids.is_empty());
        assert!(a.attacker_ips.is_empty() && a.compromise_started.is_none());
        // No look-alike signs in with the campaign's Linux user agent from Russia or Nigeria.
        assert!(!t.sign_ins.iter().any(|x| *x.user.user_id == *a.user_id
            && x.client.user_agent.contains("X11; Linux")
            && matches!(
                x.origin.location.country_or_region.as_deref(),
                Some("RU" | "NG")
            )));
        let u = &t.users[idx[a.user_id.as_str()]];
        let risky = t.risky_users.get(&a.user_id);
        let persona = a.personas[0];
        match persona {
            Persona::Deleted => {
                assert!(u.deleted && !u.account_enabled);
                assert!(risky.unwrap().is_deleted);
            }
            Persona::Guest => {
                assert_eq!(&*u.user_type, "Guest");
                assert!(u.user_principal_name.contains("#EXT#"));
                assert!(risky.is_some());
            }
            Persona::Dismissed => assert_eq!(risky.unwrap().risk_state, RiskState::Dismissed),
            Persona::Remediated => assert_eq!(risky.unwrap().risk_state, RiskState::Remediated),
            Persona::RiskyNoise => {
                let r = risky.unwrap();
                assert!(matches!(r.risk_level, RiskLevel::Low | RiskLevel::Medium));
            }
            Persona::Traveller => {
                let home = u.usage_location.as_deref();
                assert!(t.sign_ins.iter().any(|x| *x.user.user_id == *a.user_id
                    && x.origin.location.country_or_region.as_deref() != home));
            }
            Persona::NewPhoneLegit => {
                // The new method came from the person's own network, with no risk before it.
                let change = t
                    .directory_audits
                    .iter()
                    .filter(|d| d.target_resources[0].id.as_ref() == Some(&a.user_id))
                    .find(|d| d.logged_by_service == "Authentication Methods")
                    .expect("registration record");
                let ip = change
                    .initiated_by
                    .user
                    .as_ref()
                    .unwrap()
                    .ip_address
                    .clone()
                    .unwrap();
                assert!(t
                    .sign_ins
                    .iter()
                    .filter(|x| *x.user.user_id == *a.user_id)
                    .any(|x| *x.origin.ip_address == *ip));
                assert!(risky.is_none());
                assert!(change.activity_date_time > now() - chrono::Duration::days(11));
            }
            Persona::BenignRules => {
                let rules = &t.mailboxes[&*a.user_id].rules;
                assert!(rules.len() >= 2);
                for r in rules {
                    let out = [&r.actions.forward_to, &r.actions.redirect_to]
                        .into_iter()
                        .flatten()
                        .flatten();
                    for rcpt in out {
                        assert!(rcpt.email_address.address.ends_with(&t.domain));
                    }
                }
            }
            Persona::Compromised => unreachable!(),
        }
    }
}

#[test]
fn hostile_strings_reach_rule_names_device_names_and_user_agents() {
    for s in [small(), ten_thousand()] {
        let t = &s.tenant;
        let rules = t
            .mailboxes
            .values()
            .flat_map(|m| &m.rules)
            .any(|r| is_hostile(&r.display_name));
        let devices = t
            .methods
            .values()
            .flatten()
            .any(|m| m.display_name.as_deref().is_some_and(is_hostile));
        let agents = t.sign_ins.iter().any(|x| is_hostile(&x.client.user_agent));
        assert!(rules && devices && agents, "{rules} {devices} {agents}");
        // And they sit on attacker objects only.
        for m in t.mailboxes.values() {
            for r in m.rules.iter().filter(|r| is_hostile(&r.display_name)) {
                assert!(s
                    .truth
                    .compromised()
                    .any(|a| a.malicious_rule_ids.contains(&r.id)));
            }
        }
    }
    let names: Vec<_> = small()
        .tenant
        .mailboxes
        .values()
        .flat_map(|m| &m.rules)
        .map(|r| r.display_name.clone())
        .collect();
    assert!(names
        .iter()
        .any(|n| n.contains('\u{1b}') || n.contains('\u{202e}')));
}

/// The attacker signs in with the user agents the campaign's reporting names (a mix of them),
/// never the Linux Chrome 118 earlier versions took for one; from the ISP the reporting names
/// without an ASN, its sign-ins carry the tenant's named location for it (beta only, as the
/// service does), and nobody else's do.
#[test]
fn campaign_sign_ins_use_the_reported_user_agents_and_name_the_isp() {
    let s = ten_thousand();
    let t = &s.tenant;
    let attacker: BTreeMap<&str, BTreeSet<&str>> = s
        .truth
        .compromised()
        .map(|a| {
            let ips = a.attacker_ips.iter().map(String::as_str).collect();
            (a.user_id.as_str(), ips)
        })
        .collect();
    let reported = |ua: &str| {
        scenario::CAMPAIGN_UAS
            .iter()
            .position(|(d, _)| ua.starts_with(d.ua))
    };
    let mut used = BTreeSet::new();
    let mut selena = 0;
    for x in &t.sign_ins {
        let ua = &*x.client.user_agent;
        assert!(!ua.contains("Chrome/118"), "{ua}");
        let named: Vec<&str> = x
            .policy
            .network_location_details
            .iter()
            .flat_map(|d| d.network_names.iter().map(String::as_str))
            .collect();
        let from_selena = x.origin.autonomous_system_number == Some(scenario::SELENA.asn);
        if from_selena {
            selena += 1;
            let d = &x.policy.network_location_details;
            assert_eq!(d.len(), 1);
            assert_eq!(d[0].network_type, "namedNetwork");
            assert_eq!(named, ["Selena Telecom LLC"]);
        } else {
            assert!(!named.contains(&"Selena Telecom LLC"));
        }
        let by_attacker = attacker
            .get(&*x.user.user_id)
            .is_some_and(|ips| ips.contains(&*x.origin.ip_address));
        if by_attacker {
            if let Some(i) = reported(ua) {
                used.insert(i);
            }
        } else {
            assert!(!from_selena, "only the attacker signs in from there");
        }
    }
    assert_eq!(used.len(), scenario::CAMPAIGN_UAS.len(), "a mix: {used:?}");
    assert!(selena > 0, "some sign-ins come from the named ISP");
}

#[test]
fn alternate_mix_and_seed_still_meet_the_rules() {
    let s = scenario::generate_with(
        "campaign-2024",
        2_000,
        31337,
        now(),
        &ScenarioKnobs::alternate(),
    )
    .unwrap();
    let compromised: Vec<_> = s.truth.compromised().collect();
    assert!(compromised.len() >= 30);
    let mut campaign = 0;
    for a in &compromised {
        let tr = traces(&s.tenant, a);
        assert!(tr.len() >= 2);
        campaign += usize::from(tr.contains("campaign-sign-in"));
    }
    // Fewer tell-tale sign-ins than the default mix: triage must use the other traces.
    assert!(
        campaign < compromised.len() * 3 / 4,
        "{campaign} of {}",
        compromised.len()
    );
}

/// Roles and groups the attacker added are held, audited from the attacker's address, in
/// varied mixes; the ones an admin granted through the normal process come from elsewhere.
#[test]
fn attacker_roles_and_groups_match_the_truth_and_the_audit_log() {
    for s in [ten_thousand(), small()] {
        let t = &s.tenant;
        let (mut roles, mut groups, mut owners) = (0, 0, 0);
        for (uid, a) in &s.truth.accounts {
            let audits_about = |activity: &str, object: &str| -> Vec<String> {
                t.directory_audits
                    .iter()
                    .filter(|r| r.activity_display_name == activity)
                    .filter(|r| {
                        let ids: Vec<_> = r
                            .target_resources
                            .iter()
                            .filter_map(|x| x.id.as_deref())
                            .collect();
                        ids.contains(&uid.as_str()) && ids.contains(&object)
                    })
                    .filter_map(|r| r.initiated_by.user.as_ref()?.ip_address.clone())
                    .collect()
            };
            for id in &a.attacker_role_assignment_ids {
                let ra = t
                    .role_assignments
                    .iter()
                    .find(|r| &r.id == id)
                    .expect("held");
                assert_eq!(&ra.principal_id, uid);
                let role = reclaim_sim::graph::roles::directory_role_id(&ra.role_definition_id);
                let ips = audits_about("Add member to role", &role);
                assert!(ips.iter().any(|ip| a.attacker_ips.contains(ip)), "{ips:?}");
                roles += 1;
            }
            for gid in &a.attacker_group_ids {
                let g = t.groups.iter().find(|g| &g.id == gid).expect("group");
                assert!(g.members.contains(uid));
                let ips = audits_about("Add member to group", gid);
                assert!(ips.iter().any(|ip| a.attacker_ips.contains(ip)), "{ips:?}");
                groups += 1;
            }
            for id in &a.owner_membership_ids {
                let role =
                    t.role_assignments.iter().find(|r| &r.id == id).map(|r| {
                        reclaim_sim::graph::roles::directory_role_id(&r.role_definition_id)
                    });
                let ips = match role {
                    Some(role) => audits_about("Add member to role", &role),
                    None => audits_about("Add member to group", id),
                };
                assert!(!ips.is_empty());
                assert!(ips.iter().all(|ip| !a.attacker_ips.contains(ip)), "{ips:?}");
                owners += 1;
            }
        }
        let least = if t.users.len() > 1000 { 3 } else { 1 };
        assert!(
            roles >= least && groups >= least && owners >= 1,
            "{roles} {groups} {owners}"
        );
    }
}
