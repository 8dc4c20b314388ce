//! `cargo pin rollback CRATE… [--to VERSION]`: move every locked version of
//! a crate that is denied or yanked (or the one `--to` replaces) back to the
//! newest lower release that is acceptable, with the manifests' pins and
//! Cargo.lock following, all or nothing.
//!
//! Acceptable: not denied, not yanked, not a prerelease, within the
//! workspace's `rust-version`, and vetted when pin.toml requires vetting.
//! The cooldown does not apply: the release left behind is newer than the
//! one gone back to, so age protects nothing there.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Result, bail};
use semver::Version;
use serde::Serialize;

use crate::audit::policy::Policy;
use crate::audit::release::{Criteria, Status};
use crate::change::relock::{self, LockChange, LockMove};
use crate::change::verify::Expect;
use crate::change::{ChangeSet, ManifestEdits, Rewrite, edit};
use crate::registry::config::Registry;
use crate::registry::sources::Sources;
use crate::registry::{Progress, Release};
use crate::workspace::lockfile::{Lockfile, Source};
use crate::workspace::manifest::DepSource;
use crate::workspace::requirement;
use crate::workspace::{Cargo, Workspace};

/// One locked version moved back. Field names are the JSON contract.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Back {
    pub(crate) package: String,
    pub(crate) from: String,
    pub(crate) to: String,
    /// Why `from` goes: denied (with pin.toml's reason), yanked, or `--to`.
    pub(crate) reason: String,
    /// The manifest requirements that move with it.
    pub(crate) requirements: Vec<Rewrite>,
    /// `to` is younger than the cooldown (which does not apply going back).
    pub(crate) younger_than_cooldown: bool,
}

/// Everything `rollback` would do.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub(crate) moves: Vec<Back>,
    pub(crate) changes: ChangeSet,
    /// After it ran: every package whose locked versions changed.
    pub(crate) lock_changes: Vec<LockChange>,
}

impl Plan {
    pub(crate) fn lock_moves(&self) -> Vec<LockMove> {
        self.moves
            .iter()
            .map(|m| LockMove::new(&m.package, &m.from, &m.to))
            .collect()
    }
}

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    pub(crate) crates: Vec<String>,
    /// `--to VERSION`: the target, named explicitly.
    pub(crate) to: Option<Version>,
    pub(crate) offline: bool,
}

/// Plans the rollback: fetches the named crates' releases (the cache does
/// with `--offline`); writes nothing.
pub(crate) fn plan(
    ws: &Workspace,
    policy: &Policy,
    sources: &mut Sources,
    req: &Request,
    now: jiff::Timestamp,
    progress: Arc<dyn Progress>,
) -> Result<Plan> {
    let Some(lock) = ws.lockfile.as_ref() else {
        bail!(
            "{} has no Cargo.lock, so nothing is locked to roll back; run `cargo generate-lockfile` first",
            ws.root.display()
        );
    };
    if req.to.is_some() && req.crates.len() != 1 {
        bail!("--to names one release: name exactly one crate with it");
    }
    // Each named crate's locked registry versions, and its registry.
    let mut locked: BTreeMap<&str, (Registry, Vec<&Version>)> = BTreeMap::new();
    for name in &req.crates {
        let mut found: Option<(Registry, Vec<&Version>)> = None;
        for p in lock.named(name) {
            if let Source::Registry(s) = &p.source {
                let reg = sources.for_lock_source(s)?;
                found
                    .get_or_insert_with(|| (reg, Vec::new()))
                    .1
                    .push(&p.version);
            }
        }
        match found {
            Some(f) => {
                locked.insert(name.as_str(), f);
            }
            None => bail!("`{name}` is not locked from a registry in Cargo.lock"),
        }
    }
    let wanted: Vec<_> = locked
        .iter()
        .map(|(k, (r, _))| (r.clone(), k.to_string()))
        .collect();
    let index = sources.fetch(&wanted, req.offline, progress)?;

    let mut plan = Plan::default();
    for (name, (reg, versions)) in &locked {
        let releases = index.releases(reg, name).unwrap_or(&[]);
        let criteria = Criteria::new(ws, policy, reg, now);
        for (from, reason) in leaving(name, versions, releases, policy, req.to.as_ref())? {
            let to = target(name, from, releases, &criteria, req.to.as_ref())?;
            plan.moves.push(Back {
                package: name.to_string(),
                from: from.to_string(),
                to: to.version.to_string(),
                reason,
                requirements: Vec::new(),
                younger_than_cooldown: criteria.too_new(to),
            });
        }
    }
    plan_manifests(ws, &mut plan)?;
    // cargo relocks Cargo.lock: it too must hold what was read when the
    // write begins.
    let lock_path = ws.root.join("Cargo.lock");
    let lock_text = std::fs::read_to_string(&lock_path)
        .map_err(|e| anyhow::anyhow!("cannot read Cargo.lock: {e}"))?;
    plan.changes.read.push((lock_path, lock_text));
    Ok(plan)
}

