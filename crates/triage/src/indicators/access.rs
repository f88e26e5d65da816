//! How the attacker got in: campaign user agents, the campaign's first app, campaign ISPs,
//! hosting and proxy networks, campaign countries the account never uses, impossible travel.
//!
//! The owner's own enrolled devices never count. Failed attempts count half. Sign-ins from before an admin dismissed (or the user
//! remediated) the risk count half too: someone looked at them already.

use super::evidence;
use super::signins::{distance_km, View};
use super::{Ctx, Family, Hit, Outcome};
use crate::facts::{SignIn, Time};

pub fn evaluate(ctx: &Ctx<'_>, out: &mut Outcome) {
    let views = &ctx.signins.views;
    // The owner's own enrolled devices are not the attacker, wherever they sign in from.
    let pick = |f: &dyn Fn(&View<'_>) -> bool| -> Vec<&SignIn> {
        views
            .iter()
            .filter(|v| !v.facets.owner_client && f(v))
            .map(|v| v.sign_in)
            .collect()
    };

    let whole = pick(&|v| v.facets.fingerprint() && v.sign_in.succeeded());
    push(ctx, out, "campaign-fingerprint", &whole, |n| {
        format!("{n} successful sign-in(s) matching the campaign's whole fingerprint: its user agent, its first app, its networks")
    });

    let ua = pick(&|v| v.facets.campaign_ua);
    push(ctx, out, "campaign-user-agent", &ua, |n| {
        format!("{n} sign-in(s) with the campaign's browser user agent")
    });

    let unusual = pick(&|v| v.facets.unusual_client);
    push(ctx, out, "unusual-client", &unusual, |n| {
        format!("{n} sign-in(s) with a client no employee uses (not one the campaign's reporting names)")
    });

    campaign_apps(ctx, out);

    let net = pick(&|v| v.facets.campaign_network());
    push(ctx, out, "campaign-network", &net, |n| {
        format!("{n} sign-in(s) from ISPs the campaign used")
    });

    let hosting = pick(&|v| v.facets.anonymizing() && !v.facets.campaign_network());
    push(ctx, out, "hosting-network", &hosting, |n| {
        format!("{n} sign-in(s) from hosting, proxy or anonymizing networks")
    });

    let country = pick(&|v| v.facets.campaign_country);
    push(ctx, out, "campaign-country", &country, |n| {
        let home: Vec<&str> = ctx
            .signins
            .home_countries
            .iter()
            .map(String::as_str)
            .collect();
        let home = if home.is_empty() {
            "unknown".to_string()
        } else {
            home.join(", ")
        };
        format!("{n} sign-in(s) from a campaign country the user does not sign in from (usually {home})")
    });

    impossible_travel(ctx, out);
}

/// The attacker opening the campaign's first app, then its follow-on apps (My Signins, where
/// it added its MFA methods): the points rest on the first app, the follow-on sign-ins are
/// evidence with them.
fn campaign_apps(ctx: &Ctx<'_>, out: &mut Outcome) {
    let pack = ctx.pack;
    let attacker = ctx
        .signins
        .attacker_views()
        .filter(|v| !v.facets.owner_client);
    let (first, follow): (Vec<&SignIn>, Vec<&SignIn>) = {
        let mut first = Vec::new();
        let mut follow = Vec::new();
        for v in attacker {
            if v.facets.first_app {
                first.push(v.sign_in);
            } else if pack.is_follow_on_app(&v.sign_in.app) {
                follow.push(v.sign_in);
            }
        }
        (first, follow)
    };
    if first.is_empty() {
        return;
    }
    let mut apps: Vec<&str> = follow.iter().map(|s| s.app.as_str()).collect();
    apps.sort_unstable();
    apps.dedup();
    // The first app's sign-ins (successful first), then one of each follow-on app's, all
    // within the evidence limit.
    let mut list = first.clone();
    list.sort_by_key(|s| (!s.succeeded(), s.time));
    list.truncate(evidence::MAX_EVIDENCE.saturating_sub(apps.len()).max(1));
    let mut seen = std::collections::HashSet::new();
    list.extend(
        follow
            .iter()
            .copied()
            .filter(|s| seen.insert(s.app.as_str())),
    );
    let n = first.len();
    push_shown(ctx, out, "campaign-app", &list, |_| {
        let names = pack.first_apps().join("/");
        let then = if apps.is_empty() {
            String::new()
        } else {
            format!(", then {}", apps.join(", "))
        };
        format!("{n} attacker sign-in(s) opening {names} first{then}, as the campaign did")
    });
}

