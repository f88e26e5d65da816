//! Triage's output paths (the terminal table, `investigate`'s text, JSON, CSV) for an account
//! whose every tenant-controlled text is hostile: nothing dangerous survives (line breaks of
//! the format aside), JSON stays valid, CSV keeps one row per account.

use proptest::prelude::*;
use reclaim_core::sanitize::is_dangerous;
use reclaim_triage::facts::{Forwarding, PhoneType};
use reclaim_triage::output::{
    investigate_json, investigate_text, triage_csv, triage_json, triage_text, InvestigateReport,
    TriageReport,
};
use reclaim_triage::testkit::*;
use reclaim_triage::{assess, Pack, TenantContext};

fn text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        3 => any::<char>(),
        2 => prop::char::range('\0', '\u{a0}'),
        2 => prop::sample::select(vec![
            '\u{1b}', '\u{9b}', '\u{9d}', '\u{7f}', '\u{202e}', '\u{2066}', '\u{200b}', '\u{feff}',
            '\u{2028}', '\r', '\n', '\t', '=', '"', ',', '@',
        ]),
    ];
    prop::collection::vec(c, 0..16).prop_map(|v| v.into_iter().collect())
}

fn assert_inert(what: &str, out: &str) {
    let bad: Vec<char> = out
        .chars()
        .filter(|c| is_dangerous(*c) && *c != '\n')
        .collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} in {out:?}");
}

proptest! {
    #![proptest_config(super::cases(128))]

    #[test]
    fn every_triage_output_is_inert(s in prop::collection::vec(text(), 12)) {
        let mut f = facts("u1", &s[0], &s[1]);
        f.profile.display_name = s[2].clone();
        f.profile.user_principal_name = format!("{}@contoso.com", s[3]);
        f.risky = Some(risky("high", "atRisk"));
        let mut signin = attacker_signin("si1", 2);
        signin.user_agent = s[4].clone();
        signin.app = s[5].clone();
        signin.city = Some(s[6].clone());
        f.sign_ins = vec![owner_signin("si0", -48), signin];
        let mut r = rule("r1", &s[7]);
        r.actions.forward_to = vec![format!("{}@evil.example", s[8])];
        r.actions.delete = true;
        r.conditions.keywords = vec![s[9].clone()];
        f.rules = vec![r];
        f.forwarding = vec![Forwarding { address: s[10].clone(), ..Forwarding::default() }];
        f.methods = vec![
            authenticator("m1", 3, &s[11]),
            phone("m2", 4, &s[11], PhoneType::Mobile),
        ];
        let a = assess(&f, &Pack::embedded(), &TenantContext::default());
        let accounts = vec![a];
        let warnings = vec![s[0].clone()];
        let tenant = s[1].clone();
        assert_inert("triage text", &triage_text(&tenant, &accounts, &warnings));
        assert_inert("investigate text", &investigate_text(&accounts[0], &f));
        let csv = triage_csv(&accounts);
        assert_inert("triage csv", &csv.replace("\r\n", "\n"));
        prop_assert_eq!(csv.lines().count(), 2, "{}", csv);
        let report = TriageReport {
            tenant: &tenant,
            generated: String::new(),
            accounts: &accounts,
            complete: true,
            warnings: &warnings,
            unavailable: &[],
            reads: &[],
        };
        let json = triage_json(&report);
        assert_inert("triage json", &json);
        prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        let report = InvestigateReport {
            tenant: &tenant,
            generated: String::new(),
            account: &accounts[0],
            facts: &f,
            unavailable: &[],
        };
        let json = investigate_json(&report);
        assert_inert("investigate json", &json);
        prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
    }
}
