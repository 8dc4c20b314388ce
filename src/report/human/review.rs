//! `review`'s human report: a table of the changes, direct ones first,
//! the gate's findings, and a verdict line.

use comfy_table::Cell;

use super::{colour, keep_whole, level_cell, plural, table, wrap};
use crate::audit::review::{Review, Reviewed};
use crate::report::Style;

/// `review`'s human report.
pub(crate) fn review(r: &Review, style: &Style) -> String {
    let mut out = format!("Cargo.lock: {} → {}\n", side(&r.base), side(&r.head));
    if r.changes.is_empty() {
        out.push_str("no package changed\n");
    } else {
        let mut t = table(
            style,
            &[
                "change",
                "package",
                "from",
                "to",
                "pulled in by",
                "introduced",
            ],
        );
        for c in ordered(&r.changes) {
            let ch = &c.change;
            t.add_row(vec![
                colour::cell(ch.kind.as_str(), Some(colour::kind_color(ch.kind))),
                Cell::new(&ch.package),
                Cell::new(versions(&ch.from)),
                Cell::new(versions(&ch.to)),
                Cell::new(pulled_in_by(c)),
                colour::cell(introduced(c), introduced_color(c)),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    if !r.findings.is_empty() {
        out.push('\n');
        let mut t = table(style, &["location", "level", "rule", "package", "why"]);
        for f in &r.findings {
            t.add_row(vec![
                Cell::new(f.location()),
                level_cell(f.level),
                Cell::new(f.rule.id()),
                Cell::new(f.package.clone().unwrap_or_default()),
                Cell::new(&f.message),
            ]);
        }
        keep_whole(&mut t, &[0, 1, 2]);
        out.push_str(&t.to_string());
        out.push('\n');
    }
    let s = &r.summary;
    let verdict = if r.failed() { "FAIL" } else { "ok" };
    let mut extra = Vec::new();
    if s.exempted > 0 {
        extra.push(format!(", {} exempted", s.exempted));
    }
    if s.allowed > 0 {
        extra.push(format!(", {} allowed", s.allowed));
    }
    out.push_str(&wrap(
        &format!(
            "{verdict}: {} deny, {} warn{} — {}: {} added, {} removed, {} upgraded, {} downgraded, {} source-changed\n",
            s.deny,
            s.warn,
            extra.concat(),
            plural(r.changes.len(), "change"),
            s.added,
            s.removed,
            s.upgraded,
            s.downgraded,
            s.source_changed
        ),
        style,
    ));
    out
}

/// Direct changes first, then transitive ones; each group in diff order.
pub(crate) fn ordered(changes: &[Reviewed]) -> Vec<&Reviewed> {
    let mut v: Vec<&Reviewed> = changes.iter().collect();
    v.sort_by_key(|c| !c.change.direct);
    v
}

fn side(r: &crate::audit::review::Rev) -> String {
    match (&r.rev, &r.commit) {
        (Some(rev), Some(c)) => format!("{rev} ({})", &c[..c.len().min(12)]),
        _ => "working tree".into(),
    }
}

fn versions(vs: &[semver::Version]) -> String {
    if vs.is_empty() {
        "-".into()
    } else {
        vs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `direct (app)`, or the path that pulls it in.
pub(crate) fn pulled_in_by(c: &Reviewed) -> String {
    let via = c.change.via.join(" → ");
    if c.change.direct {
        format!("direct ({via})")
    } else if via.is_empty() {
        "-".into()
    } else {
        via
    }
}

/// The introduced versions' colour: red when one is denied, yellow when
/// one is unvetted (or yanked), green when all are vetted.
fn introduced_color(c: &Reviewed) -> Option<anstyle::AnsiColor> {
    use crate::audit::release::Status;
    let statuses: Vec<Status> = c.introduced.iter().filter_map(|i| i.status).collect();
    if statuses.is_empty() {
        None
    } else if statuses.contains(&Status::Denied) {
        colour::status_color(Status::Denied)
    } else if statuses.contains(&Status::Unvetted) || statuses.contains(&Status::Yanked) {
        colour::status_color(Status::Unvetted)
    } else if statuses.iter().all(|s| *s == Status::Vetted) {
        colour::status_color(Status::Vetted)
    } else {
        None
    }
}

/// `1.2.0 vetted, 12 days` for each introduced version.
fn introduced(c: &Reviewed) -> String {
    let parts: Vec<String> = c
        .introduced
        .iter()
        .map(|i| {
            let mut s = i.version.clone();
            if let Some(st) = i.status {
                s.push_str(&format!(" {st}"));
            }
            if let Some(d) = i.age_days {
                s.push_str(&format!(", {}", plural(d.max(0) as usize, "day")));
            }
            s
        })
        .collect();
    if parts.is_empty() {
        "-".into()
    } else {
        parts.join("; ")
    }
}

/// What a relock changed in Cargo.lock, one line per package, so moves
/// cargo made beside the planned ones are visible (`upgrade`).
pub(crate) fn lock_changes(
    changes: &[crate::audit::review::diff::Change],
    style: &Style,
) -> String {
    if changes.is_empty() {
        return "Cargo.lock: nothing moved\n".into();
    }
    let mut out = format!("Cargo.lock: {} moved\n", plural(changes.len(), "package"));
    for c in changes {
        let how = if c.direct {
            "direct".to_string()
        } else {
            format!("via {}", c.via.join(" → "))
        };
        out.push_str(&format!(
            "  {} {} {} → {} ({how})\n",
            colour::paint(c.kind.as_str(), colour::kind_color(c.kind), style),
            c.package,
            versions(&c.from),
            versions(&c.to)
        ));
    }
    out
}
