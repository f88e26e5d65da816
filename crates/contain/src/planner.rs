//! `reclaim plan`: read each account's current state (GETs only), take triage's findings for
//! it, and turn the playbook into a sealed [`Plan`] of concrete steps.
//!
//! Only the attacker's methods, phones, rules and grants are acted on: they come from the
//! evidence, never from a guess. Known-good phone numbers come from the directory audit's
//! old value (triage) or, where there is none, a baseline snapshot taken before the
//! compromise began; without either, `restore-phone` removes the attacker's number and says
//! so.

use super::evidence::{AttackerPhone, Evidence, KnownGood, Tied};
use super::expand::{expand, ExpandOptions};
use super::plan::{
    step_id, AccountPlan, Assessment, Plan, PlanPlaybook, Step, PLAN_KIND, PLAN_VERSION,
};
use super::plan_reads::read_accounts_raw;
use super::playbook::Playbook;
use super::snapshot::Snapshot;
use super::state::AccountState;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use reclaim_graph::{GraphClient, GraphError};
use reclaim_triage::gather::RecentFacts;
use reclaim_triage::{AccountAssessment, Findings};

/// Who and what a plan is for.
#[derive(Debug, Clone)]
pub struct PlanMeta {
    pub tenant: String,
    pub operator: String,
    /// Groups the journal records; default `ir-YYYYMMDD`.
    pub incident: Option<String>,
    /// The token is delegated (password reset through resetPassword).
    pub delegated: bool,
    pub created: DateTime<Utc>,
}

/// One account to plan: its state as read now and what the evidence says.
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub state: AccountState,
    pub evidence: Evidence,
}

/// The incident id: `RECLAIM_INCIDENT` or the plan's UTC date.
pub fn default_incident(now: DateTime<Utc>) -> String {
    std::env::var("RECLAIM_INCIDENT")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| format!("ir-{}", now.format("%Y%m%d")))
}

/// Triage's findings as the planner's input.
pub fn evidence_from(a: &AccountAssessment) -> Evidence {
    let f: &Findings = &a.findings;
    Evidence {
        verdict: Some(a.verdict.as_str().to_string()),
        score: Some(a.score),
        indicators: a.indicators.iter().map(|i| i.summary.clone()).collect(),
        compromise_started: f.compromise_started,
        attacker_methods: f
            .attacker_methods
            .iter()
            .map(|m| Tied {
                id: m.id.clone(),
                reasons: m.reasons.clone(),
            })
            .collect(),
        attacker_phones: f
            .attacker_phones
            .iter()
            .map(|p| AttackerPhone {
                number: p.number.clone(),
                phone_type: p.phone_type.clone(),
                reasons: p.reasons.clone(),
            })
            .collect(),
        owner_method_ids: f.owner_method_ids.clone(),
        known_good_phones: f
            .known_good_phones
            .iter()
            .map(|k| KnownGood {
                phone_type: k.phone_type.clone(),
                number: k.number.clone(),
                source: {
                    let what = match k.source {
                        reclaim_triage::model::KnownGoodSource::AuditOldValue => "directory audit",
                        reclaim_triage::model::KnownGoodSource::CurrentMethod => {
                            "current phone method"
                        }
                    };
                    let id = k
                        .audit_id
                        .as_deref()
                        .map(|i| format!(" {i}"))
                        .unwrap_or_default();
                    let at = k
                        .as_of
                        .map(|t| format!(" ({})", t.to_rfc3339()))
                        .unwrap_or_default();
                    format!("{what}{id}{at}")
                },
            })
            .collect(),
        malicious_rules: f
            .malicious_rules
            .iter()
            .map(|r| Tied {
                id: r.id.clone(),
                reasons: r.reasons.clone(),
            })
            .collect(),
        rules_to_review: f
            .rules_to_review
            .iter()
            .map(|r| Tied {
                id: r.id.clone(),
                reasons: r.reasons.clone(),
            })
            .collect(),
        malicious_grants: f
            .malicious_grants
            .iter()
            .map(|g| Tied {
                id: g.id.clone(),
                reasons: g.reasons.clone(),
            })
            .collect(),
        attacker_devices: f
            .attacker_devices
            .iter()
            .map(|d| Tied {
                id: d.id.clone(),
                reasons: d.reasons.clone(),
            })
            .collect(),
        attacker_memberships: f
            .attacker_memberships
            .iter()
            .map(|m| Tied {
                id: if m.eligible {
                    super::memberships::tied_id(super::memberships::ELIGIBLE_ROLE, &m.object_id)
                } else {
                    super::memberships::tied_id(&m.kind, &m.object_id)
                },
                reasons: m.reasons.clone(),
            })
            .collect(),
        attacker_app_credentials: super::app_footholds::tied_credentials(f),
        attacker_app_role_grants: super::app_grants::tied_grants(f),
        attacker_app_owners: f
            .attacker_app_owners
            .iter()
            .map(|o| Tied {
                id: format!("{}/{}", o.app_id, o.owner_id),
                reasons: o.reasons.clone(),
            })
            .collect(),
        flagged_app_consents: f
            .flagged_app_consents
            .iter()
            .map(|c| Tied {
                id: c.id.clone(),
                reasons: c.reasons.clone(),
            })
            .collect(),
    }
}

