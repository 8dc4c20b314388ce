//! Reading the workspace's files: members' manifests (in parallel, and
//! speculatively while `cargo metadata` runs), the lockfile, the member
//! globs cargo accepts silently, and a precise diagnosis when cargo fails.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use super::lockfile::Lockfile;
use super::manifest::{self, DepSource, Manifest};
use super::relative;
use super::toolchain::{self, Toolchain};

/// `workspace.members` globs that match no package are errors: cargo
/// accepts them silently, and a typo there drops members from the audit.
pub(super) fn check_member_globs(root: &Path, root_manifest: &Manifest) -> Result<()> {
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

/// After `cargo metadata` failed with `cargo_error`: the error to report.
/// When cargo named a manifest (`named`), that one, with our own precise
/// reading of it when we find the fault (`app/Cargo.toml:38: ...`), else
/// cargo's message under its name; otherwise the first precise error among
/// the manifests we can find, else cargo's message.
pub(super) fn diagnose(
    manifest: &Path,
    named: Option<&Path>,
    cargo_error: anyhow::Error,
) -> anyhow::Error {
    let Some(root) = guess_root(manifest) else {
        return cargo_error;
    };
    // A manifest that is not there (a member glob matching nothing) is
    // better told by the entry that names it.
    if let Some(named) = named.filter(|p| p.is_file()) {
        return match check_manifest(&root, named) {
            Err(e) => e,
            Ok(_) => {
                let rel = relative(&root, named);
                let said = cargo_error
                    .downcast_ref::<super::cargo::Failed>()
                    .map_or_else(|| format!("{cargo_error:#}"), |f| f.message.clone());
                let said = said.strip_prefix("error: ").unwrap_or(&said);
                anyhow!("{rel}: cargo cannot read this manifest (`cargo metadata` failed):\n{said}")
            }
        };
    }
    first_fault(&root, manifest)
        .or_else(|| named.and_then(|p| check_manifest(&root, p).err()))
        .unwrap_or(cargo_error)
}

/// Reads a manifest as cargo would have to: TOML, and every requirement.
fn check_manifest(root: &Path, path: &Path) -> Result<Manifest> {
    let m = read_manifest(root, path)?;
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
}

/// The first precise error among the root manifest, `manifest` and the
/// members the root's patterns name.
fn first_fault(root: &Path, manifest: &Path) -> Option<anyhow::Error> {
    let root_manifest = root.join("Cargo.toml");
    let read = |path: &Path| check_manifest(root, path);
    let rootm = match read(&root_manifest) {
        Ok(m) => m,
        Err(e) => return Some(e),
    };
    if let Err(e) = read(manifest) {
        return Some(e);
    }
    for (pattern, line) in member_patterns(&rootm) {
        let Ok(paths) = member_manifests(root, &pattern) else {
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

pub(super) fn read_lockfile(root: &Path) -> Result<Option<Lockfile>> {
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
pub(super) struct Speculation {
    pub(super) root: PathBuf,
    pub(super) manifests: std::collections::HashMap<PathBuf, Result<Manifest>>,
    pub(super) lockfile: Option<Result<Option<Lockfile>>>,
    pub(super) toolchain: Option<Result<Toolchain>>,
}

impl Speculation {
    pub(super) fn new(manifest: &Path) -> Speculation {
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
pub(super) fn read_manifests(root: &Path, paths: &[PathBuf]) -> Vec<Result<Manifest>> {
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
