//! Snapshots of the reports for reviewers and CI (Markdown, GitHub
//! annotations, SARIF) on the `all-rules` fixture, and on a workspace full
//! of text that must be escaped. `SNAPSHOTS=overwrite` rewrites them.
//!
//! The fixture is copied into a temporary git repository, as `rust/` in
//! it, so that the repository-relative paths are the same wherever the
//! tests run; its absolute path is redacted as `[ROOT]`.

use std::path::Path;

use crate::common::{self, Copy};

/// `all-rules` at `rust/` in a repository.
fn all_rules() -> Copy {
    let c = Copy::empty("rust");
    std::fs::create_dir(c.dir.path().join(".git")).expect(".git");
    common::copy_dir(&common::repo().join("fixtures/check/all-rules"), c.root());
    c
}

fn assert_in(root: &Path) -> snapbox::Assert {
    let mut r = snapbox::Redactions::new();
    r.insert("[ROOT]", root.to_path_buf()).expect("redaction");
    r.insert("[VERSION]", env!("CARGO_PKG_VERSION"))
        .expect("redaction");
    snapbox::Assert::new()
        .action_env("SNAPSHOTS")
        .redact_with(r)
        // Backslashes are Markdown escapes here, not Windows paths.
        .normalize_paths(false)
}

fn report(ws: &Copy, format: &str) -> String {
    let out = common::check(&ws.manifest(), &["--format", format]);
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
    let ws = common::hostile();
    assert_in(ws.dir.path()).eq(
        report(&ws, "markdown"),
        snapbox::file!["../snapshots/check-hostile.md"],
    );
    assert_in(ws.dir.path()).eq(
        report(&ws, "github"),
        snapbox::file!["../snapshots/check-hostile.github.txt"],
    );
}
