//! Which sign-ins were the attacker's: each sign-in's campaign facets, the account's usual
//! countries and networks, the compromise's start and the attacker's IP addresses.
//!
//! Attribution wants a network or client trace (campaign user agent, campaign ISP, hosting or
//! proxy network) plus corroboration, or four facets together: an employee on a trip, on
//! OfficeHome, flagged by Identity Protection for an unfamiliar location, is not enough.

use crate::facts::{AccountFacts, SignIn, Time};
use crate::pack::{Network, Pack};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The campaign traces one sign-in carries.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub campaign_ua: bool,
    /// A client the pack lists as unusual but not the campaign's (indicator `unusual-client`
    /// only: not a trace, no part of attribution).
    pub unusual_client: bool,
    pub first_app: bool,
    pub campaign_app: bool,
    /// The sign-in's network, when the pack knows its ASN or one of its network names.
    pub network: Option<Network>,
    /// An Identity Protection network detection (anonymized, malicious IP) at this IP.
    pub network_detection: bool,
    /// From a campaign country the account does not usually sign in from, on a network the
    /// pack does not know (a known network already says where it is).
    pub campaign_country: bool,
    /// riskLevelDuringSignIn medium or high.
    pub risky: bool,
    /// A strong risk detection points at this sign-in (request id) or its IP.
    pub detection: bool,
    /// The owner's own client: an enrolled device of theirs (its device id is in the owner's
    /// history), or a device-less client they use (a phone's mail app) with the same user
    /// agent, unless that is a campaign user agent. Not the attacker, whatever the network.
    pub owner_client: bool,
    /// The account's security info was changed from this sign-in's IP.
    pub security_change: bool,
    /// A client the owner does not use: no known device and a user agent the owner never
    /// signs in with without a device.
    pub new_client: bool,
}

impl Facets {
    pub fn campaign_network(&self) -> bool {
        self.network.as_ref().is_some_and(|n| n.campaign)
    }
    pub fn anonymizing(&self) -> bool {
        self.network_detection
            || self
                .network
                .as_ref()
                .is_some_and(|n| n.kind.is_anonymizing())
    }
    /// A client or network trace of the campaign (not just context).
    pub fn has_trace(&self) -> bool {
        self.campaign_ua || self.campaign_network() || self.anonymizing()
    }
    pub fn points(&self) -> u32 {
        let mut p = 0;
        p += 2 * self.campaign_ua as u32;
        p += 2 * self.campaign_network() as u32;
        p += 2 * self.anonymizing() as u32;
        p += self.campaign_country as u32;
        p += (self.first_app && self.has_trace()) as u32;
        p += self.risky as u32;
        p += self.detection as u32;
        p += self.new_client as u32;
        p += 2 * self.security_change as u32;
        p
    }
    /// Attributed to the attacker.
    pub fn attacker(&self) -> bool {
        if self.owner_client {
            return false;
        }
        let p = self.points();
        (self.has_trace() && p >= 3) || p >= 4
    }
    /// The campaign's whole fingerprint: its user agent, its first app, and its networks.
    pub fn fingerprint(&self) -> bool {
        !self.owner_client
            && self.campaign_ua
            && self.first_app
            && (self.campaign_network() || self.campaign_country || self.anonymizing())
    }
}

/// One sign-in with its facets.
#[derive(Debug, Clone)]
pub struct View<'a> {
    pub sign_in: &'a SignIn,
    pub facets: Facets,
}

impl View<'_> {
    pub fn attacker(&self) -> bool {
        self.facets.attacker()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Analysis<'a> {
    /// Oldest first.
    pub views: Vec<View<'a>>,
    pub home_countries: HashSet<String>,
    /// IPs of successful sign-ins not attributed to the attacker.
    pub owner_ips: HashSet<String>,
    /// IPs of sign-ins attributed to the attacker (successful or not).
    pub attacker_ips: BTreeSet<String>,
    /// The first successful attacker sign-in.
    pub compromise_started: Option<Time>,
}

/// What the owner's own sign-ins look like: successful, from no known campaign, hosting or
/// proxy network and no campaign country (or, when that leaves nothing, no such network).
struct Baseline {
    devices: HashSet<String>,
    /// User agents the owner signs in with from clients that carry no device id (phones).
    unmanaged_uas: HashSet<String>,
    home_countries: HashSet<String>,
}

