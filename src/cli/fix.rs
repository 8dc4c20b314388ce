//! `cargo pin fix`: the arguments, and the run from plan to written files.

use anyhow::Result;
use clap::Args;

use super::args::{LevelArgs, OutputArgs, WorkspaceArgs, format_parser};
use super::{Output, Status};
use crate::Context;
use crate::change::fix;
use crate::context::today;
use crate::report::{self, Format, Subject};

#[derive(Debug, Args)]
pub(crate) struct FixArgs {
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
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = format_parser(report::FIX_FORMATS))]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Do not read the CI files (workflows, Dockerfiles) around the workspace
    #[arg(long)]
    pub no_ci: bool,
    /// Also pin CI action refs to the commit their tag or branch points to
    /// (network: `git ls-remote`)
    #[arg(long, conflicts_with = "no_ci")]
    pub ci: bool,
}

pub(crate) fn run(ctx: &Context, args: &FixArgs) -> Result<Output> {
    let (mut ws, policy) = args.workspace.load(ctx)?;
    WorkspaceArgs::read_ci(&mut ws, &policy, args.no_ci)?;
    let opts = fix::Options {
        crates: args.crates.clone(),
        packages: args.packages.clone(),
        ci_network: args.ci,
        ci_versions: if args.ci {
            let mut sources = crate::registry::sources::Sources::load(ctx, &ws.root)?;
            crate::change::ci::choose_versions(
                &ws,
                &policy,
                &mut sources,
                ctx.now,
                ctx.progress.clone(),
            )?
        } else {
            Default::default()
        },
    };
    let plan = fix::plan(&ws, &policy, &args.levels.levels(), today(ctx.now), &opts)?;
    let frame = args.output.frame(ctx, &ws.root);
    let subject = Subject::Fix {
        plan: &plan,
        dry_run: args.dry_run,
    };
    let text = report::render(subject, args.format, &frame)?;
    let file = args.output.file();
    if let Some(file) = &file {
        // Nor over any manifest, the lockfile or the policy, edited this
        // time or not.
        plan.changes
            .check_report(file, &args.workspace.own_files(&ws))?;
    }
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
