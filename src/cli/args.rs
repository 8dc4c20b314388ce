//! Argument groups shared by several commands: where the workspace is,
//! rule levels, where a report goes, how the registry is reached.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use clap::builder::TypedValueParser as _;

use crate::Context;
use crate::audit::check::Levels;
use crate::audit::policy::Policy;
use crate::audit::rule::{Level, Rule};
use crate::registry::sources::Sources;
use crate::report::{Format, Frame, SourceRoot, Style};
use crate::workspace::Workspace;

/// Where the workspace and its policy are.
#[derive(Debug, Args)]
pub(crate) struct WorkspaceArgs {
    /// Path to Cargo.toml (default: the workspace around the current directory)
    #[arg(long, value_name = "PATH", global = true)]
    pub manifest_path: Option<PathBuf>,

    /// Path to the policy file (default: pin.toml at the workspace root)
    #[arg(long, value_name = "PATH", global = true)]
    pub policy: Option<PathBuf>,
}

impl WorkspaceArgs {
    /// Reads the workspace, as every command does first.
    pub(crate) fn workspace(&self, ctx: &Context) -> Result<Workspace> {
        let ws = Workspace::load(self.manifest_path.as_deref(), &ctx.cwd, &ctx.cargo)?;
        if ctx.verbosity == crate::context::Verbosity::Verbose {
            for note in &ws.notes {
                ctx.progress.note(note);
            }
        }
        Ok(ws)
    }

    /// The policy file: `--policy`, else pin.toml at the workspace root.
    /// Relative paths are as the user wrote them: errors show them so.
    pub(crate) fn policy_path(&self, ws: &Workspace) -> PathBuf {
        match &self.policy {
            Some(p) => p.clone(),
            None => ws.root.join(crate::audit::policy::FILE_NAME),
        }
    }

    /// The policy file's path and how messages name it (relative to the
    /// workspace root when inside it).
    pub(crate) fn policy_shown(&self, ws: &Workspace) -> (PathBuf, String) {
        let path = self.policy_path(ws);
        let shown = crate::change::shown_path(&ws.root, &path);
        (path, shown)
    }

    /// The workspace's own files a report must never replace: every
    /// manifest, Cargo.lock and the policy file.
    pub(crate) fn own_files(&self, ws: &Workspace) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = ws.manifests.iter().map(|m| m.path.clone()).collect();
        files.push(ws.root.join("Cargo.lock"));
        files.push(self.policy_path(ws));
        files
    }

    /// Reads the CI files around the workspace unless `--no-ci` or
    /// `[ci] scan = false` says not to.
    pub(crate) fn read_ci(ws: &mut Workspace, policy: &Policy, no_ci: bool) -> Result<()> {
        if !no_ci && policy.ci.scan {
            ws.ci = Some(crate::ci::read(&ws.root)?);
        }
        Ok(())
    }

    /// Reads the workspace and its policy.
    pub(crate) fn load(&self, ctx: &Context) -> Result<(Workspace, Policy)> {
        let ws = self.workspace(ctx)?;
        // `extends` entries by URL are fetched (or read from the cache)
        // with the registry's HTTP client, set up only when one is named.
        let fetch = |url: &str, sha256: &str| {
            let sources = Sources::load(ctx, &ws.root)?;
            crate::registry::policy_file::fetch(url, sha256, &sources.options(false)?)
        };
        let policy = Policy::load_with(&ws.root, self.policy.as_deref(), &fetch)?;
        Ok((ws, policy))
    }
}

/// Per-run rule levels. Applied after pin.toml: allow, then warn, then
/// deny, so `-D` wins when one rule is named twice.
#[derive(Debug, Args, Default)]
pub(crate) struct LevelArgs {
    /// Raise RULE to deny for this run
    #[arg(
        short = 'D',
        long = "deny",
        value_name = "RULE",
        hide_possible_values = true
    )]
    pub deny: Vec<Rule>,
    /// Set RULE to warn for this run
    #[arg(
        short = 'W',
        long = "warn",
        value_name = "RULE",
        hide_possible_values = true
    )]
    pub warn: Vec<Rule>,
    /// Silence RULE for this run
    #[arg(
        short = 'A',
        long = "allow",
        value_name = "RULE",
        hide_possible_values = true
    )]
    pub allow: Vec<Rule>,
}

impl LevelArgs {
    pub(crate) fn levels(&self) -> Levels {
        let mut overrides = Vec::new();
        overrides.extend(self.allow.iter().map(|r| (*r, Level::Allow)));
        overrides.extend(self.warn.iter().map(|r| (*r, Level::Warn)));
        overrides.extend(self.deny.iter().map(|r| (*r, Level::Deny)));
        Levels { overrides }
    }
}

/// How the registry is reached.
#[derive(Debug, Args, Default)]
pub(crate) struct RegistryArgs {
    /// Use the cache only, no network; fail when it lacks a crate
    #[arg(long)]
    pub offline: bool,
}

/// Where a report goes.
#[derive(Debug, Args, Default)]
pub(crate) struct OutputArgs {
    /// Write the report to FILE (atomically) instead of stdout; `-` is stdout
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    /// The file to write, `None` for stdout; as the user wrote it, for
    /// messages.
    pub(crate) fn file(&self) -> Option<PathBuf> {
        self.output
            .as_deref()
            .filter(|p| *p != Path::new("-"))
            .map(Path::to_path_buf)
    }

    /// The style of human output: the terminal's, with no colour in a file.
    pub(crate) fn style(&self, ctx: &Context) -> Style {
        match self.file() {
            Some(_) => Style {
                color: false,
                ..ctx.style
            },
            None => ctx.style,
        }
    }
}

/// The `--format` values `formats`, each with its help.
pub(crate) fn format_parser(
    formats: &'static [Format],
) -> impl clap::builder::TypedValueParser<Value = Format> {
    let values = formats
        .iter()
        .map(|f| clap::builder::PossibleValue::new(f.name()).help(f.help()));
    // Only the names listed get past the parser, so the fallback is never
    // taken.
    clap::builder::PossibleValuesParser::new(values)
        .map(|name: String| Format::from_name(&name).unwrap_or(Format::Human))
}

impl OutputArgs {
    /// What a report of the workspace at `root` needs, for this output.
    pub(crate) fn frame<'a>(&self, ctx: &Context, root: &'a Path) -> Frame<'a> {
        Frame {
            style: self.style(ctx),
            workspace_root: root,
            source: SourceRoot::find(root).with_web(ctx.github_blob.clone()),
            now: ctx.now,
        }
    }
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
    /// The rule ids, for shell completion (`-D <TAB>`); `--help` leaves
    /// them out (`hide_possible_values`), the rules table in the README
    /// has them.
    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(Rule::ALL.iter().map(|r| {
            clap::builder::PossibleValue::new(r.id()).help(r.summary())
        })))
    }
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
                clap::error::ContextKind::ValidValue,
                clap::error::ContextValue::Strings(
                    Rule::ALL.iter().map(|r| r.id().to_string()).collect(),
                ),
            );
            // `-D carret`: "a similar value exists: 'caret'", as clap says
            // for its own value lists.
            if let Some(rule) = e.suggestion() {
                err.insert(
                    clap::error::ContextKind::SuggestedValue,
                    clap::error::ContextValue::String(rule.id().to_string()),
                );
            }
            err
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
