//! `reclaim` with no command: the interactive console.
//!
//! Data comes from a [`DataSource`]: the Graph-backed triage source (wired by the
//! coordinator, like `--demo`'s in-process simulated tenant), or, for tests only, a fixture
//! file named by `RECLAIM_FIXTURE` (see docs/guide.md, "Testing the console").

use super::{CliError, CliResult, Exit, GlobalOpts};
use ratatui::crossterm::tty::IsTty;
use reclaim_tui::theme::{colour_enabled, no_color_env};
use reclaim_tui::{
    run_console, settings, ConsoleError, ConsoleOptions, DataSource, FixtureDirectory,
    TenantDirectory,
};
use std::sync::Arc;

/// Test support: a JSON fixture to use instead of a tenant.
pub const FIXTURE_ENV: &str = "RECLAIM_FIXTURE";

/// Where the console's data comes from, and the profiles `:tenant` can switch to.
type Sources = (Arc<dyn DataSource>, Option<Arc<dyn TenantDirectory>>);

/// The source and profile directory for this run.
async fn open_source(global: &GlobalOpts) -> Result<Sources, CliError> {
    if let Some(path) = std::env::var_os(FIXTURE_ENV) {
        let dir = FixtureDirectory::load(std::path::Path::new(&path))
            .map_err(|e| CliError::failure(e.to_string()))?;
        let wanted = global.profile.as_deref().or(global.tenant.as_deref());
        let source = dir.source(wanted).ok_or_else(|| {
            CliError::usage(format!(
                "no tenant `{}` in the fixture",
                wanted.unwrap_or("")
            ))
        })?;
        let dir: Arc<dyn TenantDirectory> = Arc::new(dir);
        return Ok((Arc::new(source), Some(dir)));
    }
    let source = super::triage_cmd::console_source(global).await?;
    Ok((source, None))
}

pub async fn run(global: &GlobalOpts) -> CliResult {
    if !std::io::stdout().is_tty() || !std::io::stdin().is_tty() {
        return Err(CliError::usage(ConsoleError::NotATerminal.to_string()));
    }
    let (source, tenants) = open_source(global).await?;
    let options = ConsoleOptions {
        read_only: super::connect::read_only(global)?,
        colour: colour_enabled(global.color, no_color_env(), true),
        config_dir: settings::config_dir(global.config.as_deref()),
        tenants,
        playbooks: vec!["contain-ato".into()],
    };
    tracing::info!(
        read_only = options.read_only,
        colour = options.colour,
        "console starting"
    );
    match run_console(source, options).await {
        Ok(()) => Ok(Exit::Success),
        Err(ConsoleError::NotATerminal) => {
            Err(CliError::usage(ConsoleError::NotATerminal.to_string()))
        }
        Err(e) => Err(CliError::failure(e.to_string())),
    }
}
