//! clap definitions of the global options and commands (CONTRACT.md).

use clap::{Args, Parser, Subcommand, ValueEnum};
use reclaim_graph::cloud::NationalCloud;
use reclaim_tui::theme::ColorChoice;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "reclaim",
    version = super::local_setup::VERSION,
    about = "Microsoft 365 account-takeover response: triage, guided containment, audit trail",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args, Default)]
pub struct GlobalOpts {
    /// Run against the built-in simulated tenant, started in-process on loopback
    #[arg(long, global = true)]
    pub demo: bool,
    /// The tenant to work on (default: the active profile's)
    #[arg(long, global = true, value_name = "ID_OR_DOMAIN")]
    pub tenant: Option<String>,
    /// A tenant profile from the config file (for `sim`: fast, realistic or hostile)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// National cloud: picks the login and Graph hosts
    #[arg(long, global = true, value_enum)]
    pub cloud: Option<Cloud>,
    /// Graph root, without version (default https://graph.microsoft.com)
    #[arg(long, global = true, value_name = "URL")]
    pub graph_url: Option<String>,
    /// Identity platform root (default https://login.microsoftonline.com)
    #[arg(long, global = true, value_name = "URL")]
    pub login_url: Option<String>,
    /// How to get a token
    #[arg(long, global = true, value_enum)]
    pub auth: Option<AuthMethod>,
    /// The app registration to sign in with
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,
    /// PEM or PFX for --auth certificate (a client secret comes from RECLAIM_CLIENT_SECRET)
    #[arg(long, global = true, value_name = "FILE")]
    pub certificate: Option<PathBuf>,
    /// Never send a mutating request; mutating actions are hidden in the console
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Where the audit journal lives (default: the platform state dir)
    #[arg(long, global = true, value_name = "DIR")]
    pub audit_dir: Option<PathBuf>,
    /// Colour output (NO_COLOR in the environment means never)
    #[arg(long, global = true, default_value = "auto", value_parser = color_choice())]
    pub color: ColorChoice,
    /// Config file (default: the platform config dir)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Licence tier of the simulated tenant (`sim` and `--demo` only; default p2)
    #[arg(long, global = true, value_enum, value_name = "TIER")]
    pub licence: Option<LicenceTier>,
}

/// Entra ID licence tier of the simulated tenant (docs/simulator.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LicenceTier {
    /// Entra ID P2: everything
    P2,
    /// Entra ID P1: no Identity Protection (risky users, risk detections)
    P1,
    /// Office 365 only: no Identity Protection, no sign-in log, 7 days of audits
    Free,
}

