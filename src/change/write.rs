//! Writing files safely, so that files stay what they are.
//!
//! A workspace file (a manifest, Cargo.lock, pin.toml) is replaced
//! atomically: a temporary file beside it, flushed, given the file's mode
//! and owner, then renamed over it. A symlink is followed and its target
//! replaced (the link stays a link); a file with several hard links, or
//! one that is not a regular file, is refused before anything is written,
//! since a rename would split it from its other names.
//!
//! A report (`--output`) that is a regular file is replaced the same way;
//! anything else — a symlink (`/dev/stdout`), a FIFO, a character device,
//! a hard-linked file — is written into, never replaced, and a failed
//! write (`/dev/full`) is an error.
//!
//! A batch of files is written all or nothing as far as the filesystem
//! allows: all are staged first, then renamed; should a rename fail
//! part-way, the files already replaced are restored.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::FileChange;

/// Replaces `path` with `contents` atomically, keeping what it is.
pub(crate) fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    write_all(&[(path.to_path_buf(), contents.to_vec())])
}

/// Where a workspace file's new bytes go: `path`, or the file a symlink
/// at `path` names. Refuses what a rename would not keep.
pub(crate) fn target(path: &Path) -> Result<PathBuf> {
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(path.to_path_buf()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let real = if link.file_type().is_symlink() {
        std::fs::canonicalize(path)
            .with_context(|| format!("{} is a symlink to nothing", path.display()))?
    } else {
        path.to_path_buf()
    };
    let meta =
        std::fs::metadata(&real).with_context(|| format!("cannot read {}", real.display()))?;
    if !meta.is_file() {
        bail!(
            "{} is not a regular file; nothing was written",
            path.display()
        );
    }
    if links(&meta) > 1 {
        bail!(
            "{} has {} hard links, which replacing it would split; nothing was written \
             (make it a single file, or a symlink, and run again)",
            path.display(),
            links(&meta)
        );
    }
    Ok(real)
}

/// A FIFO is opened for writing only once it has a reader; waiting for
/// one in `open` would hold off signals for as long (they are only
/// recorded in the write phase), so wait here, polling, and give up when a
/// signal comes.
#[cfg(unix)]
fn wait_for_reader(path: &Path) -> Result<Option<File>> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    if !std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo()) {
        return Ok(None);
    }
    loop {
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
        {
            // A reader is there: the blocking open that follows returns.
            Ok(f) => return Ok(Some(f)),
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                super::interrupt::check()?;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
        }
    }
}

#[cfg(not(unix))]
fn wait_for_reader(_: &Path) -> Result<Option<File>> {
    Ok(None)
}

#[cfg(unix)]
fn links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn links(_: &std::fs::Metadata) -> u64 {
    1
}

/// Writes `contents` to a temporary file beside `path` (already a
/// [`target`]), flushed to disk, with `path`'s mode and owner.
fn stage(path: &Path, contents: &[u8]) -> Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let existing = std::fs::metadata(path).ok();
    let mut builder = tempfile::Builder::new();
    builder.prefix(".cargo-pin.");
    #[cfg(unix)]
    if existing.is_none() {
        // A new file gets the mode any new file gets (umask applies).
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(contents)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write a temporary file in {}", dir.display()))?;
    if let Some(meta) = existing {
        keep_owner(tmp.as_file(), &meta, path)?;
        tmp.as_file()
            .set_permissions(meta.permissions())
            .with_context(|| format!("cannot copy the permissions of {}", path.display()))?;
    }
    Ok(tmp)
}

/// Gives `file` the owner and group of `meta` (`path`'s), when they differ.
#[cfg(unix)]
fn keep_owner(file: &File, meta: &std::fs::Metadata, path: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let now = file.metadata()?;
    if (now.uid(), now.gid()) == (meta.uid(), meta.gid()) {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())).with_context(|| {
        format!(
            "cannot keep the owner of {} (uid {}, gid {}) in the file replacing it; nothing was written",
            path.display(),
            meta.uid(),
            meta.gid()
        )
    })
}

#[cfg(not(unix))]
fn keep_owner(_: &File, _: &std::fs::Metadata, _: &Path) -> Result<()> {
    Ok(())
}

/// Every file of a batch, staged: temporary files not yet renamed.
#[derive(Debug)]
pub(crate) struct Staged {
    files: Vec<(PathBuf, tempfile::NamedTempFile)>,
}

