//! The workspace lock: one writing run at a time per workspace.
//!
//! Every write ([`super::ChangeSet::write`], [`super::ChangeSet::write_then`])
//! holds an advisory lock (`flock`, std's [`std::fs::File::lock`]) on the
//! workspace root *directory* from before it compares the files on disk
//! with the text it planned against until the last file (and cargo's
//! relock) is done. Locking the directory creates no file in the
//! workspace, and the directory, unlike the files we replace by rename,
//! keeps its identity. A second run waits for the first, then finds the
//! files changed under it and stops (exit 2) rather than overwrite them.
//! Where a directory cannot be opened as a file (Windows), the check for
//! changed files still applies.

use std::fs::{File, TryLockError};
use std::path::Path;

use anyhow::{Context as _, Result};

/// "No locks available" (Linux, macOS and the BSDs differ; Linux's).
const ENOLCK: i32 = 37;

/// The lock, held while this lives.
#[derive(Debug)]
pub(crate) struct WorkspaceLock {
    _file: Option<File>,
}

/// Locks the workspace at `root`, waiting while another run holds it.
/// `root` empty: no lock (a change set not tied to a workspace).
pub(crate) fn workspace(root: &Path) -> Result<WorkspaceLock> {
    if root.as_os_str().is_empty() || cfg!(not(unix)) {
        return Ok(WorkspaceLock { _file: None });
    }
    let file =
        File::open(root).with_context(|| format!("cannot open {} to lock it", root.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => file.lock().with_context(|| {
            format!(
                "cannot lock {} (another cargo-pin writes it)",
                root.display()
            )
        })?,
        // A filesystem without locks (some network mounts): the check for
        // changed files still stands guard.
        Err(TryLockError::Error(e))
            if e.kind() == std::io::ErrorKind::Unsupported || e.raw_os_error() == Some(ENOLCK) =>
        {
            return Ok(WorkspaceLock { _file: None });
        }
        Err(TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", root.display()));
        }
    }
    Ok(WorkspaceLock { _file: Some(file) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = workspace(dir.path()).unwrap();
        let other = File::open(dir.path()).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(first);
        other.try_lock().unwrap();
    }
}
