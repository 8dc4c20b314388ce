//! Reading what is on disk: a workspace's members (through
//! `cargo metadata --no-deps`), their manifests, the lockfile and the
//! toolchain file, and which lock entry each dependency resolves to.
//!
//! - [`manifest`]: a Cargo.toml's dependency entries, with byte spans;
//! - [`lockfile`]: Cargo.lock (v1–v4); `locks`: dependency → lock entry;
//! - [`requirement`]: version requirements, classified;
//! - [`toolchain`]: the `rust-toolchain(.toml)` file;
//! - `cargo`: running cargo; `members`: reading the files, in parallel.

mod cargo;
pub mod lockfile;
mod locks;
pub mod manifest;
mod members;
pub mod requirement;
pub(crate) mod text;
pub mod toolchain;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

pub use cargo::Cargo;
use cargo::{Failed, metadata, rust_version, workspace_packages};
use lockfile::Lockfile;
pub use locks::Locks;
use manifest::{Dependency, Manifest};
use members::{Speculation, check_member_globs, diagnose, read_lockfile, read_manifests};
use toolchain::Toolchain;

/// A workspace, read.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    /// The root manifest first, then members by path.
    pub manifests: Vec<Manifest>,
    /// `None` when the workspace has no Cargo.lock.
    pub lockfile: Option<Lockfile>,
    pub toolchain: Toolchain,
    /// The lowest `rust-version` any member declares, if any does.
    pub rust_version: Option<semver::Version>,
    /// The CI files around the workspace, when they were read
    /// ([`crate::ci::read`]; `None` with `--no-ci` or `[ci] scan = false`).
    pub ci: Option<crate::ci::Surface>,
    /// The cargo that could read the workspace: the one given, or the
    /// toolchain it had to be read with instead. Later runs (relocking)
    /// use it.
    pub cargo: Cargo,
    /// How reading it differed from a plain `cargo metadata` (an
    /// uninstalled toolchain, `cargo-features`), for `-v`.
    pub notes: Vec<String>,
}

/// Where a dependency is: its manifest's index in [`Workspace::manifests`]
/// and its own in that manifest's `deps`. Plans and findings name
/// dependencies by position, never by reference identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DepAt {
    pub manifest: usize,
    pub dep: usize,
}

/// Resolves `--manifest-path` the way cargo does, to an absolute path;
/// without one, the nearest `Cargo.toml` from `cwd` up.
pub fn manifest_path(explicit: Option<&Path>, cwd: &Path) -> Result<PathBuf> {
    match explicit {
        Some(p) => {
            let abs = std::path::absolute(cwd.join(p))
                .with_context(|| format!("invalid manifest path {}", p.display()))?;
            if abs.is_dir() {
                bail!(
                    "the manifest path `{}` is a directory; pass the path to its Cargo.toml",
                    p.display()
                );
            }
            if !abs.is_file() {
                bail!("manifest path `{}` does not exist", p.display());
            }
            Ok(abs)
        }
        None => cwd
            .ancestors()
            .map(|d| d.join("Cargo.toml"))
            .find(|p| p.is_file())
            .ok_or_else(|| {
                anyhow!(
                    "could not find `Cargo.toml` in `{}` or any parent directory",
                    cwd.display()
                )
            }),
    }
}

/// Path of `path` relative to `root`, `/`-separated; with `../` steps
/// when it is outside (a member beside the workspace root), so that it is
/// still a relative reference (a SARIF URI, a GitHub path).
pub fn relative(root: &Path, path: &Path) -> String {
    use std::path::Component;
    // Lexically normal: cargo's messages name `a/../b/Cargo.toml`.
    fn names(p: &Path) -> Vec<Component<'_>> {
        let mut out: Vec<Component<'_>> = Vec::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out
    }
    let (base, target) = (names(root), names(path));
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let text = |c: &Component<'_>| c.as_os_str().to_string_lossy().into_owned();
    // Nothing in common (another drive on Windows): no relative path.
    if common == 0 && !base.is_empty() && !target.is_empty() {
        return target.iter().map(text).collect::<Vec<_>>().join("/");
    }
    let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
    parts.extend(target[common..].iter().map(text));
    parts.join("/")
}

