//! `cargo pin check`: the arguments, and the run from workspace to report.

use anyhow::Result;
use clap::Args;

use super::args::{LevelArgs, OutputArgs, WorkspaceArgs, format_parser};
use super::{Output, Status};
use crate::Context;
use crate::audit::{check, denied, registry_check};
use crate::context::today;
use crate::registry::sources::Sources;
use crate::report::{self, Format, Subject};

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub levels: LevelArgs,
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = format_parser(report::CHECK_FORMATS))]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Do not read the CI files (workflows, Dockerfiles) around the workspace
    #[arg(long)]
    pub no_ci: bool,
    /// Also check every locked registry package against its registry
    /// (rules yanked, too-new, unvetted)
    #[arg(long)]
    pub registry: bool,
    /// With --registry: use the cache only, no network
    #[arg(long, requires = "registry")]
    pub offline: bool,
}

pub(crate) fn run(ctx: &Context, args: &CheckArgs) -> Result<Output> {
    let (mut ws, policy) = args.workspace.load(ctx)?;
    WorkspaceArgs::read_ci(&mut ws, &policy, args.no_ci)?;
    let levels = args.levels.levels();
    let report = if args.registry {
        let mut summary = crate::audit::finding::Summary::default();
        let mut found = check::found(&ws, &mut summary);
        found.extend(denied::found(&ws, &policy));
        let mut sources = Sources::load(ctx, &ws.root)?;
        let locked = registry_check::run(
            &ws,
            &policy,
            &mut sources,
            ctx.now,
            args.offline,
            ctx.progress.clone(),
        )?;
        found.extend(locked.into_iter().map(check::Found::file));
        check::evaluate(found, &policy, &levels, today(ctx.now), summary)
    } else {
        check::check(&ws, &policy, &levels, today(ctx.now))
    };
    let frame = args.output.frame(ctx, &ws.root);
    let text = report::render(Subject::Check(&report), args.format, &frame)?;
    // The same in every format: a gate must not depend on how it reports.
    let status = if report.failed() {
        Status::Deny
    } else {
        Status::Ok
    };
    Output::report(text, args.output.file(), status)
}
