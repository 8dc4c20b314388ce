//! `check`'s human report: a table of dependency findings per manifest, the
//! workspace-file findings as lines, and a summary line.

use comfy_table::Cell;

use super::{level_cell, plural, table, wrap};
use crate::audit::finding::{Finding, Report};
use crate::report::Style;

/// `check`'s human report: one table per manifest, then a summary line.
pub(crate) fn check(report: &Report, style: &Style) -> String {
    let mut out = String::new();
    let groups = crate::report::by_manifest(report.findings.iter().filter(|f| f.name.is_some()));
    for (manifest, findings) in groups {
        out.push_str(manifest);
        out.push('\n');
        // Locked packages (`check --registry`) have no requirement: their
        // table says which version is locked and why it is a problem.
        let locked_only = findings.iter().all(|f| f.requirement.is_none());
        let header: &[&str] = if locked_only {
            &["location", "level", "rule", "package", "locked", "why"]
        } else {
            &[
                "location",
                "level",
                "rule",
                "dependency",
                "requirement",
                "fix",
            ]
        };
        let mut t = table(style, header);
        for f in findings {
            let (fourth, fifth, sixth) = if locked_only {
                (
                    f.package.clone().unwrap_or_default(),
                    f.locked.clone().unwrap_or_default(),
                    f.message.clone(),
                )
            } else {
                (
                    dependency(f),
                    f.requirement.clone().unwrap_or_default(),
                    f.fix.clone().unwrap_or_else(|| "-".into()),
                )
            };
            t.add_row(vec![
                Cell::new(f.location()),
                level_cell(f.level),
                Cell::new(f.rule.id()),
                Cell::new(fourth),
                Cell::new(fifth),
                Cell::new(sixth),
            ]);
        }
        out.push_str(&t.to_string());
        out.push_str("\n\n");
    }
    for f in report.findings.iter().filter(|f| f.name.is_none()) {
        let line = format!("{}[{}]: {}: {}", f.level, f.rule, f.location(), f.message);
        out.push_str(&wrap(&line, style));
    }
    out.push_str(&wrap(&summary_line(report, style), style));
    out
}

/// The dependency cell: `name`, or `name (package)` when renamed.
fn dependency(f: &Finding) -> String {
    match (&f.name, &f.package) {
        (Some(n), Some(p)) if n != p => format!("{n} ({p})"),
        (Some(n), _) => n.clone(),
        (None, _) => String::new(),
    }
}

fn summary_line(report: &Report, style: &Style) -> String {
    let s = &report.summary;
    let verdict = if s.deny > 0 { "FAIL" } else { "ok" };
    let verdict = if style.color {
        let color = if s.deny > 0 {
            anstyle::AnsiColor::Red
        } else {
            anstyle::AnsiColor::Green
        };
        let st = anstyle::Style::new().fg_color(Some(color.into())).bold();
        format!("{st}{verdict}{st:#}")
    } else {
        verdict.to_string()
    };
    let mut extra = Vec::new();
    if s.exempted > 0 {
        extra.push(format!("{} exempted", s.exempted));
    }
    if s.allowed > 0 {
        extra.push(format!("{} allowed", s.allowed));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(", {}", extra.join(", "))
    };
    format!(
        "{verdict}: {} deny, {} warn{extra} — {} in {}, {} pinned\n",
        s.deny,
        s.warn,
        plural(s.requirements, "requirement"),
        plural(s.manifests, "manifest"),
        s.pinned
    )
}