impl Workspace {
    /// Finds and reads the workspace around `manifest_path` (or the current
    /// directory). Nothing is written; nothing is fetched.
    pub fn load(explicit: Option<&Path>, cwd: &Path, cargo: &Cargo) -> Result<Workspace> {
        let manifest = manifest_path(explicit, cwd)?;
        // `cargo metadata` is most of the cost; while it runs, read what
        // we expect it to name (the guess is checked against its answer).
        let meta = std::thread::spawn({
            let manifest = manifest.clone();
            let cargo = cargo.clone();
            move || metadata(&cargo, &manifest)
        });
        let mut guess = Speculation::new(&manifest);
        let meta = meta
            .join()
            .map_err(|_| anyhow!("internal error: the `cargo metadata` reader panicked"))?;
        let cargo::Read { meta, cargo, notes } = match meta {
            Ok(m) => m,
            // Name the manifest cargo names, with a `file:line` when our own
            // reading finds the fault.
            Err(e) => {
                let named = e.downcast_ref::<Failed>().and_then(|f| f.manifest.clone());
                return Err(diagnose(&manifest, named.as_deref(), e));
            }
        };
        let root: PathBuf = meta.workspace_root.clone();
        if guess.root != root {
            guess = Speculation::default();
        }

        let packages = workspace_packages(&meta);
        let mut paths: Vec<PathBuf> = vec![root.join("Cargo.toml")];
        let mut member_paths: Vec<PathBuf> = packages
            .iter()
            .map(|p| p.manifest_path.clone())
            .filter(|p| *p != paths[0])
            .collect();
        member_paths.sort_by_cached_key(|p| relative(&root, p));
        member_paths.dedup();
        paths.extend(member_paths);

        let missing: Vec<PathBuf> = paths
            .iter()
            .filter(|p| !guess.manifests.contains_key(*p))
            .cloned()
            .collect();
        for (p, m) in missing.iter().zip(read_manifests(&root, &missing)) {
            guess.manifests.insert(p.clone(), m);
        }
        let mut manifests = Vec::with_capacity(paths.len());
        for p in &paths {
            match guess.manifests.remove(p) {
                Some(m) => manifests.push(m?),
                None => bail!("internal error: {} was not read", p.display()),
            }
        }
        check_member_globs(&root, &manifests[0])?;
        let lockfile = match guess.lockfile.take() {
            Some(l) => l?,
            None => read_lockfile(&root)?,
        };
        let toolchain = match guess.toolchain.take() {
            Some(t) => t?,
            None => toolchain::read(&root)?,
        };
        let rust_version = packages
            .iter()
            .filter_map(|p| p.rust_version.as_deref())
            .map(rust_version)
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .min();
        Ok(Workspace {
            root,
            manifests,
            lockfile,
            toolchain,
            rust_version,
            ci: None,
            cargo,
            notes,
        })
    }

    /// The manifest and dependency at `at`.
    pub fn dep(&self, at: DepAt) -> (&Manifest, &Dependency) {
        let m = &self.manifests[at.manifest];
        (m, &m.deps[at.dep])
    }

    /// Every dependency entry of every manifest, with its position.
    pub fn deps(&self) -> impl Iterator<Item = (DepAt, &Manifest, &Dependency)> {
        self.manifests.iter().enumerate().flat_map(|(mi, m)| {
            m.deps.iter().enumerate().map(move |(di, d)| {
                (
                    DepAt {
                        manifest: mi,
                        dep: di,
                    },
                    m,
                    d,
                )
            })
        })
    }

    /// Which Cargo.lock entry each dependency resolves to.
    pub fn locks(&self) -> Locks<'_> {
        Locks::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_use_slashes() {
        let root = Path::new("/w");
        assert_eq!(
            relative(root, Path::new("/w/a/b/Cargo.toml")),
            "a/b/Cargo.toml"
        );
        assert_eq!(relative(root, Path::new("/w/Cargo.toml")), "Cargo.toml");
        assert_eq!(relative(root, root), "");
    }

    #[test]
    fn paths_outside_the_root_step_up() {
        let root = Path::new("/w/root");
        assert_eq!(
            relative(root, Path::new("/w/other/Cargo.toml")),
            "../other/Cargo.toml"
        );
        assert_eq!(
            relative(root, Path::new("/x/y/Cargo.toml")),
            "../../x/y/Cargo.toml"
        );
        assert_eq!(relative(Path::new("/"), Path::new("/a/b")), "a/b");
        assert_eq!(
            relative(root, Path::new("/w/root/a/../b/./Cargo.toml")),
            "b/Cargo.toml"
        );
    }
}
