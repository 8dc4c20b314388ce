//! `cargo pin upgrade`: the arguments, and the run from plan to relocked
//! workspace.

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::args::{OutputArgs, RegistryArgs, WorkspaceArgs};
use super::{Output, Status};
use crate::Context;
use crate::change::upgrade;
use crate::registry::sources::Sources;
use crate::report;

/// Output formats of `upgrade`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UpgradeFormat {
    /// Tables for a terminal (with `--dry-run`: the unified diff first)
    Human,
    /// One JSON object (schema_version 1)
    Json,
}

#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// Only upgrade these dependencies (key or crate name); all when none
    #[arg(value_name = "CRATE")]
    pub crates: Vec<String>,
    /// Write nothing; print the diff and the cargo commands it would run
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = UpgradeFormat::Human)]
    pub format: UpgradeFormat,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &UpgradeArgs) -> Result<Output> {
    let (ws, policy) = args.workspace.load(ctx)?;
    let mut sources = Sources::load(ctx, &ws.root)?;
    let offline = args.registry.offline || sources.config.http.offline;
    let plan = upgrade::plan(
        &ws,
        &policy,
        &mut sources,
        &args.crates,
        ctx.now,
        offline,
        ctx.progress.clone(),
    )?;
    if !args.dry_run {
        upgrade::apply(&ws, &ctx.cargo, &plan, offline)?;
    }
    let text = match args.format {
        UpgradeFormat::Human => {
            let mut t = String::new();
            if args.dry_run {
                t.push_str(&plan.changes.diff());
                for u in plan.cargo_updates() {
                    t.push_str(&format!("would run: cargo {}\n", u.join(" ")));
                }
            }
            t.push_str(&report::upgrade::human(
                &plan,
                args.dry_run,
                &args.output.style(ctx),
            ));
            t
        }
        UpgradeFormat::Json => report::upgrade::json(&plan, args.dry_run),
    };
    Output::report(text, args.output.file(), Status::Ok)
}
