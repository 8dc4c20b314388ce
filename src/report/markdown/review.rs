//! `review`'s Markdown report, for a pull-request comment: the verdict, the
//! gate's findings, the direct changes, the transitive ones grouped under
//! what pulled them in, each introduced version with its age, status and
//! the links to vet it, and one `cargo pin allow` line for what is
//! unvetted. It always fits a GitHub comment ([`LIMIT`]): long sections
//! are collapsed, and past the limit rows are left out, with their count.

use std::collections::BTreeMap;

use super::{COLLAPSE_ROWS, Md, Table, count, details, fenced, file_line};
use crate::audit::release::Status;
use crate::audit::review::{Review, Reviewed};
use crate::report::SourceRoot;
use crate::report::human::{ordered, pulled_in_by};

/// The most characters a GitHub comment holds.
pub(crate) const LIMIT: usize = 65_536;

/// Room kept for the closing lines and the notes of what was left out.
const RESERVE: usize = 2_048;

/// How many versions the `cargo pin allow` line names at most.
const ALLOW_SHOWN: usize = 100;

/// `review --format markdown`.
pub(crate) fn review(r: &Review, root: &SourceRoot) -> String {
    let s = &r.summary;
    let mut out = String::new();
    let direct = r.changes.iter().filter(|c| c.change.direct).count();
    let changes = format!(
        "{} ({direct} direct, {} transitive)",
        count(r.changes.len(), "package changed", "packages changed"),
        r.changes.len() - direct
    );
    if r.failed() {
        out.push_str(&format!(
            "## ❌ cargo pin review: {} deny, {} warn — {changes}\n\n",
            s.deny, s.warn
        ));
    } else if s.warn > 0 {
        out.push_str(&format!(
            "## ⚠️ cargo pin review: {} warn — {changes}\n\n",
            s.warn
        ));
    } else {
        out.push_str(&format!("## ✅ cargo pin review: {changes}\n\n"));
    }
    out.push_str(&format!(
        "{} → {}: {} added, {} removed, {} upgraded, {} downgraded, {} source-changed.\n",
        side(&r.base),
        side(&r.head),
        s.added,
        s.removed,
        s.upgraded,
        s.downgraded,
        s.source_changed
    ));
    let allow = allow_line(r);
    let mut budget = LIMIT.saturating_sub(out.len() + allow.len() + RESERVE);
    let mut left = Vec::new();

    if !r.findings.is_empty() {
        let rows: Vec<Vec<Md>> = r
            .findings
            .iter()
            .map(|f| {
                vec![
                    Md::text(f.level.as_str()),
                    Md::code(f.rule.id()),
                    file_line(root, &f.manifest, f.line),
                    Md::prose(&f.message),
                ]
            })
            .collect();
        out.push_str("\n### Findings\n\n");
        let (text, n) = bounded(
            &["level", "rule", "where", "why"],
            rows,
            &mut budget,
            "findings",
        );
        out.push_str(&text);
        if n > 0 {
            left.push(count(n, "finding", "findings"));
        }
    }

    let sorted = ordered(&r.changes);
    let direct_rows: Vec<Vec<Md>> = sorted
        .iter()
        .filter(|c| c.change.direct)
        .map(|c| change_row(c))
        .collect();
    if !direct_rows.is_empty() {
        out.push_str("\n### Direct changes\n\n");
        let (text, n) = bounded(HEADER, direct_rows, &mut budget, "direct changes");
        out.push_str(&text);
        if n > 0 {
            left.push(count(n, "direct change", "direct changes"));
        }
    }
    // Transitive changes under the direct dependency (or the member) that
    // pulls them in.
    let mut groups: BTreeMap<String, Vec<&Reviewed>> = BTreeMap::new();
    for c in sorted.iter().filter(|c| !c.change.direct) {
        let by = c
            .change
            .via
            .get(1)
            .or(c.change.via.first())
            .cloned()
            .unwrap_or_default();
        groups.entry(by).or_default().push(c);
    }
    if !groups.is_empty() {
        out.push_str("\n### Transitive changes\n");
        let mut skipped = 0;
        for (by, cs) in groups {
            if budget < 200 {
                skipped += cs.len();
                continue;
            }
            let title = if by.is_empty() {
                "nothing in the workspace depends on them".to_string()
            } else {
                format!("pulled in by {by}")
            };
            let rows: Vec<Vec<Md>> = cs.iter().map(|c| change_row(c)).collect();
            out.push_str(&format!("\n#### {}\n\n", Md::text(&title).as_str()));
            let (text, n) = bounded(HEADER, rows, &mut budget, &title);
            out.push_str(&text);
            skipped += n;
        }
        if skipped > 0 {
            left.push(count(skipped, "transitive change", "transitive changes"));
        }
    }
    if !left.is_empty() {
        out.push_str(&format!(
            "\n_Left out to fit a comment: {}; `cargo pin review --format json` lists everything._\n",
            left.join(", ")
        ));
    }
    out.push_str(&allow);
    if out.len() > LIMIT {
        // Only reachable with enormous single cells; cut on a character
        // boundary and say so.
        let note = "\n\n_Truncated to fit a comment._\n";
        let mut end = LIMIT - note.len();
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push_str(note);
    }
    out
}

