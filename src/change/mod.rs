//! Changing files, for every command that writes: one pipeline.
//!
//! 1. **Plan.** A command plans its edits against the text it read, by
//!    position: [`ManifestEdits`] holds byte-exact [`edit::TextEdit`]s per
//!    manifest index, each with what the dependency at that index must read
//!    afterwards (`verify::Expect`).
//! 2. **Apply and verify.** [`ManifestEdits::apply`] applies them and
//!    re-parses every edited manifest (`verify`), so a planner bug can
//!    never write a manifest that says something else. The result is a
//!    [`ChangeSet`]: every file's text before and after.
//! 3. **Write all or none.** [`ChangeSet::write`] locks the workspace
//!    ([`lock`]), checks every file still holds the text the plan read
//!    (else exit 2, nothing written), stages every file, then renames them
//!    into place ([`write`](mod@write): symlinks followed, mode and owner kept, hard
//!    links refused, a report written into special files), with SIGINT and
//!    SIGTERM held off ([`interrupt`]); [`ChangeSet::write_then`] runs a
//!    later step (cargo's relock) and puts every file back when it fails
//!    or is interrupted. A CRLF file stays CRLF ([`FileChange::new`]).
//!
//! The commands that plan: [`fix`], `upgrade`, `allow`.

pub(crate) mod allow;
pub(crate) mod ci;
pub(crate) mod deny;
pub mod edit;
pub mod fix;
pub(crate) mod init;
pub(crate) mod interrupt;
pub(crate) mod lock;
pub(crate) mod policy_edit;
pub(crate) mod relock;
pub(crate) mod rollback;
pub(crate) mod upgrade;
pub(crate) mod verify;
pub(crate) mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

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
    /// The workspace root, locked while writing ([`lock`]); empty: none.
    pub root: PathBuf,
    /// Files the plan read and does not edit itself (Cargo.lock, which
    /// cargo relocks for `upgrade`), with the text read: they too must be
    /// unchanged on disk when the write begins.
    pub read: Vec<(PathBuf, String)>,
}

impl FileChange {
    /// A change of `path` from `before` to `after`, in `before`'s line
    /// endings: a CRLF file stays CRLF whatever the edit inserted.
    pub fn new(path: PathBuf, rel: String, before: String, after: &str) -> FileChange {
        let after = keep_line_endings(&before, after);
        FileChange {
            path,
            rel,
            before,
            after,
        }
    }
}

/// `after` with `before`'s line endings, when `before` ends every line
/// with CRLF.
/// How messages name a file the change writes: relative to the workspace
/// root when inside it, else as given.
pub(crate) fn shown_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

