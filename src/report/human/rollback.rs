//! `rollback`'s human report: each version that went back and why, the
//! requirements that moved with it, and everything that moved in
//! Cargo.lock.

use super::{colour, rewrites};
use crate::change::rollback::Plan;
use crate::report::Style;

pub(crate) fn rollback(plan: &Plan, dry_run: bool, style: &Style) -> String {
    let mut out = String::new();
    out.push_str(&rewrites(
        plan.moves.iter().flat_map(|m| &m.requirements),
        style,
    ));
    let verb = if dry_run {
        "would go back"
    } else {
        "went back"
    };
    for m in &plan.moves {
        out.push_str(&format!(
            "{} {verb} {} -> {} ({})\n",
            m.package, m.from, m.to, m.reason
        ));
    }
    if plan.moves.iter().any(|m| m.younger_than_cooldown) {
        out.push_str(
            "note: the cooldown does not apply going back to a release older than the one left\n",
        );
    }
    if !plan.lock_changes.is_empty() {
        out.push_str("Cargo.lock:\n");
        for c in &plan.lock_changes {
            let side = |v: &[String]| {
                if v.is_empty() {
                    "(none)".to_string()
                } else {
                    v.join(", ")
                }
            };
            // Added green, removed red, moved (back, mostly) yellow.
            let color = match (c.from.is_empty(), c.to.is_empty()) {
                (true, _) => anstyle::AnsiColor::Green,
                (_, true) => anstyle::AnsiColor::Red,
                _ => anstyle::AnsiColor::Yellow,
            };
            out.push_str(&format!(
                "  {} {} -> {}\n",
                colour::paint(&c.package, color, style),
                side(&c.from),
                side(&c.to)
            ));
        }
    }
    out.push_str(&format!(
        "{} {} {}{}\n",
        if dry_run {
            "would roll back"
        } else {
            "rolled back"
        },
        plan.moves.len(),
        if plan.moves.len() == 1 {
            "version"
        } else {
            "versions"
        },
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    ));
    out
}
