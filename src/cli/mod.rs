//! The command line, the edge of the program: argument definitions, the
//! [`Context`] read from the process once, the dispatch to each command, and
//! the exit code.
//!
//! This is the one place that reads the process's environment and prints.
//! Each command lives in a module of its own (`check`, `fix`, …) holding its
//! arguments and `run(&Context, &Args) -> Result<Output>`; every error ends
//! here as exit code 2 with a message.
//!
//! Exit codes: [`EXIT_OK`] 0 no deny-level finding, [`EXIT_DENY`] 1 at least
//! one deny-level finding, [`EXIT_ERROR`] 2 an error.

pub(crate) mod allow;
pub(crate) mod args;
pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod deny;
pub(crate) mod fix;
pub(crate) mod init;
pub(crate) mod man;
pub(crate) mod outdated;
pub(crate) mod progress;
pub(crate) mod review;
pub(crate) mod rollback;
pub(crate) mod upgrade;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};

use crate::context::{ColorChoice, Context, Flags, Host, Vars, Verbosity};
use crate::report::Format;

/// Exit code: no deny-level finding.
pub const EXIT_OK: u8 = 0;
/// Exit code: at least one deny-level finding.
pub const EXIT_DENY: u8 = 1;
/// Exit code: an error (bad arguments, unreadable or malformed input).
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo", styles = clap::builder::styling::Styles::styled())]
pub(crate) enum CargoCli {
    Pin(PinCli),
}

/// Audit how exactly a workspace pins its dependencies, and pin them.
///
/// The policy is pin.toml at the workspace root (optional; `cargo pin init`
/// writes a commented one).
///
/// Exit codes: 0 no deny-level finding, 1 at least one deny-level finding,
/// 2 error.
#[derive(Debug, clap::Args)]
#[command(version, author)]
pub(crate) struct PinCli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// The flags every command takes: colour and how much to say.
#[derive(Debug, clap::Args, Default)]
pub(crate) struct GlobalArgs {
    /// When to colour output (wins over CARGO_TERM_COLOR and NO_COLOR)
    #[arg(long, value_name = "WHEN", global = true)]
    pub color: Option<ColorChoice>,
    /// Print nothing but errors; the exit code says the rest (a report in
    /// another --format than human, or sent to --output, is still written)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more: each requiring place, every held-back release
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

impl GlobalArgs {
    fn flags(&self) -> Flags {
        Flags {
            color: self.color,
            verbosity: if self.quiet {
                Verbosity::Quiet
            } else if self.verbose > 0 {
                Verbosity::Verbose
            } else {
                Verbosity::Normal
            },
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Find every requirement that can drift, a missing or stale Cargo.lock
    /// and a floating toolchain (offline).
    Check(check::CheckArgs),
    /// Write exact pins from Cargo.lock into the manifests, changing
    /// nothing else.
    Fix(fix::FixArgs),
    /// List newer releases of every registry requirement, and what holds
    /// each back (yanked, prerelease, cooldown, Rust version, vetting).
    Outdated(outdated::OutdatedArgs),
    /// Record releases a reviewer vetted in pin.toml.
    Allow(allow::AllowArgs),
    /// Move pins to the newest vetted release that is old enough and fits
    /// the workspace's Rust, and update Cargo.lock through cargo.
    Upgrade(upgrade::UpgradeArgs),
    /// Mark releases bad in pin.toml (and take them out of the vetted ones),
    /// offline.
    Deny(deny::DenyArgs),
    /// Move every locked version of a crate that is denied or yanked back to
    /// the newest lower acceptable release, pins and Cargo.lock together.
    Rollback(rollback::RollbackArgs),
    /// Vet what a change does to Cargo.lock: every package it adds,
    /// removes or moves (transitive included), and the gate on the
    /// versions it introduces.
    Review(review::ReviewArgs),
    /// Write a commented pin.toml for this workspace (the library profile
    /// for a published library), refusing to replace one.
    Init(init::InitArgs),
    /// Print the shell completion script for bash, zsh, fish, PowerShell
    /// or elvish.
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff), or write one per command into a folder.
    Man(man::ManArgs),
}

/// How a command ended, short of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// No deny-level finding: exit 0.
    Ok,
    /// At least one deny-level finding: exit 1.
    Deny,
}

impl Status {
    pub(crate) fn code(self) -> u8 {
        match self {
            Status::Ok => EXIT_OK,
            Status::Deny => EXIT_DENY,
        }
    }
}

/// What a command leaves for the edge: text for stdout, and its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Output {
    pub stdout: String,
    pub status: Status,
}

impl Output {
    /// `text` for stdout.
    pub(crate) fn stdout(text: String, status: Status) -> Output {
        Output {
            stdout: text,
            status,
        }
    }

