//! What earlier applies left, read back from the journal: which accounts they contained (the
//! console's table marks them) and which applies were cut off before their summary (the
//! console says how to finish them).

use super::report::Applied;
use reclaim_audit::record::{Record, RecordKind, StepResult};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What the console learns from the journal when a tenant's accounts load.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EarlierApplies {
    /// Accounts by id.
    pub marks: HashMap<String, Applied>,
    /// Applies without a summary, oldest first.
    pub unfinished: Vec<Unfinished>,
}

impl EarlierApplies {
    /// From the journal's records; a cut-off apply's plan file is named when the console
    /// saved it under `audit_dir` and it is still there.
    pub fn read(records: &[Record], audit_dir: &Path) -> EarlierApplies {
        let unfinished = unfinished_applies(records)
            .into_iter()
            .map(|plan_id| Unfinished {
                plan_file: crate::service::plan_file_in(audit_dir, &plan_id)
                    .filter(|f| f.is_file()),
                plan_id,
            })
            .collect();
        EarlierApplies {
            marks: applied_marks(records),
            unfinished,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unfinished {
    pub plan_id: String,
    /// The plan file the console saved before applying, if it is still there.
    pub plan_file: Option<PathBuf>,
}

/// Each account's mark from the journal (records in journal order): the latest apply that
/// sent something for the account decides (its `apply-summary` lists outcomes by id), and an
/// undo that may have taken effect afterwards makes a contained account `partial`. Journals
/// written before summaries listed their accounts give no marks.
pub fn applied_marks(records: &[Record]) -> HashMap<String, Applied> {
    let mut marks = HashMap::new();
    // Undo intents (journal seq) and the account each reverses.
    let mut undos = HashMap::new();
    for r in records {
        match r.kind {
            RecordKind::Intent if r.action.as_deref().is_some_and(|a| a.starts_with("undo:")) => {
                if let Some(id) = r.before.as_ref().and_then(|b| b["userId"].as_str()) {
                    undos.insert(r.seq, id.to_string());
                }
            }
            RecordKind::Outcome if !matches!(r.result, Some(StepResult::Failed { .. })) => {
                let undone = r.intent.as_ref().and_then(|i| undos.get(&i.seq));
                if let Some(mark) = undone.and_then(|id| marks.get_mut(id)) {
                    *mark = Applied::Partial;
                }
            }
            RecordKind::Note if r.note.as_deref() == Some("apply-summary") => {
                let outcomes = r.data.as_ref().and_then(|d| d.get("outcomes")?.as_array());
                for o in outcomes.into_iter().flatten() {
                    let (Some(id), Some(outcome)) = (o["userId"].as_str(), o["outcome"].as_str())
                    else {
                        continue;
                    };
                    if let Some(mark) = Applied::from_outcome(outcome) {
                        marks.insert(id.to_string(), mark);
                    }
                }
            }
            _ => {}
        }
    }
    marks
}

/// Plans whose apply started (`apply-started`) and never wrote its `apply-summary`, oldest
/// first: cut off (a crash, a dropped session, a kill), or running right now in another
/// process. A later apply of the same plan that finished clears it.
pub fn unfinished_applies(records: &[Record]) -> Vec<String> {
    let mut open: Vec<String> = Vec::new();
    for r in records.iter().filter(|r| r.kind == RecordKind::Note) {
        let Some(plan) = r.plan_id.as_deref() else {
            continue;
        };
        match r.note.as_deref() {
            Some("apply-started") => {
                open.retain(|p| p != plan);
                open.push(plan.to_string());
            }
            Some("apply-summary") => open.retain(|p| p != plan),
            _ => {}
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn summary(data: Value) -> Record {
        let mut r = Record::new(RecordKind::Note, "op", "t", chrono::Utc::now());
        r.note = Some("apply-summary".into());
        r.data = Some(data);
        r
    }

    fn outcomes(list: &[(&str, &str)]) -> Value {
        let o: Vec<Value> = list
            .iter()
            .map(|(id, o)| json!({ "userId": id, "outcome": o }))
            .collect();
        json!({ "accounts": list.len(), "outcomes": o })
    }

    #[test]
    fn the_latest_apply_that_sent_something_decides_an_accounts_mark() {
        let mut other = summary(outcomes(&[("x", "completed")]));
        other.note = Some("plan-created".into());
        let records = vec![
            // Written before summaries listed accounts: no marks from it.
            summary(json!({ "accounts": 1, "completed": 1 })),
            summary(outcomes(&[
                ("a", "stopped"),
                ("b", "completed"),
                ("c", "completed"),
            ])),
            other,
            summary(outcomes(&[
                ("a", "completed"),
                ("b", "stopped"),
                ("c", "drift"),
            ])),
            summary(outcomes(&[
                ("d", "unreadable"),
                ("e", "unknownFutureValue"),
            ])),
        ];
        let marks = applied_marks(&records);
        assert_eq!(marks.get("a"), Some(&Applied::Contained));
        assert_eq!(marks.get("b"), Some(&Applied::Partial));
        // Nothing was sent on drift: the earlier apply's mark stands.
        assert_eq!(marks.get("c"), Some(&Applied::Contained));
        assert_eq!(marks.len(), 3, "{marks:?}");
    }

    #[test]
    fn an_undo_that_may_have_taken_effect_leaves_the_account_partial() {
        let undo = |seq: u64, user: &str| {
            let mut r = Record::new(RecordKind::Intent, "op", "t", chrono::Utc::now());
            r.seq = seq;
            r.action = Some("undo:disable-signin".into());
            r.before = Some(json!({ "userId": user }));
            r
        };
        let outcome = |seq: u64, result: StepResult| {
            let mut r = Record::new(RecordKind::Outcome, "op", "t", chrono::Utc::now());
            r.intent = Some(reclaim_audit::RecordRef {
                seq,
                hash: String::new(),
            });
            r.result = Some(result);
            r
        };
        let records = vec![
            summary(outcomes(&[
                ("a", "completed"),
                ("b", "completed"),
                ("c", "completed"),
            ])),
            undo(10, "a"),
            outcome(10, StepResult::Succeeded),
            undo(12, "b"),
            outcome(
                12,
                StepResult::Failed {
                    error: "refused".into(),
                },
            ),
            undo(14, "c"),
            outcome(14, StepResult::Unknown),
            // Applied again after the undo: contained again.
            undo(16, "d"),
            outcome(16, StepResult::Succeeded),
            summary(outcomes(&[("d", "completed")])),
        ];
        let marks = applied_marks(&records);
        assert_eq!(marks.get("a"), Some(&Applied::Partial));
        assert_eq!(marks.get("b"), Some(&Applied::Contained), "a refused undo");
        assert_eq!(
            marks.get("c"),
            Some(&Applied::Partial),
            "an undo that may have run"
        );
        assert_eq!(marks.get("d"), Some(&Applied::Contained));
    }

    fn note(kind: &str, plan: &str) -> Record {
        let mut r = Record::new(RecordKind::Note, "op", "t", chrono::Utc::now());
        r.note = Some(kind.into());
        r.plan_id = Some(plan.into());
        r.data = Some(json!({}));
        r
    }

    #[test]
    fn an_apply_without_its_summary_is_unfinished_until_a_later_run_ends_it() {
        let records = vec![
            note("apply-started", "p1"),
            note("apply-summary", "p1"),
            note("apply-started", "p2"),
            note("plan-created", "p3"),
            note("apply-started", "p4"),
            // p4 cut off, resumed, cut off again: listed once, as the newest.
            note("apply-started", "p4"),
            note("apply-started", "p5"),
            note("apply-summary", "p5"),
        ];
        assert_eq!(unfinished_applies(&records), ["p2", "p4"]);
        let mut finished = records.clone();
        finished.push(note("apply-started", "p2"));
        finished.push(note("apply-summary", "p2"));
        assert_eq!(unfinished_applies(&finished), ["p4"]);
    }
}
