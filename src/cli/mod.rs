//! The command line: argument definitions and the dispatch to each command.
//!
//! This is the edge of the program: it is the one place that prints, and it
//! turns every error into exit code 2 with a message.

pub mod progress;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::audit::check::{self, Levels};
use crate::audit::policy::Policy;
use crate::audit::rule::{Level, Rule};
use crate::cli::progress::TermProgress;
use crate::registry::sources::Sources;
use crate::report::{self, Style};
use crate::workspace::Workspace;

/// Exit code: no deny-level finding.
pub const EXIT_OK: u8 = 0;
/// Exit code: at least one deny-level finding.
pub const EXIT_DENY: u8 = 1;
/// Exit code: an error (bad arguments, unreadable or malformed input).
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo", styles = clap::builder::styling::Styles::styled())]
pub enum CargoCli {
    Pin(PinCli),
}

/// Audit how exactly a workspace pins its dependencies, and pin them.
///
/// Exit codes: 0 no deny-level finding, 1 at least one deny-level finding,
/// 2 error.
#[derive(Debug, Args)]
#[command(version, author)]
pub struct PinCli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find every requirement that can drift, a missing or stale Cargo.lock
    /// and a floating toolchain (offline).
    Check(CheckArgs),
    /// Write exact pins from Cargo.lock into the manifests, changing
    /// nothing else.
    Fix(FixArgs),
    /// List newer releases of every registry requirement, and what holds
    /// each back (yanked, prerelease, cooldown, Rust version, vetting).
    Outdated(OutdatedArgs),
    /// Record releases a reviewer vetted in pin.toml.
    Allow(AllowArgs),
    /// Move pins to the newest vetted release that is old enough and fits
    /// the workspace's Rust, and update Cargo.lock through cargo.
    Upgrade(UpgradeArgs),
}

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

/// How the registry is reached.
#[derive(Debug, Args, Default)]
pub struct RegistryArgs {
    /// Use the cache only, no network; fail when it lacks a crate
    #[arg(long)]
    pub offline: bool,
}

/// Output formats of `outdated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutdatedFormat {
    /// A table for a terminal
    Human,
    /// One JSON object (schema_version 1)
    Json,
    /// A page for a pull-request comment or a CI job summary: pending
    /// releases with their age, status and links to vet them
    Markdown,
}

#[derive(Debug, Args)]
pub struct OutdatedArgs {
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutdatedFormat::Human)]
    pub format: OutdatedFormat,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct AllowArgs {
    /// Releases to record as vetted, as CRATE@VERSION
    #[arg(value_name = "CRATE@VERSION", required = true, value_parser = parse_release)]
    pub releases: Vec<crate::change::allow::Release>,
    /// Why the releases are trusted (recorded in pin.toml)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

fn parse_release(s: &str) -> Result<crate::change::allow::Release, String> {
    s.parse()
}

/// Where the workspace and its policy are.
#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    /// Path to Cargo.toml (default: the workspace around the current directory)
    #[arg(long, value_name = "PATH", global = true)]
    pub manifest_path: Option<PathBuf>,

    /// Path to the policy file (default: pin.toml at the workspace root)
    #[arg(long, value_name = "PATH", global = true)]
    pub policy: Option<PathBuf>,
}

/// Per-run rule levels. Applied after pin.toml: allow, then warn, then
/// deny, so `-D` wins when one rule is named twice.
#[derive(Debug, Args, Default)]
pub struct LevelArgs {
    /// Raise RULE to deny for this run
    #[arg(short = 'D', long = "deny", value_name = "RULE")]
    pub deny: Vec<Rule>,
    /// Set RULE to warn for this run
    #[arg(short = 'W', long = "warn", value_name = "RULE")]
    pub warn: Vec<Rule>,
    /// Silence RULE for this run
    #[arg(short = 'A', long = "allow", value_name = "RULE")]
    pub allow: Vec<Rule>,
}

