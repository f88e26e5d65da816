use super::*;
use crate::evidence::{Evidence, Tied};
use crate::expand::{expand, ExpandOptions};
use crate::op::HttpMethod;
use crate::playbook::Playbook;
use crate::state::{AccountState, PreferenceState, UserState};
use reclaim_graph::models::PASSWORD_METHOD_ID;
use serde_json::json;
use ActionKind::*;

const MOBILE: &str = "3179e48a-750b-4051-897c-87b9720928f7";
const ALT: &str = "b6332ec1-7057-4abe-9331-3d72feddfe41";

fn m(id: &str, kind: MethodKind) -> MethodState {
    MethodState {
        id: id.into(),
        kind: Some(kind),
        odata_type: kind.odata_type().into(),
        label: id.into(),
        phone_type: None,
        phone_number: None,
        created: None,
    }
}

fn phone(id: &str, t: &str, n: &str) -> MethodState {
    MethodState {
        phone_type: Some(t.into()),
        phone_number: Some(n.into()),
        ..m(id, MethodKind::Phone)
    }
}

fn account(methods: Vec<MethodState>, preferred: Option<&str>) -> AccountState {
    let mut all = vec![m(PASSWORD_METHOD_ID, MethodKind::Password)];
    all.extend(methods);
    AccountState {
        user: Some(UserState {
            id: "u1".into(),
            account_enabled: Some(true),
            ..UserState::default()
        }),
        methods: Some(all),
        preferences: Some(PreferenceState {
            preferred: preferred.map(str::to_string),
            system_preferred: Some(false),
            unreadable: None,
        }),
        ..AccountState::default()
    }
}

fn evidence(attacker: &[&str]) -> Evidence {
    Evidence {
        attacker_methods: attacker
            .iter()
            .map(|id| Tied {
                id: id.to_string(),
                reasons: vec!["registered from the attacker's IP".into()],
            })
            .collect(),
        ..Evidence::default()
    }
}

fn ops(s: &AccountState, ev: &Evidence, actions: &[ActionKind]) -> (Vec<Op>, Vec<String>) {
    let d = expand(
        s,
        ev,
        &Playbook::from_actions(actions).unwrap(),
        ExpandOptions::default(),
    );
    (d.steps.into_iter().map(|x| x.op).collect(), d.warnings)
}

fn delete(id: &str, kind: MethodKind) -> Op {
    Op::DeleteMethod {
        method_id: id.into(),
        kind,
    }
}

#[test]
fn the_owners_method_becomes_the_default_before_the_attackers_goes() {
    let s = account(
        vec![
            m("attacker-app", MethodKind::MicrosoftAuthenticator),
            phone(MOBILE, "mobile", "+1 2125550100"),
        ],
        Some("push"),
    );
    let ev = evidence(&["attacker-app"]);
    let d = expand(
        &s,
        &ev,
        &Playbook::from_actions(&[RemoveAttackerMfa]).unwrap(),
        ExpandOptions::default(),
    );
    let got: Vec<&Op> = d.steps.iter().map(|x| &x.op).collect();
    assert_eq!(
        got,
        [
            &Op::SetDefaultMfa {
                preferred: "sms".into()
            },
            &delete("attacker-app", MethodKind::MicrosoftAuthenticator)
        ]
    );
    let first = &d.steps[0];
    assert_eq!(first.action, RemoveAttackerMfa);
    assert_eq!(
        first.before["userPreferredMethodForSecondaryAuthentication"],
        "push"
    );
    assert!(first.summary.contains("mobile phone"), "{}", first.summary);
    assert!(first.why.iter().any(|w| w.contains("default MFA method")));
    // The previous preference is what undo puts back.
    assert_eq!(
        crate::undo::reverse(RemoveAttackerMfa, &first.op, &first.before, None),
        Ok(Op::SetDefaultMfa {
            preferred: "push".into()
        })
    );
    assert!(!d
        .warnings
        .iter()
        .any(|w| w.starts_with(UNKNOWN_DEFAULT_WARNING)));
}

#[test]
fn no_move_when_the_default_stays_or_nothing_could_take_it() {
    // The owner's own Authenticator keeps `push` satisfiable.
    let s = account(
        vec![
            m("owner-app", MethodKind::MicrosoftAuthenticator),
            m("attacker-app", MethodKind::MicrosoftAuthenticator),
        ],
        Some("push"),
    );
    let (o, _) = ops(&s, &evidence(&["attacker-app"]), &[RemoveAttackerMfa]);
    assert_eq!(
        o,
        [delete("attacker-app", MethodKind::MicrosoftAuthenticator)]
    );
    // The default is the owner's phone: the attacker's Authenticator simply goes.
    let s = account(
        vec![
            m("attacker-app", MethodKind::MicrosoftAuthenticator),
            phone(MOBILE, "mobile", "+1 2125550100"),
        ],
        Some("sms"),
    );
    let (o, _) = ops(&s, &evidence(&["attacker-app"]), &[RemoveAttackerMfa]);
    assert_eq!(
        o,
        [delete("attacker-app", MethodKind::MicrosoftAuthenticator)]
    );
    // The owner has nothing that could be the default: the attacker's (last) method goes.
    let s = account(
        vec![
            m("attacker-app", MethodKind::MicrosoftAuthenticator),
            m("mail", MethodKind::Email),
        ],
        Some("push"),
    );
    let (o, w) = ops(&s, &evidence(&["attacker-app"]), &[RemoveAttackerMfa]);
    assert_eq!(
        o,
        [delete("attacker-app", MethodKind::MicrosoftAuthenticator)]
    );
    assert!(!w.iter().any(|w| w.starts_with(UNKNOWN_DEFAULT_WARNING)));
}

