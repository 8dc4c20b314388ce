//! `cargo pin upgrade`: the arguments, and the run from plan to relocked
//! workspace.

use anyhow::Result;
use clap::Args;

use super::args::{OutputArgs, RegistryArgs, WorkspaceArgs, format_parser};
use super::{Output, Status};
use crate::Context;
use crate::audit::review::diff::diff;
use crate::change::upgrade;
use crate::registry::sources::Sources;
use crate::report::{self, Format, Subject};
use crate::workspace::lockfile::Lockfile;

#[derive(Debug, Args)]
pub(crate) struct UpgradeArgs {
    /// Only upgrade these dependencies (key or crate name); all when none
    #[arg(value_name = "CRATE")]
    pub crates: Vec<String>,
    /// Write nothing; print the diff and the cargo commands it would run
    #[arg(long)]
    pub dry_run: bool,
    /// Also move across the semver-compatibility boundary (`0.4` -> `1.0`,
    /// `1.x` -> `2.0`), as `cargo update --breaking`
    #[arg(long)]
    pub breaking: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = format_parser(report::UPGRADE_FORMATS))]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(crate) fn run(ctx: &Context, args: &UpgradeArgs) -> Result<Output> {
    let (ws, policy) = args.workspace.load(ctx)?;
    let mut sources = Sources::load(ctx, &ws.root)?;
    let offline = args.registry.offline || sources.config.http.offline;
    let plan = upgrade::plan(
        &ws,
        &policy,
        &mut sources,
        &upgrade::Options {
            crates: &args.crates,
            breaking: args.breaking,
        },
        ctx.now,
        offline,
        ctx.progress.clone(),
    )?;
    let frame = args.output.frame(ctx, &ws.root);
    let subject = Subject::Upgrade {
        plan: &plan,
        dry_run: args.dry_run,
    };
    let text = report::render(subject, args.format, &frame)?;
    let file = args.output.file();
    if let Some(file) = &file {
        plan.changes
            .check_report(file, &args.workspace.own_files(&ws))?;
    }
    if args.dry_run {
        return Output::report(text, file, Status::Ok);
    }
    // The report is made ready before any file changes, and written once
    // cargo has relocked.
    match file {
        Some(file) => {
            upgrade::apply(&ws, &ws.cargo, &plan, offline, Some((&file, &text)))?;
            Ok(Output::quiet(Status::Ok))
        }
        None => {
            upgrade::apply(&ws, &ws.cargo, &plan, offline, None)?;
            // What cargo moved, planned or not: the same lockfile diff as
            // `review`, and what is left to do knowing it (on stdout; a
            // report file was made ready before).
            let mut text = text;
            if args.format == Format::Human
                && !plan.moves.is_empty()
                && let Some(old) = &ws.lockfile
            {
                let new = Lockfile::read(&ws.root.join("Cargo.lock"))?;
                let changes = diff(old, &new);
                let relocked = report::human::Relocked {
                    changes: &changes,
                    in_git: ws.root.ancestors().any(|d| d.join(".git").exists()),
                };
                text = report::human::upgrade(&plan, false, Some(relocked), &frame.style);
            }
            Ok(Output::stdout(text, Status::Ok))
        }
    }
}
