//! `outdated`'s Markdown report: a page a reviewer vets releases from (their age, their status and
//! links to each release's page, documentation and source diff).

use std::collections::HashSet;

use jiff::Timestamp;

use super::{COLLAPSE_ROWS, Md, Table, count, dependency_name, details, file_line};
use crate::audit::outdated::{Entry, ReleaseEntry};
use crate::audit::release::Status;
use crate::report::{HELD_SHOWN, SourceRoot, held_back, shown};

/// `outdated --format markdown`: a headline, a table of the requirements
/// with newer releases, a table of the pending releases with their age,
/// status and the links a reviewer vets them with, and the remedy. `now`
/// is the clock ages are counted from; `root` anchors the locations.
pub(crate) fn outdated(entries: &[Entry], now: Timestamp, root: &SourceRoot) -> String {
    let rows = shown(entries);
    let groups = pending(entries);
    let newer = entries.iter().filter(|e| !e.releases.is_empty()).count();
    let movable: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.newest_vetted().is_some())
        .collect();
    let mut out = String::new();
    if newer == 0 {
        out.push_str(&format!(
            "## ✅ cargo pin outdated: no newer release for {}\n\n",
            count(
                entries.len(),
                "registry requirement",
                "registry requirements"
            )
        ));
    } else {
        out.push_str(&format!(
            "## cargo pin outdated: {newer} of {} {} newer releases, {} can move to a vetted release\n\n",
            count(entries.len(), "registry requirement", "registry requirements"),
            if newer == 1 { "has" } else { "have" },
            movable.len()
        ));
    }
    let unlocked = entries.iter().filter(|e| e.locked.is_none()).count();
    if unlocked > 0 {
        out.push_str(&format!(
            "{} not in Cargo.lock: {} newer releases are unknown.\n",
            count(unlocked, "requirement is", "requirements are"),
            if unlocked == 1 { "its" } else { "their" }
        ));
    }
    if !groups.is_empty() {
        let total: usize = groups.iter().map(|g| g.releases.len()).sum();
        out.push_str(&format!(
            "{} of {}: {}.\n",
            count(total, "pending release", "pending releases"),
            count(groups.len(), "crate", "crates"),
            status_counts(groups.iter().flat_map(|g| g.releases))
        ));
    }
    if !movable.is_empty() {
        let mut names: Vec<&str> = movable.iter().map(|e| e.package.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        out.push_str(&format!(
            "\nReady to move now: {}\n",
            Md::code(&format!("cargo pin upgrade {}", names.join(" ")))
        ));
    }
    if !rows.is_empty() {
        out.push_str("\n### Requirements\n\n");
        let t = requirements_table(&rows, root);
        if t.len() > COLLAPSE_ROWS {
            out.push_str(&details(
                &count(t.len(), "requirement", "requirements"),
                &t.render(),
            ));
        } else {
            out.push_str(&t.render());
        }
    }
    if !groups.is_empty() {
        out.push_str("\n### Pending releases\n\n");
        out.push_str(&pending_section(&groups, now));
        out.push_str(
            "\nTo adopt a release, read its diff, record it as vetted with \
             `cargo pin allow CRATE@VERSION --reason \"…\"`, then move the pins and \
             Cargo.lock to the newest vetted release with `cargo pin upgrade CRATE`.\n",
        );
    }
    out
}

fn version_or_dash(v: Option<&str>) -> Md {
    v.map_or_else(|| Md::text("—"), Md::code)
}

/// What holds back the releases newer than the newest vetted one.
fn held_md(e: &Entry) -> Md {
    if e.locked.is_none() {
        return Md::text("not in Cargo.lock");
    }
    let held = held_back(e);
    if held.is_empty() {
        return Md::text(if e.releases.is_empty() {
            "—"
        } else {
            "only yanked or prereleases"
        });
    }
    let mut parts: Vec<Md> = held
        .iter()
        .rev()
        .take(HELD_SHOWN)
        .map(|r| Md::join([Md::code(&r.version), Md::text(r.status.as_str())], " "))
        .collect();
    if held.len() > HELD_SHOWN {
        parts.push(Md::text(&format!("+{} more", held.len() - HELD_SHOWN)));
    }
    Md::join(parts, ", ")
}

fn requirements_table(rows: &[&Entry], root: &SourceRoot) -> Table {
    let mut t = Table::new(&[
        "location",
        "dependency",
        "requirement",
        "locked",
        "latest",
        "newest vetted",
        "held back",
    ]);
    for e in rows {
        t.row(vec![
            file_line(root, &e.manifest, Some(e.line)),
            dependency_name(&e.name, &e.package),
            Md::code(&e.requirement),
            version_or_dash(e.locked.as_deref()),
            version_or_dash(e.latest.as_deref()),
            version_or_dash(e.newest_vetted().map(|r| r.version.as_str())),
            held_md(e),
        ]);
    }
    t
}

