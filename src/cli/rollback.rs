//! `cargo pin rollback`: the arguments, and the run from plan to relocked
//! workspace.

use anyhow::Result;
use clap::Args;

use super::args::{OutputArgs, RegistryArgs, WorkspaceArgs, format_parser};
use super::{Output, Status};
use crate::Context;
use crate::change::rollback::{self, Request};
use crate::registry::sources::Sources;
use crate::report::{self, Format, Subject};

#[derive(Debug, Args)]
pub(crate) struct RollbackArgs {
    /// Crates whose denied or yanked locked versions go back
    #[arg(value_name = "CRATE", required = true)]
    pub(crate) crates: Vec<String>,
    /// Go back to this release (it must not be denied or yanked)
    #[arg(long, value_name = "VERSION")]
    pub(crate) to: Option<semver::Version>,
    /// Write nothing; print the diff and the cargo commands it would run
    #[arg(long)]
    pub(crate) dry_run: bool,
    #[command(flatten)]
    pub(crate) workspace: WorkspaceArgs,
    #[command(flatten)]
    pub(crate) registry: RegistryArgs,
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = format_parser(report::ROLLBACK_FORMATS))]
    pub(crate) format: Format,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

pub(crate) fn run(ctx: &Context, args: &RollbackArgs) -> Result<Output> {
    let (ws, policy) = args.workspace.load(ctx)?;
    let mut sources = Sources::load(ctx, &ws.root)?;
    let offline = args.registry.offline || sources.config.http.offline;
    let req = Request {
        crates: args.crates.clone(),
        to: args.to.clone(),
        offline,
    };
    let mut plan = rollback::plan(
        &ws,
        &policy,
        &mut sources,
        &req,
        ctx.now,
        ctx.progress.clone(),
    )?;
    let file = args.output.file();
    if let Some(file) = &file {
        plan.changes
            .check_report(file, &[ws.root.join("Cargo.lock")])?;
    }
    if !args.dry_run {
        rollback::apply(&ws, &ws.cargo, &mut plan, offline)?;
    }
    let frame = args.output.frame(ctx, &ws.root);
    let subject = Subject::Rollback {
        plan: &plan,
        dry_run: args.dry_run,
    };
    let text = report::render(subject, args.format, &frame)?;
    Output::report(text, file, Status::Ok)
}
