//! `cargo pin deny`: the arguments, and the run that records bad releases.

use anyhow::Result;
use clap::Args;

use super::args::WorkspaceArgs;
use super::{Output, Status};
use crate::Context;
use crate::change::allow::CrateVersion;
use crate::change::deny;

#[derive(Debug, Args)]
pub(crate) struct DenyArgs {
    /// Releases known to be bad, as CRATE@VERSION
    #[arg(value_name = "CRATE@VERSION", required = true, value_parser = parse_release)]
    pub(crate) releases: Vec<CrateVersion>,
    /// What is wrong with them (recorded in pin.toml)
    #[arg(long, value_name = "TEXT")]
    pub(crate) reason: String,
    /// An advisory id or URL (recorded in pin.toml)
    #[arg(long, value_name = "ID")]
    pub(crate) advisory: Option<String>,
    #[command(flatten)]
    pub(crate) workspace: WorkspaceArgs,
}

fn parse_release(s: &str) -> Result<CrateVersion, String> {
    s.parse()
}

pub(crate) fn run(ctx: &Context, args: &DenyArgs) -> Result<Output> {
    let ws = args.workspace.workspace(ctx)?;
    let (path, shown) = args.workspace.policy_shown(&ws);
    let (changes, denials) = deny::plan(
        &ws.root,
        &path,
        &shown,
        &args.releases,
        &args.reason,
        args.advisory.as_deref(),
    )?;
    changes.write(None)?;
    let mut text = String::new();
    for r in &denials.added {
        text.push_str(&format!("denied {}@{} in {shown}\n", r.krate, r.version));
    }
    for r in &denials.already {
        text.push_str(&format!(
            "{}@{} was already denied in {shown}\n",
            r.krate, r.version
        ));
    }
    for r in &denials.unvetted {
        text.push_str(&format!(
            "took {}@{} out of [[vetted]] in {shown}\n",
            r.krate, r.version
        ));
    }
    let crates: std::collections::BTreeSet<&str> =
        args.releases.iter().map(|r| r.krate.as_str()).collect();
    text.push_str(&format!(
        "help: `cargo pin rollback {}` moves every pin back to the last good release\n",
        crates.into_iter().collect::<Vec<_>>().join(" ")
    ));
    Ok(Output::stdout(text, Status::Ok))
}
