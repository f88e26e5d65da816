//! Casting: how many accounts get each persona, and who. Compromised accounts concentrate on
//! executives and the people around money; look-alikes are spread so that a title alone never
//! decides.

use super::ctx::{Gen, Level};
use super::knobs::ScenarioKnobs;
use super::org::{ACCOUNT_MANAGEMENT, FINANCE, OPERATIONS, SALES};
use crate::truth::Persona;
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
fn target_weight(g: &Gen, i: usize) -> u32 {
    let p = &g.people[i];
    let dept = p.dept as usize;
    let title = g.tenant.users[i].job_title.as_deref().unwrap_or("");
    // In halves: a money-adjacent staff member weighs 3, anyone else 2.
    let base: u32 = match p.level {
        Level::CSuite => 80,
        Level::Vp if dept == OPERATIONS => 60,
        Level::Vp => 28,
        Level::Director => 16,
        Level::Manager => 6,
        Level::Staff => 2,
    };
    let role = if title.contains("Account Manager") || title.contains("Sales Director") {
        6
    } else if matches!(dept, FINANCE | SALES | ACCOUNT_MANAGEMENT) {
        3
    } else {
        2
    };
    let cfo_or_president = if title == "Chief Financial Officer" || title == "President" {
        2
    } else {
        1
    };
    base * role * cfo_or_president / 2
}

/// Weighted sampling without replacement: draws on the cumulative weights, re-drawing anyone
/// already picked. Integer arithmetic only, so every platform picks the same people.
fn sample(g: &mut Gen, pool: &[usize], weights: &[u32], k: usize) -> Vec<usize> {
    let k = k.min(pool.len());
    let mut cumulative = Vec::with_capacity(pool.len());
    let mut total = 0u64;
    for &w in weights {
        total += u64::from(w.max(1));
        cumulative.push(total);
    }
    let mut taken = vec![false; pool.len()];
    let mut out = Vec::with_capacity(k);
    // Bounded: when nearly the whole pool is wanted, the last few are taken in order.
    let mut draws = 0usize;
    while out.len() < k && draws < 64 * pool.len() + 64 {
        draws += 1;
        let r = g.rng.gen_range(0..total);
        let at = cumulative.partition_point(|&c| c <= r);
        if !taken[at] {
            taken[at] = true;
            out.push(pool[at]);
        }
    }
    for (at, &i) in pool.iter().enumerate() {
        if out.len() >= k {
            break;
        }
        if !taken[at] {
            taken[at] = true;
            out.push(i);
        }
    }
    out
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
    let w: Vec<u32> = hv.iter().map(|&i| target_weight(g, i)).collect();
    let picked = sample(g, &hv, &w, hv_count);
    mark(g, &picked, Persona::Compromised);
    let rest = free_members(g, |i| old_enough(g, i));
    let ones = vec![1; rest.len()];
    let picked = sample(g, &rest, &ones, c.compromised.saturating_sub(hv_count));
    mark(g, &picked, Persona::Compromised);

    // Look-alikes: travellers and new phones lean towards executives too.
    let lookalikes: [(Persona, usize, u32); 6] = [
        (Persona::Traveller, c.traveller, 6),
        (Persona::NewPhoneLegit, c.new_phone, 3),
        (Persona::BenignRules, c.benign_rules, 3),
        (Persona::Dismissed, c.dismissed, 2),
        (Persona::Remediated, c.remediated, 2),
        (Persona::RiskyNoise, c.risky_noise, 2),
    ];
    for (persona, count, exec_bias) in lookalikes {
        let pool = free_members(g, |_| true);
        let w: Vec<u32> = pool
            .iter()
            .map(|&i| if g.people[i].high_value { exec_bias } else { 1 })
            .collect();
        let picked = sample(g, &pool, &w, count);
        mark(g, &picked, persona);
    }
    // Deleted users: leavers without reports.
    let pool = free_members(g, |i| g.people[i].level == Level::Staff);
    let ones = vec![1; pool.len()];
    let picked = sample(g, &pool, &ones, c.deleted);
    mark(g, &picked, Persona::Deleted);
    // Risky guests: the first guests.
    let guests: Vec<usize> = (0..g.people.len())
        .filter(|&i| g.people[i].guest)
        .take(c.risky_guests)
        .collect();
    mark(g, &guests, Persona::Guest);
}
