//! `cargo pin fix`: write the exact versions Cargo.lock already builds with
//! back into the manifests, and pin branch-following git dependencies to
//! their locked commit.
//!
//! Two phases: plan every edit across every file (and check the result
//! re-parses to exactly the planned values), then write all files or none.

use std::collections::{BTreeMap, HashSet};

use anyhow::{Result, anyhow, bail};
use jiff::civil::Date;
use serde::Serialize;

use crate::audit::check::{self, Levels, Triage};
use crate::audit::finding::Summary;
use crate::audit::policy::Policy;
use crate::audit::rule::{Level, Rule};
use crate::change::verify::{self, Expect};
use crate::change::{ChangeSet, FileChange, ManifestEdits, Rewrite, edit, relock};
use crate::workspace::lockfile::Source;
use crate::workspace::manifest::{DepSource, Dependency, Manifest, TableKind};
use crate::workspace::{DepAt, Workspace};

/// What to fix.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only these dependencies (key or crate name); all when empty.
    pub crates: Vec<String>,
    /// Only the manifests of these members; all when empty.
    pub packages: Vec<String>,
    /// `--ci`: also pin CI action refs to commits (`git ls-remote`).
    pub ci_network: bool,
    /// `--ci`: the version to write for each crate CI installs without
    /// one, or why there is none ([`crate::change::ci::choose_versions`]).
    pub ci_versions: BTreeMap<String, Result<String, String>>,
}

/// One floating requirement left as it is, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Left {
    pub manifest: String,
    pub line: usize,
    pub table: String,
    pub name: String,
    pub rule: Rule,
    pub requirement: String,
    pub reason: String,
}

/// Every edit `fix` would make, ready to be written.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub edits: Vec<Rewrite>,
    pub left: Vec<Left>,
    pub changes: ChangeSet,
    /// Edits pinned to what a `[patch]` locked, saying which patch
    /// (`app/Cargo.toml:17 anyhow: replaced by [patch.crates-io] at
    /// Cargo.toml:12 (locked 1.0.86)`), for the human report.
    pub patched: Vec<String>,
}

/// Rules `fix` acts on, when at level deny.
fn fixable(rule: Rule) -> bool {
    rule.is_requirement_rule() || matches!(rule, Rule::GitBranch | Rule::GitTag)
}

