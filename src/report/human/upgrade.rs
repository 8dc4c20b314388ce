//! `upgrade`'s human report: what moved (or would), and what each newer
//! release is held back by.

use super::rewrites;
use crate::change::upgrade::{Held, Plan};
use crate::report::Style;

fn held_text(held: &[Held]) -> String {
    held.iter()
        .rev()
        .map(|h| {
            let text = match (h.breaking, h.status) {
                (true, crate::audit::release::Status::Vetted) => {
                    format!("{} vetted but breaking (--breaking moves to it)", h.version)
                }
                (_, s) => format!("{} {s}", h.version),
            };
            if h.age_unknown {
                format!("{text} (age unknown)")
            } else {
                text
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The human report: a table of rewritten requirements, one line per lock
/// move and per crate held where it is, and a summary.
pub(crate) fn upgrade(plan: &Plan, dry_run: bool, style: &Style) -> String {
    let mut out = String::new();
    out.push_str(&rewrites(
        plan.moves.iter().flat_map(|m| &m.requirements),
        style,
    ));
    let verb = if dry_run { "would move" } else { "moved" };
    for m in &plan.moves {
        out.push_str(&format!("{} {verb} {} -> {}", m.package, m.from, m.to));
        if m.breaking {
            out.push_str(" (breaking: --breaking)");
        }
        if !m.held_back.is_empty() {
            out.push_str(&format!(" (held back: {})", held_text(&m.held_back)));
        }
        out.push('\n');
    }
    for s in &plan.stays {
        if s.held_back.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "{} stays at {}: {}\n",
            s.package,
            s.locked,
            held_text(&s.held_back)
        ));
    }
    let current = plan.stays.iter().filter(|s| s.held_back.is_empty()).count();
    out.push_str(&format!(
        "{} {} to a vetted release, {} held back, {} already at their newest release{}\n",
        plan.moves.len(),
        if dry_run { "would move" } else { "moved" },
        plan.stays.len() - current,
        current,
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    ));
    out
}
