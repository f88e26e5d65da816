//! How the attacker keeps access once in: their own Authenticator or phone, the owner's recovery
//! number replaced, and inbox rules that hide or forward mail. Each change leaves the records a
//! real tenant would hold.

use super::audits;
use super::catalog::{EXTERNAL_DROP_DOMAINS, RULE_WORDS};
use super::ctx::Gen;
use super::hostile;
use super::mailboxes::{self, rule, words};
use super::methods;
use super::names::{GIVEN, SURNAMES};
use crate::model::{
    EmailAddress, MessageRuleActions, MessageRulePredicates, MethodKind, Recipient, Time,
};
use chrono::Duration;

/// Where and as what the attacker acts.
pub struct Foothold<'a> {
    pub ip: &'a str,
    pub ua: &'a str,
}

/// A number the attacker controls: Nigerian, Russian, or a US VoIP line.
pub fn attacker_number(g: &mut Gen) -> String {
    match g.range(0, 9) {
        0..=3 => format!(
            "+234 {}{:07}",
            g.pick(&["803", "806", "813", "816", "703", "802", "808"]),
            g.range(0, 9_999_999)
        ),
        4..=6 => format!("+7 9{:02}{:07}", g.range(0, 99), g.range(0, 9_999_999)),
        _ => format!(
            "+1 {}{:07}",
            g.pick(&["302", "659", "564", "747", "831"]),
            g.range(2_000_000, 9_999_999)
        ),
    }
}

/// The attacker's Authenticator. Returns its method id.
pub fn register_authenticator(
    g: &mut Gen,
    user: usize,
    at: Time,
    by: &Foothold<'_>,
    hostile: bool,
    make_default: bool,
) -> String {
    let before = methods::of(g, user);
    let id = g.guid();
    let device = hostile::device_name(g, hostile);
    let version = *g.pick(&["6.8.3", "6.7.19", "6.2401.0119"]);
    let mut m = methods::authenticator(id.clone(), at, device, version);
    m.registered_from_ip = Some(by.ip.to_string());
    let reason = audits::registered_reason(&m);
    let mut after = before.clone();
    after.push(m);
    audits::security_info_change(
        g,
        user,
        at,
        by.ip,
        by.ua,
        "User registered security info",
        reason,
        &before,
        &after,
    );
    let after = if make_default {
        let mut changed = after.clone();
        for m in &mut changed {
            m.is_default = *m.id == *id;
        }
        let when = at + Duration::seconds(g.range(20, 180));
        audits::security_info_change(
            g,
            user,
            when,
            by.ip,
            by.ua,
            "User changed default security info",
            "User changed default security info",
            &after,
            &changed,
        );
        changed
    } else {
        after
    };
    methods::set(g, user, after);
    g.truth_for(user).attacker_method_ids.push(id.clone());
    id
}

/// The attacker adds a phone: the alternate mobile if the owner has a mobile, else the mobile.
/// Returns the method id, or None when both slots are taken.
pub fn register_phone(g: &mut Gen, user: usize, at: Time, by: &Foothold<'_>) -> Option<String> {
    let before = methods::of(g, user);
    let has = |t: &str| {
        before
            .iter()
            .any(|m| m.kind == Some(MethodKind::Phone) && m.phone_type.as_deref() == Some(t))
    };
    let slot = if !has("mobile") {
        "mobile"
    } else if !has("alternateMobile") {
        "alternateMobile"
    } else {
        return None;
    };
    let number = attacker_number(g);
    let mut m = methods::phone(slot, number.clone(), at);
    m.registered_from_ip = Some(by.ip.to_string());
    let id = m.id.to_string();
    let reason = audits::registered_reason(&m);
    let mut after = before.clone();
    after.push(m);
    audits::security_info_change(
        g,
        user,
        at,
        by.ip,
        by.ua,
        "User registered security info",
        reason,
        &before,
        &after,
    );
    methods::set(g, user, after);
    let t = g.truth_for(user);
    t.attacker_method_ids.push(id.clone());
    t.attacker_phone_numbers.push(number);
    Some(id)
}

