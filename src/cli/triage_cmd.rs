//! `reclaim triage [--json|--csv] [--since DURATION]` and `reclaim investigate UPN_OR_ID
//! [--json]` (CONTRACT.md).

use super::connect::{connect, connect_with, stderr_prompt, ConnectOptions};
use super::output as out;
use super::{CliError, CliResult, Exit, GlobalOpts, InvestigateArgs, TriageArgs};
use reclaim_core::sanitize::inert;
use reclaim_triage::gather::{self, GatherEvent, GatherOptions};
use reclaim_triage::output::{self, InvestigateReport, TriageReport};
use reclaim_triage::Pack;
use std::io::IsTerminal as _;
use std::sync::Arc;

/// The longest `--since` accepted. Entra keeps sign-ins and audits for 30 days (7 on a free
/// tenant); a year leaves room for exported logs and keeps every date arithmetic in range.
pub const MAX_SINCE_DAYS: i64 = 366;

/// `--since`: `14d`, `36h`, `90m`... Longer than zero and at most [`MAX_SINCE_DAYS`].
pub fn parse_since(text: &str) -> Result<chrono::Duration, CliError> {
    let d = humantime::parse_duration(text.trim()).map_err(|e| {
        CliError::usage(format!(
            "--since {}: {e} (examples: 14d, 36h, 90m)",
            inert(text)
        ))
    })?;
    let too_long = || {
        CliError::usage(format!(
            "--since {}: longer than the {MAX_SINCE_DAYS} days reclaim reads back",
            inert(text)
        ))
    };
    if d > std::time::Duration::from_secs(MAX_SINCE_DAYS as u64 * 86_400) {
        return Err(too_long());
    }
    let d = chrono::Duration::from_std(d).map_err(|_| too_long())?;
    if d <= chrono::Duration::zero() {
        return Err(CliError::usage("--since must be longer than zero"));
    }
    Ok(d)
}

/// The embedded pack plus the user's packs (config dir).
pub fn load_pack() -> Result<Arc<Pack>, CliError> {
    let dir = Pack::user_dir();
    Pack::load(dir.as_deref())
        .map(Arc::new)
        .map_err(|e| CliError::failure(e.to_string()))
}

/// 4 when a permission was missing, 3 when something was not fully read, else 0.
fn exit_for(missing: &[String], complete: bool) -> Exit {
    if !missing.is_empty() {
        Exit::MissingPermission
    } else if !complete {
        Exit::Partial
    } else {
        Exit::Success
    }
}

fn warn_stderr(warnings: &[String], missing: &[String]) {
    for w in warnings {
        errln!("reclaim: warning: {}", inert(w));
    }
    if !missing.is_empty() {
        tracing::warn!(missing = %inert(&missing.join(", ")), "triage ran without permissions");
        errln!(
            "reclaim: missing permission(s): {} (see `reclaim whoami`)",
            inert(&missing.join(", "))
        );
    }
}

/// The sources not read, in plain words (the JSON's `unavailable` says it for scripts).
fn unavailable_stderr(unavailable: &[reclaim_triage::model::Unavailable]) {
    for line in output::unavailable_lines(unavailable) {
        errln!("reclaim: unavailable: {}", inert(&line));
    }
}

/// Progress on stderr when it is a terminal: one rewritten line.
fn progress_printer() -> Option<tokio::sync::mpsc::UnboundedSender<GatherEvent>> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<GatherEvent>();
    tokio::spawn(async move {
        while let Some(e) = rx.recv().await {
            if let GatherEvent::Progress { phase, done, total } = e {
                let total = total.map(|t| format!("/{t}")).unwrap_or_default();
                out::progress(&format!("{phase} {done}{total}"));
            }
        }
        out::progress_done();
    });
    Some(tx)
}

/// The console's data source: the tenant the global options name (or the `--demo` tenant),
/// signed in before the screen takes over the terminal (a device code prompt goes to
/// stderr first). Containment journals to the audit dir `plan`/`apply` use.
pub async fn console_source(g: &GlobalOpts) -> Result<Arc<dyn reclaim_tui::DataSource>, CliError> {
    use crate::graph_source::{throttle_progress, TriageSource};
    let pack = load_pack()?;
    let (progress, slot) = throttle_progress();
    let interactive = std::io::stderr().is_terminal();
    let client = connect_with(
        g,
        ConnectOptions {
            prompt: interactive.then(|| stderr_prompt(false)),
            client: reclaim_graph::ClientOptions {
                progress,
                ..Default::default()
            },
            store: None,
            interactive: true,
        },
    )
    .await?;
    let claims = client.claims().await?;
    let operator = claims
        .as_ref()
        .and_then(|c| {
            c.upn
                .clone()
                .or_else(|| c.preferred_username.clone())
                .or_else(|| c.app_displayname.clone())
                .or_else(|| c.appid.clone().or_else(|| c.azp.clone()))
        })
        .unwrap_or_default();
    let tenant = client.authenticator().tenant().to_string();
    let info = reclaim_tui::source::TenantInfo {
        name: if g.demo {
            "demo".into()
        } else {
            g.profile.clone().unwrap_or_else(|| tenant.clone())
        },
        domain: tenant.clone(),
        operator,
    };
    let audit_dir = g
        .audit_dir
        .clone()
        .or_else(reclaim_audit::default_audit_dir);
    let store = super::connect::open_store(g)?;
    // The gather's facts, shared with the planner (don't read twice).
    let recent = reclaim_triage::gather::RecentFacts::default();
    let service = audit_dir.map(|audit_dir| reclaim_contain::service::ContainmentService {
        client: client.clone(),
        audit_dir,
        store,
        tenant: claims
            .as_ref()
            .and_then(|c| c.tid.clone())
            .unwrap_or_else(|| tenant.clone()),
        operator: claims.as_ref().map(|c| c.principal()).unwrap_or_default(),
        delegated: claims.as_ref().is_some_and(|c| c.is_delegated()),
        recent: Some(recent.clone()),
    });
    let source = TriageSource::new(
        client,
        pack,
        GatherOptions::default(),
        info,
        g.audit_dir.clone(),
        slot,
    )
    .with_recent(recent);
    // The audit view follows the very journal the service writes (same file, same key).
    let source = match &service {
        Some(svc) => source.with_journal(
            svc.tenant.clone(),
            reclaim_audit::key::load(svc.store.as_ref(), &svc.tenant)
                .ok()
                .flatten(),
        ),
        None => source,
    };
    Ok(match service {
        Some(service) => Arc::new(reclaim_tui::WithContainment {
            inner: source,
            containment: Arc::new(reclaim_tui::ServiceContainment {
                service,
                playbook_dir: reclaim_contain::playbook::user_dir(g.config.as_deref()),
            }),
        }),
        // No state directory for the journal: the console reads but cannot contain.
        None => Arc::new(source),
    })
}

