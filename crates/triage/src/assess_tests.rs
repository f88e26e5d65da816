//! The judgement on hand-built accounts: the campaign's victims and its look-alikes.

use super::facts::*;
use super::testkit::*;
use super::{assess, AccountAssessment, Pack, TenantContext, Verdict};

fn tenant() -> TenantContext {
    TenantContext {
        internal_domains: vec!["contoso.com".into()],
        now: Some(at(200)),
    }
}

fn judge(f: &AccountFacts) -> AccountAssessment {
    assess(f, &Pack::embedded(), &tenant())
}

fn ids(a: &AccountAssessment) -> Vec<&str> {
    a.indicators
        .iter()
        .filter(|i| i.weight > 0)
        .map(|i| i.id.as_str())
        .collect()
}

/// An owner with a normal history: office sign-ins, an old Authenticator and phone.
fn owner_history(f: &mut AccountFacts) {
    for h in 0..10 {
        f.sign_ins
            .push(owner_signin(&format!("own-{h}"), h * 10 - 200));
    }
    f.methods
        .push(authenticator("auth-owner", -2000, "Jane's iPhone"));
    f.methods
        .push(phone(MOBILE, -2000, "+1 2125550100", PhoneType::Mobile));
    let mut pw = Method::new("28c10230-6103-485e-b985-444c60001490", MethodKind::Password);
    pw.created = Some(at(-5000));
    f.methods.push(pw);
}

const MOBILE: &str = "3179e48a-750b-4051-897c-87b9720928f7";

#[test]
fn cfo_taken_over_with_low_risk_rises_to_compromised() {
    let mut f = facts("cfo", "Chief Financial Officer", "Finance");
    owner_history(&mut f);
    f.risky = Some(risky("low", "atRisk"));
    f.sign_ins.push(attacker_signin("evil-1", 5));
    f.sign_ins.push(attacker_signin("evil-2", 6));
    // The attacker adds an Authenticator from their IP, 40 minutes after signing in.
    f.methods.push(authenticator("auth-evil", 6, "Galaxy S21"));
    f.audits.push(audit(
        "aud-1",
        6,
        "User registered security info",
        Some(ATTACKER_IP),
        "User registered Authenticator App with Notification and Code",
    ));
    // ... and points the mobile phone at their own number.
    f.audits.push(phone_change_audit(
        "aud-2",
        7,
        Some(ATTACKER_IP),
        "+1 2125550100",
        "+234 8031234567",
    ));
    f.methods.retain(|m| m.id != MOBILE);
    f.methods
        .push(phone(MOBILE, -2000, "+234 8031234567", PhoneType::Mobile));
    let mut r = rule("rule-1", ".");
    r.actions.move_to = Some(folder("RSS Feeds", None));
    r.actions.mark_as_read = true;
    r.conditions.keywords = vec!["invoice".into(), "payment".into()];
    f.rules.push(r);

    let a = judge(&f);
    assert_eq!(a.verdict, Verdict::Compromised, "{:#?}", a.indicators);
    assert!(a.score >= 90, "score {}", a.score);
    assert!(a.high_value);
    for id in [
        "campaign-user-agent",
        "campaign-network",
        "mfa-registered-from-attacker-ip",
        "phone-changed-by-attacker",
        "rule-hides-mail",
        "rule-name-punctuation",
    ] {
        assert!(
            a.indicators.iter().any(|i| i.id == id),
            "missing {id}: {:?}",
            ids(&a)
        );
    }
    let fi = &a.findings;
    assert_eq!(fi.compromise_started, Some(at(5)));
    assert_eq!(fi.attacker_ips, vec![ATTACKER_IP.to_string()]);
    let tied: Vec<&str> = fi.attacker_methods.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(tied, vec!["auth-evil"], "only the attacker's Authenticator");
    assert!(fi.owner_method_ids.contains(&"auth-owner".to_string()));
    assert!(
        !fi.owner_method_ids.contains(&MOBILE.to_string()),
        "mobile holds the attacker's number"
    );
    assert_eq!(fi.attacker_phones.len(), 1);
    assert_eq!(fi.attacker_phones[0].number, "+234 8031234567");
    assert_eq!(fi.attacker_phones[0].method_id.as_deref(), Some(MOBILE));
    assert_eq!(fi.known_good_phones.len(), 1);
    assert_eq!(
        fi.known_good_phones[0].number.as_deref(),
        Some("+1 2125550100")
    );
    assert_eq!(fi.known_good_phones[0].audit_id.as_deref(), Some("aud-2"));
    assert_eq!(
        fi.known_good_phones[0].source,
        crate::model::KnownGoodSource::AuditOldValue
    );
    assert_eq!(fi.malicious_rules.len(), 1);
}

