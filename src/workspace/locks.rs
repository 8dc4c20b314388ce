//! Which Cargo.lock entry a dependency resolves to: the one place that
//! knows, for registry and git dependencies, for `check`, `fix`,
//! `outdated` and `upgrade` alike.

use std::collections::HashMap;

use semver::VersionReq;

use super::Workspace;
use super::lockfile::{Package, Source};
use super::manifest::{DepSource, Dependency, GitDep, GitRef, Manifest, TableKind};
use super::requirement;

/// Resolves dependencies of one workspace to its lockfile's packages.
pub struct Locks<'a> {
    ws: &'a Workspace,
    /// Names members inherit with `name.workspace = true`, each with the
    /// first member (by package name) that inherits it.
    inherited: HashMap<&'a str, Option<&'a str>>,
}

impl<'a> Locks<'a> {
    pub fn new(ws: &'a Workspace) -> Locks<'a> {
        let mut inherited = HashMap::new();
        for m in &ws.manifests {
            for d in &m.deps {
                if matches!(d.source, DepSource::Inherited) {
                    inherited
                        .entry(d.name.as_str())
                        .or_insert(m.package.as_deref());
                }
            }
        }
        Locks { ws, inherited }
    }

    /// Whether some member inherits the `[workspace.dependencies]` entry
    /// `name` (one nobody inherits is never resolved).
    pub fn is_inherited(&self, name: &str) -> bool {
        self.inherited.contains_key(name)
    }

    /// The locked package `dep` (written in `m`) resolves to: registry or
    /// git; `None` for path and inherited entries, an unreadable
    /// requirement, or no match.
    pub fn of(&self, m: &Manifest, dep: &Dependency) -> Option<&'a Package> {
        match &dep.source {
            DepSource::Registry { .. } => {
                let req = requirement::classify(dep.requirement_or_star()).ok()?;
                self.registry(m, dep, &req.req)
            }
            DepSource::Git(git) => self.git(&dep.package, git),
            DepSource::Path | DepSource::Inherited => None,
        }
    }

    /// The locked registry package a requirement `req` written in `m`
    /// resolves to: for a `[workspace.dependencies]` entry, as seen by a
    /// member that inherits it; `registry = "..."` dependencies prefer
    /// their registry's packages.
    pub fn registry(
        &self,
        m: &Manifest,
        dep: &Dependency,
        req: &VersionReq,
    ) -> Option<&'a Package> {
        let lock = self.ws.lockfile.as_ref()?;
        let member = if dep.kind == TableKind::Workspace {
            self.inherited.get(dep.name.as_str()).copied().flatten()
        } else {
            m.package.as_deref()
        };
        let alternative = match &dep.source {
            DepSource::Registry { registry, .. } => Some(registry.is_some()),
            _ => None,
        };
        lock.resolve_registry(&dep.package, req, member, alternative)
    }

    /// The locked package a git dependency resolved to: the one from the
    /// same repository with the same reference, else the only one from
    /// that repository.
    pub fn git(&self, package: &str, git: &GitDep) -> Option<&'a Package> {
        let lock = self.ws.lockfile.as_ref()?;
        let want = canonical_git_url(&git.url);
        let wanted_ref = match &git.reference {
            GitRef::Branch(b) => Some(("branch", b.value.as_str())),
            GitRef::Tag(t) => Some(("tag", t.value.as_str())),
            GitRef::Rev(r) => Some(("rev", r.value.as_str())),
            GitRef::DefaultBranch => None,
        };
        let candidates: Vec<&Package> = lock
            .named(package)
            .filter(|p| matches!(&p.source, Source::Git(g) if canonical_git_url(&g.url) == want))
            .collect();
        candidates
            .iter()
            .copied()
            .find(|p| match &p.source {
                Source::Git(g) => {
                    g.reference.as_ref().map(|(k, v)| (k.as_str(), v.as_str())) == wanted_ref
                }
                _ => false,
            })
            .or_else(|| (candidates.len() == 1).then(|| candidates[0]))
    }
}

/// Normalises a git URL the way cargo compares them.
pub(super) fn canonical_git_url(url: &str) -> String {
    let mut u = url.trim_end_matches('/').to_ascii_lowercase();
    if let Some(s) = u.strip_suffix(".git") {
        u = s.to_string();
    }
    u
}