fn baseline(views: &[View<'_>], pack: &Pack) -> Baseline {
    let clean_net = |v: &View<'_>| {
        v.sign_in.succeeded()
            && !v.facets.network_detection
            && !v
                .facets
                .network
                .as_ref()
                .is_some_and(|n| n.campaign || n.kind.is_anonymizing())
    };
    let in_campaign_country = |v: &View<'_>| {
        v.sign_in
            .country
            .as_deref()
            .is_some_and(|c| pack.is_campaign_country(c))
    };
    let mut base: Vec<&View<'_>> = views
        .iter()
        .filter(|v| clean_net(v) && !in_campaign_country(v))
        .collect();
    if base.is_empty() {
        base = views.iter().filter(|v| clean_net(v)).collect();
    }
    let mut b = Baseline {
        devices: HashSet::new(),
        unmanaged_uas: HashSet::new(),
        home_countries: HashSet::new(),
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for v in &base {
        if let Some(c) = v.sign_in.country.as_deref().filter(|c| !c.is_empty()) {
            *counts.entry(c.to_uppercase()).or_default() += 1;
        }
    }
    // The most frequent country, plus any with a quarter of the owner's sign-ins.
    let total: usize = counts.values().sum();
    let max = counts.values().copied().max().unwrap_or(0);
    b.home_countries = counts
        .into_iter()
        .filter(|(_, n)| *n == max || *n * 4 >= total)
        .map(|(c, _)| c)
        .collect();
    // The owner's clients are the ones they use at home (a one-off abroad is not one).
    for v in &base {
        let s = v.sign_in;
        let home = s
            .country
            .as_deref()
            .is_none_or(|c| b.home_countries.contains(&c.to_uppercase()));
        if !home {
            continue;
        }
        match s.device_id.as_deref().filter(|d| !d.is_empty()) {
            Some(d) => {
                b.devices.insert(d.to_string());
            }
            None => {
                b.unmanaged_uas.insert(s.user_agent.trim().to_string());
            }
        }
    }
    b
}

