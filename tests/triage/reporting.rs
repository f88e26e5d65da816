//! The pack against the public reporting (issue 13), over HTTP against the simulator: a
//! sign-in from an ISP the pack names without an ASN matches by the named location it carries;
//! a user agent the reporting does not name raises `unusual-client` and nothing else; the
//! follow-on app (My Signins) is evidence; "User registered all required security info" is a
//! registration; Archive, Notes and Junk Email hide mail while an owner's filing stays clear.

use super::support::*;
use reclaim_graph::requests;
use reclaim_graph::throttle::Limits;
use reclaim_graph::{ClientOptions, GraphClient};
use reclaim_sim::model::{DeviceDetail, NetworkLocationDetail, SignIn, SignInLocation};
use reclaim_sim::scenario::ScenarioKnobs;
use reclaim_sim::SimHandle;
use reclaim_triage::gather::{self, GatherOptions, Investigation};
use reclaim_triage::Pack;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Arc;

const WIN_119: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36";
const MAC_120: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

async fn sim(seed: u64) -> SimHandle {
    campaign(120, seed, campaign_now(), &ScenarioKnobs::default()).await
}

fn client(sim: &SimHandle) -> GraphClient {
    let opts = ClientOptions {
        limits: Limits::none(),
        ..ClientOptions::default()
    };
    reclaim::cli::connect::sim_app_client(sim, &sim.apps.full, opts).unwrap()
}

async fn investigate(sim: &SimHandle, who: &str) -> Investigation {
    let opts = GatherOptions {
        now: Some(campaign_now()),
        methods_for_all: true,
        ..GatherOptions::default()
    };
    gather::investigate(&client(sim), Arc::new(Pack::embedded()), opts, who)
        .await
        .unwrap()
}

fn ids(inv: &Investigation) -> BTreeSet<String> {
    inv.assessment
        .indicators
        .iter()
        .map(|i| i.id.clone())
        .collect()
}

/// Users with no story in the scenario (no truth record, no risk), with a mailbox and at least
/// one successful sign-in from a device.
fn quiet_users(sim: &SimHandle, n: usize) -> Vec<String> {
    let truth = sim.ground_truth();
    sim.with_tenant(|t| {
        t.users
            .iter()
            .filter(|u| !truth.accounts.contains_key(&*u.id) && !t.risky_users.contains_key(&*u.id))
            .filter(|u| t.mailboxes.contains_key(&u.id))
            .filter(|u| {
                t.sign_ins.iter().any(|s| {
                    *s.user.user_id == *u.id
                        && s.status.error_code == 0
                        && !s.client.device_detail.device_id.is_empty_text()
                })
            })
            .take(n)
            .map(|u| u.id.to_string())
            .collect()
    })
}

/// A copy of one of the user's own successful sign-ins, an hour before "now", changed by `f`.
fn add_sign_in(sim: &SimHandle, user: &str, f: impl FnOnce(&mut SignIn)) {
    sim.with_tenant_mut(|t| {
        let mut s = t
            .sign_ins
            .iter()
            .find(|s| *s.user.user_id == *user && s.status.error_code == 0)
            .expect("a sign-in of the user")
            .clone();
        s.id = reclaim_sim::model::ShortText::guid(rand::random::<[u8; 16]>());
        s.created_date_time = campaign_now() - chrono::Duration::hours(1);
        f(&mut s);
        t.sign_ins.push(s);
    });
}

fn unregistered(s: &mut SignIn, ua: &str) {
    let mut client = (*s.client).clone();
    client.user_agent = ua.into();
    client.device_detail = Arc::new(DeviceDetail::default());
    s.client = Arc::new(client);
}

