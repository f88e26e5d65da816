//! Casting: how many accounts get each persona, and who. Compromised accounts concentrate on
//! executives and the people around money; look-alikes are spread so that a title alone never
//! decides.

use super::ctx::{Gen, Level};
use super::knobs::ScenarioKnobs;
use super::org::{ACCOUNT_MANAGEMENT, FINANCE, OPERATIONS, SALES};
use crate::sim::truth::Persona;
use rand::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub compromised: usize,
    pub traveller: usize,
    pub new_phone: usize,
    pub benign_rules: usize,
    pub dismissed: usize,
    pub remediated: usize,
    pub deleted: usize,
    pub risky_guests: usize,
    pub risky_noise: usize,
    /// All guests (risky ones included).
    pub guests: usize,
}

fn share(users: usize, s: f64, min: usize) -> usize {
    if s <= 0.0 {
        return 0;
    }
    ((users as f64 * s).round() as usize).max(min)
}

pub fn counts(users: usize, k: &ScenarioKnobs) -> Counts {
    let risky_guests = share(users, k.guest_share, 1);
    Counts {
        compromised: share(users, k.compromised_share, 2).max(2),
        traveller: share(users, k.traveller_share, 1),
        new_phone: share(users, k.new_phone_share, 1),
        benign_rules: share(users, k.benign_rules_share, 1),
        dismissed: share(users, k.dismissed_share, 1),
        remediated: share(users, k.remediated_share, 1),
        deleted: share(users, k.deleted_share, 1),
        risky_guests,
        risky_noise: share(users, k.risky_noise_share, 1),
        guests: risky_guests.max(users / 100),
    }
}

/// How strongly the campaign goes after a person.
fn target_weight(g: &Gen, i: usize) -> f64 {
    let p = &g.people[i];
    let dept = p.dept as usize;
    let title = g.tenant.users[i].job_title.as_deref().unwrap_or("");
    let base: f64 = match p.level {
        Level::CSuite => 40.0,
        Level::Vp if dept == OPERATIONS => 30.0,
        Level::Vp => 14.0,
        Level::Director => 8.0,
        Level::Manager => 3.0,
        Level::Staff => 1.0,
    };
    let role = if title.contains("Account Manager") || title.contains("Sales Director") {
        3.0
    } else if matches!(dept, FINANCE | SALES | ACCOUNT_MANAGEMENT) {
        1.5
    } else {
        1.0
    };
    let cfo_or_president = if title == "Chief Financial Officer" || title == "President" {
        2.0
    } else {
        1.0
    };
    base * role * cfo_or_president
}

/// Weighted sampling without replacement (Efraimidis-Spirakis keys), deterministic.
fn sample(g: &mut Gen, pool: &[usize], weights: &[f64], k: usize) -> Vec<usize> {
    let mut keyed: Vec<(f64, usize)> = pool
        .iter()
        .zip(weights)
        .map(|(&i, &w)| {
            let u: f64 = g.rng.gen_range(f64::MIN_POSITIVE..1.0);
            (u.powf(1.0 / w.max(1e-9)), i)
        })
        .collect();
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    keyed.into_iter().take(k).map(|(_, i)| i).collect()
}

fn free_members(g: &Gen, filter: impl Fn(usize) -> bool) -> Vec<usize> {
    (0..g.people.len())
        .filter(|&i| !g.people[i].guest && g.people[i].persona.is_none() && filter(i))
        .collect()
}

fn mark(g: &mut Gen, who: &[usize], p: Persona) {
    for &i in who {
        g.people[i].persona = Some(p);
        g.truth_for(i).personas.push(p);
    }
}

pub fn assign(g: &mut Gen, c: &Counts) {
    g.phase("cast");
    let focus = g.knobs.executive_focus;
    // Compromised: most from executives and money, the rest from anyone.
    let hv_count = ((c.compromised as f64) * focus).ceil() as usize;
    // Accounts older than the window: their owners' methods predate the attack.
    let settled = g.now - chrono::Duration::days(30);
    let old_enough = |g: &Gen, i: usize| g.tenant.users[i].created_date_time < settled;
    let hv = free_members(g, |i| g.people[i].high_value && old_enough(g, i));
    let w: Vec<f64> = hv.iter().map(|&i| target_weight(g, i)).collect();
    let picked = sample(g, &hv, &w, hv_count);
    mark(g, &picked, Persona::Compromised);
    let rest = free_members(g, |i| old_enough(g, i));
    let ones = vec![1.0; rest.len()];
    let picked = sample(g, &rest, &ones, c.compromised.saturating_sub(hv_count));
    mark(g, &picked, Persona::Compromised);

    // Look-alikes: travellers and new phones lean towards executives too.
    let lookalikes: [(Persona, usize, f64); 6] = [
        (Persona::Traveller, c.traveller, 6.0),
        (Persona::NewPhoneLegit, c.new_phone, 3.0),
        (Persona::BenignRules, c.benign_rules, 3.0),
        (Persona::Dismissed, c.dismissed, 2.0),
        (Persona::Remediated, c.remediated, 2.0),
        (Persona::RiskyNoise, c.risky_noise, 2.0),
    ];
    for (persona, count, exec_bias) in lookalikes {
        let pool = free_members(g, |_| true);
        let w: Vec<f64> = pool
            .iter()
            .map(|&i| {
                if g.people[i].high_value {
                    exec_bias
                } else {
                    1.0
                }
            })
            .collect();
        let picked = sample(g, &pool, &w, count);
        mark(g, &picked, persona);
    }
    // Deleted users: leavers without reports.
    let pool = free_members(g, |i| g.people[i].level == Level::Staff);
    let ones = vec![1.0; pool.len()];
    let picked = sample(g, &pool, &ones, c.deleted);
    mark(g, &picked, Persona::Deleted);
    // Risky guests: the first guests.
    let guests: Vec<usize> = (0..g.people.len())
        .filter(|&i| g.people[i].guest)
        .take(c.risky_guests)
        .collect();
    mark(g, &guests, Persona::Guest);
}
