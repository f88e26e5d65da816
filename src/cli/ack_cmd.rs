//! `reclaim ack STEP_ID [--note TEXT]`: the operator confirms a manual step the plan handed
//! over (the Exchange check). Journaled; sends nothing to Graph. Exit 2 for a step id that was
//! never handed over or is already acknowledged.

use super::connect::connect;
use super::contain_cmd::{audit_dir, claims_of, tenant_of};
use super::{AckArgs, CliError, CliResult, Exit, GlobalOpts};
use reclaim_audit::Journal;
use reclaim_contain::exchange::{self, AcknowledgeError};
use reclaim_core::sanitize::inert;

pub async fn ack_cmd(g: &GlobalOpts, args: AckArgs) -> CliResult {
    let client = connect(g).await?;
    let claims = claims_of(&client).await?;
    let tenant = tenant_of(&claims, g)?;
    let journal = Journal::open(
        &audit_dir(g)?,
        &tenant,
        &claims.principal(),
        super::connect::default_store(g)?,
    )
    .map_err(|e| CliError::failure(e.to_string()))?;
    let done = exchange::acknowledge(&journal, &args.step, args.note.as_deref()).await;
    let closed = journal.close();
    match done {
        Ok(()) => {}
        Err(AcknowledgeError::Refused(e)) => return Err(CliError::usage(e.to_string())),
        Err(e) => return Err(CliError::failure(e.to_string())),
    }
    closed.map_err(|e| CliError::failure(e.to_string()))?;
    outln!(
        "acknowledged {}: the Exchange check was carried out{}",
        inert(&args.step),
        args.note
            .as_deref()
            .map(|n| format!(" ({})", inert(n)))
            .unwrap_or_default()
    )?;
    Ok(Exit::Success)
}
