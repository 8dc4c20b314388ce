//! `cargo pin check`: every requirement that can drift, a missing or stale
//! lockfile, a floating toolchain. Offline; reads files, runs only
//! `cargo metadata --no-deps`.

use jiff::civil::Date;

use crate::audit::finding::{Finding, Report, Summary};
use crate::audit::policy::Policy;
use crate::audit::rule::{Level, Rule};
use crate::workspace::lockfile::{Lockfile, Package, Source};
use crate::workspace::manifest::{
    DepSource, Dependency, GitRef, Manifest, TableKind, rev_names_a_tag,
};
use crate::workspace::requirement::{self, Kind};
use crate::workspace::toolchain::Toolchain;
use crate::workspace::{DepAt, Locks, Workspace};

/// Rule levels for one run: the policy's, then `-D/-W/-A` in order.
#[derive(Debug, Clone, Default)]
pub struct Levels {
    pub overrides: Vec<(Rule, Level)>,
}

impl Levels {
    pub fn level(&self, policy: &Policy, rule: Rule) -> Level {
        self.overrides
            .iter()
            .rev()
            .find(|(r, _)| *r == rule)
            .map_or_else(|| policy.level(rule), |(_, l)| *l)
    }
}

/// A finding before levels and exemptions are applied, with what `fix`
/// needs to act on it: where its dependency is, and what it is locked to.
#[derive(Debug, Clone)]
pub struct Found<'a> {
    pub finding: Finding,
    pub at: Option<DepAt>,
    pub locked: Option<&'a Package>,
}

/// Runs every offline rule over the workspace, before levels apply.
pub fn found<'a>(ws: &'a Workspace, summary: &mut Summary) -> Vec<Found<'a>> {
    let mut out = Vec::new();
    let locks = ws.locks();
    summary.manifests = ws.manifests.len();
    for (at, m, dep) in ws.deps() {
        summary.requirements += 1;
        dependency(ws, &locks, at, m, dep, summary, &mut out);
    }
    if ws.lockfile.is_none() {
        out.push(Found::file(Finding::file(
            Rule::LockfileMissing,
            "Cargo.lock",
            None,
            "the workspace has no Cargo.lock: every build resolves dependencies afresh".into(),
        )));
    }
    match &ws.toolchain {
        Toolchain::Missing => out.push(Found::file(Finding::file(
            Rule::ToolchainUnpinned,
            "rust-toolchain.toml",
            None,
            "no rust-toolchain.toml: the build uses whatever toolchain is installed".into(),
        ))),
        Toolchain::Floating {
            file,
            line,
            channel,
        } => {
            let minor_only = channel.split('-').next().is_some_and(|b| {
                b.split('.').count() == 2 && b.starts_with(|c: char| c.is_ascii_digit())
            });
            let what = if channel.is_empty() {
                "no channel, so the default toolchain".to_string()
            } else if minor_only {
                format!(
                    "channel `{channel}` without a patch number, which follows every patch release"
                )
            } else {
                format!("channel `{channel}`, which moves with every release")
            };
            out.push(Found::file(Finding::file(
                Rule::ToolchainUnpinned,
                file,
                *line,
                format!("the toolchain file names {what}"),
            )))
        }
        Toolchain::Pinned { .. } => {}
    }
    crate::audit::ci::found(ws, &mut out);
    out
}

impl<'a> Found<'a> {
    /// A finding about no dependency in particular.
    pub fn file(finding: Finding) -> Found<'a> {
        Found {
            finding,
            at: None,
            locked: None,
        }
    }
}

