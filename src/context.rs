//! The context a command runs in: the clock, and everything cargo-pin takes
//! from its surroundings (environment variables, the current directory, the
//! terminal), read once at the command-line edge
//! ([`crate::cli::main_with_args`]) and passed down.
//!
//! Nothing below the edge reads an environment variable: a test builds a
//! [`Context`] from the variables it chooses ([`Context::new`]) instead of
//! scrubbing the process's.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use jiff::Timestamp;

use crate::registry::Progress;
use crate::report::Style;
use crate::workspace::Cargo;

/// Environment variables, as the process had them (non-UTF-8 values are
/// dropped: none that cargo-pin reads can be).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars(BTreeMap<String, String>);

impl Vars {
    /// A variable's value; `None` when unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A variable's value; `None` when unset or empty.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// The variables whose names `keep` accepts.
    pub fn filtered(&self, keep: impl Fn(&str) -> bool) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter(|(k, _)| keep(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

impl<K: Into<OsString>, V: Into<OsString>> FromIterator<(K, V)> for Vars {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Vars {
        Vars(
            iter.into_iter()
                .filter_map(|(k, v)| {
                    Some((k.into().into_string().ok()?, v.into().into_string().ok()?))
                })
                .collect(),
        )
    }
}

/// What the host says besides its variables: where we are, what the
/// terminal is, the platform's usual directories.
#[derive(Debug, Clone, Default)]
pub struct Host {
    pub cwd: PathBuf,
    /// The platform's temporary directory.
    pub temp_dir: PathBuf,
    /// The user's home directory.
    pub home_dir: Option<PathBuf>,
    /// The platform's per-user cache directory (`~/.cache`, …).
    pub cache_dir: Option<PathBuf>,
    /// Whether stdout is a terminal, and its width when it is one.
    pub stdout_tty: bool,
    pub terminal_width: Option<u16>,
    /// Whether stderr is a terminal (it may be one when stdout is piped).
    pub stderr_tty: bool,
}

/// When to colour (`--color`, `CARGO_TERM_COLOR`), as cargo takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    // No doc comments: clap would list them, and `--help` would switch to
    // its long layout for every command.
    #[default]
    Auto,
    Always,
    Never,
}

/// How much a command says: `-q` errors only, `-v` more detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    Quiet,
    #[default]
    Normal,
    Verbose,
}

/// What the global command-line flags say about the terminal: they win
/// over the environment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags {
    /// `--color`; `None` leaves it to `CARGO_TERM_COLOR` and the terminal.
    pub color: Option<ColorChoice>,
    pub verbosity: Verbosity,
}

/// Everything a command reads from its surroundings.
#[derive(Clone)]
pub struct Context {
    /// "Now", for cooldowns, ages and exemption expiry: the clock, or the
    /// instant in `CARGO_PIN_NOW` (RFC 3339 or a date) that tests fix.
    pub now: Timestamp,
    /// Where relative paths and the workspace search start.
    pub cwd: PathBuf,
    /// How to run cargo: `$CARGO` when cargo started us, else `cargo`.
    pub cargo: Cargo,
    /// The variables cargo's configuration reads (`CARGO_*`, proxies).
    pub cargo_env: BTreeMap<String, String>,
    /// The user's home, for cargo's default `CARGO_HOME`.
    pub home_dir: Option<PathBuf>,
    /// Where registry answers are cached: `CARGO_PIN_CACHE_DIR`, else
    /// `cargo-pin` in the user's cache directory.
    pub cache_dir: Option<PathBuf>,
    /// How human output on stdout may look.
    pub style: Style,
    /// Whether messages on stderr (`error:`, `warning:`) may be coloured:
    /// decided for stderr's own terminal, by the same rules as stdout.
    pub stderr_color: bool,
    /// `-q` / `-v`.
    pub verbosity: Verbosity,
    /// In GitHub Actions (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and
    /// `GITHUB_SHA` set): the address that a repository-relative path
    /// appended to gives the file's page.
    pub github_blob: Option<String>,
    /// Where long registry reads report progress.
    pub progress: Arc<dyn Progress>,
    /// `GITHUB_BASE_REF`: a GitHub pull request's base branch, `review`'s
    /// default base (`origin/<it>`).
    pub github_base_ref: Option<String>,
    /// `CI_MERGE_REQUEST_DIFF_BASE_SHA`: a GitLab merge request's base
    /// commit, `review`'s default base when `GITHUB_BASE_REF` is unset.
    pub merge_request_base_sha: Option<String>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values of `CARGO_*` variables may be tokens: names only.
        f.debug_struct("Context")
            .field("now", &self.now)
            .field("cwd", &self.cwd)
            .field("cargo", &self.cargo)
            .field("cargo_env", &self.cargo_env.keys().collect::<Vec<_>>())
            .field("cache_dir", &self.cache_dir)
            .field("style", &self.style)
            .field("stderr_color", &self.stderr_color)
            .field("verbosity", &self.verbosity)
            .field("github_blob", &self.github_blob)
            .finish_non_exhaustive()
    }
}

