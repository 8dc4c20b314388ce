//! Snapshots of the reports for reviewers and CI (Markdown, GitHub
//! annotations, SARIF) on the `all-rules` fixture, and on a workspace full
//! of text that must be escaped. `SNAPSHOTS=overwrite` rewrites them.
//!
//! The fixture is copied into a temporary git repository, as `rust/` in
//! it, so that the repository-relative paths are the same wherever the
//! tests run; its absolute path is redacted as `[ROOT]`.

use crate::support::{Copy, assert_in_versioned as assert_in};
use crate::workspaces;

/// `all-rules` at `rust/` in a repository.
fn all_rules() -> Copy {
    workspaces::all_rules_in_a_repo()
}

/// `check --format FORMAT` on `ws`, which has deny-level findings.
fn report(ws: &Copy, format: &str) -> String {
    let out = crate::check(&ws.manifest(), &["--format", format], 1);
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn markdown_all_rules() {
    let ws = all_rules();
    assert_in(ws.dir.path()).eq(
        report(&ws, "markdown"),
        snapbox::file!["../snapshots/check-all-rules.md"],
    );
}

#[test]
fn github_all_rules() {
    let ws = all_rules();
    assert_in(ws.dir.path()).eq(
        report(&ws, "github"),
        snapbox::file!["../snapshots/check-all-rules.github.txt"],
    );
}

#[test]
fn sarif_all_rules() {
    let ws = all_rules();
    assert_in(ws.dir.path()).eq(
        report(&ws, "sarif"),
        snapbox::file!["../snapshots/check-all-rules.sarif"],
    );
}

#[test]
fn markdown_and_github_escape_hostile_text() {
    let ws = workspaces::hostile();
    assert_in(ws.dir.path()).eq(
        report(&ws, "markdown"),
        snapbox::file!["../snapshots/check-hostile.md"],
    );
    assert_in(ws.dir.path()).eq(
        report(&ws, "github"),
        snapbox::file!["../snapshots/check-hostile.github.txt"],
    );
}
