//! The truly compromised accounts: each gets a varied combination of the campaign's traces
//! (sign-ins, attacker methods, recovery phone swap, inbox rules, consent) on a plausible
//! timeline, Identity Protection's view of it (sometimes low, sometimes none), and its truth.

use super::catalog::{
    CAMPAIGN_UAS, DESKTOPS, MY_SIGNINS, OFFICE_HOME, OUTLOOK_WEB, SHAREPOINT, WCSS,
};
use super::ctx::{ip_string, Gen};
use super::networks::{Net, NetKind, CAMPAIGN_NETS, PROXY_NETS};
use super::persistence::{self, Foothold};
use super::risk::{self, RiskStep};
use super::signins::{self, Client, Origin, SignInRisk};
use super::{audits, grants, hostile, methods, roles};
use crate::model::{MethodKind, RiskLevel, RiskState, Time};
use crate::truth::Persona;
use chrono::Duration;

/// Which traces one compromised account carries.
#[derive(Debug, Clone, Default)]
struct Plan {
    campaign: bool,
    authenticator: bool,
    phone: bool,
    swap: bool,
    rules: bool,
    grant: bool,
    risk: Option<RiskLevel>,
    confirmed: bool,
    hostile_rule: bool,
    hostile_device: bool,
    hostile_ua: bool,
    /// The attacker's Authenticator is made the default MFA method whatever the draw.
    default_app: bool,
}

impl Plan {
    fn traces(&self) -> usize {
        [
            self.campaign,
            self.authenticator,
            self.phone,
            self.swap,
            self.rules,
            self.grant,
        ]
        .iter()
        .filter(|&&t| t)
        .count()
    }
}

fn plan(g: &mut Gen, k: usize, user: usize) -> Plan {
    let kn = g.knobs.clone();
    let has_mobile = methods::of(g, user)
        .iter()
        .any(|m| m.kind == Some(MethodKind::Phone) && m.phone_type.as_deref() == Some("mobile"));
    let mut p = Plan {
        campaign: g.chance(kn.campaign_sign_ins),
        authenticator: g.chance(kn.attacker_authenticator),
        phone: g.chance(kn.attacker_phone),
        swap: has_mobile && g.chance(kn.recovery_phone_swap),
        rules: g.chance(kn.malicious_rules),
        grant: g.chance(kn.oauth_grant),
        ..Plan::default()
    };
    // The first two accounts always carry hostile strings (when the mix allows them at all).
    let hostile = kn.hostile_strings > 0.0;
    if hostile && k == 0 {
        p.rules |= kn.malicious_rules > 0.0;
        p.authenticator |= kn.attacker_authenticator > 0.0;
    }
    if hostile && k == 1 {
        p.campaign |= kn.campaign_sign_ins > 0.0;
    }
    // At least two independent traces, added in proportion to the mix.
    while p.traces() < 2 {
        let weights = [
            (!p.campaign) as u32 * (1 + (kn.campaign_sign_ins * 100.0) as u32),
            (!p.authenticator) as u32 * (1 + (kn.attacker_authenticator * 100.0) as u32),
            (!p.phone) as u32 * (1 + (kn.attacker_phone * 100.0) as u32),
            (!p.swap && has_mobile) as u32 * (1 + (kn.recovery_phone_swap * 100.0) as u32),
            (!p.rules) as u32 * (1 + (kn.malicious_rules * 100.0) as u32),
            (!p.grant) as u32 * (1 + (kn.oauth_grant * 100.0) as u32),
        ];
        match g.weighted(&weights) {
            0 => p.campaign = true,
            1 => p.authenticator = true,
            2 => p.phone = true,
            3 => p.swap = true,
            4 => p.rules = true,
            _ => p.grant = true,
        }
    }
    if g.chance(kn.identity_protection_risk) {
        p.risk = Some(if g.chance(kn.low_risk_share) {
            RiskLevel::Low
        } else if g.chance(0.55) {
            RiskLevel::High
        } else {
            RiskLevel::Medium
        });
        p.confirmed = g.chance(0.05);
    }
    p.hostile_rule = hostile && (k == 0 || g.chance(kn.hostile_strings));
    p.hostile_device = hostile && (k == 0 || g.chance(kn.hostile_strings));
    p.hostile_ua = hostile && (k == 1 || g.chance(kn.hostile_strings / 2.0));
    p
}

type Hop = (Net, [u8; 4]);

fn pool(g: &mut Gen, nets: &[(Net, u32)], n: usize) -> Vec<Hop> {
    (0..n)
        .map(|_| {
            let net = g.pick_by(nets);
            (net, g.ip_in(net.prefix))
        })
        .collect()
}

