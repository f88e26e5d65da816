//! The generation context: one seeded random stream per phase, the tenant being filled, the
//! ground truth, and the generation-only profile of each person.

use super::knobs::ScenarioKnobs;
use crate::model::{
    DeviceDetail, GeoCoordinates, NetworkLocationDetail, RiskLevel, RiskState, SignInApp,
    SignInClient, SignInIdentityRisk, SignInLocation, SignInOrigin, SignInPolicy, SignInStatus,
    SignInUser, Tenant, Time, User,
};
use crate::truth::{AccountTruth, GroundTruth, Persona};
use base64::Engine as _;
use chrono::Duration;
use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Position of a person in the org chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    CSuite,
    Vp,
    Director,
    Manager,
    Staff,
}

/// What the generator knows about a person beyond the directory object: where they work from,
/// which devices they use. Index-aligned with `Tenant::users`.
#[derive(Debug, Clone)]
pub struct Person {
    pub dept: u8,
    pub level: Level,
    /// Index of the manager in `Tenant::users`.
    pub manager: Option<u32>,
    /// Executive or money-adjacent (the campaign's targets).
    pub high_value: bool,
    pub office: u8,
    /// Index into the office country's home ISPs.
    pub home_net: u8,
    pub home_ip: [u8; 4],
    /// Index into `catalog::DESKTOPS`.
    pub desktop: u8,
    /// Index into `catalog::MOBILES`.
    pub mobile: u8,
    /// The managed laptop's device id.
    pub device_id: [u8; 16],
    pub persona: Option<Persona>,
    pub guest: bool,
}

/// Everything a phase needs. Each phase re-seeds `rng` from the scenario seed and its own label,
/// so changing the trace mix never reshuffles the org chart.
pub struct Gen<'k> {
    seed: u64,
    pub rng: ChaCha8Rng,
    /// What `rng` was seeded with (`seed_from_u64`) for the current phase.
    pub phase_seed: u64,
    pub now: Time,
    pub knobs: &'k ScenarioKnobs,
    pub tenant: Tenant,
    pub truth: GroundTruth,
    pub people: Vec<Person>,
    /// Two egress addresses per office (index-aligned with `networks::OFFICES`).
    pub office_ips: Vec<[[u8; 4]; 2]>,
    /// Strings shared between records instead of copied into each.
    pub strings: Strings,
}

/// Shares the strings the sign-in log repeats: catalog text (apps, user agents, places) once
/// per tenant, a user's own strings (ids, addresses, devices) across that user's consecutive
/// records. Sharing is invisible to Graph: an `Arc<str>` serializes as its text.
#[derive(Debug, Default)]
pub struct Strings {
    fixed: HashSet<Arc<str>>,
    networks: HashMap<&'static str, Arc<[NetworkLocationDetail]>>,
    no_networks: Option<Arc<[NetworkLocationDetail]>>,
    interactive: Option<Arc<[String]>>,
    statuses: HashMap<i32, Arc<SignInStatus>>,
    locations: HashMap<LocationKey, Arc<SignInLocation>>,
    user: Option<usize>,
    recent: Vec<Arc<str>>,
    devices: Vec<Arc<DeviceDetail>>,
    origins: Vec<Arc<SignInOrigin>>,
    clients: Vec<Arc<SignInClient>>,
    /// Office egresses, and devices and clients that belong to no one (see `device`).
    shared_origins: Vec<Arc<SignInOrigin>>,
    anonymous_devices: Vec<Arc<DeviceDetail>>,
    anonymous_clients: Vec<Arc<SignInClient>>,
    no_risk: Option<Arc<SignInIdentityRisk>>,
    /// Index-aligned with `Tenant::users`, filled as users first sign in.
    sign_in_users: Vec<Option<Arc<SignInUser>>>,
    apps: HashMap<AppKey, Arc<SignInApp>>,
    policies: HashMap<PolicyKey, Arc<SignInPolicy>>,
}

