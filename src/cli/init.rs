//! `cargo pin init`: the arguments, and the run that writes a commented
//! pin.toml at the workspace root (or `--policy PATH`).

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::args::WorkspaceArgs;
use super::{Output, Status};
use crate::Context;
use crate::change::init::{self, Profile};

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The profile to write (default: library for a published library,
    /// else application)
    #[arg(long, value_enum, value_name = "PROFILE")]
    pub(crate) profile: Option<ProfileArg>,
    /// Print the file instead of writing it
    #[arg(long)]
    pub(crate) dry_run: bool,
    #[command(flatten)]
    pub(crate) workspace: WorkspaceArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProfileArg {
    /// Exact pins everywhere: anything shipped from this Cargo.lock
    Application,
    /// Semver-compatible ranges in a published library's dependencies
    Library,
}

pub(crate) fn run(ctx: &Context, args: &InitArgs) -> Result<Output> {
    let ws = args.workspace.workspace(ctx)?;
    let (path, shown) = args.workspace.policy_shown(&ws);
    let detected = init::profile(&ws);
    let profile = match (args.profile, &detected) {
        (None, _) => detected.clone(),
        (Some(ProfileArg::Application), _) => Profile::Application,
        (Some(ProfileArg::Library), Profile::Library { .. }) => detected.clone(),
        // Asked for, not detected: the file says so.
        (Some(ProfileArg::Library), Profile::Application) => Profile::Library {
            package: String::new(),
            others: 0,
        },
    };
    let text = init::template(&profile);
    let changes = init::plan(&ws.root, &path, &shown, &text)?;
    if args.dry_run {
        return Ok(Output::stdout(text, Status::Ok));
    }
    changes.write(None)?;
    let why = match (&profile, args.profile) {
        (Profile::Library { .. }, None) => format!(" ({})", profile.why()),
        _ => String::new(),
    };
    Ok(Output::stdout(
        format!(
            "wrote {shown}: the {} profile{why}\n\
             help: `cargo pin check` audits the workspace against it\n",
            profile.name()
        ),
        Status::Ok,
    ))
}