    /// Nothing for stdout.
    pub(crate) fn quiet(status: Status) -> Output {
        Output::stdout(String::new(), status)
    }

    /// A report: written to `file` (atomically) when given, else for stdout.
    pub(crate) fn report(text: String, file: Option<PathBuf>, status: Status) -> Result<Output> {
        match file {
            Some(path) => {
                crate::change::write_report(&path, &text)?;
                Ok(Output::quiet(status))
            }
            None => Ok(Output::stdout(text, status)),
        }
    }
}

/// Runs the program with `args` (including the program name) and returns
/// the exit code. `cargo-pin pin check` and `cargo-pin check` both work.
pub fn main_with_args(args: Vec<OsString>) -> ExitCode {
    let cli = match parse(with_pin(args)) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { EXIT_OK });
        }
    };
    let CargoCli::Pin(pin) = cli;
    if let Err(e) = crate::change::interrupt::install() {
        let _ = writeln!(std::io::stderr(), "error: cannot handle signals: {e:#}");
        return ExitCode::from(EXIT_ERROR);
    }
    let flags = pin.global.flags();
    let ctx = context_from_process(flags);
    // Until the context is read, stderr's colour is a guess from --color.
    let stderr_color = match &ctx {
        Ok(ctx) => ctx.stderr_color,
        Err(_) => flags.color == Some(ColorChoice::Always),
    };
    let result = ctx.and_then(|ctx| {
        let out = run(&ctx, &pin.command)?;
        // -q keeps requested output (a machine format on stdout) and
        // drops the human report: the exit code says it.
        if ctx.verbosity != Verbosity::Quiet || !pin.command.quiet_drops_stdout() {
            print(&out.stdout)?;
        }
        Ok(out.status)
    });
    let code = match result {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{} {e:#}", label("error:", stderr_color));
            ExitCode::from(EXIT_ERROR)
        }
    };
    // A signal that came while files were written ends the run now that
    // they are all written or all put back, as the signal would have.
    match crate::change::interrupt::received() {
        Some(sig) => {
            let _ = writeln!(
                std::io::stderr(),
                "cargo-pin: {}",
                crate::change::interrupt::name(sig)
            );
            ExitCode::from(u8::try_from(128 + sig).unwrap_or(EXIT_ERROR))
        }
        None => code,
    }
}

/// The context of this process: its variables, directory and terminal,
/// read once. The one place that reads them (clippy.toml disallows it
/// everywhere else).
#[allow(clippy::disallowed_methods)]
pub(crate) fn context_from_process(flags: Flags) -> Result<Context> {
    let vars: Vars = std::env::vars_os().collect();
    let stdout_tty = std::io::stdout().is_terminal();
    let stderr_tty = std::io::stderr().is_terminal();
    let host = Host {
        cwd: std::env::current_dir().context("cannot read the current directory")?,
        temp_dir: std::env::temp_dir(),
        home_dir: dirs::home_dir(),
        cache_dir: dirs::cache_dir(),
        stdout_tty,
        terminal_width: if stdout_tty {
            comfy_table::Table::new().width()
        } else {
            None
        },
        stderr_tty,
    };
    // The progress bar and its warnings need stderr's colour and -q before
    // the context exists.
    let progress = progress::TermProgress::for_stderr(
        flags.verbosity != Verbosity::Quiet,
        crate::context::stderr_color(&vars, &host, flags)?,
    );
    Context::with_flags(&vars, host, progress, flags)
}

/// `error:` or `warning:`, bold and coloured as cargo shows them when
/// `color`.
pub(crate) fn label(word: &str, color: bool) -> String {
    if !color {
        return word.to_string();
    }
    let c = if word.starts_with("error") {
        anstyle::AnsiColor::Red
    } else {
        anstyle::AnsiColor::Yellow
    };
    let st = anstyle::Style::new().fg_color(Some(c.into())).bold();
    format!("{st}{word}{st:#}")
}

impl Command {
    /// Whether `-q` drops what the command prints on stdout: a report for
    /// a person, not output asked for (a machine format, a completion
    /// script, a man page).
    fn quiet_drops_stdout(&self) -> bool {
        let format = match self {
            Command::Check(a) => a.format,
            Command::Fix(a) => a.format,
            Command::Outdated(a) => a.format,
            Command::Upgrade(a) => a.format,
            Command::Rollback(a) => a.format,
            Command::Review(a) => a.format,
            Command::Allow(_) | Command::Deny(_) => Format::Human,
            // `--dry-run` prints the file it would write: output asked for.
            Command::Init(a) => return !a.dry_run,
            Command::Completions(_) | Command::Man(_) => return false,
        };
        matches!(format, Format::Human | Format::Short)
    }
}

