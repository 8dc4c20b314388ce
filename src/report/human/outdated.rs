//! `outdated`'s human report: one row per crate (and locked version) with
//! newer releases, the number of places that require it, where it can move
//! and what holds the rest back, grouped by status; then a summary and the
//! commands to run next.

use std::collections::BTreeMap;

use anstyle::AnsiColor;
use comfy_table::{CellAlignment, ColumnConstraint};

use super::{colour, plural, table, wrap};
use crate::audit::outdated::{Entry, ReleaseEntry};
use crate::audit::release::Status;
use crate::report::{Style, held_back};
use crate::workspace::requirement::compatible;

/// The requirements of one crate locked at one version.
struct Row<'a> {
    /// Every requirement; the first stands for their shared releases.
    entries: Vec<&'a Entry>,
}

impl Row<'_> {
    fn first(&self) -> &Entry {
        self.entries[0]
    }

    /// The vetted release `upgrade` moves to, and a newer vetted one
    /// across the semver-compatibility boundary (`--breaking`).
    fn vetted(&self) -> (Option<&ReleaseEntry>, Option<&ReleaseEntry>) {
        let e = self.first();
        let locked = e.locked.as_deref();
        let mut vetted = e
            .releases
            .iter()
            .rev()
            .filter(|r| r.status == Status::Vetted);
        let newest = vetted.next();
        match newest {
            Some(r) if breaking(locked, &r.version) => {
                let compatible = vetted.find(|c| !breaking(locked, &c.version));
                (compatible, Some(r))
            }
            r => (r, None),
        }
    }

    /// The newest held-back release nothing holds back but vetting.
    fn newest_unvetted(&self) -> Option<&ReleaseEntry> {
        held_back(self.first())
            .into_iter()
            .rev()
            .find(|r| r.status == Status::Unvetted)
    }
}

fn breaking(locked: Option<&str>, to: &str) -> bool {
    match (
        locked.and_then(|l| semver::Version::parse(l).ok()),
        semver::Version::parse(to).ok(),
    ) {
        (Some(l), Some(t)) => !compatible(&l, &t),
        _ => false,
    }
}

/// A row's key: crate, registry, locked version (in semver order, then as
/// written).
type RowKey<'a> = (&'a str, &'a str, Option<semver::Version>, Option<&'a str>);

/// The entries grouped by crate, registry and locked version, in crate
/// order.
fn rows(entries: &[Entry]) -> Vec<Row<'_>> {
    let mut groups: BTreeMap<RowKey<'_>, Row<'_>> = BTreeMap::new();
    for e in entries {
        let locked = e.locked.as_deref();
        let key = (
            e.package.as_str(),
            e.registry.as_str(),
            locked.and_then(|l| semver::Version::parse(l).ok()),
            locked,
        );
        groups
            .entry(key)
            .or_insert_with(|| Row {
                entries: Vec::new(),
            })
            .entries
            .push(e);
    }
    groups.into_values().collect()
}

