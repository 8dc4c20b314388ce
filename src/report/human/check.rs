//! `check`'s human report, in one of two layouts chosen by the terminal's
//! width, then the findings about workspace files, the counts per rule, the
//! verdict and what to run next (`help:` lines).
//!
//! - Below [`WIDE`] columns (and in `--format short` at any width): one
//!   finding per line, as cargo prints its diagnostics in short form:
//!   `app/Cargo.toml:16  deny  partial-exact  once_cell =1.19 → =1.19.0`.
//!   Every line starts with the full `manifest:line`, so that it can be
//!   copied, or clicked in a terminal that links paths, as it is; headings
//!   (`app/Cargo.toml [dev-dependencies]`) frame the rows.
//! - At [`WIDE`] columns and more (or with no width known, as in a pipe): a
//!   table per manifest and dependency table, under the same heading. The
//!   heading names the manifest, so the table's first column is only the
//!   line number: a row is then unambiguous, and the columns left get the
//!   width. The line column (and level and rule, single words) never wrap;
//!   the others do.
//!
//! In both, a manifest's findings are sorted by line, and a heading starts
//! wherever the dependency table changes. Git commits are shortened to 12
//! digits ([`short_revs`]; JSON and SARIF keep them whole).

use comfy_table::Cell;

use super::{
    glue, glue_code_spans, level_cell, plural, table, unglue, wrap_indented, wrap_options,
};
use crate::audit::finding::{Finding, Report};
use crate::audit::rule::{Level, Rule};
use crate::report::{Style, by_manifest, next_steps, short_revs, table_header};

/// The width from which findings are tables; below it, lines.
pub(crate) const WIDE: u16 = 100;

/// The columns a row's text (dependency, requirement, pin) should have
/// after an aligned rule; with less, rules are not padded.
const ROOM: usize = 24;

/// Locations wider than this are not padded to align the columns after them.
const MAX_LOCATION_PAD: usize = 48;

/// `check`'s human report: lines or tables by width, then the footer.
pub(crate) fn check(report: &Report, style: &Style) -> String {
    let lines = style.width.is_some_and(|w| w < WIDE);
    let groups = groups(report);
    let mut out = String::new();
    for g in &groups {
        out.push_str(&heading(g, style));
        out.push('\n');
        if lines {
            let widths = Widths::at(&g.findings, style.width);
            for f in &g.findings {
                out.push_str(&row(f, &widths, style, true));
            }
            out.push('\n');
        } else {
            out.push_str(&table_of(g, style));
            out.push_str("\n\n");
        }
    }
    let files = file_findings(report);
    let widths = Widths::at(&files, style.width);
    for f in &files {
        out.push_str(&row(f, &widths, style, true));
    }
    if !files.is_empty() {
        out.push('\n');
    }
    for line in rule_counts(report) {
        out.push_str(&wrap_indented(&line, "      ", style));
    }
    out.push_str(&wrap_indented(&summary_line(report, style), "    ", style));
    let help = paint(
        "help",
        anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Cyan.into()))
            .bold(),
        style,
    );
    for line in next_steps(report) {
        // Wrapped as plain text, then the word coloured as cargo does.
        let text = wrap_indented(&format!("help: {line}"), "      ", style);
        out.push_str(&format!("{help}{}", &text["help".len()..]));
    }
    out
}

/// `check --format short`: one line per finding at any width, never
/// wrapped, each ending with its dependency table; then the verdict.
pub(crate) fn check_short(report: &Report, style: &Style) -> String {
    let mut out = String::new();
    let groups = groups(report);
    for manifest in groups.chunk_by(|a, b| a.manifest == b.manifest) {
        let rows: Vec<&Finding> = manifest.iter().flat_map(|g| g.findings.clone()).collect();
        let widths = Widths::of(&rows);
        for f in rows {
            out.push_str(&row(f, &widths, style, false));
        }
    }
    let files = file_findings(report);
    let widths = Widths::of(&files);
    for f in files {
        out.push_str(&row(f, &widths, style, false));
    }
    out.push_str(&summary_line(report, style));
    out.push('\n');
    out
}

/// The dependency findings of one manifest in one dependency table, in
/// line order.
struct Group<'a> {
    manifest: &'a str,
    table: Option<&'a str>,
    findings: Vec<&'a Finding>,
}

/// Dependency findings by manifest (in report order), each sorted by line
/// and cut wherever the table changes.
fn groups(report: &Report) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    for (manifest, mut findings) in by_manifest(report.findings.iter().filter(|f| f.name.is_some()))
    {
        findings.sort_by_key(|f| (f.line.is_none(), f.line, rule_order(f.rule)));
        let mut current: Option<Group<'_>> = None;
        for f in findings {
            match &mut current {
                Some(g) if g.table == f.table.as_deref() => g.findings.push(f),
                _ => {
                    out.extend(current.take());
                    current = Some(Group {
                        manifest,
                        table: f.table.as_deref(),
                        findings: vec![f],
                    });
                }
            }
        }
        out.extend(current);
    }
    out
}

