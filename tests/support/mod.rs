//! Helpers shared by the integration tests: fixtures, temporary copies, and
//! the real `cargo-pin` binary with a fixed environment.
#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};

use snapbox::cmd::{Command, cargo_bin};

/// A fixture directory under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// A temporary copy of a fixture, for commands that write.
pub fn copy_fixture(rel: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dest = tmp.path().join(rel.rsplit('/').next().unwrap_or(rel));
    copy_dir(&fixture(rel), &dest);
    (tmp, dest)
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file under `dir` with its bytes, for "nothing changed" checks.
pub fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(d: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), out);
            } else {
                out.push((e.path(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    walk(dir, &mut out);
    out
}

/// The real binary, with colour off, a fixed width and a fixed clock.
pub fn pin() -> Command {
    Command::new(cargo_bin!("cargo-pin"))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .env("CARGO_PIN_NOW", "2026-11-24T12:00:00Z")
        .env_remove("CARGO_TERM_COLOR")
}

/// Snapshot assertions with `[ROOT]` standing for `root`; `SNAPSHOTS=overwrite`
/// rewrites the snapshot files.
pub fn assert_in(root: &Path) -> snapbox::Assert {
    let mut r = snapbox::Redactions::new();
    r.insert("[ROOT]", root.to_path_buf()).expect("redaction");
    // Backslashes are escapes in our JSON and Markdown, not Windows paths.
    snapbox::Assert::new()
        .action_env("SNAPSHOTS")
        .normalize_paths(false)
        .redact_with(r)
}

/// Runs the binary and parses its stdout as JSON.
pub fn json(cmd: Command) -> serde_json::Value {
    let out = cmd.output().expect("run cargo-pin");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
