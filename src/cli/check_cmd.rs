//! `reclaim check`: the config file, user playbooks and packs, checked without connecting.
//! A broken user playbook blocks only itself when used; this is where all of them show.

use super::{CliError, CliResult, Exit, GlobalOpts};
use crate::config::Config;
use reclaim_contain::playbook;
use reclaim_triage::Pack;

pub fn run(g: &GlobalOpts) -> CliResult {
    let mut problems = Vec::new();
    let mut report = String::new();
    match Config::load(g.config.as_deref()) {
        Ok((config, path)) => {
            let shown = path
                .as_ref()
                .map_or("none (defaults)".to_string(), |p| p.display().to_string());
            match config.select(g.profile.as_deref(), path.as_deref()) {
                Ok(_) => report.push_str(&format!("config: ok ({shown})\n")),
                Err(e) => problems.push(format!("config {shown}: {e}")),
            }
        }
        Err(e) => problems.push(e.to_string()),
    }
    let dir = playbook::user_dir(g.config.as_deref());
    match playbook::load_all(dir.as_deref()) {
        Ok(catalog) => {
            report.push_str(&format!(
                "playbooks: {} usable ({})\n",
                catalog.playbooks.len(),
                catalog
                    .playbooks
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            problems.extend(catalog.broken.iter().map(|b| b.error.to_string()));
        }
        Err(e) => problems.push(e.to_string()),
    }
    match Pack::load(Pack::user_dir().as_deref()) {
        Ok(_) => report.push_str("packs: ok\n"),
        Err(e) => problems.push(e.to_string()),
    }
    super::output::text(&report)?;
    if problems.is_empty() {
        return Ok(Exit::Success);
    }
    for p in &problems {
        errln!("reclaim: {p}");
    }
    Err(CliError::usage(format!(
        "{} problem(s) found; fix or remove the files named above",
        problems.len()
    )))
}
