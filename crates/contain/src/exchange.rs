//! `exchange-check`: what Graph cannot see. Mailbox forwarding (`ForwardingSmtpAddress`,
//! `ForwardingAddress`), MAPI-hidden inbox rules and mailbox delegation (FullAccess, SendAs,
//! SendOnBehalf) are invisible to Graph's v1.0 and beta APIs (REFERENCE §5), so for every
//! mailbox of a contained account the plan hands the operator the exact Exchange Online
//! PowerShell commands that list and remove them. The hand-over is journaled; the account
//! counts as contained only once the operator confirms (`reclaim ack STEP_ID`, journaled).

use super::action::ActionKind;
use super::expand::Ctx;
use super::state::RulesState;
use reclaim_audit::Record;
use reclaim_core::sanitize::inert;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Journal note written when apply hands a manual step over.
pub const HANDED_OVER: &str = "exchange-check-handed-over";
/// Journal note written by `reclaim ack`.
pub const ACKNOWLEDGED: &str = "exchange-check-acknowledged";

/// A step reclaim cannot do through Graph: shown, journaled as handed over, confirmed by the
/// operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManualStep {
    pub id: String,
    pub action: ActionKind,
    /// The mailbox (the account's UPN) the commands are for.
    pub mailbox: String,
    pub summary: String,
    /// Exchange Online PowerShell, one command a line, in the order to run them.
    pub commands: Vec<String>,
    pub why: Vec<String>,
}

/// Before it gets its id.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualDraft {
    pub action: ActionKind,
    pub mailbox: String,
    pub summary: String,
    pub commands: Vec<String>,
    pub why: Vec<String>,
}

/// The manual steps of account `account`, numbered after its `graph_steps` Graph steps.
pub(crate) fn number(
    drafts: Vec<ManualDraft>,
    plan_id: &str,
    account: usize,
    graph_steps: usize,
) -> Vec<ManualStep> {
    drafts
        .into_iter()
        .enumerate()
        .map(|(k, m)| ManualStep {
            id: super::plan::step_id(plan_id, account, graph_steps + k),
            action: m.action,
            mailbox: m.mailbox,
            summary: m.summary,
            commands: m.commands,
            why: m.why,
        })
        .collect()
}

/// A PowerShell single-quoted string: nothing inside is interpreted; quotes are doubled.
fn ps_quote(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    format!("'{}'", clean.replace('\'', "''"))
}

/// The commands for one mailbox: list, then remove, forwarding, hidden rules and delegates.
/// `<...>` marks what the operator fills in from the listing just above.
pub fn exchange_commands(mailbox: &str) -> Vec<String> {
    let m = ps_quote(mailbox);
    vec![
        "Connect-ExchangeOnline".to_string(),
        format!("Get-Mailbox -Identity {m} | Format-List ForwardingSmtpAddress,ForwardingAddress,DeliverToMailboxAndForward,GrantSendOnBehalfTo"),
        format!("Set-Mailbox -Identity {m} -ForwardingSmtpAddress $null -ForwardingAddress $null -DeliverToMailboxAndForward $false -GrantSendOnBehalfTo $null"),
        format!("Get-InboxRule -Mailbox {m} -IncludeHidden | Format-List Name,Identity,Enabled,ForwardTo,ForwardAsAttachmentTo,RedirectTo,MoveToFolder,DeleteMessage"),
        format!("Remove-InboxRule -Mailbox {m} -Identity '<rule Identity from Get-InboxRule>' -Confirm:$false"),
        format!("Get-MailboxPermission -Identity {m} | Where-Object {{ -not $_.IsInherited -and $_.User -notlike 'NT AUTHORITY\\SELF' }}"),
        format!("Remove-MailboxPermission -Identity {m} -User '<User from Get-MailboxPermission>' -AccessRights FullAccess -InheritanceType All -Confirm:$false"),
        format!("Get-RecipientPermission -Identity {m} | Where-Object {{ $_.Trustee -notlike 'NT AUTHORITY\\SELF' }}"),
        format!("Remove-RecipientPermission -Identity {m} -Trustee '<Trustee from Get-RecipientPermission>' -AccessRights SendAs -Confirm:$false"),
    ]
}

/// `exchange-check` for one account: one manual step for its mailbox (none without one).
pub(crate) fn draft(cx: &mut Ctx<'_>) {
    let a = ActionKind::ExchangeCheck;
    let Some(user) = cx.work.user.clone() else {
        cx.skip(a, "the account's properties could not be read");
        return;
    };
    if matches!(cx.work.rules, Some(RulesState::NoMailbox)) {
        cx.skip(a, "the account has no Exchange Online mailbox");
        return;
    }
    let mailbox = user.user_principal_name.clone();
    cx.manual(ManualDraft {
        action: a,
        summary: format!(
            "Check mailbox {} in Exchange Online: forwarding, hidden inbox rules, FullAccess and SendAs delegates (Graph cannot see them); confirm with `reclaim ack`",
            inert(&mailbox)
        ),
        commands: exchange_commands(&mailbox),
        mailbox,
        why: vec![
            "Graph lists neither mailbox forwarding, MAPI-hidden inbox rules nor mailbox permissions; attackers use all three to keep reading mail".into(),
        ],
    });
}

