//! Where an account stands when apply starts: what the journal says is done, what the tenant
//! shows about steps an earlier run left with an unknown outcome, and drift.

use super::op::Op;
use super::plan::AccountPlan;
use super::state::AccountState;
use super::verify::Check;
use reclaim_audit::StepState;
use std::collections::BTreeMap;

/// Where an account stands before anything is sent: which steps the journal (or, for steps
/// cut off by a crash, the tenant) shows done, and how the tenant differs from what the plan
/// expects by now (drift).
pub struct Resolution {
    pub done: Vec<bool>,
    /// Unknown steps the tenant shows took effect: their intent and the check.
    pub recovered: Vec<Option<(reclaim_audit::Record, Check)>>,
    pub changes: Vec<String>,
}

pub fn resolve(
    acct: &AccountPlan,
    now: &AccountState,
    states: &BTreeMap<String, StepState>,
) -> Resolution {
    let mut expected = acct.before.clone();
    let mut recovered: Vec<Option<(reclaim_audit::Record, Check)>> = vec![None; acct.steps.len()];
    let mut done = vec![false; acct.steps.len()];
    for (i, step) in acct.steps.iter().enumerate() {
        match states.get(&step.id) {
            Some(StepState::Done { .. }) => done[i] = true,
            Some(StepState::Unknown(intent)) => {
                let check = step.op.check(&acct.before, now, None);
                if check.ok {
                    done[i] = true;
                    recovered[i] = Some((intent.clone(), check));
                }
            }
            _ => {}
        }
        if done[i] {
            step.op.project(&mut expected);
        }
    }
    // New Temporary Access Passes are expected when the plan issues one.
    let issues_tap = acct
        .steps
        .iter()
        .any(|s| matches!(s.op, Op::IssueTap { .. }));
    let keep: Vec<String> = acct
        .before
        .methods
        .iter()
        .flatten()
        .map(|m| m.id.clone())
        .collect();
    let taps = issues_tap.then_some(keep.as_slice());
    let changes = super::state::diff(&expected.fingerprint(taps), &now.fingerprint(taps));
    Resolution {
        done,
        recovered,
        changes,
    }
}

/// The parts apply reads before starting an account: what drift is judged on, plus the risk
/// only when a confirm-compromised step's outcome must be checked (Identity Protection allows
/// one request per second for the whole tenant), and the sign-in preferences only when a
/// default-method step's outcome must be.
pub fn start_parts(
    acct: &AccountPlan,
    states: &BTreeMap<String, StepState>,
) -> Vec<super::state::Part> {
    use super::state::Part;
    let unknown = |is: fn(&Op) -> bool| {
        acct.steps
            .iter()
            .any(|s| is(&s.op) && matches!(states.get(&s.id), Some(StepState::Unknown(_))))
    };
    let unknown_confirm = unknown(|op| matches!(op, Op::ConfirmCompromised));
    // The default MFA method is not part of the drift fingerprint: read only to settle a step.
    let unknown_default = unknown(|op| matches!(op, Op::SetDefaultMfa { .. }));
    super::read::parts_of(&acct.before)
        .into_iter()
        .filter(|p| match p {
            Part::Risk => unknown_confirm,
            Part::Preferences => unknown_default,
            _ => true,
        })
        .collect()
}
