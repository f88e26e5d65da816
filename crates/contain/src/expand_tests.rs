use super::*;
use crate::evidence::{AttackerPhone, KnownGood, Tied};
use crate::playbook::{self, Playbook};
use crate::state::{GrantState, RiskyUserState, RuleState, RulesState, UserState};
use chrono::{TimeZone, Utc};
use ActionKind::*;

const MOBILE: &str = "3179e48a-750b-4051-897c-87b9720928f7";
const ALT: &str = "b6332ec1-7057-4abe-9331-3d72feddfe41";

fn m(id: &str, kind: MethodKind, label: &str) -> MethodState {
    let odata = kind.odata_type().to_string();
    MethodState {
        id: id.into(),
        kind: Some(kind),
        odata_type: odata,
        label: label.into(),
        phone_type: None,
        phone_number: None,
        created: Some(Utc.with_ymd_and_hms(2024, 3, 1, 10, 0, 0).unwrap()),
    }
}

fn phone(t: &str, n: &str) -> MethodState {
    let id = if t == "mobile" { MOBILE } else { ALT };
    MethodState {
        phone_type: Some(t.into()),
        phone_number: Some(n.into()),
        ..m(id, MethodKind::Phone, n)
    }
}

fn rule(id: &str, name: &str, read_only: bool) -> RuleState {
    RuleState::from_graph(
        &serde_json::json!({"id": id, "displayName": name, "isEnabled": true,
        "isReadOnly": read_only, "actions": {"moveToFolder": "rss", "markAsRead": true}}),
    )
}

fn account() -> AccountState {
    AccountState {
        user: Some(UserState {
            id: "u1".into(),
            user_principal_name: "cfo@contoso.com".into(),
            account_enabled: Some(true),
            user_type: Some("Member".into()),
            on_premises_sync_enabled: None,
            ..UserState::default()
        }),
        methods: Some(vec![
            m(
                reclaim_graph::models::PASSWORD_METHOD_ID,
                MethodKind::Password,
                "password",
            ),
            m("owner-app", MethodKind::MicrosoftAuthenticator, "Pixel 8"),
            m(
                "attacker-app",
                MethodKind::MicrosoftAuthenticator,
                "iPhone\u{1b}[31m",
            ),
            phone("mobile", "+44 7700900999"),
            phone("alternateMobile", "+44 7700900998"),
        ]),
        rules: Some(RulesState::Rules {
            rules: vec![
                rule("r-owner", "Newsletters", false),
                rule("r-bad", ".", false),
            ],
        }),
        grants: Some(vec![GrantState {
            id: "g-bad".into(),
            client_id: "sp1".into(),
            consent_type: "Principal".into(),
            resource_id: "graph".into(),
            scope: " Mail.Read offline_access".into(),
        }]),
        risk: Some(RiskyUserState {
            risk_level: "high".into(),
            risk_state: "atRisk".into(),
            risk_detail: "none".into(),
        }),
        preferences: None,
        unlicensed: Vec::new(),
        devices: Some(vec![
            device("d-owner", "LT-CFO", true),
            device("d-bad", "DESKTOP-X\u{1b}[2J", false),
        ]),
        role_assignments: None,
        groups: None,
        app_credentials: None,
        app_role_grants: None,
        app_consents: None,
    }
}

fn device(id: &str, name: &str, managed: bool) -> crate::footholds::DeviceState {
    crate::footholds::DeviceState::from_graph(&serde_json::json!({
        "id": id, "displayName": name, "accountEnabled": true,
        "trustType": if managed { "AzureAd" } else { "Workplace" },
        "isManaged": managed, "isCompliant": managed,
    }))
}

fn evidence() -> Evidence {
    let tied = |id: &str| Tied {
        id: id.into(),
        reasons: vec![format!("{id}: registered from the attacker's IP")],
    };
    Evidence {
        verdict: Some("compromised".into()),
        score: Some(92),
        indicators: vec!["OfficeHome sign-in through a proxy".into()],
        attacker_methods: vec![tied("attacker-app"), tied(ALT)],
        attacker_phones: vec![
            AttackerPhone {
                number: "+44 7700900999".into(),
                phone_type: "mobile".into(),
                reasons: vec![],
            },
            AttackerPhone {
                number: "+44 7700900998".into(),
                phone_type: "alternateMobile".into(),
                reasons: vec![],
            },
        ],
        owner_method_ids: vec!["owner-app".into()],
        known_good_phones: vec![
            KnownGood {
                phone_type: "mobile".into(),
                number: Some("+1 2125550100".into()),
                source: "directory audit a1".into(),
            },
            KnownGood {
                phone_type: "alternateMobile".into(),
                number: None,
                source: "directory audit a2".into(),
            },
        ],
        malicious_rules: vec![tied("r-bad")],
        malicious_grants: vec![tied("g-bad")],
        attacker_devices: vec![tied("d-bad")],
        ..Evidence::default()
    }
}

