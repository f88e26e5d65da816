//! `reclaim sim`: the simulated tenant, standalone.

use super::{CliError, CliResult, GlobalOpts, SimArgs};

pub async fn run(_global: &GlobalOpts, _args: SimArgs) -> CliResult {
    Err(CliError::failure(
        "`sim` is not available yet in this build",
    ))
}
