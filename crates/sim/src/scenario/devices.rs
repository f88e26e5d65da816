//! Devices: every compromised account's owner has a managed, compliant laptop; about half of
//! the attackers register a device of their own to the account after the first malicious
//! sign-in (Workplace-registered, unmanaged, non-compliant, from the attacker's address), with
//! the Core Directory records a real tenant writes ("Register device", "Add registered owner
//! to device", "Add registered users to device"). Look-alikes: owners who enrol a new managed
//! device during the window, from their office, on compromised and clean accounts alike.

use super::audits::{self, by_user};
use super::ctx::{ip_string, Gen};
use super::signins::{usual_origin, working_time, Place};
use crate::model::{Device, TargetResource, Time};
use crate::truth::Persona;
use chrono::Duration;

const ATTACKER_MODELS: [(&str, &str, &str); 4] = [
    ("iPhone", "iOS", "17.1.2"),
    ("Galaxy S23", "Android", "14"),
    ("DESKTOP-", "Windows", "10.0.19045.3693"),
    ("MacBook Pro", "MacMDM", "14.1"),
];

fn alnum(g: &mut Gen, n: usize) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..n).map(|_| char::from(*g.pick(A))).collect()
}

#[allow(clippy::too_many_arguments)] // the device's own fields
fn push_device(
    g: &mut Gen,
    user: usize,
    name: String,
    os: (&str, &str),
    trust: &str,
    managed: bool,
    at: Time,
) -> String {
    let id = g.guid();
    let device_id = g.guid();
    let uid = g.tenant.users[user].id.to_string();
    let last = (at + Duration::minutes(g.range(5, 600))).min(g.now);
    g.tenant.devices.push(Device {
        id: id.clone(),
        device_id,
        display_name: name,
        operating_system: os.0.into(),
        operating_system_version: os.1.into(),
        account_enabled: true,
        trust_type: trust.into(),
        is_managed: managed,
        is_compliant: managed,
        registration_date_time: at,
        approximate_last_sign_in_date_time: Some(last),
        owners: vec![uid.clone()],
        users: vec![uid],
    });
    id
}

/// The three records of a registration, all initiated by the account from `ip`.
fn registration_audits(g: &mut Gen, user: usize, device: &str, ip: &str, at: Time) {
    let d = g.tenant.devices.iter().find(|d| d.id == device).cloned();
    let Some(d) = d else { return };
    let dev_target = || TargetResource {
        id: Some(d.id.clone()),
        display_name: Some(d.display_name.clone()),
        kind: Some("Device".into()),
        user_principal_name: None,
        modified_properties: Vec::new(),
    };
    let corr = g.guid();
    let by = by_user(g, user, ip);
    let register = if d.trust_type == "Workplace" {
        "Register device"
    } else {
        "Add device"
    };
    audits::record(
        g,
        at,
        "Core Directory",
        "Device",
        register,
        "Add",
        "",
        &corr,
        by.clone(),
        vec![dev_target()],
        Vec::new(),
    );
    for activity in [
        "Add registered owner to device",
        "Add registered users to device",
    ] {
        let user_target = audits::user_target(g, user, Vec::new());
        audits::record(
            g,
            at + Duration::seconds(1),
            "Core Directory",
            "Device",
            activity,
            "Assign",
            "",
            &corr,
            by.clone(),
            vec![dev_target(), user_target],
            Vec::new(),
        );
    }
}

fn owner_laptop(g: &mut Gen, user: usize, at: Time) -> String {
    let name = format!("LT-{}", alnum(g, 6));
    push_device(
        g,
        user,
        name,
        ("Windows", "10.0.22631.2861"),
        "AzureAd",
        true,
        at,
    )
}

/// A new managed laptop the owner enrols from the office (audited like any registration).
fn owner_enrolment(g: &mut Gen, user: usize, at: Time) -> String {
    let ip = ip_string(usual_origin(g, user, Place::Office).ip);
    let id = owner_laptop(g, user, at);
    registration_audits(g, user, &id, &ip, at);
    id
}

pub fn run(g: &mut Gen) {
    g.phase("devices");
    let victims = g.with_persona(Persona::Compromised);
    for (k, &user) in victims.iter().enumerate() {
        let long_ago = g.days_ago(120.0, 900.0);
        let own = owner_laptop(g, user, long_ago);
        g.truth_for(user).owner_device_ids.push(own);
        let (started, ip) = {
            let t = g.truth_for(user);
            (t.compromise_started, t.attacker_ips.first().cloned())
        };
        let (Some(started), Some(ip)) = (started, ip) else {
            continue;
        };
        if k == 0 || g.chance(0.5) {
            let at = g.after(started, 600, 6 * 3600).min(g.now);
            let (model, os, ver) = *g.pick(&ATTACKER_MODELS);
            let name = if model.ends_with('-') {
                format!("{model}{}", alnum(g, 7))
            } else {
                model.to_string()
            };
            let id = push_device(g, user, name, (os, ver), "Workplace", false, at);
            registration_audits(g, user, &id, &ip, at);
            g.truth_for(user).attacker_device_ids.push(id);
        }
        // The owner enrols a new laptop after the compromise began: it stays theirs.
        if k == 1 || g.chance(0.15) {
            let at = working_time(g, user, 0.05, 3.0).max(started + Duration::minutes(30));
            let id = owner_enrolment(g, user, at.min(g.now));
            g.truth_for(user).owner_device_ids.push(id);
        }
    }
    for user in g.with_persona(Persona::NewPhoneLegit) {
        let at = working_time(g, user, 0.2, 10.0);
        let id = owner_enrolment(g, user, at);
        g.truth_for(user).owner_device_ids.push(id);
    }
}