/// Findings about no dependency (lockfile, toolchain, CI files, pin.toml),
/// by file and line.
fn file_findings(report: &Report) -> Vec<&Finding> {
    let mut files: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.name.is_none())
        .collect();
    files.sort_by(|a, b| (&a.manifest, a.line).cmp(&(&b.manifest, b.line)));
    files
}

fn rule_order(rule: Rule) -> usize {
    Rule::ALL
        .iter()
        .position(|r| *r == rule)
        .unwrap_or(usize::MAX)
}

/// `app/Cargo.toml [dev-dependencies]`, bold on a terminal; on two lines
/// when it does not fit on one.
fn heading(g: &Group<'_>, style: &Style) -> String {
    let text = match g.table {
        Some(t) => format!("{} {}", g.manifest, glue(&table_header(t))),
        None => g.manifest.to_string(),
    };
    let text = wrap_indented(&text, "  ", style);
    let lines: Vec<String> = text
        .lines()
        .map(|l| paint(&unglue(l), anstyle::Style::new().bold(), style))
        .collect();
    lines.join("\n")
}

fn paint(text: &str, st: anstyle::Style, style: &Style) -> String {
    if style.color {
        format!("{st}{text}{st:#}")
    } else {
        text.to_string()
    }
}

/// Column widths of the one-line layout, over one block of rows (a
/// heading's, a manifest's in `--format short`), so that its rows align.
struct Widths {
    location: usize,
    rule: usize,
}

impl Widths {
    /// The widths of `findings`' rows at `width` columns: the rule is not
    /// padded when that would leave too little room after it.
    fn at(findings: &[&Finding], width: Option<u16>) -> Widths {
        let w = Widths::of(findings);
        match width {
            Some(width) if w.location + 10 + w.rule + ROOM > width as usize => {
                Widths { rule: 0, ..w }
            }
            _ => w,
        }
    }

    fn of(findings: &[&Finding]) -> Widths {
        let width = |s: &str| textwrap::core::display_width(s);
        Widths {
            location: findings
                .iter()
                .map(|f| width(&f.location()))
                .filter(|w| *w <= MAX_LOCATION_PAD)
                .max()
                .unwrap_or(0),
            rule: findings
                .iter()
                .map(|f| f.rule.id().len())
                .max()
                .unwrap_or(0),
        }
    }
}

/// One finding on one line: `location  level  rule  what`, wrapped at
/// spaces in `what` only when `wrap` (the location is never broken, and
/// never leaves the start of the line).
fn row(f: &Finding, widths: &Widths, style: &Style, wrap: bool) -> String {
    let location = f.location();
    let pad = |s: &str, w: usize| {
        let n = w.saturating_sub(textwrap::core::display_width(s));
        format!("{s}{}", " ".repeat(n))
    };
    let prefix = format!(
        "{}  {}  {}  ",
        pad(&location, widths.location),
        pad(f.level.as_str(), 4),
        pad(f.rule.id(), widths.rule)
    );
    let mut what = what(f);
    if !wrap && let Some(t) = &f.table {
        what = format!("{what}  {}", table_header(t));
    }
    let plain = unglue(&format!("{prefix}{what}"));
    let text = match style.width {
        Some(w) if wrap && textwrap::core::display_width(&plain) > w as usize => {
            let w = w as usize;
            let prefix_width = textwrap::core::display_width(&prefix);
            // Continuations under `what` when that leaves room for it;
            // else `what` starts on the next line, a little indented, and
            // the location, level and rule stay alone on theirs.
            let widest = what
                .split(' ')
                .map(textwrap::core::display_width)
                .max()
                .unwrap_or(0);
            let lines = if prefix_width * 5 <= w * 3 && prefix_width + widest <= w {
                let indent = " ".repeat(prefix_width);
                textwrap::wrap(&what, wrap_options(w, &indent).initial_indent(&prefix))
            } else {
                let indent = " ".repeat(6);
                let mut lines = vec![prefix.trim_end().into()];
                lines.extend(textwrap::wrap(
                    &what,
                    wrap_options(w, &indent).initial_indent(&indent),
                ));
                lines
            };
            unglue(&lines.join("\n"))
        }
        _ => plain,
    };
    // Colour the level word only, once the line is laid out in plain text.
    let text = if style.color {
        let start = pad(&location, widths.location).len() + 2;
        let color = match f.level {
            Level::Deny => Some(anstyle::AnsiColor::Red),
            Level::Warn => Some(anstyle::AnsiColor::Yellow),
            Level::Allow => None,
        };
        match (color, text.get(..start), text.get(start..)) {
            (Some(c), Some(head), Some(rest)) if rest.starts_with(f.level.as_str()) => {
                let st = anstyle::Style::new().fg_color(Some(c.into())).bold();
                let word = f.level.as_str();
                format!("{head}{}{}", paint(word, st, style), &rest[word.len()..])
            }
            _ => text,
        }
    } else {
        text
    };
    format!("{text}\n")
}

