//! What undoing a step would do, said before anything is sent: the console's undo
//! confirmation shows it. Worked out from the journal alone (the recorded pre-state and the
//! reversing op of `undo::reverse`), so it needs no network; the undo itself still
//! reads the tenant first and changes nothing if the step's effect is gone.

use super::op::Op;
use super::undo::{find_applied, reverse};
use reclaim_audit::{Record, RecordKind};
use reclaim_core::sanitize::inert;
use reclaim_graph::models::MethodKind;
use serde_json::Value;

/// The confirmation's content. Every string is inert (tenant text made safe to draw).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UndoPreview {
    pub step: String,
    /// The step's action, e.g. `restore-phone` (empty if the journal does not say).
    pub action: String,
    /// The account it acted on.
    pub target: String,
    pub incident: String,
    /// What the undo puts back, one line each, from the recorded pre-state.
    pub restores: Vec<String>,
    /// The request the undo sends, e.g. `PATCH /users/{id}/authentication/phoneMethods/...`.
    pub request: Option<String>,
    /// Why the step cannot be undone; `None` when it can.
    pub blocked: Option<String>,
}

impl UndoPreview {
    pub fn can_undo(&self) -> bool {
        self.blocked.is_none()
    }
}

/// The preview of undoing `step` given the journal's records.
pub fn preview(records: &[Record], step: &str) -> UndoPreview {
    let mut p = UndoPreview {
        step: inert(step).into_owned(),
        ..UndoPreview::default()
    };
    // What the journal says about the step, even when it cannot be undone.
    if let Some(intent) = records
        .iter()
        .find(|r| r.step_id.as_deref() == Some(step) && r.kind == RecordKind::Intent)
    {
        p.action = inert(intent.action.as_deref().unwrap_or("")).into_owned();
        p.target = inert(intent.target.as_deref().unwrap_or("")).into_owned();
        p.incident = inert(intent.incident.as_deref().unwrap_or("")).into_owned();
    }
    let applied = match find_applied(records, step) {
        Ok(a) => a,
        Err(e) => {
            p.blocked = Some(inert(&e.to_string()).into_owned());
            return p;
        }
    };
    let op = match reverse(
        applied.action,
        &applied.op,
        &applied.before,
        applied.created.as_deref(),
    ) {
        Ok(op) => op,
        Err(why) => {
            p.blocked = Some(inert(&why).into_owned());
            return p;
        }
    };
    p.restores = restores(&op, &applied.op, &applied.before)
        .into_iter()
        .map(|l| inert(&l).into_owned())
        .collect();
    p.request = op
        .request(&applied.user_id)
        .ok()
        .map(|r| inert(&format!("{} {}", r.method.as_str(), r.path)).into_owned());
    p
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "(not recorded)".into(),
        Some(other) => other.to_string(),
    }
}

/// The reversing op in words, naming the recorded values it puts back.
fn restores(undo: &Op, done: &Op, before: &Value) -> Vec<String> {
    match undo {
        Op::SetAccountEnabled { enabled } => vec![format!(
            "sign-in {} again (accountEnabled = {enabled}, as recorded before the step)",
            if *enabled { "allowed" } else { "blocked" }
        )],
        Op::SetPhoneNumber { phone_type, number } => {
            let now = match done {
                Op::SetPhoneNumber { number, .. } => number.clone(),
                _ => String::new(),
            };
            vec![format!(
                "the {phone_type} phone number back to {number} (the step set it to {now})"
            )]
        }
        Op::AddPhone { phone_type, number } => vec![format!(
            "the {phone_type} phone {number} the step deleted, registered again"
        )],
        Op::DeleteMethod {
            kind: MethodKind::TemporaryAccessPass,
            method_id,
        } => vec![format!(
            "the Temporary Access Pass the step issued ({method_id}) deleted"
        )],
        Op::DeleteMethod { method_id, .. } => vec![format!(
            "the phone method the step added ({method_id}) deleted"
        )],
        Op::CreateRule { rule } => {
            let mut lines = vec![format!(
                "inbox rule \"{}\" recreated from its recorded definition",
                text(rule, "displayName")
            )];
            if let Some(actions) = rule.get("actions").and_then(Value::as_object) {
                let names: Vec<&str> = actions.keys().map(String::as_str).collect();
                lines.push(format!("  with its actions: {}", names.join(", ")));
            }
            lines.push("  (Graph gives the recreated rule a new id)".into());
            lines
        }
        Op::SetRuleEnabled { enabled, .. } => vec![format!(
            "inbox rule \"{}\" turned {} again",
            text(before, "displayName"),
            if *enabled { "on" } else { "off" }
        )],
        other => vec![format!("{other:?}")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reclaim_audit::StepResult;
    use serde_json::json;

    fn step(id: &str, action: &str, op: Value, state: Value, ok: bool) -> Vec<Record> {
        let now = chrono::Utc::now();
        let mut intent = Record::new(RecordKind::Intent, "op", "t", now);
        intent.seq = 1;
        intent.hash = format!("h-{id}");
        intent.incident = Some("INC-1".into());
        intent.plan_id = Some("plan-1".into());
        intent.step_id = Some(id.into());
        intent.action = Some(action.into());
        intent.target = Some("dana@contoso.com\u{1b}[2J".into());
        intent.before = Some(json!({"userId": "u1", "op": op, "state": state}));
        let mut outcome = Record::new(RecordKind::Outcome, "op", "t", now);
        outcome.seq = 2;
        outcome.step_id = Some(id.into());
        outcome.action = Some(action.into());
        outcome.intent = Some(intent.reference());
        outcome.result = Some(if ok {
            StepResult::Succeeded
        } else {
            StepResult::Failed {
                error: "403".into(),
            }
        });
        vec![intent, outcome]
    }

    #[test]
    fn a_reversible_step_names_the_recorded_value_it_restores() {
        let records = step(
            "s1",
            "restore-phone",
            json!({"op": "setPhoneNumber", "phoneType": "mobile", "number": "+1 5550100"}),
            json!({"phoneType": "mobile", "phoneNumber": "+44 7700900123"}),
            true,
        );
        let p = preview(&records, "s1");
        assert!(p.can_undo(), "{p:?}");
        assert_eq!(p.action, "restore-phone");
        assert_eq!(p.incident, "INC-1");
        assert!(!p.target.contains('\u{1b}'), "{:?}", p.target);
        assert_eq!(
            p.restores,
            ["the mobile phone number back to +44 7700900123 (the step set it to +1 5550100)"]
        );
        let req = p.request.unwrap();
        assert!(
            req.starts_with("PATCH ") && req.contains("/users/u1/"),
            "{req}"
        );
    }

    #[test]
    fn steps_that_cannot_be_undone_say_why() {
        let revoke = step(
            "s1",
            "revoke-sessions",
            json!({"op": "revokeSessions"}),
            json!({}),
            true,
        );
        let p = preview(&revoke, "s1");
        assert!(!p.can_undo());
        let why = p.blocked.unwrap();
        assert!(why.contains("cannot be undone"), "{why}");
        assert_eq!(p.action, "revoke-sessions");

        let failed = step(
            "s2",
            "disable-signin",
            json!({"op": "setAccountEnabled", "enabled": false}),
            json!({"accountEnabled": true}),
            false,
        );
        let why = preview(&failed, "s2").blocked.unwrap();
        assert!(why.contains("not applied successfully"), "{why}");
        let why = preview(&failed, "nope").blocked.unwrap();
        assert!(why.contains("no step `nope`"), "{why}");
    }
}
