//! Pack loading, merging, matching and its errors.

use super::*;

#[test]
fn user_agents_match_through_hostile_junk() {
    let p = Pack::embedded();
    let ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36";
    let unusual = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Safari/537.36";
    for junk in [
        "\u{1b}[2J",
        "\u{1b}]0;title\u{7}",
        "\u{202e}",
        "\u{1b}]8;;http://x\u{1b}\\",
        "\u{200b}",
    ] {
        assert!(p.is_campaign_user_agent(&format!("{ua}{junk}")), "{junk:?}");
        assert!(p.is_campaign_user_agent(&format!("{junk}{ua}")), "{junk:?}");
        assert!(p.is_unusual_client(&format!("{unusual}{junk}")), "{junk:?}");
    }
    assert_eq!(normalize_user_agent("a\u{1b}[31mb\u{1b}[0m"), "ab");
    assert_eq!(normalize_user_agent("\u{1b}"), "");
}

#[test]
fn embedded_pack_parses_and_weights_everything() {
    let p = Pack::embedded();
    assert_eq!(p.names, vec!["campaign-2024".to_string()]);
    assert!(p.is_first_app("OfficeHome"));
    assert!(p.is_campaign_app("My Signins"));
    assert!(p.is_campaign_user_agent(
        " Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
    ));
    assert!(!p.is_campaign_user_agent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
    ));
    // The reporting's user agents are the campaign's; the others an unusual client only.
    let mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    assert!(!p.is_campaign_user_agent(mac) && p.is_unusual_client(mac));
    assert!(!p.is_campaign_user_agent("python-requests/2.31.0"));
    assert!(p.is_unusual_client("python-requests/2.31.0"));
    let win119 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36";
    assert!(p.is_campaign_user_agent(win119) && !p.is_unusual_client(win119));
    assert!(p.is_campaign_country("ng"));
    assert_eq!(p.network(29465).map(|n| n.campaign), Some(true));
    assert_eq!(p.network(14061).map(|n| n.kind), Some(NetworkKind::Hosting));
    assert!(p.weight("campaign-network") > 0);
    assert!(p.compromised_at > p.suspicious_at);
}

#[test]
fn punctuation_names() {
    let p = Pack::embedded();
    for n in [
        ".",
        "..",
        ",.;",
        "",
        " ",
        "\u{200b}",
        "---",
        "...\u{202e}",
        // Control characters: an escape sequence's payload does not make it a name.
        ".,\u{1b}[2J",
        "_\u{1b}[2J",
        "Invoices\u{1b}]0;x\u{7}",
    ] {
        assert!(p.is_suspicious_rule_name(n), "{n:?}");
    }
    for n in ["Newsletters", "a.", "Move invoices", "日本"] {
        assert!(!p.is_suspicious_rule_name(n), "{n:?}");
    }
}

#[test]
fn user_pack_extends_and_overrides() {
    let user = r#"
        name = "local"
        [user_agents]
        contains = ["EvilBrowser"]
        [[networks]]
        name = "Selena Telecom LLC"
        kind = "fixed-line"
        campaign = true
        asns = [64512]
        [weights]
        "campaign-network" = 25
        [thresholds]
        compromised = 65
    "#;
    let p = Pack::from_sources(&[("embedded", CAMPAIGN_2024), ("local.toml", user)]).unwrap();
    assert_eq!(p.names.len(), 2);
    assert!(p.is_campaign_user_agent("Mozilla/5.0 evilbrowser/1.0"));
    assert!(p.is_first_app("OfficeHome"), "embedded lists are kept");
    assert_eq!(
        p.network(64512).map(|n| n.name.as_str()),
        Some("Selena Telecom LLC")
    );
    assert_eq!(p.weight("campaign-network"), 25);
    assert_eq!(p.compromised_at, 65);
}

#[test]
fn bad_user_packs_name_the_problem() {
    let cases = [
        (
            "name = \"x\"\n[weights]\n\"no-such\" = 3\n",
            "unknown indicator",
        ),
        (
            "name = \"x\"\n[user_agents]\nregex = ['(']\n",
            "bad regular expression",
        ),
        ("name = \"x\"\nsurprise = 1\n", "unknown field"),
        (
            "name = \"x\"\n[thresholds]\nsuspicious = 90\n",
            "suspicious < compromised",
        ),
        (
            "name = \"x\"\n[windows]\nimpossible_travel_kmh = -1\n",
            "positive",
        ),
    ];
    for (text, want) in cases {
        let e = Pack::from_sources(&[("embedded", CAMPAIGN_2024), ("bad.toml", text)]).unwrap_err();
        assert!(e.to_string().contains("bad.toml"), "{e}");
        assert!(e.to_string().contains(want), "{e} should mention {want}");
    }
}

#[test]
fn load_reads_user_dir_in_order() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        "name = \"b\"\n[weights]\n\"campaign-country\" = 7\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.toml"),
        "name = \"a\"\n[weights]\n\"campaign-country\" = 3\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    let p = Pack::load(Some(dir.path())).unwrap();
    assert_eq!(p.names, vec!["campaign-2024", "a", "b"]);
    assert_eq!(p.weight("campaign-country"), 7);
    let missing = dir.path().join("absent");
    assert_eq!(Pack::load(Some(&missing)).unwrap().names.len(), 1);
}

#[test]
fn networks_match_by_name_without_an_asn() {
    let p = Pack::embedded();
    let selena = p
        .network_named(&["Selena Telecom LLC"])
        .expect("by its own name");
    assert!(selena.campaign && selena.kind == NetworkKind::FixedLine);
    for other in [
        "SELENA TELECOM",
        "Block - Selena Telecom, L.L.C.",
        "selena-telecom ltd",
    ] {
        let got = p.network_named(&[other]).map(|n| n.name.as_str());
        assert_eq!(got, Some("Selena Telecom LLC"), "{other}");
    }
    assert_eq!(
        p.network_named(&["HQ", "MTN Nigeria"])
            .map(|n| n.name.as_str()),
        Some("MTN Nigeria Communication Limited"),
        "an alias, among other names"
    );
    // Whole words only, and a name the pack does not know is none.
    for none in ["Selenatelecom", "Selena", "Seattle HQ", "", "Telecom"] {
        assert!(p.network_named(&[none]).is_none(), "{none:?}");
    }
    // The ASN decides first; the names when there is none or the pack does not know it.
    let by_asn = p.network_of(Some(14061), &["Selena Telecom"]).unwrap();
    assert_eq!(by_asn.name, "DigitalOcean");
    assert!(
        p.network_of(Some(64500), &["Selena Telecom"])
            .unwrap()
            .campaign
    );
    assert!(p.network_of(None, &[] as &[&str]).is_none());
    assert_eq!(network_name_key(" Selena  Telecom, LLC "), "selena telecom");
}

#[test]
fn a_network_name_with_nothing_to_match_is_refused() {
    let user = "name = \"x\"\n[[networks]]\nname = \"LLC\"\nkind = \"hosting\"\n";
    let e = Pack::from_sources(&[("embedded", CAMPAIGN_2024), ("bad.toml", user)]).unwrap_err();
    assert!(e.to_string().contains("no letters or digits"), "{e}");
}