#[test]
fn method_registered_after_attacker_signin_without_audit_ip() {
    let mut f = facts("ap", "Accounts Payable Specialist", "Accounts Payable");
    owner_history(&mut f);
    f.sign_ins.push(attacker_signin("evil-1", 5));
    f.methods.push(phone(
        "b6332ec1-7057-4abe-9331-3d72feddfe41",
        20,
        "+7 9161234567",
        PhoneType::AlternateMobile,
    ));
    let a = judge(&f);
    assert!(a
        .indicators
        .iter()
        .any(|i| i.id == "mfa-registered-after-risky-signin"));
    assert_eq!(a.verdict, Verdict::Compromised, "{:#?}", a.indicators);
    assert_eq!(a.findings.attacker_methods.len(), 1);
    assert_eq!(a.findings.attacker_phones[0].number, "+7 9161234567");
    // The mobile was never touched: the owner's current number is the known-good one.
    let kg = &a.findings.known_good_phones;
    assert_eq!(kg.len(), 1);
    assert_eq!(
        (kg[0].phone_type.as_str(), kg[0].number.as_deref()),
        ("mobile", Some("+1 2125550100"))
    );
}

#[test]
fn medium_risk_alone_is_never_compromised() {
    for level in ["low", "medium", "high"] {
        let mut f = facts("ceo", "CEO", "Executive");
        owner_history(&mut f);
        f.risky = Some(risky(level, "atRisk"));
        f.detections.push(Detection {
            id: "det-1".into(),
            event_type: "unfamiliarFeatures".into(),
            level: RiskLevel::parse(level),
            state: RiskState::AtRisk,
            ..Detection::default()
        });
        let a = judge(&f);
        assert_ne!(
            a.verdict,
            Verdict::Compromised,
            "{level}: {:#?}",
            a.indicators
        );
        if level != "low" {
            assert_eq!(a.verdict, Verdict::Suspicious, "{level}");
        }
    }
}

#[test]
fn traveller_is_not_compromised() {
    let mut f = facts("sales", "Regional Sales Director", "Sales");
    owner_history(&mut f);
    f.risky = Some(risky("medium", "atRisk"));
    // Flies New York -> Lagos (about 8,400 km) in 12 hours, then signs in there for days.
    for d in 0..5 {
        let mut s = owner_signin(&format!("trip-{d}"), 12 + d * 24);
        s.ip = format!("197.210.5.{d}");
        s.country = Some("NG".into());
        s.city = Some("Lagos".into());
        s.geo = Some((6.52, 3.38));
        s.asn = Some(35074);
        s.risk_during = RiskLevel::Medium;
        f.sign_ins.push(s);
    }
    f.detections.push(Detection {
        id: "det-1".into(),
        event_type: "unfamiliarFeatures".into(),
        level: RiskLevel::Medium,
        state: RiskState::AtRisk,
        ip: Some("197.210.5.0".into()),
        ..Detection::default()
    });
    let a = judge(&f);
    assert_ne!(a.verdict, Verdict::Compromised, "{:#?}", a.indicators);
    assert!(!a.indicators.iter().any(|i| i.id == "impossible-travel"));
    assert!(a.findings.attacker_ips.is_empty());
}

