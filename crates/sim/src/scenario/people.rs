//! The people: the tenant's identity, members laid out on the org chart (titles, departments,
//! managers, offices, phones, UPNs on the tenant domain) and B2B guests.

use super::catalog::{DESKTOPS, MOBILES};
use super::ctx::{Gen, Level, Person};
use super::names::{GIVEN, SURNAMES};
use super::networks::{home_nets, OFFICES};
use super::org::{csuite_seats, department_sizes, layers, CSUITE, DEPTS, EXEC_OFFICE};
use crate::model::User;
use chrono::Duration;
use rand::Rng;
use std::collections::HashMap;
use std::sync::Arc;

const COMPANIES: [(&str, &str); 7] = [
    ("Northwind Traders", "northwindtraders"),
    ("Tailspin Toys", "tailspintoys"),
    ("Wide World Importers", "wideworldimporters"),
    ("Adventure Works Cycles", "adventureworks"),
    ("Alpine Ski House", "alpineskihouse"),
    ("Proseware", "proseware"),
    ("Trey Research", "treyresearch"),
];

const PARTNERS: [(&str, &str); 5] = [
    ("Fabrikam", "fabrikam.com"),
    ("A. Datum Corporation", "adatum.com"),
    ("Litware", "litwareinc.com"),
    ("Wingtip Toys", "wingtiptoys.com"),
    ("Lucerne Publishing", "lucernepublishing.com"),
];

/// Tenant id, name and domain.
pub fn identity(g: &mut Gen) {
    g.phase("tenant");
    let (name, slug) = *g.pick(&COMPANIES);
    g.tenant.id = g.guid();
    g.tenant.display_name = name.to_string();
    g.tenant.domain = format!("{slug}-sim.onmicrosoft.com");
    g.tenant.generated_at = Some(g.now);
    g.office_ips = OFFICES
        .iter()
        .map(|o| [g.ip_in(o.net.prefix), g.ip_in(o.net.prefix)])
        .collect();
}

/// A member's place before the directory object exists.
struct Slot {
    dept: usize,
    level: Level,
    title: &'static str,
    manager: Option<usize>,
}

fn lay_out(g: &mut Gen, members: usize) -> Vec<Slot> {
    let seats = csuite_seats(members);
    let mut slots: Vec<Slot> = Vec::with_capacity(members);
    for (i, seat) in CSUITE.iter().take(seats).enumerate() {
        slots.push(Slot {
            dept: seat.dept,
            level: Level::CSuite,
            title: seat.title,
            manager: (i > 0).then_some(0),
        });
    }
    let exec_of = |seat: usize| if seat < seats { seat } else { 0 };
    let sizes = department_sizes(members - seats);
    for (di, dept) in DEPTS.iter().enumerate() {
        let d = sizes[di];
        if d == 0 {
            continue;
        }
        if di == EXEC_OFFICE {
            // Assistants to the executives.
            for k in 0..d {
                slots.push(Slot {
                    dept: di,
                    level: Level::Staff,
                    title: dept.staff[0].0,
                    manager: Some(exec_of(k % seats)),
                });
            }
            continue;
        }
        let (vps, dirs, mgrs) = layers(d);
        let vp0 = slots.len();
        for _ in 0..vps {
            slots.push(Slot {
                dept: di,
                level: Level::Vp,
                title: dept.vp,
                manager: Some(exec_of(dept.exec)),
            });
        }
        let dir0 = slots.len();
        for k in 0..dirs {
            slots.push(Slot {
                dept: di,
                level: Level::Director,
                title: dept.directors[k % dept.directors.len()],
                manager: Some(vp0 + k % vps),
            });
        }
        let mgr0 = slots.len();
        for k in 0..mgrs {
            let boss = if dirs > 0 {
                dir0 + k % dirs
            } else {
                vp0 + k % vps
            };
            slots.push(Slot {
                dept: di,
                level: Level::Manager,
                title: dept.managers[k % dept.managers.len()],
                manager: Some(boss),
            });
        }
        let weights: Vec<u32> = dept.staff.iter().map(|s| s.1).collect();
        for k in 0..d - vps - dirs - mgrs {
            let boss = if mgrs > 0 {
                mgr0 + k % mgrs
            } else if dirs > 0 {
                dir0 + k % dirs
            } else {
                vp0 + k % vps
            };
            let t = g.weighted(&weights);
            slots.push(Slot {
                dept: di,
                level: Level::Staff,
                title: dept.staff[t].0,
                manager: Some(boss),
            });
        }
    }
    slots
}

