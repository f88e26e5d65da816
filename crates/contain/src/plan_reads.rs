//! What planning reads of each account, once: the state the plan acts on (user, methods,
//! rules, grants, risk state, default method) and, as Graph sent them, the parts triage's
//! judgement needs too, so the investigation (or the refresh of gathered facts) does not read
//! them again.

use super::read::{
    read_grants_raw, read_methods_raw, read_risky_user_raw, read_rules_raw, read_state, rules_state,
};
use super::state::{AccountState, GrantState, MethodState, Part, RiskyUserState};
use futures::StreamExt;
use reclaim_graph::{GraphClient, GraphError};
use reclaim_triage::gather::KnownReads;
use serde_json::Value;

/// An account's state and what of it the investigation reuses as Graph sent it, or the account
/// and the error that kept it from being read.
type AccountRead = Result<(AccountState, RawReads), (String, GraphError)>;

/// Reads the plan's state and the investigation need alike: read once, used twice.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawReads {
    methods: Vec<Value>,
    /// `None`: Identity Protection does not list the account.
    risky_user: Option<Value>,
    /// `None`: the account has no mailbox.
    rules: Option<Vec<Value>>,
    grants: Vec<Value>,
}

/// Parses a list as the models; `None` if any item does not parse (it should: the models are
/// tolerant), so the investigation reads it again rather than judging half of it.
fn parse_all<T: serde::de::DeserializeOwned>(list: &[Value]) -> Option<Vec<T>> {
    list.iter()
        .map(|v| serde_json::from_value(v.clone()))
        .collect::<Result<Vec<_>, _>>()
        .ok()
}

impl RawReads {
    /// What triage need not read again.
    pub(crate) fn known(&self) -> KnownReads {
        KnownReads {
            methods: parse_all(&self.methods),
            risky_user: match &self.risky_user {
                None => Some(None),
                Some(v) => serde_json::from_value(v.clone()).ok().map(Some),
            },
            rules: match &self.rules {
                None => Some(None),
                Some(list) => parse_all(list).map(Some),
            },
            grants: parse_all(&self.grants),
            domains: None,
        }
    }
}

/// Every account's state and raw reads, in the order given, a few accounts at a time. The
/// first failure names the account.
pub(crate) async fn read_accounts_raw(
    client: &GraphClient,
    users: &[String],
    concurrency: usize,
) -> Result<Vec<(AccountState, RawReads)>, (String, GraphError)> {
    let results: Vec<(usize, AccountRead)> =
        futures::stream::iter(users.iter().cloned().enumerate())
            .map(|(i, u)| async move { (i, read_one(client, &u).await) })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
    let mut ordered: Vec<Option<(AccountState, RawReads)>> = vec![None; users.len()];
    for (i, r) in results {
        ordered[i] = Some(r?);
    }
    Ok(ordered.into_iter().flatten().collect())
}

async fn read_one(client: &GraphClient, u: &str) -> AccountRead {
    let fail = |e| (u.to_string(), e);
    // The user first: its id keys every other read (and a wrong UPN fails here).
    let who = read_state(client, u, &[Part::User]).await.map_err(fail)?;
    let id = who.user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
    // Each of these once, in its own throttle scope at the same time: methods in the reports
    // budget, the risky user in Identity Protection's 1 request per second, rules per mailbox.
    let (s, methods, risky, rules, grants) = futures::join!(
        read_state(
            client,
            &id,
            &[Part::Preferences, Part::Devices, Part::AppConsents]
        ),
        read_methods_raw(client, &id),
        read_risky_user_raw(client, &id),
        read_rules_raw(client, &id),
        read_grants_raw(client, &id)
    );
    let mut s = s.map_err(fail)?;
    let methods = methods.map_err(fail)?;
    let risky_user = risky.map_err(fail)?;
    let rules = rules.map_err(fail)?;
    let grants = grants.map_err(fail)?;
    s.methods = Some(methods.iter().map(MethodState::from_graph).collect());
    s.risk = Some(RiskyUserState::from_read(risky_user.as_ref()));
    s.rules = Some(rules_state(rules.as_deref()));
    s.grants = Some(grants.iter().map(GrantState::from_graph).collect());
    s.user = who.user;
    Ok((
        s,
        RawReads {
            methods,
            risky_user,
            rules,
            grants,
        },
    ))
}