/// The owner's mobile (recovery) number replaced with the attacker's. Returns false when the
/// owner has no mobile phone method.
pub fn swap_recovery_phone(g: &mut Gen, user: usize, at: Time, by: &Foothold<'_>) -> bool {
    let before = methods::of(g, user);
    let Some(pos) = before.iter().position(|m| {
        m.kind == Some(MethodKind::Phone) && m.phone_type.as_deref() == Some("mobile")
    }) else {
        return false;
    };
    let number = attacker_number(g);
    let mut after = before.clone();
    after[pos].phone_number = Some(number.clone());
    after[pos].registered_from_ip = Some(by.ip.to_string());
    audits::security_info_change(
        g,
        user,
        at,
        by.ip,
        by.ua,
        "User updated security info",
        "User updated Mobile Phone SMS",
        &before,
        &after,
    );
    methods::set(g, user, after);
    g.truth_for(user).attacker_phone_numbers.push(number);
    true
}

fn drop_address(g: &mut Gen) -> Recipient {
    let given = g.pick(GIVEN).to_ascii_lowercase();
    let surname = g.pick(SURNAMES).to_ascii_lowercase();
    let domain = *g.pick(&EXTERNAL_DROP_DOMAINS);
    let n = g.range(1, 99);
    Recipient {
        email_address: EmailAddress {
            name: None,
            address: format!("{given}.{surname}{n}@{domain}")
                .replace('\'', "")
                .replace(' ', ""),
        },
    }
}

fn some_words(g: &mut Gen) -> Option<Vec<String>> {
    let k = g.range(2, 4) as usize;
    let start = g.range(0, RULE_WORDS.len() as i64 - 1) as usize;
    let picked: Vec<&str> = (0..k)
        .map(|i| RULE_WORDS[(start + i) % RULE_WORDS.len()])
        .collect();
    words(&picked)
}

/// One to three rules that hide mail from the owner or send it out. Returns their ids.
pub fn plant_rules(g: &mut Gen, user: usize, hostile_name: bool) -> Vec<String> {
    let hide_to = if g.chance(0.5) {
        "rssfeeds"
    } else if g.chance(0.8) {
        "conversationhistory"
    } else {
        "archive"
    };
    let Some(folder) = mailboxes::well_known(g, user, hide_to) else {
        return Vec::new();
    };
    let mut planned: Vec<(String, MessageRulePredicates, MessageRuleActions)> = Vec::new();
    // Hide replies about money and the warnings that would give the attacker away.
    let conditions = MessageRulePredicates {
        body_or_subject_contains: some_words(g),
        ..Default::default()
    };
    let actions = MessageRuleActions {
        move_to_folder: Some(folder.clone()),
        mark_as_read: g.chance(0.7).then_some(true),
        stop_processing_rules: g.chance(0.6).then_some(true),
        ..Default::default()
    };
    planned.push((hostile::rule_name(g, hostile_name), conditions, actions));
    if g.chance(0.35) {
        let conditions = MessageRulePredicates {
            subject_contains: words(&["security", "suspicious", "hacked", "phish"]),
            ..Default::default()
        };
        let actions = MessageRuleActions {
            delete: Some(true),
            mark_as_read: Some(true),
            ..Default::default()
        };
        planned.push((hostile::rule_name(g, false), conditions, actions));
    }
    if g.chance(g.knobs.forwarding_rule) {
        let to = vec![drop_address(g)];
        let mut actions = MessageRuleActions::default();
        match g.range(0, 2) {
            0 => actions.forward_to = Some(to),
            1 => actions.redirect_to = Some(to),
            _ => actions.forward_as_attachment_to = Some(to),
        }
        if g.chance(0.5) {
            actions.move_to_folder = Some(folder);
            actions.mark_as_read = Some(true);
        }
        let conditions = MessageRulePredicates {
            subject_contains: some_words(g),
            ..Default::default()
        };
        let name = if g.chance(0.5) {
            hostile::rule_name(g, false)
        } else {
            g.pick(&["Sync", "Archive", "Backup"]).to_string()
        };
        planned.push((name, conditions, actions));
    }
    let mut ids = Vec::new();
    // Created one after another; the last created ends up first.
    for (name, conditions, actions) in planned {
        let id = g.rule_id();
        mailboxes::insert_first(g, user, rule(id.clone(), name, 1, conditions, actions));
        ids.push(id);
    }
    g.truth_for(user).malicious_rule_ids.extend(ids.clone());
    ids
}