#[cfg(feature = "sim")]
impl From<LicenceTier> for reclaim_sim::Licence {
    fn from(t: LicenceTier) -> Self {
        match t {
            LicenceTier::P2 => reclaim_sim::Licence::P2,
            LicenceTier::P1 => reclaim_sim::Licence::P1,
            LicenceTier::Free => reclaim_sim::Licence::Free,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Cloud {
    Global,
    Usgov,
    UsgovDod,
    China,
}

impl From<Cloud> for NationalCloud {
    fn from(c: Cloud) -> Self {
        match c {
            Cloud::Global => NationalCloud::Global,
            Cloud::Usgov => NationalCloud::Usgov,
            Cloud::UsgovDod => NationalCloud::UsgovDod,
            Cloud::China => NationalCloud::China,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthMethod {
    DeviceCode,
    ClientSecret,
    Certificate,
    AzCli,
    EnvToken,
}

/// `--color`'s values, parsed into the console's own [`ColorChoice`] (tui knows nothing of clap).
fn color_choice() -> impl clap::builder::TypedValueParser<Value = ColorChoice> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["auto", "always", "never"]).map(|s| {
        match s.as_str() {
            "always" => ColorChoice::Always,
            "never" => ColorChoice::Never,
            _ => ColorChoice::Auto,
        }
    })
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ranked risky accounts, non-interactive
    Triage(TriageArgs),
    /// Everything known about one account
    Investigate(InvestigateArgs),
    /// Write a containment plan from the tenant's current state (sends no mutating request)
    Plan(PlanArgs),
    /// Carry out a plan
    Apply(ApplyArgs),
    /// Record known-good phones, methods and rules before an incident
    Snapshot(SnapshotArgs),
    /// Reverse one applied step from its recorded pre-state
    Undo(UndoArgs),
    /// Record that you carried out a manual step the plan handed over (the Exchange check)
    Ack(AckArgs),
    /// The audit journal
    Audit(AuditArgs),
    /// Tenant, principal, granted permissions against what each action needs
    Whoami(WhoamiArgs),
    /// Check the config file, user playbooks and packs, without connecting
    Check,
    /// Sign in and cache the token in the OS keyring
    Login,
    /// Forget the cached token
    Logout,
    /// Run the simulated tenant standalone (--profile fast|realistic|hostile picks its behaviour)
    #[command(
        after_help = "--profile fast|realistic|hostile: latency, throttling and faults (default realistic)"
    )]
    Sim(SimArgs),
    /// Print shell completions
    #[command(hide = true)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page
    #[command(hide = true)]
    Man,
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::Triage(_) => "triage",
            Command::Investigate(_) => "investigate",
            Command::Plan(_) => "plan",
            Command::Apply(_) => "apply",
            Command::Snapshot(_) => "snapshot",
            Command::Undo(_) => "undo",
            Command::Ack(_) => "ack",
            Command::Audit(_) => "audit",
            Command::Whoami(_) => "whoami",
            Command::Check => "check",
            Command::Login => "login",
            Command::Logout => "logout",
            Command::Sim(_) => "sim",
            Command::Completions { .. } => "completions",
            Command::Man => "man",
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct TriageArgs {
    /// One JSON object (CONTRACT.md)
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV, safe against formula injection
    #[arg(long)]
    pub csv: bool,
    /// How far back to read sign-ins and audits (e.g. 14d, 36h)
    #[arg(long, value_name = "DURATION", default_value = "14d")]
    pub since: String,
}

#[derive(Debug, Clone, Args)]
pub struct InvestigateArgs {
    #[arg(value_name = "UPN_OR_ID")]
    pub user: String,
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_name = "DURATION", default_value = "14d")]
    pub since: String,
}

#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// Accounts to contain
    #[arg(long = "user", value_name = "UPN_OR_ID", num_args = 1.., required = true)]
    pub users: Vec<String>,
    /// Playbook (default contain-ato)
    #[arg(long, value_name = "NAME")]
    pub playbook: Option<String>,
    /// Single actions instead of a playbook
    #[arg(long = "action", value_name = "NAME", num_args = 1..)]
    pub actions: Vec<String>,
    /// Where to write the plan (default stdout)
    #[arg(short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Do not ask for confirmation (required without a terminal)
    #[arg(long)]
    pub yes: bool,
    /// Print every request it would send; send no mutating one
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    #[arg(long = "user", value_name = "UPN_OR_ID", num_args = 1..)]
    pub users: Vec<String>,
    #[arg(short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct UndoArgs {
    #[arg(value_name = "STEP_ID")]
    pub step: String,
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Args)]
pub struct AckArgs {
    #[arg(value_name = "STEP_ID")]
    pub step: String,
    /// What was found and done (kept in the journal)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
    /// Only the records of this incident (show, export, forward)
    #[arg(long, global = true, value_name = "ID")]
    pub incident: Option<String>,
    /// Read this journal file instead of the tenant's (e.g. an archived one)
    #[arg(long, global = true, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// verify: a head pasted into a ticket earlier (SEQ:HASH or HASH) must still be in the chain
    #[arg(long, global = true, value_name = "SEQ:HASH")]
    pub expect_head: Option<String>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuditCommand {
    /// Check the chain and authentication of every record; names the first bad one
    Verify,
    /// Print the journal
    Show {
        #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
        format: ExportFormat,
    },
    /// Export the journal
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
    },
    /// Send records to syslog (RFC 5424 over TCP, optionally TLS) or as JSON lines
    Forward(AuditForwardArgs),
    /// Move the journal (kept as evidence) to <audit-dir>/archive/ so a fresh one can start
    Archive {
        /// Required: archiving forgets the head the keyring remembers
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false, id = "sink")]
pub struct AuditForwardSink {
    /// Syslog receiver, HOST:PORT (TCP, octet-counting framing)
    #[arg(long, value_name = "HOST:PORT")]
    pub syslog: Option<String>,
    /// JSON lines to FILE (appended), or `-` for stdout
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct AuditForwardArgs {
    #[command(flatten)]
    pub sink: AuditForwardSink,
    /// Syslog over TLS (RFC 5425)
    #[arg(long, requires = "syslog")]
    pub tls: bool,
    /// PEM file of the CA that signed the receiver's certificate (default: public roots)
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub tls_ca: Option<PathBuf>,
    /// Name to check the receiver's certificate against (default: the host)
    #[arg(long, value_name = "NAME", requires = "tls")]
    pub tls_server_name: Option<String>,
    /// Only records from this sequence number on
    #[arg(long, value_name = "SEQ", default_value_t = 1)]
    pub from_seq: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    Md,
}

#[derive(Debug, Clone, Args)]
pub struct WhoamiArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Address to listen on; 127.0.0.1:0 picks a free port
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: String,
    #[arg(long, default_value = "campaign-2024")]
    pub scenario: String,
    #[arg(long, default_value_t = 2000)]
    pub users: usize,
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
}

/// `reclaim sim --profile fast|realistic|hostile`: the global `--profile` option,
/// read by `sim` as the simulator's behaviour profile (default realistic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SimProfileArg {
    Fast,
    #[default]
    Realistic,
    Hostile,
}