fn from_moscow(s: &mut SignIn, asn: Option<i32>, named: &[&str]) {
    let mut origin = (*s.origin).clone();
    origin.ip_address = "176.59.10.20".into();
    origin.autonomous_system_number = asn;
    origin.location = Arc::new(SignInLocation {
        city: Some("Moscow".into()),
        state: Some("Moscow".into()),
        country_or_region: Some("RU".into()),
        geo_coordinates: None,
    });
    s.origin = Arc::new(origin);
    let mut policy = (*s.policy).clone();
    policy.network_location_details = named
        .iter()
        .map(|n| NetworkLocationDetail {
            network_type: "namedNetwork".into(),
            network_names: vec![n.to_string()],
        })
        .collect();
    s.policy = Arc::new(policy);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_from_a_named_isp_without_an_asn_matches() {
    let sim = sim(13).await;
    let users = quiet_users(&sim, 3);
    // The pack knows Selena Telecom by name only: no ASN, or one it does not know.
    let cases: [(Option<i32>, &[&str]); 3] = [
        (None, &["Selena Telecom LLC"]),
        (Some(64500), &["Block: Selena Telecom"]),
        (Some(64500), &[]),
    ];
    for (user, (asn, named)) in users.iter().zip(cases) {
        add_sign_in(&sim, user, |s| {
            unregistered(s, WIN_119);
            from_moscow(s, asn, named);
        });
        let inv = investigate(&sim, user).await;
        let net = inv
            .assessment
            .indicators
            .iter()
            .find(|i| i.id == "campaign-network");
        if named.is_empty() {
            assert!(net.is_none(), "no name, no network: {:#?}", ids(&inv));
            assert!(ids(&inv).contains("campaign-country"));
            continue;
        }
        let net = net.unwrap_or_else(|| panic!("{asn:?} {named:?}: {:#?}", ids(&inv)));
        let detail = &net.evidence[0].detail;
        assert!(
            detail.contains("Selena Telecom LLC (fixed-line ISP)"),
            "{detail}"
        );
        assert!(
            ids(&inv).contains("campaign-user-agent"),
            "Chrome/119 is the campaign's"
        );
    }
}

/// Globacom is a Nigerian fixed-line network the pack knows, but no source names it in the
/// campaign's reporting: a sign-in from it is no campaign network.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn globacom_is_not_a_campaign_network() {
    let sim = sim(18).await;
    let user = &quiet_users(&sim, 1)[0];
    add_sign_in(&sim, user, |s| {
        unregistered(s, WIN_119);
        from_moscow(s, Some(37148), &[]);
        let mut origin = (*s.origin).clone();
        origin.location = Arc::new(SignInLocation {
            city: Some("Abuja".into()),
            state: None,
            country_or_region: Some("NG".into()),
            geo_coordinates: None,
        });
        s.origin = Arc::new(origin);
    });
    let inv = investigate(&sim, user).await;
    let got = ids(&inv);
    assert!(!got.contains("campaign-network"), "{got:?}");
    assert!(got.contains("campaign-user-agent"), "{got:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_the_reporting_does_not_name_raises_only_unusual_client() {
    let sim = sim(14).await;
    let users = quiet_users(&sim, 2);
    for (user, ua) in users.iter().zip([MAC_120, "python-requests/2.31.0"]) {
        let before = ids(&investigate(&sim, user).await);
        // From the user's own network, on no registered device.
        add_sign_in(&sim, user, |s| unregistered(s, ua));
        let inv = investigate(&sim, user).await;
        let after = ids(&inv);
        let new: Vec<&String> = after.difference(&before).collect();
        assert_eq!(new, ["unusual-client"], "{ua}: {before:?} -> {after:?}");
        let hit = inv
            .assessment
            .indicators
            .iter()
            .find(|i| i.id == "unusual-client")
            .unwrap();
        assert!(
            hit.evidence[0].detail.contains(ua),
            "{}",
            hit.evidence[0].detail
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_follow_on_app_is_evidence_of_the_campaign_app() {
    let sim = sim(15).await;
    let truth = sim.ground_truth();
    // A victim the attacker reached OfficeHome and My Signins on.
    let victim = sim.with_tenant(|t| {
        truth
            .compromised()
            .find(|a| {
                let apps: BTreeSet<&str> = t
                    .sign_ins
                    .iter()
                    .filter(|s| *s.user.user_id == *a.user_id)
                    .filter(|s| a.attacker_ips.iter().any(|ip| **ip == *s.origin.ip_address))
                    .map(|s| &*s.app.app_display_name)
                    .collect();
                apps.contains("OfficeHome") && apps.contains("My Signins")
            })
            .map(|a| a.user_id.clone())
            .expect("a victim with OfficeHome and My Signins sign-ins")
    });
    let inv = investigate(&sim, &victim).await;
    let app = inv
        .assessment
        .indicators
        .iter()
        .find(|i| i.id == "campaign-app")
        .unwrap_or_else(|| panic!("{:#?}", ids(&inv)));
    assert!(app.summary.contains("then My Signins"), "{}", app.summary);
    assert!(
        app.evidence
            .iter()
            .any(|e| e.detail.starts_with("My Signins from")),
        "{:#?}",
        app.evidence
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registering_all_required_security_info_is_a_registration() {
    // The attacker's method keeps its only registration record, renamed; its Core Directory
    // twin is gone. Recognized, it is tied to the attacker's IP; a name that is no
    // registration leaves only the weaker tie by time.
    for (name, from_ip) in [
        ("User registered all required security info", true),
        ("User started security info registration", false),
    ] {
        let sim = sim(16).await;
        let truth = sim.ground_truth();
        let (user, method) = truth
            .compromised()
            .find_map(|a| Some((a.user_id.clone(), a.attacker_method_ids.first()?.clone())))
            .expect("a victim with an attacker method");
        sim.with_tenant_mut(|t| {
            let created = t.methods[&*user]
                .iter()
                .find(|m| *m.id == *method)
                .and_then(|m| m.created_date_time)
                .expect("created");
            let reg = t
                .directory_audits
                .iter()
                .position(|d| {
                    d.activity_display_name == "User registered security info"
                        && d.activity_date_time == created
                        && d.target_resources
                            .iter()
                            .any(|r| r.id.as_deref() == Some(user.as_str()))
                })
                .expect("the registration record");
            let corr = t.directory_audits[reg].correlation_id.clone();
            t.directory_audits[reg].activity_display_name = name.to_string();
            t.directory_audits.retain(|d| {
                !(d.correlation_id == corr && d.activity_display_name == "Update user")
            });
        });
        let inv = investigate(&sim, &user).await;
        let tied = inv
            .assessment
            .indicators
            .iter()
            .find(|i| i.id == "mfa-registered-from-attacker-ip")
            .is_some_and(|i| i.evidence.iter().any(|e| e.id == method));
        assert_eq!(tied, from_ip, "{name}: {:#?}", inv.assessment.indicators);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_notes_and_junk_email_hide_mail_and_owners_filing_stays_clear() {
    const NOTES_ID: &str = "AAMkbm90ZXMtZm9sZGVyLW9mLWlzc3VlLTEzLXRlc3Rz";
    let sim = sim(17).await;
    let users = quiet_users(&sim, 2);
    let (victim, owner) = (&users[0], &users[1]);
    let folder = |user: &str, wk: &str| {
        sim.with_tenant(|t| {
            t.mailboxes[user]
                .folders()
                .into_iter()
                .find(|f| f.well_known_name.as_deref() == Some(wk))
                .map(|f| f.id)
                .unwrap()
        })
    };
    sim.with_tenant_mut(|t| {
        let mb = t.mailboxes.get_mut(victim.as_str()).unwrap();
        let inbox = mb
            .folders()
            .into_iter()
            .find(|f| f.display_name.as_ref() == "Inbox");
        mb.extra_folders.push(reclaim_sim::model::MailFolder {
            id: NOTES_ID.into(),
            display_name: "Notes".into(),
            parent_folder_id: inbox.map(|f| f.id.into()),
            well_known_name: None,
        });
    });
    let c = client(&sim);
    let hiding = |name: &str, folder: &str, word: &str| {
        json!({
            "displayName": name, "sequence": 1, "isEnabled": true,
            "conditions": {"subjectContains": [word]},
            "actions": {"moveToFolder": folder, "markAsRead": true}
        })
    };
    let rules = [
        ("To archive", folder(victim, "archive"), "quarterly report"),
        ("To notes", NOTES_ID.to_string(), "signed contract"),
        ("To junk", folder(victim, "junkemail"), "wire"),
    ];
    for (name, to, word) in &rules {
        c.send_json::<serde_json::Value>(requests::create_rule(victim, hiding(name, to, word)))
            .await
            .unwrap();
    }
    let inv = investigate(&sim, victim).await;
    let tied: BTreeSet<&str> = inv
        .assessment
        .findings
        .malicious_rules
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        tied,
        BTreeSet::from(["To archive", "To notes", "To junk"]),
        "{:#?}",
        inv.assessment.indicators
    );
    let hides = inv
        .assessment
        .indicators
        .iter()
        .find(|i| i.id == "rule-hides-mail")
        .unwrap();
    assert_eq!(
        u32::from(hides.weight),
        Pack::embedded().weight("rule-hides-mail")
    );
    let keywords = inv
        .assessment
        .indicators
        .iter()
        .find(|i| i.id == "rule-keywords")
        .unwrap();
    assert!(
        keywords
            .evidence
            .iter()
            .any(|e| e.detail.contains("aimed at mail about contract")),
        "{:#?}",
        keywords.evidence
    );

    // The owner's own filing into Archive: notifications by sender, receipts by subject.
    let before = ids(&investigate(&sim, owner).await);
    let archive = folder(owner, "archive");
    for body in [
        json!({"displayName": "Notifications", "sequence": 1, "isEnabled": true,
            "conditions": {"senderContains": ["noreply", "no-reply"]},
            "actions": {"moveToFolder": archive, "markAsRead": true}}),
        json!({"displayName": "Receipts", "sequence": 2, "isEnabled": true,
            "conditions": {"subjectContains": ["receipt"]},
            "actions": {"moveToFolder": archive}}),
    ] {
        c.send_json::<serde_json::Value>(requests::create_rule(owner, body))
            .await
            .unwrap();
    }
    let inv = investigate(&sim, owner).await;
    assert!(inv.assessment.findings.malicious_rules.is_empty());
    assert_eq!(
        inv.assessment.verdict,
        reclaim_triage::Verdict::Clear,
        "{before:?}"
    );
}