/// Stages every `(path, contents)` pair; nothing is replaced yet. Each
/// file is flushed to disk (fsync), which is waiting, not work, so a large
/// batch (fix on 400 manifests) is staged by several threads at once.
pub(crate) fn stage_all(files: &[(PathBuf, Vec<u8>)]) -> Result<Staged> {
    let targets = files
        .iter()
        .map(|(p, c)| Ok((target(p)?, c)))
        .collect::<Result<Vec<_>>>()?;
    let staged =
        crate::parallel::map_chunked(&targets, 8, |(p, c)| stage(p, c).map(|t| (p.clone(), t)))
            .ok_or_else(|| anyhow::anyhow!("internal error: a file writer panicked"))?
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
    Ok(Staged { files: staged })
}

impl Staged {
    /// Adds a staged file to the batch.
    pub(crate) fn push(&mut self, path: PathBuf, tmp: tempfile::NamedTempFile) {
        self.files.push((path, tmp));
    }

    /// Renames every staged file into place. Should one fail, the files
    /// already replaced are restored.
    pub(crate) fn commit(self) -> Result<()> {
        let mut done: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
        for (path, tmp) in self.files {
            let before = std::fs::read(&path).ok();
            if let Err(e) = tmp.persist(&path) {
                for (p, old) in done.into_iter().rev() {
                    match old {
                        Some(old) => {
                            let _ = stage(&p, &old).and_then(|t| Ok(t.persist(&p)?));
                        }
                        None => {
                            let _ = std::fs::remove_file(&p);
                        }
                    }
                }
                return Err(e.error).with_context(|| format!("cannot replace {}", path.display()));
            }
            done.push((path, before));
        }
        Ok(())
    }
}

/// Writes every `(path, contents)` pair, or none.
pub(crate) fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    stage_all(files)?.commit()
}

/// A report file made ready to write: staged beside a regular file (or
/// where none is yet), or opened when it is to be written into.
#[derive(Debug)]
pub(crate) enum Report {
    Staged(PathBuf, tempfile::NamedTempFile),
    Into(PathBuf, File, Vec<u8>),
}

impl Report {
    /// Makes `contents` ready to go to `path`: finds now whatever would
    /// keep it from being written (a missing folder, no permission).
    pub(crate) fn prepare(path: &Path, contents: &[u8]) -> Result<Report> {
        let shown = path.display();
        let into = match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(e).with_context(|| format!("cannot write {shown}")),
            Ok(m) if m.file_type().is_symlink() => true,
            Ok(m) if m.is_dir() => bail!("cannot write {shown}: it is a directory"),
            Ok(m) => !m.is_file() || links(&m) > 1,
        };
        if !into {
            match stage(path, contents) {
                Ok(tmp) => return Ok(Report::Staged(path.to_path_buf(), tmp)),
                // A writable file in a folder we cannot create files in:
                // write into it, as a shell's `>` would.
                Err(_) if std::fs::metadata(path).is_ok_and(|m| m.is_file()) => {}
                Err(e) => return Err(e).with_context(|| format!("cannot write {shown}")),
            }
        }
        // Truncate what has contents to lose; a FIFO or a device has none.
        let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        // Held open until the blocking open below has returned, so the
        // reader never sees its writer leave.
        let _waited = wait_for_reader(path)?;
        // A symlink to a file not there yet gets it, as with a shell's `>`.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(regular)
            .open(path)
            .with_context(|| format!("cannot write {shown}"))?;
        Ok(Report::Into(path.to_path_buf(), file, contents.to_vec()))
    }

    /// Writes a report that is written into; a staged one waits for
    /// [`Report::commit`].
    pub(crate) fn write_into(&mut self) -> Result<()> {
        if let Report::Into(path, file, contents) = self {
            file.write_all(contents)
                .and_then(|()| file.flush())
                .with_context(|| format!("cannot write {}", path.display()))?;
            if file.metadata().is_ok_and(|m| m.is_file()) {
                file.sync_all()
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            contents.clear();
        }
        Ok(())
    }

    /// Writes the report: renames a staged one into place.
    pub(crate) fn commit(mut self) -> Result<()> {
        self.write_into()?;
        if let Report::Staged(path, tmp) = self {
            tmp.persist(&path)
                .map_err(|e| e.error)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }
}

/// The unified diff of every change, as `git diff` shows it.
pub(crate) fn unified_diff(changes: &[FileChange]) -> String {
    let mut out = String::new();
    for f in changes {
        let diff = similar::TextDiff::from_lines(&f.before, &f.after);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{}", f.rel), &format!("b/{}", f.rel))
                .to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("Cargo.toml");
        std::fs::write(&p, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn batch_writes_nothing_when_one_cannot_be_staged() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.toml");
        std::fs::write(&a, "a").unwrap();
        let missing = dir.path().join("no/such/dir/b.toml");
        let err = write_all(&[(a.clone(), b"A".to_vec()), (missing, b"B".to_vec())]);
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a");
    }
}
