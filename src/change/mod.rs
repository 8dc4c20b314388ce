//! Changing files, for every command that writes: one pipeline.
//!
//! 1. **Plan.** A command plans its edits against the text it read, by
//!    position: [`ManifestEdits`] holds byte-exact [`edit::TextEdit`]s per
//!    manifest index, each with what the dependency at that index must read
//!    afterwards ([`verify::Expect`]).
//! 2. **Apply and verify.** [`ManifestEdits::apply`] applies them and
//!    re-parses every edited manifest ([`verify`]), so a planner bug can
//!    never write a manifest that says something else. The result is a
//!    [`ChangeSet`]: every file's text before and after.
//! 3. **Write all or none.** [`ChangeSet::write`] stages every file, then
//!    renames them into place ([`write`]); [`ChangeSet::write_then`] runs a
//!    later step (cargo's relock) and puts every file back when it fails.
//!
//! The commands that plan: [`fix`], [`upgrade`], [`allow`].

pub(crate) mod allow;
pub(crate) mod ci;
pub mod edit;
pub mod fix;
pub(crate) mod relock;
pub(crate) mod upgrade;
pub(crate) mod verify;
pub(crate) mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::workspace::{DepAt, Workspace};
use edit::TextEdit;
use verify::Expect;

/// A file's content before and after a planned change.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub path: PathBuf,
    /// Relative to the workspace root, `/`-separated.
    pub rel: String,
    pub before: String,
    pub after: String,
}

/// One requirement rewritten, as `fix` and `upgrade` report it. Field
/// names are the JSON contract.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Rewrite {
    pub manifest: String,
    pub line: usize,
    pub table: String,
    pub name: String,
    /// The rule the rewrite answers (`fix` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<crate::audit::rule::Rule>,
    pub from: String,
    pub to: String,
}

/// Every file a command changes, planned and verified, not yet written.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    pub files: Vec<FileChange>,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The unified diff of every change, as `git diff` shows it.
    pub fn diff(&self) -> String {
        write::unified_diff(&self.files)
    }

    /// Writes every file, all or none, with `report` (a report file:
    /// path and text) among them, so an unwritable report leaves no edit
    /// behind it.
    pub fn write(&self, report: Option<(&Path, &str)>) -> Result<()> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = self
            .files
            .iter()
            .map(|f| (f.path.clone(), f.after.clone().into_bytes()))
            .collect();
        if let Some((path, text)) = report {
            files.push((path.to_path_buf(), text.as_bytes().to_vec()));
        }
        write::write_all(&files).map_err(|e| match report {
            Some((path, _)) => {
                e.context(format!("nothing was written (report: {})", path.display()))
            }
            None => e,
        })
    }

    /// Writes every file, then runs `then` (a step that changes files
    /// itself, such as cargo relocking). When `then` fails, every file
    /// written and every file in `guarded` (those `then` may change) is put
    /// back as it was, and the error says so.
    pub fn write_then(&self, guarded: &[PathBuf], then: impl FnOnce() -> Result<()>) -> Result<()> {
        let mut saved = Vec::with_capacity(guarded.len());
        for path in guarded {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            saved.push((path.clone(), bytes));
        }
        self.write(None)?;
        // From here on, any failure puts every file back as it was.
        let Err(e) = then() else { return Ok(()) };
        let mut back: Vec<(PathBuf, Vec<u8>)> = self
            .files
            .iter()
            .map(|f| (f.path.clone(), f.before.clone().into_bytes()))
            .collect();
        back.extend(saved);
        match write::write_all(&back) {
            Ok(()) => Err(e.context("nothing was changed")),
            Err(r) => Err(e.context(format!("and restoring the files failed too: {r:#}"))),
        }
    }
}

/// Writes a report file atomically (through the same staging as every
/// other write).
pub fn write_report(path: &Path, text: &str) -> Result<()> {
    write::write_all(&[(path.to_path_buf(), text.as_bytes().to_vec())])
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Planned edits of the workspace's manifests, by position.
#[derive(Debug, Default)]
pub struct ManifestEdits {
    by_file: BTreeMap<usize, FileEdits>,
}

/// One manifest's edits, and what each edited dependency (by index) must
/// read afterwards.
#[derive(Debug, Default)]
struct FileEdits {
    edits: Vec<TextEdit>,
    expected: Vec<(usize, Expect)>,
}

impl ManifestEdits {
    /// Plans `edits` of the dependency `at`, after which it must read
    /// `expect`.
    pub fn add(&mut self, at: DepAt, edits: Vec<TextEdit>, expect: Expect) {
        let file = self.by_file.entry(at.manifest).or_default();
        file.edits.extend(edits);
        file.expected.push((at.dep, expect));
    }

    /// Applies every manifest's edits and verifies the result.
    pub fn apply(self, ws: &Workspace) -> Result<ChangeSet> {
        let mut set = ChangeSet::default();
        for (idx, FileEdits { edits, expected }) in self.by_file {
            let m = &ws.manifests[idx];
            let after = edit::apply(&m.text, &edits)?;
            let expected: Vec<_> = expected
                .into_iter()
                .map(|(d, want)| (&m.deps[d], want))
                .collect();
            verify::manifest(m, &after, &expected)?;
            set.files.push(FileChange {
                path: m.path.clone(),
                rel: m.rel.clone(),
                before: m.text.clone(),
                after,
            });
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(dir: &Path, name: &str, before: &str, after: &str) -> FileChange {
        let path = dir.join(name);
        std::fs::write(&path, before).unwrap();
        FileChange {
            path,
            rel: name.into(),
            before: before.into(),
            after: after.into(),
        }
    }

    #[test]
    fn a_failing_later_step_puts_every_file_back() {
        let dir = tempfile::tempdir().unwrap();
        let set = ChangeSet {
            files: vec![
                change(dir.path(), "a.toml", "a", "A"),
                change(dir.path(), "b.toml", "b", "B"),
            ],
        };
        let lock = dir.path().join("Cargo.lock");
        std::fs::write(&lock, "locked").unwrap();
        let e = set
            .write_then(std::slice::from_ref(&lock), || {
                // The step sees the new files, changes one of its own, fails.
                assert_eq!(
                    std::fs::read_to_string(dir.path().join("a.toml")).unwrap(),
                    "A"
                );
                std::fs::write(&lock, "relocked").unwrap();
                anyhow::bail!("cargo failed")
            })
            .unwrap_err();
        assert!(format!("{e:#}").contains("nothing was changed"), "{e:#}");
        for (name, text) in [("a.toml", "a"), ("b.toml", "b"), ("Cargo.lock", "locked")] {
            assert_eq!(
                std::fs::read_to_string(dir.path().join(name)).unwrap(),
                text
            );
        }
        // And when it succeeds, everything stays written.
        set.write_then(&[], || Ok(())).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("b.toml")).unwrap(),
            "B"
        );
    }

    #[test]
    fn an_unwritable_report_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let set = ChangeSet {
            files: vec![change(dir.path(), "a.toml", "a", "A")],
        };
        let report = dir.path().join("no/such/dir/report.md");
        let e = set.write(Some((&report, "report"))).unwrap_err();
        assert!(format!("{e:#}").contains("nothing was written"), "{e:#}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.toml")).unwrap(),
            "a"
        );
    }
}