fn ascii_lower(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `+1 2065550123`-style numbers (Graph's `+{cc} {number}`), fictional ranges where they exist.
pub fn mobile_number(g: &mut Gen, office: usize) -> String {
    let o = &OFFICES[office];
    match o.country {
        "GB" => format!("+44 7700900{:03}", g.range(0, 999)),
        "DE" => format!("+49 1525{:07}", g.range(0, 9_999_999)),
        _ => format!("{} {}555{:04}", o.phone_cc, o.area, g.range(0, 9999)),
    }
}

fn desk_number(g: &mut Gen, office: usize) -> String {
    let o = &OFFICES[office];
    match o.country {
        "GB" => format!("+44 2079460{:03}", g.range(0, 999)),
        "DE" => format!("+49 69555{:04}", g.range(0, 9999)),
        _ => format!("{} {}55501{:02}", o.phone_cc, o.area, g.range(0, 99)),
    }
}

fn password(g: &mut Gen) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut s: String = (0..12)
        .map(|_| char::from(ALNUM[g.rng.gen_range(0..ALNUM.len())]))
        .collect();
    s.push_str("!7");
    s
}

/// Members on the org chart, then `guests` B2B guests.
pub fn build(g: &mut Gen, members: usize, guests: usize) {
    g.phase("people");
    let slots = lay_out(g, members);
    let office_w: Vec<u32> = OFFICES.iter().map(|o| o.weight).collect();
    let desktop_w: Vec<u32> = DESKTOPS.iter().map(|d| d.1).collect();
    let mobile_w: Vec<u32> = MOBILES.iter().map(|m| m.2).collect();
    let mut seen: HashMap<(u16, u16), u32> = HashMap::new();
    let domain = g.tenant.domain.clone();
    let company = g.tenant.display_name.clone();
    g.tenant.users.reserve_exact(members + guests);
    g.people.reserve_exact(members + guests);
    let mut ids: Vec<Arc<str>> = Vec::with_capacity(members);

    for slot in &slots {
        let gi = g.rng.gen_range(0..GIVEN.len());
        let si = g.rng.gen_range(0..SURNAMES.len());
        let n = seen.entry((gi as u16, si as u16)).or_insert(0);
        *n += 1;
        let suffix = if *n > 1 { n.to_string() } else { String::new() };
        let (given, surname) = (GIVEN[gi], SURNAMES[si]);
        let upn = format!(
            "{}.{}{}@{}",
            ascii_lower(given),
            ascii_lower(surname),
            suffix,
            domain
        );
        let office = if slot.level == Level::CSuite || slot.dept == EXEC_OFFICE {
            0
        } else {
            g.weighted(&office_w)
        };
        let o = &OFFICES[office];
        let created = if slot.level == Level::CSuite {
            g.days_ago(900.0, 3000.0)
        } else if g.chance(0.006) {
            g.days_ago(1.0, 12.0) // new hires: their security info registration is in the logs
        } else {
            g.days_ago(45.0, 3300.0)
        };
        // Passwords last changed before the history window (resets inside it leave records).
        let settled = (g.now - Duration::days(20)).max(created);
        let pwd_changed =
            created + Duration::seconds(g.range(0, (settled - created).num_seconds()));
        let mobile = g.chance(0.85).then(|| mobile_number(g, office));
        let id: Arc<str> = g.guid().into();
        ids.push(id.clone());
        let high_value = matches!(slot.level, Level::CSuite | Level::Vp) || DEPTS[slot.dept].money;
        let nets = home_nets(o.country);
        let person = Person {
            dept: slot.dept as u8,
            level: slot.level,
            manager: slot.manager.map(|m| m as u32),
            high_value,
            office: office as u8,
            home_net: g.rng.gen_range(0..nets.len()) as u8,
            home_ip: [0; 4],
            desktop: g.weighted(&desktop_w) as u8,
            mobile: g.weighted(&mobile_w) as u8,
            device_id: g.rng.gen(),
            persona: None,
            guest: false,
        };
        let home = nets[person.home_net as usize].prefix;
        let person = Person {
            home_ip: g.ip_in(home),
            ..person
        };
        let upn: Arc<str> = upn.into();
        let user = User {
            id,
            user_principal_name: upn.clone(),
            display_name: format!("{given} {surname}").into(),
            given_name: Some(g.strings.fixed(given)),
            surname: Some(g.strings.fixed(surname)),
            mail: Some(upn),
            // Shared: a handful of distinct values across the whole directory.
            job_title: Some(g.strings.fixed(slot.title)),
            department: Some(g.strings.fixed(DEPTS[slot.dept].name)),
            company_name: Some(g.strings.fixed(&company)),
            office_location: Some(g.strings.fixed(o.name)),
            business_phones: vec![desk_number(g, office)],
            mobile_phone: mobile,
            preferred_language: Some(g.strings.fixed(o.locale)),
            usage_location: Some(g.strings.fixed(o.country)),
            account_enabled: true,
            user_type: g.strings.fixed("Member"),
            created_date_time: created,
            sign_in_sessions_valid_from_date_time: pwd_changed,
            last_password_change_date_time: Some(pwd_changed),
            on_premises_sync_enabled: None,
            other_mails: Vec::new(),
            manager_id: None,
            deleted: false,
            password: password(g),
        };
        g.tenant.users.push(user);
        g.people.push(person);
    }
    for (i, slot) in slots.iter().enumerate() {
        if let Some(m) = slot.manager {
            g.tenant.users[i].manager_id = Some(ids[m].clone());
        }
    }
    for _ in 0..guests {
        add_guest(g, &domain);
    }
}

fn add_guest(g: &mut Gen, domain: &str) {
    let given = *g.pick(GIVEN);
    let surname = *g.pick(SURNAMES);
    let (partner, pdomain) = *g.pick(&PARTNERS);
    let external = format!(
        "{}.{}@{}",
        ascii_lower(given),
        ascii_lower(surname),
        pdomain
    );
    let upn = format!("{}#EXT#@{}", external.replace('@', "_"), domain);
    let created = g.days_ago(30.0, 900.0);
    let office = 0;
    let desktop_w: Vec<u32> = DESKTOPS.iter().map(|d| d.1).collect();
    let nets = home_nets(OFFICES[office].country);
    let home_net = g.rng.gen_range(0..nets.len());
    let person = Person {
        dept: 0,
        level: Level::Staff,
        manager: None,
        high_value: false,
        office: office as u8,
        home_net: home_net as u8,
        home_ip: g.ip_in(nets[home_net].prefix),
        desktop: g.weighted(&desktop_w) as u8,
        mobile: 0,
        device_id: g.rng.gen(),
        persona: None,
        guest: true,
    };
    let user = User {
        id: g.guid().into(),
        user_principal_name: upn.into(),
        display_name: format!("{given} {surname} ({partner})").into(),
        given_name: Some(g.strings.fixed(given)),
        surname: Some(g.strings.fixed(surname)),
        mail: Some(external.as_str().into()),
        job_title: None,
        department: None,
        company_name: Some(g.strings.fixed(partner)),
        office_location: None,
        business_phones: Vec::new(),
        mobile_phone: None,
        preferred_language: None,
        usage_location: None,
        account_enabled: true,
        user_type: g.strings.fixed("Guest"),
        created_date_time: created,
        sign_in_sessions_valid_from_date_time: created,
        last_password_change_date_time: None,
        on_premises_sync_enabled: None,
        other_mails: vec![external],
        manager_id: None,
        deleted: false,
        password: password(g),
    };
    g.tenant.users.push(user);
    g.people.push(person);
}
