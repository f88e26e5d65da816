//! The judgement after comparing the pack with the public reporting (issue 13): user agents
//! the reporting does not name raise `unusual-client` only, a network the pack knows by name
//! matches without an ASN, the follow-on apps are evidence, Archive, Notes and Junk Email are
//! hiding folders while owners' own filing into Archive stays clear.

use super::facts::*;
use super::testkit::*;
use super::{assess, AccountAssessment, Pack, TenantContext, Verdict};

fn judge(f: &AccountFacts) -> AccountAssessment {
    let tenant = TenantContext {
        internal_domains: vec!["contoso.com".into()],
        now: Some(at(200)),
    };
    assess(f, &Pack::embedded(), &tenant)
}

fn ids(a: &AccountAssessment) -> Vec<&str> {
    a.indicators.iter().map(|i| i.id.as_str()).collect()
}

fn owner(id: &str) -> AccountFacts {
    let mut f = facts(id, "Analyst", "Engineering");
    for h in 0..10 {
        f.sign_ins
            .push(owner_signin(&format!("own-{h}"), h * 10 - 200));
    }
    f
}

const MAC_120: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

#[test]
fn a_client_the_reporting_does_not_name_raises_only_unusual_client() {
    for ua in [MAC_120, "python-requests/2.31.0"] {
        let mut f = owner("uc");
        let mut s = owner_signin("odd", 50);
        s.user_agent = ua.into();
        s.device_id = None;
        s.device_managed = false;
        f.sign_ins.push(s);
        let a = judge(&f);
        assert_eq!(ids(&a), ["unusual-client"], "{ua}: {:#?}", a.indicators);
        assert_eq!(a.verdict, Verdict::Clear);
        assert_eq!(a.indicators[0].evidence[0].id, "odd");
    }
}

#[test]
fn a_named_isp_without_an_asn_is_a_campaign_network() {
    let mut f = owner("sel");
    let mut s = attacker_signin("sel-1", 50);
    s.asn = None;
    s.country = Some("RU".into());
    s.city = Some("Moscow".into());
    s.network_names = vec!["Selena Telecom LLC".into()];
    f.sign_ins.push(s.clone());
    let a = judge(&f);
    let net = a
        .indicators
        .iter()
        .find(|i| i.id == "campaign-network")
        .unwrap_or_else(|| panic!("{:#?}", a.indicators));
    assert!(
        net.evidence[0]
            .detail
            .contains("Selena Telecom LLC (fixed-line ISP)"),
        "{}",
        net.evidence[0].detail
    );
    // The control: the same sign-in without the name is a campaign country, not a network.
    let mut f = owner("sel");
    s.network_names.clear();
    f.sign_ins.push(s);
    let a = judge(&f);
    assert!(
        !ids(&a).contains(&"campaign-network"),
        "{:#?}",
        a.indicators
    );
    assert!(ids(&a).contains(&"campaign-country"));
}

#[test]
fn the_follow_on_apps_are_campaign_app_evidence() {
    let mut f = owner("fo");
    f.sign_ins.push(attacker_signin("entry", 50));
    let mut my = attacker_signin("my-signins", 51);
    my.app = "My Signins".into();
    f.sign_ins.push(my);
    let a = judge(&f);
    let app = a
        .indicators
        .iter()
        .find(|i| i.id == "campaign-app")
        .unwrap_or_else(|| panic!("{:#?}", a.indicators));
    assert!(app.summary.contains("then My Signins"), "{}", app.summary);
    let ev: Vec<&str> = app.evidence.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ev, ["entry", "my-signins"]);
    assert!(app.weight > 0, "it counts (within the access cap)");
}

fn hiding(name: &str, to: FolderRef, keywords: &[&str], read: bool) -> Rule {
    let mut r = rule("r1", name);
    r.conditions.keywords = keywords.iter().map(|k| k.to_string()).collect();
    r.actions.move_to = Some(to);
    r.actions.mark_as_read = read;
    r
}

#[test]
fn archive_notes_and_junk_email_hide_mail_and_owners_filing_stays_clear() {
    let cases = [
        ("Notes", folder("Notes", None)),
        ("Junk Email", folder("Junk Email", Some("junkemail"))),
        ("Archive", folder("Archive", Some("archive"))),
    ];
    for (what, to) in cases {
        let mut f = owner("hide");
        f.rules.push(hiding("Tidy", to, &["contract", "re:"], true));
        let a = judge(&f);
        let hides = a.indicators.iter().find(|i| i.id == "rule-hides-mail");
        let w = Pack::embedded().weight("rule-hides-mail");
        assert_eq!(
            hides.map(|h| u32::from(h.weight)),
            Some(w),
            "{what}: {:#?}",
            a.indicators
        );
        assert_eq!(a.findings.malicious_rules.len(), 1, "{what}");
        assert!(ids(&a).contains(&"rule-keywords"), "contract is a keyword");
    }
    // Owners file into Archive: by sender (mark-read or not), or by a subject without hiding.
    let archive = || folder("Archive", Some("archive"));
    let mut notifications = hiding("Notifications", archive(), &[], true);
    notifications.conditions.senders = vec!["noreply".into(), "no-reply".into()];
    let receipts = hiding("Receipts", archive(), &["receipt"], false);
    for r in [notifications, receipts] {
        let mut f = owner("own");
        let name = r.name.clone();
        f.rules.push(r);
        let a = judge(&f);
        assert!(a.findings.malicious_rules.is_empty(), "{name}");
        assert_eq!(a.verdict, Verdict::Clear, "{name}: {:#?}", a.indicators);
    }
}