impl LevelArgs {
    pub fn levels(&self) -> Levels {
        let mut overrides = Vec::new();
        overrides.extend(self.allow.iter().map(|r| (*r, Level::Allow)));
        overrides.extend(self.warn.iter().map(|r| (*r, Level::Warn)));
        overrides.extend(self.deny.iter().map(|r| (*r, Level::Deny)));
        Levels { overrides }
    }
}

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

/// Where a report goes.
#[derive(Debug, Args, Default)]
pub struct OutputArgs {
    /// Write the report to FILE (atomically) instead of stdout; `-` is stdout
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    /// The file to write, `None` for stdout.
    pub fn file(&self) -> Option<&Path> {
        self.output.as_deref().filter(|p| *p != Path::new("-"))
    }

    /// The style of human output: the terminal's, with no colour in a file.
    pub fn style(&self) -> Style {
        let style = Style::for_stdout();
        match self.file() {
            Some(_) => Style {
                color: false,
                ..style
            },
            None => style,
        }
    }
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

impl clap::builder::ValueParserFactory for Rule {
    type Parser = RuleParser;
    fn value_parser() -> RuleParser {
        RuleParser
    }
}

/// Parses rule ids on the command line, listing the known ones on error.
#[derive(Clone, Debug)]
pub struct RuleParser;

impl clap::builder::TypedValueParser for RuleParser {
    type Value = Rule;
    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Rule, clap::Error> {
        let s = value.to_string_lossy();
        s.parse::<Rule>().map_err(|e| {
            let mut err = clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd);
            if let Some(arg) = arg {
                err.insert(
                    clap::error::ContextKind::InvalidArg,
                    clap::error::ContextValue::String(arg.to_string()),
                );
            }
            err.insert(
                clap::error::ContextKind::InvalidValue,
                clap::error::ContextValue::String(s.into_owned()),
            );
            err.insert(
                clap::error::ContextKind::Suggested,
                clap::error::ContextValue::StyledStrs(vec![e.to_string().into()]),
            );
            err
        })
    }
}

/// Today's date and the current time, or the fixed instant in
/// `CARGO_PIN_NOW` (RFC 3339 or a date) that tests use.
pub fn now() -> Result<jiff::Timestamp> {
    match std::env::var("CARGO_PIN_NOW") {
        Ok(s) => {
            if let Ok(ts) = s.parse::<jiff::Timestamp>() {
                return Ok(ts);
            }
            let date: jiff::civil::Date = s.parse().with_context(|| {
                format!("CARGO_PIN_NOW={s:?} is not an RFC 3339 time or a date")
            })?;
            Ok(date
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .context("CARGO_PIN_NOW is out of range")?
                .timestamp())
        }
        Err(_) => Ok(jiff::Timestamp::now()),
    }
}

/// The UTC date of `ts`.
pub fn today(ts: jiff::Timestamp) -> jiff::civil::Date {
    ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
}

