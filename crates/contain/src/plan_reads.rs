//! What planning reads of each account, once: the state the plan acts on (user, methods,
//! rules, grants, risk state, default method; methods and an at-risk state a fresh gather
//! already read are taken from it) and, as Graph sent them, the parts triage's
//! judgement needs too, so the investigation (or the refresh of gathered facts) does not read
//! them again.

use super::read::{
    read_grants_raw, read_methods_raw, read_risky_user_raw, read_rules_raw, read_state, rules_state,
};
use super::state::{AccountState, GrantState, MethodState, Part, RiskyUserState};
use futures::StreamExt;
use reclaim_graph::{GraphClient, GraphError};
use reclaim_triage::gather::{KnownReads, RecentFacts};
use serde_json::Value;

/// An account's state and what of it the investigation reuses as Graph sent it, or the account
/// and the error that kept it from being read.
type AccountRead = Result<(AccountState, RawReads), (String, GraphError)>;

/// Reads the plan's state and the investigation need alike: read once, used twice.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawReads {
    /// `None`: taken from the gather's recent listing, not read for the plan.
    methods: Option<Vec<Value>>,
    /// `None`: taken from the gather; `Some(None)`: Identity Protection does not list the
    /// account.
    risky_user: Option<Option<Value>>,
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
            methods: self.methods.as_deref().and_then(parse_all),
            risky_user: match &self.risky_user {
                None => None,
                Some(None) => Some(None),
                Some(Some(v)) => serde_json::from_value(v.clone()).ok().map(Some),
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
    recent: Option<&RecentFacts>,
) -> Result<Vec<(AccountState, RawReads)>, (String, GraphError)> {
    let results: Vec<(usize, AccountRead)> =
        futures::stream::iter(users.iter().cloned().enumerate())
            .map(|(i, u)| {
                // Fresh methods and risk of the gather (by object id), decided before the read.
                let gathered = Gathered {
                    methods: recent.and_then(|r| gathered_methods(r, &u)),
                    risk: recent.and_then(|r| gathered_risk(r, &u)),
                };
                async move { (i, read_one(client, &u, gathered).await) }
            })
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
    let mut ordered: Vec<Option<(AccountState, RawReads)>> = vec![None; users.len()];
    for (i, r) in results {
        ordered[i] = Some(r?);
    }
    Ok(ordered.into_iter().flatten().collect())
}

/// The account's methods as a recent gather listed them, when every one is of a known type.
fn gathered_methods(recent: &RecentFacts, id: &str) -> Option<Vec<MethodState>> {
    recent
        .fresh_methods(id)?
        .iter()
        .map(MethodState::from_fact)
        .collect()
}

/// An account at risk (not yet confirmed compromised, not deleted) in a recent gather: the
/// plan confirms it whatever a fresh read would say (confirming twice changes nothing, and
/// the step is read back), so the plan need not spend one of Identity Protection's one
/// request per second on it. Any other state is read afresh: it may skip the step.
fn gathered_risk(recent: &RecentFacts, id: &str) -> Option<RiskyUserState> {
    use reclaim_triage::facts::RiskState;
    let r = recent.fresh_risky(id)?;
    let at_risk =
        r.state == RiskState::AtRisk && !r.deleted && r.detail != "adminConfirmedUserCompromised";
    at_risk.then(|| RiskyUserState {
        risk_level: r.level.as_str().to_string(),
        risk_state: r.state.as_str().to_string(),
        risk_detail: r.detail.clone(),
    })
}

/// What a plan takes from a recent gather instead of reading it.
struct Gathered {
    /// The methods: apply's drift check lists them before anything is sent.
    methods: Option<Vec<MethodState>>,
    /// The risk state of an account at risk.
    risk: Option<RiskyUserState>,
}

/// Reads one account for the plan, taking what `gathered` holds instead of reading it.
async fn read_one(client: &GraphClient, u: &str, gathered: Gathered) -> AccountRead {
    let fail = |e| (u.to_string(), e);
    // An object id (the console's) keys every read at once, the user's among them; a UPN is
    // resolved to the id first (Identity Protection knows accounts by id only), and a wrong
    // one fails there. One round trip instead of two before the plan is on screen.
    let (who, id, parts) = if uuid::Uuid::try_parse(u).is_ok() {
        (
            None,
            u.to_string(),
            &[
                Part::User,
                Part::Preferences,
                Part::Devices,
                Part::Roles,
                Part::Groups,
                Part::AppConsents,
            ][..],
        )
    } else {
        let who = read_state(client, u, &[Part::User]).await.map_err(fail)?;
        let id = who.user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
        (
            who.user,
            id,
            &[
                Part::Preferences,
                Part::Devices,
                Part::Roles,
                Part::Groups,
                Part::AppConsents,
            ][..],
        )
    };
    // Each of these once, in its own throttle scope at the same time: methods in the reports
    // budget, the risky user in Identity Protection's 1 request per second, rules per mailbox.
    // The user's read fails first for an id that names no account.
    let (s, methods, risky, rules, grants) = futures::join!(
        read_state(client, &id, parts),
        async {
            match &gathered.methods {
                Some(_) => Ok(None),
                None => read_methods_raw(client, &id).await.map(Some),
            }
        },
        async {
            match &gathered.risk {
                Some(_) => Ok(None),
                None => read_risky_user_raw(client, &id).await.map(Some),
            }
        },
        read_rules_raw(client, &id),
        read_grants_raw(client, &id)
    );
    let mut s = s.map_err(fail)?;
    let methods = methods.map_err(fail)?;
    // Without Entra ID P2 there is no risk state to read or confirm: the plan says so.
    let risk_unlicensed = matches!(&risky, Err(e) if e.is_unlicensed());
    let risky_user = if risk_unlicensed {
        None
    } else {
        risky.map_err(fail)?
    };
    let rules = rules.map_err(fail)?;
    let grants = grants.map_err(fail)?;
    s.methods = Some(match (gathered.methods, &methods) {
        (Some(g), _) => g,
        (None, list) => list.iter().flatten().map(MethodState::from_graph).collect(),
    });
    if risk_unlicensed {
        s.unlicensed.push(Part::Risk);
    } else {
        s.risk = Some(match (gathered.risk, &risky_user) {
            (Some(g), _) => g,
            (None, read) => RiskyUserState::from_read(read.as_ref().and_then(Option::as_ref)),
        });
    }
    s.rules = Some(rules_state(rules.as_deref()));
    s.grants = Some(grants.iter().map(GrantState::from_graph).collect());
    if who.is_some() {
        s.user = who;
    }
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
