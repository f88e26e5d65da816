//! What a journal says about each step, for resuming after a crash.
//!
//! For every step id the latest intent decides (a step retried after a failure has several):
//! - an outcome `succeeded` for it: [`StepState::Done`];
//! - an outcome `failed`: [`StepState::Failed`] (safe to retry: Graph refused it);
//! - no outcome, or an outcome `unknown`: [`StepState::Unknown`]: the request may have reached
//!   Graph; read the tenant before repeating anything, then write an outcome for the intent
//!   (its [`RecordRef`](super::record::RecordRef) is `intent.reference()`);
//! - an outcome `superseded` (a resumed run found it not done and runs it again): absent,
//!   like a step never started, until the new intent;
//! - no intent at all: never started (absent from the map).

use super::record::{Record, RecordKind, StepResult};
use std::collections::BTreeMap;

/// Where a step stands according to the journal.
#[derive(Debug, Clone, PartialEq)]
pub enum StepState {
    /// Succeeded: do not repeat. The outcome record (with its verification read).
    Done { intent: Record, outcome: Record },
    /// Graph refused it or the read-back disagreed: safe to retry after a re-plan.
    Failed {
        intent: Record,
        outcome: Record,
        error: String,
    },
    /// Sent or maybe sent, result not known: check the tenant before anything is repeated.
    Unknown(Record),
}

impl StepState {
    pub fn intent(&self) -> &Record {
        match self {
            StepState::Done { intent, .. } | StepState::Failed { intent, .. } => intent,
            StepState::Unknown(intent) => intent,
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            StepState::Done { .. } => "done",
            StepState::Failed { .. } => "failed",
            StepState::Unknown(_) => "unknown",
        }
    }
}

/// The state of every step the records mention, optionally only those of one plan.
pub fn step_states(records: &[Record], plan_id: Option<&str>) -> BTreeMap<String, StepState> {
    let mut latest: BTreeMap<String, StepState> = BTreeMap::new();
    let wanted = |r: &Record| plan_id.is_none_or(|p| r.plan_id.as_deref() == Some(p));
    for r in records.iter().filter(|r| wanted(r)) {
        let Some(step) = r.step_id.clone() else {
            continue;
        };
        match r.kind {
            RecordKind::Intent => {
                latest.insert(step, StepState::Unknown(r.clone()));
            }
            RecordKind::Outcome => {
                let Some(iref) = &r.intent else { continue };
                // Only an outcome for the step's latest intent changes its state.
                let current = latest.get(&step).map(|s| s.intent().reference());
                if current.as_ref() != Some(iref) {
                    continue;
                }
                let Some(
                    StepState::Done { intent, .. }
                    | StepState::Failed { intent, .. }
                    | StepState::Unknown(intent),
                ) = latest.remove(&step)
                else {
                    continue;
                };
                let state = match &r.result {
                    Some(StepResult::Succeeded) => StepState::Done {
                        intent,
                        outcome: r.clone(),
                    },
                    Some(StepResult::Failed { error }) => StepState::Failed {
                        intent,
                        outcome: r.clone(),
                        error: error.clone(),
                    },
                    Some(StepResult::Unknown) | None => StepState::Unknown(intent),
                    // Closed without effect: as if never started, until its new intent.
                    Some(StepResult::Superseded { .. }) => continue,
                };
                latest.insert(step, state);
            }
            _ => {}
        }
    }
    latest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordRef;
    use chrono::Utc;

    fn rec(seq: u64, kind: RecordKind, step: &str, intent: Option<u64>) -> Record {
        let mut r = Record::new(kind, "op", "t", Utc::now());
        r.seq = seq;
        r.hash = format!("h{seq}");
        r.plan_id = Some("p".into());
        r.step_id = Some(step.into());
        r.intent = intent.map(|s| RecordRef {
            seq: s,
            hash: format!("h{s}"),
        });
        r
    }

    #[test]
    fn latest_intent_decides() {
        let mut ok = rec(2, RecordKind::Outcome, "a", Some(1));
        ok.result = Some(StepResult::Succeeded);
        let mut failed = rec(4, RecordKind::Outcome, "b", Some(3));
        failed.result = Some(StepResult::Failed {
            error: "403".into(),
        });
        let mut retry_ok = rec(6, RecordKind::Outcome, "b", Some(5));
        retry_ok.result = Some(StepResult::Succeeded);
        let records = vec![
            rec(1, RecordKind::Intent, "a", None),
            ok,
            rec(3, RecordKind::Intent, "b", None),
            failed,
            rec(5, RecordKind::Intent, "b", None),
            retry_ok,
            rec(7, RecordKind::Intent, "c", None),
            rec(8, RecordKind::Intent, "d", None),
        ];
        let mut late = rec(9, RecordKind::Outcome, "d", Some(8));
        late.result = Some(StepResult::Unknown);
        let mut records = records;
        records.push(late);
        let s = step_states(&records, Some("p"));
        assert_eq!(s["a"].label(), "done");
        assert_eq!(s["b"].label(), "done");
        assert_eq!(s["c"].label(), "unknown");
        assert_eq!(s["d"].label(), "unknown");
        assert!(!s.contains_key("e"));
        assert!(step_states(&records, Some("other")).is_empty());
    }
}
