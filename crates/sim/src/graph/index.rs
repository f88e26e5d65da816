//! Lookup indexes over the tenant, so a 100,000-user tenant with hundreds of thousands of
//! sign-ins answers by-id lookups and per-user sign-in queries without full scans.
//!
//! Indexes are built lazily per simulator and rebuilt when the collection they describe has
//! visibly changed (length or end ids); every hit is verified against the data, so a stale
//! index can cost a rebuild but never a wrong answer.

use crate::model::Tenant;
use crate::state::Shared;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Indexes {
    users: Mutex<Option<Arc<UserIndex>>>,
    sign_ins: Mutex<Option<Arc<SignInIndex>>>,
}

struct UserIndex {
    shape: (usize, Option<String>, Option<String>),
    /// Lower-cased id and UPN → position in `Tenant::users`.
    by_key: HashMap<String, usize>,
}

pub struct SignInIndex {
    shape: (usize, Option<String>, Option<String>),
    /// User id → ascending positions in `Tenant::sign_ins`.
    by_user: HashMap<String, Vec<u32>>,
}

impl SignInIndex {
    pub fn positions(&self, user_id: &str) -> &[u32] {
        self.by_user.get(user_id).map_or(&[], Vec::as_slice)
    }
}

fn indexes(state: &Shared) -> Arc<Indexes> {
    super::side::table::<Indexes>(state)
}

fn shape<'a, T, K: AsRef<str>>(
    items: &'a [T],
    id: impl Fn(&'a T) -> K,
) -> (usize, Option<String>, Option<String>) {
    (
        items.len(),
        items.first().map(|t| id(t).as_ref().to_string()),
        items.last().map(|t| id(t).as_ref().to_string()),
    )
}

/// Position of a user (deleted ones included) by object id or UPN, case-insensitive.
pub fn user_position(state: &Shared, tenant: &Tenant, key: &str) -> Option<usize> {
    let key = key.to_ascii_lowercase();
    let matches = |pos: usize| {
        tenant.users.get(pos).is_some_and(|u| {
            u.id.eq_ignore_ascii_case(&key) || u.user_principal_name.eq_ignore_ascii_case(&key)
        })
    };
    let ix = indexes(state);
    let current = shape(&tenant.users, |u| &u.id);
    let mut slot = ix.users.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(index) = slot.as_ref().filter(|i| i.shape == current) {
        if let Some(&pos) = index.by_key.get(&key) {
            if matches(pos) {
                return Some(pos);
            }
        }
        // Not indexed (unknown, or a UPN changed since the build): one scan decides, and a
        // hit means the index is stale.
        let found = (0..tenant.users.len()).find(|&p| matches(p));
        if found.is_some() {
            *slot = None;
        }
        return found;
    }
    let mut by_key = HashMap::with_capacity(tenant.users.len() * 2);
    for (pos, u) in tenant.users.iter().enumerate() {
        by_key.insert(u.id.to_ascii_lowercase(), pos);
        by_key.insert(u.user_principal_name.to_ascii_lowercase(), pos);
    }
    let found = by_key.get(&key).copied().filter(|&p| matches(p));
    *slot = Some(Arc::new(UserIndex {
        shape: current,
        by_key,
    }));
    found
}

/// The sign-in index, rebuilt if sign-ins were added or removed since it was built.
pub fn sign_ins(state: &Shared, tenant: &Tenant) -> Arc<SignInIndex> {
    let ix = indexes(state);
    let current = shape(&tenant.sign_ins, |s| s.id.text());
    let mut slot = ix.sign_ins.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(index) = slot.as_ref().filter(|i| i.shape == current) {
        return index.clone();
    }
    let mut by_user: HashMap<String, Vec<u32>> = HashMap::new();
    for (pos, s) in tenant.sign_ins.iter().enumerate() {
        by_user
            .entry(s.user.user_id.to_string())
            .or_default()
            .push(pos as u32);
    }
    let index = Arc::new(SignInIndex {
        shape: current,
        by_user,
    });
    *slot = Some(index.clone());
    index
}
