//! The lockfile diff: every package that differs between two lockfiles,
//! keyed by name and source, several versions of one crate handled as
//! sets, and for each change whether a workspace package depends on it
//! directly, with one path that pulls it in otherwise. Pure: no I/O.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use semver::Version;
use serde::Serialize;

use crate::workspace::lockfile::{Lockfile, Package, Source};

/// What happened to a package between base and head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// New on the head side (or another version of it was added).
    Added,
    /// Gone on the head side (or one of its versions was).
    Removed,
    /// Moved to a higher version.
    Upgraded,
    /// Moved to a lower version.
    Downgraded,
    /// Moved between sources: registry ↔ git, another registry, or a git
    /// commit that moved.
    SourceChanged,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Added => "added",
            Kind::Removed => "removed",
            Kind::Upgraded => "upgraded",
            Kind::Downgraded => "downgraded",
            Kind::SourceChanged => "source-changed",
        }
    }
}

/// One package that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub package: String,
    /// The source on the head side (the base side's for a removal); `None`
    /// for workspace and path packages.
    pub source: Option<Source>,
    /// The source on the base side, when it differs from `source`.
    pub from_source: Option<Source>,
    pub kind: Kind,
    /// Every version locked on the base side, ascending.
    pub from: Vec<Version>,
    /// Every version locked on the head side, ascending.
    pub to: Vec<Version>,
    /// Versions the head side has that the base side did not, from this
    /// source: what the change introduces (ascending).
    pub introduced: Vec<Version>,
    /// A workspace package depends on it.
    pub direct: bool,
    /// One path that pulls it in: a workspace package first, then each
    /// package down to (not including) this one. Empty when nothing
    /// depends on it (a workspace package itself).
    pub via: Vec<String>,
    /// The 1-based line of the package's entry in the head lockfile (the
    /// base lockfile's for a removal).
    pub line: Option<usize>,
}

/// The source part of the key: registry index URL, git repository URL
/// (the commit is compared, not keyed), `path` for local packages.
fn source_key(s: &Source) -> String {
    match s {
        Source::Registry(r) => r.clone(),
        Source::Git(g) => format!("git+{}", g.url),
        Source::Local => String::new(),
        Source::Other(o) => o.clone(),
    }
}

/// The packages of one side grouped by (name, source key).
struct Side<'a> {
    groups: BTreeMap<(&'a str, String), Vec<usize>>,
    graph: Graph,
}

impl<'a> Side<'a> {
    fn new(lock: &'a Lockfile) -> Side<'a> {
        let mut groups: BTreeMap<(&str, String), Vec<usize>> = BTreeMap::new();
        for (i, p) in lock.packages.iter().enumerate() {
            groups
                .entry((p.name.as_str(), source_key(&p.source)))
                .or_default()
                .push(i);
        }
        Side {
            groups,
            graph: Graph::new(lock),
        }
    }
}

/// Who pulls each package in: the parent on one shortest path from a
/// workspace package, found by a breadth-first walk of the lockfile's
/// dependency edges.
struct Graph {
    /// `parent[i]`: the package that pulls `i` in; `None` for roots and
    /// for what nothing reaches.
    parent: Vec<Option<usize>>,
    /// Some local package (a workspace member or path dependency) lists it.
    direct: Vec<bool>,
}

impl Graph {
    fn new(lock: &Lockfile) -> Graph {
        let n = lock.packages.len();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in lock.packages.iter().enumerate() {
            by_name.entry(p.name.as_str()).or_default().push(i);
        }
        let root: Vec<bool> = lock
            .packages
            .iter()
            .map(|p| p.source == Source::Local)
            .collect();
        let mut parent = vec![None; n];
        let mut direct = vec![false; n];
        let mut seen = root.clone();
        let mut queue: VecDeque<usize> = (0..n).filter(|&i| root[i]).collect();
        while let Some(i) = queue.pop_front() {
            for entry in &lock.packages[i].dependencies {
                let Some(j) = resolve(&lock.packages, &by_name, entry) else {
                    continue;
                };
                if root[i] {
                    direct[j] = true;
                }
                if !seen[j] {
                    seen[j] = true;
                    parent[j] = Some(i);
                    queue.push_back(j);
                }
            }
        }
        Graph { parent, direct }
    }

