//! Human reports: tables for a person at a terminal.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::Style;
use crate::audit::finding::{Finding, Report};
use crate::audit::rule::Level;

/// A table with the house style: condensed UTF-8 borders, wrapped to the
/// terminal, coloured only when allowed.
pub fn table(style: &Style, header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = style.width {
        t.set_width(w);
    }
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_header(header.iter().map(Cell::new));
    t
}

/// A level word, coloured like cargo's diagnostics.
pub fn level_cell(level: Level) -> Cell {
    let c = Cell::new(level.as_str());
    match level {
        Level::Deny => c.fg(Color::Red),
        Level::Warn => c.fg(Color::Yellow),
        Level::Allow => c,
    }
}

/// `check`'s human report: one table per manifest, then a summary line.
pub fn check(report: &Report, style: &Style) -> String {
    let mut out = String::new();
    let groups = super::by_manifest(report.findings.iter().filter(|f| f.name.is_some()));
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

/// A line wrapped to the terminal's width (continuations indented), with a
/// trailing newline.
pub fn wrap(line: &str, style: &Style) -> String {
    let line = line.trim_end_matches('\n');
    let mut out = match style.width {
        Some(w) if textwrap::core::display_width(line) > w as usize => {
            let opts = textwrap::Options::new(w as usize).subsequent_indent("    ");
            textwrap::wrap(line, opts).join("\n")
        }
        _ => line.to_string(),
    };
    out.push('\n');
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

/// `1 file`, `2 files`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `fix`'s human report: what changed, what was left and why, a summary.
pub fn fix(plan: &crate::change::fix::Plan, dry_run: bool, style: &Style) -> String {
    let mut out = String::new();
    if !plan.edits.is_empty() {
        let mut t = table(style, &["location", "dependency", "from", "to"]);
        for e in &plan.edits {
            t.add_row(vec![
                format!("{}:{}", e.manifest, e.line),
                e.name.clone(),
                e.from.clone(),
                e.to.clone(),
            ]);
        }
        out.push_str(&t.to_string());
        out.push_str("\n\n");
    }
    if !plan.left.is_empty() {
        out.push_str("left as they are:\n");
        let mut t = table(style, &["location", "dependency", "requirement", "why"]);
        for l in &plan.left {
            t.add_row(vec![
                format!("{}:{}", l.manifest, l.line),
                l.name.clone(),
                l.requirement.clone(),
                l.reason.clone(),
            ]);
        }
        out.push_str(&t.to_string());
        out.push_str("\n\n");
    }
    let verb = if dry_run { "would pin" } else { "pinned" };
    let files = plan.files.len();
    let line = format!(
        "{}{verb} {} in {}, left {}",
        if dry_run { "dry run: " } else { "" },
        plural(plan.edits.len(), "requirement"),
        plural(files, "file"),
        plan.left.len()
    );
    out.push_str(&wrap(&line, style));
    out
}
