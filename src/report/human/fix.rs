//! `fix`'s human report: what was (or would be) pinned, what was left and
//! why, and a summary line.

use super::{plural, table, wrap};
use crate::change::fix::Plan;
use crate::report::Style;

/// `fix`'s human report: what changed, what was left and why, a summary.
pub(crate) fn fix(plan: &Plan, dry_run: bool, style: &Style) -> String {
    let mut out = String::new();
    if !plan.edits.is_empty() {
        out.push_str(&super::rewrites(&plan.edits, style));
        out.push('\n');
    }
    if !plan.patched.is_empty() {
        out.push_str("pinned to what a [patch] locked:\n");
        for p in &plan.patched {
            out.push_str(&format!("  {p}\n"));
        }
        out.push('\n');
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
        super::keep_whole(&mut t, &[0]);
        out.push_str(&t.to_string());
        out.push_str("\n\n");
    }
    let verb = if dry_run { "would pin" } else { "pinned" };
    let files = plan.changes.files.len();
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