/// Variables besides `CARGO_*` that cargo's network configuration reads.
const PROXY_VARS: &[&str] = &[
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
];

impl Context {
    /// The context for `vars` on `host`, with progress reported to
    /// `progress`.
    pub fn new(vars: &Vars, host: Host, progress: Arc<dyn Progress>) -> Result<Context> {
        Context::with_flags(vars, host, progress, Flags::default())
    }

    /// [`Context::new`], with the global flags of the command line.
    pub fn with_flags(
        vars: &Vars,
        host: Host,
        progress: Arc<dyn Progress>,
        flags: Flags,
    ) -> Result<Context> {
        let choice = color_choice(flags.color, vars)?;
        let now = match vars.non_empty("CARGO_PIN_NOW") {
            Some(s) => parse_now(s)?,
            None => Timestamp::now(),
        };
        let cache_dir = match vars.non_empty("CARGO_PIN_CACHE_DIR") {
            Some(d) => Some(PathBuf::from(d)),
            None => host.cache_dir.as_ref().map(|d| d.join("cargo-pin")),
        };
        let github_blob = match (
            vars.non_empty("GITHUB_SERVER_URL"),
            vars.non_empty("GITHUB_REPOSITORY"),
            vars.non_empty("GITHUB_SHA"),
        ) {
            (Some(server), Some(repo), Some(sha)) => Some(format!(
                "{}/{repo}/blob/{sha}/",
                server.trim_end_matches('/')
            )),
            _ => None,
        };
        Ok(Context {
            now,
            cargo: Cargo::new(vars.non_empty("CARGO").map(OsString::from), &host.temp_dir),
            cargo_env: vars.filtered(|k| k.starts_with("CARGO_") || PROXY_VARS.contains(&k)),
            home_dir: host.home_dir.clone(),
            cache_dir,
            style: stdout_style(vars, &host, choice, flags.verbosity),
            stderr_color: colour(choice, vars, host.stderr_tty),
            verbosity: flags.verbosity,
            github_blob,
            cwd: host.cwd,
            progress,
            github_base_ref: vars.non_empty("GITHUB_BASE_REF").map(str::to_string),
            merge_request_base_sha: vars
                .non_empty("CI_MERGE_REQUEST_DIFF_BASE_SHA")
                .map(str::to_string),
        })
    }
}

/// The colour choice: `--color`, else `CARGO_TERM_COLOR`, else `auto`.
fn color_choice(flag: Option<ColorChoice>, vars: &Vars) -> Result<ColorChoice> {
    if let Some(c) = flag {
        return Ok(c);
    }
    match vars.non_empty("CARGO_TERM_COLOR") {
        None | Some("auto") => Ok(ColorChoice::Auto),
        Some("always") => Ok(ColorChoice::Always),
        Some("never") => Ok(ColorChoice::Never),
        Some(other) => anyhow::bail!(
            "CARGO_TERM_COLOR={other:?} is not one of auto, always, never (or pass --color)"
        ),
    }
}

/// Whether a stream is coloured, as cargo decides: `always` and `never`
/// are final; `auto` colours a terminal, except that a non-empty
/// `NO_COLOR` turns colour off, then `CLICOLOR_FORCE` (not `0`) turns it on
/// even off a terminal, and `CLICOLOR=0` or `TERM=dumb` turn it off.
fn colour(choice: ColorChoice, vars: &Vars, tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if vars.non_empty("NO_COLOR").is_some() {
                false
            } else if vars.non_empty("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else {
                tty && vars.get("CLICOLOR") != Some("0") && vars.get("TERM") != Some("dumb")
            }
        }
    }
}