#[test]
fn impossible_travel_is_seen() {
    let mut f = facts("x", "", "");
    owner_history(&mut f);
    let mut s = owner_signin("far", -109);
    s.ip = "198.51.100.7".into();
    s.country = Some("JP".into());
    s.geo = Some((35.68, 139.69));
    s.device_id = None;
    f.sign_ins.push(s);
    let a = judge(&f);
    assert!(
        a.indicators.iter().any(|i| i.id == "impossible-travel"),
        "{:?}",
        ids(&a)
    );
    // The owner's own enrolled laptop "jumping" is a VPN, not travel.
    let last = f.sign_ins.len() - 1;
    f.sign_ins[last].device_id = Some("dev-owner-laptop".into());
    assert!(!judge(&f)
        .indicators
        .iter()
        .any(|i| i.id == "impossible-travel"));
}

#[test]
fn owner_registering_a_new_phone_is_not_compromised() {
    let mut f = facts("np", "Director of Operations", "Operations");
    owner_history(&mut f);
    f.risky = Some(risky("medium", "atRisk"));
    f.methods.push(authenticator("auth-new", 150, "Pixel 9"));
    f.audits.push(audit(
        "aud-n",
        150,
        "User registered security info",
        Some(OWNER_IP),
        "User registered Authenticator App with Notification and Code",
    ));
    f.audits.push(phone_change_audit(
        "aud-p",
        151,
        Some(OWNER_IP),
        "+1 2125550100",
        "+1 2125550199",
    ));
    let a = judge(&f);
    assert_ne!(a.verdict, Verdict::Compromised, "{:#?}", a.indicators);
    assert!(a.findings.attacker_methods.is_empty());
    assert!(a.findings.attacker_phones.is_empty());
    assert!(a
        .indicators
        .iter()
        .any(|i| i.id == "mfa-registered-recently"));
    assert!(a.indicators.iter().any(|i| i.id == "phone-changed"));
}

#[test]
fn benign_rules_are_clear() {
    let mut f = facts("br", "Account Manager", "Account Management");
    owner_history(&mut f);
    let mut news = rule("r1", "Newsletters");
    news.conditions.senders = vec!["news@vendor.example".into()];
    news.actions.move_to = Some(folder("Newsletters", None));
    let mut team = rule("r2", "Copy to assistant");
    team.actions.forward_to = vec!["assistant@contoso.com".into()];
    let mut receipts = rule("r3", "Receipts to archive");
    receipts.conditions.keywords = vec!["receipt".into()];
    receipts.actions.move_to = Some(folder("Archive", Some("archive")));
    let mut spam = rule("r4", "Drop promos");
    spam.conditions.senders = vec!["promo@shop.example".into()];
    spam.actions.delete = true;
    f.rules = vec![news, team, receipts, spam];
    let a = judge(&f);
    assert_eq!(a.verdict, Verdict::Clear, "{:#?}", a.indicators);
    assert!(a.findings.malicious_rules.is_empty());
}

#[test]
fn forwarding_rule_to_outside_is_found() {
    let mut f = facts("fw", "Controller", "Finance");
    owner_history(&mut f);
    let mut r = rule("r1", "..");
    r.actions.forward_as_attachment_to = vec!["collector@protonmail.example".into()];
    r.actions.delete = true;
    f.rules.push(r);
    let a = judge(&f);
    assert!(a
        .indicators
        .iter()
        .any(|i| i.id == "rule-forwards-external"));
    assert_eq!(a.findings.malicious_rules.len(), 1);
    assert_eq!(a.findings.malicious_rules[0].id, "r1");
    assert!(a.verdict >= Verdict::Suspicious);
}