const HEADER: &[&str] = &[
    "change",
    "package",
    "from",
    "to",
    "pulled in by",
    "introduced",
    "vet",
];

/// A table of as many `rows` as `budget` allows, collapsed when long; the
/// text and how many rows were left out.
fn bounded(header: &[&str], rows: Vec<Vec<Md>>, budget: &mut usize, what: &str) -> (String, usize) {
    let total = rows.len();
    let mut t = Table::new(header);
    let overhead = header.iter().map(|h| h.len() + 6).sum::<usize>() + 200;
    let mut used = overhead;
    for row in rows {
        let len: usize = row.iter().map(|c| c.as_str().len() + 3).sum::<usize>() + 2;
        if used + len > *budget {
            break;
        }
        used += len;
        t.row(row);
    }
    let shown = t.len();
    if shown == 0 {
        return (String::new(), total);
    }
    *budget = budget.saturating_sub(used);
    let text = t.render();
    let text = if shown > COLLAPSE_ROWS {
        details(&count(shown, what, what), &text)
    } else {
        text
    };
    (text, total - shown)
}

fn change_row(c: &Reviewed) -> Vec<Md> {
    let ch = &c.change;
    let versions = |vs: &[semver::Version]| {
        if vs.is_empty() {
            Md::text("-")
        } else {
            Md::join(vs.iter().map(|v| Md::code(&v.to_string())), ", ")
        }
    };
    let introduced = Md::join(
        c.introduced.iter().map(|i| {
            let mut parts = vec![Md::code(&i.version)];
            if let Some(st) = i.status {
                let mark = match st {
                    Status::Vetted => "✅ ",
                    Status::Yanked | Status::TooNew => "❌ ",
                    _ => "",
                };
                parts.push(Md::text(&format!("{mark}{st}")));
            }
            if let Some(d) = i.age_days {
                parts.push(Md::text(&count(d.max(0) as usize, "day", "days")));
            }
            Md::join(parts, " ")
        }),
        "; ",
    );
    let vet = if c.crates_io {
        Md::join(
            c.introduced.iter().map(|i| {
                let from = ch.from.last().map(ToString::to_string);
                links(&ch.package, from.as_deref(), &i.version)
            }),
            "; ",
        )
    } else {
        Md::default()
    };
    vec![
        Md::text(ch.kind.as_str()),
        Md::code(&ch.package),
        versions(&ch.from),
        versions(&ch.to),
        Md::text(&pulled_in_by(c)),
        introduced,
        vet,
    ]
}

/// crates.io, docs.rs, and the diff.rs source diff from `from`.
fn links(package: &str, from: Option<&str>, version: &str) -> Md {
    let mut parts = vec![
        Md::link(
            Md::text("crates.io"),
            &format!("https://crates.io/crates/{package}/{version}"),
        ),
        Md::link(
            Md::text("docs.rs"),
            &format!("https://docs.rs/{package}/{version}"),
        ),
    ];
    if let Some(from) = from {
        parts.push(Md::link(
            Md::text("diff"),
            &format!("https://diff.rs/{package}/{from}/{version}"),
        ));
    }
    Md::join(parts, " · ")
}

fn side(r: &crate::audit::review::Rev) -> String {
    match (&r.rev, &r.commit) {
        (Some(rev), Some(c)) => format!(
            "{} ({})",
            Md::code(rev).as_str(),
            Md::code(&c[..c.len().min(12)]).as_str()
        ),
        _ => "the working tree".into(),
    }
}

/// The `cargo pin allow` line for introduced versions no reviewer vetted.
fn allow_line(r: &Review) -> String {
    let all = r.unvetted();
    if all.is_empty() {
        return String::new();
    }
    let shown: Vec<&str> = all.iter().take(ALLOW_SHOWN).map(String::as_str).collect();
    let mut out = format!(
        "\n{} no reviewer vetted; once reviewed, record {}:\n\n",
        count(all.len(), "introduced version", "introduced versions"),
        if all.len() == 1 { "it" } else { "them" }
    );
    out.push_str(&fenced(
        "sh",
        &format!("cargo pin allow {} --reason \"…\"", shown.join(" ")),
    ));
    if all.len() > shown.len() {
        out.push_str(&format!(
            "\n_{} more left out of this line._\n",
            all.len() - shown.len()
        ));
    }
    out
}
