//! `reclaim sim`: the simulated tenant, standalone.
//!
//! Prints exactly one JSON line on stdout (CONTRACT.md), then serves until SIGINT/SIGTERM.
//! Nothing else ever goes to stdout: scripts read that line.

use super::{CliError, CliResult, Exit, GlobalOpts, SimArgs};
use reclaim_sim::{self as sim, Profile, SimConfig, SimError};
use std::io::Write;
use std::net::SocketAddr;

pub async fn run(global: &GlobalOpts, args: SimArgs) -> CliResult {
    let profile = match global.profile.as_deref() {
        None => Profile::Realistic,
        Some(p) => p.parse::<Profile>().map_err(CliError::usage)?,
    };
    let listen = parse_listen(&args.listen)?;
    if args.scenario != "campaign-2024" {
        return Err(CliError::usage(format!(
            "unknown scenario `{}` (available: campaign-2024)",
            args.scenario
        )));
    }
    let cfg = SimConfig {
        listen,
        scenario: args.scenario,
        users: args.users,
        seed: args.seed,
        profile,
        licence: sim::LicenceSettings::tier(global.licence.map(Into::into).unwrap_or_default()),
        ..SimConfig::default()
    };
    let handle = sim::start(cfg).await.map_err(|e| match e {
        SimError::NotLoopback(_) => CliError::usage(e.to_string()),
        other => CliError::failure(other.to_string()),
    })?;
    let line = serde_json::json!({
        "graph_url": handle.graph_url,
        "login_url": handle.login_url,
        "tenant_id": handle.tenant_id,
        "apps": {
            "full": handle.apps.full,
            "read_only": handle.apps.read_only,
        },
    });
    // Listen for the signals before announcing readiness, so a script that reads the line and
    // stops the simulator at once still gets a clean shutdown.
    let termination = termination_signal();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| CliError::failure(format!("cannot write to stdout: {e}")))?;
    drop(out);
    termination.await;
    handle.shutdown().await;
    Ok(Exit::Success)
}

/// `ADDR:PORT`; `localhost` is taken as 127.0.0.1.
fn parse_listen(text: &str) -> Result<SocketAddr, CliError> {
    let normalized = match text.strip_prefix("localhost:") {
        Some(port) => format!("127.0.0.1:{port}"),
        None => text.to_string(),
    };
    normalized.parse().map_err(|_| {
        CliError::usage(format!(
            "--listen expects a loopback ADDR:PORT such as 127.0.0.1:0, not `{text}`"
        ))
    })
}

/// Resolves on SIGINT or SIGTERM; on Unix the handlers are installed when this is called.
#[cfg(unix)]
fn termination_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let term = signal(SignalKind::terminate()).ok();
    let interrupt = signal(SignalKind::interrupt()).ok();
    async move {
        match (term, interrupt) {
            (Some(mut term), Some(mut interrupt)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = interrupt.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

#[cfg(not(unix))]
fn termination_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses() {
        assert!(parse_listen("127.0.0.1:0").is_ok());
        assert_eq!(
            parse_listen("localhost:8080").ok(),
            Some(SocketAddr::from(([127, 0, 0, 1], 8080)))
        );
        assert_eq!(
            parse_listen("nonsense").err().map(|e| e.exit),
            Some(Exit::Usage)
        );
    }
}
