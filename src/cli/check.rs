//! `cargo pin check`: the arguments, and the run from workspace to report.

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::args::{LevelArgs, OutputArgs, WorkspaceArgs};
use super::{Output, Status};
use crate::Context;
use crate::audit::{check, registry_check};
use crate::context::today;
use crate::registry::sources::Sources;
use crate::report;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Tables for a terminal
    Human,
    /// One JSON object (schema_version 1, see schema/check.schema.json)
    Json,
    /// A page for a pull-request comment or a CI job summary
    Markdown,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// GitHub Actions annotations, one per finding
    Github,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub levels: LevelArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Also check every locked registry package against its registry
    /// (rules yanked, too-new, unvetted)
    #[arg(long)]
    pub registry: bool,
    /// With --registry: use the cache only, no network
    #[arg(long, requires = "registry")]
    pub offline: bool,
}

pub fn run(ctx: &Context, args: &CheckArgs) -> Result<Output> {
    let (ws, policy) = args.workspace.load(ctx)?;
    let levels = args.levels.levels();
    let report = if args.registry {
        let mut summary = crate::audit::finding::Summary::default();
        let mut found = check::found(&ws, &mut summary);
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
    let root = || report::SourceRoot::find(&ws.root).with_web(ctx.github_blob.clone());
    let text = match args.format {
        CheckFormat::Human => report::human::check(&report, &args.output.style(ctx)),
        CheckFormat::Json => report::json::check(&report, &super::display_path(&ws.root)),
        CheckFormat::Markdown => report::markdown::check(&report, &root()),
        CheckFormat::Sarif => report::sarif::check(&report, &root()),
        CheckFormat::Github => report::github::check(&report, &root()),
    };
    // The same in every format: a gate must not depend on how it reports.
    let status = if report.failed() {
        Status::Deny
    } else {
        Status::Ok
    };
    Output::report(text, args.output.file(), status)
}
