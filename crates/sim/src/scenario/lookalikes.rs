//! Look-alikes: accounts that resemble the campaign in one way and must not be judged
//! compromised (travellers, real new phones, dismissed and remediated risk, deleted users, risky
//! guests, risk noise). Benign rules are written with the mailboxes.

use super::catalog::{
    DESKTOP_APPS, MY_SIGNINS, OFFICE_HOME, OUTLOOK_MOBILE, OUTLOOK_WEB, SHAREPOINT,
};
use super::ctx::{deleted_days_ago, ip_string, Gen};
use super::networks::{Net, OFFICES, TRAVEL, VPN_EXIT};
use super::people::mobile_number;
use super::risk::{self, RiskStep};
use super::signins::{self, usual_client, usual_origin, Origin, Place, SignInRisk};
use super::{audits, methods, roles};
use crate::model::{MethodKind, RiskLevel, RiskState, Time};
use crate::truth::{KnownPhone, Persona};
use chrono::Duration;

pub fn run(g: &mut Gen) {
    g.phase("lookalikes");
    let security = roles::first_holder(g, roles::SECURITY_ADMIN);
    let user_admin = roles::first_holder(g, roles::USER_ADMIN);
    for u in g.with_persona(Persona::Traveller) {
        traveller(g, u);
    }
    for u in g.with_persona(Persona::NewPhoneLegit) {
        new_phone(g, u);
    }
    for u in g.with_persona(Persona::Dismissed) {
        dismissed(g, u, security);
    }
    for u in g.with_persona(Persona::Remediated) {
        remediated(g, u);
    }
    for u in g.with_persona(Persona::Deleted) {
        deleted(g, u, user_admin);
    }
    for u in g.with_persona(Persona::Guest) {
        guest(g, u);
    }
    for u in g.with_persona(Persona::RiskyNoise) {
        noise(g, u);
    }
}

fn low_or_medium(g: &mut Gen, p_low: f64) -> RiskLevel {
    if g.chance(p_low) {
        RiskLevel::Low
    } else {
        RiskLevel::Medium
    }
}

fn destination(g: &mut Gen, home_country: &str) -> Net {
    let w: Vec<u32> = TRAVEL
        .iter()
        .map(|(n, w)| if n.country == home_country { 0 } else { *w })
        .collect();
    TRAVEL[g.weighted(&w)].0
}

/// A risky sign-in on the person's own device from `from`, with its detections.
fn risky_sign_in(
    g: &mut Gen,
    user: usize,
    at: Time,
    from: &Origin,
    level: RiskLevel,
    state: RiskState,
    events: &[&str],
) -> usize {
    let client = usual_client(g, user, false);
    let app = if g.chance(0.5) {
        OFFICE_HOME
    } else {
        OUTLOOK_WEB
    };
    let s = signins::push(
        g,
        user,
        at,
        &app,
        from,
        &client,
        0,
        SignInRisk::none(),
        true,
    );
    risk::score_sign_in(g, s, level, events);
    std::sync::Arc::make_mut(&mut g.tenant.sign_ins[s].risk).risk_state = state;
    for e in events {
        risk::detection(g, user, e, level, state, Some(s), at);
    }
    s
}

fn at_risk(at: Time, level: RiskLevel, events: &[&str]) -> RiskStep<'static> {
    RiskStep {
        at,
        level,
        state: RiskState::AtRisk,
        detail: "none",
        events: events.iter().map(|e| e.to_string()).collect(),
        initiated_by: None,
    }
}

/// Abroad for a few days on their own laptop and phone; Identity Protection may object.
fn traveller(g: &mut Gen, user: usize) {
    let home = OFFICES[g.people[user].office as usize].country;
    let dest = destination(g, home);
    let ip = g.ip_in(dest.prefix);
    let from = Origin::of(dest, ip);
    let start = g.days_ago(1.0, 10.0);
    let days = g.range(2, 8);
    let end = (start + Duration::days(days)).min(g.now - Duration::minutes(5));
    let span = (end - start).num_seconds().max(1);
    let count = g.range(3, 6);
    let mut first = None;
    for i in 0..count {
        let at = start + Duration::seconds(span * i / count + g.range(0, 3600).min(span / count));
        let phone = g.chance(0.5);
        let client = usual_client(g, user, phone);
        let app = if phone {
            OUTLOOK_MOBILE
        } else {
            g.pick_by(&DESKTOP_APPS)
        };
        let s = signins::push(
            g,
            user,
            at,
            &app,
            &from,
            &client,
            0,
            SignInRisk::none(),
            true,
        );
        first.get_or_insert(s);
    }
    let Some(s) = first else { return };
    if !g.chance(0.8) {
        return;
    }
    let level = low_or_medium(g, 0.6);
    let mut events = vec!["unfamiliarFeatures"];
    if g.chance(0.5) {
        events.push("unlikelyTravel");
    }
    risk::score_sign_in(g, s, level, &events);
    let at = g.tenant.sign_ins[s].created_date_time;
    for e in &events {
        risk::detection(g, user, e, level, RiskState::AtRisk, Some(s), at);
    }
    risk::risky_user(g, user, &[at_risk(at, level, &events)], false);
}

