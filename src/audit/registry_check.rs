//! `cargo pin check --registry`: the registry rules, over every registry
//! package in Cargo.lock, direct or transitive. `yanked`: the locked
//! version was yanked. `too-new`: it is younger than the cooldown.
//! `unvetted` (only with `require-vetted`): a locked version no reviewer
//! vetted, of a direct dependency (`true`, `"direct"`, `"changed"`) or of
//! any package (`"all"`).

use std::collections::HashSet;
use std::sync::Arc;

use anyhow::{Result, bail};
use jiff::Timestamp;

use crate::audit::finding::Finding;
use crate::audit::policy::Policy;
use crate::audit::release::{Criteria, human_age};
use crate::audit::rule::Rule;
use crate::registry::Progress;
use crate::registry::sources::Sources;
use crate::workspace::Workspace;
use crate::workspace::lockfile::Source;
use crate::workspace::manifest::{DepSource, TableKind};

/// Fetches every locked registry package and returns the registry
/// findings, before levels and exemptions apply.
pub(crate) fn run(
    ws: &Workspace,
    policy: &Policy,
    sources: &mut Sources,
    now: Timestamp,
    offline: bool,
    progress: Arc<dyn Progress>,
) -> Result<Vec<Finding>> {
    let Some(lock) = ws.lockfile.as_ref() else {
        return Ok(Vec::new());
    };
    let mut locked = Vec::new();
    for p in &lock.packages {
        if let Source::Registry(s) = &p.source {
            locked.push((p, sources.for_lock_source(s)?));
        }
    }
    let wanted: Vec<_> = locked
        .iter()
        .map(|(p, r)| (r.clone(), p.name.clone()))
        .collect();
    let index = sources.fetch(&wanted, offline, progress)?;

    // Direct dependencies: crates some manifest names as a registry
    // requirement.
    let direct: HashSet<&str> = ws
        .manifests
        .iter()
        .flat_map(|m| &m.deps)
        .filter(|d| matches!(d.source, DepSource::Registry { .. }) && d.kind != TableKind::Patch)
        .map(|d| d.package.as_str())
        .collect();

    let mut out = Vec::new();
    for (p, reg) in &locked {
        let Some(releases) = index.releases(reg, &p.name) else {
            bail!(
                "internal error: no index data for `{}` from registry {}",
                p.name,
                reg.describe()
            );
        };
        let Some(release) = releases.iter().find(|r| r.version == p.version) else {
            bail!(
                "Cargo.lock:{}: registry {} has no release {} of `{}` (was it deleted, or is Cargo.lock from another registry?)",
                p.line,
                reg.describe(),
                p.version,
                p.name
            );
        };
        let criteria = Criteria::new(ws, policy, reg, now);
        let finding = |rule: Rule, message: String| {
            let mut f = Finding::file(rule, "Cargo.lock", Some(p.line), message);
            f.name = Some(p.name.clone());
            f.package = Some(p.name.clone());
            f.locked = Some(p.version.to_string());
            f
        };
        if release.yanked {
            out.push(finding(
                Rule::Yanked,
                format!(
                    "`{} {}` is locked, and was yanked from {}",
                    p.name, p.version, reg.name
                ),
            ));
        }
        if criteria.too_new(release) {
            let cooldown = criteria.cooldown.map(human_age).unwrap_or_default();
            let message = match criteria.age(release) {
                Some(age) => format!(
                    "`{} {}` was published {} ago, less than the {cooldown} cooldown",
                    p.name,
                    p.version,
                    human_age(age)
                ),
                None => format!(
                    "`{} {}` has no publish time in {} (age unknown), and [registry] require-publish-time = true counts it as too new",
                    p.name, p.version, reg.name
                ),
            };
            out.push(finding(Rule::TooNew, message));
        }
        let is_direct = direct.contains(p.name.as_str());
        if policy.vetting.locked(is_direct) && !policy.is_vetted(&p.name, &p.version) {
            let what = if is_direct {
                "a direct dependency"
            } else {
                "a transitive dependency"
            };
            out.push(finding(
                Rule::Unvetted,
                format!(
                    "`{} {}` is {what} no reviewer vetted; `cargo pin allow {}@{} --reason ...` records a review",
                    p.name, p.version, p.name, p.version
                ),
            ));
        }
    }
    Ok(out)
}
