//! Exchange Online mailboxes: the well-known folders, mailboxSettings, and the honest inbox rules
//! people write (newsletters to a folder, notifications marked read, invoices forwarded to a
//! colleague inside the company).

use super::ctx::Gen;
use super::networks::OFFICES;
use crate::mail_folders::{self, StandardFolders};
use crate::model::{
    EmailAddress, MailFolder, Mailbox, MessageRule, MessageRuleActions, MessageRulePredicates,
    Recipient,
};
use crate::truth::Persona;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

fn folder_id(g: &mut Gen) -> String {
    mail_folders::folder_id(&mut g.rng)
}

fn settings(office: usize, away: bool) -> serde_json::Value {
    let o = &OFFICES[office];
    let (status, internal) = if away {
        (
            "alwaysEnabled",
            "I am travelling with limited access to email. For urgent matters please contact my manager.",
        )
    } else {
        ("disabled", "")
    };
    json!({
        "timeZone": o.time_zone,
        "automaticRepliesSetting": {
            "status": status,
            "externalAudience": if away { "contactsOnly" } else { "all" },
            "internalReplyMessage": internal,
            "externalReplyMessage": internal,
        },
        "language": {"locale": o.locale},
        "dateFormat": if o.locale == "en-US" { "M/d/yyyy" } else { "dd/MM/yyyy" },
        "timeFormat": if o.locale == "en-US" { "h:mm tt" } else { "HH:mm" },
        "userPurpose": "user",
    })
}

fn recipient(address: String, name: Option<String>) -> Recipient {
    Recipient {
        email_address: EmailAddress { name, address },
    }
}

pub fn words(list: &[&str]) -> Option<Vec<String>> {
    Some(list.iter().map(|s| s.to_string()).collect())
}

pub fn rule(
    id: String,
    name: String,
    sequence: i32,
    conditions: MessageRulePredicates,
    actions: MessageRuleActions,
) -> MessageRule {
    MessageRule {
        id,
        display_name: name,
        sequence,
        is_enabled: true,
        has_error: false,
        is_read_only: false,
        conditions,
        exceptions: MessageRulePredicates::default(),
        actions,
    }
}

/// An honest rule. `kind` picks the template; some look like the attacker's on purpose.
fn benign_rule(g: &mut Gen, user: usize, mb: &mut Mailbox, kind: u8, sequence: i32) -> MessageRule {
    let standard = mb.folders();
    let inbox: Arc<str> = standard[3].id.as_str().into();
    let archive = standard[0].id.clone();
    let deleted = standard[2].id.clone();
    let id = g.rule_id();
    let mut custom = |g: &mut Gen, name: &str| {
        let fid = folder_id(g);
        mb.extra_folders.push(MailFolder {
            id: fid.clone(),
            display_name: name.into(),
            parent_folder_id: Some(inbox.clone()),
            well_known_name: None,
        });
        fid
    };
    let (name, conditions, actions) = match kind {
        0 => (
            "Newsletters",
            MessageRulePredicates {
                sender_contains: words(&["newsletter", "news@"]),
                ..Default::default()
            },
            MessageRuleActions {
                move_to_folder: Some(custom(g, "Newsletters")),
                ..Default::default()
            },
        ),
        1 => (
            "Notifications",
            MessageRulePredicates {
                sender_contains: words(&["noreply", "no-reply"]),
                ..Default::default()
            },
            MessageRuleActions {
                mark_as_read: Some(true),
                move_to_folder: Some(archive),
                ..Default::default()
            },
        ),
        2 => {
            let colleague = colleague(g, user);
            (
                "Invoices to AP",
                MessageRulePredicates {
                    subject_contains: words(&["invoice"]),
                    ..Default::default()
                },
                MessageRuleActions {
                    forward_to: Some(vec![colleague]),
                    ..Default::default()
                },
            )
        }
        3 => (
            "Jira",
            MessageRulePredicates {
                sender_contains: words(&["jira@"]),
                ..Default::default()
            },
            MessageRuleActions {
                move_to_folder: Some(custom(g, "Jira")),
                stop_processing_rules: Some(true),
                ..Default::default()
            },
        ),
        4 => {
            let colleague = colleague(g, user);
            (
                "Meetings to my manager",
                MessageRulePredicates {
                    body_or_subject_contains: words(&["meeting", "calendar"]),
                    ..Default::default()
                },
                MessageRuleActions {
                    forward_to: Some(vec![colleague]),
                    ..Default::default()
                },
            )
        }
        _ => (
            "Promotions",
            MessageRulePredicates {
                sender_contains: words(&["promo", "deals@"]),
                ..Default::default()
            },
            MessageRuleActions {
                move_to_folder: Some(deleted),
                mark_as_read: Some(true),
                ..Default::default()
            },
        ),
    };
    rule(id, name.to_string(), sequence, conditions, actions)
}