/// The locked versions of `name` that go, with why.
fn leaving<'v>(
    name: &str,
    versions: &[&'v Version],
    releases: &[Release],
    policy: &Policy,
    to: Option<&Version>,
) -> Result<Vec<(&'v Version, String)>> {
    if let Some(to) = to {
        // The locked version `--to` replaces: the one in its semver series.
        let same: Vec<&&Version> = versions
            .iter()
            .filter(|v| requirement::compatible(v, to))
            .collect();
        return match same.as_slice() {
            [one] if **one == to => bail!("`{name} {to}` is locked already"),
            [one] => Ok(vec![(**one, format!("--to {to}"))]),
            [] => bail!(
                "no locked version of `{name}` ({}) is semver-compatible with {to}",
                join(versions)
            ),
            _ => bail!(
                "several locked versions of `{name}` match {to}: {}",
                join(versions)
            ),
        };
    }
    let mut out = Vec::new();
    for v in versions {
        if let Some(d) = policy.denied(name, v) {
            let file = policy
                .path
                .as_deref()
                .unwrap_or(crate::audit::policy::FILE_NAME);
            out.push((*v, format!("denied in {file}:{}: {}", d.line, d.reason)));
        } else if releases.iter().any(|r| r.version == **v && r.yanked) {
            out.push((*v, "yanked".to_string()));
        }
    }
    if out.is_empty() {
        bail!(
            "nothing to roll back: `{name}` {} is neither denied in pin.toml nor yanked; name a release with --to",
            join(versions)
        );
    }
    Ok(out)
}

/// The release `from` goes back to: `to` when named (it must be
/// acceptable), else the newest lower acceptable release of the same
/// semver series. When there is none, the error names every candidate and
/// why it was refused.
fn target<'r>(
    name: &str,
    from: &Version,
    releases: &'r [Release],
    criteria: &Criteria<'_>,
    to: Option<&Version>,
) -> Result<&'r Release> {
    let refusal = |r: &Release| -> Option<String> {
        match criteria.status(name, r) {
            Status::Denied | Status::Yanked | Status::Prerelease | Status::IncompatibleRust => {
                Some(criteria.status(name, r).to_string())
            }
            Status::Unvetted if criteria.policy.require_vetted => Some("unvetted".into()),
            // Going back, a release's age is no reason to refuse it.
            Status::TooNew | Status::Vetted | Status::Unvetted => None,
        }
    };
    if let Some(to) = to {
        let Some(r) = releases.iter().find(|r| r.version == *to) else {
            bail!("the registry has no release {to} of `{name}`");
        };
        if let Some(why) = refusal(r) {
            bail!("--to {to}: `{name} {to}` is {why}");
        }
        return Ok(r);
    }
    let mut tried = Vec::new();
    for r in releases.iter().rev() {
        if r.version >= *from || !requirement::compatible(&r.version, from) {
            continue;
        }
        match refusal(r) {
            None => return Ok(r),
            Some(why) => tried.push(format!("{} {why}", r.version)),
        }
    }
    if tried.is_empty() {
        bail!(
            "no release of `{name}` is lower than {from} and semver-compatible with it; name one with --to"
        );
    }
    bail!(
        "no acceptable release of `{name}` below {from}: {}; name one with --to",
        tried.join(", ")
    )
}

/// The manifest requirements that resolve to a version that goes and no
/// longer accept its target: pinned to the target (`=OLD` → `=NEW`).
fn plan_manifests(ws: &Workspace, plan: &mut Plan) -> Result<()> {
    let locks = ws.locks();
    let mut edits = ManifestEdits::default();
    for back in &mut plan.moves {
        let to = Version::parse(&back.to)?;
        let pin = requirement::exact(&to);
        for (at, m, dep) in ws.deps() {
            if dep.package != back.package || !matches!(dep.source, DepSource::Registry { .. }) {
                continue;
            }
            let Some(p) = locks.of(m, dep) else { continue };
            if p.version.to_string() != back.from {
                continue;
            }
            let written = dep.requirement_or_star();
            if requirement::classify(written).is_ok_and(|r| r.req.matches(&to)) {
                continue;
            }
            let text_edits = edit::set_requirement(m, dep, &pin).map_err(|reason| {
                anyhow::anyhow!(
                    "{}:{}: cannot rewrite `{}`: {reason}",
                    m.rel,
                    dep.line,
                    dep.name
                )
            })?;
            edits.add(at, text_edits, Expect::Requirement(pin.clone()));
            back.requirements.push(Rewrite {
                manifest: m.rel.clone(),
                line: dep.line,
                table: dep.table.clone(),
                name: dep.name.clone(),
                rule: None,
                from: written.to_string(),
                to: pin.clone(),
            });
        }
    }
    plan.changes = edits.apply(ws)?;
    Ok(())
}

/// Writes the manifests, has cargo move each lock entry back, and records
/// what moved in Cargo.lock; when any step fails, every file is restored.
pub(crate) fn apply(ws: &Workspace, cargo: &Cargo, plan: &mut Plan, offline: bool) -> Result<()> {
    let lock_path = ws.root.join("Cargo.lock");
    let before = Lockfile::read(&lock_path)?;
    let moves = plan.lock_moves();
    plan.changes
        .write_then(std::slice::from_ref(&lock_path), None, || {
            relock::precise(ws, cargo, &moves, offline, &lock_path)?;
            let after = Lockfile::read(&lock_path)?;
            for m in &moves {
                if after
                    .named(&m.package)
                    .any(|p| p.version.to_string() == m.from)
                {
                    bail!("cargo kept `{} {}` locked", m.package, m.from);
                }
            }
            Ok(())
        })?;
    plan.lock_changes = relock::lock_changes(&before, &Lockfile::read(&lock_path)?);
    Ok(())
}

fn join(versions: &[&Version]) -> String {
    versions
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
