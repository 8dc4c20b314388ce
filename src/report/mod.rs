//! Reporters: turn findings and results into text for a person or a machine.
//!
//! Every reporter returns a `String`; the command-line layer decides where it
//! goes (stdout or `--output`). The library itself never prints.
//!
//! There is one module per output format, each with one function per command
//! that has that format:
//!
//! - [`human`]: tables for a terminal (`check`, `fix`, `outdated`, `upgrade`);
//! - [`json`]: for scripts, schemas in `schema/` (`check`, `fix`, `outdated`,
//!   `upgrade`);
//! - [`markdown`]: a page for a reviewer, a pull-request comment or a CI job
//!   summary (`check`, `fix`, `outdated`);
//! - [`sarif`]: code scanning (`check`);
//! - [`github`]: GitHub Actions annotations (`check`).
//!
//! Markdown, SARIF and GitHub reports are for the people who act on findings
//! without running the tool, and name files relative to the repository
//! ([`SourceRoot`]); the others stay relative to the workspace.
//!
//! Adding a format means adding one module here (and its variant in the
//! command line); what several formats share, such as [`by_manifest`], lives
//! in this file.

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::audit::finding::Finding;
use crate::audit::outdated::{Entry, ReleaseEntry};
use crate::audit::release::Status;

/// How human output may look on this stream.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colour allowed.
    pub color: bool,
    /// Wrap tables to this many columns.
    pub width: Option<u16>,
}

impl Style {
    /// The style for stdout: colour only on a terminal and never with
    /// `NO_COLOR` (or `CARGO_TERM_COLOR=never`); tables no wider than the
    /// terminal (or `$COLUMNS`).
    pub fn for_stdout() -> Style {
        let tty = std::io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let term = std::env::var("CARGO_TERM_COLOR").unwrap_or_default();
        let color = match term.as_str() {
            "always" => !no_color,
            "never" => false,
            _ => tty && !no_color,
        };
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|w| *w >= 20)
            .or_else(|| tty.then(terminal_width).flatten());
        Style { color, width }
    }
}

fn terminal_width() -> Option<u16> {
    comfy_table::Table::new().width()
}

/// Where a report's paths are anchored, for reports read away from the
/// workspace (code review, CI logs, code scanning): they name files relative
/// to the repository, because that is what GitHub and GitLab resolve them
/// against, while JSON and human reports stay relative to the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRoot {
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
    pub fn find(workspace_root: &Path) -> SourceRoot {
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

    /// [`SourceRoot::find`], with file links when running in GitHub Actions
    /// (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and `GITHUB_SHA` are set).
    pub fn from_env(workspace_root: &Path) -> SourceRoot {
        let mut root = SourceRoot::find(workspace_root);
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        if let (Some(server), Some(repo), Some(sha)) = (
            var("GITHUB_SERVER_URL"),
            var("GITHUB_REPOSITORY"),
            var("GITHUB_SHA"),
        ) {
            root.web = Some(format!(
                "{}/{}/blob/{}/",
                server.trim_end_matches('/'),
                repo,
                sha
            ));
        }
        root
    }

    /// A workspace-relative path (a finding's `manifest`) made
    /// repository-relative.
    pub fn path(&self, manifest: &str) -> String {
        format!("{}{manifest}", self.prefix)
    }
}

/// Where the rules are documented: the README's rules section.
pub fn rules_url() -> String {
    format!("{}#rules", env!("CARGO_PKG_REPOSITORY"))
}

/// `findings` grouped by manifest, the manifests in the order they first
/// appear and each group's findings in their order. One pass, with an index
/// from manifest to group.
pub fn by_manifest<'a>(
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
}
