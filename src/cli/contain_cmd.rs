//! `reclaim plan`, `apply`, `snapshot` and `undo` (CONTRACT.md; docs/containment.md).
//!
//! Exit codes: 0 everything done and verified; 1 failure (nothing done, `--read-only`
//! refusal); 2 usage (bad arguments, malformed or tampered plan, no terminal without
//! `--yes`); 3 partial; 4 a permission is missing.

use super::connect::connect;
use super::output;
use super::{ApplyArgs, CliError, CliResult, Exit, GlobalOpts, PlanArgs, SnapshotArgs, UndoArgs};
use reclaim_audit::{self as audit, Journal};
use reclaim_contain::apply::{apply, ApplyOptions, SecretSink};
use reclaim_contain::planner::{make_plan, MakePlanError, PlanMeta};
use reclaim_contain::report::{ApplyEvent, StepStatus, Verdict};
use reclaim_contain::snapshot::{self, Snapshot};
use reclaim_contain::undo::{self, UndoError};
use reclaim_contain::{playbook, ActionKind, Plan, Playbook};
use reclaim_core::sanitize::inert;
use reclaim_graph::auth::claims::TokenClaims;
use reclaim_graph::GraphClient;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Where the generated password and the Temporary Access Pass go: the terminal, once.
/// `RECLAIM_SECRET_OUTPUT=stderr` forces stderr (scripts that capture it on purpose).
pub struct TerminalSink;

impl SecretSink for TerminalSink {
    fn show(&self, account: &str, step_id: &str, what: &str, secret: &str) {
        let line = format!(
            "\n*** {} [{step_id}] {what}: {}\n*** shown once; reclaim keeps no copy. Hand it to the verified owner out of band.\n\n",
            inert(account),
            inert(secret)
        );
        let forced = std::env::var("RECLAIM_SECRET_OUTPUT").is_ok_and(|v| v == "stderr");
        if !forced && !std::io::stderr().is_terminal() {
            // stderr may be a log file: prefer the controlling terminal when there is one.
            if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
                if tty.write_all(line.as_bytes()).is_ok() {
                    return;
                }
            }
            errln!("reclaim: warning: no terminal; the secret below goes to stderr, wherever that is kept");
        }
        errp!("{line}");
    }
}

pub(super) fn audit_dir(g: &GlobalOpts) -> Result<PathBuf, CliError> {
    match &g.audit_dir {
        Some(d) => Ok(d.clone()),
        None => audit::default_audit_dir().ok_or_else(|| {
            CliError::failure("no state directory on this platform: pass --audit-dir")
        }),
    }
}

pub(super) async fn claims_of(client: &GraphClient) -> Result<TokenClaims, CliError> {
    Ok(client.claims().await?.unwrap_or_default())
}

pub(super) fn tenant_of(claims: &TokenClaims, g: &GlobalOpts) -> Result<String, CliError> {
    claims
        .tid
        .clone()
        .or_else(|| g.tenant.clone())
        .ok_or_else(|| CliError::usage("cannot tell the tenant id: pass --tenant"))
}

fn choose_playbook(g: &GlobalOpts, args: &PlanArgs) -> Result<Playbook, CliError> {
    if !args.actions.is_empty() {
        if args.playbook.is_some() {
            return Err(CliError::usage(
                "give either --playbook or --action, not both",
            ));
        }
        let actions = args
            .actions
            .iter()
            .map(|a| ActionKind::parse(a))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CliError::usage(e.to_string()))?;
        return Playbook::from_actions(&actions).map_err(|e| CliError::usage(e.to_string()));
    }
    let dir = playbook::user_dir(g.config.as_deref());
    let name = args
        .playbook
        .as_deref()
        .unwrap_or(playbook::DEFAULT_PLAYBOOK);
    playbook::find(name, dir.as_deref()).map_err(|e| CliError::usage(e.to_string()))
}

