//! Interactive sign-ins: a builder shared by every phase, and everyone's ordinary activity from
//! the office, home and phone over the history window.

use super::catalog::{
    App, Device, DESKTOPS, DESKTOP_APPS, MOBILES, OUTLOOK_MOBILE, SHAREPOINT, TEAMS,
};
use super::ctx::{deleted_days_ago, ip_string, Gen};
use super::networks::{home_nets, Net, OFFICES};
use crate::model::{
    DeviceDetail, RiskLevel, RiskState, ShortText, SignIn, SignInClient, SignInIdentityRisk,
    SignInOrigin, Time,
};
use crate::truth::Persona;
use chrono::{Duration, Timelike};
use std::borrow::Cow;

/// Where a sign-in comes from.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub ip: [u8; 4],
    pub net: Net,
    /// City, state and coordinates when the network's own are blank (home broadband).
    pub city: &'static str,
    pub state: &'static str,
    pub coords: (f64, f64),
    pub named_network: Option<&'static str>,
}

impl Origin {
    pub fn of(net: Net, ip: [u8; 4]) -> Self {
        Self {
            ip,
            net,
            city: net.city,
            state: net.state,
            coords: (net.lat, net.lon),
            named_network: super::networks::named_location(&net),
        }
    }
}

/// The client side of a sign-in.
#[derive(Debug, Clone)]
pub struct Client {
    /// Borrowed from the catalog unless something was appended (no copy per sign-in).
    pub ua: Cow<'static, str>,
    pub os: &'static str,
    pub browser: &'static str,
    /// Registered device id; empty for unregistered devices, as Graph reports them.
    pub device_id: Option<[u8; 16]>,
    pub device_name: Option<String>,
    pub trust: Option<&'static str>,
}

impl Client {
    pub fn browser(d: &Device) -> Self {
        Self {
            ua: Cow::Borrowed(d.ua),
            os: d.os,
            browser: d.browser,
            device_id: None,
            device_name: None,
            trust: None,
        }
    }
}

/// Identity Protection's view of one sign-in.
#[derive(Debug, Clone)]
pub struct SignInRisk {
    pub level: RiskLevel,
    pub state: RiskState,
    pub events: Vec<String>,
}

impl SignInRisk {
    pub fn none() -> Self {
        Self {
            level: RiskLevel::None,
            state: RiskState::None,
            events: Vec::new(),
        }
    }
}

/// Append a sign-in; returns its index in `tenant.sign_ins`.
#[allow(clippy::too_many_arguments)] // one argument per facet of the event; a struct would just rename them
pub fn push(
    g: &mut Gen,
    user: usize,
    at: Time,
    app: &App,
    from: &Origin,
    client: &Client,
    error_code: i32,
    risk: SignInRisk,
    mfa: bool,
) -> usize {
    let u = &g.tenant.users[user];
    let user_type = if &*u.user_type == "Guest" {
        "guest"
    } else {
        "member"
    };
    let failure = match error_code {
        0 => None,
        50126 => Some("Error validating credentials due to invalid username or password."),
        50140 => Some("This error occurred due to 'Keep me signed in' interrupt when the user was signing in."),
        50074 => Some("Strong Authentication is required."),
        _ => Some("Other."),
    };
    let managed = client.trust == Some("Azure AD joined");
    let id = ShortText::guid(g.guid_bytes());
    let correlation_id = ShortText::guid(g.guid_bytes());
    let session_id = ShortText::guid(g.guid_bytes());
    let u = &g.tenant.users[user];
    let st = &mut g.strings;
    let who = st.sign_in_user(user, u, user_type);
    let ip = st.of_user(user, &ip_string(from.ip));
    let device_id = match client.device_id {
        Some(d) => ShortText::guid(uuid::Builder::from_random_bytes(d).into_uuid().into_bytes()),
        None => ShortText::default(),
    };
    let device_name = client.device_name.as_deref().map(|n| st.of_user(user, n));
    let device = DeviceDetail {
        device_id,
        display_name: device_name,
        operating_system: Some(st.fixed(client.os)),
        browser: (!client.browser.is_empty()).then(|| st.fixed(client.browser)),
        is_compliant: managed,
        is_managed: managed,
        trust_type: client.trust.map(|t| st.fixed(t)),
    };
    let device_detail = st.device(user, device);
    let status = st.status(error_code, failure);
    let location = st.location(from.city, from.state, from.net.country, from.coords);
    let s = SignIn {
        id,
        created_date_time: at,
        user: who,
        app: st.sign_in_app((app.id, app.name, app.client, app.resource, app.resource_id)),
        origin: st.origin(
            user,
            from.named_network.is_some(),
            SignInOrigin {
                ip_address: ip,
                location,
                autonomous_system_number: Some(from.net.asn),
            },
        ),
        client: {
            let user_agent = st.fixed(&client.ua);
            st.client(
                user,
                SignInClient {
                    user_agent,
                    device_detail,
                },
            )
        },
        is_interactive: true,
        correlation_id,
        risk: st.identity_risk(SignInIdentityRisk {
            risk_level_during_sign_in: risk.level,
            risk_level_aggregated: risk.level,
            risk_state: risk.state,
            risk_event_types_v2: risk.events,
        }),
        policy: st.sign_in_policy((
            if managed { "success" } else { "notApplied" },
            from.named_network,
            if mfa {
                "multiFactorAuthentication"
            } else {
                "singleFactorAuthentication"
            },
        )),
        status,
        session_id: Some(session_id),
    };
    g.tenant.sign_ins.push(s);
    g.tenant.sign_ins.len() - 1
}