/// Runs one command.
pub(crate) fn run(ctx: &Context, command: &Command) -> Result<Output> {
    match command {
        Command::Check(args) => check::run(ctx, args),
        Command::Fix(args) => fix::run(ctx, args),
        Command::Outdated(args) => outdated::run(ctx, args),
        Command::Allow(args) => allow::run(ctx, args),
        Command::Upgrade(args) => upgrade::run(ctx, args),
        Command::Deny(args) => deny::run(ctx, args),
        Command::Rollback(args) => rollback::run(ctx, args),
        Command::Review(args) => review::run(ctx, args),
        Command::Init(args) => init::run(ctx, args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
    }
}

/// Parses the command line; clap's own messages (usage errors, help)
/// take `--color` too, when it is given.
fn parse(args: Vec<OsString>) -> Result<CargoCli, clap::Error> {
    use clap::{CommandFactory as _, FromArgMatches as _};
    let mut cmd = CargoCli::command();
    if let Some(choice) = color_flag(&args) {
        cmd = cmd.color(match choice {
            ColorChoice::Auto => clap::ColorChoice::Auto,
            ColorChoice::Always => clap::ColorChoice::Always,
            ColorChoice::Never => clap::ColorChoice::Never,
        });
    }
    let matches = cmd.try_get_matches_from_mut(args)?;
    CargoCli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
}

/// The last `--color WHEN` or `--color=WHEN` before `--`, read ahead of
/// clap (which decides its own colours before it parses).
fn color_flag(args: &[OsString]) -> Option<ColorChoice> {
    let mut choice = None;
    let mut args = args.iter().map(|a| a.to_str().unwrap_or_default());
    while let Some(a) = args.next() {
        let value = match a {
            "--" => break,
            "--color" => args.next(),
            _ => a.strip_prefix("--color="),
        };
        if let Some(v) = value {
            choice = clap::ValueEnum::from_str(v, false).ok().or(choice);
        }
    }
    choice
}

/// cargo runs us as `cargo-pin pin ...`; a person may type `cargo-pin
/// check`, `cargo-pin -q check` or `cargo-pin --version`: all parse the
/// same as through cargo (global flags may come first).
fn with_pin(mut args: Vec<OsString>) -> Vec<OsString> {
    if args.get(1).is_none_or(|a| a != "pin") {
        args.insert(1.min(args.len()), "pin".into());
    }
    args
}

/// The command line of `cargo-pin` itself (`cargo-pin check ...`): what
/// completions and the man page describe.
pub(crate) fn pin_command() -> clap::Command {
    use clap::CommandFactory as _;
    CargoCli::command()
        .find_subcommand("pin")
        .cloned()
        .unwrap_or_else(|| clap::Command::new("pin"))
        .name("cargo-pin")
        .bin_name("cargo-pin")
        .mut_subcommands(|sub| {
            let bin = format!("cargo-pin {}", sub.get_name());
            sub.bin_name(bin)
        })
}

/// Writes to stdout. A closed stdout (`| head`) is not an error.
fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("cannot write to stdout"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rule::Rule;
    use clap::CommandFactory;

    #[test]
    fn verify_app() {
        CargoCli::command().debug_assert();
    }

    #[test]
    fn direct_and_cargo_invocations_parse_alike() {
        for args in [
            vec![
                "cargo-pin",
                "pin",
                "check",
                "--format",
                "json",
                "-D",
                "git-tag",
            ],
            vec!["cargo-pin", "check", "--format", "json", "-D", "git-tag"],
        ] {
            let v: Vec<OsString> = args.into_iter().map(Into::into).collect();
            let CargoCli::Pin(p) = CargoCli::try_parse_from(with_pin(v)).unwrap();
            let Command::Check(c) = p.command else {
                panic!("check expected")
            };
            assert_eq!(c.format, Format::Json);
            assert_eq!(c.levels.deny, vec![Rule::GitTag]);
        }
    }

    #[test]
    fn the_color_flag_is_read_before_clap_parses() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(color_flag(&args(&["cargo-pin", "check"])), None);
        assert_eq!(
            color_flag(&args(&["cargo-pin", "--color", "never", "check"])),
            Some(ColorChoice::Never)
        );
        assert_eq!(
            color_flag(&args(&["cargo-pin", "check", "--color=always", "-D", "x"])),
            Some(ColorChoice::Always)
        );
        assert_eq!(
            color_flag(&args(&["cargo-pin", "check", "--", "--color=always"])),
            None
        );
        assert_eq!(color_flag(&args(&["cargo-pin", "--color", "blue"])), None);
    }

    #[test]
    fn unknown_rule_is_a_usage_error() {
        let e = CargoCli::try_parse_from(["cargo", "pin", "check", "-D", "carret"]).unwrap_err();
        assert!(e.use_stderr());
        assert!(e.to_string().contains("carret"), "{e}");
    }
}
