//! Application footholds: the secrets and certificates the attacker added to applications and
//! service principals (`remove-attacker-app-credentials`), and the app role assignments a
//! flagged consent created (part of `revoke-oauth-grants`).
//!
//! Credentials live on the application or service principal, not on the account: they are
//! read per holder (the ones the evidence names), kept out of the account's drift
//! fingerprint, and re-read just before each credential step is sent (a certificate removal
//! replaces the whole `keyCredentials` collection, so any change since the plan stops it).

use super::op::Op;
use super::state::AccountState;
use super::verify::Check;
use reclaim_graph::requests::{self, CredentialHolder};
use reclaim_graph::{GraphClient, GraphError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A credential the evidence ties to the attacker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TiedCredential {
    pub holder: CredentialHolder,
    pub holder_id: String,
    pub key_id: String,
    /// `Password` or `AsymmetricX509Cert`.
    pub key_type: String,
    pub reasons: Vec<String>,
}

impl TiedCredential {
    pub fn is_certificate(&self) -> bool {
        !self.key_type.eq_ignore_ascii_case("Password")
    }
}

pub fn tied_credentials(f: &reclaim_triage::model::Findings) -> Vec<TiedCredential> {
    f.attacker_app_credentials
        .iter()
        .map(|c| TiedCredential {
            holder: c.holder,
            holder_id: c.holder_id.clone(),
            key_id: c.key_id.clone(),
            key_type: c.key_type.clone(),
            reasons: c.reasons.clone(),
        })
        .collect()
}

/// A client secret's metadata: never its text (Graph does not return it), nor its `hint`
/// (the secret's first characters), so neither reaches a plan or the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretState {
    pub key_id: String,
    /// Tenant text.
    pub display_name: Option<String>,
    pub end_date_time: Option<String>,
}

/// The credentials of one application or service principal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HolderState {
    pub holder: CredentialHolder,
    pub id: String,
    /// Tenant text.
    pub display_name: String,
    pub secrets: Vec<SecretState>,
    /// The certificates as Graph returned them (public key included): a certificate removal
    /// sends the others back unchanged.
    pub certificates: Vec<Value>,
}

