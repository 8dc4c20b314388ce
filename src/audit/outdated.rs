//! `cargo pin outdated`: for every registry requirement as written, the
//! locked version, the latest release, and every newer release with what
//! holds it back (yanked, prerelease, too new, Rust too old, unvetted).

use std::sync::Arc;

use anyhow::Result;
use jiff::Timestamp;
use serde::Serialize;

use crate::audit::policy::Policy;
use crate::audit::release::{self, Criteria, Status};
use crate::registry::config::Registry;
use crate::registry::sources::Sources;
use crate::registry::{Index, Progress};
use crate::workspace::manifest::{DepSource, Dependency, Manifest, TableKind};
use crate::workspace::{DepAt, Workspace};

/// One registry requirement and the releases newer than its locked one.
/// Field names are the JSON contract.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Entry {
    pub manifest: String,
    pub line: usize,
    pub table: String,
    pub name: String,
    pub package: String,
    pub requirement: String,
    /// The registry as the workspace names it: `crates-io` (also when a
    /// mirror replaces it), a `[registries]` name, or an index URL.
    pub registry: String,
    /// Whether the crate is a crates.io crate (so crates.io, docs.rs and
    /// diff.rs know it), even when a mirror serves the index.
    #[serde(skip)]
    pub crates_io: bool,
    /// The locked version the requirement resolves to.
    pub locked: Option<String>,
    /// The newest release neither yanked nor a prerelease (semver order).
    pub latest: Option<String>,
    /// Every release newer than `locked` (semver order, lowest first);
    /// empty when nothing is locked.
    pub releases: Vec<ReleaseEntry>,
}

/// One release newer than the locked one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct ReleaseEntry {
    pub version: String,
    /// RFC 3339, or null when the registry does not say.
    pub published: Option<String>,
    pub yanked: bool,
    pub status: Status,
    /// With status `vetted`: where the vetting comes from (`pin.toml`,
    /// `cargo-vet: own audits`, `cargo-vet: <import>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vetted_by: Option<String>,
}

impl Entry {
    /// The newest release newer than `locked` that is vetted.
    pub(crate) fn newest_vetted(&self) -> Option<&ReleaseEntry> {
        self.releases
            .iter()
            .rev()
            .find(|r| r.status == Status::Vetted)
    }
}

/// The requirements `outdated` reports: every registry dependency as
/// written (exact pins included), not inherited, path, git or `[patch]`.
pub(crate) fn requirements(
    ws: &Workspace,
) -> impl Iterator<Item = (DepAt, &Manifest, &Dependency)> {
    ws.deps().filter(|(_, _, d)| {
        matches!(d.source, DepSource::Registry { .. }) && d.kind != TableKind::Patch
    })
}

fn registry_name(dep: &Dependency) -> Option<&str> {
    match &dep.source {
        DepSource::Registry { registry, .. } => registry.as_deref(),
        _ => None,
    }
}

/// Fetches what `outdated` needs and builds its entries.
pub(crate) fn run(
    ws: &Workspace,
    policy: &Policy,
    sources: &mut Sources,
    now: Timestamp,
    offline: bool,
    progress: Arc<dyn Progress>,
) -> Result<Vec<Entry>> {
    let mut wanted = Vec::new();
    let mut regs = Vec::new();
    for (_, _, dep) in requirements(ws) {
        let reg = sources.for_dependency(registry_name(dep))?;
        wanted.push((reg.clone(), dep.package.clone()));
        regs.push(reg);
    }
    let index = sources.fetch(&wanted, offline, progress)?;
    Ok(entries(ws, policy, &regs, &index, now))
}

/// Builds the entries from fetched data; `regs` holds each requirement's
/// registry, in [`requirements`] order.
pub(crate) fn entries(
    ws: &Workspace,
    policy: &Policy,
    regs: &[Registry],
    index: &Index,
    now: Timestamp,
) -> Vec<Entry> {
    let locks = ws.locks();
    let mut out = Vec::new();
    for ((_, m, dep), reg) in requirements(ws).zip(regs) {
        let requirement = dep.requirement_or_star().to_string();
        let locked = locks.of(m, dep).map(|p| p.version.clone());
        let all = index.releases(reg, &dep.package).unwrap_or(&[]);
        let criteria = Criteria::new(ws, policy, reg, now);
        let releases = match &locked {
            None => Vec::new(),
            Some(l) => all
                .iter()
                .filter(|r| r.version > *l)
                .map(|r| ReleaseEntry {
                    version: r.version.to_string(),
                    published: r.pubtime.map(|t| t.to_string()),
                    yanked: r.yanked,
                    status: criteria.status(&dep.package, r),
                    vetted_by: (criteria.status(&dep.package, r) == Status::Vetted)
                        .then(|| policy.vetted_by(&dep.package, &r.version))
                        .flatten(),
                })
                .collect(),
        };
        out.push(Entry {
            manifest: m.rel.clone(),
            line: dep.line,
            table: dep.table.clone(),
            name: dep.name.clone(),
            package: dep.package.clone(),
            requirement,
            registry: reg.name.clone(),
            crates_io: reg.is_crates_io(),
            locked: locked.map(|v| v.to_string()),
            latest: release::latest(all).map(|r| r.version.to_string()),
            releases,
        });
    }
    out
}