pub fn run(g: &mut Gen) {
    g.phase("campaign");
    let victims = g.with_persona(Persona::Compromised);
    // Infrastructure is reused across victims: the same address shows up on several accounts.
    let infra = pool(g, &CAMPAIGN_NETS, (victims.len() / 2).max(3));
    let proxies = pool(g, &PROXY_NETS, (victims.len() / 3).max(2));
    let admin = roles::first_holder(g, roles::SECURITY_ADMIN);
    // The case containment must handle with care: the owner relies on a phone (no
    // Authenticator of their own) and the attacker's app took over as the default MFA method.
    // One such victim whenever the mix allows it and a victim fits.
    let kn = g.knobs.clone();
    let default_app_victim = (kn.attacker_authenticator > 0.0 && kn.attacker_method_default > 0.0)
        .then(|| {
            victims.iter().position(|&u| {
                let ms = methods::of(g, u);
                !ms.iter()
                    .any(|m| m.kind == Some(MethodKind::MicrosoftAuthenticator))
                    && ms.iter().any(|m| m.kind == Some(MethodKind::Phone))
            })
        })
        .flatten();
    for (k, &user) in victims.iter().enumerate() {
        let mut p = plan(g, k, user);
        if default_app_victim == Some(k) {
            p.authenticator = true;
            p.default_app = true;
        }
        attack(g, user, &p, &infra, &proxies, admin);
    }
}

fn after(g: &mut Gen, t: Time, lo_secs: i64, hi_secs: i64) -> Time {
    g.after(t, lo_secs, hi_secs)
}

fn attack(
    g: &mut Gen,
    user: usize,
    p: &Plan,
    infra: &[Hop],
    proxies: &[Hop],
    admin: Option<usize>,
) {
    let hops = if p.campaign { infra } else { proxies };
    let mut used: Vec<Hop> = vec![*g.pick(hops)];
    for _ in 0..g.range(0, 2) {
        used.push(*g.pick(hops));
    }
    let mut client = if p.campaign {
        Client::browser(&g.pick_by(&CAMPAIGN_UAS))
    } else {
        // An ordinary-looking browser on an unmanaged machine.
        Client::browser(&DESKTOPS[g.range(0, 1) as usize].0)
    };
    if p.hostile_ua {
        client.ua = hostile::user_agent(g, &client.ua).into();
    }
    let main = Origin::of(used[0].0, used[0].1);
    let t0 = g.days_ago(0.3, 12.0);
    let mut first = t0;
    if g.chance(0.4) {
        first = t0 - Duration::seconds(g.range(40, 240));
        let none = SignInRisk::none();
        signins::push(
            g,
            user,
            first,
            &OFFICE_HOME,
            &main,
            &client,
            50074,
            none,
            false,
        );
    }
    let entry_app = if p.campaign || g.chance(0.5) {
        OFFICE_HOME
    } else {
        OUTLOOK_WEB
    };
    let s0 = signins::push(
        g,
        user,
        t0,
        &entry_app,
        &main,
        &client,
        0,
        SignInRisk::none(),
        true,
    );
    let t1 = after(g, t0, 60, 360);
    let s1 = signins::push(
        g,
        user,
        t1,
        &OUTLOOK_WEB,
        &main,
        &client,
        0,
        SignInRisk::none(),
        true,
    );
    if g.chance(0.7) {
        let app = if g.chance(0.5) { WCSS } else { SHAREPOINT };
        let t = after(g, t0, 300, 2400);
        signins::push(
            g,
            user,
            t,
            &app,
            &main,
            &client,
            0,
            SignInRisk::none(),
            true,
        );
    }

    let ip = ip_string(main.ip);
    let by = Foothold {
        ip: &ip,
        ua: &client.ua,
    };
    if p.authenticator || p.phone || p.swap {
        let tp = after(g, t0, 600, 5400);
        let t = tp - Duration::seconds(g.range(60, 180));
        signins::push(
            g,
            user,
            t,
            &MY_SIGNINS,
            &main,
            &client,
            0,
            SignInRisk::none(),
            true,
        );
        let mut swapped = false;
        if p.swap {
            swapped = persistence::swap_recovery_phone(g, user, tp, &by);
        }
        if p.phone || (p.swap && !swapped) {
            let t = after(g, tp, 60, 240);
            persistence::register_phone(g, user, t, &by);
        }
        if p.authenticator {
            let t = after(g, tp, 120, 480);
            let make_default = g.chance(g.knobs.attacker_method_default) || p.default_app;
            persistence::register_authenticator(g, user, t, &by, p.hostile_device, make_default);
        }
    }
    if p.rules {
        persistence::plant_rules(g, user, p.hostile_rule);
    }
    if p.grant {
        let hop = *g.pick(&used);
        let t = after(g, t0, 1800, 172_800);
        let grant = grants::attacker_consent(g, user, t, &Origin::of(hop.0, hop.1), &client);
        g.truth_for(user).malicious_grant_ids.push(grant);
    }
    let mut returns = Vec::new();
    for _ in 0..g.range(1, 4) {
        let hop = *g.pick(&used);
        let t = after(
            g,
            t0,
            3 * 3600,
            (g.now - t0).num_seconds().max(3 * 3600 + 1),
        );
        let app = if g.chance(0.5) {
            OFFICE_HOME
        } else {
            OUTLOOK_WEB
        };
        let origin = Origin::of(hop.0, hop.1);
        returns.push(signins::push(
            g,
            user,
            t,
            &app,
            &origin,
            &client,
            0,
            SignInRisk::none(),
            true,
        ));
    }
    if let Some(level) = p.risk {
        identity_protection(g, user, p, level, [s0, s1], &returns, admin);
    }
    let ips: Vec<String> = {
        let mut v: Vec<String> = used.iter().map(|h| ip_string(h.1)).collect();
        v.dedup();
        v
    };
    let t = g.truth_for(user);
    t.compromise_started = Some(first);
    for ip in ips {
        if !t.attacker_ips.contains(&ip) {
            t.attacker_ips.push(ip);
        }
    }
}

