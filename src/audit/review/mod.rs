//! `cargo pin review`: what a pull request changes in Cargo.lock and the
//! manifests, and the gate on what it introduces. A version already locked
//! on the base side is never judged, so an unrelated pull request never
//! fails for it.
//!
//! - [`diff`]: the lockfile diff, pure (public for the benchmark);
//! - [`git`]: reading a revision's files from git objects;
//! - [`sides`]: the base and head sides, read;
//! - [`gate`]: the introduced versions judged through the registry, and the
//!   rules on what changed.

pub mod diff;
pub(crate) mod gate;
pub(crate) mod git;
pub(crate) mod sides;

use serde::Serialize;

use crate::audit::finding::Finding;
use crate::audit::release::Status;
use diff::{Change, Kind};
pub(crate) use sides::Rev;

/// A review: both sides, every change with what it introduces, and the
/// findings of the gate.
#[derive(Debug, Clone)]
pub(crate) struct Review {
    pub base: Rev,
    pub head: Rev,
    pub changes: Vec<Reviewed>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// One change and what the registry says of each version it introduces.
#[derive(Debug, Clone)]
pub(crate) struct Reviewed {
    pub change: Change,
    /// One per introduced version; empty for workspace and path packages.
    pub introduced: Vec<Introduced>,
    /// A crates.io package (so crates.io, docs.rs and diff.rs know it).
    pub crates_io: bool,
}

/// One introduced version. Field names are the JSON contract; the
/// registry fields are null for git packages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Introduced {
    pub version: String,
    /// RFC 3339, or null when the registry does not say.
    pub published: Option<String>,
    pub age_days: Option<i64>,
    pub yanked: bool,
    pub rust_version: Option<String>,
    /// The release's status as `outdated` gives it; null off a registry.
    pub status: Option<Status>,
    /// The `reason` of the `[[vetted]]` entry that vets it.
    pub vetted_because: Option<String>,
}

/// Counts of a review, part of the JSON contract.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Summary {
    pub added: usize,
    pub removed: usize,
    pub upgraded: usize,
    pub downgraded: usize,
    pub source_changed: usize,
    /// Findings at level deny (any makes the exit code 1).
    pub deny: usize,
    pub warn: usize,
    /// Findings dropped by an `[[exempt]]` entry.
    pub exempted: usize,
    /// Findings dropped because their rule is at level allow.
    pub allowed: usize,
}

impl Summary {
    pub(crate) fn count(&mut self, kind: Kind) {
        match kind {
            Kind::Added => self.added += 1,
            Kind::Removed => self.removed += 1,
            Kind::Upgraded => self.upgraded += 1,
            Kind::Downgraded => self.downgraded += 1,
            Kind::SourceChanged => self.source_changed += 1,
        }
    }
}

impl Review {
    /// True when any finding is at level deny: exit code 1.
    pub(crate) fn failed(&self) -> bool {
        self.summary.deny > 0
    }

    /// Introduced registry versions no reviewer vetted, `name@version`,
    /// for one `cargo pin allow` line.
    pub(crate) fn unvetted(&self) -> Vec<String> {
        let mut out = Vec::new();
        for r in &self.changes {
            for i in &r.introduced {
                if i.status.is_some_and(|s| s != Status::Yanked) && i.vetted_because.is_none() {
                    out.push(format!("{}@{}", r.change.package, i.version));
                }
            }
        }
        out
    }
}