/// Plans the edits. Nothing is written.
pub fn plan(
    ws: &Workspace,
    policy: &Policy,
    levels: &Levels,
    today: Date,
    opts: &Options,
) -> Result<Plan> {
    let Some(lock) = ws.lockfile.as_ref() else {
        bail!(
            "{} has no Cargo.lock, so there is no locked version to pin to; run `cargo generate-lockfile` first",
            ws.root.display()
        );
    };
    check_selection(ws, opts)?;
    let triage = Triage::new(policy, levels, today);
    let mut summary = Summary::default();
    let found = check::found(ws, &mut summary);

    let mut plan = Plan::default();
    let mut edits = ManifestEdits::default();
    let mut moves: Vec<(String, String, String, String)> = Vec::new();

    // A git package in Cargo.lock is relocked to `?rev=` only when every
    // entry that follows it is pinned in this run: one left on its branch
    // would no longer match the lock, and `cargo build --locked` would fail.
    let pinnable: HashSet<DepAt> = found
        .iter()
        .filter_map(|r| {
            let at = r.at?;
            let (m, dep) = ws.dep(at);
            let pins = matches!(dep.source, DepSource::Git(_))
                && fixable(r.finding.rule)
                && selected(m, dep, opts)
                && !triage.exempt(&r.finding)
                && triage.level(r.finding.rule) == Level::Deny
                && r.finding.fix.is_some()
                && edit::git_rev_refusal(m, dep).is_none();
            pins.then_some(at)
        })
        .collect();
    let followers = git_followers(ws);

    for r in &found {
        let Some(at) = r.at else { continue };
        let (m, dep) = ws.dep(at);
        let f = &r.finding;
        if !fixable(f.rule) || !selected(m, dep, opts) {
            continue;
        }
        let from = f.requirement.clone().unwrap_or_default();
        let mut leave = |reason: String| {
            plan.left.push(Left {
                manifest: m.rel.clone(),
                line: dep.line,
                table: dep.table.clone(),
                name: dep.name.clone(),
                rule: f.rule,
                requirement: from.clone(),
                reason,
            })
        };
        if triage.exempt(f) {
            leave("exempted in pin.toml".into());
            continue;
        }
        let level = triage.level(f.rule);
        if level != Level::Deny {
            leave(format!("`{}` is at level {level}", f.rule));
            continue;
        }
        let patch = match (&dep.source, &ws.lockfile) {
            (DepSource::Registry { .. }, Some(lock)) => {
                crate::workspace::requirement::classify(&from)
                    .ok()
                    .and_then(|req| check::patch_for(ws, lock, &dep.package, &req.req))
            }
            _ => None,
        };
        let Some(fix) = f.fix.clone() else {
            leave(match &dep.source {
                DepSource::Git(_) => "Cargo.lock has no commit for this git dependency".into(),
                _ if patch.is_some() => patch
                    .as_ref()
                    .map(|p| p.describe(&from))
                    .unwrap_or_default(),
                _ => format!(
                    "no version of `{}` in Cargo.lock satisfies `{from}`{}",
                    dep.package,
                    if dep.kind == TableKind::Workspace {
                        " (is it used by any member, or replaced by a [patch]?)"
                    } else {
                        ""
                    }
                ),
            });
            continue;
        };
        let result = match &dep.source {
            DepSource::Registry { .. } => {
                if let Some(p) = &patch {
                    plan.patched.push(format!(
                        "{}:{} {}: {}",
                        m.rel,
                        dep.line,
                        dep.name,
                        p.describe(&from)
                    ));
                }
                edit::set_requirement(m, dep, &fix).map(|e| (e, Expect::Requirement(fix.clone())))
            }
            DepSource::Git(_) => {
                let Some(pkg) = r.locked else {
                    leave("Cargo.lock has no entry for this git dependency".into());
                    continue;
                };
                let Source::Git(src) = &pkg.source else {
                    leave("Cargo.lock locks it from a source that is not git".into());
                    continue;
                };
                let key = (pkg.name.as_str(), pkg.version.to_string(), src.raw.as_str());
                if let Some(other) = followers
                    .get(&key)
                    .and_then(|all| all.iter().find(|other| !pinnable.contains(other)))
                {
                    let (om, od) = ws.dep(*other);
                    leave(format!(
                        "shares its locked source with `{}` in {}:{}, which is not pinned in this run; pin them together",
                        od.name, om.rel, od.line
                    ));
                    continue;
                }
                let new_source = format!("git+{}?rev={}#{}", src.url, src.commit, src.commit);
                if new_source != src.raw {
                    moves.push((
                        pkg.name.clone(),
                        pkg.version.to_string(),
                        src.raw.clone(),
                        new_source,
                    ));
                }
                edit::set_git_rev(m, dep, &src.commit).map(|e| (e, Expect::Rev(src.commit.clone())))
            }
            _ => continue,
        };
        match result {
            Ok((text_edits, expect)) => {
                edits.add(at, text_edits, expect);
                plan.edits.push(Rewrite {
                    manifest: m.rel.clone(),
                    line: dep.line,
                    table: dep.table.clone(),
                    name: dep.name.clone(),
                    rule: Some(f.rule),
                    from: from.clone(),
                    to: fix,
                });
            }
            Err(reason) => leave(reason),
        }
    }

    plan.changes = edits.apply(ws)?;
    // `fix CRATE` and `-p MEMBER` choose dependencies: CI files are not theirs.
    if opts.crates.is_empty() && opts.packages.is_empty() {
        crate::change::ci::plan(ws, &triage, opts.ci_network, &opts.ci_versions, &mut plan)?;
    }
    if !moves.is_empty() {
        moves.sort();
        moves.dedup();
        let path = ws.root.join("Cargo.lock");
        let before =
            std::fs::read_to_string(&path).map_err(|e| anyhow!("cannot read Cargo.lock: {e}"))?;
        let after = relock::git_sources(&before, &moves)?;
        verify::same_versions(lock, &after)?;
        plan.changes
            .files
            .push(FileChange::new(path, "Cargo.lock".into(), before, &after));
    }
    Ok(plan)
}

/// Git packages in Cargo.lock, by (name, version, source), with every
/// manifest entry that follows them by branch, tag or default branch.
type Followers<'a> = BTreeMap<(&'a str, String, &'a str), Vec<DepAt>>;

fn git_followers(ws: &Workspace) -> Followers<'_> {
    let locks = ws.locks();
    let mut out: Followers<'_> = BTreeMap::new();
    for (at, _, dep) in ws.deps() {
        let DepSource::Git(git) = &dep.source else {
            continue;
        };
        if git.reference.pinned_rev() {
            continue;
        }
        if let Some(pkg) = locks.git(&dep.package, git)
            && let Source::Git(src) = &pkg.source
        {
            out.entry((pkg.name.as_str(), pkg.version.to_string(), src.raw.as_str()))
                .or_default()
                .push(at);
        }
    }
    out
}

fn selected(m: &Manifest, dep: &Dependency, opts: &Options) -> bool {
    let crate_ok = opts.crates.is_empty()
        || opts
            .crates
            .iter()
            .any(|c| *c == dep.name || *c == dep.package);
    let member_ok = opts.packages.is_empty()
        || m.package
            .as_ref()
            .is_some_and(|p| opts.packages.iter().any(|x| x == p));
    crate_ok && member_ok
}

/// Names on the command line that match nothing are errors, not no-ops.
fn check_selection(ws: &Workspace, opts: &Options) -> Result<()> {
    let members: HashSet<&str> = ws
        .manifests
        .iter()
        .filter_map(|m| m.package.as_deref())
        .collect();
    for p in &opts.packages {
        if !members.contains(p.as_str()) {
            bail!("`-p {p}`: no workspace member is named `{p}`");
        }
    }
    for c in &opts.crates {
        let known = ws
            .manifests
            .iter()
            .flat_map(|m| &m.deps)
            .any(|d| d.name == *c || d.package == *c);
        if !known {
            bail!("no dependency named `{c}` in the workspace");
        }
    }
    Ok(())
}