/// Finding 8 of #17 (the Graph reference's example rule shape): a rule with no condition that
/// deletes and marks read all mail was "hides mail" evidence, yet never malicious, so
/// containment left it. Now it is malicious; a narrower one is named for review instead.
#[test]
fn a_rule_hiding_all_mail_is_malicious_and_a_narrow_one_is_for_review() {
    let mut f = facts("all", "Controller", "Finance");
    owner_history(&mut f);
    let mut r = rule("r-all", "Clean");
    r.actions.delete = true;
    r.actions.mark_as_read = true;
    f.rules.push(r);
    let mut narrow = rule("r-news", "Newsletters");
    narrow.conditions.senders = vec!["news@shop.example".into()];
    narrow.actions.delete = true;
    narrow.actions.mark_as_read = true;
    f.rules.push(narrow);
    let a = judge(&f);
    let hides = a
        .indicators
        .iter()
        .find(|i| i.id == "rule-hides-mail")
        .unwrap();
    assert_eq!(hides.evidence.len(), 2);
    let ids = |v: &[crate::model::TiedRule]| v.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a.findings.malicious_rules), ["r-all"]);
    assert_eq!(ids(&a.findings.rules_to_review), ["r-news"]);
}

/// The seed-15 rule: payment and security mail moved to Archive, later rules stopped, and a
/// name that is an escape sequence around ";" (not punctuation-only once its payload counts).
/// Judged on what it does, whatever it is called; a look-alike without the stop stays clear.
#[test]
fn hiding_rule_is_judged_on_its_actions_not_its_name() {
    for name in ["\u{1b}]0;pwned\u{7};", "Tidy up", ";"] {
        let mut f = facts("hs", "Controller", "Finance");
        owner_history(&mut f);
        let mut r = rule("r1", name);
        r.conditions.keywords = vec!["statement".into(), "overdue".into(), "security".into()];
        r.actions.move_to = Some(folder("Archive", Some("archive")));
        r.actions.stop_processing = true;
        f.rules.push(r);
        let a = judge(&f);
        assert_eq!(
            a.findings.malicious_rules.len(),
            1,
            "{name:?}: {:#?}",
            a.indicators
        );
        assert!(a.findings.malicious_rules[0].reasons[0].contains("stops other rules"));
    }
    let mut f = facts("hs", "Controller", "Finance");
    owner_history(&mut f);
    let mut r = rule("r1", "Statements");
    r.conditions.keywords = vec!["statement".into()];
    r.actions.move_to = Some(folder("Archive", Some("archive")));
    f.rules.push(r);
    assert!(judge(&f).findings.malicious_rules.is_empty());
}

#[test]
fn dismissed_and_remediated_risk_with_old_traces_is_not_compromised() {
    for state in ["dismissed", "remediated", "confirmedSafe"] {
        let mut f = facts("d", "VP Sales", "Sales");
        owner_history(&mut f);
        f.risky = Some(risky("none", state));
        let mut s = attacker_signin("old", 50);
        s.risk_during = RiskLevel::High;
        f.sign_ins.push(s);
        let a = judge(&f);
        assert_ne!(
            a.verdict,
            Verdict::Compromised,
            "{state}: {:#?}",
            a.indicators
        );
        assert!(a.indicators.iter().any(|i| i.id == "risk-resolved"));
    }
}

#[test]
fn confirmed_compromised_is_decisive() {
    let mut f = facts("cc", "", "");
    f.risky = Some(risky("high", "confirmedCompromised"));
    assert_eq!(judge(&f).verdict, Verdict::Compromised);
}

#[test]
fn deleted_users_and_guests_are_never_compromised() {
    let build = || {
        let mut f = facts("g", "CFO", "Finance");
        owner_history(&mut f);
        f.risky = Some(risky("high", "atRisk"));
        f.sign_ins.push(attacker_signin("evil", 5));
        f.methods.push(authenticator("auth-evil", 6, "x"));
        f
    };
    let mut deleted = build();
    deleted.profile.deleted = true;
    let a = judge(&deleted);
    assert_eq!(a.verdict, Verdict::Suspicious);
    assert!(a.score <= 69);
    let mut guest = build();
    guest.profile.user_type = Some("Guest".into());
    assert_eq!(judge(&guest).verdict, Verdict::Suspicious);
}

