//! Scenario generation: a deterministic simulated tenant and the ground truth behind it.
//!
//! `campaign-2024` (the default) is a company of 50 to 100,000 users hit by the late-2023/2024
//! Entra ID account-takeover campaign. Same name, users, seed, `now` and knobs give the same
//! tenant, byte for byte: every random choice comes from ChaCha8 streams seeded per phase, and
//! no hash-map iteration order reaches the output.
//!
//! What is in it:
//! - people: departments, titles, a manager tree, offices and usage locations, phones in
//!   Graph's `+1 5555550123` form, UPNs on the tenant domain, B2B guests; directory roles with
//!   the built-in template ids assigned to IT admins and the service desk;
//! - everyone's sign-ins, methods (one default), mailboxes with well-known folders;
//! - about 1.5% compromised accounts, concentrated on executives and money, each with at least
//!   two of: campaign sign-ins (OfficeHome, the campaign's user agents, Russian and Nigerian
//!   ISPs and hosting), an attacker Authenticator or phone registered after the first
//!   malicious sign-in (with the Authentication Methods record and its Core Directory twin),
//!   the recovery phone swapped, inbox rules that hide or forward mail, a consent to a
//!   mail-reading app; Identity Protection risk that varies and is sometimes absent;
//! - look-alikes (travellers, real new phones, benign rules, dismissed/remediated risk,
//!   deleted users, risky guests, risk noise), about 5% risky users in all;
//! - hostile strings (terminal escapes, bidi controls) in attacker-controlled text.
//!
//! The ground truth (`Scenario::truth`) says, per persona account, what is the attacker's and
//! what is the owner's; it is for tests and benchmarks and never reaches a Graph endpoint.
//! Phases: `people` and `roles` lay out the company, `cast` picks personas, `signins`,
//! `methods` and `mailboxes` give everyone their everyday state, `campaign` and
//! `persistence` add the attacker's traces, `lookalikes` and `background` the rest.

mod app_footholds;
mod app_grants;
mod app_owners;
mod audits;
mod background;
mod campaign;
mod cast;
mod catalog;
mod ctx;
mod devices;
mod grants;
mod hostile;
mod knobs;
mod lookalikes;
mod mailboxes;
mod memberships;
mod methods;
mod names;
mod networks;
mod org;
mod people;
mod persistence;
mod risk;
mod roles;
mod signins;

pub use catalog::{CAMPAIGN_OAUTH_APPS, CAMPAIGN_UAS};
pub use hostile::is_hostile;
pub use knobs::ScenarioKnobs;
pub use networks::{isp_for_asn, SELENA};

use super::model::Time;
use super::state::Scenario;
use ctx::Gen;

/// Scenario names `generate` knows.
pub const KNOWN_SCENARIOS: [&str; 1] = ["campaign-2024"];

pub const MIN_USERS: usize = 50;
pub const MAX_USERS: usize = 100_000;

/// Why a scenario was not generated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    #[error("unknown scenario '{0}'; known scenarios: {known}", known = KNOWN_SCENARIOS.join(", "))]
    Unknown(String),
    #[error("scenario '{name}' needs {MIN_USERS} to {MAX_USERS} users, got {users}")]
    Users { name: String, users: usize },
    /// A knob out of range, as `ScenarioKnobs` explains it.
    #[error("{0}")]
    Knobs(String),
}

/// Generate a scenario with the default mix.
pub fn generate(name: &str, users: usize, seed: u64, now: Time) -> Result<Scenario, ScenarioError> {
    generate_with(name, users, seed, now, &ScenarioKnobs::default())
}

/// Generate a scenario with a chosen mix of personas and traces.
pub fn generate_with(
    name: &str,
    users: usize,
    seed: u64,
    now: Time,
    knobs: &ScenarioKnobs,
) -> Result<Scenario, ScenarioError> {
    if !KNOWN_SCENARIOS.contains(&name) {
        return Err(ScenarioError::Unknown(name.to_string()));
    }
    if !(MIN_USERS..=MAX_USERS).contains(&users) {
        return Err(ScenarioError::Users {
            name: name.to_string(),
            users,
        });
    }
    knobs.validate().map_err(ScenarioError::Knobs)?;
    let counts = cast::counts(users, knobs);
    let mut g = Gen::new(seed, now, knobs);
    people::identity(&mut g);
    people::build(&mut g, users - counts.guests, counts.guests);
    roles::build(&mut g);
    cast::assign(&mut g, &counts);
    signins::everyone(&mut g);
    methods::everyone(&mut g);
    mailboxes::everyone(&mut g);
    grants::baseline(&mut g);
    campaign::run(&mut g);
    lookalikes::run(&mut g);
    devices::run(&mut g);
    memberships::run(&mut g);
    app_footholds::run(&mut g);
    background::run(&mut g);
    Ok(finish(g))
}