impl<'a> Analysis<'a> {
    pub fn new(facts: &'a AccountFacts, pack: &Pack) -> Self {
        let mut sorted: Vec<&SignIn> = facts.sign_ins.iter().collect();
        sorted.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));

        let detection_ips: HashSet<&str> = facts
            .detections
            .iter()
            .filter(|d| pack.is_network_detection(&d.event_type))
            .filter_map(|d| d.ip.as_deref())
            .collect();
        let strong_ips: HashSet<&str> = facts
            .detections
            .iter()
            .filter(|d| pack.is_strong_detection(&d.event_type))
            .filter_map(|d| d.ip.as_deref())
            .collect();
        let strong_requests: HashSet<&str> = facts
            .detections
            .iter()
            .filter(|d| pack.is_strong_detection(&d.event_type))
            .filter_map(|d| d.request_id.as_deref())
            .collect();

        // First the facets that need no history, then the owner's baseline, then the rest.
        let mut views: Vec<View<'a>> = sorted
            .into_iter()
            .map(|s| View {
                sign_in: s,
                facets: Facets {
                    campaign_ua: pack.is_campaign_user_agent(&s.user_agent),
                    unusual_client: pack.is_unusual_client(&s.user_agent),
                    first_app: pack.is_first_app(&s.app),
                    campaign_app: pack.is_campaign_app(&s.app),
                    network: pack.network_of(s.asn, &s.network_names).cloned(),
                    network_detection: detection_ips.contains(s.ip.as_str()),
                    risky: s.risk_during.is_elevated(),
                    detection: strong_requests.contains(s.id.as_str())
                        || strong_ips.contains(s.ip.as_str()),
                    ..Facets::default()
                },
            })
            .collect();
        let base = baseline(&views, pack);
        let change_ips: HashSet<&str> = facts
            .audits
            .iter()
            .filter(|a| a.success && touches_security_info(a))
            .filter_map(|a| a.initiator_ip.as_deref())
            .chain(super::devices::unmanaged_registration_ips(facts))
            .collect();
        for v in &mut views {
            let s = v.sign_in;
            let device = s.device_id.as_deref().filter(|d| !d.is_empty());
            // Neither the campaign's user agents nor unusual clients are an owner's own.
            let familiar_ua = device.is_none()
                && !v.facets.campaign_ua
                && !v.facets.unusual_client
                && base.unmanaged_uas.contains(s.user_agent.trim());
            v.facets.owner_client = device.is_some_and(|d| base.devices.contains(d)) || familiar_ua;
            v.facets.new_client =
                !v.facets.owner_client && !base.unmanaged_uas.contains(s.user_agent.trim());
            v.facets.security_change = change_ips.contains(s.ip.as_str());
            v.facets.campaign_country = v.facets.network.is_none()
                && s.country.as_deref().is_some_and(|c| {
                    pack.is_campaign_country(c) && !base.home_countries.contains(&c.to_uppercase())
                });
        }

        let mut analysis = Analysis {
            home_countries: base.home_countries,
            ..Analysis::default()
        };
        for v in &views {
            let s = v.sign_in;
            if v.attacker() {
                analysis.attacker_ips.insert(s.ip.clone());
                if s.succeeded() && analysis.compromise_started.is_none() {
                    analysis.compromise_started = Some(s.time);
                }
            }
        }
        // The owner's networks: their own clients, or anywhere at home.
        for v in &views {
            let s = v.sign_in;
            let at_home = s
                .country
                .as_deref()
                .is_some_and(|c| analysis.home_countries.contains(&c.to_uppercase()));
            if s.succeeded()
                && !v.attacker()
                && (v.facets.owner_client || at_home)
                && !analysis.attacker_ips.contains(&s.ip)
            {
                analysis.owner_ips.insert(s.ip.clone());
            }
        }
        analysis.views = views;
        analysis
    }

    pub fn attacker_views(&self) -> impl Iterator<Item = &View<'a>> {
        self.views.iter().filter(|v| v.attacker())
    }

    /// The latest successful attacker sign-in at or before `t`.
    pub fn attacker_signin_before(&self, t: Time) -> Option<&'a SignIn> {
        self.views
            .iter()
            .filter(|v| v.attacker() && v.sign_in.succeeded() && v.sign_in.time <= t)
            .map(|v| v.sign_in)
            .next_back()
    }

    /// Successful attacker sign-ins from this IP.
    pub fn attacker_signins_from(&self, ip: &str) -> Vec<&'a SignIn> {
        self.views
            .iter()
            .filter(|v| v.attacker() && v.sign_in.ip == ip)
            .map(|v| v.sign_in)
            .collect()
    }
}

/// A record of security info (methods, phones) changing.
fn touches_security_info(a: &crate::facts::AuditEvent) -> bool {
    use crate::facts::AuditKind as K;
    matches!(
        a.kind,
        K::SecurityInfoRegistered
            | K::SecurityInfoUpdated
            | K::SecurityInfoDeleted
            | K::DefaultSecurityInfoChanged
            | K::PhoneAppDetailAdded
    ) || !a.mfa.is_empty()
}

/// Great-circle distance in km.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        let london = (51.5074, -0.1278);
        let lagos = (6.5244, 3.3792);
        let d = distance_km(london, lagos);
        assert!((d - 5000.0).abs() < 100.0, "{d}");
        assert!(distance_km(london, london) < 1e-6);
    }

    #[test]
    fn attribution_needs_a_trace_or_four_facets() {
        let traveller = Facets {
            campaign_country: true,
            risky: true,
            detection: true,
            first_app: true,
            ..Facets::default()
        };
        assert!(
            !traveller.attacker(),
            "country, risk and detection alone are a trip"
        );
        let ua_and_risk = Facets {
            campaign_ua: true,
            risky: true,
            ..Facets::default()
        };
        assert!(ua_and_risk.attacker());
        let ua_only = Facets {
            campaign_ua: true,
            ..Facets::default()
        };
        assert!(!ua_only.attacker());
        let proxy_new_client = Facets {
            network_detection: true,
            new_client: true,
            ..Facets::default()
        };
        assert!(proxy_new_client.attacker());
        let own_laptop = Facets {
            owner_client: true,
            ..proxy_new_client.clone()
        };
        assert!(
            !own_laptop.attacker(),
            "the owner's enrolled device is the owner"
        );
    }
}
