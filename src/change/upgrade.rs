//! `cargo pin upgrade [CRATE…]`: move pins to the newest release a
//! reviewer vetted that is also not yanked, old enough for the cooldown and
//! within the workspace's `rust-version` — never to an unvetted release —
//! then bring Cargo.lock along through cargo
//! (`cargo update -p CRATE@OLD --precise NEW`).
//!
//! A move never crosses the semver-compatibility boundary (`0.4.x` →
//! `1.0.0`, `1.x` → `2.0.0`, as cargo's `^` draws it) unless asked to
//! (`--breaking`, as `cargo update --breaking`); a newer vetted release
//! beyond it is listed as held back, marked `breaking`.
//!
//! Manifests are rewritten with the same byte-exact edits as `fix`
//! ([`crate::change::edit`]): every edit is planned and checked first, then all
//! files are written or none; should cargo then fail to update the lock,
//! every file is put back as it was.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use jiff::Timestamp;
use semver::Version;
use serde::Serialize;

use crate::audit::outdated::requirements;
use crate::audit::policy::Policy;
use crate::audit::release::{Criteria, Status};
use crate::change::relock::{self, LockMove};
use crate::change::verify::Expect;
use crate::change::{ChangeSet, ManifestEdits, Rewrite, edit};
use crate::registry::Progress;
use crate::registry::sources::Sources;
use crate::workspace::manifest::DepSource;
use crate::workspace::requirement;
use crate::workspace::{Cargo, DepAt, Workspace};

/// One locked version moved, and the requirements that move with it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Move {
    pub package: String,
    pub from: String,
    pub to: String,
    pub requirements: Vec<Rewrite>,
    /// Newer releases it did not move to, and why.
    pub held_back: Vec<Held>,
    /// The move crosses the semver-compatibility boundary (`--breaking`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub breaking: bool,
}

/// A newer release left alone.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Held {
    pub version: String,
    pub status: Status,
    /// Beyond the semver-compatibility boundary of the locked version:
    /// only `--breaking` moves to it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub breaking: bool,
    /// Its registry gives no publish time.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub age_unknown: bool,
}

/// A locked version that stays, and what holds back every newer release.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Stay {
    pub package: String,
    pub locked: String,
    pub held_back: Vec<Held>,
}

/// Everything `upgrade` would do.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub moves: Vec<Move>,
    pub stays: Vec<Stay>,
    pub changes: ChangeSet,
}

impl Plan {
    /// The lock moves cargo is to make.
    pub(crate) fn lock_moves(&self) -> Vec<LockMove> {
        self.moves
            .iter()
            .map(|m| LockMove::new(&m.package, &m.from, &m.to))
            .collect()
    }
}

/// What to upgrade, and how far.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options<'a> {
    /// Only these dependencies (key or crate name); all when empty.
    pub crates: &'a [String],
    /// Cross the semver-compatibility boundary too.
    pub breaking: bool,
}

/// Requirements grouped by the locked version they share.
type Groups = BTreeMap<(String, Version), Vec<DepAt>>;

