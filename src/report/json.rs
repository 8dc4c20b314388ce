//! JSON reports, for scripts: one function per command. The shapes here are
//! a public contract (`schema_version`), described by the JSON Schemas in
//! `schema/`.

use serde::Serialize;

use crate::audit::finding::Report;

/// The schema version every JSON report carries.
pub(crate) const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct CheckJson<'a> {
    schema_version: u32,
    workspace_root: &'a str,
    findings: &'a [crate::audit::finding::Finding],
    summary: &'a crate::audit::finding::Summary,
}

/// `check --format json`.
pub(crate) fn check(report: &Report, workspace_root: &str) -> String {
    to_string(&CheckJson {
        schema_version: SCHEMA_VERSION,
        workspace_root,
        findings: &report.findings,
        summary: &report.summary,
    })
}

#[derive(Serialize)]
struct FixJson<'a> {
    schema_version: u32,
    workspace_root: &'a str,
    dry_run: bool,
    edits: &'a [crate::change::Rewrite],
    left: &'a [crate::change::fix::Left],
    files: Vec<&'a str>,
    summary: FixSummary,
}

#[derive(Serialize)]
struct FixSummary {
    edited: usize,
    left: usize,
    files: usize,
}

/// `fix --format json`.
pub(crate) fn fix(plan: &crate::change::fix::Plan, dry_run: bool, workspace_root: &str) -> String {
    to_string(&FixJson {
        schema_version: SCHEMA_VERSION,
        workspace_root,
        dry_run,
        edits: &plan.edits,
        left: &plan.left,
        files: plan.changes.files.iter().map(|f| f.rel.as_str()).collect(),
        summary: FixSummary {
            edited: plan.edits.len(),
            left: plan.left.len(),
            files: plan.changes.files.len(),
        },
    })
}

#[derive(Serialize)]
struct OutdatedJson<'a> {
    schema_version: u32,
    dependencies: &'a [crate::audit::outdated::Entry],
}

/// `outdated --format json`.
pub(crate) fn outdated(entries: &[crate::audit::outdated::Entry]) -> String {
    to_string(&OutdatedJson {
        schema_version: SCHEMA_VERSION,
        dependencies: entries,
    })
}

#[derive(Serialize)]
struct UpgradeJson<'a> {
    schema_version: u32,
    dry_run: bool,
    moves: &'a [crate::change::upgrade::Move],
    held: &'a [crate::change::upgrade::Stay],
}

/// `upgrade --format json`.
pub(crate) fn upgrade(plan: &crate::change::upgrade::Plan, dry_run: bool) -> String {
    to_string(&UpgradeJson {
        schema_version: SCHEMA_VERSION,
        dry_run,
        moves: &plan.moves,
        held: &plan.stays,
    })
}

#[derive(Serialize)]
struct RollbackJson<'a> {
    schema_version: u32,
    dry_run: bool,
    moves: &'a [crate::change::rollback::Back],
    /// Every package whose locked versions changed (empty on a dry run).
    lockfile: &'a [crate::change::relock::LockChange],
}

/// `rollback --format json`.
pub(crate) fn rollback(plan: &crate::change::rollback::Plan, dry_run: bool) -> String {
    to_string(&RollbackJson {
        schema_version: SCHEMA_VERSION,
        dry_run,
        moves: &plan.moves,
        lockfile: &plan.lock_changes,
    })
}

/// Pretty JSON with a trailing newline. Our types always serialize.
pub(crate) fn to_string<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|e| {
        // Only a bug in a Serialize impl could get here; say so in-band.
        format!("{{\"error\": \"cannot serialize report: {e}\"}}")
    });
    s.push('\n');
    s
}

#[derive(Serialize)]
struct ReviewJson<'a> {
    schema_version: u32,
    base: &'a crate::audit::review::Rev,
    head: &'a crate::audit::review::Rev,
    changes: Vec<ReviewChange<'a>>,
    findings: &'a [crate::audit::finding::Finding],
    summary: &'a crate::audit::review::Summary,
}

#[derive(Serialize)]
struct ReviewChange<'a> {
    package: &'a str,
    source: Option<&'a str>,
    from_source: Option<&'a str>,
    kind: crate::audit::review::diff::Kind,
    from: Vec<String>,
    to: Vec<String>,
    direct: bool,
    via: &'a [String],
    line: Option<usize>,
    introduced: &'a [crate::audit::review::Introduced],
}

/// A lockfile source as Cargo.lock writes it; `None` for local packages.
fn lock_source(s: &crate::workspace::lockfile::Source) -> Option<&str> {
    use crate::workspace::lockfile::Source;
    match s {
        Source::Registry(r) | Source::Other(r) => Some(r),
        Source::Git(g) => Some(&g.raw),
        Source::Local => None,
    }
}

/// `review --format json`.
pub(crate) fn review(r: &crate::audit::review::Review) -> String {
    let strings = |vs: &[semver::Version]| vs.iter().map(ToString::to_string).collect();
    to_string(&ReviewJson {
        schema_version: SCHEMA_VERSION,
        base: &r.base,
        head: &r.head,
        changes: r
            .changes
            .iter()
            .map(|c| ReviewChange {
                package: &c.change.package,
                source: c.change.source.as_ref().and_then(lock_source),
                from_source: c.change.from_source.as_ref().and_then(lock_source),
                kind: c.change.kind,
                from: strings(&c.change.from),
                to: strings(&c.change.to),
                direct: c.change.direct,
                via: &c.change.via,
                line: c.change.line,
                introduced: &c.introduced,
            })
            .collect(),
        findings: &r.findings,
        summary: &r.summary,
    })
}
