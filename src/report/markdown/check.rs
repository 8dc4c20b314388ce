//! `check`'s Markdown report: a verdict, a table of the rules that found
//! something with their remedies, a table of dependency findings per
//! manifest (collapsed when long), and the workspace-file findings.

use super::{COLLAPSE_ROWS, Md, Table, count, dependency_name, details, file_line};
use crate::audit::finding::{Finding, Report};
use crate::audit::rule::{Level, Rule};
use crate::report::{SourceRoot, by_manifest, rules_url};

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
                Md::text(&f.message)
            ));
        }
    }
    out
}

fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let mut parts = vec![format!("{} deny", s.deny), format!("{} warn", s.warn)];
    if s.exempted > 0 {
        parts.push(format!("{} exempted", s.exempted));
    }
    if s.allowed > 0 {
        parts.push(format!("{} allowed", s.allowed));
    }
    format!(
        "{} — {} in {}, {} pinned exactly.\n",
        parts.join(", "),
        count(s.requirements, "requirement", "requirements"),
        count(s.manifests, "manifest", "manifests"),
        s.pinned
    )
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

/// One table of dependency findings per manifest; collapsed when long.
fn findings_section(report: &Report, root: &SourceRoot) -> String {
    let groups = by_manifest(report.findings.iter().filter(|f| f.name.is_some()));
    if groups.is_empty() {
        return String::new();
    }
    let total: usize = groups.iter().map(|(_, v)| v.len()).sum();
    let collapse = total > COLLAPSE_ROWS;
    let mut out = String::from("\n### Findings\n");
    for (manifest, findings) in groups {
        let mut t = Table::new(&[
            "file:line",
            "level",
            "rule",
            "dependency",
            "requirement",
            "locked",
            "suggested pin",
        ]);
        for f in &findings {
            t.row(vec![
                location(f, root),
                Md::text(f.level.as_str()),
                Md::code(f.rule.id()),
                dependency(f),
                f.requirement.as_deref().map_or_else(dash, Md::code),
                f.locked.as_deref().map_or_else(dash, Md::code),
                f.fix.as_deref().map_or_else(dash, Md::code),
            ]);
        }
        let path = root.path(manifest);
        let deny = findings.iter().filter(|f| f.level == Level::Deny).count();
        let counts = format!(
            "{}: {deny} deny, {} warn",
            count(findings.len(), "finding", "findings"),
            findings.len() - deny
        );
        if collapse {
            out.push('\n');
            out.push_str(&details(&format!("{path} — {counts}"), &t.render()));
        } else {
            out.push_str(&format!("\n#### {} — {counts}\n\n", Md::code(&path)));
            out.push_str(&t.render());
        }
    }
    out
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