/// Newest first where Graph serves newest first; ties broken by id so order never depends on
/// the sort algorithm.
fn finish(g: Gen) -> Scenario {
    let Gen {
        mut tenant,
        mut truth,
        people,
        strings,
        ..
    } = g;
    // Generation-only state goes before the sort allocates its index: the peak is here.
    drop((people, strings));
    newest_first(&mut tenant.sign_ins, |a, b| {
        b.created_date_time
            .cmp(&a.created_date_time)
            .then_with(|| a.id.cmp(&b.id))
    });
    tenant.directory_audits.sort_unstable_by(|a, b| {
        b.activity_date_time
            .cmp(&a.activity_date_time)
            .then_with(|| a.id.cmp(&b.id))
    });
    tenant.risk_detections.sort_unstable_by(|a, b| {
        b.detected_date_time
            .cmp(&a.detected_date_time)
            .then_with(|| a.id.cmp(&b.id))
    });
    // Room reserved for records later phases might have added (a shrink in place: no copy).
    tenant.sign_ins.shrink_to_fit();
    tenant.directory_audits.shrink_to_fit();
    tenant.risk_detections.shrink_to_fit();
    tenant.users.shrink_to_fit();
    for t in truth.accounts.values_mut() {
        t.attacker_method_ids.dedup();
        t.attacker_phone_numbers.dedup();
        t.known_good_phones.dedup();
    }
    Scenario { tenant, truth }
}

/// Sort large records as `order_of` says (newest first, ties by id) by sorting indices and
/// then moving each record once along its permutation cycle: a comparison sort would move each
/// many times.
fn newest_first<T>(v: &mut [T], order_of: impl Fn(&T, &T) -> std::cmp::Ordering) {
    let mut order: Vec<u32> = (0..v.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| order_of(&v[a as usize], &v[b as usize]));
    // Position i receives the record now at order[i]; finished positions point at themselves.
    for start in 0..v.len() {
        let mut cur = start;
        loop {
            let next = order[cur] as usize;
            order[cur] = cur as u32;
            if next == start || next == cur {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn records_hold_their_users_strings_instead_of_copies() {
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 12, 0, 0).unwrap();
        let s = generate("campaign-2024", 200, 7, now).unwrap();
        let t = &s.tenant;
        let by_id: std::collections::HashMap<&str, &crate::model::User> =
            t.users.iter().map(|u| (&*u.id, u)).collect();
        for si in &t.sign_ins {
            let u = by_id[&*si.user.user_id];
            assert!(std::sync::Arc::ptr_eq(&si.user.user_id, &u.id));
            assert!(std::sync::Arc::ptr_eq(
                &si.user.user_principal_name,
                &u.user_principal_name
            ));
        }
        for (key, methods) in &t.methods {
            assert!(std::sync::Arc::ptr_eq(key, &by_id[&**key].id));
            for m in methods
                .iter()
                .filter(|m| &*m.id == crate::model::PASSWORD_METHOD_ID)
            {
                let fixed = crate::model::method_id(crate::model::PASSWORD_METHOD_ID);
                assert!(std::sync::Arc::ptr_eq(&m.id, &fixed));
            }
        }
        for key in t.mailboxes.keys() {
            assert!(std::sync::Arc::ptr_eq(key, &by_id[&**key].id));
        }
    }

    #[test]
    fn newest_first_orders_by_time_then_id() {
        let t = |s: i64| Utc.timestamp_opt(s, 0).single().unwrap_or_default();
        let mut v: Vec<(Time, String)> = [5, 1, 9, 5, 3, 9, 0, 7]
            .iter()
            .enumerate()
            .map(|(i, &s)| (t(s), format!("id{}", 7 - i)))
            .collect();
        let mut expected = v.clone();
        expected.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        newest_first(&mut v, |a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        assert_eq!(v, expected);
    }
}
