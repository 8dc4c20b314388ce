//! `outdated`'s human report: a table of the requirements with newer
//! releases (or none locked), then a summary line.

use comfy_table::Cell;

use super::table;
use crate::audit::outdated::Entry;
use crate::report::{HELD_SHOWN, Style, held_back, shown};

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
        .map(|r| match r.published {
            Some(_) => format!("{} {}", r.version, r.status),
            None => format!("{} {} (age unknown)", r.version, r.status),
        })
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

/// `outdated`'s human report: the table and the summary.
pub(crate) fn outdated(entries: &[Entry], style: &Style) -> String {
    let rows = shown(entries);
    let mut out = String::new();
    if !rows.is_empty() {
        let mut t = table(
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
                Cell::new(e.newest_vetted().map_or_else(
                    || "-".to_string(),
                    |r| match r.vetted_by.as_deref() {
                        Some(by) if by.starts_with("cargo-vet") => format!("{} ({by})", r.version),
                        _ => r.version.clone(),
                    },
                )),
                Cell::new(held_text(e)),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    out.push_str(&summary(entries));
    out
}