/// The `apply-summary` outcome of an account whose Exchange check is not yet confirmed.
pub const PENDING_OUTCOME: &str = "exchange-pending";

/// A manual step as apply reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandOver {
    pub id: String,
    pub action: ActionKind,
    pub mailbox: String,
    pub commands: Vec<String>,
    pub acknowledged: bool,
}

/// The hand-over as the terminal shows it (tenant text inert).
pub fn render_handed_over(list: &[HandOver]) -> String {
    let mut out = String::new();
    for h in list {
        if h.acknowledged {
            out.push_str(&format!(
                "  [{}] {:<24} acknowledged: Exchange check of {} confirmed\n",
                h.id,
                h.action.name(),
                inert(&h.mailbox)
            ));
            continue;
        }
        out.push_str(&format!(
            "  [{}] {:<24} HANDED OVER: run in Exchange Online PowerShell for {}, then `reclaim ack {}`:\n",
            h.id,
            h.action.name(),
            inert(&h.mailbox),
            h.id
        ));
        for c in &h.commands {
            out.push_str(&format!("        {}\n", inert(c)));
        }
    }
    out
}

/// What the journal says about manual steps: handed over, and acknowledged (with the note).
#[derive(Debug, Clone, Default)]
pub struct ManualStates {
    pub handed_over: BTreeSet<String>,
    pub acknowledged: BTreeMap<String, String>,
}

pub fn manual_states(records: &[Record]) -> ManualStates {
    let mut out = ManualStates::default();
    for r in records {
        let (Some(kind), Some(step)) = (r.note.as_deref(), r.step_id.as_deref()) else {
            continue;
        };
        match kind {
            HANDED_OVER => {
                out.handed_over.insert(step.to_string());
            }
            ACKNOWLEDGED => {
                let note = r
                    .data
                    .as_ref()
                    .and_then(|d| d.get("note"))
                    .and_then(|n| n.as_str())
                    .unwrap_or_default();
                out.acknowledged.insert(step.to_string(), note.to_string());
            }
            _ => {}
        }
    }
    out
}

/// Why `reclaim ack` refuses a step id.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AckError {
    #[error("no manual step `{}` was handed over in this tenant's journal (run `reclaim apply` first; `reclaim audit show` lists the steps)", inert(.0))]
    NotHandedOver(String),
    #[error("step {0} was already acknowledged")]
    Already(String),
}

/// The step id `reclaim ack` may record, or why not.
pub fn check_ack(records: &[Record], step: &str) -> Result<(), AckError> {
    let s = manual_states(records);
    if !s.handed_over.contains(step) {
        return Err(AckError::NotHandedOver(step.to_string()));
    }
    if s.acknowledged.contains_key(step) {
        return Err(AckError::Already(step.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_quote_the_mailbox_and_cover_every_blind_spot() {
        let c = exchange_commands("o'brien@contoso.com\u{1b}[2J").join("\n");
        assert!(c.contains("-Identity 'o''brien@contoso.com[2J'"));
        assert!(!c.contains('\u{1b}'));
        for want in [
            "ForwardingSmtpAddress",
            "ForwardingAddress",
            "Get-InboxRule -Mailbox",
            "-IncludeHidden",
            "Get-MailboxPermission",
            "Get-RecipientPermission",
            "Set-Mailbox",
            "Remove-InboxRule",
            "Remove-MailboxPermission",
            "Remove-RecipientPermission",
        ] {
            assert!(c.contains(want), "{want}");
        }
    }
}

/// Why an acknowledgement was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum AcknowledgeError {
    #[error(transparent)]
    Refused(#[from] AckError),
    #[error(transparent)]
    Journal(#[from] reclaim_audit::AuditError),
}

/// `reclaim ack STEP_ID [--note]`: records that the operator carried out a handed-over manual
/// step, under the hand-over's incident, plan and account.
pub async fn acknowledge(
    journal: &reclaim_audit::Journal,
    step: &str,
    note: Option<&str>,
) -> Result<(), AcknowledgeError> {
    let records = journal.records()?;
    check_ack(&records, step)?;
    let handed = records
        .iter()
        .rev()
        .find(|r| r.note.as_deref() == Some(HANDED_OVER) && r.step_id.as_deref() == Some(step));
    let note = reclaim_audit::Note {
        kind: ACKNOWLEDGED.into(),
        incident: handed.and_then(|r| r.incident.clone()).unwrap_or_default(),
        plan_id: handed.and_then(|r| r.plan_id.clone()),
        step_id: Some(step.to_string()),
        target: handed.and_then(|r| r.target.clone()),
        data: serde_json::json!({ "note": note.unwrap_or_default() }),
    };
    journal.note_async(note).await?;
    Ok(())
}
