//! `cargo pin allow`: the arguments, and the run that records vetting.

use anyhow::Result;
use clap::Args;

use super::args::{RegistryArgs, WorkspaceArgs};
use super::{Output, Status};
use crate::Context;
use crate::change::allow;
use crate::registry::sources::Sources;

#[derive(Debug, Args)]
pub(crate) struct AllowArgs {
    /// Releases to record as vetted, as CRATE@VERSION
    #[arg(value_name = "CRATE@VERSION", required = true, value_parser = parse_release)]
    pub releases: Vec<allow::CrateVersion>,
    /// Why the releases are trusted (recorded in pin.toml)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Who vetted them (recorded in pin.toml beside today's date)
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

fn parse_release(s: &str) -> Result<allow::CrateVersion, String> {
    s.parse()
}

pub(crate) fn run(ctx: &Context, args: &AllowArgs) -> Result<Output> {
    let ws = args.workspace.workspace(ctx)?;
    let path = args.workspace.policy_path(&ws);
    let mut sources = Sources::load(ctx, &ws.root)?;
    let req = allow::Request {
        releases: &args.releases,
        reason: &args.reason,
        stamp: allow::Stamp {
            date: Some(crate::context::today(ctx.now)),
            by: args.by.clone(),
        },
        offline: args.registry.offline,
    };
    let outcomes = allow::run(&ws, &mut sources, &path, &req, ctx.progress.clone())?;
    let shown = crate::change::shown_path(&ws.root, &path);
    let mut text = String::new();
    for o in &outcomes {
        let r = &o.release;
        if o.added {
            text.push_str(&format!("vetted {}@{} in {shown}\n", r.krate, r.version));
        } else {
            text.push_str(&format!(
                "{}@{} was already vetted in {shown}\n",
                r.krate, r.version
            ));
        }
    }
    Ok(Output::stdout(text, Status::Ok))
}
