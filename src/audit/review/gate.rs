//! The gate of a review: only what the pull request introduces is judged.
//!
//! - `yanked`, `too-new`, `unvetted`: the registry rules of
//!   `check --registry`, on introduced registry versions only;
//! - `downgrade`: a package moves to a lower version;
//! - `new-git-source`: a git source appears, or its commit moves;
//! - the requirement rules of `check` (`caret`, `git-branch`, …) on the
//!   manifest requirements the pull request adds or changes.
//!
//! Levels come from pin.toml and `-D/-W/-A`, exemptions from `[[exempt]]`,
//! as in `check`.

use std::sync::Arc;

use anyhow::{Result, bail};
use jiff::Timestamp;

use crate::audit::check::{self, Levels, Triage};
use crate::audit::finding::Finding;
use crate::audit::policy::Policy;
use crate::audit::release::{Criteria, human_age};
use crate::audit::review::diff::{self, Change, Kind};
use crate::audit::review::sides::Sides;
use crate::audit::review::{Introduced, Review, Reviewed, Summary};
use crate::audit::rule::{Level, Rule};
use crate::registry::config::Registry;
use crate::registry::sources::Sources;
use crate::registry::{Index, Progress};
use crate::workspace::lockfile::{Lockfile, Source};
use crate::workspace::manifest::{DepSource, Dependency, GitRef, Manifest};

/// How a review is judged.
pub(crate) struct Gate<'a> {
    pub policy: &'a Policy,
    pub levels: &'a Levels,
    pub now: Timestamp,
    pub offline: bool,
    pub progress: Arc<dyn Progress>,
}

/// Diffs the sides, fetches what the introduced registry versions need,
/// and judges.
pub(crate) fn review(sides: &Sides, sources: &mut Sources, gate: &Gate<'_>) -> Result<Review> {
    let changes = diff::diff(&sides.base_lock, sides.head_lock());
    let mut regs = Vec::with_capacity(changes.len());
    let mut wanted = Vec::new();
    for c in &changes {
        let reg = match &c.source {
            Some(Source::Registry(s)) if !c.introduced.is_empty() => {
                let r = sources.for_lock_source(s)?;
                wanted.push((r.clone(), c.package.clone()));
                Some(r)
            }
            _ => None,
        };
        regs.push(reg);
    }
    let index = if wanted.is_empty() {
        Index::default()
    } else {
        sources.fetch(&wanted, gate.offline, gate.progress.clone())?
    };
    judge(sides, changes, &regs, &index, gate)
}

