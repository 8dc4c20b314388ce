//! `check`'s Markdown report: a verdict, a table of the rules that found
//! something with their remedies, a table of dependency findings per
//! manifest and dependency table (collapsed when it has more than
//! [`COLLAPSE_ROWS`] rows), and the workspace-file findings.
//!
//! GitHub shows a comment in a column of about 700 pixels: the finding
//! tables have five columns, the heading names the file (so a row has only
//! its line, linked to the file when the address is known), and git
//! commits are shortened.

use super::{COLLAPSE_ROWS, Md, Table, count, dependency_name, details, file_line};
use crate::audit::finding::{Finding, Report};
use crate::audit::rule::{Level, Rule};
use crate::report::{SourceRoot, by_manifest, rules_url, short_revs, table_header};

/// `check --format markdown`.
pub(crate) fn check(report: &Report, root: &SourceRoot) -> String {
    let s = &report.summary;
    let mut out = String::new();
    if s.deny > 0 {
        out.push_str(&format!(
            "## ❌ cargo pin check: {}\n\n",
            count(s.deny, "deny-level finding", "deny-level findings")
        ));
    } else {
        out.push_str(&format!(
            "## ✅ cargo pin check: no deny-level finding{}\n\n",
            if s.warn > 0 {
                format!(" ({})", count(s.warn, "warning", "warnings"))
            } else {
                String::new()
            }
        ));
    }
    out.push_str(&summary_line(report));
    if report.findings.is_empty() {
        out.push_str("\nEvery requirement is pinned exactly.\n");
        return out;
    }
    let next = crate::report::next_steps(report);
    if !next.is_empty() {
        out.push('\n');
        for step in next {
            out.push_str(&format!("- {}\n", Md::prose(&capitalised(&step))));
        }
    }
    out.push_str("\n### Rules\n\n");
    out.push_str(&rule_table(&report.findings).render());
    out.push_str(&findings_section(report, root));
    let file_findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.name.is_none())
        .collect();
    if !file_findings.is_empty() {
        out.push_str("\n### Workspace files\n\n");
        for f in file_findings {
            out.push_str(&format!(
                "- {} {} at {}: {}\n",
                Md::bold(Md::text(f.level.as_str())),
                rule_link(f.rule),
                location(f, root),
                Md::prose(&f.message)
            ));
        }
    }
    out
}

fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    // Only the counts that are not zero (the headline says the rest).
    let mut parts = Vec::new();
    if s.deny > 0 {
        parts.push(format!("{} deny", s.deny));
    }
    if s.warn > 0 {
        parts.push(format!("{} warn", s.warn));
    }
    if s.exempted > 0 {
        parts.push(format!("{} exempted", s.exempted));
    }
    if s.allowed > 0 {
        parts.push(format!("{} allowed", s.allowed));
    }
    let parts = if parts.is_empty() {
        String::new()
    } else {
        format!("{} — ", parts.join(", "))
    };
    format!(
        "{parts}{} in {}, {} pinned exactly.\n",
        count(s.requirements, "requirement", "requirements"),
        count(s.manifests, "manifest", "manifests"),
        s.pinned
    )
}

/// `run …` as `Run …`, for a list item.
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn rule_link(rule: Rule) -> Md {
    Md::link(Md::code(rule.id()), &rules_url())
}

/// Findings per rule, with the rule's level in this run and its remedy.
fn rule_table(findings: &[Finding]) -> Table {
    let mut t = Table::new(&["rule", "level", "findings", "remedy"]).right(2);
    for rule in Rule::ALL {
        let of_rule: Vec<&Finding> = findings.iter().filter(|f| f.rule == *rule).collect();
        let Some(first) = of_rule.first() else {
            continue;
        };
        t.row(vec![
            rule_link(*rule),
            Md::text(first.level.as_str()),
            Md::text(&of_rule.len().to_string()),
            Md::raw(rule.remedy()),
        ]);
    }
    t
}

