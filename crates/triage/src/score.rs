//! From hits to a score (0-100) and a verdict.
//!
//! Evidence = the sum over families of each family's points, capped per family (`[caps]`), so
//! that one kind of weak signal cannot make a verdict on its own; decisive hits (an admin's
//! confirmation) count in full. The verdict comes from the evidence alone:
//! `compromised` at `[thresholds] compromised`, `suspicious` at `suspicious`, else `clear`,
//! then bounded by the account's nature (deleted, guest).
//!
//! The score places the account inside its verdict's band (clear 0-29, suspicious 30-69,
//! compromised 70-100): the evidence above the verdict's threshold, scaled into the band less
//! the executive weighting's cap, plus the executive weighting. So executives and people
//! around money lead within their band, and the list sorted by score is also sorted by
//! verdict.

use super::indicators::{Family, Hit, Outcome};
use super::model::Verdict;
use super::pack::Pack;
use std::collections::BTreeMap;

/// Score bands per verdict, inclusive.
pub const CLEAR_BAND: (u32, u32) = (0, 29);
pub const SUSPICIOUS_BAND: (u32, u32) = (30, 69);
pub const COMPROMISED_BAND: (u32, u32) = (70, 100);

#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: u8,
    pub verdict: Verdict,
    /// Evidence points (before the executive weighting), 0-100.
    pub evidence: u32,
    /// Executive weighting points added.
    pub high_value: u32,
    /// The hits, each with the points it actually contributed after caps, highest first.
    pub hits: Vec<Hit>,
}

/// Gives each family's points out to its hits, highest first, until the cap is used up; the
/// hits' `points` become what they really added.
fn apply_caps(hits: Vec<Hit>, pack: &Pack) -> Vec<Hit> {
    let mut by_family: BTreeMap<Family, Vec<Hit>> = BTreeMap::new();
    for h in hits {
        by_family.entry(h.family).or_default().push(h);
    }
    let mut out = Vec::new();
    for (family, mut list) in by_family {
        list.sort_by(|a, b| b.points.cmp(&a.points).then(a.id.cmp(b.id)));
        let mut left = family.cap_id().map(|c| pack.cap(c)).unwrap_or(0);
        for mut h in list {
            if h.decisive {
                // Counts in full and uses up the family's budget.
                left = left.saturating_sub(h.points);
            } else {
                let give = h.points.min(left);
                left -= give;
                h.points = give;
            }
            out.push(h);
        }
    }
    out
}

fn band(v: Verdict) -> (u32, u32) {
    match v {
        Verdict::Clear => CLEAR_BAND,
        Verdict::Suspicious => SUSPICIOUS_BAND,
        Verdict::Compromised => COMPROMISED_BAND,
    }
}

pub fn score(outcome: Outcome, pack: &Pack) -> (Scored, super::model::Findings) {
    let Outcome {
        hits,
        findings,
        max_verdict,
    } = outcome;
    let mut hits = apply_caps(hits, pack);
    let evidence: u32 = hits
        .iter()
        .filter(|h| !matches!(h.family, Family::HighValue | Family::Context))
        .map(|h| h.points)
        .sum::<u32>()
        .min(100);
    let high_value: u32 = hits
        .iter()
        .filter(|h| h.family == Family::HighValue)
        .map(|h| h.points)
        .sum();

    let mut verdict = if evidence >= pack.compromised_at {
        Verdict::Compromised
    } else if evidence >= pack.suspicious_at {
        Verdict::Suspicious
    } else {
        Verdict::Clear
    };
    if let Some((max, _)) = &max_verdict {
        verdict = verdict.min(*max);
    }

    // Place the account inside its band: the evidence above the verdict's threshold fills
    // the lower part of the band, the executive weighting the rest, so that among accounts
    // with the same verdict the executives and the people around money lead.
    let (lo, hi) = band(verdict);
    let (floor, ceiling) = match verdict {
        Verdict::Clear => (0, pack.suspicious_at),
        Verdict::Suspicious => (pack.suspicious_at, pack.compromised_at),
        Verdict::Compromised => (pack.compromised_at, 100),
    };
    let room = (hi - lo).saturating_sub(pack.cap("high-value"));
    let above = evidence.clamp(floor, ceiling) - floor;
    let span = (ceiling - floor).max(1);
    let raw = lo + (above * room + span / 2) / span + high_value;
    let score = raw.clamp(lo, hi) as u8;

    hits.sort_by(|a, b| {
        b.points
            .cmp(&a.points)
            .then((a.family == Family::Context).cmp(&(b.family == Family::Context)))
            .then(a.id.cmp(b.id))
    });
    // Hits that ended up adding nothing and are not notes stay (they are still evidence), but
    // after the ones that count.
    (
        Scored {
            score,
            verdict,
            evidence,
            high_value,
            hits,
        },
        findings,
    )
}