fn ato() -> Playbook {
    playbook::find(playbook::DEFAULT_PLAYBOOK, None).unwrap()
}

fn ops(d: &AccountDraft) -> Vec<(ActionKind, Op)> {
    d.steps.iter().map(|s| (s.action, s.op.clone())).collect()
}

#[test]
fn contain_ato_removes_only_the_attackers_footholds_in_a_safe_order() {
    let d = expand(&account(), &evidence(), &ato(), ExpandOptions::default());
    let del = |id: &str, kind| Op::DeleteMethod {
        method_id: id.into(),
        kind,
    };
    assert_eq!(
        ops(&d),
        vec![
            (DisableSignin, Op::SetAccountEnabled { enabled: false }),
            (RevokeSessions, Op::RevokeSessions),
            (
                ResetPassword,
                Op::ResetPassword {
                    via: PasswordReset::PasswordProfile
                }
            ),
            (
                RemoveAttackerMfa,
                del("attacker-app", MethodKind::MicrosoftAuthenticator)
            ),
            // The alternate mobile goes before the mobile phone is touched.
            (RestorePhone, del(ALT, MethodKind::Phone)),
            (
                RestorePhone,
                Op::SetPhoneNumber {
                    phone_type: "mobile".into(),
                    number: "+1 2125550100".into()
                }
            ),
            (
                DisableAttackerDevices,
                Op::SetDeviceEnabled {
                    device_id: "d-bad".into(),
                    enabled: false
                }
            ),
            (
                RemoveMaliciousRules,
                Op::DeleteRule {
                    rule_id: "r-bad".into()
                }
            ),
            (
                RevokeOauthGrants,
                Op::DeleteGrant {
                    grant_id: "g-bad".into()
                }
            ),
            (ConfirmCompromised, Op::ConfirmCompromised),
            (EnableSignin, Op::SetAccountEnabled { enabled: true }),
        ]
    );
    // The owner's Authenticator and rule are never the object of a step.
    let text = serde_json::to_string(&ops(&d)).unwrap();
    assert!(!text.contains("owner-app") && !text.contains("r-owner"));
    assert!(!text.contains("d-owner"));
    // The Exchange check is handed over for the mailbox, after every Graph step.
    assert_eq!(d.manual.len(), 1);
    assert_eq!(d.manual[0].action, ExchangeCheck);
    assert!(d.manual[0]
        .commands
        .iter()
        .any(|c| c.contains("Get-InboxRule -Mailbox 'cfo@contoso.com' -IncludeHidden")));
    // Tenant text is inert in summaries; every step says why.
    assert!(d
        .steps
        .iter()
        .all(|s| !s.summary.contains('\u{1b}') && !s.why.is_empty()));
    assert!(d.steps[3].why.iter().any(|w| w.contains("attacker's IP")));
    assert!(d
        .steps
        .iter()
        .all(|s| s.why.iter().any(|w| w.starts_with("order: "))));
    // The deleted rule is recorded in full for undo.
    assert_eq!(d.steps[7].before["actions"]["moveToFolder"], "rss");
    assert!(d.warnings.iter().any(|w| w.contains("hidden inbox rules")));
    assert!(d.warnings.iter().any(|w| w.contains("default MFA method")));
}