pub(crate) fn text(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

impl HolderState {
    pub fn from_graph(holder: CredentialHolder, v: &Value) -> HolderState {
        let list = |k: &str| {
            v.get(k)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        HolderState {
            holder,
            id: text(v, "id").unwrap_or_default(),
            display_name: text(v, "displayName").unwrap_or_default(),
            secrets: list("passwordCredentials")
                .iter()
                .map(|p| SecretState {
                    key_id: text(p, "keyId").unwrap_or_default(),
                    display_name: text(p, "displayName"),
                    end_date_time: text(p, "endDateTime"),
                })
                .collect(),
            certificates: list("keyCredentials"),
        }
    }
    pub(crate) fn has_secret(&self, key_id: &str) -> bool {
        self.secrets
            .iter()
            .any(|s| s.key_id.eq_ignore_ascii_case(key_id))
    }
    pub(crate) fn certificate(&self, key_id: &str) -> Option<&Value> {
        self.certificates
            .iter()
            .find(|c| text(c, "keyId").is_some_and(|k| k.eq_ignore_ascii_case(key_id)))
    }
    fn has(&self, key_id: &str) -> bool {
        self.has_secret(key_id) || self.certificate(key_id).is_some()
    }
    fn certificate_ids(&self) -> Vec<String> {
        self.certificates
            .iter()
            .filter_map(|c| text(c, "keyId"))
            .collect()
    }
}

/// One app role the account holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentState {
    pub id: String,
    pub app_role_id: String,
    /// The app's service principal object id.
    pub resource_id: String,
    /// Tenant text.
    pub resource_display_name: String,
}

impl AssignmentState {
    pub fn from_graph(v: &Value) -> AssignmentState {
        AssignmentState {
            id: text(v, "id").unwrap_or_default(),
            app_role_id: text(v, "appRoleId").unwrap_or_default(),
            resource_id: text(v, "resourceId").unwrap_or_default(),
            resource_display_name: text(v, "resourceDisplayName").unwrap_or_default(),
        }
    }
}

/// One holder's credentials; `None` when it no longer exists.
pub async fn read_holder(
    client: &GraphClient,
    holder: CredentialHolder,
    id: &str,
) -> Result<Option<HolderState>, GraphError> {
    let req = requests::get_credentials(holder, id);
    match client.send(&req).await {
        Ok(resp) => {
            let v: Value = resp.json(&req.describe())?;
            Ok(Some(HolderState::from_graph(holder, &v)))
        }
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The holders the evidence names, each read once.
pub async fn read_holders(
    client: &GraphClient,
    ev: &super::evidence::Evidence,
) -> Result<Vec<HolderState>, GraphError> {
    let mut seen: Vec<(CredentialHolder, String)> = Vec::new();
    for t in &ev.attacker_app_credentials {
        if !seen
            .iter()
            .any(|(h, i)| *h == t.holder && *i == t.holder_id)
        {
            seen.push((t.holder, t.holder_id.clone()));
        }
    }
    let mut out = Vec::new();
    for (holder, id) in seen {
        out.extend(read_holder(client, holder, &id).await?);
    }
    Ok(out)
}

/// The holder and keyId a credential op touches.
pub fn holder_of(op: &Op) -> Option<(CredentialHolder, &str, &str)> {
    match op {
        Op::RemoveAppPassword {
            holder,
            holder_id,
            key_id,
        }
        | Op::RemoveAppKey {
            holder,
            holder_id,
            key_id,
            ..
        } => Some((*holder, holder_id, key_id)),
        _ => None,
    }
}

/// The GET that verifies a credential op (shown in the plan and the dry run).
pub fn verify_paths(op: &Op) -> Vec<String> {
    if let Some(v) = super::app_grants::verify_paths(op) {
        return v;
    }
    holder_of(op)
        .map(|(h, id, _)| {
            vec![format!(
                "GET {}",
                requests::get_credentials(h, id).describe()
            )]
        })
        .unwrap_or_default()
}

/// For a credential op, a read of its holder alone (an empty list when it is gone); `None`
/// for other ops.
pub async fn read_target(
    client: &GraphClient,
    op: &Op,
) -> Option<Result<AccountState, GraphError>> {
    if let Some(r) = super::app_grants::read_target(client, op).await {
        return Some(r);
    }
    let (holder, id, _) = holder_of(op)?;
    Some(read_holder(client, holder, id).await.map(|h| AccountState {
        app_credentials: Some(h.into_iter().collect()),
        ..AccountState::default()
    }))
}

/// What the read just before a credential step found.
#[derive(Debug, Clone, PartialEq)]
pub enum PreSend {
    /// The credential is there as planned: send.
    Proceed,
    /// The credential is already gone.
    Done(String),
    /// The holder changed since the plan: nothing is sent.
    Drift(String),
}

/// The check before a credential step is sent; `None` for other ops.
pub async fn pre_send(client: &GraphClient, op: &Op) -> Option<Result<PreSend, GraphError>> {
    if let Some(r) = super::app_grants::pre_send(client, op).await {
        return Some(r);
    }
    let (holder, id, key_id) = holder_of(op)?;
    let h = match read_holder(client, holder, id).await {
        Ok(h) => h,
        Err(e) => return Some(Err(e)),
    };
    let Some(h) = h else {
        return Some(Ok(PreSend::Done(format!(
            "{} {id} no longer exists",
            holder.label()
        ))));
    };
    if !h.has(key_id) {
        return Some(Ok(PreSend::Done(format!(
            "keyId {key_id} is already gone from {} {id}",
            holder.label()
        ))));
    }
    if let Op::RemoveAppKey { keep, .. } = op {
        let mut now: Vec<String> = h
            .certificate_ids()
            .into_iter()
            .filter(|k| !k.eq_ignore_ascii_case(key_id))
            .collect();
        let mut planned: Vec<String> = keep.iter().filter_map(|c| text(c, "keyId")).collect();
        now.sort();
        planned.sort();
        if now != planned {
            return Some(Ok(PreSend::Drift(format!(
                "the certificates of {} {id} changed since the plan (now {now:?}, planned to \
                 keep {planned:?}); re-plan",
                holder.label()
            ))));
        }
    }
    Some(Ok(PreSend::Proceed))
}

/// Did the op take effect?
pub(crate) fn check(
    op: &Op,
    _before: &AccountState,
    now: &AccountState,
    created: Option<&str>,
) -> Check {
    match op {
        Op::RemoveAppPassword { .. } | Op::RemoveAppKey { .. } => {
            let Some((_, id, key_id)) = holder_of(op) else {
                return Check::no("not a credential op");
            };
            let Some(holders) = &now.app_credentials else {
                return Check::no("the holder's credentials were not read back");
            };
            match holders.iter().find(|h| h.id.eq_ignore_ascii_case(id)) {
                None => Check::yes(format!("{id} no longer exists, nor does keyId {key_id}")),
                Some(h) if h.has(key_id) => Check::no(format!("keyId {key_id} is still on {id}")),
                Some(_) => Check::yes(format!("keyId {key_id} is gone from {id}")),
            }
        }
        Op::DeleteAppRoleAssignment { assignment_id } => match &now.app_consents {
            None => Check::no("the app role assignments were not read back"),
            Some(l) if l.iter().any(|a| &a.id == assignment_id) => Check::no(format!(
                "app role assignment {assignment_id} is still there"
            )),
            Some(_) => Check::yes(format!("app role assignment {assignment_id} is gone")),
        },
        Op::CreateAppRoleAssignment {
            resource_id,
            app_role_id,
        } => match &now.app_consents {
            None => Check::no("the app role assignments were not read back"),
            Some(l) => match l
                .iter()
                .find(|a| &a.resource_id == resource_id && &a.app_role_id == app_role_id)
            {
                Some(a) => Check::yes(format!(
                    "app role assignment {} to {resource_id} is there{}",
                    a.id,
                    created
                        .map(|c| format!(" (created {c})"))
                        .unwrap_or_default()
                )),
                None => Check::no(format!("no app role assignment to {resource_id}")),
            },
        },
        _ => Check::no("not an app foothold op"),
    }
}

/// The state after the op, for planning the steps after it.
pub(crate) fn project(op: &Op, state: &mut AccountState) {
    match op {
        Op::RemoveAppPassword { .. } | Op::RemoveAppKey { .. } => {
            let Some((_, id, key_id)) = holder_of(op) else {
                return;
            };
            for h in state.app_credentials.iter_mut().flatten() {
                if h.id.eq_ignore_ascii_case(id) {
                    h.secrets.retain(|s| !s.key_id.eq_ignore_ascii_case(key_id));
                    h.certificates.retain(|c| {
                        !text(c, "keyId").is_some_and(|k| k.eq_ignore_ascii_case(key_id))
                    });
                }
            }
        }
        Op::DeleteAppRoleAssignment { assignment_id } => {
            if let Some(l) = state.app_consents.as_mut() {
                l.retain(|a| &a.id != assignment_id);
            }
        }
        _ => {}
    }
}

pub(crate) fn expected(op: &Op) -> Value {
    match op {
        Op::DeleteAppRoleAssignment { assignment_id } => {
            json!({ "appRoleAssignment": assignment_id, "present": false })
        }
        Op::CreateAppRoleAssignment {
            resource_id,
            app_role_id,
        } => {
            json!({ "appRoleAssignment": { "resourceId": resource_id, "appRoleId": app_role_id } })
        }
        _ => match holder_of(op) {
            Some((h, id, key_id)) => {
                json!({ "holder": h.label(), "id": id, "keyId": key_id, "present": false })
            }
            None => Value::Null,
        },
    }
}
