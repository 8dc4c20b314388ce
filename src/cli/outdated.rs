//! `cargo pin outdated`: the arguments, and the run from registry to report.

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::args::{OutputArgs, RegistryArgs, WorkspaceArgs};
use super::{Output, Status};
use crate::Context;
use crate::audit::outdated;
use crate::registry::sources::Sources;
use crate::report;

/// Output formats of `outdated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutdatedFormat {
    /// A table for a terminal
    Human,
    /// One JSON object (schema_version 1)
    Json,
    /// A page for a pull-request comment or a CI job summary: pending
    /// releases with their age, status and links to vet them
    Markdown,
}

#[derive(Debug, Args)]
pub struct OutdatedArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutdatedFormat::Human)]
    pub format: OutdatedFormat,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &OutdatedArgs) -> Result<Output> {
    let (ws, policy) = args.workspace.load(ctx)?;
    let mut sources = Sources::load(ctx, &ws.root)?;
    let entries = outdated::run(
        &ws,
        &policy,
        &mut sources,
        ctx.now,
        args.registry.offline,
        ctx.progress.clone(),
    )?;
    let text = match args.format {
        OutdatedFormat::Human => report::outdated::human(&entries, &args.output.style(ctx)),
        OutdatedFormat::Json => report::outdated::json(&entries),
        OutdatedFormat::Markdown => {
            let root = report::SourceRoot::find(&ws.root).with_web(ctx.github_blob.clone());
            report::outdated::markdown(&entries, ctx.now, &root)
        }
    };
    Output::report(text, args.output.file(), Status::Ok)
}
