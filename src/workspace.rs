//! Finding and reading a workspace: its members (through
//! `cargo metadata --no-deps`), their manifests, the lockfile and the
//! toolchain file.
//!
//! `--no-deps` is what lets this work offline, without fetching git
//! dependencies, and on workspaces whose lockfile is missing or stale.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};

use crate::lockfile::Lockfile;
use crate::manifest::{self, DepSource, Manifest};
use crate::toolchain::{self, Toolchain};

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

/// The cargo to run: `$CARGO` when cargo started us, else `cargo` on PATH.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    if std::env::var_os("CARGO").is_none() {
        // rustup's proxy picks the toolchain from the current directory; a
        // workspace's toolchain file may name one that is not installed, so
        // run it from a neutral place (the manifest path is absolute).
        cmd.current_dir(std::env::temp_dir());
    }
    cmd
}

/// Resolves `--manifest-path` the way cargo does, to an absolute path.
pub fn manifest_path(explicit: Option<&Path>) -> Result<PathBuf> {
    match explicit {
        Some(p) => {
            let abs = std::path::absolute(p)
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
        None => {
            let cwd = std::env::current_dir().context("cannot read the current directory")?;
            cwd.ancestors()
                .map(|d| d.join("Cargo.toml"))
                .find(|p| p.is_file())
                .ok_or_else(|| {
                    anyhow!(
                        "could not find `Cargo.toml` in `{}` or any parent directory",
                        cwd.display()
                    )
                })
        }
    }
}

/// Asks cargo for the workspace root and the members' manifest paths.
fn metadata(manifest: &Path) -> Result<cargo_metadata::Metadata> {
    let out = cargo()
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
    cargo_metadata::MetadataCommand::parse(json).context("cannot read `cargo metadata` output")
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
    pub fn load(explicit: Option<&Path>) -> Result<Workspace> {
        let manifest = manifest_path(explicit)?;
        let meta = match metadata(&manifest) {
            Ok(m) => m,
            // cargo's message names paths relative to wherever it ran; find
            // the culprit ourselves when we can, for a `file:line` message.
            Err(e) => return Err(diagnose(&manifest).unwrap_or(e)),
        };
        let root: PathBuf = meta.workspace_root.clone().into_std_path_buf();

        let mut paths: Vec<PathBuf> = vec![root.join("Cargo.toml")];
        let mut member_paths: Vec<PathBuf> = meta
            .workspace_packages()
            .iter()
            .map(|p| p.manifest_path.clone().into_std_path_buf())
            .filter(|p| *p != paths[0])
            .collect();
        member_paths.sort_by_key(|p| relative(&root, p));
        member_paths.dedup();
        paths.extend(member_paths);

        let manifests = read_manifests(&root, &paths)?;
        check_member_globs(&root, &manifests[0])?;
        let lock_path = root.join("Cargo.lock");
        let lockfile = match std::fs::read_to_string(&lock_path) {
            Ok(text) => Some(Lockfile::parse(&text).map_err(|e| anyhow!("Cargo.lock:{e:#}"))?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).context("cannot read Cargo.lock"),
        };
        let toolchain = toolchain::read(&root)?;
        let rust_version = meta
            .workspace_packages()
            .iter()
            .filter_map(|p| p.rust_version.clone())
            .min();
        Ok(Workspace {
            root,
            manifests,
            lockfile,
            toolchain,
            rust_version,
        })
    }

    /// Names that members inherit with `name.workspace = true`.
    pub fn inherited_names(&self) -> std::collections::HashSet<&str> {
        self.manifests
            .iter()
            .flat_map(|m| &m.deps)
            .filter(|d| matches!(d.source, DepSource::Inherited))
            .map(|d| d.name.as_str())
            .collect()
    }
}

/// `workspace.members` globs that match no package are errors: cargo
/// accepts them silently, and a typo there drops members from the audit.
fn check_member_globs(root: &Path, root_manifest: &Manifest) -> Result<()> {
    for (pattern, line) in member_patterns(root_manifest) {
        if !pattern.contains(['*', '?', '[']) {
            continue;
        }
        let full = root.join(&pattern);
        let matches = glob::glob(&full.to_string_lossy())
            .map_err(|e| {
                anyhow!(
                    "{}:{line}: workspace.members: bad pattern `{pattern}`: {e}",
                    root_manifest.rel
                )
            })?
            .filter_map(Result::ok)
            .any(|p| p.join("Cargo.toml").is_file());
        if !matches {
            bail!(
                "{}:{line}: workspace.members entry `{pattern}` matches no package",
                root_manifest.rel
            );
        }
    }
    Ok(())
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
    // The workspace root: the manifest itself, or the nearest ancestor
    // with a `[workspace]` table.
    let mut root_manifest = manifest.to_path_buf();
    for dir in manifest.parent()?.ancestors() {
        let candidate = dir.join("Cargo.toml");
        if std::fs::read_to_string(&candidate).is_ok_and(|t| t.contains("[workspace")) {
            root_manifest = candidate;
            break;
        }
    }
    let root = root_manifest.parent()?.to_path_buf();
    let read = |path: &Path| -> Result<Manifest> {
        let rel = relative(&root, path);
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {rel}"))?;
        let m = manifest::parse(path.to_path_buf(), rel, text)?;
        for d in &m.deps {
            if let DepSource::Registry {
                requirement: Some(r),
                ..
            } = &d.source
                && let Err(e) = crate::requirement::classify(r)
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
        let full = root.join(&pattern);
        let Ok(paths) = glob::glob(&full.to_string_lossy()) else {
            continue;
        };
        let mut any = false;
        for dir in paths.filter_map(Result::ok) {
            let path = dir.join("Cargo.toml");
            if !path.is_file() {
                continue;
            }
            any = true;
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

/// Reads and parses every manifest; on two cores, in two threads.
fn read_manifests(root: &Path, paths: &[PathBuf]) -> Result<Vec<Manifest>> {
    let read_one = |path: &PathBuf| -> Result<Manifest> {
        let rel = relative(root, path);
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {rel}"))?;
        manifest::parse(path.clone(), rel, text)
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if paths.len() < 16 || threads < 2 {
        return paths.iter().map(read_one).collect();
    }
    let chunk = paths.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(read_one).collect::<Result<Vec<_>>>()))
            .collect();
        let mut all = Vec::with_capacity(paths.len());
        for h in handles {
            let part = h
                .join()
                .map_err(|_| anyhow!("internal error: a manifest reader panicked"))??;
            all.extend(part);
        }
        Ok(all)
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
}