/// What a row says after its rule: `name requirement → pin`, why there is
/// no pin, or (a locked package, no requirement) the finding's message.
fn what(f: &Finding) -> String {
    let Some(requirement) = &f.requirement else {
        return glue_code_spans(&short_revs(&f.message));
    };
    // Each of them one word when wrapped: `branch = "main"` is not cut.
    let dep = glue(&dependency(f));
    let requirement = glue(&short_revs(requirement));
    match (&f.fix, f.rule) {
        (Some(fix), _) => format!(
            "{dep} {requirement} {}",
            glue(&format!("→ {}", short_revs(fix)))
        ),
        (None, Rule::LockfileStale) => {
            format!("{dep} {requirement}: no locked version satisfies it")
        }
        (None, Rule::GitBranch | Rule::GitTag) => {
            format!("{dep} {requirement} (no locked commit to pin to)")
        }
        (None, _) => format!("{dep} {requirement} (no locked version to pin to)"),
    }
}

/// The table of one group, for wide terminals.
fn table_of(g: &Group<'_>, style: &Style) -> String {
    // Locked packages (`check --registry`) have no requirement: their
    // table says which version is locked and why it is a problem.
    let locked_only = g.findings.iter().all(|f| f.requirement.is_none());
    let header: &[&str] = if locked_only {
        &["line", "level", "rule", "package", "locked", "why"]
    } else {
        &["line", "level", "rule", "dependency", "requirement", "fix"]
    };
    let mut t = table(style, header);
    for f in &g.findings {
        let (fourth, fifth, sixth) = if locked_only {
            (
                f.package.clone().unwrap_or_default(),
                f.locked.clone().unwrap_or_default(),
                short_revs(&f.message),
            )
        } else {
            (
                dependency(f),
                short_revs(f.requirement.as_deref().unwrap_or_default()),
                f.fix.as_deref().map_or_else(|| "-".into(), short_revs),
            )
        };
        t.add_row(vec![
            Cell::new(f.line.map_or_else(|| "-".into(), |l| l.to_string()))
                .set_alignment(comfy_table::CellAlignment::Right),
            level_cell(f.level),
            Cell::new(f.rule.id()),
            Cell::new(fourth),
            Cell::new(fifth),
            Cell::new(sixth),
        ]);
    }
    super::keep_whole(&mut t, &[0, 1, 2]);
    t.to_string()
}

/// The dependency: `name`, or `name (package)` when renamed.
fn dependency(f: &Finding) -> String {
    match (&f.name, &f.package) {
        (Some(n), Some(p)) if n != p => format!("{n} ({p})"),
        (Some(n), _) => n.clone(),
        (None, _) => String::new(),
    }
}

/// The findings per rule at each level, most first:
/// `deny: caret 40, wildcard 3, git-branch 2`, then `warn: …`.
fn rule_counts(report: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for level in [Level::Deny, Level::Warn] {
        let mut counts: Vec<(usize, usize, Rule)> = Vec::new();
        for rule in Rule::ALL {
            let n = report
                .findings
                .iter()
                .filter(|f| f.rule == *rule && f.level == level)
                .count();
            if n > 0 {
                counts.push((usize::MAX - n, rule_order(*rule), *rule));
            }
        }
        counts.sort();
        if !counts.is_empty() {
            let parts: Vec<String> = counts
                .iter()
                .map(|(n, _, r)| format!("{r} {}", usize::MAX - n))
                .collect();
            out.push(format!("{level}: {}", parts.join(", ")));
        }
    }
    out
}

fn summary_line(report: &Report, style: &Style) -> String {
    let s = &report.summary;
    let verdict = if s.deny > 0 { "FAIL" } else { "ok" };
    let color = if s.deny > 0 {
        anstyle::AnsiColor::Red
    } else {
        anstyle::AnsiColor::Green
    };
    let verdict = paint(
        verdict,
        anstyle::Style::new().fg_color(Some(color.into())).bold(),
        style,
    );
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
        "{verdict}: {} deny, {} warn{extra} — {} in {}, {} pinned",
        s.deny,
        s.warn,
        plural(s.requirements, "requirement"),
        plural(s.manifests, "manifest"),
        s.pinned
    )
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