/// Judges `changes` with the fetched `index`; `regs` holds each change's
/// registry (for introduced registry versions).
fn judge(
    sides: &Sides,
    changes: Vec<Change>,
    regs: &[Option<Registry>],
    index: &Index,
    gate: &Gate<'_>,
) -> Result<Review> {
    let head_lock = sides.head_lock();
    let policy = gate.policy;
    let mut raw = requirement_findings(sides);
    let mut reviewed = Vec::with_capacity(changes.len());
    let mut summary = Summary::default();
    for (c, reg) in changes.into_iter().zip(regs) {
        summary.count(c.kind);
        let finding = |rule: Rule, version: &semver::Version, message: String| {
            let mut f = Finding::file(rule, "Cargo.lock", line_of(head_lock, &c, version), message);
            f.name = Some(c.package.clone());
            f.package = Some(c.package.clone());
            f.locked = Some(version.to_string());
            f
        };
        let mut introduced = Vec::new();
        if c.kind == Kind::Downgraded
            && let (Some(from), Some(to)) = (c.from.last(), c.introduced.last())
        {
            raw.push(finding(
                Rule::Downgrade,
                to,
                format!("`{}` moves down from {from} to {to}", c.package),
            ));
        }
        if let Some(Source::Git(g)) = &c.source
            && matches!(c.kind, Kind::Added | Kind::SourceChanged)
            && let Some(v) = c.introduced.first()
        {
            let message = match &c.from_source {
                Some(Source::Git(old)) if old.url == g.url => format!(
                    "`{}` moves from commit {} to commit {} of {}; review the commits in between",
                    c.package, old.commit, g.commit, g.url
                ),
                _ => format!(
                    "`{}` now comes from git, {} at commit {}; no registry vets a git source",
                    c.package, g.url, g.commit
                ),
            };
            raw.push(finding(Rule::NewGitSource, v, message));
        }
        match (&c.source, reg) {
            (Some(Source::Registry(_)), Some(reg)) => {
                let Some(releases) = index.releases(reg, &c.package) else {
                    bail!(
                        "internal error: no index data for `{}` from registry {}",
                        c.package,
                        reg.describe()
                    );
                };
                let criteria = Criteria::new(&sides.ws, policy, reg, gate.now);
                for v in &c.introduced {
                    let Some(release) = releases.iter().find(|r| r.version == *v) else {
                        bail!(
                            "Cargo.lock:{}: registry {} has no release {v} of `{}` (was it deleted, or is Cargo.lock from another registry?)",
                            line_of(head_lock, &c, v).unwrap_or(1),
                            reg.describe(),
                            c.package
                        );
                    };
                    if let Some(d) = policy.denied(&c.package, v) {
                        raw.push(finding(
                            Rule::Denied,
                            v,
                            format!(
                                "`{} {v}` is introduced, and {}:{} denies it: {}",
                                c.package, d.file, d.line, d.reason
                            ),
                        ));
                    }
                    if release.yanked {
                        raw.push(finding(
                            Rule::Yanked,
                            v,
                            format!(
                                "`{} {v}` is introduced, and was yanked from {}",
                                c.package, reg.name
                            ),
                        ));
                    }
                    if criteria.too_new(release) {
                        let age = criteria.age(release).map(human_age).unwrap_or_default();
                        let cooldown = criteria.cooldown.map(human_age).unwrap_or_default();
                        raw.push(finding(
                            Rule::TooNew,
                            v,
                            format!(
                                "`{} {v}` is introduced, published {age} ago, less than the {cooldown} cooldown",
                                c.package
                            ),
                        ));
                    }
                    let vetted = policy
                        .vetted
                        .iter()
                        .find(|e| e.krate == c.package && e.versions.contains(v));
                    // Vetting from an imported cargo-vet store counts too.
                    let vetted_by = policy.vetted_by(&c.package, v);
                    if policy.vetting.introduced(c.direct) && vetted_by.is_none() {
                        raw.push(finding(
                            Rule::Unvetted,
                            v,
                            format!(
                                "`{} {v}` is introduced ({}) and no reviewer vetted it; `cargo pin allow {}@{v} --reason ...` records a review",
                                c.package,
                                if c.direct { "a direct dependency" } else { "a transitive dependency" },
                                c.package
                            ),
                        ));
                    }
                    introduced.push(Introduced {
                        version: v.to_string(),
                        published: release.pubtime.map(|t| t.to_string()),
                        age_days: criteria.age(release).map(|d| d.as_secs() / 86_400),
                        yanked: release.yanked,
                        rust_version: release.rust_version.as_ref().map(ToString::to_string),
                        status: Some(criteria.status(&c.package, release)),
                        vetted_because: vetted.map(|e| e.reason.clone()).or(vetted_by),
                    });
                }
            }
            (Some(_), _) => {
                introduced.extend(c.introduced.iter().map(|v| Introduced {
                    version: v.to_string(),
                    published: None,
                    age_days: None,
                    yanked: false,
                    rust_version: None,
                    status: None,
                    vetted_because: None,
                }));
            }
            (None, _) => {}
        }
        reviewed.push(Reviewed {
            crates_io: reg.as_ref().is_some_and(Registry::is_crates_io),
            change: c,
            introduced,
        });
    }
    let triage = Triage::new(policy, gate.levels, crate::context::today(gate.now));
    let mut findings = Vec::new();
    for mut f in raw {
        if triage.exempt(&f) {
            summary.exempted += 1;
            continue;
        }
        f.level = triage.level(f.rule);
        match f.level {
            Level::Allow => summary.allowed += 1,
            Level::Warn => summary.warn += 1,
            Level::Deny => summary.deny += 1,
        }
        if f.level != Level::Allow {
            findings.push(f);
        }
    }
    Ok(Review {
        base: sides.base.clone(),
        head: sides.head.clone(),
        changes: reviewed,
        findings,
        summary,
    })
}

/// The head lockfile's line for `version` of the changed package.
fn line_of(lock: &Lockfile, c: &Change, version: &semver::Version) -> Option<usize> {
    let same = |s: &Source| match &c.source {
        Some(cs) => cs == s,
        None => *s == Source::Local,
    };
    lock.named(&c.package)
        .filter(|p| p.version == *version)
        .find(|p| same(&p.source))
        .or_else(|| lock.named(&c.package).find(|p| p.version == *version))
        .map(|p| p.line)
        .or(c.line)
}

/// The rules of `check` that judge a requirement as written.
fn judges_requirements(rule: Rule) -> bool {
    rule.is_requirement_rule()
        || matches!(rule, Rule::GitBranch | Rule::GitTag | Rule::LockfileStale)
}

/// `check`'s requirement findings on the head side, for the requirements
/// the base side lacks or wrote otherwise.
fn requirement_findings(sides: &Sides) -> Vec<Finding> {
    let mut unused = crate::audit::finding::Summary::default();
    check::found(&sides.ws, &mut unused)
        .into_iter()
        .filter(|f| judges_requirements(f.finding.rule))
        .filter(|f| match f.at {
            Some(at) => {
                let (m, dep) = sides.ws.dep(at);
                changed(&sides.base_manifests, m, dep)
            }
            None => true,
        })
        .map(|f| f.finding)
        .collect()
}

/// Is `dep` of `m` new, or written otherwise, compared with the base?
fn changed(base: &[Manifest], m: &Manifest, dep: &Dependency) -> bool {
    let Some(old) = base.iter().find(|b| b.rel == m.rel) else {
        return true;
    };
    !old.deps
        .iter()
        .any(|d| d.table == dep.table && d.name == dep.name && signature(d) == signature(dep))
}

/// What of a dependency the requirement rules judge, as one string.
fn signature(d: &Dependency) -> String {
    match &d.source {
        DepSource::Inherited => "workspace".into(),
        DepSource::Path => "path".into(),
        DepSource::Registry {
            requirement,
            registry,
            ..
        } => format!("registry {registry:?} {requirement:?}"),
        DepSource::Git(g) => {
            let reference = match &g.reference {
                GitRef::DefaultBranch => String::new(),
                GitRef::Branch(s) => format!("branch={}", s.value),
                GitRef::Tag(s) => format!("tag={}", s.value),
                GitRef::Rev(s) => format!("rev={}", s.value),
            };
            format!("git {} {reference}", g.url)
        }
    }
}