fn dependency<'a>(
    ws: &'a Workspace,
    locks: &Locks<'a>,
    at: DepAt,
    m: &'a Manifest,
    dep: &'a Dependency,
    summary: &mut Summary,
    out: &mut Vec<Found<'a>>,
) {
    let lock = ws.lockfile.as_ref();
    let base = |rule: Rule, requirement: Option<String>, message: String| Finding {
        rule,
        level: rule.default_level(),
        manifest: m.rel.clone(),
        line: Some(dep.line),
        table: Some(dep.table.clone()),
        name: Some(dep.name.clone()),
        package: Some(dep.package.clone()),
        requirement,
        locked: None,
        fix: None,
        message,
    };
    match &dep.source {
        DepSource::Inherited | DepSource::Path => {}
        DepSource::Registry { requirement, .. } => {
            // A registry patch is unusual and cannot drift on its own.
            if dep.kind == TableKind::Patch {
                return;
            }
            let written = dep.requirement_or_star();
            let Ok(req) = requirement::classify(written) else {
                // cargo metadata accepted the manifest, so this is a
                // requirement cargo reads differently; report, don't guess.
                out.push(Found {
                    finding: base(
                        Rule::Range,
                        Some(written.into()),
                        format!("`{written}` is not a requirement cargo-pin can read"),
                    ),
                    at: Some(at),
                    locked: None,
                });
                return;
            };
            let mut locked = locks.registry(m, dep, &req.req);
            // Replaced by a [patch]: what the patch locked, when it fits.
            let patch = match (locked, lock) {
                (None, Some(lock)) => patch_for(ws, lock, &dep.package, &req.req),
                _ => None,
            };
            if let Some(p) = &patch {
                locked = p.locked;
            }
            // A workspace entry no member inherits is never resolved.
            let used = dep.kind != TableKind::Workspace || locks.is_inherited(&dep.name);
            if let Some(rule) = req.kind.rule() {
                let fix = locked.map(|p| requirement::exact(&p.version));
                let mut message =
                    requirement_message(&req.kind, written, requirement.is_none(), None);
                if let Some(p) = &patch {
                    message.push_str(&format!("; {}", p.describe(written)));
                }
                if let Some(fix) = &fix {
                    message.push_str(&format!("; pin `{fix}`"));
                }
                let mut f = base(rule, Some(written.into()), message);
                f.locked = locked.map(|p| p.version.to_string());
                f.fix = fix;
                out.push(Found {
                    finding: f,
                    at: Some(at),
                    locked,
                });
            } else {
                summary.pinned += 1;
            }
            if let Some(lock) = lock
                && used
                && locked.is_none()
                && !patched(ws, lock, &dep.package, &req.req)
            {
                let mut f = base(
                    Rule::LockfileStale,
                    Some(written.into()),
                    format!(
                        "no version of `{}` in Cargo.lock satisfies `{written}`: the next build re-resolves it",
                        dep.package
                    ),
                );
                f.fix = None;
                out.push(Found {
                    finding: f,
                    at: Some(at),
                    locked: None,
                });
            }
        }
        DepSource::Git(git) => {
            let locked = locks.git(&dep.package, git);
            let commit = locked.and_then(|p| match &p.source {
                Source::Git(g) if !g.commit.is_empty() => Some(g.commit.clone()),
                _ => None,
            });
            let (rule, requirement, message) = match &git.reference {
                GitRef::Rev(_) if git.reference.pinned_rev() => {
                    summary.pinned += 1;
                    return;
                }
                GitRef::Rev(r) => (
                    if rev_names_a_tag(&r.value) {
                        Rule::GitTag
                    } else {
                        Rule::GitBranch
                    },
                    format!("rev = \"{}\"", r.value),
                    format!(
                        "rev `{}` of {} is a ref name, not a commit id, and follows what it names",
                        r.value, git.url
                    ),
                ),
                GitRef::Branch(b) => (
                    Rule::GitBranch,
                    format!("branch = \"{}\"", b.value),
                    format!("follows branch `{}` of {}", b.value, git.url),
                ),
                GitRef::DefaultBranch => (
                    Rule::GitBranch,
                    format!("git = \"{}\"", git.url),
                    format!("follows the default branch of {}", git.url),
                ),
                GitRef::Tag(t) => (
                    Rule::GitTag,
                    format!("tag = \"{}\"", t.value),
                    format!(
                        "follows tag `{}` of {}, and tags can move",
                        t.value, git.url
                    ),
                ),
            };
            let message = match &commit {
                Some(c) => format!("{message}; locked at commit {c}"),
                None => message,
            };
            let mut f = base(rule, Some(requirement), message);
            f.locked = locked.map(|p| p.version.to_string());
            f.fix = commit.map(|c| format!("rev = \"{c}\""));
            out.push(Found {
                finding: f,
                at: Some(at),
                locked,
            });
        }
    }
}

fn requirement_message(kind: &Kind, written: &str, missing: bool, fix: Option<&str>) -> String {
    let what = match kind {
        Kind::Wildcard if missing => {
            "has no version requirement, which cargo reads as `*`".to_string()
        }
        Kind::Wildcard => format!("`{written}` accepts any matching release"),
        Kind::Caret => format!("`{written}` accepts any semver-compatible release"),
        Kind::Tilde => format!("`{written}` accepts any patch release"),
        Kind::Range => format!("`{written}` accepts a range of releases"),
        Kind::PartialExact => {
            format!("`{written}` names no patch version, so any patch release matches")
        }
        Kind::Exact => format!("`{written}` is pinned"),
    };
    match fix {
        Some(fix) => format!("{what}; pin `{fix}`"),
        None => what,
    }
}

/// A `[patch]` entry replacing a registry requirement.
pub(crate) struct Patch<'a> {
    /// Where the entry is: manifest, line, table (`patch.crates-io`).
    pub manifest: &'a str,
    pub line: usize,
    pub table: &'a str,
    /// What Cargo.lock locked for it, when that satisfies the requirement.
    pub locked: Option<&'a Package>,
}

