//! The `denied` rule: every locked version, direct or transitive, that a
//! `[[denied]]` entry in pin.toml marks bad. Offline: it reads Cargo.lock
//! and the policy only.

use super::check::Found;
use super::finding::Finding;
use super::policy::Policy;
use super::rule::Rule;
use crate::workspace::Workspace;
use crate::workspace::lockfile::Source;

/// A finding for each locked package a `[[denied]]` entry matches, at its
/// Cargo.lock entry.
pub(crate) fn found<'a>(ws: &'a Workspace, policy: &Policy) -> Vec<Found<'a>> {
    let Some(lock) = ws.lockfile.as_ref() else {
        return Vec::new();
    };
    if policy.denied.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for p in &lock.packages {
        if p.source == Source::Local {
            continue;
        }
        let Some(d) = policy.denied(&p.name, &p.version) else {
            continue;
        };
        let advisory = d
            .advisory
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        let mut f = Finding::file(
            Rule::Denied,
            "Cargo.lock",
            Some(p.line),
            format!(
                "`{} {}` is locked, and {}:{} denies it: {}{advisory}; `cargo pin rollback {}` moves back to the last good release",
                p.name, p.version, d.file, d.line, d.reason, p.name
            ),
        );
        f.name = Some(p.name.clone());
        f.package = Some(p.name.clone());
        f.locked = Some(p.version.to_string());
        out.push(Found {
            finding: f,
            at: None,
            locked: Some(p),
        });
    }
    out
}