#[test]
fn executives_rank_above_peers_with_the_same_evidence() {
    let build = |title: &str, dept: &str| {
        let mut f = facts(title, title, dept);
        owner_history(&mut f);
        f.risky = Some(risky("medium", "atRisk"));
        judge(&f)
    };
    let exec = build("President", "Executive");
    let clerk = build("Facilities Clerk", "Facilities");
    assert_eq!(exec.verdict, clerk.verdict);
    assert!(
        exec.score > clerk.score,
        "{} vs {}",
        exec.score,
        clerk.score
    );
}

#[test]
fn suspicious_oauth_grant_is_tied() {
    let mut f = facts("o", "", "");
    f.grants.push(Grant {
        id: "g1".into(),
        client_id: "sp-1".into(),
        app_name: Some("PERFECTDATA SOFTWARE".into()),
        app_id: Some("ff8d92dc-3d82-41d6-bcbd-b9174d163620".into()),
        consent_type: "Principal".into(),
        scopes: vec!["Mail.ReadWrite".into(), "offline_access".into()],
        ..Grant::default()
    });
    f.grants.push(Grant {
        id: "g2".into(),
        client_id: "sp-2".into(),
        app_name: Some("Microsoft Teams".into()),
        publisher: Some("Microsoft".into()),
        consent_type: "Principal".into(),
        scopes: vec!["Mail.Read".into()],
        ..Grant::default()
    });
    let a = judge(&f);
    let tied: Vec<&str> = a
        .findings
        .malicious_grants
        .iter()
        .map(|g| g.id.as_str())
        .collect();
    assert_eq!(tied, vec!["g1"]);
}

#[test]
fn incomplete_data_is_said() {
    let mut f = facts("p", "", "");
    f.coverage.methods = SourceState::Failed("403 Authorization_RequestDenied".into());
    let a = judge(&f);
    assert!(!a.complete);
    let note = a
        .indicators
        .iter()
        .find(|i| i.id == "incomplete-data")
        .unwrap();
    assert!(note.summary.contains("authenticationMethods failed"));
}

#[test]
fn hostile_strings_stay_data_in_evidence() {
    let mut f = facts("h", "CFO\u{1b}[2J", "Finance");
    f.sign_ins.push(owner_signin("own", 0));
    let mut s = attacker_signin("evil", 5);
    s.user_agent = format!("{CAMPAIGN_UA}\u{1b}]52;c;cHduZWQ=\u{7}");
    f.sign_ins.push(s);
    let mut r = rule("r\u{202e}1", "\u{200b}.\u{202e}\u{1b}");
    let mut loud = rule("r2", "Invoices\u{1b}[31m\u{1b}]8;;http://evil.example\u{7}");
    loud.actions.redirect_to = vec!["x@evil.example".into()];
    f.rules.push(loud);
    r.actions.move_to = Some(folder("RSS Feeds", None));
    f.rules.push(r);
    let a = judge(&f);
    // Punctuation, invisible and control characters only: still a punctuation-only name.
    assert!(a.indicators.iter().any(|i| i.id == "rule-name-punctuation"));
    let json = serde_json::to_string(&a).unwrap();
    let safe = reclaim_core::sanitize::json_text(&json);
    assert!(!safe.chars().any(reclaim_core::sanitize::is_dangerous));
    let back: AccountAssessment = serde_json::from_str(&safe).unwrap();
    assert_eq!(back, a, "escaping keeps the data");
}

