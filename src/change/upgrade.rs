//! `cargo pin upgrade [CRATE…]`: move pins to the newest release a
//! reviewer vetted that is also not yanked, old enough for the cooldown and
//! within the workspace's `rust-version` — never to an unvetted release —
//! then bring Cargo.lock along through cargo
//! (`cargo update -p CRATE@OLD --precise NEW`).
//!
//! Manifests are rewritten with the same byte-exact edits as `fix`
//! ([`crate::change::edit`]): every edit is planned and checked first, then all
//! files are written or none; should cargo then fail to update the lock,
//! every file is put back as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use jiff::Timestamp;
use semver::Version;
use serde::Serialize;

use crate::audit::outdated::requirements;
use crate::audit::policy::Policy;
use crate::audit::release::{Judge, Status};
use crate::change::edit::{self, TextEdit};
pub use crate::change::write::FileChange;
use crate::registry::Progress;
use crate::registry::sources::{self, Sources};
use crate::workspace::manifest::{DepSource, Dependency, Manifest};
use crate::workspace::requirement;
use crate::workspace::{Cargo, Workspace};

/// One requirement rewritten.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Rewrite {
    pub manifest: String,
    pub line: usize,
    pub table: String,
    pub name: String,
    pub from: String,
    pub to: String,
}

/// One locked version moved, and the requirements that move with it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Move {
    pub package: String,
    pub from: String,
    pub to: String,
    pub requirements: Vec<Rewrite>,
    /// Newer releases it did not move to, and why.
    pub held_back: Vec<Held>,
}

/// A newer release left alone.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Held {
    pub version: String,
    pub status: Status,
}

/// A locked version that stays, and what holds back every newer release.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Stay {
    pub package: String,
    pub locked: String,
    pub held_back: Vec<Held>,
}

/// Everything `upgrade` would do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub moves: Vec<Move>,
    pub stays: Vec<Stay>,
    pub files: Vec<FileChange>,
}

impl Plan {
    /// The unified diff of the manifest changes.
    pub fn diff(&self) -> String {
        crate::change::write::unified_diff(&self.files)
    }

    /// The `cargo update` arguments each move needs.
    pub fn cargo_updates(&self) -> Vec<Vec<String>> {
        self.moves
            .iter()
            .map(|m| {
                vec![
                    "update".into(),
                    "-p".into(),
                    format!("{}@{}", m.package, m.from),
                    "--precise".into(),
                    m.to.clone(),
                ]
            })
            .collect()
    }
}

/// Requirements grouped by the locked version they share.
type Groups<'a> = BTreeMap<(String, Version), Vec<(&'a Manifest, &'a Dependency)>>;

/// Plans the upgrade of `crates` (every registry dependency when empty).
/// Fetches from the registry; writes nothing.
pub fn plan(
    ws: &Workspace,
    policy: &Policy,
    sources: &mut Sources,
    crates: &[String],
    now: Timestamp,
    offline: bool,
    progress: Arc<dyn Progress>,
) -> Result<Plan> {
    if ws.lockfile.is_none() {
        bail!(
            "{} has no Cargo.lock, so nothing is locked to upgrade from; run `cargo generate-lockfile` first",
            ws.root.display()
        );
    }
    for c in crates {
        if !requirements(ws).any(|(_, d)| d.name == *c || d.package == *c) {
            bail!("no registry dependency named `{c}` in the workspace");
        }
    }
    let inherited = ws.inherited_names();
    let mut groups: Groups<'_> = BTreeMap::new();
    let mut registries = BTreeMap::new();
    for (m, dep) in requirements(ws) {
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
        let Some(locked) = ws.locked_registry(&inherited, m, dep, &req.req) else {
            continue;
        };
        registries
            .entry(dep.package.clone())
            .or_insert(sources.for_dependency(registry.as_deref())?);
        groups
            .entry((dep.package.clone(), locked.version.clone()))
            .or_default()
            .push((m, dep));
    }
    let wanted: Vec<_> = registries
        .iter()
        .map(|(k, r)| (r.clone(), k.clone()))
        .collect();
    let index = sources.fetch(&wanted, offline, progress)?;

    let mut plan = Plan::default();
    let mut by_file: BTreeMap<usize, Vec<(TextEdit, &Dependency, String)>> = BTreeMap::new();
    for ((package, locked), deps) in &groups {
        let Some(reg) = registries.get(package) else {
            continue;
        };
        let judge = Judge {
            now,
            cooldown: sources::cooldown(policy, reg),
            rust_version: ws.rust_version.as_ref(),
            policy,
        };
        let newer: Vec<(&Version, Status)> = index
            .releases(reg, package)
            .unwrap_or(&[])
            .iter()
            .filter(|r| r.version > *locked)
            .map(|r| (&r.version, judge.status(package, r)))
            .collect();
        let target = newer
            .iter()
            .rev()
            .find(|(_, s)| *s == Status::Vetted)
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
        for (m, dep) in deps {
            let idx = ws
                .manifests
                .iter()
                .position(|x| std::ptr::eq(x, *m))
                .ok_or_else(|| anyhow!("internal error: manifest not in workspace"))?;
            let from = match &dep.source {
                DepSource::Registry { requirement, .. } => {
                    requirement.clone().unwrap_or_else(|| "*".into())
                }
                _ => continue,
            };
            let edits = edit::set_requirement(m, dep, &to).map_err(|reason| {
                anyhow!(
                    "{}:{}: cannot rewrite `{}`: {reason}",
                    m.rel,
                    dep.line,
                    dep.name
                )
            })?;
            for e in edits {
                by_file.entry(idx).or_default().push((e, dep, to.clone()));
            }
            rewrites.push(Rewrite {
                manifest: m.rel.clone(),
                line: dep.line,
                table: dep.table.clone(),
                name: dep.name.clone(),
                from,
                to: to.clone(),
            });
        }
        plan.moves.push(Move {
            package: package.clone(),
            from: locked.to_string(),
            to: target.to_string(),
            requirements: rewrites,
            held_back: held(Some(&target)),
        });
    }

    for (idx, planned) in by_file {
        let m = &ws.manifests[idx];
        let edits: Vec<TextEdit> = planned.iter().map(|(e, _, _)| e.clone()).collect();
        let after = edit::apply(&m.text, &edits)?;
        let expected: Vec<(&Dependency, edit::Expect)> = planned
            .iter()
            .map(|(_, d, want)| (*d, edit::Expect::Requirement(want.clone())))
            .collect();
        edit::verify(m, &after, &expected)?;
        plan.files.push(FileChange {
            path: m.path.clone(),
            rel: m.rel.clone(),
            before: m.text.clone(),
            after,
        });
    }
    Ok(plan)
}