/// Whether stderr is coloured, for what writes there before a [`Context`]
/// exists (the progress bar's warnings).
pub(crate) fn stderr_color(vars: &Vars, host: &Host, flags: Flags) -> Result<bool> {
    Ok(colour(
        color_choice(flags.color, vars)?,
        vars,
        host.stderr_tty,
    ))
}

/// Stdout's style: its colour ([`colour`]); tables no wider than the
/// terminal (or `$COLUMNS`); detail per `-v`.
fn stdout_style(vars: &Vars, host: &Host, choice: ColorChoice, verbosity: Verbosity) -> Style {
    let width = vars
        .get("COLUMNS")
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|w| *w >= 20)
        .or(if host.stdout_tty {
            host.terminal_width
        } else {
            None
        });
    Style {
        color: colour(choice, vars, host.stdout_tty),
        width,
        verbose: verbosity == Verbosity::Verbose,
    }
}

/// `CARGO_PIN_NOW`: an RFC 3339 instant, or a date (its UTC midnight).
fn parse_now(s: &str) -> Result<Timestamp> {
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(ts);
    }
    let date: jiff::civil::Date = s
        .parse()
        .with_context(|| format!("CARGO_PIN_NOW={s:?} is not an RFC 3339 time or a date"))?;
    Ok(date
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .context("CARGO_PIN_NOW is out of range")?
        .timestamp())
}