/// Adds a baseline snapshot's phones where the evidence has no old value, if the snapshot
/// predates the compromise (a later one may already hold the attacker's number).
pub fn apply_baseline(ev: &mut Evidence, user_id: &str, baseline: &Snapshot) -> Option<String> {
    let account = baseline.account(user_id)?;
    if let Some(started) = ev.compromise_started {
        if baseline.taken >= started {
            return Some(format!(
                "the baseline snapshot of {} was taken after the compromise began ({}): its phone numbers are not trusted",
                baseline.taken.to_rfc3339(),
                started.to_rfc3339()
            ));
        }
    }
    let phones: Vec<(String, String)> = account
        .phones()
        .into_iter()
        .filter(|(_, n)| !ev.is_attacker_number(n))
        .collect();
    ev.add_baseline(&phones, baseline.taken);
    None
}

/// Builds and seals the plan (no I/O).
pub fn build_plan(
    meta: &PlanMeta,
    playbook: &Playbook,
    accounts: &[AccountInput],
) -> Result<Plan, super::PlanError> {
    let id = uuid::Uuid::new_v4().to_string();
    let opts = ExpandOptions {
        delegated: meta.delegated,
    };
    let mut out = Vec::with_capacity(accounts.len());
    for (ai, input) in accounts.iter().enumerate() {
        let user = input.state.user.clone().unwrap_or_default();
        let draft = expand(&input.state, &input.evidence, playbook, opts);
        let mut steps = Vec::with_capacity(draft.steps.len());
        for (si, d) in draft.steps.into_iter().enumerate() {
            let request =
                d.op.request(&user.id)
                    .map_err(|e| super::PlanError::Invalid(e.to_string()))?;
            steps.push(Step {
                id: step_id(&id, ai, si),
                action: d.action,
                summary: d.summary,
                expected: d.op.expected(&input.state),
                verify: super::read::verify_paths(&d.op, &user.id),
                reversible: super::undo::reverse(d.action, &d.op, &d.before, Some("created"))
                    .is_ok(),
                request,
                op: d.op,
                before: d.before,
                why: d.why,
            });
        }
        let ev = &input.evidence;
        out.push(AccountPlan {
            user_id: user.id.clone(),
            user_principal_name: user.user_principal_name.clone(),
            display_name: user.display_name.clone(),
            assessment: ev.verdict.as_ref().map(|v| Assessment {
                verdict: v.clone(),
                score: ev.score.unwrap_or(0),
                indicators: ev.indicators.clone(),
            }),
            before: input.state.clone(),
            manual: super::exchange::number(draft.manual, &id, ai, steps.len()),
            steps,
            skipped: draft.skipped,
            warnings: draft.warnings,
        });
    }
    let mut plan = Plan {
        kind: PLAN_KIND.into(),
        version: PLAN_VERSION,
        id,
        incident: meta
            .incident
            .clone()
            .unwrap_or_else(|| default_incident(meta.created)),
        created: meta.created,
        tenant: meta.tenant.clone(),
        operator: meta.operator.clone(),
        playbook: PlanPlaybook {
            name: playbook.name.clone(),
            source: playbook.source.clone(),
            actions: playbook.actions(),
        },
        accounts: out,
        digest: String::new(),
    };
    plan.seal()?;
    Ok(plan)
}