/// When the risk was dismissed or remediated, if it was.
fn resolved_at(ctx: &Ctx<'_>) -> Option<Time> {
    ctx.facts
        .risky
        .as_ref()
        .filter(|r| r.state.is_resolved())
        .and_then(|r| r.updated)
}

fn push(
    ctx: &Ctx<'_>,
    out: &mut Outcome,
    id: &'static str,
    list: &[&SignIn],
    summary: impl Fn(usize) -> String,
) {
    // Successful sign-ins first: they are the ones that matter.
    let mut shown: Vec<&SignIn> = list.to_vec();
    shown.sort_by_key(|s| (!s.succeeded(), s.time));
    push_shown(ctx, out, id, &shown, summary);
}

/// `push` with the evidence in the order given.
fn push_shown(
    ctx: &Ctx<'_>,
    out: &mut Outcome,
    id: &'static str,
    list: &[&SignIn],
    summary: impl Fn(usize) -> String,
) {
    if list.is_empty() {
        return;
    }
    let mut points = ctx.pack.weight(id);
    let mut notes = Vec::new();
    if !list.iter().any(|s| s.succeeded()) {
        points /= 2;
        notes.push("all failed".to_string());
    }
    if let Some(t) = resolved_at(ctx) {
        if list.iter().all(|s| s.time <= t) {
            points /= 2;
            notes.push(format!(
                "all before the risk was resolved at {}",
                evidence::rfc3339(t)
            ));
        }
    }
    let mut text = summary(list.len());
    if !notes.is_empty() {
        text = format!("{text} ({})", notes.join("; "));
    }
    let ev = evidence::limit(
        list.iter()
            .map(|s| evidence::sign_in(s, ctx.pack))
            .collect(),
    );
    out.push(Hit::new(id, Family::Access, points, text).with_evidence(ev));
}

fn impossible_travel(ctx: &Ctx<'_>, out: &mut Outcome) {
    let pack = ctx.pack;
    let located: Vec<&SignIn> = ctx
        .signins
        .views
        .iter()
        .map(|v| v.sign_in)
        .filter(|s| s.succeeded() && s.geo.is_some())
        .collect();
    let known: std::collections::HashSet<&str> = ctx
        .signins
        .views
        .iter()
        .filter(|v| v.facets.owner_client)
        .map(|v| v.sign_in.id.as_str())
        .collect();
    let mut pairs: Vec<(&SignIn, &SignIn, f64, f64)> = Vec::new();
    for w in located.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (Some(ga), Some(gb)) = (a.geo, b.geo) else {
            continue;
        };
        if known.contains(b.id.as_str()) {
            continue;
        }
        let km = distance_km(ga, gb);
        if km < pack.travel_min_km {
            continue;
        }
        // At least a minute apart, so two records of one event never divide by zero.
        let hours = ((b.time - a.time).num_seconds().max(60)) as f64 / 3600.0;
        let kmh = km / hours;
        if kmh > pack.travel_kmh {
            pairs.push((a, b, km, kmh));
        }
    }
    if pairs.is_empty() {
        return;
    }
    let mut ev = Vec::new();
    for (a, b, km, kmh) in &pairs {
        let mut e = evidence::sign_in(b, pack);
        e.detail = format!(
            "{:.0} km from the sign-in at {} ({}) in {} min ({:.0} km/h); {}",
            km,
            evidence::rfc3339(a.time),
            evidence::place(a, pack),
            (b.time - a.time).num_minutes(),
            kmh,
            e.detail
        );
        ev.push(e);
    }
    let mut points = pack.weight("impossible-travel");
    if let Some(t) = resolved_at(ctx) {
        if pairs.iter().all(|(_, b, _, _)| b.time <= t) {
            points /= 2;
        }
    }
    out.push(
        Hit::new(
            "impossible-travel",
            Family::Access,
            points,
            format!(
                "{} pair(s) of successful sign-ins too far apart to travel between",
                pairs.len()
            ),
        )
        .with_evidence(evidence::limit(ev)),
    );
}
