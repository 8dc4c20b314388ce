//! `cargo pin fix`: the arguments, and the run from plan to written files.

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::args::{LevelArgs, OutputArgs, WorkspaceArgs};
use super::{Output, Status};
use crate::Context;
use crate::change::fix;
use crate::context::today;
use crate::report;

/// Output formats of `fix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FixFormat {
    /// Tables for a terminal (with `--dry-run`: the unified diff first)
    Human,
    /// One JSON object (schema_version 1)
    Json,
    /// A Markdown page for a pull request, the diff collapsed
    Markdown,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Only pin these dependencies (key or crate name)
    #[arg(value_name = "CRATE")]
    pub crates: Vec<String>,
    /// Only edit the manifests of these workspace members
    #[arg(short = 'p', long = "package", value_name = "MEMBER")]
    pub packages: Vec<String>,
    /// Write nothing; print the unified diff that would be applied
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub levels: LevelArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = FixFormat::Human)]
    pub format: FixFormat,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: &FixArgs) -> Result<Output> {
    let (ws, policy) = args.workspace.load(ctx)?;
    let opts = fix::Options {
        crates: args.crates.clone(),
        packages: args.packages.clone(),
    };
    let plan = fix::plan(&ws, &policy, &args.levels.levels(), today(ctx.now), &opts)?;
    let text = match args.format {
        FixFormat::Human => {
            let mut t = String::new();
            if args.dry_run {
                t.push_str(&plan.changes.diff());
            }
            t.push_str(&report::human::fix(
                &plan,
                args.dry_run,
                &args.output.style(ctx),
            ));
            t
        }
        FixFormat::Json => report::json::fix(&plan, args.dry_run, &super::display_path(&ws.root)),
        FixFormat::Markdown => report::markdown::fix(&plan, args.dry_run),
    };
    let file = args.output.file();
    if args.dry_run {
        return Output::report(text, file, Status::Ok);
    }
    // The report file joins the manifests in one all-or-nothing write: an
    // unwritable report must not leave pins behind it.
    match file {
        Some(file) => {
            plan.changes.write(Some((&file, &text)))?;
            Ok(Output::quiet(Status::Ok))
        }
        None => {
            plan.changes.write(None)?;
            Ok(Output::stdout(text, Status::Ok))
        }
    }
}