pub(crate) fn keep_line_endings(before: &str, after: &str) -> String {
    let crlf = before.matches("\r\n").count();
    if crlf == 0 || crlf != before.matches('\n').count() {
        return after.to_string();
    }
    let mut out = String::with_capacity(after.len() + after.len() / 32);
    let mut prev = '\0';
    for c in after.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The unified diff of every change, as `git diff` shows it.
    pub fn diff(&self) -> String {
        write::unified_diff(&self.files)
    }

    /// Refuses a report file that is one of the files the command edits
    /// (`also`: files a later step changes, such as Cargo.lock).
    pub fn check_report(&self, report: &Path, also: &[PathBuf]) -> Result<()> {
        let edited = self.files.iter().map(|f| &f.path).chain(also);
        for path in edited {
            if same_file(report, path) {
                bail!(
                    "--output {} names a file this command edits ({}); write the report elsewhere",
                    report.display(),
                    path.display()
                );
            }
        }
        Ok(())
    }

    /// Writes every file, all or none, with `report` (a report file:
    /// path and text) among them, so an unwritable report leaves no edit
    /// behind it.
    pub fn write(&self, report: Option<(&Path, &str)>) -> Result<()> {
        self.write_then(&[], report, || Ok(()))
    }

    /// Writes every file, then runs `then` (a step that changes files
    /// itself, such as cargo relocking). When `then` fails, or an
    /// interrupt comes while it runs, every file written and every file in
    /// `guarded` (those `then` may change) is put back as it was, and the
    /// error says so. `report` is made ready (and checked writable) before
    /// any file changes, and written last.
    ///
    /// The workspace is locked throughout ([`lock`]), and a file that
    /// changed on disk since the command read it stops the write (nothing
    /// written). Signals wait until the files are all written or all
    /// restored ([`interrupt`]).
    pub fn write_then(
        &self,
        guarded: &[PathBuf],
        report: Option<(&Path, &str)>,
        then: impl FnOnce() -> Result<()>,
    ) -> Result<()> {
        let nothing = |e: anyhow::Error| match report {
            Some((path, _)) => {
                e.context(format!("nothing was written (report: {})", path.display()))
            }
            None => e.context("nothing was written"),
        };
        if let Some((path, _)) = report {
            self.check_report(path, guarded)?;
        }
        // A guarded file is put back by the same atomic replace: refuse
        // now what that could not keep (a hard link).
        for path in guarded {
            write::target(path)?;
        }
        let _lock = lock::workspace(&self.root)?;
        let _critical = interrupt::Critical::enter();
        self.check_unchanged()?;
        let mut saved = Vec::with_capacity(guarded.len());
        for path in guarded {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            saved.push((path.clone(), bytes));
        }
        let files: Vec<(PathBuf, Vec<u8>)> = self
            .files
            .iter()
            .map(|f| (f.path.clone(), f.after.clone().into_bytes()))
            .collect();
        let mut staged = write::stage_all(&files).map_err(nothing)?;
        interrupt::check().map_err(nothing)?;
        let mut prepared = match report {
            Some((path, text)) => {
                Some(write::Report::prepare(path, text.as_bytes()).map_err(nothing)?)
            }
            None => None,
        };
        // A report written into (a FIFO, a device) goes first, so a full
        // device stops the run before any file changes; a staged report
        // joins the batch when nothing runs after it.
        if let Some(r) = prepared.as_mut() {
            r.write_into().map_err(nothing)?;
        }
        interrupt::check().map_err(nothing)?;
        let later = if guarded.is_empty() {
            if let Some(write::Report::Staged(path, tmp)) = prepared {
                staged.push(path, tmp);
                None
            } else {
                prepared
            }
        } else {
            prepared
        };
        staged.commit().map_err(nothing)?;
        // From here on, any failure puts every file back as it was.
        let outcome = then().and_then(|()| interrupt::check());
        let outcome = outcome.and_then(|()| keep_guarded_line_endings(&saved));
        if let Err(e) = outcome {
            let mut back: Vec<(PathBuf, Vec<u8>)> = self
                .files
                .iter()
                .map(|f| (f.path.clone(), f.before.clone().into_bytes()))
                .collect();
            back.extend(saved);
            return match write::write_all(&back) {
                Ok(()) => Err(e.context("nothing was changed")),
                Err(r) => Err(e.context(format!("and restoring the files failed too: {r:#}"))),
            };
        }
        match later {
            Some(r) => r.commit(),
            None => Ok(()),
        }
    }

    /// Stops when a file changed on disk since the command read it.
    fn check_unchanged(&self) -> Result<()> {
        let files = self.files.iter().map(|f| (&f.path, &f.before));
        for (path, before) in files.chain(self.read.iter().map(|(p, t)| (p, t))) {
            let now = match std::fs::read(path) {
                Ok(b) => Some(b),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot read {}", path.display()));
                }
            };
            let same = match &now {
                Some(b) => b == before.as_bytes(),
                None => before.is_empty(),
            };
            if !same {
                bail!(
                    "{} changed on disk since cargo-pin read it (another program or run \
                     edited it); nothing was written: run again",
                    path.display()
                );
            }
        }
        Ok(())
    }
}

/// Puts CRLF back into a guarded file a later step (cargo) rewrote with
/// LF, when it was CRLF before.
fn keep_guarded_line_endings(saved: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    for (path, before) in saved {
        let (Ok(before), Ok(now)) = (std::str::from_utf8(before), std::fs::read_to_string(path))
        else {
            continue;
        };
        let kept = keep_line_endings(before, &now);
        if kept != now {
            write::write_atomic(path, kept.as_bytes())?;
        }
    }
    Ok(())
}

/// Whether `a` and `b` name the same file (through links, `..`).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return (x.dev(), x.ino()) == (y.dev(), y.ino());
        }
    }
    // One not there yet: the same folder and name.
    let place = |p: &Path| -> Option<PathBuf> {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
    };
    match (place(a), place(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Writes a report file: replaced atomically when it is a regular file,
/// written into when it is not ([`write`]).
pub fn write_report(path: &Path, text: &str) -> Result<()> {
    // Signals wait, so no temporary file is left behind.
    let _critical = interrupt::Critical::enter();
    write::Report::prepare(path, text.as_bytes())?.commit()
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
        let mut set = ChangeSet {
            root: ws.root.clone(),
            ..ChangeSet::default()
        };
        for (idx, FileEdits { edits, expected }) in self.by_file {
            let m = &ws.manifests[idx];
            let after = edit::apply(&m.text, &edits)?;
            let expected: Vec<_> = expected
                .into_iter()
                .map(|(d, want)| (&m.deps[d], want))
                .collect();
            verify::manifest(m, &after, &expected)?;
            set.files.push(FileChange::new(
                m.path.clone(),
                m.rel.clone(),
                m.text.clone(),
                &after,
            ));
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
            root: dir.path().to_path_buf(),
            read: Vec::new(),
        };
        let lock = dir.path().join("Cargo.lock");
        std::fs::write(&lock, "locked").unwrap();
        let e = set
            .write_then(std::slice::from_ref(&lock), None, || {
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
        set.write_then(&[], None, || Ok(())).unwrap();
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
            root: dir.path().to_path_buf(),
            read: Vec::new(),
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
