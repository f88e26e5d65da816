//! Reading an account's state through the Graph client (GETs only), each read a typed
//! request from `reclaim_graph::requests` (its throttle scope comes with it).

use super::state::{
    AccountState, GrantState, MethodState, Part, PreferenceState, RiskyUserState, RuleState,
    RulesState, UserState,
};
use reclaim_graph::http::GraphRequest;
use reclaim_graph::requests;
use reclaim_graph::{GraphClient, GraphError};
use serde_json::Value;

async fn get_one(client: &GraphClient, req: GraphRequest) -> Result<Value, GraphError> {
    let resp = client.send(&req).await?;
    resp.json(&req.describe())
}

async fn get_all(client: &GraphClient, req: GraphRequest) -> Result<Vec<Value>, GraphError> {
    client.pager::<Value>(req).collect().await?.into_complete()
}

/// Every authentication method of an account, as Graph returned them (whole list or error).
pub async fn read_methods_raw(client: &GraphClient, user: &str) -> Result<Vec<Value>, GraphError> {
    get_all(client, Part::Methods.request(user)).await
}

/// The inbox rules as Graph sent them; `None` when the account has no mailbox.
pub async fn read_rules_raw(
    client: &GraphClient,
    user: &str,
) -> Result<Option<Vec<Value>>, GraphError> {
    match get_all(client, Part::Rules.request(user)).await {
        Ok(list) => Ok(Some(list)),
        Err(e) if e.code() == Some("MailboxNotEnabledForRESTAPI") => Ok(None),
        Err(e) => Err(e),
    }
}

/// The account's delegated grants as Graph sent them.
pub async fn read_grants_raw(client: &GraphClient, user: &str) -> Result<Vec<Value>, GraphError> {
    get_all(client, Part::Grants.request(user)).await
}

/// Rules as the state records them.
pub fn rules_state(raw: Option<&[Value]>) -> RulesState {
    match raw {
        Some(list) => RulesState::Rules {
            rules: list.iter().map(RuleState::from_graph).collect(),
        },
        None => RulesState::NoMailbox,
    }
}

/// Reads one part of an account (`user` is its id or UPN) into `state`.
pub async fn read_part(
    client: &GraphClient,
    user: &str,
    part: Part,
    state: &mut AccountState,
) -> Result<(), GraphError> {
    let req = part.request(user);
    match part {
        Part::User => {
            let v = get_one(client, req).await?;
            state.user = Some(UserState::from_graph(&v));
        }
        Part::Methods => {
            let list = read_methods_raw(client, user).await?;
            state.methods = Some(list.iter().map(MethodState::from_graph).collect());
        }
        Part::Rules => {
            let raw = read_rules_raw(client, user).await?;
            state.rules = Some(rules_state(raw.as_deref()));
        }
        Part::Grants => {
            let list = read_grants_raw(client, user).await?;
            state.grants = Some(list.iter().map(GrantState::from_graph).collect());
        }
        Part::Risk => {
            let v = read_risky_user_raw(client, user).await?;
            state.risk = Some(RiskyUserState::from_read(v.as_ref()));
        }
        // Beta only: a cloud without it or a token without the permission leaves the default
        // unknown, and containment falls back to deleting the likely default last.
        Part::Devices => {
            let list = get_all(client, req).await?;
            state.devices = Some(
                list.iter()
                    .map(super::footholds::DeviceState::from_graph)
                    .collect(),
            );
        }
        Part::Roles => {
            let list = get_all(client, req).await?;
            state.role_assignments = Some(
                list.iter()
                    .map(super::memberships::RoleAssignmentState::from_graph)
                    .collect(),
            );
        }
        Part::Groups => {
            let list = get_all(client, req).await?;
            state.groups = Some(super::memberships::GroupState::from_member_of(&list));
        }
        Part::AppConsents => {
            let list = get_all(client, req).await?;
            state.app_consents = Some(
                list.iter()
                    .map(super::app_footholds::AssignmentState::from_graph)
                    .collect(),
            );
        }
        Part::Preferences => {
            state.preferences = Some(match get_one(client, req).await {
                Ok(v) => PreferenceState::from_graph(&v),
                Err(e) => PreferenceState::unreadable(e.to_string()),
            });
        }
    }
    Ok(())
}