pub async fn triage(g: &GlobalOpts, args: TriageArgs) -> CliResult {
    let since = parse_since(&args.since)?;
    let pack = load_pack()?;
    let client = connect(g).await?;
    let opts = GatherOptions {
        since,
        ..GatherOptions::default()
    };
    let got = gather::gather(&client, pack, opts, progress_printer()).await?;
    let generated = output::rfc3339(chrono::Utc::now());
    let text = if args.json {
        output::triage_json(&TriageReport {
            tenant: &got.tenant,
            generated,
            accounts: &got.accounts,
            complete: got.complete,
            warnings: &got.warnings,
            unavailable: &got.unavailable,
            reads: &got.reads,
        }) + "\n"
    } else if args.csv {
        output::triage_csv_with(&got.accounts, &got.unavailable)
    } else {
        output::triage_text_with(&got.tenant, &got.accounts, &[], &got.unavailable)
    };
    if args.json {
        out::json(&text)?;
    } else {
        out::text(&text)?;
    }
    if args.json || args.csv {
        unavailable_stderr(&got.unavailable);
    }
    warn_stderr(&got.warnings, &got.missing_permissions);
    Ok(exit_for(&got.missing_permissions, got.complete))
}

pub async fn investigate(g: &GlobalOpts, args: InvestigateArgs) -> CliResult {
    let since = parse_since(&args.since)?;
    let pack = load_pack()?;
    let client = connect(g).await?;
    let opts = GatherOptions {
        since,
        methods_for_all: true,
        ..GatherOptions::default()
    };
    let inv = match gather::investigate(&client, pack, opts, &args.user).await {
        Ok(inv) => inv,
        // An argument that names no account is the caller's mistake, as for `plan --user`.
        Err(e) if e.is_not_found() => {
            return Err(CliError::usage(format!(
                "no account {} in this tenant",
                inert(&args.user)
            )))
        }
        Err(e) => return Err(e.into()),
    };
    let text = if args.json {
        output::investigate_json(&InvestigateReport {
            tenant: &inv.tenant,
            generated: output::rfc3339(chrono::Utc::now()),
            account: &inv.assessment,
            facts: &inv.facts,
            unavailable: &inv.unavailable,
        }) + "\n"
    } else {
        output::investigate_text(&inv.assessment, &inv.facts)
    };
    if args.json {
        out::json(&text)?;
    } else {
        out::text(&text)?;
    }
    unavailable_stderr(&inv.unavailable);
    warn_stderr(&inv.warnings, &inv.missing_permissions);
    Ok(exit_for(&inv.missing_permissions, inv.complete))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_parses_days_and_hours() {
        assert_eq!(parse_since("14d").unwrap(), chrono::Duration::days(14));
        assert_eq!(parse_since("36h").unwrap(), chrono::Duration::hours(36));
        assert_eq!(parse_since("soon").unwrap_err().exit, Exit::Usage);
        assert_eq!(parse_since("0s").unwrap_err().exit, Exit::Usage);
    }

    /// Finding 2 of #17: `99999999999d` panicked in date arithmetic, `100000000h` sent a year
    /// -9382 filter to Graph.
    #[test]
    fn since_is_bounded() {
        for huge in [
            "99999999999d",
            "100000000h",
            "367d",
            "18446744073709551615s",
        ] {
            let e = parse_since(huge).unwrap_err();
            assert_eq!(e.exit, Exit::Usage, "{huge}");
            assert!(e.message.contains("366 days"), "{huge}: {}", e.message);
        }
        assert_eq!(parse_since("366d").unwrap(), chrono::Duration::days(366));
    }

    #[test]
    fn exit_codes() {
        assert_eq!(exit_for(&[], true), Exit::Success);
        assert_eq!(exit_for(&[], false), Exit::Partial);
        assert_eq!(
            exit_for(&["AuditLog.Read.All".into()], false),
            Exit::MissingPermission
        );
    }
}