/// App id, name, client, resource name and id.
type AppKey = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
/// Conditional Access status, named network, authentication requirement.
type PolicyKey = (&'static str, Option<&'static str>, &'static str);

/// City, state, country and the coordinates' bits.
type LocationKey = (&'static str, &'static str, &'static str, u64, u64);

impl Strings {
    /// Text from a small fixed set (catalog, enum spellings).
    pub fn fixed(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.fixed.get(s) {
            return a.clone();
        }
        let a: Arc<str> = s.into();
        self.fixed.insert(a.clone());
        a
    }

    /// A string of one user's, shared among that user's records while they are generated in a
    /// row (the bulk of the log); a different user starts a new set, so this stays tiny.
    pub fn of_user(&mut self, user: usize, s: &str) -> Arc<str> {
        self.switch_to(user);
        if let Some(a) = self.recent.iter().find(|a| ***a == *s) {
            return a.clone();
        }
        let a: Arc<str> = s.into();
        self.recent.push(a.clone());
        a
    }

    fn switch_to(&mut self, user: usize) {
        let held = self.recent.len() + self.devices.len() + self.origins.len() + self.clients.len();
        if self.user != Some(user) || held >= 48 {
            self.user = Some(user);
            self.recent.clear();
            self.devices.clear();
            self.origins.clear();
            self.clients.clear();
        }
    }

    /// A device as one user's sign-ins report it (a user has one or two); an unregistered,
    /// unnamed one is the same for everyone with that OS and browser, and shared by them.
    pub fn device(&mut self, user: usize, d: DeviceDetail) -> Arc<DeviceDetail> {
        if d.device_id.is_empty_text()
            && d.display_name.is_none()
            && self.anonymous_devices.len() < 256
        {
            return Self::find_or_add(&mut self.anonymous_devices, d);
        }
        self.switch_to(user);
        if let Some(a) = self.devices.iter().find(|a| ***a == d) {
            return a.clone();
        }
        let a = Arc::new(d);
        self.devices.push(a.clone());
        a
    }

    /// Where one user's sign-in came from, shared by that user's sign-ins from there; an
    /// office egress (`shared`) by everyone signing in from it.
    pub fn origin(&mut self, user: usize, shared: bool, o: SignInOrigin) -> Arc<SignInOrigin> {
        if shared && self.shared_origins.len() < 256 {
            return Self::find_or_add(&mut self.shared_origins, o);
        }
        self.switch_to(user);
        if let Some(a) = self.origins.iter().find(|a| ***a == o) {
            return a.clone();
        }
        let a = Arc::new(o);
        self.origins.push(a.clone());
        a
    }

    /// One shared copy of `v` among `pool`'s (a short list: linear search).
    fn find_or_add<T: PartialEq>(pool: &mut Vec<Arc<T>>, v: T) -> Arc<T> {
        if let Some(a) = pool.iter().find(|a| ***a == v) {
            return a.clone();
        }
        let a = Arc::new(v);
        pool.push(a.clone());
        a
    }

    /// One user's client (user agent and device), shared by that user's sign-ins with it; a
    /// client on an unregistered, unnamed device is no one's own, and shared by everyone's.
    pub fn client(&mut self, user: usize, c: SignInClient) -> Arc<SignInClient> {
        let anonymous =
            c.device_detail.device_id.is_empty_text() && c.device_detail.display_name.is_none();
        if anonymous && self.anonymous_clients.len() < 256 {
            return Self::find_or_add(&mut self.anonymous_clients, c);
        }
        self.switch_to(user);
        if let Some(a) = self.clients.iter().find(|a| ***a == c) {
            return a.clone();
        }
        let a = Arc::new(c);
        self.clients.push(a.clone());
        a
    }

    /// Identity Protection's view: one shared group for the sign-ins without risk.
    pub fn identity_risk(&mut self, r: SignInIdentityRisk) -> Arc<SignInIdentityRisk> {
        let none = r.risk_level_during_sign_in == RiskLevel::None
            && r.risk_level_aggregated == RiskLevel::None
            && r.risk_state == RiskState::None
            && r.risk_event_types_v2.is_empty();
        if !none {
            return Arc::new(r);
        }
        self.no_risk.get_or_insert_with(|| Arc::new(r)).clone()
    }

    /// A sign-in's status: one per error code (the failure reason follows from the code).
    pub fn status(&mut self, error_code: i32, failure: Option<&str>) -> Arc<SignInStatus> {
        if let Some(a) = self.statuses.get(&error_code) {
            if a.failure_reason.as_deref() == failure {
                return a.clone();
            }
        }
        let failure_reason = failure.map(|f| self.fixed(f));
        let a = Arc::new(SignInStatus {
            error_code,
            failure_reason,
            additional_details: None,
        });
        self.statuses.insert(error_code, a.clone());
        a
    }

    /// A sign-in's location, shared by everyone signing in from the same place.
    pub fn location(
        &mut self,
        city: &'static str,
        state: &'static str,
        country: &'static str,
        (lat, lon): (f64, f64),
    ) -> Arc<SignInLocation> {
        let key = (city, state, country, lat.to_bits(), lon.to_bits());
        if let Some(a) = self.locations.get(&key) {
            return a.clone();
        }
        let a = Arc::new(SignInLocation {
            city: Some(self.fixed(city)),
            state: Some(self.fixed(state)),
            country_or_region: Some(self.fixed(country)),
            geo_coordinates: Some(GeoCoordinates {
                latitude: lat,
                longitude: lon,
                altitude: None,
            }),
        });
        self.locations.insert(key, a.clone());
        a
    }

    /// `networkLocationDetails` of a sign-in from `named` (or none).
    pub fn networks(&mut self, named: Option<&'static str>) -> Arc<[NetworkLocationDetail]> {
        match named {
            None => self
                .no_networks
                .get_or_insert_with(|| Arc::from([]))
                .clone(),
            Some(n) => self
                .networks
                .entry(n)
                .or_insert_with(|| {
                    Arc::from([NetworkLocationDetail {
                        network_type: "namedNetwork".to_string(),
                        network_names: vec![n.to_string()],
                    }])
                })
                .clone(),
        }
    }

    /// The signed-in user's properties, one group per user for all of their sign-ins.
    pub fn sign_in_user(&mut self, user: usize, u: &User, user_type: &str) -> Arc<SignInUser> {
        if self.sign_in_users.len() <= user {
            self.sign_in_users.resize(user + 1, None);
        }
        if let Some(a) = &self.sign_in_users[user] {
            return a.clone();
        }
        let a = Arc::new(SignInUser {
            user_id: u.id.clone(),
            user_principal_name: u.user_principal_name.clone(),
            user_display_name: u.display_name.clone(),
            user_type: self.fixed(user_type),
        });
        self.sign_in_users[user] = Some(a.clone());
        a
    }

    /// An app's properties, one group per catalog app.
    pub fn sign_in_app(&mut self, key: AppKey) -> Arc<SignInApp> {
        if let Some(a) = self.apps.get(&key) {
            return a.clone();
        }
        let (id, name, client, resource, resource_id) = key;
        let a = Arc::new(SignInApp {
            app_id: self.fixed(id),
            app_display_name: self.fixed(name),
            client_app_used: self.fixed(client),
            resource_display_name: self.fixed(resource),
            resource_id: self.fixed(resource_id),
        });
        self.apps.insert(key, a.clone());
        a
    }

    /// The policy outcome of an interactive sign-in, one group per combination.
    pub fn sign_in_policy(&mut self, key: PolicyKey) -> Arc<SignInPolicy> {
        if let Some(a) = self.policies.get(&key) {
            return a.clone();
        }
        let (ca, named, requirement) = key;
        let a = Arc::new(SignInPolicy {
            conditional_access_status: self.fixed(ca),
            risk_detail: self.fixed("none"),
            network_location_details: self.networks(named),
            sign_in_event_types: self.interactive(),
            authentication_requirement: self.fixed(requirement),
        });
        self.policies.insert(key, a.clone());
        a
    }

    /// `signInEventTypes` of an interactive sign-in.
    pub fn interactive(&mut self) -> Arc<[String]> {
        self.interactive
            .get_or_insert_with(|| Arc::from(["interactiveUser".to_string()]))
            .clone()
    }
}

impl<'k> Gen<'k> {
    pub fn new(seed: u64, now: Time, knobs: &'k ScenarioKnobs) -> Self {
        Self {
            seed,
            rng: ChaCha8Rng::seed_from_u64(seed),
            phase_seed: seed,
            now,
            knobs,
            tenant: Tenant::default(),
            truth: GroundTruth::default(),
            people: Vec::new(),
            office_ips: Vec::new(),
            strings: Strings::default(),
        }
    }

    /// Start a phase: a fresh stream derived from the seed and the phase's label.
    pub fn phase(&mut self, label: &str) {
        // FNV-1a over the label, mixed with the seed (stable across platforms and releases).
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in label.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.phase_seed = self.seed ^ h.rotate_left(17);
        self.rng = ChaCha8Rng::seed_from_u64(self.phase_seed);
    }

    pub fn guid(&mut self) -> String {
        uuid_string(self.rng.gen())
    }

    /// The next GUID as its bytes: the same draw and value as [`Gen::guid`], without the text.
    pub fn guid_bytes(&mut self) -> [u8; 16] {
        uuid::Builder::from_random_bytes(self.rng.gen())
            .into_uuid()
            .into_bytes()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.gen_range(0..items.len())]
    }

    /// Pick an index by weight (a linear scan: the tables are short and this runs per event).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        if total == 0 {
            return 0;
        }
        let mut r = self.rng.gen_range(0..total);
        for (i, &w) in weights.iter().enumerate() {
            if r < u64::from(w) {
                return i;
            }
            r -= u64::from(w);
        }
        weights.len() - 1
    }

    /// Pick an item of a `(item, weight)` table.
    pub fn pick_by<T: Copy>(&mut self, table: &[(T, u32)]) -> T {
        let total: u64 = table.iter().map(|x| u64::from(x.1)).sum();
        let mut r = self.rng.gen_range(0..total.max(1));
        for (item, w) in table {
            if r < u64::from(*w) {
                return *item;
            }
            r -= u64::from(*w);
        }
        table[table.len() - 1].0
    }

    pub fn range(&mut self, lo: i64, hi_inclusive: i64) -> i64 {
        if hi_inclusive <= lo {
            return lo;
        }
        self.rng.gen_range(lo..=hi_inclusive)
    }

    /// A moment `lo..=hi` seconds before now.
    pub fn secs_ago(&mut self, lo: i64, hi: i64) -> Time {
        let s = self.range(lo, hi);
        self.now - Duration::seconds(s)
    }

    pub fn days_ago(&mut self, lo: f64, hi: f64) -> Time {
        self.secs_ago((lo * 86_400.0) as i64, (hi * 86_400.0) as i64)
    }

    /// A moment `lo..=hi` seconds after `t`, never later than half a minute before now.
    pub fn after(&mut self, t: Time, lo: i64, hi: i64) -> Time {
        let d = self.range(lo, hi);
        (t + Duration::seconds(d)).min(self.now - Duration::seconds(30))
    }

    /// An inbox rule id as Exchange writes them (`AQAAAJ5dZqA=`): 8 bytes, base64.
    pub fn rule_id(&mut self) -> String {
        let mut b = [0u8; 8];
        b[0] = 1;
        self.rng.fill(&mut b[4..]);
        base64::engine::general_purpose::STANDARD.encode(b)
    }

    /// A riskDetection id: 64 hex characters.
    pub fn detection_id(&mut self) -> String {
        let b: [u8; 32] = self.rng.gen();
        hex::encode(b)
    }

    /// A public IPv4 address inside a /16.
    pub fn ip_in(&mut self, prefix: [u8; 2]) -> [u8; 4] {
        [
            prefix[0],
            prefix[1],
            self.rng.gen_range(1..=254),
            self.rng.gen_range(1..=254),
        ]
    }

    /// The truth entry for a user, created on first use.
    pub fn truth_for(&mut self, idx: usize) -> &mut AccountTruth {
        let user = &self.tenant.users[idx];
        self.truth
            .accounts
            .entry(user.id.to_string())
            .or_insert_with(|| AccountTruth {
                user_id: user.id.to_string(),
                user_principal_name: user.user_principal_name.to_string(),
                ..AccountTruth::default()
            })
    }

    /// Indices of the people holding a persona, in user order.
    pub fn with_persona(&self, p: Persona) -> Vec<usize> {
        (0..self.people.len())
            .filter(|&i| self.people[i].persona == Some(p))
            .collect()
    }
}

pub fn uuid_string(bytes: [u8; 16]) -> String {
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

pub fn ip_string(ip: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3])
}

/// When a deleted persona's account went to the recycle bin (days before now), fixed per person
/// so that sign-ins and the deletion agree.
pub fn deleted_days_ago(p: &Person) -> f64 {
    2.0 + f64::from(p.device_id[5] % 6)
}