pub async fn plan(g: &GlobalOpts, args: PlanArgs) -> CliResult {
    let pb = choose_playbook(g, &args)?;
    let client = connect(g).await?;
    let claims = claims_of(&client).await?;
    let tenant = tenant_of(&claims, g)?;
    let baseline = snapshot::default_path(&tenant)
        .filter(|p| p.exists())
        .and_then(|p| match Snapshot::load(&p) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!("the baseline snapshot is not used: {e}");
                errln!("reclaim: warning: the baseline snapshot is not used: {e}");
                None
            }
        });
    let meta = PlanMeta {
        tenant,
        operator: claims.principal(),
        incident: None,
        delegated: claims.is_delegated(),
        created: chrono::Utc::now(),
    };
    let plan = make_plan(&client, &args.users, &pb, &meta, baseline.as_ref())
        .await
        .map_err(|e| match e {
            MakePlanError::NoAccount(_) => CliError::usage(e.to_string()),
            MakePlanError::Graph { ref error, .. } if error.is_missing_permission() => {
                CliError::new(Exit::MissingPermission, e.to_string())
            }
            other => CliError::failure(other.to_string()),
        })?;
    for a in &plan.accounts {
        for n in a
            .warnings
            .iter()
            .filter(|w| !w.starts_with("revocation") && !w.starts_with("Graph cannot"))
        {
            errln!("reclaim: {}: {}", inert(&a.user_principal_name), inert(n));
        }
    }
    match &args.output {
        Some(path) => plan
            .save(path)
            .map_err(|e| CliError::failure(e.to_string()))?,
        None => output::json(
            &plan
                .to_json()
                .map_err(|e| CliError::failure(e.to_string()))?,
        )?,
    }
    errln!(
        "reclaim: plan {} ({}): {} accounts, {} steps{}",
        plan.id,
        inert(&plan.playbook.name),
        plan.accounts.len(),
        plan.step_count(),
        args.output
            .as_ref()
            .map(|p| format!(", written to {}", p.display()))
            .unwrap_or_default()
    );
    // The plan stands (another principal may apply it), but this token cannot: say so.
    if let Some(list) = missing_permissions(&claims, &plan) {
        errln!("reclaim: this token cannot apply the plan: {list}");
        return Ok(Exit::MissingPermission);
    }
    Ok(Exit::Success)
}

fn load_plan(args: &ApplyArgs) -> Result<Plan, CliError> {
    Plan::load(&args.file).map_err(|e| CliError::usage(e.to_string()))
}

/// Asks on the terminal; multi-account or irreversible work needs the count or the UPN typed.
fn confirm(plan: &Plan) -> Result<bool, CliError> {
    let irreversible = plan
        .accounts
        .iter()
        .flat_map(|a| &a.steps)
        .filter(|s| !s.reversible)
        .count();
    errln!(
        "About to apply plan {} to {} account(s): {} steps, {irreversible} of them cannot be undone.",
        plan.id,
        plan.accounts.len(),
        plan.step_count()
    );
    for a in &plan.accounts {
        errln!(
            "  {} ({} steps)",
            inert(&a.user_principal_name),
            a.steps.len()
        );
    }
    let expected = match plan.accounts.as_slice() {
        [one] if irreversible > 0 => one.user_principal_name.clone(),
        [_] => "yes".to_string(),
        many => many.len().to_string(),
    };
    errp!(
        "Type `{}` to go ahead (anything else cancels): ",
        inert(&expected)
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| CliError::failure(format!("cannot read the answer: {e}")))?;
    Ok(line.trim() == expected)
}

fn needs_terminal(yes: bool, what: &str) -> Result<bool, CliError> {
    if yes {
        return Ok(false);
    }
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        return Ok(true);
    }
    Err(CliError::usage(format!(
        "{what} without a terminal needs --yes"
    )))
}

fn preflight(claims: &TokenClaims, plan: &Plan) -> Result<(), CliError> {
    match missing_permissions(claims, plan) {
        None => Ok(()),
        Some(list) => Err(CliError::new(
            Exit::MissingPermission,
            format!("the token lacks permissions; nothing was sent: {list}"),
        )),
    }
}

/// What the token lacks to apply the plan ("ACTION needs PERMISSION; ..."), if anything.
fn missing_permissions(claims: &TokenClaims, plan: &Plan) -> Option<String> {
    if claims.permissions().is_empty() {
        return None; // An opaque token: Graph will say what is missing.
    }
    let mut missing = Vec::new();
    // A step's op may need more than its action's own capability (an app role assignment
    // within revoke-oauth-grants needs AppRoleAssignment.ReadWrite.All).
    for (action, cap) in plan.accounts.iter().flat_map(|a| {
        a.steps.iter().map(|s| {
            let cap = s.op.capability().unwrap_or(s.action.info().capability);
            (s.action, cap)
        })
    }) {
        if let Some(c) = reclaim_graph::permissions::capability(cap) {
            let least = c.least(claims.is_delegated()).join(" + ");
            if !c.check(claims).is_ready()
                && !missing.iter().any(|(a, p)| *a == action && *p == least)
            {
                missing.push((action, least));
            }
        }
    }
    if missing.is_empty() {
        return None;
    }
    let list: Vec<String> = missing
        .iter()
        .map(|(a, p)| format!("{a} needs {p}"))
        .collect();
    Some(list.join("; "))
}