/// A real new phone: registered from the usual place and device, nothing risky before.
fn new_phone(g: &mut Gen, user: usize) {
    let at = signins::working_time(g, user, 0.5, 10.0);
    let place = if g.chance(0.6) {
        Place::Office
    } else {
        Place::Home
    };
    let from = usual_origin(g, user, place);
    let client = usual_client(g, user, false);
    let ip = ip_string(from.ip);
    let before_at = at - Duration::seconds(g.range(60, 300));
    signins::push(
        g,
        user,
        before_at,
        &MY_SIGNINS,
        &from,
        &client,
        0,
        SignInRisk::none(),
        true,
    );
    let before = methods::of(g, user);
    let old_app = before
        .iter()
        .find(|m| m.kind == Some(MethodKind::MicrosoftAuthenticator))
        .cloned();
    let mobile = before.iter().position(|m| {
        m.kind == Some(MethodKind::Phone) && m.phone_type.as_deref() == Some("mobile")
    });
    if g.chance(0.7) || mobile.is_none() && g.chance(0.5) {
        let device = g
            .pick(&["iPhone 15 Pro", "Pixel 8", "SM-S928B", "iPhone 14"])
            .to_string();
        let id = g.guid();
        let mut m = methods::authenticator(id.clone(), at, device, "6.8.7");
        m.registered_from_ip = Some(ip.clone());
        let reason = audits::registered_reason(&m);
        let mut after = before.clone();
        after.push(m);
        let reg = "User registered security info";
        audits::security_info_change(g, user, at, &ip, &client.ua, reg, reason, &before, &after);
        g.truth_for(user).owner_method_ids.push(id.clone());
        if let (Some(old), true) = (old_app, g.chance(0.6)) {
            // The old phone is retired; the new Authenticator takes over as default.
            let mut pruned: Vec<_> = after.iter().filter(|m| m.id != old.id).cloned().collect();
            if old.is_default {
                for m in &mut pruned {
                    m.is_default = *m.id == *id;
                }
            }
            let t = g.after(at, 120, 900);
            let del = "User deleted security info";
            let why = "User deleted Authenticator App with Notification and Code";
            audits::security_info_change(g, user, t, &ip, &client.ua, del, why, &after, &pruned);
            g.truth_for(user)
                .owner_method_ids
                .retain(|m| **m != *old.id);
            after = pruned;
        }
        methods::set(g, user, after);
    } else {
        let number = mobile_number(g, g.people[user].office as usize);
        let mut after = before.clone();
        let (activity, reason) = match mobile {
            Some(pos) => {
                after[pos].phone_number = Some(number.clone());
                (
                    "User updated security info",
                    "User updated Mobile Phone SMS",
                )
            }
            None => {
                let mut m = methods::phone("mobile", number.clone(), at);
                m.registered_from_ip = Some(ip.clone());
                g.truth_for(user).owner_method_ids.push(m.id.to_string());
                after.push(m);
                (
                    "User registered security info",
                    "User registered Mobile Phone SMS",
                )
            }
        };
        audits::security_info_change(
            g, user, at, &ip, &client.ua, activity, reason, &before, &after,
        );
        g.truth_for(user).known_good_phones.push(KnownPhone {
            phone_type: "mobile".to_string(),
            number,
        });
        methods::set(g, user, after);
    }
}

fn dismissed(g: &mut Gen, user: usize, admin: Option<usize>) {
    let at = g.days_ago(1.0, 12.0);
    let vpn = g.chance(0.5);
    let from = if vpn {
        let ip = g.ip_in(VPN_EXIT.prefix);
        Origin::of(VPN_EXIT, ip)
    } else {
        usual_origin(g, user, Place::Home)
    };
    let level = if g.chance(0.6) {
        RiskLevel::Medium
    } else {
        RiskLevel::High
    };
    let event = if vpn {
        "anonymizedIPAddress"
    } else {
        "unfamiliarFeatures"
    };
    risky_sign_in(g, user, at, &from, level, RiskState::Dismissed, &[event]);
    let t = g.after(at, 3600, 172_800);
    let steps = [
        at_risk(at, level, &[event]),
        RiskStep {
            at: t,
            level: RiskLevel::None,
            state: RiskState::Dismissed,
            detail: "adminDismissedAllRiskForUser",
            events: vec![event.to_string()],
            initiated_by: admin.map(|a| g.tenant.users[a].id.to_string()),
        },
    ];
    risk::risky_user(g, user, &steps, false);
    if let Some(a) = admin {
        audits::identity_protection_action(g, a, user, t, "DismissUser");
    }
}

