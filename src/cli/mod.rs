//! The command-line surface, exactly as ../shared/CONTRACT.md names it.
//!
//! Each command lives in its own file and returns an [`Exit`] code; `main` maps
//! errors to the contract's exit codes and prints them without control sequences.

#[macro_use]
pub(crate) mod output;
mod ack_cmd;
mod args;
mod audit_cmd;
mod auth_cmd;
mod check_cmd;
pub mod connect;
mod console_cmd;
pub mod contain_cmd;
mod docs_cmd;
pub mod local_setup;
mod log_writer;
pub mod logging;
#[cfg(feature = "sim")]
mod sim_cmd;
#[cfg(test)]
mod since_properties;
pub(crate) mod triage_cmd;
mod whoami_sources;

pub use args::{
    AckArgs, ApplyArgs, AuditArgs, AuditCommand, AuthMethod, Cli, Cloud, Command, ExportFormat,
    GlobalOpts, InvestigateArgs, PlanArgs, SimArgs, SimProfileArg, SnapshotArgs, TriageArgs,
    UndoArgs, WhoamiArgs,
};
pub use args::{AuditForwardArgs, AuditForwardSink};
pub use auth_cmd::{whoami_report as auth_cmd_report, WhoamiReport};
pub use connect::{connect, connect_with, ConnectOptions};

use clap::Parser;
use std::process::ExitCode;

/// The contract's exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Failure = 1,
    Usage = 2,
    Partial = 3,
    MissingPermission = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// An error a command reports to the operator, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }
    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(Exit::Failure, message)
    }
}

pub type CliResult = Result<Exit, CliError>;

pub fn main() -> ExitCode {
    restore_default_sigpipe();
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with exit 0, usage errors to stderr with 2.
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage.into()
            } else {
                Exit::Success.into()
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            errln!("reclaim: cannot start the async runtime: {e}");
            return Exit::Failure.into();
        }
    };
    let command = cli.command.as_ref().map_or("console", Command::name);
    // Completions and the man page only print text: nothing worth a log line.
    if !matches!(command, "completions" | "man") {
        logging::init();
        log_start(command, &cli.global);
    }
    match runtime.block_on(run(cli)) {
        Ok(code) => {
            tracing::info!(command, exit = code as u8, "command finished");
            code.into()
        }
        Err(e) => {
            let message = reclaim_core::sanitize::inert(&e.message);
            tracing::warn!(command, exit = e.exit as u8, error = %message, "command failed");
            // The gate keeps line feeds: a TOML error's own layout stays readable.
            errln!("reclaim: {}", e.message);
            e.exit.into()
        }
    }
}

/// Parses the command line. `--version` also says where this machine keeps secrets, state and
/// the log, which needs a look at the environment, so that text is made only when asked for.
fn parse() -> Result<Cli, clap::Error> {
    use clap::{CommandFactory as _, FromArgMatches as _};
    let asks_version = std::env::args_os().skip(1).any(|a| a == "--version");
    if !asks_version {
        return Cli::try_parse();
    }
    // clap keeps version texts as &'static str; this runs once, just before the process exits.
    let long: &'static str = Box::leak(local_setup::long_version().into_boxed_str());
    let matches = Cli::command().long_version(long).try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// The first line of a run in the log: what was asked, of which tenant (the tenant a profile
/// names is logged when `connect` resolves it).
fn log_start(command: &str, g: &GlobalOpts) {
    let inert = |o: &Option<String>| {
        o.as_deref()
            .map(|s| reclaim_core::sanitize::inert(s).into_owned())
    };
    tracing::info!(
        command,
        version = local_setup::VERSION,
        tenant = inert(&g.tenant).as_deref().unwrap_or("-"),
        profile = inert(&g.profile).as_deref().unwrap_or("-"),
        demo = g.demo,
        read_only = g.read_only,
        pid = std::process::id(),
        "command started"
    );
}

/// Dispatches a parsed command line. Commands whose issue has not landed yet say so.
pub async fn run(cli: Cli) -> CliResult {
    match cli.command {
        #[cfg(feature = "sim")]
        Some(Command::Sim(args)) => sim_cmd::run(&cli.global, args).await,
        #[cfg(not(feature = "sim"))]
        Some(Command::Sim(_)) => Err(CliError::usage(
            "`reclaim sim` needs the simulated tenant, and this reclaim was built without it (feature `sim`)",
        )),
        Some(Command::Triage(args)) => triage_cmd::triage(&cli.global, args).await,
        Some(Command::Investigate(args)) => triage_cmd::investigate(&cli.global, args).await,
        Some(Command::Audit(args)) => audit_cmd::run(&cli.global, args).await,
        Some(Command::Check) => check_cmd::run(&cli.global),
        Some(Command::Login) => auth_cmd::login(&cli.global).await,
        Some(Command::Logout) => auth_cmd::logout(&cli.global).await,
        Some(Command::Whoami(args)) => auth_cmd::whoami(&cli.global, &args).await,
        Some(Command::Plan(args)) => contain_cmd::plan(&cli.global, args).await,
        Some(Command::Apply(args)) => contain_cmd::apply_cmd(&cli.global, args).await,
        Some(Command::Snapshot(args)) => contain_cmd::snapshot_cmd(&cli.global, args).await,
        Some(Command::Undo(args)) => contain_cmd::undo_cmd(&cli.global, args).await,
        Some(Command::Ack(args)) => ack_cmd::ack_cmd(&cli.global, args).await,
        Some(Command::Completions { shell }) => docs_cmd::print_completions(shell),
        Some(Command::Man) => docs_cmd::print_man(),
        None => console_cmd::run(&cli.global).await,
    }
}

/// `reclaim whoami | head` must end quietly like any Unix tool, not panic in `println!`.
/// Rust ignores SIGPIPE by default; restoring the default only affects pipes and files:
/// sockets are written with MSG_NOSIGNAL on Linux, so the simulator and client are unaffected.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
