//! Reports of `cargo pin outdated`: a table for a terminal, JSON, and a
//! minimal Markdown table.

use comfy_table::Cell;
use serde::Serialize;

use super::Style;
use crate::outdated::{Entry, ReleaseEntry};
use crate::release_status::Status;

/// How many held-back releases a table cell lists before `+N more`.
const HELD_SHOWN: usize = 3;

/// Releases that are candidates but held back: newer than the newest
/// vetted one (or than the locked one), neither yanked nor prereleases.
fn held_back(e: &Entry) -> Vec<&ReleaseEntry> {
    let start = e
        .releases
        .iter()
        .rposition(|r| r.status == Status::Vetted)
        .map_or(0, |i| i + 1);
    e.releases[start..]
        .iter()
        .filter(|r| !matches!(r.status, Status::Yanked | Status::Prerelease))
        .collect()
}

fn held_text(e: &Entry) -> String {
    if e.locked.is_none() {
        return "not in Cargo.lock".into();
    }
    let held = held_back(e);
    if held.is_empty() {
        return if e.releases.is_empty() {
            "-".into()
        } else {
            "only yanked or prereleases".into()
        };
    }
    let mut parts: Vec<String> = held
        .iter()
        .rev()
        .take(HELD_SHOWN)
        .map(|r| format!("{} {}", r.version, r.status))
        .collect();
    if held.len() > HELD_SHOWN {
        parts.push(format!("+{} more", held.len() - HELD_SHOWN));
    }
    parts.join(", ")
}

fn dependency(e: &Entry) -> String {
    if e.name == e.package {
        e.name.clone()
    } else {
        format!("{} ({})", e.name, e.package)
    }
}

/// Entries worth a row: something newer, or nothing locked.
fn shown(entries: &[Entry]) -> Vec<&Entry> {
    entries
        .iter()
        .filter(|e| e.locked.is_none() || !e.releases.is_empty())
        .collect()
}

fn summary(entries: &[Entry]) -> String {
    let newer = entries.iter().filter(|e| !e.releases.is_empty()).count();
    let vetted = entries
        .iter()
        .filter(|e| e.newest_vetted().is_some())
        .count();
    format!(
        "{} registry requirements: {newer} with newer releases, {vetted} can move to a vetted release\n",
        entries.len()
    )
}

/// The human table.
pub fn human(entries: &[Entry], style: &Style) -> String {
    let rows = shown(entries);
    let mut out = String::new();
    if !rows.is_empty() {
        let mut t = super::human::table(
            style,
            &[
                "location",
                "dependency",
                "locked",
                "latest",
                "vetted",
                "held back",
            ],
        );
        for e in rows {
            t.add_row(vec![
                Cell::new(format!("{}:{}", e.manifest, e.line)),
                Cell::new(dependency(e)),
                Cell::new(e.locked.as_deref().unwrap_or("-")),
                Cell::new(e.latest.as_deref().unwrap_or("-")),
                Cell::new(e.newest_vetted().map_or("-", |r| r.version.as_str())),
                Cell::new(held_text(e)),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    out.push_str(&summary(entries));
    out
}

#[derive(Serialize)]
struct Json<'a> {
    schema_version: u32,
    dependencies: &'a [Entry],
}

/// `outdated --format json`.
pub fn json(entries: &[Entry]) -> String {
    super::json::to_string(&Json {
        schema_version: super::json::SCHEMA_VERSION,
        dependencies: entries,
    })
}

/// `outdated --format markdown`: one table of pending releases.
pub fn markdown(entries: &[Entry]) -> String {
    let mut out = String::from("## Pending releases\n\n");
    let rows = shown(entries);
    if rows.is_empty() {
        out.push_str("Every registry requirement is at its latest release.\n\n");
    } else {
        out.push_str("| location | dependency | locked | latest | vetted | held back |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for e in rows {
            out.push_str(&format!(
                "| `{}:{}` | `{}` | {} | {} | {} | {} |\n",
                e.manifest,
                e.line,
                dependency(e),
                e.locked.as_deref().unwrap_or("-"),
                e.latest.as_deref().unwrap_or("-"),
                e.newest_vetted().map_or("-", |r| r.version.as_str()),
                held_text(e).replace('|', "\\|")
            ));
        }
        out.push('\n');
    }
    out.push_str(&summary(entries));
    out
}