/// One table of dependency findings per manifest and dependency table, in
/// line order; a table of more than [`COLLAPSE_ROWS`] rows is collapsed,
/// the others stay open.
fn findings_section(report: &Report, root: &SourceRoot) -> String {
    let groups = by_manifest(report.findings.iter().filter(|f| f.name.is_some()));
    if groups.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n### Findings\n");
    for (manifest, mut findings) in groups {
        findings.sort_by_key(|f| (f.line.is_none(), f.line));
        for run in findings.chunk_by(|a, b| a.table == b.table) {
            out.push_str(&section(manifest, run, root));
        }
    }
    out
}

/// The findings of one manifest in one dependency table.
fn section(manifest: &str, findings: &[&Finding], root: &SourceRoot) -> String {
    // Locked packages (`check --registry`) have no requirement.
    let locked_only = findings.iter().all(|f| f.requirement.is_none());
    let mut t = if locked_only {
        Table::new(&["line", "rule", "package", "locked", "why"])
    } else {
        Table::new(&["line", "rule", "dependency", "requirement", "pin"])
    };
    for f in findings {
        let rule = match f.level {
            Level::Deny => Md::code(f.rule.id()),
            level => Md::join(
                [Md::code(f.rule.id()), Md::text(&format!("({level})"))],
                " ",
            ),
        };
        let cells = if locked_only {
            vec![
                dependency(f),
                f.locked.as_deref().map_or_else(dash, Md::code),
                Md::prose(&f.message),
            ]
        } else {
            vec![
                dependency(f),
                f.requirement
                    .as_deref()
                    .map_or_else(dash, |r| Md::code(&short_revs(r))),
                f.fix
                    .as_deref()
                    .map_or_else(|| Md::text(no_pin(f)), |p| Md::code(&short_revs(p))),
            ]
        };
        let mut row = vec![line(f, root), rule];
        row.extend(cells);
        t.row(row);
    }
    let path = root.path(manifest);
    let deny = findings.iter().filter(|f| f.level == Level::Deny).count();
    let mut counts = Vec::new();
    if deny > 0 {
        counts.push(format!("{deny} deny"));
    }
    if findings.len() > deny {
        counts.push(format!("{} warn", findings.len() - deny));
    }
    let counts = counts.join(", ");
    let table = findings
        .first()
        .and_then(|f| f.table.as_deref())
        .map(table_header);
    if t.len() > COLLAPSE_ROWS {
        let title = match &table {
            Some(table) => format!("{path} {table} — {counts}"),
            None => format!("{path} — {counts}"),
        };
        format!("\n{}", details(&title, &t.render()))
    } else {
        let title = match &table {
            Some(table) => format!("{} {}", Md::code(&path), Md::code(table)),
            None => Md::code(&path).to_string(),
        };
        format!("\n#### {title} — {counts}\n\n{}", t.render())
    }
}

/// Why a requirement has no pin.
fn no_pin(f: &Finding) -> &'static str {
    match f.rule {
        Rule::LockfileStale => "— (not in Cargo.lock)",
        Rule::GitBranch | Rule::GitTag => "— (no locked commit)",
        _ => "— (no locked version)",
    }
}

/// The line of a finding in a section headed by its file: linked to the
/// line when the file's address is known.
fn line(f: &Finding, root: &SourceRoot) -> Md {
    let Some(l) = f.line else {
        return dash();
    };
    let shown = Md::text(&l.to_string());
    match &root.web {
        Some(web) => Md::link(shown, &format!("{web}{}#L{l}", root.path(&f.manifest))),
        None => shown,
    }
}

fn dash() -> Md {
    Md::text("—")
}

fn location(f: &Finding, root: &SourceRoot) -> Md {
    file_line(root, &f.manifest, f.line)
}

fn dependency(f: &Finding) -> Md {
    let name = f.name.as_deref().unwrap_or("");
    dependency_name(name, f.package.as_deref().unwrap_or(name))
}
