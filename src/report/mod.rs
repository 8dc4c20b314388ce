//! Reporters: turn findings and results into text for a person or a machine.
//!
//! Every reporter returns a `String`; the command-line layer decides where it
//! goes (stdout or `--output`). The library itself never prints.
//!
//! There is one module per output format, each with one function per command
//! that has that format:
//!
//! - [`human`]: tables for a terminal (`check`, `fix`, `outdated`, `upgrade`,
//!   `review`);
//! - [`json`]: for scripts, schemas in `schema/` (`check`, `fix`, `outdated`,
//!   `upgrade`, `review`);
//! - [`markdown`]: a page for a reviewer, a pull-request comment or a CI job
//!   summary (`check`, `fix`, `outdated`, `review`);
//! - [`sarif`]: code scanning (`check`, and `review`'s findings);
//! - [`github`]: GitHub Actions annotations (`check`, and `review`'s findings).
//!
//! Markdown, SARIF and GitHub reports are for the people who act on findings
//! without running the tool, and name files relative to the repository
//! ([`SourceRoot`]); the others stay relative to the workspace.
//!
//! Adding a format means adding one module here (and its variant in the
//! command line); what several formats share, such as [`by_manifest`], lives
//! in this file.

pub(crate) mod github;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod markdown;
mod next_steps;
pub(crate) mod sarif;
mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use jiff::Timestamp;

pub(crate) use next_steps::next_steps;
pub(crate) use text::{short_revs, table_header};

use crate::audit::finding::{Finding, Report};
use crate::audit::outdated::{Entry, ReleaseEntry};
use crate::audit::release::Status;

/// Every output format; which of them a command has, [`Subject::formats`]
/// says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Human,
    /// `check` only: one finding per line, at any width.
    Short,
    Json,
    Markdown,
    Sarif,
    Github,
}

impl Format {
    pub(crate) const ALL: [Format; 6] = [
        Format::Human,
        Format::Short,
        Format::Json,
        Format::Markdown,
        Format::Sarif,
        Format::Github,
    ];

    /// The name on the command line (`--format NAME`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Short => "short",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }

