//! Verification of planned changes: an edited file is read back as the
//! command would read it, and must say exactly what was planned.

use anyhow::{Result, anyhow, bail};

use crate::workspace::lockfile::Lockfile;
use crate::workspace::manifest::{DepSource, Dependency, GitRef, Manifest, parse};

/// What a dependency must read after its edit.
#[derive(Debug)]
pub enum Expect {
    Requirement(String),
    Rev(String),
}

/// Re-parses an edited manifest and checks every planned value is there, so
/// a planner bug can never write a manifest that says something else.
pub(crate) fn manifest(
    m: &Manifest,
    after: &str,
    expected: &[(&Dependency, Expect)],
) -> Result<()> {
    let re = parse(m.path.clone(), m.rel.clone(), after.to_string())
        .map_err(|e| anyhow!("internal error: the edited {} does not parse: {e}", m.rel))?;
    if re.deps.len() != m.deps.len() {
        bail!("internal error: editing {} changed its dependencies", m.rel);
    }
    let by_key: std::collections::HashMap<(&str, &str), &Dependency> = re
        .deps
        .iter()
        .map(|d| ((d.table.as_str(), d.name.as_str()), d))
        .collect();
    for (dep, want) in expected {
        let Some(now) = by_key.get(&(dep.table.as_str(), dep.name.as_str())) else {
            bail!("internal error: `{}` vanished from {}", dep.name, m.rel);
        };
        let ok = match (want, &now.source) {
            (Expect::Requirement(r), DepSource::Registry { requirement, .. }) => {
                requirement.as_deref() == Some(r.as_str())
            }
            (Expect::Rev(c), DepSource::Git(g)) => {
                matches!(&g.reference, GitRef::Rev(s) if s.value == *c)
            }
            _ => false,
        };
        if !ok {
            bail!(
                "internal error: the edit of `{}` in {} did not take",
                dep.name,
                m.rel
            );
        }
    }
    Ok(())
}

/// A rewritten lockfile must parse and lock exactly the same versions.
pub(crate) fn same_versions(before: &Lockfile, after: &str) -> Result<()> {
    let after =
        Lockfile::parse(after).map_err(|e| anyhow!("internal error: relocked Cargo.lock: {e}"))?;
    let versions = |l: &Lockfile| {
        let mut v: Vec<(String, String)> = l
            .packages
            .iter()
            .map(|p| (p.name.clone(), p.version.to_string()))
            .collect();
        v.sort();
        v
    };
    if versions(before) != versions(&after) {
        bail!("internal error: relocking Cargo.lock changed a locked version");
    }
    Ok(())
}