/// Someone inside the domain: the manager, else any member.
fn colleague(g: &mut Gen, user: usize) -> Recipient {
    let idx = match g.people[user].manager {
        Some(m) => m as usize,
        None => g.range(0, g.people.len() as i64 - 1) as usize,
    };
    let u = &g.tenant.users[idx];
    recipient(
        u.mail
            .as_deref()
            .unwrap_or(&u.user_principal_name)
            .to_string(),
        Some(u.display_name.to_string()),
    )
}

pub fn everyone(g: &mut Gen) {
    g.phase("mailboxes");
    let n = g.people.len();
    let share = g.knobs.mailbox_share;
    let rules_share = g.knobs.ordinary_rules_share;
    g.tenant.mailboxes.reserve(n);
    // One settings object per (office, away) shared by every mailbox that has it.
    let mut standard: HashMap<(usize, bool), Arc<serde_json::Value>> = HashMap::new();
    for user in 0..n {
        let p = &g.people[user];
        let persona = p.persona;
        if p.guest || (persona.is_none() && !g.chance(share)) {
            continue;
        }
        let office = g.people[user].office as usize;
        // The standard folders' ids are drawn here as before but kept as where they were
        // drawn (mail_folders): the same ids, without storing them.
        let standard_folders = Some(StandardFolders::draw(g.phase_seed, &mut g.rng));
        let away = persona == Some(Persona::Traveller) && g.chance(0.5);
        let mut mb = Mailbox {
            standard_folders,
            extra_folders: Vec::new(),
            rules: Vec::new(),
            hidden_rules: Vec::new(),
            settings: standard
                .entry((office, away))
                .or_insert_with(|| Arc::new(settings(office, away)))
                .clone(),
            forwarding_smtp_address: None,
        };
        let kinds: Vec<u8> = match persona {
            Some(Persona::BenignRules) => {
                // Two or three of the templates that look most like the attacker's.
                let all = [1u8, 2, 4, 5];
                let k = g.range(2, 3) as usize;
                let start = g.range(0, 3) as usize;
                (0..k).map(|i| all[(start + i) % all.len()]).collect()
            }
            _ if g.chance(rules_share) => vec![*g.pick(&[0u8, 0, 1, 3, 5])],
            _ => Vec::new(),
        };
        // Exactly the rules it gets: a first push would reserve room for four (~500 bytes each).
        mb.rules.reserve_exact(kinds.len());
        for (seq, kind) in kinds.into_iter().enumerate() {
            let r = benign_rule(g, user, &mut mb, kind, seq as i32 + 1);
            mb.rules.push(r);
        }
        if persona.is_some() {
            let ids: Vec<String> = mb.rules.iter().map(|r| r.id.clone()).collect();
            g.truth_for(user).owner_rule_ids.extend(ids);
        }
        mb.extra_folders.shrink_to_fit();
        let id = g.tenant.users[user].id.clone();
        g.tenant.mailboxes.insert(id, mb);
    }
}

/// The id of a well-known folder in a user's mailbox.
pub fn well_known(g: &Gen, user: usize, name: &str) -> Option<String> {
    let mb = g.tenant.mailboxes.get(&g.tenant.users[user].id)?;
    mb.folders()
        .into_iter()
        .find(|f| f.well_known_name.as_deref() == Some(name))
        .map(|f| f.id)
}

/// Put a rule first (attackers want theirs to run before the owner's).
pub fn insert_first(g: &mut Gen, user: usize, mut r: MessageRule) {
    let id = g.tenant.users[user].id.clone();
    if let Some(mb) = g.tenant.mailboxes.get_mut(&id) {
        for existing in &mut mb.rules {
            existing.sequence += 1;
        }
        r.sequence = 1;
        mb.rules.insert(0, r);
    }
}