    /// Does a workspace package depend on any of `ids` directly, and one
    /// path to the first reachable of them.
    fn via(&self, lock: &Lockfile, ids: &[usize]) -> (bool, Vec<String>) {
        let direct = ids.iter().any(|&i| self.direct[i]);
        let mut best: Option<Vec<String>> = None;
        for &i in ids {
            let mut path = Vec::new();
            let mut at = self.parent[i];
            while let Some(p) = at {
                path.push(lock.packages[p].name.clone());
                at = self.parent[p];
            }
            path.reverse();
            if !path.is_empty() && best.as_ref().is_none_or(|b| path.len() < b.len()) {
                best = Some(path);
            }
        }
        (direct, best.unwrap_or_default())
    }
}

/// The package a lockfile dependency entry (`name`, `name version`,
/// `name version (source)`) names.
fn resolve(
    packages: &[Package],
    by_name: &HashMap<&str, Vec<usize>>,
    entry: &str,
) -> Option<usize> {
    let mut parts = entry.splitn(3, ' ');
    let name = parts.next()?;
    let candidates = by_name.get(name)?;
    if candidates.len() == 1 {
        return Some(candidates[0]);
    }
    let version = parts.next().and_then(|v| Version::parse(v).ok());
    let source = parts
        .next()
        .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
    candidates.iter().copied().find(|&i| {
        let p = &packages[i];
        version.as_ref().is_none_or(|v| *v == p.version)
            && source.is_none_or(|s| Source::parse(s) == p.source)
    })
}

fn versions(lock: &Lockfile, ids: &[usize]) -> BTreeSet<Version> {
    ids.iter()
        .map(|&i| lock.packages[i].version.clone())
        .collect()
}

fn commits(lock: &Lockfile, ids: &[usize]) -> BTreeSet<String> {
    ids.iter()
        .filter_map(|&i| match &lock.packages[i].source {
            Source::Git(g) => Some(g.commit.clone()),
            _ => None,
        })
        .collect()
}

fn shown_source(s: &Source) -> Option<Source> {
    (*s != Source::Local).then(|| s.clone())
}

/// Every package that differs between `base` and `head`, sorted by name
/// then source.
pub fn diff(base: &Lockfile, head: &Lockfile) -> Vec<Change> {
    let b = Side::new(base);
    let h = Side::new(head);
    let mut out = Vec::new();
    // Keys on one side only, by name, to pair them as source changes.
    let mut base_only: BTreeMap<&str, Vec<&[usize]>> = BTreeMap::new();
    let mut head_only: BTreeMap<&str, Vec<&[usize]>> = BTreeMap::new();
    for (key, ids) in &b.groups {
        if !h.groups.contains_key(key) {
            base_only.entry(key.0).or_default().push(ids);
        }
    }
    for (key, ids) in &h.groups {
        match b.groups.get(key) {
            None => head_only.entry(key.0).or_default().push(ids),
            Some(bids) => {
                if let Some(c) = same_source(base, &b, bids, head, &h, ids) {
                    out.push(c);
                }
            }
        }
    }
    for (name, hids) in &head_only {
        let hids: Vec<usize> = hids.iter().flat_map(|s| s.iter().copied()).collect();
        let to = versions(head, &hids);
        let (direct, via) = h.graph.via(head, &hids);
        let first = &head.packages[hids[0]];
        match base_only.remove(name) {
            Some(bids) => {
                let bids: Vec<usize> = bids.iter().flat_map(|s| s.iter().copied()).collect();
                out.push(Change {
                    package: name.to_string(),
                    source: shown_source(&first.source),
                    from_source: shown_source(&base.packages[bids[0]].source),
                    kind: Kind::SourceChanged,
                    from: versions(base, &bids).into_iter().collect(),
                    introduced: to.iter().cloned().collect(),
                    to: to.into_iter().collect(),
                    direct,
                    via,
                    line: Some(first.line),
                });
            }
            None => out.push(Change {
                package: name.to_string(),
                source: shown_source(&first.source),
                from_source: None,
                kind: Kind::Added,
                from: Vec::new(),
                introduced: to.iter().cloned().collect(),
                to: to.into_iter().collect(),
                direct,
                via,
                line: Some(first.line),
            }),
        }
    }
    for (name, bids) in &base_only {
        let bids: Vec<usize> = bids.iter().flat_map(|s| s.iter().copied()).collect();
        let (direct, via) = b.graph.via(base, &bids);
        let first = &base.packages[bids[0]];
        out.push(Change {
            package: name.to_string(),
            source: shown_source(&first.source),
            from_source: None,
            kind: Kind::Removed,
            from: versions(base, &bids).into_iter().collect(),
            to: Vec::new(),
            introduced: Vec::new(),
            direct,
            via,
            line: Some(first.line),
        });
    }
    out.sort_by_cached_key(|c| (c.package.clone(), c.source.as_ref().map(source_key)));
    out
}

/// The change of one (name, source) present on both sides, if any.
fn same_source(
    base: &Lockfile,
    b: &Side<'_>,
    bids: &[usize],
    head: &Lockfile,
    h: &Side<'_>,
    hids: &[usize],
) -> Option<Change> {
    let from = versions(base, bids);
    let to = versions(head, hids);
    let moved = commits(base, bids) != commits(head, hids);
    let gone: Vec<&Version> = from.difference(&to).collect();
    let new: Vec<Version> = to.difference(&from).cloned().collect();
    let kind = if moved {
        Kind::SourceChanged
    } else {
        match (gone.last(), new.last()) {
            (None, None) => return None,
            (None, Some(_)) => Kind::Added,
            (Some(_), None) => Kind::Removed,
            (Some(g), Some(n)) if n > g => Kind::Upgraded,
            (Some(_), Some(_)) => Kind::Downgraded,
        }
    };
    let head_side = kind != Kind::Removed;
    let (lock, side, ids) = if head_side {
        (head, h, hids)
    } else {
        (base, b, bids)
    };
    let (direct, via) = side.graph.via(lock, ids);
    let first = &lock.packages[ids[0]];
    let introduced = if moved {
        to.iter().cloned().collect()
    } else {
        new
    };
    let line = match introduced.first() {
        Some(v) => ids
            .iter()
            .map(|&i| &lock.packages[i])
            .find(|p| p.version == *v)
            .map(|p| p.line),
        None => Some(first.line),
    };
    Some(Change {
        package: first.name.clone(),
        source: shown_source(&first.source),
        from_source: if moved {
            shown_source(&base.packages[bids[0]].source)
        } else {
            None
        },
        kind,
        from: from.into_iter().collect(),
        to: to.into_iter().collect(),
        introduced,
        direct,
        via,
        line,
    })
}

#[cfg(test)]
mod tests;