/// The person's office egress, home broadband or phone network.
pub fn usual_origin(g: &mut Gen, user: usize, place: Place) -> Origin {
    let p = &g.people[user];
    let office = &OFFICES[p.office as usize];
    match place {
        Place::Office => Origin {
            ip: g.office_ips[p.office as usize][(p.home_ip[3] & 1) as usize],
            named_network: Some(office.name),
            ..Origin::of(office.net, [0; 4])
        },
        Place::Home | Place::Phone => {
            let net = home_nets(office.country)[p.home_net as usize];
            Origin {
                ip: p.home_ip,
                net,
                city: office.net.city,
                state: office.net.state,
                coords: (office.net.lat, office.net.lon),
                named_network: None,
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Office,
    Home,
    Phone,
}

/// The person's own laptop (or phone) as sign-ins show it.
pub fn usual_client(g: &Gen, user: usize, phone: bool) -> Client {
    let p = &g.people[user];
    if phone {
        let (d, _, _) = &MOBILES[p.mobile as usize];
        return Client {
            device_id: d.trust.map(|_| {
                let mut id = p.device_id;
                id[0] ^= 0x5a; // the phone's own registration
                id
            }),
            ..Client::browser(d)
        };
    }
    let d = &DESKTOPS[p.desktop as usize].0;
    Client {
        device_id: (!p.guest).then_some(p.device_id),
        device_name: (!p.guest).then(|| device_name(p.device_id, d.os)),
        trust: if p.guest { None } else { d.trust },
        ..Client::browser(d)
    }
}

fn device_name(id: [u8; 16], os: &str) -> String {
    let n = u32::from_le_bytes([id[1], id[2], id[3], 0]) % 100_000;
    if os == "MacOs" {
        format!("MAC-{n:05}")
    } else {
        format!("LT-{n:05}")
    }
}

/// A working-hours moment on a random day of the window, in the person's office time zone.
pub fn working_time(g: &mut Gen, user: usize, min_days: f64, max_days: f64) -> Time {
    let offset = OFFICES[g.people[user].office as usize].utc_offset;
    let day = g.days_ago(min_days.max(0.05), max_days);
    let local_hour = g.range(7, 18);
    let utc_hour = (local_hour - offset).rem_euclid(24) as u32;
    let t = day
        .with_hour(utc_hour)
        .and_then(|t| t.with_minute(g.range(0, 59) as u32))
        .unwrap_or(day);
    if t > g.now {
        t - Duration::days(1)
    } else {
        t
    }
}

/// One ordinary sign-in of a person somewhere in the window.
pub fn ordinary(g: &mut Gen, user: usize, at: Time) -> usize {
    let guest = g.people[user].guest;
    let place = match g.range(0, 99) {
        _ if guest => Place::Home,
        0..=54 => Place::Office,
        55..=84 => Place::Home,
        _ => Place::Phone,
    };
    let from = usual_origin(g, user, place);
    let client = usual_client(g, user, place == Place::Phone);
    let app = if place == Place::Phone {
        OUTLOOK_MOBILE
    } else if guest {
        // Guests come for shared files and Teams, not a mailbox here.
        *g.pick(&[SHAREPOINT, TEAMS])
    } else {
        g.pick_by(&DESKTOP_APPS)
    };
    let error = match g.range(0, 99) {
        0..=2 => 50126,
        3 => 50140,
        _ => 0,
    };
    let mfa = place != Place::Office || g.chance(0.3);
    push(
        g,
        user,
        at,
        &app,
        &from,
        &client,
        error,
        SignInRisk::none(),
        mfa,
    )
}

/// Everyone's everyday sign-ins; persona accounts get a few more so their history is rich.
pub fn everyone(g: &mut Gen) {
    g.phase("sign-ins");
    let (lo, hi) = g.knobs.ordinary_sign_ins;
    let days = f64::from(g.knobs.history_days);
    let n = g.people.len();
    // Draw the counts first so the vector is allocated once (it is the largest in the tenant).
    let counts: Vec<u8> = (0..n)
        .map(|user| {
            if g.people[user].persona.is_some() {
                g.range(5, 9) as u8
            } else {
                g.range(i64::from(lo), i64::from(hi)) as u8
            }
        })
        .collect();
    let personas = g.people.iter().filter(|p| p.persona.is_some()).count();
    let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
    // Later phases add up to ~12 sign-ins to some persona accounts and none to most (about
    // 2.3 per persona on average): 5 each leaves room without holding thousands of empty slots.
    g.tenant.sign_ins.reserve_exact(total + personas * 5 + 64);
    for (user, &count) in counts.iter().enumerate() {
        let since = match g.people[user].persona {
            Some(Persona::Deleted) => deleted_days_ago(&g.people[user]) + 0.5,
            _ => 0.0,
        };
        for _ in 0..count {
            let at = working_time(g, user, since, days);
            ordinary(g, user, at);
        }
    }
}