#[test]
fn vpn_user_on_own_laptop_is_not_the_attacker() {
    let mut f = facts("vpn", "VP Finance", "Finance");
    owner_history(&mut f);
    f.risky = Some(risky("medium", "atRisk"));
    let mut s = owner_signin("vpn-1", 20);
    s.ip = "212.102.1.1".into();
    s.asn = Some(60068);
    s.city = Some("Chicago".into());
    s.geo = Some((41.88, -87.63));
    f.sign_ins.push(s);
    f.detections.push(Detection {
        id: "det".into(),
        event_type: "anonymizedIPAddress".into(),
        level: RiskLevel::Medium,
        state: RiskState::AtRisk,
        ip: Some("212.102.1.1".into()),
        ..Detection::default()
    });
    // And they register a new Authenticator the next day from the office.
    f.methods.push(authenticator("auth-new", 44, "iPhone 15"));
    let a = judge(&f);
    assert_ne!(a.verdict, Verdict::Compromised, "{:#?}", a.indicators);
    assert!(a.findings.attacker_ips.is_empty());
    assert!(a.findings.attacker_methods.is_empty());
}

#[test]
fn attacker_on_a_proxy_with_an_ordinary_browser_is_attributed() {
    let mut f = facts("q", "Sales Director", "Sales");
    owner_history(&mut f);
    // Same browser string as the owner's laptop, but no device: a client the owner never uses.
    let mut s = owner_signin("proxy-1", 30);
    s.ip = "185.156.1.1".into();
    s.asn = Some(9009);
    s.country = Some("RO".into());
    s.city = Some("Bucharest".into());
    s.geo = Some((44.43, 26.1));
    s.device_id = None;
    s.device_managed = false;
    f.sign_ins.push(s);
    f.methods.push(authenticator("auth-evil", 31, "Redmi Note"));
    let mut r = rule("r", "Updates");
    r.actions.redirect_to = vec!["ap.update@proton.me".into()];
    f.rules.push(r);
    let a = judge(&f);
    assert_eq!(a.findings.attacker_ips, vec!["185.156.1.1".to_string()]);
    assert_eq!(a.findings.attacker_methods.len(), 1);
    assert_eq!(a.verdict, Verdict::Compromised, "{:#?}", a.indicators);
}

#[test]
fn traveller_on_own_laptop_in_a_campaign_country_counts_nothing() {
    let mut f = facts("t", "Treasurer", "Treasury");
    owner_history(&mut f);
    f.risky = Some(risky("high", "atRisk"));
    for d in 0..4 {
        let mut s = owner_signin(&format!("lagos-{d}"), 20 + d * 12);
        s.ip = "102.89.7.7".into();
        s.asn = Some(29465);
        s.country = Some("NG".into());
        s.city = Some("Lagos".into());
        s.geo = Some((6.52, 3.38));
        s.app = "OfficeHome".into();
        s.user_agent = CAMPAIGN_UA.into();
        s.risk_during = RiskLevel::High;
        f.sign_ins.push(s);
    }
    let a = judge(&f);
    assert_eq!(a.verdict, Verdict::Suspicious, "{:#?}", a.indicators);
    assert!(!a.indicators.iter().any(|i| i.id.starts_with("campaign-")));
}

#[test]
fn compromised_executives_lead_compromised_staff() {
    let build = |title: &str, dept: &str, extra_rule: bool| {
        let mut f = facts(title, title, dept);
        owner_history(&mut f);
        f.sign_ins.push(attacker_signin("evil", 5));
        f.methods.push(authenticator("auth-evil", 6, "x"));
        if extra_rule {
            let mut r = rule("r", ".");
            r.actions.move_to = Some(folder("RSS Feeds", None));
            f.rules.push(r);
        }
        judge(&f)
    };
    let cfo = build("Chief Financial Officer", "Finance", false);
    let clerk = build("Facilities Clerk", "Facilities", true);
    assert_eq!(cfo.verdict, Verdict::Compromised);
    assert_eq!(clerk.verdict, Verdict::Compromised);
    assert!(cfo.score > clerk.score, "{} vs {}", cfo.score, clerk.score);
    assert!(clerk.score >= 70 && cfo.score <= 100);
}