/// Detections on the attacker's sign-ins and the riskyUser they add up to.
fn identity_protection(
    g: &mut Gen,
    user: usize,
    p: &Plan,
    level: RiskLevel,
    entry: [usize; 2],
    returns: &[usize],
    admin: Option<usize>,
) {
    let [s0, s1] = entry;
    let hosting = g.tenant.sign_ins[s0]
        .origin
        .autonomous_system_number
        .is_some_and(|asn| {
            CAMPAIGN_NETS
                .iter()
                .chain(PROXY_NETS.iter())
                .any(|(n, _)| n.asn == asn && matches!(n.kind, NetKind::Hosting | NetKind::Proxy))
        });
    let mut events: Vec<&str> = vec!["unfamiliarFeatures"];
    if hosting {
        events.push("anonymizedIPAddress");
    }
    risk::score_sign_in(g, s0, level, &events);
    let at = g.tenant.sign_ins[s0].created_date_time;
    let state = if p.confirmed {
        RiskState::ConfirmedCompromised
    } else {
        RiskState::AtRisk
    };
    let mut first_seen = g.now;
    for e in &events {
        let d = risk::detection(g, user, e, level, state, Some(s0), at);
        first_seen = first_seen.min(d);
    }
    let mut all: Vec<String> = events.iter().map(|e| e.to_string()).collect();
    if level != RiskLevel::Low && g.chance(0.4) {
        risk::detection(
            g,
            user,
            "unlikelyTravel",
            RiskLevel::Medium,
            state,
            Some(s1),
            at,
        );
        all.push("unlikelyTravel".into());
    }
    if level == RiskLevel::High && g.chance(0.4) {
        if let Some(&r) = returns.first() {
            risk::score_sign_in(g, r, RiskLevel::High, &["maliciousIPAddress"]);
            risk::detection(
                g,
                user,
                "maliciousIPAddress",
                RiskLevel::High,
                state,
                Some(r),
                at,
            );
            all.push("maliciousIPAddress".into());
        }
    }
    if p.rules && level != RiskLevel::Low && g.chance(0.5) {
        let t = after(g, at, 3600, 30_000);
        risk::detection(
            g,
            user,
            "mcasSuspiciousInboxManipulationRules",
            RiskLevel::Medium,
            state,
            None,
            t,
        );
        all.push("mcasSuspiciousInboxManipulationRules".into());
    }
    let mut steps = vec![RiskStep {
        at: first_seen,
        level,
        state: RiskState::AtRisk,
        detail: "none",
        events: all.clone(),
        initiated_by: None,
    }];
    if p.confirmed {
        let t = after(g, first_seen, 1800, 86_400);
        steps.push(RiskStep {
            at: t,
            level: RiskLevel::High,
            state: RiskState::ConfirmedCompromised,
            detail: "adminConfirmedUserCompromised",
            events: all,
            initiated_by: admin.map(|a| g.tenant.users[a].id.to_string()),
        });
        if let Some(a) = admin {
            audits::identity_protection_action(g, a, user, t, "ConfirmCompromised");
        }
    }
    risk::risky_user(g, user, &steps, false);
}
