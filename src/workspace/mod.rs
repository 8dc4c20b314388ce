//! Finding and reading a workspace: its members (through
//! `cargo metadata --no-deps`), their manifests, the lockfile and the
//! toolchain file.
//!
//! `--no-deps` is what lets this work offline, without fetching git
//! dependencies, and on workspaces whose lockfile is missing or stale.

pub mod lockfile;
pub mod locks;
pub mod manifest;
pub mod requirement;
pub mod text;
pub mod toolchain;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};

use crate::workspace::lockfile::Lockfile;
pub use locks::Locks;
use manifest::{DepSource, Dependency, Manifest};
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
}

/// Where a dependency is: its manifest's index in [`Workspace::manifests`]
/// and its own in that manifest's `deps`. Plans and findings name
/// dependencies by position, never by reference identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DepAt {
    pub manifest: usize,
    pub dep: usize,
}

/// How to run cargo: `$CARGO` when cargo started us, else `cargo` on PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cargo {
    program: OsString,
    /// Where to run it when no directory matters: rustup's proxy picks the
    /// toolchain from the current directory, and a workspace's toolchain
    /// file may name one that is not installed. `None` when `$CARGO` names
    /// the real cargo already.
    neutral_dir: Option<PathBuf>,
}

impl Cargo {
    /// `cargo` is `$CARGO` when set; `temp_dir` is the neutral place to run
    /// rustup's proxy from.
    pub fn new(cargo: Option<OsString>, temp_dir: &Path) -> Cargo {
        match cargo {
            Some(program) => Cargo {
                program,
                neutral_dir: None,
            },
            None => Cargo {
                program: "cargo".into(),
                neutral_dir: Some(temp_dir.to_path_buf()),
            },
        }
    }

    /// A command that runs cargo where no directory matters (manifest
    /// paths are absolute).
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        if let Some(dir) = &self.neutral_dir {
            cmd.current_dir(dir);
        }
        cmd
    }

    /// A command that runs cargo in `dir`, where cargo reads that
    /// directory's `.cargo/config.toml` (source replacement) as it always
    /// does.
    pub fn command_in(&self, dir: &Path) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.current_dir(dir);
        cmd
    }

    /// The program, for messages.
    pub fn program(&self) -> String {
        self.program.to_string_lossy().into_owned()
    }
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

/// What cargo-pin needs from `cargo metadata --no-deps`, and nothing else.
///
/// Read with serde straight from cargo's JSON. The `cargo_metadata` crate's
/// types also parse every dependency of every package (a version requirement
/// each: 12,000 at 400 members, 3 MB of JSON) only for them to be dropped;
/// skipping those is most of the cost of reading cargo's answer.
#[derive(Debug, serde::Deserialize)]
struct Metadata {
    workspace_root: PathBuf,
    workspace_members: Vec<String>,
    packages: Vec<MetaPackage>,
}

#[derive(Debug, serde::Deserialize)]
struct MetaPackage {
    id: String,
    manifest_path: PathBuf,
    /// As written: `1.70` or `1.70.0`.
    rust_version: Option<String>,
}

/// Parses cargo's JSON answer.
fn parse_metadata(json: &str) -> Result<Metadata> {
    serde_json::from_str(json).context("cannot read `cargo metadata` output")
}

/// A `rust-version` as cargo writes it (`1.70`, `1.70.0`) as a version,
/// missing parts zero.
fn rust_version(s: &str) -> Result<semver::Version> {
    requirement::partial_version(s)
        .ok_or_else(|| anyhow!("`cargo metadata` reported an invalid rust-version `{s}`"))
}

/// Asks cargo for the workspace root and the members' manifest paths.
fn metadata(cargo: &Cargo, manifest: &Path) -> Result<Metadata> {
    let out = cargo
        .command()
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(manifest)
        // `--no-deps` needs no network; make sure nothing tries.
        .env("CARGO_NET_OFFLINE", "true")
        .output()
        .context("cannot run `cargo metadata` (is cargo installed? set $CARGO to its path)")?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        bail!("`cargo metadata` failed:\n{}", stderr.trim_end());
    }
    let stdout = std::str::from_utf8(&out.stdout).context("`cargo metadata` printed non-UTF-8")?;
    let json = stdout
        .lines()
        .find(|l| l.starts_with('{'))
        .ok_or_else(|| anyhow!("`cargo metadata` printed no JSON"))?;
    parse_metadata(json)
}

