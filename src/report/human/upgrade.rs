//! `upgrade`'s human report: what moved (or would), what each newer
//! release is held back by, and what to run next for what is left.

use super::outdated::{command, heading, vet_step};
use super::{lock_changes, plural, rewrites, wrap};
use crate::audit::release::Status;
use crate::audit::review::diff::Change;
use crate::change::upgrade::{Held, Plan};
use crate::report::Style;

/// `1.3.0 too-new`, `1.51.0–1.54.1 unvetted (17)`: the held-back
/// releases, newest first, runs of one status together (each listed under
/// `-v`); a vetted release beyond the semver boundary says `--breaking`
/// moves to it.
fn held_text(held: &[Held], verbose: bool) -> String {
    // Newest first; a group is one status (with or without a known age).
    let mut groups: Vec<(Status, bool, bool, Vec<&str>)> = Vec::new();
    for h in held.iter().rev() {
        let vetted_breaking = h.breaking && h.status == Status::Vetted;
        match groups.last_mut() {
            Some((s, b, u, vs))
                if *s == h.status && *b == vetted_breaking && *u == h.age_unknown =>
            {
                vs.push(&h.version)
            }
            _ => groups.push((h.status, vetted_breaking, h.age_unknown, vec![&h.version])),
        }
    }
    groups
        .iter()
        .map(|(status, vetted_breaking, unknown, vs)| {
            let range = match vs.as_slice() {
                [newest, .., oldest] if vs.len() > 2 && !verbose => {
                    format!("{oldest}–{newest}")
                }
                _ => vs.join(", "),
            };
            let mut text = if *vetted_breaking {
                format!("{range} vetted but breaking (--breaking moves to it)")
            } else {
                format!("{range} {status}")
            };
            if vs.len() > 2 && !verbose {
                text.push_str(&format!(" ({})", vs.len()));
            }
            if *unknown {
                text.push_str(" (age unknown)");
            }
            text
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What cargo did to Cargo.lock, once it has relocked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Relocked<'a> {
    /// Every package that moved, planned or not.
    pub changes: &'a [Change],
    /// Whether the workspace is in a git checkout (`review --base HEAD`).
    pub in_git: bool,
}

impl<'a> Relocked<'a> {
    /// Packages cargo moved that the plan did not: their held-back
    /// releases in the plan are stale.
    fn beside(&self, plan: &Plan) -> Vec<&'a str> {
        let mut beside: Vec<&'a str> = self
            .changes
            .iter()
            .filter(|c| !plan.moves.iter().any(|m| m.package == c.package))
            .map(|c| c.package.as_str())
            .collect();
        beside.dedup();
        beside
    }
}

/// What is left after the moves: the `allow` line for every crate's
/// newest unvetted release, `--breaking` for vetted releases across the
/// semver boundary, how to write a dry run, and (after a relock that moved
/// more than planned) the review of what it introduced.
fn next_steps(plan: &Plan, dry_run: bool, relocked: Option<Relocked<'_>>, style: &Style) -> String {
    let beside = relocked.map(|r| r.beside(plan)).unwrap_or_default();
    let held = plan
        .moves
        .iter()
        .map(|m| (&m.package, &m.held_back))
        .chain(plan.stays.iter().map(|s| (&s.package, &s.held_back)));
    let mut unvetted = Vec::new();
    let mut unvetted_breaking = false;
    let mut breaking = 0;
    for (package, held) in held {
        if beside.contains(&package.as_str()) {
            continue;
        }
        // Only releases newer than any vetted one: vetting an older one
        // moves nothing.
        let after_vetted = held
            .iter()
            .rposition(|h| h.status == Status::Vetted)
            .map_or(0, |i| i + 1);
        if let Some(h) = held[after_vetted..]
            .iter()
            .rev()
            .find(|h| h.status == Status::Unvetted)
        {
            unvetted.push(format!("{package}@{}", h.version));
            unvetted_breaking |= h.breaking;
        }
        if held
            .iter()
            .any(|h| h.breaking && h.status == Status::Vetted)
        {
            breaking += 1;
        }
    }
    let mut out = String::new();
    if dry_run && !plan.moves.is_empty() {
        out.push_str(&heading(
            "To write it, run the same command without --dry-run.",
            style,
        ));
    }
    let in_git = relocked.is_some_and(|r| r.in_git);
    if !beside.is_empty() {
        out.push_str(&heading(
            &format!(
                "cargo also moved {} ({}){}",
                plural(beside.len(), "package"),
                beside.join(", "),
                if in_git {
                    "; to judge what the change introduces:"
                } else {
                    "."
                }
            ),
            style,
        ));
        if in_git {
            out.push_str(&command("cargo pin review --base HEAD", style));
        }
    }
    if breaking > 0 {
        out.push_str(&heading(
            &format!(
                "To move {} to the vetted release across a semver boundary:",
                plural(breaking, "crate")
            ),
            style,
        ));
        out.push_str(&command("cargo pin upgrade --breaking", style));
    }
    out.push_str(&vet_step(&unvetted, unvetted_breaking, style));
    out
}

/// The human report: a table of rewritten requirements, one line per lock
/// move and per crate held where it is, a summary, what cargo moved in
/// Cargo.lock (once `relocked`) and what to run next.
pub(crate) fn upgrade(
    plan: &Plan,
    dry_run: bool,
    relocked: Option<Relocked<'_>>,
    style: &Style,
) -> String {
    let mut out = String::new();
    out.push_str(&rewrites(
        plan.moves.iter().flat_map(|m| &m.requirements),
        style,
    ));
    let verb = if dry_run { "would move" } else { "moved" };
    for m in &plan.moves {
        let mut line = format!("{} {verb} {} -> {}", m.package, m.from, m.to);
        if m.breaking {
            line.push_str(" (breaking: --breaking)");
        }
        if !m.held_back.is_empty() {
            line.push_str(&format!(
                " (held back: {})",
                held_text(&m.held_back, style.verbose)
            ));
        }
        out.push_str(&wrap(&line, style));
    }
    for s in &plan.stays {
        if s.held_back.is_empty() {
            if style.verbose {
                out.push_str(&format!(
                    "{} stays at {}: the newest release\n",
                    s.package, s.locked
                ));
            }
            continue;
        }
        let line = format!(
            "{} stays at {}: {}",
            s.package,
            s.locked,
            held_text(&s.held_back, style.verbose)
        );
        out.push_str(&wrap(&line, style));
    }
    let current = plan.stays.iter().filter(|s| s.held_back.is_empty()).count();
    let summary = format!(
        "{} {} to a vetted release, {} held back, {} already at their newest release{}",
        plan.moves.len(),
        if dry_run { "would move" } else { "moved" },
        plan.stays.len() - current,
        current,
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    out.push_str(&wrap(&summary, style));
    if let Some(r) = relocked {
        out.push_str(&lock_changes(r.changes, style));
    }
    out.push_str(&next_steps(plan, dry_run, relocked, style));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(v: &str, status: Status) -> Held {
        Held {
            version: v.into(),
            status,
            breaking: false,
            age_unknown: false,
        }
    }

    #[test]
    fn held_releases_run_together_by_status() {
        let h = [
            held("1.51.0", Status::Unvetted),
            held("1.52.0", Status::Unvetted),
            held("1.53.0", Status::Unvetted),
            held("1.54.0", Status::TooNew),
        ];
        assert_eq!(
            held_text(&h, false),
            "1.54.0 too-new, 1.51.0–1.53.0 unvetted (3)"
        );
        assert_eq!(
            held_text(&h, true),
            "1.54.0 too-new, 1.53.0, 1.52.0, 1.51.0 unvetted"
        );
    }

    #[test]
    fn what_is_left_ends_the_report() {
        let plan = Plan {
            stays: vec![crate::change::upgrade::Stay {
                package: "q".into(),
                locked: "0.5.0".into(),
                held_back: vec![Held {
                    breaking: true,
                    ..held("0.6.0", Status::Unvetted)
                }],
            }],
            ..Plan::default()
        };
        let out = upgrade(&plan, false, None, &Style::default());
        assert!(out.contains("q stays at 0.5.0: 0.6.0 unvetted\n"), "{out}");
        assert!(
            out.ends_with(
                "To vet the newest unvetted release once reviewed (then `cargo pin upgrade --breaking`):\n  cargo pin allow q@0.6.0 --reason \"<why they are trusted>\"\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn what_cargo_moved_beside_the_plan_is_not_suggested_and_is_reviewed() {
        let stay = |p: &str| crate::change::upgrade::Stay {
            package: p.into(),
            locked: "0.4.18".into(),
            held_back: vec![held("0.4.19", Status::Unvetted)],
        };
        let plan = Plan {
            stays: vec![stay("regex-automata"), stay("memchr")],
            ..Plan::default()
        };
        let moved = Change {
            package: "regex-automata".into(),
            source: None,
            from_source: None,
            kind: crate::audit::review::diff::Kind::Upgraded,
            from: vec![semver::Version::new(0, 4, 18)],
            to: vec![semver::Version::new(0, 4, 19)],
            introduced: vec![semver::Version::new(0, 4, 19)],
            direct: false,
            via: vec!["regex".into()],
            line: None,
        };
        let relocked = Relocked {
            changes: std::slice::from_ref(&moved),
            in_git: true,
        };
        let out = next_steps(&plan, false, Some(relocked), &Style::default());
        assert!(
            out.contains("cargo also moved 1 package (regex-automata); to judge what the change introduces:\n  cargo pin review --base HEAD\n"),
            "{out}"
        );
        assert!(
            out.contains("cargo pin allow memchr@0.4.19 --reason"),
            "{out}"
        );
        assert!(!out.contains("regex-automata@"), "{out}");
        // A vetted release newer than the unvetted ones leaves nothing to vet.
        let plan = Plan {
            stays: vec![crate::change::upgrade::Stay {
                package: "w".into(),
                locked: "0.1.12".into(),
                held_back: vec![
                    held("0.1.13", Status::Unvetted),
                    Held {
                        breaking: true,
                        ..held("0.2.3", Status::Vetted)
                    },
                ],
            }],
            ..Plan::default()
        };
        let out = next_steps(&plan, false, None, &Style::default());
        assert!(!out.contains("cargo pin allow"), "{out}");
        assert!(out.contains("\n  cargo pin upgrade --breaking\n"), "{out}");
    }
}
