//! The tenant-wide sign-in pass's holding area for accounts with no reason (yet) to look at
//! them: most of a tenant, held until the pass ends because whether a sign-in is a trace
//! depends on the account's whole history (its own clients and countries).
//!
//! A held sign-in is packed: every text the tenant repeats (user agents, apps, countries,
//! cities, addresses, device ids) is stored once and referred to by a 4-byte symbol; what an
//! account's sign-ins from one client and network share (their shape) is stored once for the
//! account; a GUID id is kept as its 16 bytes, and the dedupe set keeps the same key instead of
//! the id's text. What is left a sign-in is its id, its time and its shape's number.
//! Unpacking gives back the exact [`SignIn`] that was packed (tested below), so the judgement
//! is the same whether an account was held or not.

use crate::facts::{RiskLevel, RiskState, SignIn, Time};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;

/// A string stored once in the [`Interner`].
type Sym = NonZeroU32;

/// Each distinct text once; symbols start at 1 so an absent value costs nothing extra.
#[derive(Debug, Default)]
struct Interner {
    ids: HashMap<Arc<str>, Sym>,
    texts: Vec<Arc<str>>,
    lists: HashMap<Box<[Sym]>, Sym>,
    list_items: Vec<Box<[Sym]>>,
}

impl Interner {
    fn text(&mut self, s: &str) -> Sym {
        if let Some(sym) = self.ids.get(s) {
            return *sym;
        }
        let text: Arc<str> = Arc::from(s);
        self.texts.push(text.clone());
        let sym = Sym::new(u32::try_from(self.texts.len()).unwrap_or(u32::MAX)).unwrap_or(Sym::MIN);
        self.ids.insert(text, sym);
        sym
    }

    fn opt(&mut self, s: Option<&str>) -> Option<Sym> {
        s.map(|s| self.text(s))
    }

    fn list(&mut self, items: &[String]) -> Option<Sym> {
        if items.is_empty() {
            return None;
        }
        let key: Box<[Sym]> = items.iter().map(|s| self.text(s)).collect();
        if let Some(sym) = self.lists.get(&key) {
            return Some(*sym);
        }
        self.list_items.push(key.clone());
        let sym = Sym::new(u32::try_from(self.list_items.len()).unwrap_or(u32::MAX))?;
        self.lists.insert(key, sym);
        Some(sym)
    }

    fn get(&self, sym: Sym) -> String {
        self.texts[sym.get() as usize - 1].to_string()
    }

    fn get_opt(&self, sym: Option<Sym>) -> Option<String> {
        sym.map(|s| self.get(s))
    }

    fn get_list(&self, sym: Option<Sym>) -> Vec<String> {
        sym.map(|s| {
            self.list_items[s.get() as usize - 1]
                .iter()
                .map(|t| self.get(*t))
                .collect()
        })
        .unwrap_or_default()
    }
}

/// A sign-in id as a key: a GUID in its canonical lower-case form is kept as its 16 bytes,
/// anything else as its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SignInKey {
    Guid([u8; 16]),
    Text(Box<str>),
}

impl SignInKey {
    pub fn new(id: &str) -> Self {
        match guid_bytes(id) {
            Some(b) => Self::Guid(b),
            None => Self::Text(id.into()),
        }
    }

    fn text(&self) -> String {
        match self {
            Self::Text(t) => t.to_string(),
            Self::Guid(b) => {
                let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                format!(
                    "{}-{}-{}-{}-{}",
                    &hex[..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..]
                )
            }
        }
    }
}

/// The 16 bytes of `8-4-4-4-12` lower-case hex, or None (then the text is kept as it is, so
/// unpacking always gives back the same id).
fn guid_bytes(id: &str) -> Option<[u8; 16]> {
    let b = id.as_bytes();
    if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
        return None;
    }
    let hex: Vec<u8> = b.iter().copied().filter(|c| *c != b'-').collect();
    if hex.len() != 32 || !hex.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

/// What a sign-in shares with the account's other sign-ins from the same client and network:
/// everything but its id and time (about 100 bytes, stored once per account however often it
/// repeats).
#[derive(Debug, PartialEq)]
struct Shape {
    geo: Option<(f64, f64)>,
    asn: Option<u32>,
    error_code: i32,
    ip: Sym,
    app: Sym,
    user_agent: Sym,
    country: Option<Sym>,
    city: Option<Sym>,
    app_id: Option<Sym>,
    client_app: Option<Sym>,
    failure_reason: Option<Sym>,
    device_id: Option<Sym>,
    device_name: Option<Sym>,
    network_names: Option<Sym>,
    risk_event_types: Option<Sym>,
    risk_during: RiskLevel,
    risk_state: RiskState,
    device_managed: bool,
    device_compliant: bool,
    interactive: bool,
}

/// One held sign-in: its id, its time and its shape (40 bytes, against about 900 for a
/// [`SignIn`] and its texts).
#[derive(Debug)]
struct Packed {
    id: SignInKey,
    time: Time,
    shape: u32,
}

