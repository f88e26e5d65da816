//! Interactive sign-ins: a builder shared by every phase, and everyone's ordinary activity from
//! the office, home and phone over the history window.

use super::catalog::{
    App, Device, DESKTOPS, DESKTOP_APPS, MOBILES, OUTLOOK_MOBILE, SHAREPOINT, TEAMS,
};
use super::ctx::{deleted_days_ago, ip_string, uuid_string, Gen};
use super::networks::{home_nets, Net, OFFICES};
use crate::sim::model::{
    DeviceDetail, GeoCoordinates, NetworkLocationDetail, RiskLevel, RiskState, SignIn,
    SignInLocation, SignInStatus, Time,
};
use crate::sim::truth::Persona;
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
            named_network: None,
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
    let (user_id, upn, name) = (
        u.id.clone(),
        u.user_principal_name.clone(),
        u.display_name.clone(),
    );
    let user_type = if u.user_type == "Guest" {
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
    let s = SignIn {
        id: g.guid(),
        created_date_time: at,
        user_id,
        user_principal_name: upn,
        user_display_name: name,
        app_id: app.id.to_string(),
        app_display_name: app.name.to_string(),
        client_app_used: app.client.to_string(),
        ip_address: ip_string(from.ip),
        is_interactive: true,
        user_agent: client.ua.to_string(),
        correlation_id: g.guid(),
        resource_display_name: app.resource.to_string(),
        resource_id: app.resource_id.to_string(),
        conditional_access_status: if managed { "success" } else { "notApplied" }.to_string(),
        risk_level_during_sign_in: risk.level,
        risk_level_aggregated: risk.level,
        risk_state: risk.state,
        risk_detail: "none".to_string(),
        risk_event_types_v2: risk.events,
        status: SignInStatus {
            error_code,
            failure_reason: failure.map(str::to_string),
            additional_details: None,
        },
        device_detail: DeviceDetail {
            device_id: client.device_id.map(uuid_string).unwrap_or_default(),
            display_name: client.device_name.clone(),
            operating_system: Some(client.os.to_string()),
            browser: (!client.browser.is_empty()).then(|| client.browser.to_string()),
            is_compliant: managed,
            is_managed: managed,
            trust_type: client.trust.map(str::to_string),
        },
        location: SignInLocation {
            city: Some(from.city.to_string()),
            state: Some(from.state.to_string()),
            country_or_region: Some(from.net.country.to_string()),
            geo_coordinates: Some(GeoCoordinates {
                latitude: from.coords.0,
                longitude: from.coords.1,
                altitude: None,
            }),
        },
        autonomous_system_number: Some(from.net.asn),
        network_location_details: from
            .named_network
            .map(|n| {
                vec![NetworkLocationDetail {
                    network_type: "namedNetwork".to_string(),
                    network_names: vec![n.to_string()],
                }]
            })
            .unwrap_or_default(),
        sign_in_event_types: vec!["interactiveUser".to_string()],
        session_id: Some(g.guid()),
        user_type: user_type.to_string(),
        authentication_requirement: if mfa {
            "multiFactorAuthentication"
        } else {
            "singleFactorAuthentication"
        }
        .to_string(),
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
    // Later phases add up to ~12 sign-ins per persona account.
    g.tenant.sign_ins.reserve_exact(total + personas * 12 + 16);
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