/// The UTC date of `ts`.
pub(crate) fn today(ts: Timestamp) -> jiff::civil::Date {
    ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::NoProgress;

    fn ctx(vars: &[(&str, &str)], tty: bool) -> Context {
        let vars: Vars = vars.iter().copied().collect();
        let host = Host {
            cwd: "/w".into(),
            temp_dir: "/tmp".into(),
            cache_dir: Some("/home/u/.cache".into()),
            stdout_tty: tty,
            terminal_width: Some(91),
            ..Host::default()
        };
        Context::new(&vars, host, Arc::new(NoProgress)).unwrap()
    }

    #[test]
    fn the_clock_can_be_fixed_by_date_or_instant() {
        let c = ctx(&[("CARGO_PIN_NOW", "2026-01-15")], false);
        assert_eq!(c.now.to_string(), "2026-01-15T00:00:00Z");
        let c = ctx(&[("CARGO_PIN_NOW", "2026-01-15T10:00:00Z")], false);
        assert_eq!(today(c.now), jiff::civil::date(2026, 1, 15));
        let vars: Vars = [("CARGO_PIN_NOW", "soon")].into_iter().collect();
        let e = Context::new(&vars, Host::default(), Arc::new(NoProgress)).unwrap_err();
        assert!(e.to_string().contains("CARGO_PIN_NOW"), "{e}");
    }

    fn colour_of(vars: &[(&str, &str)], tty: bool, flag: Option<ColorChoice>) -> bool {
        let vars: Vars = vars.iter().copied().collect();
        let host = Host {
            stdout_tty: tty,
            ..Host::default()
        };
        let flags = Flags {
            color: flag,
            ..Flags::default()
        };
        Context::with_flags(&vars, host, Arc::new(NoProgress), flags)
            .unwrap()
            .style
            .color
    }

    #[test]
    fn colour_and_width_follow_cargo() {
        assert!(ctx(&[], true).style.color);
        assert!(!ctx(&[], false).style.color);
        assert!(!ctx(&[("NO_COLOR", "1")], true).style.color);
        // An empty NO_COLOR is unset.
        assert!(ctx(&[("NO_COLOR", "")], true).style.color);
        assert!(ctx(&[("CARGO_TERM_COLOR", "always")], false).style.color);
        assert!(!ctx(&[("CARGO_TERM_COLOR", "never")], true).style.color);
        assert!(ctx(&[("CARGO_TERM_COLOR", "auto")], true).style.color);
        assert_eq!(ctx(&[], true).style.width, Some(91));
        assert_eq!(ctx(&[], false).style.width, None);
        assert_eq!(ctx(&[("COLUMNS", "120")], false).style.width, Some(120));
    }

    #[test]
    fn colour_precedence_is_cargos() {
        use ColorChoice::{Always, Auto, Never};
        // --color beats CARGO_TERM_COLOR, both ways.
        assert!(colour_of(
            &[("CARGO_TERM_COLOR", "never")],
            true,
            Some(Always)
        ));
        assert!(!colour_of(
            &[("CARGO_TERM_COLOR", "always")],
            true,
            Some(Never)
        ));
        // `--color auto` is the terminal's call, whatever CARGO_TERM_COLOR says.
        assert!(!colour_of(
            &[("CARGO_TERM_COLOR", "always")],
            false,
            Some(Auto)
        ));
        // An explicit choice beats NO_COLOR, as in cargo.
        assert!(colour_of(&[("NO_COLOR", "1")], false, Some(Always)));
        assert!(colour_of(
            &[("NO_COLOR", "1"), ("CARGO_TERM_COLOR", "always")],
            false,
            None
        ));
        // auto: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0 and TERM=dumb.
        assert!(!colour_of(
            &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
            true,
            None
        ));
        assert!(colour_of(&[("CLICOLOR_FORCE", "1")], false, None));
        assert!(!colour_of(&[("CLICOLOR_FORCE", "0")], false, None));
        assert!(colour_of(
            &[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")],
            false,
            None
        ));
        assert!(!colour_of(&[("TERM", "dumb")], true, None));
        assert!(!colour_of(&[("CLICOLOR", "0")], true, None));
        assert!(colour_of(&[("TERM", "xterm-256color")], true, None));
        assert!(colour_of(&[("TERM", "dumb")], false, Some(Always)));
    }

    #[test]
    fn stderr_colour_is_decided_for_stderr() {
        let vars: Vars = Vars::default();
        let host = Host {
            stdout_tty: false,
            stderr_tty: true,
            ..Host::default()
        };
        let c = Context::new(&vars, host, Arc::new(NoProgress)).unwrap();
        assert!(!c.style.color);
        assert!(c.stderr_color);
    }

    #[test]
    fn a_bad_cargo_term_color_is_an_error_unless_the_flag_decides() {
        let vars: Vars = [("CARGO_TERM_COLOR", "yes")].into_iter().collect();
        let e = Context::new(&vars, Host::default(), Arc::new(NoProgress)).unwrap_err();
        assert!(e.to_string().contains("CARGO_TERM_COLOR=\"yes\""), "{e}");
        let flags = Flags {
            color: Some(ColorChoice::Never),
            verbosity: Verbosity::Verbose,
        };
        let c = Context::with_flags(&vars, Host::default(), Arc::new(NoProgress), flags).unwrap();
        assert!(!c.style.color);
        assert!(c.style.verbose);
        assert_eq!(c.verbosity, Verbosity::Verbose);
    }

    #[test]
    fn cache_links_and_cargo_variables() {
        let c = ctx(&[], false);
        assert_eq!(c.cache_dir, Some(PathBuf::from("/home/u/.cache/cargo-pin")));
        assert_eq!(c.github_blob, None);
        assert_eq!(c.github_base_ref, None);
        let c = ctx(
            &[
                ("GITHUB_BASE_REF", "main"),
                ("CI_MERGE_REQUEST_DIFF_BASE_SHA", "abc123"),
            ],
            false,
        );
        assert_eq!(c.github_base_ref.as_deref(), Some("main"));
        assert_eq!(c.merge_request_base_sha.as_deref(), Some("abc123"));
        let c = ctx(
            &[
                ("CARGO_PIN_CACHE_DIR", "/c"),
                ("GITHUB_SERVER_URL", "https://github.com/"),
                ("GITHUB_REPOSITORY", "o/r"),
                ("GITHUB_SHA", "abc"),
                ("CARGO_HTTP_TIMEOUT", "3"),
                ("HTTPS_PROXY", "http://p:3128"),
                ("PATH", "/bin"),
            ],
            false,
        );
        assert_eq!(c.cache_dir, Some(PathBuf::from("/c")));
        assert_eq!(
            c.github_blob.as_deref(),
            Some("https://github.com/o/r/blob/abc/")
        );
        let names: Vec<&str> = c.cargo_env.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["CARGO_HTTP_TIMEOUT", "CARGO_PIN_CACHE_DIR", "HTTPS_PROXY"]
        );
    }
}