/// Plans the upgrade of `opts.crates` (every registry dependency when empty).
/// Fetches from the registry; writes nothing.
pub(crate) fn plan(
    ws: &Workspace,
    policy: &Policy,
    sources: &mut Sources,
    opts: &Options<'_>,
    now: Timestamp,
    offline: bool,
    progress: Arc<dyn Progress>,
) -> Result<Plan> {
    let Options { crates, breaking } = *opts;
    if ws.lockfile.is_none() {
        bail!(
            "{} has no Cargo.lock, so nothing is locked to upgrade from; run `cargo generate-lockfile` first",
            ws.root.display()
        );
    }
    for c in crates {
        if !requirements(ws).any(|(_, _, d)| d.name == *c || d.package == *c) {
            bail!("no registry dependency named `{c}` in the workspace");
        }
    }
    // Read now, before the registry is asked: cargo relocks from this text,
    // so a change to it by the time we write stops the write.
    let lock_path = ws.root.join("Cargo.lock");
    let lock_text = std::fs::read_to_string(&lock_path)
        .map_err(|e| anyhow!("cannot read {}: {e}", lock_path.display()))?;
    let locks = ws.locks();
    let mut groups: Groups = BTreeMap::new();
    let mut registries = BTreeMap::new();
    for (at, m, dep) in requirements(ws) {
        if !crates.is_empty() && !crates.iter().any(|c| *c == dep.name || *c == dep.package) {
            continue;
        }
        let DepSource::Registry {
            requirement,
            registry,
            ..
        } = &dep.source
        else {
            continue;
        };
        let written = requirement.as_deref().unwrap_or("*");
        let Ok(req) = requirement::classify(written) else {
            continue;
        };
        // A requirement nothing is locked for (an unused workspace entry)
        // has no lock entry to move.
        let Some(locked) = locks.registry(m, dep, &req.req) else {
            continue;
        };
        registries
            .entry(dep.package.clone())
            .or_insert(sources.for_dependency(registry.as_deref())?);
        groups
            .entry((dep.package.clone(), locked.version.clone()))
            .or_default()
            .push(at);
    }
    let wanted: Vec<_> = registries
        .iter()
        .map(|(k, r)| (r.clone(), k.clone()))
        .collect();
    let index = sources.fetch(&wanted, offline, progress)?;

    let mut plan = Plan::default();
    let mut edits = ManifestEdits::default();
    for ((package, locked), deps) in &groups {
        let Some(reg) = registries.get(package) else {
            continue;
        };
        let criteria = Criteria::new(ws, policy, reg, now);
        let releases: Vec<_> = index
            .releases(reg, package)
            .unwrap_or(&[])
            .iter()
            .filter(|r| r.version > *locked)
            .collect();
        let newer: Vec<(&Version, Status)> = releases
            .iter()
            .map(|r| (&r.version, criteria.status(package, r)))
            .collect();
        let unknown_age = |v: &Version| {
            releases
                .iter()
                .any(|r| r.version == *v && r.pubtime.is_none())
        };
        let target = newer
            .iter()
            .rev()
            .find(|(v, s)| *s == Status::Vetted && (breaking || requirement::compatible(locked, v)))
            .map(|(v, _)| (*v).clone());
        let held = |above: Option<&Version>| -> Vec<Held> {
            newer
                .iter()
                .filter(|(v, s)| {
                    above.is_none_or(|a| *v > a)
                        && !matches!(s, Status::Yanked | Status::Prerelease)
                })
                .map(|(v, s)| Held {
                    version: v.to_string(),
                    status: *s,
                    breaking: !requirement::compatible(locked, v),
                    age_unknown: unknown_age(v),
                })
                .collect()
        };
        let Some(target) = target else {
            plan.stays.push(Stay {
                package: package.clone(),
                locked: locked.to_string(),
                held_back: held(None),
            });
            continue;
        };
        let to = requirement::exact(&target);
        let mut rewrites = Vec::new();
        for at in deps {
            let (m, dep) = ws.dep(*at);
            let text_edits = edit::set_requirement(m, dep, &to).map_err(|reason| {
                anyhow!(
                    "{}:{}: cannot rewrite `{}`: {reason}",
                    m.rel,
                    dep.line,
                    dep.name
                )
            })?;
            edits.add(*at, text_edits, Expect::Requirement(to.clone()));
            rewrites.push(Rewrite {
                manifest: m.rel.clone(),
                line: dep.line,
                table: dep.table.clone(),
                name: dep.name.clone(),
                rule: None,
                from: dep.requirement_or_star().to_string(),
                to: to.clone(),
            });
        }
        plan.moves.push(Move {
            package: package.clone(),
            from: locked.to_string(),
            to: target.to_string(),
            requirements: rewrites,
            held_back: held(Some(&target)),
            breaking: !requirement::compatible(locked, &target),
        });
    }

    plan.changes = edits.apply(ws)?;
    plan.changes.read.push((lock_path, lock_text));
    Ok(plan)
}

/// Writes the manifests, then has cargo move each lock entry, then writes
/// `report` (made ready before anything changes). When cargo fails or is
/// interrupted, every file (manifests and Cargo.lock) is restored.
pub(crate) fn apply(
    ws: &Workspace,
    cargo: &Cargo,
    plan: &Plan,
    offline: bool,
    report: Option<(&Path, &str)>,
) -> Result<()> {
    let lock_path = ws.root.join("Cargo.lock");
    if plan.moves.is_empty() {
        return match report {
            Some((path, text)) => {
                plan.changes
                    .check_report(path, std::slice::from_ref(&lock_path))?;
                crate::change::write_report(path, text)
            }
            None => Ok(()),
        };
    }
    plan.changes
        .write_then(std::slice::from_ref(&lock_path), report, || {
            relock::precise(ws, cargo, &plan.lock_moves(), offline, &lock_path)
        })
}
