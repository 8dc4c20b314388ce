//! Writing files safely: each file atomically (a temporary file in the same
//! directory, then a rename, keeping the permissions), and a batch of files
//! all-or-nothing as far as the filesystem allows.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::FileChange;

/// Replaces `path` with `contents` atomically, keeping its permissions.
pub(crate) fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    let tmp = stage(path, contents)?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// Writes `contents` to a temporary file beside `path`, flushed to disk,
/// with `path`'s permissions.
fn stage(path: &Path, contents: &[u8]) -> Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".cargo-pin.")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(contents)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write a temporary file in {}", dir.display()))?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .with_context(|| format!("cannot copy the permissions of {}", path.display()))?;
    }
    Ok(tmp)
}

/// Writes every `(path, contents)` pair, or none: all are staged first, and
/// only when every one staged are they renamed into place. Should a rename
/// fail part-way, the files already replaced are restored.
pub(crate) fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let staged = stage_all(files)?;
    let mut done: Vec<(&PathBuf, Option<Vec<u8>>)> = Vec::new();
    for (path, tmp) in staged {
        let before = std::fs::read(path).ok();
        if let Err(e) = tmp.persist(path) {
            for (p, old) in done.into_iter().rev() {
                if let Some(old) = old {
                    let _ = write_atomic(p, &old);
                }
            }
            return Err(e.error).with_context(|| format!("cannot replace {}", path.display()));
        }
        done.push((path, before));
    }
    Ok(())
}

/// Stages every file; each is flushed to disk (fsync), which is waiting,
/// not work, so a large batch (fix on 400 manifests) is staged by several
/// threads at once.
fn stage_all(files: &[(PathBuf, Vec<u8>)]) -> Result<Vec<(&PathBuf, tempfile::NamedTempFile)>> {
    crate::parallel::map_chunked(files, 8, |(p, c)| stage(p, c).map(|t| (p, t)))
        .ok_or_else(|| anyhow::anyhow!("internal error: a file writer panicked"))?
        .into_iter()
        .collect()
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
