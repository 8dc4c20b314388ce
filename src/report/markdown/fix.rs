//! `fix`'s Markdown report: what was (or would be) pinned, what was left and
//! why, and the diff, collapsed. Locations are relative to the repository,
//! as in `check`'s, and linked to the file in GitHub Actions.

use super::{COLLAPSE_ROWS, Md, Table, count, details, fenced, file_line};
use crate::change::fix::Plan;
use crate::report::{SourceRoot, short_revs};

/// `fix --format markdown`: what was (or would be) pinned, what was left
/// and why, and the diff, collapsed.
pub(crate) fn fix(plan: &Plan, dry_run: bool, root: &SourceRoot) -> String {
    let mut out = String::new();
    let verb = if dry_run { "would pin" } else { "pinned" };
    out.push_str(&format!(
        "## cargo pin fix{}: {verb} {} in {}\n\n",
        if dry_run { " (dry run)" } else { "" },
        count(plan.edits.len(), "requirement", "requirements"),
        count(plan.changes.files.len(), "file", "files"),
    ));
    if !plan.edits.is_empty() {
        let mut t = Table::new(&["location", "dependency", "rule", "from", "to"]);
        for e in &plan.edits {
            t.row(vec![
                file_line(root, &e.manifest, Some(e.line)),
                Md::code(&e.name),
                Md::text(e.rule.map_or("", |r| r.id())),
                Md::code(&short_revs(&e.from)),
                Md::code(&short_revs(&e.to)),
            ]);
        }
        let body = t.render();
        if t.len() > COLLAPSE_ROWS {
            out.push_str(&details(&format!("{} edits", t.len()), &body));
        } else {
            out.push_str(&body);
        }
        out.push('\n');
    }
    if !plan.left.is_empty() {
        out.push_str(&format!("### Left as they are ({})\n\n", plan.left.len()));
        let mut t = Table::new(&["location", "dependency", "requirement", "why"]);
        for l in &plan.left {
            t.row(vec![
                file_line(root, &l.manifest, Some(l.line)),
                Md::code(&l.name),
                Md::code(&short_revs(&l.requirement)),
                Md::prose(&l.reason),
            ]);
        }
        out.push_str(&t.render());
        out.push('\n');
    }
    if !plan.changes.files.is_empty() {
        out.push_str(&details("diff", &fenced("diff", &plan.changes.diff())));
    }
    out
}