/// Writes the manifests, then has cargo move each lock entry. When cargo
/// fails, every file (manifests and Cargo.lock) is restored.
pub fn apply(ws: &Workspace, cargo: &Cargo, plan: &Plan, offline: bool) -> Result<()> {
    if plan.moves.is_empty() {
        return Ok(());
    }
    let lock_path = ws.root.join("Cargo.lock");
    let lock_before = std::fs::read(&lock_path)
        .map_err(|e| anyhow!("cannot read {}: {e}", lock_path.display()))?;
    crate::change::write::write_changes(&plan.files, false)?;
    // From here on, any failure puts every file back as it was.
    match relock(ws, cargo, plan, offline, &lock_path) {
        Ok(()) => Ok(()),
        Err(e) => {
            let mut back: Vec<(PathBuf, Vec<u8>)> = plan
                .files
                .iter()
                .map(|f| (f.path.clone(), f.before.clone().into_bytes()))
                .collect();
            back.push((lock_path.clone(), lock_before));
            match crate::change::write::write_all(&back) {
                Ok(()) => Err(e.context("nothing was changed")),
                Err(r) => Err(e.context(format!("and restoring the files failed too: {r:#}"))),
            }
        }
    }
}

/// Has cargo move each lock entry, and checks it locked exactly the
/// planned versions.
fn relock(
    ws: &Workspace,
    cargo: &Cargo,
    plan: &Plan,
    offline: bool,
    lock_path: &Path,
) -> Result<()> {
    for (m, args) in plan.moves.iter().zip(plan.cargo_updates()) {
        // Changed manifests make cargo re-resolve what no longer matches, so
        // an earlier update may already have moved this one.
        let now = crate::workspace::lockfile::Lockfile::read(lock_path)?;
        let has = |v: &str| now.named(&m.package).any(|p| p.version.to_string() == v);
        if has(&m.to) && !has(&m.from) {
            continue;
        }
        cargo_update(ws, cargo, &args, offline)?;
    }
    let after = crate::workspace::lockfile::Lockfile::read(lock_path)?;
    for m in &plan.moves {
        let to = Version::parse(&m.to)?;
        if !after.named(&m.package).any(|p| p.version == to) {
            bail!("cargo did not lock `{} {}`", m.package, m.to);
        }
    }
    Ok(())
}

/// Runs `$CARGO update …` in the workspace root, where cargo reads the
/// workspace's `.cargo/config.toml` (source replacement) as it always does.
fn cargo_update(ws: &Workspace, cargo: &Cargo, args: &[String], offline: bool) -> Result<()> {
    let mut cmd = cargo.command_in(&ws.root);
    cmd.args(args)
        .arg("--manifest-path")
        .arg(ws.root.join("Cargo.toml"));
    if offline {
        cmd.arg("--offline");
    }
    let out = cmd
        .output()
        .map_err(|e| anyhow!("cannot run cargo ({}): {e}", cargo.program()))?;
    if !out.status.success() {
        bail!(
            "`cargo {}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    Ok(())
}
