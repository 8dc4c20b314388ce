//! `cargo pin review`: the arguments, and the run from both sides of a
//! change to the report and the gate.

use anyhow::Result;
use clap::Args;

use super::args::{LevelArgs, OutputArgs, RegistryArgs, WorkspaceArgs, format_parser};
use super::{Output, Status};
use crate::Context;
use crate::audit::review::gate::{self, Gate};
use crate::audit::review::git::{CiBase, Git};
use crate::audit::review::sides;
use crate::registry::sources::Sources;
use crate::report::{self, Format, Subject};

#[derive(Debug, Args)]
pub(crate) struct ReviewArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    /// The git revision to compare with (default: origin/$GITHUB_BASE_REF,
    /// else $CI_MERGE_REQUEST_DIFF_BASE_SHA, else the merge base of HEAD and
    /// origin/HEAD)
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// The git revision under review (default: the working tree)
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    #[command(flatten)]
    pub levels: LevelArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = format_parser(report::REVIEW_FORMATS))]
    pub format: Format,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(crate) fn run(ctx: &Context, args: &ReviewArgs) -> Result<Output> {
    let (ws, policy) = args.workspace.load(ctx)?;
    let git = Git::open(&ws.root)?;
    let base = match &args.base {
        Some(b) => b.clone(),
        None => git.default_base(&CiBase {
            github_base_ref: ctx.github_base_ref.as_deref(),
            merge_request_base_sha: ctx.merge_request_base_sha.as_deref(),
        })?,
    };
    let sides = sides::load(&git, ws, &base, args.head.as_deref())?;
    let mut sources = Sources::load(ctx, &sides.ws.root)?;
    let levels = args.levels.levels();
    let review = gate::review(
        &sides,
        &mut sources,
        &Gate {
            policy: &policy,
            levels: &levels,
            now: ctx.now,
            offline: args.registry.offline,
            progress: ctx.progress.clone(),
        },
    )?;
    let frame = args.output.frame(ctx, &sides.ws.root);
    let text = report::render(Subject::Review(&review), args.format, &frame)?;
    let status = if review.failed() {
        Status::Deny
    } else {
        Status::Ok
    };
    Output::report(text, args.output.file(), status)
}
