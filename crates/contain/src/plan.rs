//! The plan file: versioned JSON, per account the concrete steps with their exact requests,
//! the state before, the expected state after, and why (the evidence).
//!
//! A plan carries a SHA-256 digest over its canonical JSON. Loading refuses a file that is not
//! JSON, is of another kind or a newer version, fails its digest (edited after it was
//! written), or holds a step whose stored request is not exactly what its op builds, or an op
//! its action never uses. No secret is ever part of a plan: passwords and passes are
//! generated when a step is applied.

use super::action::ActionKind;
use super::op::{Op, PlannedRequest};
use super::state::AccountState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

pub const PLAN_KIND: &str = "reclaim-plan";
pub const PLAN_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Plan {
    /// Always `reclaim-plan`.
    pub kind: String,
    pub version: u32,
    /// A UUID; its first 8 characters prefix every step id.
    pub id: String,
    /// Groups the journal records of one incident.
    pub incident: String,
    pub created: DateTime<Utc>,
    /// The tenant id the plan was made for; apply refuses another tenant.
    pub tenant: String,
    /// Who made the plan (UPN or app id from the token).
    pub operator: String,
    pub playbook: PlanPlaybook,
    pub accounts: Vec<AccountPlan>,
    /// `sha256:<hex>` over the canonical JSON of everything else.
    pub digest: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanPlaybook {
    pub name: String,
    pub source: String,
    pub actions: Vec<ActionKind>,
}

/// Why the account is being contained, as triage judged it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Assessment {
    pub verdict: String,
    pub score: u8,
    /// One line per indicator (tenant text inside is data: sanitize before display).
    pub indicators: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountPlan {
    pub user_id: String,
    pub user_principal_name: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    /// The account as read when planning; apply compares it with the tenant (drift).
    pub before: AccountState,
    pub steps: Vec<Step>,
    /// Actions of the playbook that produced no step here, and why.
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// What the operator must know (hidden rules, guests, revocation lag...).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Steps handed to the operator (the Exchange check), after the Graph steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manual: Vec<super::exchange::ManualStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Skipped {
    pub action: ActionKind,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Step {
    /// `<plan id prefix>-<account #>-<step #>`: what `reclaim undo` takes.
    pub id: String,
    pub action: ActionKind,
    /// One line for people.
    pub summary: String,
    pub op: Op,
    /// Exactly what will be sent (secrets are added when sent, never stored).
    pub request: PlannedRequest,
    /// The object's state before (enough to undo).
    pub before: Value,
    pub expected: Value,
    /// The evidence this step rests on.
    pub why: Vec<String>,
    /// The GETs that verify it.
    pub verify: Vec<String>,
    pub reversible: bool,
}

/// A plan that cannot be used, and why. The CLI maps every kind to exit 2.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("cannot read the plan {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the plan is not valid: {0}")]
    Malformed(String),
    #[error(
        "the plan was changed after it was written (its digest does not match): make a new \
         plan with `reclaim plan` instead of editing one"
    )]
    Tampered,
    #[error("{0}")]
    Invalid(String),
}

/// The step id of step `step` (0-based) of account `account` (0-based) in plan `plan_id`.
pub fn step_id(plan_id: &str, account: usize, step: usize) -> String {
    let prefix: String = plan_id.chars().filter(|c| *c != '-').take(8).collect();
    format!("{prefix}-{:02}-{:02}", account + 1, step + 1)
}

/// Whether `op` is something `action` does.
pub fn op_belongs_to(action: ActionKind, op: &Op) -> bool {
    use reclaim_graph::models::MethodKind;
    use ActionKind::*;
    match (action, op) {
        (RevokeSessions, Op::RevokeSessions) => true,
        (DisableSignin, Op::SetAccountEnabled { enabled }) => !enabled,
        (EnableSignin, Op::SetAccountEnabled { enabled }) => *enabled,
        (ResetPassword, Op::ResetPassword { .. }) => true,
        (RemoveAttackerMfa | ResetMfa, Op::DeleteMethod { kind, .. }) => kind.deletable(),
        (RestorePhone, Op::SetPhoneNumber { .. } | Op::AddPhone { .. }) => true,
        (RestorePhone, Op::DeleteMethod { kind, .. }) => *kind == MethodKind::Phone,
        (RemoveMaliciousRules, Op::DeleteRule { .. }) => true,
        (DisableMaliciousRules, Op::SetRuleEnabled { enabled, .. }) => !enabled,
        (ConfirmCompromised, Op::ConfirmCompromised) => true,
        (IssueTap, Op::IssueTap { .. }) => true,
        (RevokeOauthGrants, Op::DeleteGrant { .. }) => true,
        (DisableAttackerDevices, Op::SetDeviceEnabled { enabled, .. }) => !enabled,
        (RemoveAttackerRoles, Op::DeleteRoleAssignment { .. } | Op::RemoveGroupMember { .. }) => {
            true
        }
        (RemoveAttackerAppCredentials, Op::RemoveAppPassword { .. } | Op::RemoveAppKey { .. }) => {
            true
        }
        (RevokeOauthGrants, Op::DeleteAppRoleAssignment { .. } | Op::DeleteAppRoleGrant { .. }) => {
            true
        }
        // Moving the default MFA method off a method about to be deleted.
        (RemoveAttackerMfa | ResetMfa | RestorePhone, Op::SetDefaultMfa { .. }) => true,
        _ => false,
    }
}