/// Why a plan could not be made.
#[derive(Debug)]
pub enum MakePlanError {
    /// No such account (by UPN or id).
    NoAccount(String),
    /// Reading an account or its evidence failed.
    Graph {
        account: String,
        error: GraphError,
    },
    Plan(super::PlanError),
}

impl std::fmt::Display for MakePlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use reclaim_core::sanitize::inert;
        match self {
            MakePlanError::NoAccount(u) => write!(f, "no account `{}` in the tenant", inert(u)),
            MakePlanError::Graph { account, error } => write!(f, "{}: {error}", inert(account)),
            MakePlanError::Plan(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for MakePlanError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MakePlanError::Graph { error, .. } => Some(error),
            MakePlanError::Plan(e) => Some(e),
            MakePlanError::NoAccount(_) => None,
        }
    }
}

/// Reads the accounts, gathers triage's evidence for each, adds the baseline's phones where
/// trustworthy, and builds the sealed plan. The plan's accounts carry every note for the
/// operator (incomplete evidence, verdict not compromised, untrusted baseline).
pub async fn make_plan(
    client: &GraphClient,
    users: &[String],
    playbook: &Playbook,
    meta: &PlanMeta,
    baseline: Option<&Snapshot>,
) -> Result<Plan, MakePlanError> {
    make_plan_reusing(client, users, playbook, meta, baseline, None).await
}