#[test]
fn reset_mfa_deletes_everything_but_the_password_default_last() {
    let mut s = account();
    let methods = s.methods.as_mut().unwrap();
    methods.push(m("fido", MethodKind::Fido2, "YubiKey"));
    methods.push(m("mail", MethodKind::Email, "a@b.c"));
    methods.push(m("tap", MethodKind::TemporaryAccessPass, "tap"));
    let pb = Playbook::from_actions(&[ResetMfa]).unwrap();
    let d = expand(&s, &evidence(), &pb, ExpandOptions::default());
    let ids: Vec<String> = d
        .steps
        .iter()
        .map(|s| match &s.op {
            Op::DeleteMethod { method_id, .. } => method_id.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids[..5], ["tap", "mail", "fido", ALT, MOBILE]);
    assert_eq!(ids.len(), 7, "both Authenticators last");
    assert!(ids[5..].iter().all(|i| i.ends_with("-app")));
    assert!(d.warnings.iter().any(|w| w.contains("issue-tap")));
}

#[test]
fn without_a_trustworthy_old_number_the_attackers_is_removed_and_said_so() {
    let mut ev = evidence();
    ev.known_good_phones.clear();
    let pb = Playbook::from_actions(&[RestorePhone]).unwrap();
    let d = expand(&account(), &ev, &pb, ExpandOptions::default());
    assert_eq!(
        ops(&d),
        vec![
            (
                RestorePhone,
                Op::DeleteMethod {
                    method_id: ALT.into(),
                    kind: MethodKind::Phone
                }
            ),
            (
                RestorePhone,
                Op::DeleteMethod {
                    method_id: MOBILE.into(),
                    kind: MethodKind::Phone
                }
            ),
        ]
    );
    assert!(d
        .warnings
        .iter()
        .any(|w| w.contains("no trustworthy earlier mobile number")));
}

#[test]
fn a_baseline_snapshot_supplies_the_old_number() {
    let mut ev = evidence();
    ev.known_good_phones.clear();
    ev.add_baseline(&[("mobile".into(), "+1 2125550100".into())], Utc::now());
    let pb = Playbook::from_actions(&[RestorePhone]).unwrap();
    let d = expand(&account(), &ev, &pb, ExpandOptions::default());
    assert!(d
        .steps
        .iter()
        .any(|s| matches!(&s.op, Op::SetPhoneNumber { number, .. } if number == "+1 2125550100")));
    assert!(d
        .steps
        .iter()
        .any(|s| s.summary.contains("baseline snapshot")));
}

#[test]
fn without_restore_phone_the_attackers_phones_are_deleted_by_remove_attacker_mfa() {
    let pb = Playbook::from_actions(&[RemoveAttackerMfa]).unwrap();
    let d = expand(&account(), &evidence(), &pb, ExpandOptions::default());
    let ids: Vec<String> = d
        .steps
        .iter()
        .map(|s| match &s.op {
            Op::DeleteMethod { method_id, .. } => method_id.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(ids, [ALT, MOBILE, "attacker-app"]);
}

#[test]
fn a_mobile_phone_the_owners_alternate_depends_on_is_not_deleted() {
    let mut ev = evidence();
    ev.attacker_methods.retain(|t| t.id != ALT);
    ev.attacker_phones.retain(|p| p.phone_type == "mobile");
    let pb = Playbook::from_actions(&[RemoveAttackerMfa]).unwrap();
    let d = expand(&account(), &ev, &pb, ExpandOptions::default());
    assert!(!d
        .steps
        .iter()
        .any(|s| matches!(&s.op, Op::DeleteMethod { method_id, .. } if method_id == MOBILE)));
    assert!(d.skipped.iter().any(|s| s.reason.contains("alternate")));
}

#[test]
fn rebuild_puts_known_good_phones_back_after_reset_mfa() {
    let pb = playbook::find("rebuild-mfa", None).unwrap();
    let d = expand(
        &account(),
        &evidence(),
        &pb,
        ExpandOptions { delegated: true },
    );
    let pos = |f: &dyn Fn(&Op) -> bool| d.steps.iter().position(|s| f(&s.op)).unwrap();
    let add = pos(&|o| matches!(o, Op::AddPhone { phone_type, .. } if phone_type == "mobile"));
    let del = pos(&|o| matches!(o, Op::DeleteMethod { method_id, .. } if method_id == MOBILE));
    assert!(del < add);
    assert!(!d.steps.iter().any(
        |s| matches!(&s.op, Op::AddPhone { phone_type, .. } if phone_type == "alternateMobile")
    ));
    assert!(d.steps.iter().any(|s| s.op
        == Op::ResetPassword {
            via: PasswordReset::ResetPassword
        }));
    assert!(d.steps.iter().any(|s| matches!(
        s.op,
        Op::IssueTap {
            lifetime_in_minutes: 480,
            ..
        }
    )));
}

#[test]
fn account_circumstances_skip_what_does_not_apply() {
    let mut s = account();
    {
        let u = s.user.as_mut().unwrap();
        u.account_enabled = Some(false);
        u.on_premises_sync_enabled = Some(true);
    }
    if let Some(RulesState::Rules { rules }) = s.rules.as_mut() {
        rules[1].is_read_only = true;
    }
    s.risk.as_mut().unwrap().risk_state = "confirmedCompromised".into();
    let d = expand(&s, &evidence(), &ato(), ExpandOptions::default());
    let actions: Vec<ActionKind> = d.steps.iter().map(|s| s.action).collect();
    for gone in [
        DisableSignin,
        EnableSignin,
        ResetPassword,
        RemoveMaliciousRules,
        ConfirmCompromised,
    ] {
        assert!(!actions.contains(&gone), "{gone}");
        assert!(
            d.skipped.iter().any(|k| k.action == gone),
            "{gone} says why"
        );
    }
    assert!(d.skipped.iter().any(|k| k.reason.contains("on-premises")));
    assert!(d
        .skipped
        .iter()
        .any(|k| k.reason.contains("Remove-InboxRule")));

    let mut guest = account();
    guest.user.as_mut().unwrap().user_type = Some("Guest".into());
    let d = expand(&guest, &evidence(), &ato(), ExpandOptions::default());
    assert!(d
        .skipped
        .iter()
        .any(|k| k.action == RevokeSessions && k.reason.contains("home tenant")));
}

#[test]
fn nothing_flagged_means_nothing_removed() {
    let ev = Evidence::default();
    let d = expand(&account(), &ev, &ato(), ExpandOptions::default());
    let actions: Vec<ActionKind> = d.steps.iter().map(|s| s.action).collect();
    assert_eq!(
        actions,
        [
            DisableSignin,
            RevokeSessions,
            ResetPassword,
            ConfirmCompromised,
            EnableSignin
        ]
    );
    for a in [
        RemoveAttackerMfa,
        RestorePhone,
        RemoveMaliciousRules,
        RevokeOauthGrants,
    ] {
        assert!(d.skipped.iter().any(|k| k.action == a), "{a}");
    }
}

/// Finding 8 of #17: a rule triage shows as evidence is removed, or named with the reason
/// it stays; never silently left.
#[test]
fn a_rule_shown_as_evidence_but_not_malicious_is_named_not_touched() {
    let mut ev = evidence();
    ev.rules_to_review = vec![Tied {
        id: "r-owner".into(),
        reasons: vec!["deletes mail; marks it read".into()],
    }];
    let d = expand(&account(), &ev, &ato(), ExpandOptions::default());
    let text = serde_json::to_string(&ops(&d)).unwrap();
    assert!(
        !text.contains("r-owner"),
        "the rule to review is never an object"
    );
    let w = d
        .warnings
        .iter()
        .find(|w| w.contains("\"Newsletters\" is left in place"))
        .expect("the plan names the rule it leaves");
    assert!(w.contains("deletes mail") && w.contains("review it"), "{w}");
}

#[test]
fn a_managed_device_is_never_disabled_even_when_the_evidence_names_it() {
    let mut ev = evidence();
    ev.attacker_devices.push(Tied {
        id: "d-owner".into(),
        reasons: vec!["named by mistake".into()],
    });
    let d = expand(&account(), &ev, &ato(), ExpandOptions::default());
    let devices: Vec<&Op> = d
        .steps
        .iter()
        .filter(|s| s.action == DisableAttackerDevices)
        .map(|s| &s.op)
        .collect();
    assert_eq!(
        devices,
        [&Op::SetDeviceEnabled {
            device_id: "d-bad".into(),
            enabled: false
        }]
    );
    assert!(d
        .skipped
        .iter()
        .any(|s| s.action == DisableAttackerDevices && s.reason.contains("managed")));
    // Undo puts the recorded accountEnabled back.
    let step = d
        .steps
        .iter()
        .find(|s| s.action == DisableAttackerDevices)
        .unwrap();
    assert_eq!(
        crate::undo::reverse(step.action, &step.op, &step.before, None),
        Ok(Op::SetDeviceEnabled {
            device_id: "d-bad".into(),
            enabled: true
        })
    );
}

#[test]
fn without_identity_protection_confirm_is_left_out_with_the_licence_as_reason() {
    let mut s = account();
    s.risk = None;
    s.unlicensed = vec![crate::state::Part::Risk];
    let d = expand(&s, &evidence(), &ato(), ExpandOptions::default());
    assert!(!d.steps.iter().any(|st| st.action == ConfirmCompromised));
    let skipped = d.skipped.iter().find(|k| k.action == ConfirmCompromised);
    assert!(skipped.is_some_and(|k| k.reason.contains("licence")));
    assert!(d.steps.iter().any(|st| st.action == RevokeSessions));
}