fn digest_of(plan: &Plan) -> Result<String, PlanError> {
    super::sealed::digest(plan)
        .map_err(|e| PlanError::Malformed(format!("does not serialize: {e}")))
}

impl Plan {
    /// Seals the plan: computes its digest.
    pub fn seal(&mut self) -> Result<(), PlanError> {
        self.digest = digest_of(self)?;
        Ok(())
    }

    pub fn to_json(&self) -> Result<String, PlanError> {
        let mut s = serde_json::to_string_pretty(self)
            .map_err(|e| PlanError::Malformed(format!("does not serialize: {e}")))?;
        s.push('\n');
        // Same JSON value, but no raw C1, DEL or bidi character from a rule name reaches a
        // terminal or an editor (finding 1 of #17).
        Ok(reclaim_core::sanitize::json_text(&s).into_owned())
    }

    /// Parses and fully checks a plan file's text.
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        let v: Value = serde_json::from_str(text).map_err(|e| {
            PlanError::Malformed(format!(
                "not JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ))
        })?;
        let kind = v.get("kind").and_then(Value::as_str).unwrap_or_default();
        if kind != PLAN_KIND {
            return Err(PlanError::Malformed(format!(
                "not a reclaim plan (kind `{}`)",
                reclaim_core::sanitize::inert(kind)
            )));
        }
        match v.get("version").and_then(Value::as_u64) {
            Some(n) if n == u64::from(PLAN_VERSION) => {}
            Some(n) if n > u64::from(PLAN_VERSION) => {
                return Err(PlanError::Malformed(format!(
                    "plan format version {n} was written by a newer reclaim; this one reads {PLAN_VERSION}"
                )))
            }
            other => {
                return Err(PlanError::Malformed(format!(
                    "unsupported plan format version {other:?}"
                )))
            }
        }
        let plan: Plan = serde_json::from_value(v).map_err(|e| {
            PlanError::Malformed(reclaim_core::sanitize::inert(&e.to_string()).into_owned())
        })?;
        if digest_of(&plan)? != plan.digest {
            return Err(PlanError::Tampered);
        }
        plan.validate()?;
        Ok(plan)
    }

    /// Reads and checks a plan file.
    pub fn load(path: &Path) -> Result<Plan, PlanError> {
        let text = super::sealed::read_capped(path).map_err(|source| PlanError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text)
    }

    /// Writes the plan (mode 0600: it names people, phones and rules), replacing atomically.
    pub fn save(&self, path: &Path) -> Result<(), PlanError> {
        super::sealed::write_private(path, &self.to_json()?).map_err(|source| PlanError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// Structural checks beyond serde: unique ids, ids derived from the plan id, every
    /// request exactly what its op builds, every op one its action uses.
    pub fn validate(&self) -> Result<(), PlanError> {
        let bad = |m: String| Err(PlanError::Invalid(format!("the plan is not valid: {m}")));
        if uuid::Uuid::parse_str(&self.id).is_err() {
            return bad(format!(
                "plan id `{}` is not a UUID",
                reclaim_core::sanitize::inert(&self.id)
            ));
        }
        let mut users = HashSet::new();
        let mut steps = HashSet::new();
        for (ai, a) in self.accounts.iter().enumerate() {
            let who = reclaim_core::sanitize::inert(&a.user_principal_name).into_owned();
            if a.user_id.is_empty() || !users.insert(a.user_id.clone()) {
                return bad(format!("account {who} is missing its id or listed twice"));
            }
            for (si, s) in a.steps.iter().enumerate() {
                if s.id != step_id(&self.id, ai, si) || !steps.insert(s.id.clone()) {
                    return bad(format!(
                        "step `{}` of {who} has the wrong id",
                        reclaim_core::sanitize::inert(&s.id)
                    ));
                }
                if !op_belongs_to(s.action, &s.op) {
                    return bad(format!(
                        "step {} of {who}: `{}` never does {:?}",
                        s.id, s.action, s.op
                    ));
                }
                let built = s.op.request(&a.user_id).map_err(|e| {
                    PlanError::Invalid(format!(
                        "the plan is not valid: step {} of {who}: {e}",
                        s.id
                    ))
                })?;
                if built != s.request {
                    return bad(format!(
                        "step {} of {who}: the request is not the one its op sends \
                         ({} {} expected)",
                        s.id, built.method, built.path
                    ));
                }
            }
            for (k, m) in a.manual.iter().enumerate() {
                let expected = step_id(&self.id, ai, a.steps.len() + k);
                if m.id != expected || !steps.insert(m.id.clone()) || !m.action.is_manual() {
                    return bad(format!("manual step of {who} has the wrong id or action"));
                }
                if m.mailbox != a.user_principal_name
                    || m.commands != super::exchange::exchange_commands(&m.mailbox)
                {
                    return bad(format!(
                        "manual step {} of {who}: its commands are not the ones reclaim writes",
                        m.id
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn step_count(&self) -> usize {
        self.accounts.iter().map(|a| a.steps.len()).sum()
    }

    /// A step and its account by step id.
    pub fn find_step(&self, id: &str) -> Option<(&AccountPlan, &Step)> {
        self.accounts
            .iter()
            .find_map(|a| a.steps.iter().find(|s| s.id == id).map(|s| (a, s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::UserState;
    use serde_json::json;

    pub(crate) fn sample() -> Plan {
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e".to_string();
        let user = "11111111-2222-3333-4444-555555555555";
        let ops = [
            (
                ActionKind::DisableSignin,
                Op::SetAccountEnabled { enabled: false },
            ),
            (ActionKind::RevokeSessions, Op::RevokeSessions),
            (
                ActionKind::RemoveMaliciousRules,
                Op::DeleteRule {
                    rule_id: "AQAAAJ5dZqA=".into(),
                },
            ),
        ];
        let steps = ops
            .into_iter()
            .enumerate()
            .map(|(i, (action, op))| Step {
                id: step_id(&id, 0, i),
                action,
                summary: format!("{action}"),
                request: op.request(user).unwrap(),
                expected: op.expected(&AccountState::default()),
                op,
                before: json!({}),
                why: vec!["evidence".into()],
                verify: vec![],
                reversible: true,
            })
            .collect();
        let mut plan = Plan {
            kind: PLAN_KIND.into(),
            version: PLAN_VERSION,
            id,
            incident: "ir-20240301".into(),
            created: Utc::now(),
            tenant: "tenant".into(),
            operator: "admin@contoso.com".into(),
            playbook: PlanPlaybook {
                name: "custom".into(),
                source: "test".into(),
                actions: vec![ActionKind::DisableSignin],
            },
            accounts: vec![AccountPlan {
                manual: Vec::new(),
                user_id: user.into(),
                user_principal_name: "cfo@contoso.com".into(),
                display_name: "CFO".into(),
                assessment: None,
                before: AccountState {
                    user: Some(UserState::default()),
                    ..AccountState::default()
                },
                steps,
                skipped: vec![],
                warnings: vec![],
            }],
            digest: String::new(),
        };
        plan.seal().unwrap();
        plan
    }

    #[test]
    fn a_sealed_plan_round_trips() {
        let plan = sample();
        assert_eq!(plan.accounts[0].steps[0].id, "0f8fad5b-01-01");
        let text = plan.to_json().unwrap();
        let back = Plan::from_json(&text).unwrap();
        assert_eq!(back, plan);
        assert!(back.find_step("0f8fad5b-01-03").is_some());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        plan.save(&path).unwrap();
        assert_eq!(Plan::load(&path).unwrap(), plan);
    }

    #[test]
    fn edits_are_caught() {
        let text = sample().to_json().unwrap();
        // A changed request: digest mismatch.
        let edited = text.replace("revokeSignInSessions", "revokeSignInSessionz");
        assert!(matches!(Plan::from_json(&edited), Err(PlanError::Tampered)));
        // A changed request with the digest recomputed: the op check catches it.
        let mut plan = sample();
        plan.accounts[0].steps[1].request.path =
            "/v1.0/users/someone-else/revokeSignInSessions".into();
        plan.seal().unwrap();
        let e = Plan::from_json(&plan.to_json().unwrap()).unwrap_err();
        assert!(e.to_string().contains("not the one its op sends"), "{e}");
        // An op smuggled under another action.
        let mut plan = sample();
        plan.accounts[0].steps[0].op = Op::SetAccountEnabled { enabled: true };
        plan.accounts[0].steps[0].request = plan.accounts[0].steps[0]
            .op
            .request(&plan.accounts[0].user_id)
            .unwrap();
        plan.seal().unwrap();
        let e = Plan::from_json(&plan.to_json().unwrap()).unwrap_err();
        assert!(e.to_string().contains("never does"), "{e}");
        // Renumbered steps.
        let mut plan = sample();
        plan.accounts[0].steps[2].id = "0f8fad5b-01-09".into();
        plan.seal().unwrap();
        assert!(Plan::from_json(&plan.to_json().unwrap()).is_err());
    }

    #[test]
    fn malformed_files_get_clear_errors() {
        let e = Plan::from_json("{ not json").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        let e = Plan::from_json(r#"{"kind": "something-else"}"#).unwrap_err();
        assert!(e.to_string().contains("not a reclaim plan"));
        let e = Plan::from_json(r#"{"kind": "reclaim-plan", "version": 9}"#).unwrap_err();
        assert!(e.to_string().contains("newer reclaim"));
        let mut v: Value = serde_json::from_str(&sample().to_json().unwrap()).unwrap();
        v["extra"] = json!(1);
        let e = Plan::from_json(&v.to_string()).unwrap_err();
        assert!(e.to_string().contains("extra"), "{e}");
        let e = Plan::load(Path::new("/nonexistent/plan.json")).unwrap_err();
        assert!(matches!(e, PlanError::Io { .. }));
    }
}