/// Runs the program with `args` (including the program name) and returns
/// the exit code. `cargo-pin pin check` and `cargo-pin check` both work.
pub fn main_with_args(args: Vec<OsString>) -> ExitCode {
    let cli = match CargoCli::try_parse_from(with_pin(args)) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_ERROR } else { EXIT_OK });
        }
    };
    let CargoCli::Pin(pin) = cli;
    match run(pin.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// cargo runs us as `cargo-pin pin ...`; a person may type `cargo-pin
/// check`: both parse the same.
fn with_pin(mut args: Vec<OsString>) -> Vec<OsString> {
    if args
        .get(1)
        .is_some_and(|a| a != "pin" && !a.to_string_lossy().starts_with('-'))
    {
        args.insert(1, "pin".into());
    }
    args
}

fn run(command: Command) -> Result<u8> {
    match command {
        Command::Check(args) => run_check(&args),
        Command::Fix(args) => run_fix(&args),
        Command::Outdated(args) => run_outdated(&args),
        Command::Allow(args) => run_allow(&args),
        Command::Upgrade(args) => run_upgrade(&args),
    }
}

/// Loads the workspace and its policy, as every command does first.
pub fn load(args: &WorkspaceArgs) -> Result<(Workspace, Policy)> {
    let ws = Workspace::load(args.manifest_path.as_deref())?;
    let policy = Policy::load(&ws.root, args.policy.as_deref())?;
    Ok((ws, policy))
}

fn run_check(args: &CheckArgs) -> Result<u8> {
    let (ws, policy) = load(&args.workspace)?;
    let now = now()?;
    let levels = args.levels.levels();
    let report = if args.registry {
        let mut summary = crate::audit::finding::Summary::default();
        let mut raw = check::raw_findings(&ws, &mut summary);
        let mut sources = Sources::load(&ws.root)?;
        let found = crate::audit::registry_check::run(
            &ws,
            &policy,
            &mut sources,
            now,
            args.offline,
            TermProgress::for_stderr(),
        )?;
        raw.extend(found.into_iter().map(|finding| check::Raw {
            finding,
            manifest: None,
            dep: None,
            locked: None,
        }));
        check::evaluate(raw, &policy, &levels, today(now), summary)
    } else {
        check::check(&ws, &policy, &levels, today(now))
    };
    let root = || report::SourceRoot::from_env(&ws.root);
    let text = match args.format {
        CheckFormat::Human => report::human::check(&report, &args.output.style()),
        CheckFormat::Json => report::json::check(&report, &display_path(&ws.root)),
        CheckFormat::Markdown => report::markdown::check(&report, &root()),
        CheckFormat::Sarif => report::sarif::check(&report, &root()),
        CheckFormat::Github => report::github::check(&report, &root()),
    };
    emit(&text, args.output.file())?;
    // The same in every format: a gate must not depend on how it reports.
    Ok(if report.failed() { EXIT_DENY } else { EXIT_OK })
}

fn run_fix(args: &FixArgs) -> Result<u8> {
    let (ws, policy) = load(&args.workspace)?;
    let opts = crate::change::fix::Options {
        crates: args.crates.clone(),
        packages: args.packages.clone(),
    };
    let plan = crate::change::fix::plan(&ws, &policy, &args.levels.levels(), today(now()?), &opts)?;
    let text = match args.format {
        FixFormat::Human => {
            let mut t = String::new();
            if args.dry_run {
                t.push_str(&plan.diff());
            }
            t.push_str(&report::human::fix(
                &plan,
                args.dry_run,
                &args.output.style(),
            ));
            t
        }
        FixFormat::Json => report::json::fix(&plan, args.dry_run, &display_path(&ws.root)),
        FixFormat::Markdown => report::markdown::fix(&plan, args.dry_run),
    };
    match (args.dry_run, args.output.file()) {
        (true, file) => emit(&text, file)?,
        // The report file joins the manifests in one all-or-nothing write:
        // an unwritable report must not leave pins behind it.
        (false, Some(file)) => {
            let mut files: Vec<(PathBuf, Vec<u8>)> = plan
                .files
                .iter()
                .map(|f| (f.path.clone(), f.after.clone().into_bytes()))
                .collect();
            files.push((file.to_path_buf(), text.into_bytes()));
            crate::change::write::write_all(&files)
                .with_context(|| format!("nothing was written (report: {})", file.display()))?;
        }
        (false, None) => {
            plan.write()?;
            emit(&text, None)?;
        }
    }
    Ok(EXIT_OK)
}

fn run_outdated(args: &OutdatedArgs) -> Result<u8> {
    let (ws, policy) = load(&args.workspace)?;
    let mut sources = Sources::load(&ws.root)?;
    let now = now()?;
    let entries = crate::audit::outdated::run(
        &ws,
        &policy,
        &mut sources,
        now,
        args.registry.offline,
        TermProgress::for_stderr(),
    )?;
    let text = match args.format {
        OutdatedFormat::Human => report::human::outdated(&entries, &args.output.style()),
        OutdatedFormat::Json => report::json::outdated(&entries),
        OutdatedFormat::Markdown => {
            report::markdown::outdated(&entries, now, &report::SourceRoot::from_env(&ws.root))
        }
    };
    emit(&text, args.output.file())?;
    Ok(EXIT_OK)
}

fn run_allow(args: &AllowArgs) -> Result<u8> {
    let ws = Workspace::load(args.workspace.manifest_path.as_deref())?;
    let path = crate::change::allow::policy_path(&ws, args.workspace.policy.as_deref());
    let mut sources = Sources::load(&ws.root)?;
    let outcomes = crate::change::allow::run(
        &ws,
        &mut sources,
        &path,
        &args.releases,
        &args.reason,
        args.registry.offline,
        TermProgress::for_stderr(),
    )?;
    let shown = path
        .strip_prefix(&ws.root)
        .unwrap_or(&path)
        .display()
        .to_string();
    let mut text = String::new();
    for o in &outcomes {
        let r = &o.release;
        if o.added {
            text.push_str(&format!("vetted {}@{} in {shown}\n", r.krate, r.version));
        } else {
            text.push_str(&format!(
                "{}@{} was already vetted in {shown}\n",
                r.krate, r.version
            ));
        }
    }
    emit(&text, None)?;
    Ok(EXIT_OK)
}

fn run_upgrade(args: &UpgradeArgs) -> Result<u8> {
    let (ws, policy) = load(&args.workspace)?;
    let mut sources = Sources::load(&ws.root)?;
    let offline = args.registry.offline || sources.config.http.offline;
    let plan = crate::change::upgrade::plan(
        &ws,
        &policy,
        &mut sources,
        &args.crates,
        now()?,
        offline,
        TermProgress::for_stderr(),
    )?;
    if !args.dry_run {
        crate::change::upgrade::apply(&ws, &plan, offline)?;
    }
    let text = match args.format {
        UpgradeFormat::Human => {
            let mut t = String::new();
            if args.dry_run {
                t.push_str(&plan.diff());
                for u in plan.cargo_updates() {
                    t.push_str(&format!("would run: cargo {}\n", u.join(" ")));
                }
            }
            t.push_str(&report::human::upgrade(
                &plan,
                args.dry_run,
                &args.output.style(),
            ));
            t
        }
        UpgradeFormat::Json => report::json::upgrade(&plan, args.dry_run),
    };
    emit(&text, args.output.file())?;
    Ok(EXIT_OK)
}

/// A path as shown in reports.
pub fn display_path(p: &Path) -> String {
    p.display().to_string()
}

/// Writes a report to `output` (atomically) or stdout. A closed stdout
/// (`| head`) is not an error.
pub fn emit(text: &str, output: Option<&Path>) -> Result<()> {
    if let Some(path) = output {
        return crate::change::write::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()));
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("cannot write to stdout"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
            assert_eq!(c.format, CheckFormat::Json);
            assert_eq!(c.levels.deny, vec![Rule::GitTag]);
        }
    }

    #[test]
    fn unknown_rule_is_a_usage_error() {
        let e = CargoCli::try_parse_from(["cargo", "pin", "check", "-D", "carret"]).unwrap_err();
        assert!(e.use_stderr());
        assert!(e.to_string().contains("carret"), "{e}");
    }

    #[test]
    fn later_levels_win() {
        let l = LevelArgs {
            deny: vec![Rule::GitTag],
            warn: vec![Rule::GitTag, Rule::Caret],
            allow: vec![Rule::Caret],
        }
        .levels();
        let p = Policy::default();
        assert_eq!(l.level(&p, Rule::GitTag), Level::Deny);
        assert_eq!(l.level(&p, Rule::Caret), Level::Warn);
        assert_eq!(l.level(&p, Rule::Tilde), Level::Deny);
    }
}
