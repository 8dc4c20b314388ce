//! Drawing the crate pool from real index data: a sparse-index snapshot
//! (`ab/cd/name` files of JSON lines, as crates.io serves them), either a
//! directory or the `.tar.zst` the shared folder holds.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use semver::Version;
use serde::Deserialize;

use super::synth::{Crate, Pool, Release, Rng};

/// One line of an index file; other fields are ignored.
#[derive(Deserialize)]
struct IndexLine {
    name: String,
    vers: String,
    cksum: String,
    #[serde(default)]
    yanked: bool,
}

/// Unpacks a `.tar.zst` snapshot into `dir` with the system's `zstd` and
/// `tar` (both present wherever the snapshot is).
pub(crate) fn unpack(archive: &Path, dir: &Path) -> Result<()> {
    let mut zstd = Command::new("zstd")
        .arg("-dc")
        .arg(archive)
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run `zstd` (install it, or pass --builtin)")?;
    let status = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dir)
        .stdin(zstd.stdout.take().expect("piped"))
        .status()
        .context("cannot run `tar`")?;
    let zstatus = zstd.wait()?;
    if !status.success() || !zstatus.success() {
        bail!("cannot unpack {}", archive.display());
    }
    Ok(())
}

/// Every index file under `dir` (skipping `config.json`), sorted by path.
fn index_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))? {
            let e = e?;
            let path = e.path();
            if e.file_type()?.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "config.json") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The semver-compatibility line of a version: releases on one line are
/// interchangeable under a caret requirement.
fn line(v: &Version) -> (u64, u64, u64) {
    match (v.major, v.minor) {
        (0, 0) => (0, 0, v.patch),
        (0, m) => (0, m, 0),
        (m, _) => (m, 0, 0),
    }
}

/// Reads one index file: the newest non-yanked, non-prerelease release and
/// the newest of an older line. `None` when no release qualifies.
fn read_crate(path: &Path) -> Result<Option<Crate>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut name = None;
    let mut releases: Vec<Release> = Vec::new();
    for l in text.lines().filter(|l| !l.trim().is_empty()) {
        let e: IndexLine = serde_json::from_str(l)
            .with_context(|| format!("malformed index line in {}", path.display()))?;
        name.get_or_insert(e.name);
        let Ok(version) = Version::parse(&e.vers) else {
            continue;
        };
        if e.yanked || !version.pre.is_empty() || !version.build.is_empty() {
            continue;
        }
        releases.push(Release {
            version,
            checksum: e.cksum,
        });
    }
    releases.sort_by(|a, b| a.version.cmp(&b.version));
    let Some(newest) = releases.pop() else {
        return Ok(None);
    };
    let older = releases
        .into_iter()
        .rev()
        .find(|r| line(&r.version) != line(&newest.version));
    Ok(Some(Crate {
        name: name.unwrap_or_default(),
        newest,
        older,
    }))
}

/// Up to `max` crates from the index at `dir`, in an order shuffled by
/// `seed` (which decides which are "popular"). Only the files needed are
/// read.
pub(crate) fn pool_from_dir(
    dir: &Path,
    seed: u64,
    max: usize,
    reserved: &dyn Fn(&str) -> bool,
) -> Result<Pool> {
    let mut files = index_files(dir)?;
    if files.is_empty() {
        bail!("no index files under {}", dir.display());
    }
    Rng::new(seed ^ 0x1D3E_0001).shuffle(&mut files);
    let mut crates = Vec::with_capacity(max.min(files.len()));
    for f in &files {
        if crates.len() == max {
            break;
        }
        if let Some(c) = read_crate(f)?
            && !reserved(&c.name)
        {
            crates.push(c);
        }
    }
    Ok(Pool {
        crates,
        origin: format!("index snapshot at {}", dir.display()),
    })
}