/// How far back an account's shapes are searched for a repeat: an account with more distinct
/// clients than this costs a shape more, never a wrong sign-in.
const SHAPE_SEARCH: usize = 64;

/// A held account: the names its first sign-in gave, its distinct shapes (numbers in the
/// store's arena) and its sign-ins in arrival order.
#[derive(Debug, Default)]
pub struct Held {
    pub user_principal_name: String,
    pub display_name: String,
    shapes: Vec<u32>,
    sign_ins: Vec<Packed>,
}

/// Sign-ins of accounts that have no reason to be looked at yet, by user id.
#[derive(Debug, Default)]
pub struct SignInStore {
    strings: Interner,
    /// Every held account's shapes, in one arena (an account's own list would waste the
    /// spare capacity of a vector per account).
    shapes: Vec<Shape>,
    users: HashMap<String, Held>,
    count: usize,
}

impl SignInStore {
    /// Holds a sign-in of this account.
    pub fn hold(&mut self, user: &str, upn: Option<&str>, name: Option<&str>, s: &SignIn) {
        let shape = self.shape(s);
        let held = self.users.entry(user.to_string()).or_default();
        // As for an account's facts: the names come from the first sign-in that has a UPN.
        if held.user_principal_name.is_empty() {
            held.user_principal_name = upn.unwrap_or_default().to_string();
            held.display_name = name.unwrap_or_default().to_string();
        }
        let from = held.shapes.len().saturating_sub(SHAPE_SEARCH);
        let arena = &mut self.shapes;
        let known = held.shapes[from..]
            .iter()
            .rev()
            .copied()
            .find(|&i| arena[i as usize] == shape);
        let shape = known.unwrap_or_else(|| {
            arena.push(shape);
            let at = u32::try_from(arena.len() - 1).unwrap_or(u32::MAX);
            held.shapes.push(at);
            at
        });
        held.sign_ins.push(Packed {
            id: SignInKey::new(&s.id),
            time: s.time,
            shape,
        });
        self.count += 1;
    }

    pub fn contains(&self, user: &str) -> bool {
        self.users.contains_key(user)
    }

    /// Sign-ins held, over every account.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The held accounts' ids.
    pub fn users(&self) -> Vec<String> {
        self.users.keys().cloned().collect()
    }

    /// Lets an account go: its names and its sign-ins unpacked, in arrival order.
    pub fn release(&mut self, user: &str) -> Option<(Held, Vec<SignIn>)> {
        let mut held = self.users.remove(user)?;
        self.count -= held.sign_ins.len();
        // The account's shapes stay in the arena until `clear`: few accounts are let go
        // before the pass settles.
        let sign_ins = std::mem::take(&mut held.sign_ins)
            .iter()
            .map(|p| self.unpack(p, &self.shapes[p.shape as usize]))
            .collect();
        held.shapes = Vec::new();
        Some((held, sign_ins))
    }

    /// Forgets everything held (the strings too).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    fn shape(&mut self, s: &SignIn) -> Shape {
        let t = &mut self.strings;
        Shape {
            geo: s.geo,
            asn: s.asn,
            error_code: s.error_code,
            ip: t.text(&s.ip),
            app: t.text(&s.app),
            user_agent: t.text(&s.user_agent),
            country: t.opt(s.country.as_deref()),
            city: t.opt(s.city.as_deref()),
            app_id: t.opt(s.app_id.as_deref()),
            client_app: t.opt(s.client_app.as_deref()),
            failure_reason: t.opt(s.failure_reason.as_deref()),
            device_id: t.opt(s.device_id.as_deref()),
            device_name: t.opt(s.device_name.as_deref()),
            network_names: t.list(&s.network_names),
            risk_event_types: t.list(&s.risk_event_types),
            risk_during: s.risk_during,
            risk_state: s.risk_state,
            device_managed: s.device_managed,
            device_compliant: s.device_compliant,
            interactive: s.interactive,
        }
    }

    fn unpack(&self, s: &Packed, p: &Shape) -> SignIn {
        let t = &self.strings;
        SignIn {
            id: s.id.text(),
            time: s.time,
            ip: t.get(p.ip),
            country: t.get_opt(p.country),
            city: t.get_opt(p.city),
            geo: p.geo,
            asn: p.asn,
            network_names: t.get_list(p.network_names),
            app_id: t.get_opt(p.app_id),
            app: t.get(p.app),
            client_app: t.get_opt(p.client_app),
            user_agent: t.get(p.user_agent),
            error_code: p.error_code,
            failure_reason: t.get_opt(p.failure_reason),
            risk_during: p.risk_during,
            risk_state: p.risk_state,
            risk_event_types: t.get_list(p.risk_event_types),
            device_id: t.get_opt(p.device_id),
            device_name: t.get_opt(p.device_name),
            device_managed: p.device_managed,
            device_compliant: p.device_compliant,
            interactive: p.interactive,
        }
    }
}

#[cfg(test)]
#[path = "sign_in_store_tests.rs"]
mod tests;