#[test]
fn an_unknown_default_is_deleted_last_and_said_so() {
    let mut s = account(
        vec![
            m("attacker-app", MethodKind::MicrosoftAuthenticator),
            m("attacker-oath", MethodKind::SoftwareOath),
            phone(MOBILE, "mobile", "+1 2125550100"),
        ],
        None,
    );
    s.preferences = Some(PreferenceState::unreadable("403 Forbidden"));
    let ev = evidence(&["attacker-app", "attacker-oath"]);
    let (o, w) = ops(&s, &ev, &[RemoveAttackerMfa]);
    assert_eq!(
        o,
        [
            delete("attacker-oath", MethodKind::SoftwareOath),
            delete("attacker-app", MethodKind::MicrosoftAuthenticator)
        ]
    );
    assert!(
        w.iter()
            .any(|w| w.starts_with(UNKNOWN_DEFAULT_WARNING) && w.contains("403 Forbidden")),
        "{w:?}"
    );
    // Never read at all (an older plan's state): the same.
    s.preferences = None;
    let (o2, w2) = ops(&s, &ev, &[RemoveAttackerMfa]);
    assert_eq!(o, o2);
    assert!(w2.iter().any(|w| w.starts_with(UNKNOWN_DEFAULT_WARNING)));
}

#[test]
fn the_default_is_never_handed_to_another_attacker_method() {
    // The attacker's Authenticator is the default; the only other method is the attacker's
    // phone, which restore-phone removes afterwards.
    let mut s = account(
        vec![
            m("attacker-app", MethodKind::MicrosoftAuthenticator),
            phone(MOBILE, "mobile", "+234 8031234567"),
        ],
        Some("push"),
    );
    let mut ev = evidence(&["attacker-app", MOBILE]);
    ev.attacker_phones.push(crate::evidence::AttackerPhone {
        number: "+234 8031234567".into(),
        phone_type: "mobile".into(),
        reasons: vec![],
    });
    let d = expand(
        &s,
        &ev,
        &Playbook::from_actions(&[RemoveAttackerMfa, RestorePhone]).unwrap(),
        ExpandOptions::default(),
    );
    assert!(!d
        .steps
        .iter()
        .any(|x| matches!(x.op, Op::SetDefaultMfa { .. })));
    assert!(d
        .skipped
        .iter()
        .any(|k| k.reason.contains("only methods tied to the attacker")));
    // Once restore-phone has a known-good number for that mobile, it is the owner's again and
    // takes the default.
    ev.known_good_phones.push(crate::evidence::KnownGood {
        phone_type: "mobile".into(),
        number: Some("+1 2125550100".into()),
        source: "directory audit a1".into(),
    });
    let d = expand(
        &s,
        &ev,
        &Playbook::from_actions(&[RemoveAttackerMfa, RestorePhone]).unwrap(),
        ExpandOptions::default(),
    );
    let o: Vec<&Op> = d.steps.iter().map(|x| &x.op).collect();
    assert_eq!(
        o[..2],
        [
            &Op::SetDefaultMfa {
                preferred: "sms".into()
            },
            &delete("attacker-app", MethodKind::MicrosoftAuthenticator)
        ]
    );
    assert!(matches!(o[2], Op::SetPhoneNumber { .. }));
    ev.known_good_phones.clear();
    // reset-mfa with a known default: the default last, the alternate mobile before the mobile.
    s.methods
        .as_mut()
        .unwrap()
        .push(phone(ALT, "alternateMobile", "+1 2125550111"));
    s.preferences.as_mut().unwrap().preferred = Some("sms".into());
    let (o, _) = ops(&s, &ev, &[ResetMfa]);
    assert_eq!(
        o,
        [
            delete(ALT, MethodKind::Phone),
            delete("attacker-app", MethodKind::MicrosoftAuthenticator),
            delete(MOBILE, MethodKind::Phone),
        ]
    );
}

#[test]
fn preference_kinds_match_the_enum() {
    let app = m("a", MethodKind::MicrosoftAuthenticator);
    assert!(serves(&app, "push") && serves(&app, "oath") && !serves(&app, "sms"));
    let alt = phone(ALT, "alternateMobile", "+1 1");
    assert!(serves(&alt, "voiceAlternateMobile") && !serves(&alt, "voiceMobile"));
    assert!(!can_be_default(&m("k", MethodKind::Fido2)));
    for (_, p) in [&app, &alt].iter().filter_map(|x| preference_for(x)) {
        assert!(PREFERENCES.contains(&p));
    }
}

const U: &str = "11111111-2222-3333-4444-555555555555";

#[test]
fn the_default_mfa_method_moves_through_beta() {
    let op = Op::SetDefaultMfa {
        preferred: "sms".into(),
    };
    let r = op.request(U).unwrap();
    assert_eq!(r.method, HttpMethod::Patch);
    assert_eq!(
        r.path,
        format!("/beta/users/{U}/authentication/signInPreferences")
    );
    assert_eq!(
        r.body,
        Some(json!({"userPreferredMethodForSecondaryAuthentication": "sms"}))
    );
    assert_eq!(op.capability(), Some("set-default-mfa"));
    assert!(!op.creates());
    for bad in ["unknownFutureValue", "pigeon", ""] {
        assert!(Op::SetDefaultMfa {
            preferred: bad.into()
        }
        .request(U)
        .is_err());
    }
}