/// `1.0.152`, `1.0.152, 1.0.154`, or `1.0.152–1.0.160 (5)`; every one
/// under `-v`. A release without a publish time says so.
fn versions(vs: &[&ReleaseEntry], verbose: bool) -> String {
    let unknown = vs.iter().filter(|r| r.published.is_none()).count();
    if vs.len() > 2 && !verbose {
        let (first, last) = (&vs[0].version, &vs[vs.len() - 1].version);
        return match unknown {
            0 => format!("{first}–{last} ({})", vs.len()),
            k => format!("{first}–{last} ({}, {k} of unknown age)", vs.len()),
        };
    }
    vs.iter()
        .map(|r| match r.published {
            Some(_) => r.version.clone(),
            None => format!("{} (age unknown)", r.version),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The "upgrade" cell: where `upgrade` moves (`→ 1.2.1 vetted`), and a
/// vetted release beyond the semver boundary (`--breaking`).
fn upgrade_to(row: &Row<'_>) -> String {
    let (compatible, breaking) = row.vetted();
    let mut lines = Vec::new();
    for (r, how) in [(compatible, ""), (breaking, " (--breaking)")] {
        let Some(r) = r else { continue };
        let mut line = format!("→ {} vetted{how}", r.version);
        if let Some(by) = r
            .vetted_by
            .as_deref()
            .filter(|by| by.starts_with("cargo-vet"))
        {
            line.push_str(&format!(" ({by})"));
        }
        lines.push(line);
    }
    if lines.is_empty() {
        "-".into()
    } else {
        lines.join("\n")
    }
}

/// The "held back" cell: the releases newer than the vetted one (or the
/// locked one) by status, the status with the newest release first; and
/// its colour: red with a denied release, yellow with an unvetted one.
fn held_cell(row: &Row<'_>, verbose: bool) -> (String, Option<AnsiColor>) {
    let e = row.first();
    if e.locked.is_none() {
        return ("not in Cargo.lock".into(), Some(AnsiColor::Red));
    }
    let held = held_back(e);
    let mut by_status: Vec<(Status, Vec<&ReleaseEntry>)> = Vec::new();
    for r in held.iter().rev() {
        match by_status.iter_mut().find(|(s, _)| *s == r.status) {
            Some((_, v)) => v.insert(0, r),
            None => by_status.push((r.status, vec![r])),
        }
    }
    let lines: Vec<String> = by_status
        .iter()
        .map(|(status, vs)| format!("{status}: {}", versions(vs, verbose)))
        .collect();
    let color = [Status::Denied, Status::Unvetted]
        .into_iter()
        .find(|s| by_status.iter().any(|(b, _)| b == s))
        .and_then(colour::status_color);
    if !lines.is_empty() {
        return (lines.join("\n"), color);
    }
    let nothing = if row.vetted() != (None, None) || e.releases.is_empty() {
        "-"
    } else {
        "only yanked or prereleases"
    };
    (nothing.into(), None)
}

/// Where each shown crate is required (`-v`): `alpha: app/Cargo.toml:10,
/// tool/Cargo.toml:9 (as a2)`, a line per crate wrapped to the terminal.
fn places(rows: &[&Row<'_>], style: &Style) -> String {
    let mut out = String::from("\nrequired at:\n");
    for row in rows {
        let at: Vec<String> = row
            .entries
            .iter()
            .map(|e| {
                let at = format!("{}:{}", e.manifest, e.line);
                if e.name == e.package {
                    at
                } else {
                    format!("{at} (as {})", e.name)
                }
            })
            .collect();
        out.push_str(&wrap(
            &format!("  {}: {}", row.first().package, at.join(", ")),
            style,
        ));
    }
    out
}

fn summary(entries: &[Entry], rows: &[Row<'_>], style: &Style) -> String {
    let newer = rows
        .iter()
        .filter(|r| !r.first().releases.is_empty())
        .count();
    let vetted = rows
        .iter()
        .filter(|r| matches!(r.vetted(), (Some(_), _) | (_, Some(_))))
        .count();
    wrap(
        &format!(
            "{} on {}: {newer} with newer releases, {vetted} can move to a vetted release",
            plural(entries.len(), "registry requirement"),
            plural(rows.len(), "crate"),
        ),
        style,
    )
}

/// What to run next: `upgrade` when a vetted release waits, `allow` (one
/// line for every crate's newest unvetted release) when reviews would free
/// some.
fn next_steps(rows: &[Row<'_>], style: &Style) -> String {
    let compatible = rows.iter().filter(|r| r.vetted().0.is_some()).count();
    let across = rows.iter().filter(|r| r.vetted().1.is_some()).count();
    let mut unvetted_breaking = false;
    let unvetted: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            let u = r.newest_unvetted()?;
            unvetted_breaking |= breaking(r.first().locked.as_deref(), &u.version);
            Some(format!("{}@{}", r.first().package, u.version))
        })
        .collect();
    let mut out = String::new();
    if compatible > 0 {
        out.push_str(&heading(
            &format!(
                "To move {} to the vetted release (add --dry-run to see the diff first):",
                plural(compatible, "crate"),
            ),
            style,
        ));
        out.push_str(&command("cargo pin upgrade", style));
    }
    if across > 0 {
        out.push_str(&heading(
            &format!(
                "To {}move {} to the vetted release across a semver boundary:",
                if compatible > 0 { "also " } else { "" },
                plural(across, "crate"),
            ),
            style,
        ));
        out.push_str(&command("cargo pin upgrade --breaking", style));
    }
    out.push_str(&vet_step(&unvetted, unvetted_breaking, style));
    out
}

/// The step that frees releases held back only for want of vetting:
/// `releases` (`crate@version`, each crate's newest unvetted one) in one
/// `cargo pin allow … --reason "…"` line, indented and never wrapped (to
/// copy whole); `breaking` when one lies beyond its crate's semver
/// boundary, so `upgrade` needs `--breaking` after. Nothing when none.
pub(crate) fn vet_step(releases: &[String], breaking: bool, style: &Style) -> String {
    if releases.is_empty() {
        return String::new();
    }
    let what = if releases.len() == 1 {
        "the newest unvetted release".to_string()
    } else {
        format!("the newest unvetted release of {} crates", releases.len())
    };
    let then = if breaking { " --breaking" } else { "" };
    let mut out = heading(
        &format!("To vet {what} once reviewed (then `cargo pin upgrade{then}`):"),
        style,
    );
    out.push_str(&command(
        &format!(
            "cargo pin allow {} --reason \"<why they are trusted>\"",
            releases.join(" ")
        ),
        style,
    ));
    out
}

/// A paragraph of what to do next: a blank line, then `text` wrapped to
/// the terminal.
pub(crate) fn heading(text: &str, style: &Style) -> String {
    format!("\n{}", wrap(text.trim_matches('\n'), style))
}

/// A command to copy: indented, bold when coloured, never wrapped.
pub(crate) fn command(cmd: &str, style: &Style) -> String {
    format!("  {}\n", colour::bold(cmd, style))
}

/// `outdated`'s human report: the table, the summary and what to run
/// next.
pub(crate) fn outdated(entries: &[Entry], style: &Style) -> String {
    let all = rows(entries);
    let shown: Vec<&Row<'_>> = all
        .iter()
        .filter(|r| r.first().locked.is_none() || !r.first().releases.is_empty())
        .collect();
    let mut out = String::new();
    if !shown.is_empty() {
        // The upgrade column only when some crate can move.
        let movable = shown.iter().any(|r| r.vetted() != (None, None));
        let mut header = vec!["crate", "places", "locked"];
        if movable {
            header.push("upgrade");
        }
        header.push("held back");
        let mut t = table(style, &header);
        let mut widths = [0usize; 4];
        for row in &shown {
            let (held, color) = held_cell(row, style.verbose);
            let locked = row.first().locked.as_deref().unwrap_or("-");
            let mut cells = vec![
                comfy_table::Cell::new(&row.first().package),
                comfy_table::Cell::new(row.entries.len()).set_alignment(CellAlignment::Right),
                comfy_table::Cell::new(locked),
            ];
            let to = upgrade_to(row);
            for (w, text) in widths
                .iter_mut()
                .zip([&row.first().package, "", locked, &to])
            {
                let longest = text.lines().map(textwrap::core::display_width).max();
                *w = (*w).max(longest.unwrap_or(0));
            }
            if movable {
                let color = (to != "-").then_some(AnsiColor::Green);
                cells.push(colour::cell(to, color));
            }
            cells.push(colour::cell(held, color));
            t.add_row(cells);
        }
        // Names, counts and versions do not break mid-token (the longest
        // build-metadata versions may, on a narrow terminal); the held-back
        // releases wrap.
        let caps: &[(usize, usize)] = &[(0, 24), (2, 12), (3, 18)];
        if let Some(c) = t.column_mut(1) {
            c.set_constraint(ColumnConstraint::ContentWidth);
        }
        for &(i, cap) in caps {
            if i == 3 && !movable {
                continue;
            }
            if let Some(c) = t.column_mut(i) {
                c.set_constraint(if widths[i] <= cap {
                    ColumnConstraint::ContentWidth
                } else {
                    ColumnConstraint::LowerBoundary(comfy_table::Width::Fixed(cap as u16))
                });
            }
        }
        out.push_str(&t.to_string());
        out.push('\n');
        if style.verbose {
            out.push_str(&places(&shown, style));
        }
    }
    out.push_str(&summary(entries, &all, style));
    out.push_str(&next_steps(&all, style));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(v: &str, status: Status) -> ReleaseEntry {
        ReleaseEntry {
            version: v.into(),
            published: Some("2026-01-01T00:00:00Z".into()),
            yanked: status == Status::Yanked,
            status,
            vetted_by: (status == Status::Vetted).then(|| "pin.toml".into()),
        }
    }

    fn entry(manifest: &str, name: &str, locked: &str, releases: Vec<ReleaseEntry>) -> Entry {
        Entry {
            manifest: manifest.into(),
            line: 3,
            table: "dependencies".into(),
            name: name.into(),
            package: name.into(),
            requirement: format!("={locked}"),
            registry: "crates-io".into(),
            crates_io: true,
            locked: Some(locked.into()),
            latest: releases.last().map(|r| r.version.clone()),
            releases,
        }
    }

    #[test]
    fn one_row_per_crate_with_held_releases_grouped_by_status() {
        let serde = || {
            vec![
                release("1.0.152", Status::Unvetted),
                release("1.0.153", Status::Unvetted),
                release("1.0.154", Status::Unvetted),
                release("1.0.155", Status::TooNew),
            ]
        };
        let entries = [
            entry("a/Cargo.toml", "serde", "1.0.151", serde()),
            entry("b/Cargo.toml", "serde", "1.0.151", serde()),
            entry(
                "a/Cargo.toml",
                "regex",
                "1.13.0",
                vec![release("1.14.0", Status::Vetted)],
            ),
        ];
        let out = outdated(&entries, &Style::default());
        assert!(out.contains("unvetted: 1.0.152–1.0.154 (3)"), "{out}");
        assert!(out.contains("too-new: 1.0.155"), "{out}");
        assert!(out.contains("→ 1.14.0 vetted"), "{out}");
        assert!(!out.contains("only yanked"), "{out}");
        assert_eq!(out.matches("serde").count(), 2, "one row, one allow: {out}");
        assert!(out.contains("│ serde ┆      2 ┆"), "{out}");
        assert!(
            out.contains("3 registry requirements on 2 crates: 2 with newer releases, 1 can move"),
            "{out}"
        );
        assert!(out.contains("\n  cargo pin upgrade\n"), "{out}");
        assert!(
            out.contains("\n  cargo pin allow serde@1.0.154 --reason \"<why they are trusted>\"\n"),
            "{out}"
        );
        let v = outdated(
            &entries,
            &Style {
                verbose: true,
                ..Style::default()
            },
        );
        assert!(v.contains("1.0.152, 1.0.153, 1.0.154"), "{v}");
        assert!(
            v.contains("\n  serde: a/Cargo.toml:3, b/Cargo.toml:3\n"),
            "{v}"
        );
    }

    #[test]
    fn a_vetted_release_across_the_boundary_needs_breaking() {
        let entries = [entry(
            "Cargo.toml",
            "bravo",
            "0.3.1",
            vec![release("0.4.0", Status::Vetted)],
        )];
        let out = outdated(&entries, &Style::default());
        assert!(out.contains("→ 0.4.0 vetted (--breaking)"), "{out}");
        assert!(out.contains("\n  cargo pin upgrade --breaking\n"), "{out}");
        assert!(!out.contains("cargo pin allow"), "{out}");
    }

    #[test]
    fn nothing_newer_means_no_table_and_no_next_step() {
        let entries = [entry("Cargo.toml", "cat", "0.1.1", vec![])];
        let out = outdated(&entries, &Style::default());
        assert_eq!(
            out,
            "1 registry requirement on 1 crate: 0 with newer releases, 0 can move to a vetted release\n"
        );
    }
}
