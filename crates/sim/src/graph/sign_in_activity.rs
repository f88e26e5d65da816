//! A user's `signInActivity`, derived from the sign-in log: served on `$select` and
//! filterable (`eq ne not ge le`) but never combined with other properties in one filter.
//! Selecting or filtering it needs AuditLog.Read.All and lowers the page maximum to 500.

use super::ctx::ts;
use super::index;
use crate::model::{Tenant, Time, User};
use crate::odata::{Entity, Query, Value};
use crate::state::Shared;
use serde_json::json;

/// The newest sign-in of each kind: when, and its request (sign-in) id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Activity {
    pub last_sign_in: Option<(Time, String)>,
    pub last_non_interactive: Option<(Time, String)>,
    pub last_successful: Option<(Time, String)>,
}

impl Activity {
    pub fn is_empty(&self) -> bool {
        self == &Activity::default()
    }

    pub fn to_json(&self) -> serde_json::Value {
        let time = |s: &Option<(Time, String)>| s.as_ref().map(|(t, _)| ts(t));
        let id = |s: &Option<(Time, String)>| s.as_ref().map(|(_, i)| i.clone());
        json!({
            "lastSignInDateTime": time(&self.last_sign_in),
            "lastSignInRequestId": id(&self.last_sign_in),
            "lastNonInteractiveSignInDateTime": time(&self.last_non_interactive),
            "lastNonInteractiveSignInRequestId": id(&self.last_non_interactive),
            "lastSuccessfulSignInDateTime": time(&self.last_successful),
            "lastSuccessfulSignInRequestId": id(&self.last_successful),
        })
    }
}

impl Entity for Activity {
    fn field(&self, name: &str) -> Value<'_> {
        let slot = match name {
            "lastSignInDateTime" => &self.last_sign_in,
            "lastNonInteractiveSignInDateTime" => &self.last_non_interactive,
            "lastSuccessfulSignInDateTime" => &self.last_successful,
            _ => return Value::Null,
        };
        slot.as_ref().map_or(Value::Null, |(t, _)| Value::Time(*t))
    }
}

/// The activity of one user (the log is newest first, so the first hit of each kind wins).
pub fn of(state: &Shared, tenant: &Tenant, user_id: &str) -> Activity {
    of_indexed(&index::sign_ins(state, tenant), tenant, user_id)
}

/// [`of`] with the sign-in index at hand (one lookup per request, not per user).
pub fn of_indexed(ix: &index::SignInIndex, tenant: &Tenant, user_id: &str) -> Activity {
    let mut out = Activity::default();
    for &pos in ix.positions(user_id) {
        let Some(s) = tenant.sign_ins.get(pos as usize) else {
            continue;
        };
        let hit = || Some((s.created_date_time, s.id.to_string()));
        let slot = if s.is_interactive {
            &mut out.last_sign_in
        } else {
            &mut out.last_non_interactive
        };
        if slot.is_none() {
            *slot = hit();
        }
        if s.status.error_code == 0 && out.last_successful.is_none() {
            out.last_successful = hit();
        }
        if out.last_sign_in.is_some()
            && out.last_non_interactive.is_some()
            && out.last_successful.is_some()
        {
            break;
        }
    }
    out
}

/// A user with its activity, for filters on `signInActivity/...`.
pub struct UserRow<'u> {
    pub user: &'u User,
    pub activity: Activity,
}

impl Entity for UserRow<'_> {
    fn field(&self, name: &str) -> Value<'_> {
        match name {
            "signInActivity" if self.activity.is_empty() => Value::Null,
            "signInActivity" => Value::Obj(&self.activity),
            other => self.user.field(other),
        }
    }
}

/// The filter mentions `signInActivity`.
pub fn filtered(q: &Query) -> bool {
    q.filter_info.uses("signInActivity")
}

/// `signInActivity` cannot share a filter with other properties.
pub fn check_alone(q: &Query) -> Result<(), crate::error::GraphError> {
    let mixed = filtered(q)
        && q.filter_info
            .paths
            .iter()
            .any(|p| !p.starts_with("signInActivity/"));
    if mixed {
        return Err(crate::error::GraphError::unsupported_query(
            "Unsupported or invalid query filter clause specified for property 'signInActivity' of resource 'User'. signInActivity cannot be combined with other properties in a filter.",
        ));
    }
    Ok(())
}
