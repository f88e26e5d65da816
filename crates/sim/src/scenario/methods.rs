//! Authentication methods: everyone's own (password, usually an Authenticator and/or a phone,
//! one default), registered long before the window; constructors shared with the phases that
//! add methods later (the attacker's, a real new phone).

use super::audits;
use super::catalog::MOBILES;
use super::ctx::{Gen, Level};
use super::org::IT;
use super::signins::{usual_client, usual_origin, Place};
use crate::model::{
    method_id, AuthMethod, MethodKind, RareMethodProps, Time, PASSWORD_METHOD_ID,
    PHONE_ID_ALTERNATE_MOBILE, PHONE_ID_MOBILE, PHONE_ID_OFFICE,
};
use crate::truth::KnownPhone;
use chrono::Duration;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

const AUTHENTICATOR_VERSIONS: [&str; 4] = ["6.8.7", "6.8.4", "6.2403.1772", "6.2402.0907"];

/// One copy of each vocabulary word (device tag, app version, phone type, SMS state) for every
/// method that carries it. Only sharing: the text is what was asked for.
fn shared(word: &str) -> Arc<str> {
    static WORDS: OnceLock<Mutex<HashSet<Arc<str>>>> = OnceLock::new();
    let mut words = WORDS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(w) = words.get(word) {
        return w.clone();
    }
    let w: Arc<str> = word.into();
    words.insert(w.clone());
    w
}

pub fn password(created: Time) -> AuthMethod {
    AuthMethod {
        id: method_id(PASSWORD_METHOD_ID),
        kind: Some(MethodKind::Password),
        created_date_time: Some(created),
        ..AuthMethod::default()
    }
}

pub fn authenticator(id: String, created: Time, device: String, version: &str) -> AuthMethod {
    AuthMethod {
        id: id.into(),
        kind: Some(MethodKind::MicrosoftAuthenticator),
        created_date_time: Some(created),
        display_name: Some(device),
        device_tag: Some(shared("SoftwareTokenActivated")),
        phone_app_version: Some(shared(version)),
        client_app_name: Some(shared("microsoftAuthenticator")),
        ..AuthMethod::default()
    }
}

/// `phone_type`: `mobile`, `alternateMobile` or `office` (fixed ids per type).
pub fn phone(phone_type: &str, number: String, created: Time) -> AuthMethod {
    let id = match phone_type {
        "alternateMobile" => PHONE_ID_ALTERNATE_MOBILE,
        "office" => PHONE_ID_OFFICE,
        _ => PHONE_ID_MOBILE,
    };
    AuthMethod {
        id: method_id(id),
        kind: Some(MethodKind::Phone),
        created_date_time: Some(created),
        phone_number: Some(number),
        phone_type: Some(shared(phone_type)),
        sms_sign_in_state: Some(shared("notAllowedByPolicy")),
        ..AuthMethod::default()
    }
}

fn fido2(g: &mut Gen, created: Time) -> AuthMethod {
    AuthMethod {
        id: g.guid().into(),
        kind: Some(MethodKind::Fido2),
        created_date_time: Some(created),
        display_name: Some("YubiKey 5 NFC".to_string()),
        rare: Some(Box::new(RareMethodProps {
            aaguid: Some("cb69481e-8ff7-4039-93ec-0a2729a154a8".to_string()),
            model: Some("YubiKey 5 NFC".to_string()),
            ..RareMethodProps::default()
        })),
        ..AuthMethod::default()
    }
}

/// Everyone's own methods. Guests have none here (their home tenant holds them).
pub fn everyone(g: &mut Gen) {
    g.phase("methods");
    let n = g.people.len();
    g.tenant.methods.reserve(n);
    for user in 0..n {
        let id = g.tenant.users[user].id.clone();
        if g.people[user].guest {
            g.tenant.methods.insert(id, Vec::new());
            continue;
        }
        let u = &g.tenant.users[user];
        let (created, pwd) = (
            u.created_date_time,
            u.last_password_change_date_time
                .unwrap_or(u.created_date_time),
        );
        let mobile = u.mobile_phone.clone();
        let desk = u.business_phones.first().cloned();
        // Registered in the first days after the account was created.
        let registered = (created + Duration::hours(g.range(1, 72))).min(g.now);
        let mut list = Vec::with_capacity(3);
        list.push(password(pwd));
        let has_app = g.chance(0.72);
        let has_mobile = mobile.is_some() && (!has_app || g.chance(0.55));
        if has_app {
            let device = MOBILES[g.people[user].mobile as usize].1.to_string();
            let version = *g.pick(&AUTHENTICATOR_VERSIONS);
            let mid = g.guid();
            list.push(authenticator(mid, registered, device, version));
        }
        if let (true, Some(number)) = (has_mobile, mobile) {
            list.push(phone("mobile", number, registered));
        }
        if let (true, Some(number)) = (g.chance(0.08), desk) {
            list.push(phone("office", number, registered));
        }
        let admin = g.people[user].dept as usize == IT && g.people[user].level != Level::Staff;
        if admin && g.chance(0.4) {
            list.push(fido2(g, registered));
        }
        // The default MFA method: the Authenticator when there is one, else the mobile phone.
        if let Some(m) = list
            .iter_mut()
            .find(|m| m.kind == Some(MethodKind::MicrosoftAuthenticator))
        {
            m.is_default = true;
        } else if let Some(m) = list.iter_mut().find(|m| m.kind == Some(MethodKind::Phone)) {
            m.is_default = true;
        }
        if g.people[user].persona.is_some() {
            remember_owner_methods(g, user, &list);
        }
        // New hires register inside the window: those records are in the audit log.
        if g.now - created < Duration::days(20) && list.len() > 1 {
            let from = usual_origin(g, user, Place::Office);
            let ua = usual_client(g, user, false).ua;
            let ip = super::ctx::ip_string(from.ip);
            let mut before = vec![list[0].clone()];
            for m in &list[1..] {
                let mut after = before.clone();
                after.push(m.clone());
                let at = m.created_date_time.unwrap_or(registered);
                let reason = audits::registered_reason(m);
                audits::security_info_change(
                    g,
                    user,
                    at,
                    &ip,
                    &ua,
                    "User registered security info",
                    reason,
                    &before,
                    &after,
                );
                before = after;
            }
        }
        list.shrink_to_fit();
        g.tenant.methods.insert(id, list);
    }
}

/// Persona accounts: the truth records the owner's methods and phones as they were.
fn remember_owner_methods(g: &mut Gen, user: usize, list: &[AuthMethod]) {
    let t = g.truth_for(user);
    for m in list {
        t.owner_method_ids.push(m.id.to_string());
        if let (Some(ty), Some(num)) = (&m.phone_type, &m.phone_number) {
            t.known_good_phones.push(KnownPhone {
                phone_type: ty.to_string(),
                number: num.clone(),
            });
        }
    }
}

/// The methods of a user (empty if none).
pub fn of(g: &Gen, user: usize) -> Vec<AuthMethod> {
    let id = &g.tenant.users[user].id;
    g.tenant.methods.get(id).cloned().unwrap_or_default()
}

pub fn set(g: &mut Gen, user: usize, list: Vec<AuthMethod>) {
    let id = g.tenant.users[user].id.clone();
    g.tenant.methods.insert(id, list);
}