/// [`make_plan`], reusing the facts a recent gather read (`recent`, the console's): an
/// account gathered within `reclaim_triage::gather::FRESH_FOR` is judged from them with its
/// rules, grants, methods and risk state as read for (or taken from the gather by) the plan,
/// and investigated no further.
pub async fn make_plan_reusing(
    client: &GraphClient,
    users: &[String],
    playbook: &Playbook,
    meta: &PlanMeta,
    baseline: Option<&Snapshot>,
    recent: Option<&RecentFacts>,
) -> Result<Plan, MakePlanError> {
    let states = read_accounts_raw(client, users, 4, recent)
        .await
        .map_err(|(u, e)| {
            if e.is_not_found() {
                MakePlanError::NoAccount(u)
            } else {
                MakePlanError::Graph {
                    account: u,
                    error: e,
                }
            }
        })?;
    let pack = std::sync::Arc::new(reclaim_triage::Pack::embedded());
    // Owned items in the streams: closures over borrowed items make the future fail `Send`
    // for the console's spawned tasks (rustc #102211).
    let mut inputs_owned: Vec<_> = states
        .iter()
        .map(|(s, raw)| {
            let id = s.user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
            let fresh = recent.and_then(|r| r.fresh(&id));
            (id, raw.known(), fresh)
        })
        .collect();
    // The tenant's verified domains once for every account investigated afresh (a failed read
    // is left to each investigation, which reports it).
    if inputs_owned.iter().any(|(_, _, fresh)| fresh.is_none()) {
        let domains = reclaim_triage::gather::verified_domains(client).await.ok();
        for (_, known, _) in &mut inputs_owned {
            known.domains = domains.clone();
        }
    }
    let found: Vec<_> = futures::stream::iter(inputs_owned)
        .map(|(id, known, fresh)| {
            let pack = pack.clone();
            async move {
                match fresh {
                    Some(f) => reclaim_triage::gather::refresh(client, pack, f, known).await,
                    None => {
                        reclaim_triage::gather::investigate_knowing(
                            client,
                            pack,
                            Default::default(),
                            &id,
                            known,
                        )
                        .await
                    }
                }
            }
        })
        .buffered(2)
        .collect()
        .await;
    let mut inputs = Vec::with_capacity(states.len());
    let mut notes_all = Vec::with_capacity(states.len());
    for ((state, _), inv) in states.into_iter().zip(found) {
        let upn = state
            .user
            .as_ref()
            .map(|u| u.user_principal_name.clone())
            .unwrap_or_default();
        let inv = inv.map_err(|error| MakePlanError::Graph {
            account: upn.clone(),
            error,
        })?;
        let mut evidence = evidence_from(&inv.assessment);
        let mut notes = inv.warnings.clone();
        if !inv.complete {
            notes.push(
                "some evidence could not be read: the plan may miss attacker artefacts".into(),
            );
        }
        if inv.assessment.verdict != reclaim_triage::Verdict::Compromised {
            notes.push(format!(
                "triage does not judge this account compromised (verdict {})",
                inv.assessment.verdict.as_str()
            ));
        }
        let id = state
            .user
            .as_ref()
            .map(|u| u.id.clone())
            .unwrap_or_default();
        if let Some(b) = baseline {
            notes.extend(apply_baseline(&mut evidence, &id, b));
        }
        let mut state = state;
        state.app_credentials = Some(
            super::app_footholds::read_holders(client, &evidence)
                .await
                .map_err(|error| MakePlanError::Graph {
                    account: upn.clone(),
                    error,
                })?,
        );
        state.app_role_grants = super::app_grants::read_for_evidence(client, &evidence)
            .await
            .map_err(|error| MakePlanError::Graph {
                account: upn.clone(),
                error,
            })?;
        inputs.push(AccountInput { state, evidence });
        notes_all.push(notes);
    }
    let mut plan = build_plan(meta, playbook, &inputs).map_err(MakePlanError::Plan)?;
    for (acct, notes) in plan.accounts.iter_mut().zip(notes_all) {
        acct.warnings.extend(notes);
    }
    plan.seal().map_err(MakePlanError::Plan)?;
    Ok(plan)
}

/// Reads every part of each account (by id or UPN), a few accounts at a time. The first
/// failure names the account.
pub async fn read_accounts(
    client: &GraphClient,
    users: &[String],
    concurrency: usize,
) -> Result<Vec<AccountState>, (String, GraphError)> {
    let read = read_accounts_raw(client, users, concurrency, None).await?;
    Ok(read.into_iter().map(|(s, _)| s).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook;
    use crate::state::UserState;

    #[test]
    fn a_built_plan_validates_and_says_why() {
        let state = AccountState {
            user: Some(UserState {
                id: "u1".into(),
                user_principal_name: "cfo@contoso.com".into(),
                account_enabled: Some(true),
                ..UserState::default()
            }),
            methods: Some(vec![]),
            ..AccountState::default()
        };
        let meta = PlanMeta {
            tenant: "t".into(),
            operator: "op".into(),
            incident: Some("INC-1".into()),
            delegated: false,
            created: Utc::now(),
        };
        let pb = playbook::find("lockdown", None).unwrap();
        let ev = Evidence {
            verdict: Some("compromised".into()),
            score: Some(90),
            ..Evidence::default()
        };
        let plan = build_plan(
            &meta,
            &pb,
            &[AccountInput {
                state,
                evidence: ev,
            }],
        )
        .unwrap();
        let back = Plan::from_json(&plan.to_json().unwrap()).unwrap();
        assert_eq!(back.step_count(), 3);
        let s = &back.accounts[0].steps[0];
        assert!(s.reversible);
        assert!(
            !back.accounts[0].steps[1].reversible,
            "revoke cannot be undone"
        );
        assert_eq!(
            s.verify,
            ["GET /v1.0/users/u1?$select=".to_string() + crate::state::USER_SELECT]
        );
        assert_eq!(back.incident, "INC-1");
        assert_eq!(back.accounts[0].assessment.as_ref().unwrap().score, 90);
    }
}
