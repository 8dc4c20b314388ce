//! `cargo pin outdated`: the arguments, and the run from registry to report.

use anyhow::Result;
use clap::Args;

use super::args::{OutputArgs, RegistryArgs, WorkspaceArgs, format_parser};
use super::{Output, Status};
use crate::Context;
use crate::audit::outdated;
use crate::registry::sources::Sources;
use crate::report::{self, Format, Subject};

#[derive(Debug, Args)]
pub(crate) struct OutdatedArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = format_parser(report::OUTDATED_FORMATS))]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(crate) fn run(ctx: &Context, args: &OutdatedArgs) -> Result<Output> {
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
    let frame = args.output.frame(ctx, &ws.root);
    let text = report::render(Subject::Outdated(&entries), args.format, &frame)?;
    Output::report(text, args.output.file(), Status::Ok)
}