fn remediated(g: &mut Gen, user: usize) {
    let at = g.days_ago(1.0, 12.0);
    let dest = destination(g, OFFICES[g.people[user].office as usize].country);
    let from = if g.chance(0.5) {
        let ip = g.ip_in(dest.prefix);
        Origin::of(dest, ip)
    } else {
        usual_origin(g, user, Place::Home)
    };
    let level = low_or_medium(g, 0.2);
    let events = ["unfamiliarFeatures"];
    risky_sign_in(g, user, at, &from, level, RiskState::Remediated, &events);
    // The user reset their password through self-service; that remediates user risk.
    let t = g.after(at, 600, 86_400);
    let home = usual_origin(g, user, Place::Home);
    let ip = ip_string(home.ip);
    let corr = g.guid();
    let initiator = audits::by_user(g, user, &ip);
    let target = audits::user_target(g, user, Vec::new());
    audits::record(
        g,
        t,
        "Self-service Password Management",
        "UserManagement",
        "Reset password (self-service)",
        "Update",
        "User successfully reset password",
        &corr,
        initiator,
        vec![target],
        Vec::new(),
    );
    let u = &mut g.tenant.users[user];
    u.last_password_change_date_time = Some(t);
    u.sign_in_sessions_valid_from_date_time = t;
    let steps = [
        at_risk(at, level, &events),
        RiskStep {
            at: t,
            level: RiskLevel::None,
            state: RiskState::Remediated,
            detail: "userPerformedSecuredPasswordReset",
            events: vec![events[0].to_string()],
            initiated_by: None,
        },
    ];
    risk::risky_user(g, user, &steps, false);
}

/// A leaver: risk raised before the account was disabled and deleted; Identity Protection still
/// lists it with isDeleted.
fn deleted(g: &mut Gen, user: usize, admin: Option<usize>) {
    let gone = g.now - Duration::seconds((deleted_days_ago(&g.people[user]) * 86_400.0) as i64);
    let at = gone - Duration::seconds(g.range(86_400, 5 * 86_400));
    let level = if g.chance(0.5) {
        RiskLevel::High
    } else {
        RiskLevel::Medium
    };
    let events: &[&str] = if g.chance(0.5) {
        risk::detection(
            g,
            user,
            "leakedCredentials",
            level,
            RiskState::AtRisk,
            None,
            at,
        );
        &["leakedCredentials"]
    } else {
        let from = usual_origin(g, user, Place::Home);
        risky_sign_in(
            g,
            user,
            at,
            &from,
            level,
            RiskState::AtRisk,
            &["unfamiliarFeatures"],
        );
        &["unfamiliarFeatures"]
    };
    if let Some(a) = admin {
        let disabled = gone - Duration::seconds(g.range(600, 7200));
        let props = vec![audits::prop(
            "AccountEnabled",
            Some("[true]".into()),
            Some("[false]".into()),
        )];
        audits::admin_user_change(g, a, user, disabled, "Disable account", props);
        audits::admin_user_change(g, a, user, gone, "Delete user", Vec::new());
    }
    let u = &mut g.tenant.users[user];
    u.deleted = true;
    u.account_enabled = false;
    risk::risky_user(g, user, &[at_risk(at, level, events)], true);
}

fn guest(g: &mut Gen, user: usize) {
    let at = g.days_ago(0.5, 12.0);
    let dest = destination(g, "US");
    let ip = g.ip_in(dest.prefix);
    let from = Origin::of(dest, ip);
    let level = low_or_medium(g, 0.4);
    let client = usual_client(g, user, false);
    let s = signins::push(
        g,
        user,
        at,
        &SHAREPOINT,
        &from,
        &client,
        0,
        SignInRisk::none(),
        true,
    );
    risk::score_sign_in(g, s, level, &["unfamiliarFeatures"]);
    risk::detection(
        g,
        user,
        "unfamiliarFeatures",
        level,
        RiskState::AtRisk,
        Some(s),
        at,
    );
    risk::risky_user(
        g,
        user,
        &[at_risk(at, level, &["unfamiliarFeatures"])],
        false,
    );
}

/// Medium or low risk and nothing else: a VPN at home, or an unfamiliar browser.
fn noise(g: &mut Gen, user: usize) {
    let at = g.days_ago(0.5, 13.0);
    let level = low_or_medium(g, 0.5);
    let (from, event) = if g.chance(0.5) {
        let ip = g.ip_in(VPN_EXIT.prefix);
        (Origin::of(VPN_EXIT, ip), "anonymizedIPAddress")
    } else {
        (usual_origin(g, user, Place::Home), "unfamiliarFeatures")
    };
    risky_sign_in(g, user, at, &from, level, RiskState::AtRisk, &[event]);
    risk::risky_user(g, user, &[at_risk(at, level, &[event])], false);
}
