//! Reporters: turn findings and results into text for a person or a machine.
//!
//! Every reporter returns a `String`; the command-line layer decides where it
//! goes (stdout or `--output`). The library itself never prints.
//!
//! [`human`] is for a terminal and [`json`] for scripts (schemas in
//! `schema/`); [`markdown`], [`sarif`] and [`github`] are for the people
//! who act on findings without running the tool (a reviewer, a code-scanning
//! dashboard, a CI log), and name files relative to the repository
//! ([`SourceRoot`]).

pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod outdated;
pub mod sarif;
pub mod upgrade;

use std::path::{Path, PathBuf};

/// How human output may look on this stream.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colour allowed.
    pub color: bool,
    /// Wrap tables to this many columns.
    pub width: Option<u16>,
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

    /// The same root, with file links under `web` (see
    /// [`crate::Context::github_blob`]).
    pub fn with_web(mut self, web: Option<String>) -> SourceRoot {
        self.web = web;
        self
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

#[cfg(test)]
mod tests {
    use super::*;

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