/// A plan applies only to the tenant it was made on; a dry run refuses the same way, so it
/// never reads another tenant "as the plan expects" (finding 3 of #17).
fn check_tenant(claims: &TokenClaims, plan: &Plan) -> Result<(), CliError> {
    match &claims.tid {
        Some(tid) if !tid.eq_ignore_ascii_case(&plan.tenant) => Err(CliError::usage(format!(
            "this plan is for tenant {}, but the sign-in is for {}; nothing was sent",
            inert(&plan.tenant),
            inert(tid)
        ))),
        _ => Ok(()),
    }
}

pub async fn apply_cmd(g: &GlobalOpts, args: ApplyArgs) -> CliResult {
    let plan = load_plan(&args)?;
    if args.dry_run {
        let client = connect(g).await?;
        check_tenant(&claims_of(&client).await?, &plan)?;
        let records = audit::journal_path(&audit_dir(g)?, &plan.tenant)
            .ok()
            .and_then(|p| audit::read_records(&p).ok())
            .map(|(r, _)| r)
            .unwrap_or_default();
        output::text(&reclaim_contain::dry_run::render(Some(&client), &plan, &records).await)?;
        return Ok(Exit::Success);
    }
    if super::connect::read_only(g)? {
        return Err(CliError::failure(
            "read-only (--read-only or the profile's read_only): refusing to apply a plan (nothing was sent); use `reclaim apply --dry-run` to see what it would send",
        ));
    }
    if needs_terminal(args.yes, "apply")? && !confirm(&plan)? {
        errln!("reclaim: cancelled; nothing was sent");
        return Ok(Exit::Failure);
    }
    let client = connect(g).await?;
    let claims = claims_of(&client).await?;
    check_tenant(&claims, &plan)?;
    preflight(&claims, &plan)?;
    let journal = Journal::open(
        &audit_dir(g)?,
        &plan.tenant,
        &claims.principal(),
        super::connect::open_store(g)?,
    )
    .map_err(|e| CliError::failure(e.to_string()))?;
    for w in journal.warnings() {
        tracing::warn!("audit journal: {w}");
        errln!("reclaim: warning: {w}");
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let printer = tokio::spawn(async move {
        while let Some(e) = rx.recv().await {
            match e {
                ApplyEvent::AccountStarted { user } => errln!("reclaim: {}", inert(&user)),
                ApplyEvent::StepStarted { step } => errln!("reclaim:   [{step}] sending"),
                ApplyEvent::StepFinished { step, status } => {
                    let extra = match &status {
                        StepStatus::Failed { error } | StepStatus::Unknown { error } => {
                            format!(": {}", inert(error))
                        }
                        StepStatus::Unverified { detail } => format!(": {}", inert(detail)),
                        _ => String::new(),
                    };
                    errln!("reclaim:   [{step}] {}{extra}", status.label());
                }
            }
        }
    });
    let opts = ApplyOptions {
        events: Some(tx),
        ..ApplyOptions::default()
    };
    let result = apply(&client, &journal, &plan, &opts, &TerminalSink).await;
    drop(opts);
    let _ = printer.await;
    let report = result.map_err(|e| CliError::failure(e.to_string()))?;
    output::text(&report.render())?;
    let head = journal
        .close()
        .map_err(|e| CliError::failure(e.to_string()))?;
    errln!("reclaim: audit journal head {}:{}", head.seq, head.hash);
    Ok(match report.verdict() {
        Verdict::Success => Exit::Success,
        Verdict::Partial => Exit::Partial,
        Verdict::Failure => Exit::Failure,
        Verdict::MissingPermission => Exit::MissingPermission,
    })
}

pub async fn undo_cmd(g: &GlobalOpts, args: UndoArgs) -> CliResult {
    if super::connect::read_only(g)? {
        return Err(CliError::failure(
            "read-only (--read-only or the profile's read_only): refusing to undo (nothing was sent)",
        ));
    }
    let client = connect(g).await?;
    let claims = claims_of(&client).await?;
    let tenant = tenant_of(&claims, g)?;
    let dir = audit_dir(g)?;
    let path = audit::journal_path(&dir, &tenant).map_err(|e| CliError::usage(e.to_string()))?;
    let (records, _) = audit::read_records(&path).map_err(|e| CliError::usage(e.to_string()))?;
    let applied = undo::find_applied(&records, &args.step).map_err(undo_error)?;
    let op = undo::prepare(&client, &applied).await.map_err(|e| {
        undo_error(match e {
            UndoError::Changed { detail, .. } => UndoError::Changed {
                step: args.step.clone(),
                detail,
            },
            other => other,
        })
    })?;
    let req = op
        .request(&applied.user_id)
        .map_err(|e| CliError::failure(e.to_string()))?;
    errln!(
        "Undo step {} ({} on {}): {} {}",
        inert(&args.step),
        applied.action,
        inert(&applied.target),
        req.method,
        req.path
    );
    if needs_terminal(args.yes, "undo")? {
        errp!("Type the step id to go ahead (anything else cancels): ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        if line.trim() != args.step {
            errln!("reclaim: cancelled; nothing was sent");
            return Ok(Exit::Failure);
        }
    }
    let journal = Journal::open(
        &dir,
        &tenant,
        &claims.principal(),
        super::connect::open_store(g)?,
    )
    .map_err(|e| CliError::failure(e.to_string()))?;
    let done = undo::undo(&client, &journal, &args.step)
        .await
        .map_err(undo_error);
    let _ = journal.close();
    let done = done?;
    outln!(
        "undone {} ({} on {}): {}",
        done.step,
        done.action,
        inert(&done.target),
        inert(&done.detail)
    )?;
    Ok(Exit::Success)
}

fn undo_error(e: UndoError) -> CliError {
    match e {
        UndoError::NotFound(_) => CliError::usage(e.to_string()),
        // Sent but not confirmed: the undo could not be verified (partial), not a failure.
        UndoError::Graph(g) if g.is_outcome_unknown() => {
            CliError::new(Exit::Partial, g.to_string())
        }
        UndoError::Graph(g) => CliError::from(*g),
        other => CliError::failure(other.to_string()),
    }
}

pub async fn snapshot_cmd(g: &GlobalOpts, args: SnapshotArgs) -> CliResult {
    let client = connect(g).await?;
    let claims = claims_of(&client).await?;
    let tenant = tenant_of(&claims, g)?;
    if args.users.is_empty() {
        errln!("reclaim: snapshot of every account in the tenant (methods are read 5 accounts per 10 s on a real tenant)");
    }
    let progress = |n: usize| {
        if n.is_multiple_of(100) {
            errln!("reclaim: {n} accounts read");
        }
    };
    let snap = snapshot::take(&client, &tenant, &args.users, 4, &progress)
        .await
        .map_err(|e| match e {
            snapshot::SnapshotError::Graph(_, ref ge) if ge.is_missing_permission() => {
                CliError::new(Exit::MissingPermission, e.to_string())
            }
            other => CliError::failure(other.to_string()),
        })?;
    let path = match &args.output {
        Some(p) => p.clone(),
        None => snapshot::default_path(&tenant).ok_or_else(|| {
            CliError::failure("no state directory on this platform: pass -o FILE")
        })?,
    };
    snap.save(&path)
        .map_err(|e| CliError::failure(e.to_string()))?;
    errln!(
        "reclaim: snapshot of {} accounts written to {}",
        snap.accounts.len(),
        path.display()
    );
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reclaim_graph::GraphError;

    #[test]
    fn an_undo_whose_outcome_is_unknown_exits_partial() {
        let unknown = GraphError::OutcomeUnknown {
            method: "POST".into(),
            path: "/v1.0/users/u/mailFolders/inbox/messageRules".into(),
            detail: "connection reset".into(),
            ids: Default::default(),
        };
        let e = undo_error(UndoError::Graph(Box::new(unknown)));
        assert_eq!(e.exit, Exit::Partial);
        assert!(e.message.contains("read the state back"), "{}", e.message);
        let gone = undo_error(UndoError::NotFound("x".into()));
        assert_eq!(gone.exit, Exit::Usage);
    }
}