/// Reads the given parts of an account, concurrently.
pub async fn read_state(
    client: &GraphClient,
    user: &str,
    parts: &[Part],
) -> Result<AccountState, GraphError> {
    let reads = parts.iter().map(|p| async move {
        let mut s = AccountState::default();
        read_part(client, user, *p, &mut s).await.map(|()| s)
    });
    let mut out = AccountState::default();
    for r in futures::future::join_all(reads).await {
        let s = r?;
        out.user = out.user.or(s.user);
        out.methods = out.methods.or(s.methods);
        out.rules = out.rules.or(s.rules);
        out.grants = out.grants.or(s.grants);
        out.risk = out.risk.or(s.risk);
        out.preferences = out.preferences.or(s.preferences);
        out.devices = out.devices.or(s.devices);
        out.role_assignments = out.role_assignments.or(s.role_assignments);
        out.groups = out.groups.or(s.groups);
        out.app_consents = out.app_consents.or(s.app_consents);
    }
    Ok(out)
}

/// The account's risky user as Graph sent it; `None` when Identity Protection does not list
/// the account (404).
pub async fn read_risky_user_raw(
    client: &GraphClient,
    user_id: &str,
) -> Result<Option<Value>, GraphError> {
    match get_one(client, Part::Risk.request(user_id)).await {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// For ops on one authentication method, a read of just that method (listing methods falls in
/// the reports throttle, 5 requests per 10 s; one method's GET does not): the state holds a
/// method list of that method alone, or an empty one when it is gone. `None` for other ops.
pub async fn read_method_target(
    client: &GraphClient,
    user_id: &str,
    op: &super::op::Op,
    created: Option<&str>,
) -> Option<Result<AccountState, GraphError>> {
    let (kind, id) = method_target(op, created)?;
    let read = async {
        let req = requests::get_method(user_id, kind, &id);
        let list = match get_one(client, req).await {
            Ok(mut v) => {
                if v.get("@odata.type").is_none() {
                    v["@odata.type"] = Value::from(kind.odata_type());
                }
                vec![MethodState::from_graph(&v)]
            }
            Err(e) if e.is_not_found() => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(AccountState {
            methods: Some(list),
            ..AccountState::default()
        })
    };
    Some(read.await)
}

fn method_target(
    op: &super::op::Op,
    created: Option<&str>,
) -> Option<(reclaim_graph::models::MethodKind, String)> {
    use super::op::{phone_method_id, Op};
    use reclaim_graph::models::MethodKind;
    Some(match op {
        Op::DeleteMethod { method_id, kind } => (*kind, method_id.clone()),
        Op::SetPhoneNumber { phone_type, .. } | Op::AddPhone { phone_type, .. } => {
            (MethodKind::Phone, phone_method_id(phone_type)?.to_string())
        }
        Op::IssueTap { .. } => (MethodKind::TemporaryAccessPass, created?.to_string()),
        _ => return None,
    })
}

/// The GETs that verify `op` (shown in the plan and the dry run).
pub fn verify_paths(op: &super::op::Op, user_id: &str) -> Vec<String> {
    match method_target(op, None) {
        Some((kind, id)) => vec![format!(
            "GET {}",
            requests::get_method(user_id, kind, &id).describe()
        )],
        None if super::app_footholds::holder_of(op).is_some() => {
            super::app_footholds::verify_paths(op)
        }
        None if super::app_grants::verify_paths(op).is_some() => {
            super::app_grants::verify_paths(op).unwrap_or_default()
        }
        None => op
            .parts()
            .iter()
            .map(|p| format!("GET {}", p.path(user_id)))
            .collect(),
    }
}

/// The parts a recorded state holds (what apply re-reads to compare).
pub fn parts_of(state: &AccountState) -> Vec<Part> {
    let mut v = Vec::new();
    if state.user.is_some() {
        v.push(Part::User);
    }
    if state.methods.is_some() {
        v.push(Part::Methods);
    }
    if state.rules.is_some() {
        v.push(Part::Rules);
    }
    if state.grants.is_some() {
        v.push(Part::Grants);
    }
    if state.risk.is_some() {
        v.push(Part::Risk);
    }
    if state.preferences.is_some() {
        v.push(Part::Preferences);
    }
    if state.devices.is_some() {
        v.push(Part::Devices);
    }
    if state.role_assignments.is_some() {
        v.push(Part::Roles);
    }
    if state.groups.is_some() {
        v.push(Part::Groups);
    }
    if state.app_consents.is_some() {
        v.push(Part::AppConsents);
    }
    v
}