/// The releases newer than one locked version of one crate. Requirements
/// that share a crate, its registry and its locked version share a group,
/// so a release is listed once however many manifests name the crate.
struct Pending<'a> {
    package: &'a str,
    locked: &'a str,
    crates_io: bool,
    releases: &'a [ReleaseEntry],
}

fn pending(entries: &[Entry]) -> Vec<Pending<'_>> {
    let mut seen = HashSet::new();
    let mut out: Vec<Pending<'_>> = Vec::new();
    for e in entries {
        let Some(locked) = e.locked.as_deref() else {
            continue;
        };
        if e.releases.is_empty() || !seen.insert((&e.package, &e.registry, locked)) {
            continue;
        }
        out.push(Pending {
            package: &e.package,
            locked,
            crates_io: e.crates_io,
            releases: &e.releases,
        });
    }
    out
}

/// `2 vetted, 1 too-new`: the statuses present, the actionable first.
fn status_counts<'a>(releases: impl Iterator<Item = &'a ReleaseEntry> + Clone) -> String {
    const ORDER: [Status; 7] = [
        Status::Vetted,
        Status::Unvetted,
        Status::TooNew,
        Status::IncompatibleRust,
        Status::Prerelease,
        Status::Yanked,
        Status::Denied,
    ];
    ORDER
        .iter()
        .filter_map(|s| {
            let n = releases.clone().filter(|r| r.status == *s).count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One table of every pending release; collapsed past [`COLLAPSE_ROWS`]
/// rows.
fn pending_section(groups: &[Pending<'_>], now: Timestamp) -> String {
    // Links only where the sites know the crate: crates.io's crates.
    let links = groups.iter().any(|g| g.crates_io);
    let total: usize = groups.iter().map(|g| g.releases.len()).sum();
    let table = |groups: &[Pending<'_>]| {
        let mut header = vec!["crate", "locked", "release", "published", "age", "status"];
        if links {
            header.push("vet with");
        }
        let mut t = Table::new(&header).right(4);
        for g in groups {
            for r in g.releases {
                let mut row = vec![
                    Md::code(g.package),
                    Md::code(g.locked),
                    Md::code(&r.version),
                    published(r),
                    age(r, now),
                    Md::text(r.status.as_str()),
                ];
                if links {
                    row.push(if g.crates_io {
                        review_links(g.package, g.locked, &r.version)
                    } else {
                        Md::text("—")
                    });
                }
                t.row(row);
            }
        }
        t.render()
    };
    if total <= COLLAPSE_ROWS {
        return table(groups);
    }
    // Past the limit, the one table collapsed (never small blocks of a few
    // rows each), its summary saying what is in it.
    details(
        &format!(
            "{} of {} ({})",
            count(total, "pending release", "pending releases"),
            count(groups.len(), "crate", "crates"),
            status_counts(groups.iter().flat_map(|g| g.releases))
        ),
        &table(groups),
    )
}

/// The publish date, or a dash when the registry does not say.
fn published(r: &ReleaseEntry) -> Md {
    match r
        .published
        .as_deref()
        .and_then(|p| p.parse::<Timestamp>().ok())
    {
        Some(t) => Md::text(
            &t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date()
                .to_string(),
        ),
        None => Md::text("—"),
    }
}

/// Whole days since the release was published, by `now`.
fn age(r: &ReleaseEntry, now: Timestamp) -> Md {
    match r
        .published
        .as_deref()
        .and_then(|p| p.parse::<Timestamp>().ok())
    {
        Some(t) => {
            let days = (now.duration_since(t).as_secs() / 86_400).max(0);
            Md::text(&count(days as usize, "day", "days"))
        }
        None => Md::text("age unknown"),
    }
}

/// The pages a reviewer vets a crates.io release with: the release on
/// crates.io, its documentation on docs.rs, and its source diff from the
/// locked version on diff.rs.
fn review_links(package: &str, locked: &str, version: &str) -> Md {
    Md::join(
        [
            Md::link(
                Md::text("crates.io"),
                &format!("https://crates.io/crates/{package}/{version}"),
            ),
            Md::link(
                Md::text("docs.rs"),
                &format!("https://docs.rs/{package}/{version}"),
            ),
            Md::link(
                Md::text("diff"),
                &format!("https://diff.rs/{package}/{locked}/{version}"),
            ),
        ],
        " · ",
    )
}

#[cfg(test)]
#[path = "outdated_tests.rs"]
mod tests;