    /// What the format is for, for `--help`.
    pub(crate) fn help(self) -> &'static str {
        match self {
            Format::Human => "Tables for a terminal",
            Format::Short => "One finding per line (`file:line  level  rule  what`), at any width",
            Format::Json => "One JSON object (schema_version 1; schemas in schema/)",
            Format::Markdown => "A page for a pull-request comment or a CI job summary",
            Format::Sarif => "SARIF 2.1.0, for code scanning",
            Format::Github => "GitHub Actions annotations, one per finding",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// What a command reports.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Subject<'a> {
    Check(&'a Report),
    Fix {
        plan: &'a crate::change::fix::Plan,
        dry_run: bool,
    },
    Outdated(&'a [Entry]),
    Upgrade {
        plan: &'a crate::change::upgrade::Plan,
        dry_run: bool,
    },
    Rollback {
        plan: &'a crate::change::rollback::Plan,
        dry_run: bool,
    },
    Review(&'a crate::audit::review::Review),
}

/// The formats of each command's report.
pub(crate) const CHECK_FORMATS: &[Format] = &Format::ALL;
/// The formats of the reports that are not `check`'s: `short` is a list of
/// findings, which only `check` prints.
const NOT_SHORT: &[Format] = &[
    Format::Human,
    Format::Json,
    Format::Markdown,
    Format::Sarif,
    Format::Github,
];
pub(crate) const FIX_FORMATS: &[Format] = &[Format::Human, Format::Json, Format::Markdown];
pub(crate) const OUTDATED_FORMATS: &[Format] = &[Format::Human, Format::Json, Format::Markdown];
pub(crate) const UPGRADE_FORMATS: &[Format] = &[Format::Human, Format::Json];
pub(crate) const ROLLBACK_FORMATS: &[Format] = &[Format::Human, Format::Json];
pub(crate) const REVIEW_FORMATS: &[Format] = NOT_SHORT;

impl Subject<'_> {
    /// The formats this report has.
    pub(crate) fn formats(&self) -> &'static [Format] {
        match self {
            Subject::Check(_) => CHECK_FORMATS,
            Subject::Fix { .. } => FIX_FORMATS,
            Subject::Outdated(_) => OUTDATED_FORMATS,
            Subject::Upgrade { .. } => UPGRADE_FORMATS,
            Subject::Rollback { .. } => ROLLBACK_FORMATS,
            Subject::Review(_) => REVIEW_FORMATS,
        }
    }
}

/// What a report needs besides its subject.
#[derive(Debug, Clone)]
pub(crate) struct Frame<'a> {
    /// How human output may look where it goes.
    pub style: Style,
    pub workspace_root: &'a Path,
    /// Where repository-relative reports anchor their paths.
    pub source: SourceRoot,
    /// For ages.
    pub now: Timestamp,
}

/// The one format switch: `subject` in `format`.
pub(crate) fn render(subject: Subject<'_>, format: Format, frame: &Frame<'_>) -> Result<String> {
    let root = frame.workspace_root.display().to_string();
    let style = &frame.style;
    Ok(match (subject, format) {
        (Subject::Check(r), Format::Human) => human::check(r, style),
        (Subject::Check(r), Format::Short) => human::check_short(r, style),
        (Subject::Check(r), Format::Json) => json::check(r, &root),
        (Subject::Check(r), Format::Markdown) => markdown::check(r, &frame.source),
        (Subject::Check(r), Format::Sarif) => sarif::check(r, &frame.source),
        (Subject::Check(r), Format::Github) => github::check(r, &frame.source),
        (Subject::Fix { plan, dry_run }, Format::Human) => {
            let diff = if dry_run {
                human::colour::diff(&plan.changes.diff(), style)
            } else {
                String::new()
            };
            diff + &human::fix(plan, dry_run, style)
        }
        (Subject::Fix { plan, dry_run }, Format::Json) => json::fix(plan, dry_run, &root),
        (Subject::Fix { plan, dry_run }, Format::Markdown) => {
            markdown::fix(plan, dry_run, &frame.source)
        }
        (Subject::Outdated(e), Format::Human) => human::outdated(e, style),
        (Subject::Outdated(e), Format::Json) => json::outdated(e),
        (Subject::Outdated(e), Format::Markdown) => markdown::outdated(e, frame.now, &frame.source),
        (Subject::Upgrade { plan, dry_run }, Format::Human) => {
            let mut t = String::new();
            if dry_run {
                t.push_str(&human::colour::diff(&plan.changes.diff(), style));
                for m in plan.lock_moves() {
                    t.push_str(&format!("would run: cargo {}\n", m.cargo_args().join(" ")));
                }
            }
            t + &human::upgrade(plan, dry_run, None, style)
        }
        (Subject::Upgrade { plan, dry_run }, Format::Json) => json::upgrade(plan, dry_run),
        (Subject::Rollback { plan, dry_run }, Format::Human) => {
            let mut t = String::new();
            if dry_run {
                t.push_str(&human::colour::diff(&plan.changes.diff(), style));
                for m in plan.lock_moves() {
                    t.push_str(&format!("would run: cargo {}\n", m.cargo_args().join(" ")));
                }
            }
            t + &human::rollback(plan, dry_run, style)
        }
        (Subject::Rollback { plan, dry_run }, Format::Json) => json::rollback(plan, dry_run),
        (Subject::Review(r), Format::Human) => human::review(r, style),
        (Subject::Review(r), Format::Json) => json::review(r),
        (Subject::Review(r), Format::Markdown) => markdown::review(r, &frame.source),
        (Subject::Review(r), Format::Sarif) => sarif::check(&review_findings(r), &frame.source),
        (Subject::Review(r), Format::Github) => github::check(&review_findings(r), &frame.source),
        (subject, format) => bail!(
            "this command has no {} report (it has {})",
            format.name(),
            subject
                .formats()
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// A review's findings in `check`'s shape, for the formats that report
/// findings alone (SARIF, GitHub annotations).
fn review_findings(r: &crate::audit::review::Review) -> Report {
    Report {
        findings: r.findings.clone(),
        summary: crate::audit::finding::Summary {
            deny: r.summary.deny,
            warn: r.summary.warn,
            exempted: r.summary.exempted,
            allowed: r.summary.allowed,
            ..Default::default()
        },
    }
}

/// How human output may look on this stream.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colour allowed.
    pub color: bool,
    /// Wrap tables to this many columns.
    pub width: Option<u16>,
    /// `-v`: every detail (each requiring place, every held-back release).
    pub verbose: bool,
}

/// Where a report's paths are anchored, for reports read away from the
/// workspace (code review, CI logs, code scanning): they name files relative
/// to the repository, because that is what GitHub and GitLab resolve them
/// against, while JSON and human reports stay relative to the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceRoot {
    /// The git repository around the workspace (the nearest ancestor holding
    /// `.git`), or the workspace root when there is none.
    pub dir: PathBuf,
    /// The workspace root relative to `dir`: `/`-separated, with a trailing
    /// `/`, empty when they are the same directory.
    pub prefix: String,
    /// A web address that a repository-relative path appended to gives the
    /// file's page (`https://github.com/o/r/blob/<sha>/`), when known.
    pub web: Option<String>,
}

impl SourceRoot {
    /// The repository around `workspace_root`, found by its `.git` (a
    /// directory, or a file in a worktree or submodule).
    pub(crate) fn find(workspace_root: &Path) -> SourceRoot {
        let dir = workspace_root
            .ancestors()
            .find(|d| d.join(".git").exists())
            .unwrap_or(workspace_root);
        let prefix = crate::workspace::relative(dir, workspace_root);
        SourceRoot {
            dir: dir.to_path_buf(),
            prefix: if prefix.is_empty() {
                prefix
            } else {
                prefix + "/"
            },
            web: None,
        }
    }

    /// The same root, with file links under `web` (see
    /// [`crate::Context::github_blob`]).
    pub(crate) fn with_web(mut self, web: Option<String>) -> SourceRoot {
        self.web = web;
        self
    }

    /// A workspace-relative path (a finding's `manifest`) made
    /// repository-relative; a CI file's `../` steps are taken
    /// (`crates/app/` + `../../.github/…` is `.github/…`).
    pub(crate) fn path(&self, manifest: &str) -> String {
        let joined = format!("{}{manifest}", self.prefix);
        if !manifest.starts_with("../") {
            return joined;
        }
        let mut parts: Vec<&str> = Vec::new();
        for p in joined.split('/') {
            match (p, parts.last()) {
                ("..", Some(last)) if *last != ".." => {
                    parts.pop();
                }
                _ => parts.push(p),
            }
        }
        parts.join("/")
    }
}

/// Where the rules are documented: the README's rules section.
pub(crate) fn rules_url() -> String {
    format!("{}#rules", env!("CARGO_PKG_REPOSITORY"))
}

/// `findings` grouped by manifest, the manifests in the order they first
/// appear and each group's findings in their order. One pass, with an index
/// from manifest to group.
pub(crate) fn by_manifest<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
) -> Vec<(&'a str, Vec<&'a Finding>)> {
    let mut groups: Vec<(&str, Vec<&Finding>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for f in findings {
        match index.get(f.manifest.as_str()) {
            Some(&i) => groups[i].1.push(f),
            None => {
                index.insert(&f.manifest, groups.len());
                groups.push((&f.manifest, vec![f]));
            }
        }
    }
    groups
}

// Shared by the human and Markdown `outdated` reports.

/// How many held-back releases a table cell lists before `+N more`.
const HELD_SHOWN: usize = 3;

/// Releases that are candidates but held back: newer than the newest
/// vetted one (or than the locked one), neither yanked nor prereleases.
fn held_back(e: &Entry) -> Vec<&ReleaseEntry> {
    let start = e
        .releases
        .iter()
        .rposition(|r| r.status == Status::Vetted)
        .map_or(0, |i| i + 1);
    e.releases[start..]
        .iter()
        .filter(|r| !matches!(r.status, Status::Yanked | Status::Prerelease))
        .collect()
}

/// Entries worth a row: something newer, or nothing locked.
fn shown(entries: &[Entry]) -> Vec<&Entry> {
    entries
        .iter()
        .filter(|e| e.locked.is_none() || !e.releases.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::rule::Rule;

    #[test]
    fn findings_group_by_manifest_in_first_appearance_order() {
        let f = |manifest: &str, message: &str| {
            Finding::file(Rule::LockfileMissing, manifest, None, message.into())
        };
        let findings = [
            f("b", "1"),
            f("a", "2"),
            f("b", "3"),
            f("c", "4"),
            f("a", "5"),
        ];
        let groups: Vec<(&str, Vec<&str>)> = by_manifest(&findings)
            .into_iter()
            .map(|(m, v)| (m, v.iter().map(|f| f.message.as_str()).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                ("b", vec!["1", "3"]),
                ("a", vec!["2", "5"]),
                ("c", vec!["4"])
            ]
        );
        assert!(by_manifest(&[]).is_empty());
    }

    #[test]
    fn source_root_is_the_repository_around_the_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("rust").join("ws");
        std::fs::create_dir_all(&ws).unwrap();
        assert_eq!(SourceRoot::find(&ws).prefix, "");
        assert_eq!(SourceRoot::find(&ws).dir, ws);
        // A worktree's `.git` is a file; it counts too.
        std::fs::write(dir.path().join(".git"), "gitdir: elsewhere").unwrap();
        let root = SourceRoot::find(&ws);
        assert_eq!(root.dir, dir.path());
        assert_eq!(root.prefix, "rust/ws/");
        assert_eq!(root.path("app/Cargo.toml"), "rust/ws/app/Cargo.toml");
        std::fs::create_dir(ws.join(".git")).unwrap();
        assert_eq!(SourceRoot::find(&ws).path("Cargo.toml"), "Cargo.toml");
    }

    #[test]
    fn ci_paths_above_the_workspace_become_repository_relative() {
        let root = SourceRoot {
            dir: PathBuf::from("/r"),
            prefix: "crates/app/".into(),
            web: None,
        };
        assert_eq!(
            root.path("../../.github/workflows/ci.yml"),
            ".github/workflows/ci.yml"
        );
        assert_eq!(root.path("../Dockerfile"), "crates/Dockerfile");
        assert_eq!(root.path("Cargo.toml"), "crates/app/Cargo.toml");
    }
}