impl Patch<'_> {
    /// `replaced by [patch.crates-io] at Cargo.toml:12 (locked 1.0.86)`.
    pub(crate) fn describe(&self, written: &str) -> String {
        let at = format!(
            "replaced by [{}] at {}:{}",
            self.table, self.manifest, self.line
        );
        match self.locked {
            Some(p) => format!("{at} (locked {})", p.version),
            None => format!("{at}, whose locked version does not satisfy `{written}`"),
        }
    }
}

/// The `[patch]` entry replacing `package`, if there is one, with the
/// highest locked version of it (any source) satisfying `req`.
pub(crate) fn patch_for<'a>(
    ws: &'a Workspace,
    lock: &'a Lockfile,
    package: &str,
    req: &semver::VersionReq,
) -> Option<Patch<'a>> {
    let (m, d) = ws
        .manifests
        .iter()
        .flat_map(|m| m.deps.iter().map(move |d| (m, d)))
        .find(|(_, d)| d.kind == TableKind::Patch && d.package == package)?;
    let locked = lock
        .named(package)
        .filter(|p| req.matches(&p.version))
        .max_by(|a, b| a.version.cmp(&b.version));
    Some(Patch {
        manifest: &m.rel,
        line: d.line,
        table: &d.table,
        locked,
    })
}

/// Is `package` replaced by a `[patch]` whose locked version matches?
fn patched(ws: &Workspace, lock: &Lockfile, package: &str, req: &semver::VersionReq) -> bool {
    let is_patched = ws
        .manifests
        .iter()
        .flat_map(|m| &m.deps)
        .any(|d| d.kind == TableKind::Patch && d.package == package);
    is_patched && lock.any_matches(package, req)
}

/// Decides, finding by finding, what the policy and the command line make
/// of it: exempted, or at which level.
pub struct Triage<'p> {
    policy: &'p Policy,
    levels: &'p Levels,
    expired: Vec<bool>,
}

impl<'p> Triage<'p> {
    pub fn new(policy: &'p Policy, levels: &'p Levels, today: Date) -> Triage<'p> {
        let expired = policy
            .exemptions
            .iter()
            .map(|e| e.expires.is_some_and(|d| d < today))
            .collect();
        Triage {
            policy,
            levels,
            expired,
        }
    }

    /// True when a live `[[exempt]]` entry covers `f`.
    pub fn exempt(&self, f: &Finding) -> bool {
        self.policy.exemptions.iter().enumerate().any(|(i, e)| {
            !self.expired[i]
                && f.package.as_deref() == Some(e.krate.as_str())
                && (e.rules.is_empty() || e.rules.contains(&f.rule))
        })
    }

    pub fn level(&self, rule: Rule) -> Level {
        self.levels.level(self.policy, rule)
    }
}

/// Applies levels and exemptions: the report `check` prints.
pub fn evaluate(
    found: Vec<Found<'_>>,
    policy: &Policy,
    levels: &Levels,
    today: Date,
    mut summary: Summary,
) -> Report {
    let triage = Triage::new(policy, levels, today);
    let mut findings = Vec::new();
    for r in found {
        let mut f = r.finding;
        if triage.exempt(&f) {
            summary.exempted += 1;
            continue;
        }
        f.level = triage.level(f.rule);
        push(&mut findings, &mut summary, f);
    }
    for (i, e) in policy.exemptions.iter().enumerate() {
        if !triage.expired[i] {
            continue;
        }
        let rule = Rule::ExemptionExpired;
        let mut f = Finding::file(
            rule,
            &e.file,
            Some(e.line),
            format!(
                "the exemption for `{}` expired on {} ({}); it no longer applies",
                e.krate,
                e.expires.map(|d| d.to_string()).unwrap_or_default(),
                e.reason
            ),
        );
        f.package = Some(e.krate.clone());
        f.level = triage.level(rule);
        push(&mut findings, &mut summary, f);
    }
    Report { findings, summary }
}

fn push(findings: &mut Vec<Finding>, summary: &mut Summary, f: Finding) {
    match f.level {
        Level::Allow => summary.allowed += 1,
        Level::Warn => {
            summary.warn += 1;
            findings.push(f);
        }
        Level::Deny => {
            summary.deny += 1;
            findings.push(f);
        }
    }
}

/// `check` from start to end on a loaded workspace.
pub fn check(ws: &Workspace, policy: &Policy, levels: &Levels, today: Date) -> Report {
    let mut summary = Summary::default();
    let mut found = found(ws, &mut summary);
    found.extend(super::denied::found(ws, policy));
    evaluate(found, policy, levels, today, summary)
}