/// Path of `path` relative to `root`, `/`-separated.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
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
        let meta = match meta {
            Ok(m) => m,
            // cargo's message names paths relative to wherever it ran; find
            // the culprit ourselves when we can, for a `file:line` message.
            Err(e) => return Err(diagnose(&manifest).unwrap_or(e)),
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

/// The workspace's own packages, in cargo's order.
///
/// A set of member ids, not a search of the list per package (as
/// `cargo_metadata`'s `workspace_packages` does): that is quadratic in the
/// number of members, a million comparisons at 1,000.
fn workspace_packages(meta: &Metadata) -> Vec<&MetaPackage> {
    let ids: std::collections::HashSet<&str> =
        meta.workspace_members.iter().map(String::as_str).collect();
    meta.packages
        .iter()
        .filter(|p| ids.contains(p.id.as_str()))
        .collect()
}

/// `workspace.members` globs that match no package are errors: cargo
/// accepts them silently, and a typo there drops members from the audit.
fn check_member_globs(root: &Path, root_manifest: &Manifest) -> Result<()> {
    for (pattern, line) in member_patterns(root_manifest) {
        if !pattern.contains(['*', '?', '[']) {
            continue;
        }
        let found = member_manifests(root, &pattern).map_err(|e| {
            anyhow!(
                "{}:{line}: workspace.members: bad pattern `{pattern}`: {e}",
                root_manifest.rel
            )
        })?;
        if found.is_empty() {
            bail!(
                "{}:{line}: workspace.members entry `{pattern}` matches no package",
                root_manifest.rel
            );
        }
    }
    Ok(())
}

/// The manifests a `workspace.members` entry (a path or a glob, relative
/// to `root`) names: directories it matches that hold a Cargo.toml.
fn member_manifests(root: &Path, pattern: &str) -> Result<Vec<PathBuf>, glob::PatternError> {
    let full = root.join(pattern);
    Ok(glob::glob(&full.to_string_lossy())?
        .filter_map(Result::ok)
        .map(|dir| dir.join("Cargo.toml"))
        .filter(|p| p.is_file())
        .collect())
}

/// The `workspace.members` entries of a root manifest, with their lines.
fn member_patterns(m: &Manifest) -> Vec<(String, usize)> {
    let Ok(doc) = toml_edit::Document::parse(m.text.as_str()) else {
        return Vec::new();
    };
    let Some(members) = doc
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
    else {
        return Vec::new();
    };
    members
        .iter()
        .filter_map(|v| {
            let line = v.span().map_or(1, |s| m.lines.line_of(s.start));
            v.as_str().map(|s| (s.to_string(), line))
        })
        .collect()
}

/// After `cargo metadata` failed: parse the manifests ourselves and return
/// the first precise error (`app/Cargo.toml:38: invalid TOML: ...`).
fn diagnose(manifest: &Path) -> Option<anyhow::Error> {
    let root = guess_root(manifest)?;
    let root_manifest = root.join("Cargo.toml");
    let read = |path: &Path| -> Result<Manifest> {
        let m = read_manifest(&root, path)?;
        for d in &m.deps {
            if let DepSource::Registry {
                requirement: Some(r),
                ..
            } = &d.source
                && let Err(e) = crate::workspace::requirement::classify(r)
            {
                bail!(
                    "{}:{}: dependency `{}`: invalid version requirement `{r}`: {e}",
                    m.rel,
                    d.line,
                    d.name
                );
            }
        }
        Ok(m)
    };
    let rootm = match read(&root_manifest) {
        Ok(m) => m,
        Err(e) => return Some(e),
    };
    if let Err(e) = read(manifest) {
        return Some(e);
    }
    for (pattern, line) in member_patterns(&rootm) {
        let Ok(paths) = member_manifests(&root, &pattern) else {
            continue;
        };
        let any = !paths.is_empty();
        for path in paths {
            if let Err(e) = read(&path) {
                return Some(e);
            }
        }
        if !any {
            return Some(anyhow!(
                "{}:{line}: workspace.members entry `{pattern}` matches no package",
                rootm.rel
            ));
        }
    }
    None
}

fn read_lockfile(root: &Path) -> Result<Option<Lockfile>> {
    match std::fs::read_to_string(root.join("Cargo.lock")) {
        Ok(text) => Ok(Some(
            Lockfile::parse(&text).map_err(|e| anyhow!("Cargo.lock:{e:#}"))?,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).context("cannot read Cargo.lock"),
    }
}

/// What was read while `cargo metadata` ran, from our own reading of the
/// workspace: the root we expect, and its files. Used only where cargo's
/// answer agrees; errors are kept until a file turns out to matter.
#[derive(Default)]
struct Speculation {
    root: PathBuf,
    manifests: std::collections::HashMap<PathBuf, Result<Manifest>>,
    lockfile: Option<Result<Option<Lockfile>>>,
    toolchain: Option<Result<Toolchain>>,
}

impl Speculation {
    fn new(manifest: &Path) -> Speculation {
        let Some(root) = guess_root(manifest) else {
            return Speculation::default();
        };
        let root_manifest = root.join("Cargo.toml");
        let mut paths = vec![root_manifest.clone()];
        // Patterns may overlap (`crates/*` and `crates/a`); a set, not a
        // search of `paths`, keeps this linear in the number of members.
        let mut seen = std::collections::HashSet::from([root_manifest.clone()]);
        let mut manifests = std::collections::HashMap::new();
        let first = read_manifest(&root, &root_manifest);
        if let Ok(m) = &first {
            for (pattern, _) in member_patterns(m) {
                for p in member_manifests(&root, &pattern).unwrap_or_default() {
                    if seen.insert(p.clone()) {
                        paths.push(p);
                    }
                }
            }
        }
        manifests.insert(root_manifest, first);
        let rest = paths.split_off(1);
        for (p, m) in rest.iter().zip(read_manifests(&root, &rest)) {
            manifests.insert(p.clone(), m);
        }
        Speculation {
            lockfile: Some(read_lockfile(&root)),
            toolchain: Some(toolchain::read(&root)),
            root,
            manifests,
        }
    }
}

/// The workspace root cargo will most likely report: the nearest directory,
/// from the manifest up, whose Cargo.toml has a `[workspace]` table.
fn guess_root(manifest: &Path) -> Option<PathBuf> {
    let start = manifest.parent()?;
    for dir in start.ancestors() {
        let candidate = dir.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&candidate)
            && text
                .lines()
                .any(|l| l.trim_start().starts_with("[workspace"))
        {
            return Some(dir.to_path_buf());
        }
    }
    Some(start.to_path_buf())
}

fn read_manifest(root: &Path, path: &Path) -> Result<Manifest> {
    let rel = relative(root, path);
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {rel}"))?;
    manifest::parse(path.to_path_buf(), rel, text)
}

/// Reads and parses manifests, one result each, in order; on several
/// cores, in several threads.
fn read_manifests(root: &Path, paths: &[PathBuf]) -> Vec<Result<Manifest>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    crate::parallel::map_chunked(paths, threads, |p| read_manifest(root, p)).unwrap_or_else(|| {
        paths
            .iter()
            .map(|_| Err(anyhow!("internal error: a manifest reader panicked")))
            .collect()
    })
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
    }

    #[test]
    fn metadata_agrees_with_the_cargo_metadata_crate() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"c/*\"]\n",
        )
        .unwrap();
        for (name, rv) in [("b", "1.70"), ("a", "1.65.0"), ("c", "")] {
            let d = root.join("c").join(name);
            std::fs::create_dir_all(d.join("src")).unwrap();
            std::fs::write(d.join("src/lib.rs"), "").unwrap();
            let rv = if rv.is_empty() {
                String::new()
            } else {
                format!("rust-version = \"{rv}\"\n")
            };
            std::fs::write(
                d.join("Cargo.toml"),
                format!(
                    "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n{rv}\n[dependencies]\nserde = \"1\"\n"
                ),
            )
            .unwrap();
        }
        let out = Cargo::new(std::env::var_os("CARGO"), &std::env::temp_dir())
            .command()
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .arg("--manifest-path")
            .arg(root.join("Cargo.toml"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = std::str::from_utf8(&out.stdout).unwrap();
        let mut ours = parse_metadata(json).unwrap();
        let mut theirs = cargo_metadata::MetadataCommand::parse(json).unwrap();
        // A package that is not a member must be left out.
        ours.workspace_members.retain(|id| !id.contains("/c/c#"));
        theirs
            .workspace_members
            .retain(|id| !id.repr.contains("/c/c#"));
        assert_eq!(ours.workspace_root, theirs.workspace_root.as_std_path());
        let ours: Vec<(PathBuf, Option<semver::Version>)> = workspace_packages(&ours)
            .iter()
            .map(|p| {
                let rv = p.rust_version.as_deref().map(|v| rust_version(v).unwrap());
                (p.manifest_path.clone(), rv)
            })
            .collect();
        let theirs: Vec<(PathBuf, Option<semver::Version>)> = theirs
            .workspace_packages()
            .iter()
            .map(|p| {
                let rv = p.rust_version.clone();
                (p.manifest_path.clone().into_std_path_buf(), rv)
            })
            .collect();
        assert_eq!(ours, theirs);
        assert_eq!(ours.len(), 2);
        assert!(
            ours.iter()
                .any(|(_, rv)| *rv == Some(semver::Version::new(1, 70, 0)))
        );
    }

    #[test]
    fn rust_versions_as_cargo_writes_them() {
        assert_eq!(
            rust_version("1.70").unwrap(),
            semver::Version::new(1, 70, 0)
        );
        assert_eq!(
            rust_version("1.70.1").unwrap(),
            semver::Version::new(1, 70, 1)
        );
        assert_eq!(rust_version("1").unwrap(), semver::Version::new(1, 0, 0));
        assert!(rust_version("one").is_err());
    }

    #[test]
    fn speculation_reads_each_member_once_when_patterns_overlap() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/*\", \"crates/a\", \"crates/*\"]\n",
        )
        .unwrap();
        for name in ["a", "b"] {
            let d = root.join("crates").join(name);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(
                d.join("Cargo.toml"),
                format!("[package]\nname = \"{name}\"\n[dependencies]\nserde = \"1\"\n"),
            )
            .unwrap();
        }
        let guess = Speculation::new(&root.join("Cargo.toml"));
        assert_eq!(guess.root, root);
        let mut read: Vec<String> = guess
            .manifests
            .iter()
            .map(|(p, m)| {
                let m = m.as_ref().unwrap();
                assert_eq!(m.path, *p);
                m.rel.clone()
            })
            .collect();
        read.sort();
        assert_eq!(
            read,
            ["Cargo.toml", "crates/a/Cargo.toml", "crates/b/Cargo.toml"]
        );
    }
}
