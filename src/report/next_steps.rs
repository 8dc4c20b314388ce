//! What to run next after `check`: the `help:` lines of the human report,
//! and the list under the Markdown report's verdict.

use std::collections::BTreeSet;

use crate::audit::finding::{Finding, Report};
use crate::audit::rule::{Level, Rule};
use crate::report::human::plural;

/// What to run next about the deny-level findings, one `help:` line each
/// (without the `help: `): what `cargo pin fix` pins and what it leaves,
/// then `rollback` for yanked or denied locked versions and `allow` for
/// unvetted ones.
///
/// "Pins" follows `fix`'s own rules (src/change/fix.rs): it rewrites a
/// requirement rule's or a git rule's finding at level deny that has a
/// locked version or commit (the finding's `fix`). It cannot see the
/// levels `check` was given on the command line: with `-D git-tag` the
/// command shown carries it too.
pub(crate) fn next_steps(report: &Report) -> Vec<String> {
    let deny: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.level == Level::Deny)
        .collect();
    if deny.is_empty() {
        return Vec::new();
    }
    let count = |p: &dyn Fn(&Finding) -> bool| deny.iter().filter(|f| p(f)).count();
    let fix_rule = |r: Rule| r.is_requirement_rule() || matches!(r, Rule::GitBranch | Rule::GitTag);
    let fixable = count(&|f| fix_rule(f.rule) && f.fix.is_some());
    let git_tag = deny
        .iter()
        .any(|f| f.rule == Rule::GitTag && f.fix.is_some());
    let command = if git_tag {
        "cargo pin fix -D git-tag"
    } else {
        "cargo pin fix"
    };

    let mut rest: Vec<String> = Vec::new();
    let say = |rest: &mut Vec<String>, n: usize, one: &str, many: &str| {
        if n > 0 {
            rest.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    };
    say(
        &mut rest,
        count(&|f| f.rule.is_requirement_rule() && f.fix.is_none()),
        "requirement with no locked version to pin to",
        "requirements with no locked version to pin to",
    );
    say(
        &mut rest,
        count(&|f| matches!(f.rule, Rule::GitBranch | Rule::GitTag) && f.fix.is_none()),
        "git dependency with no locked commit",
        "git dependencies with no locked commit",
    );
    let stale: BTreeSet<&str> = deny
        .iter()
        .filter(|f| f.rule == Rule::LockfileStale)
        .filter_map(|f| f.package.as_deref())
        .collect();
    if !stale.is_empty() {
        let n = count(&|f| f.rule == Rule::LockfileStale);
        let update: Vec<String> = stale.iter().map(|p| format!("-p {p}")).collect();
        rest.push(format!(
            "{n} not in Cargo.lock (`cargo update {}`)",
            update.join(" ")
        ));
    }
    if count(&|f| f.rule == Rule::LockfileMissing) > 0 {
        rest.push("no Cargo.lock (`cargo generate-lockfile`)".into());
    }
    if count(&|f| f.rule == Rule::ToolchainUnpinned) > 0 {
        rest.push("the toolchain (name an exact release in rust-toolchain.toml)".into());
    }
    say(
        &mut rest,
        count(&|f| f.rule == Rule::ExemptionExpired),
        "expired exemption in pin.toml",
        "expired exemptions in pin.toml",
    );
    let ci = count(&|f| {
        matches!(
            f.rule,
            Rule::CiCargoInstall | Rule::CiToolchain | Rule::CiActionRef | Rule::ContainerImage
        )
    });
    let yanked = count(&|f| f.rule == Rule::Yanked) > 0;
    let denied = count(&|f| f.rule == Rule::Denied) > 0;
    let bad = match (yanked, denied) {
        (true, true) => "yanked or denied",
        (true, false) => "yanked",
        _ => "denied",
    };
    say(
        &mut rest,
        count(&|f| matches!(f.rule, Rule::Yanked | Rule::Denied)),
        &format!("{bad} locked version"),
        &format!("{bad} locked versions"),
    );
    say(
        &mut rest,
        count(&|f| f.rule == Rule::Unvetted),
        "unvetted locked version",
        "unvetted locked versions",
    );
    say(
        &mut rest,
        count(&|f| f.rule == Rule::TooNew),
        "locked version younger than the cooldown (wait, or go back to an older release)",
        "locked versions younger than the cooldown (wait, or go back to older releases)",
    );
    let other = count(&|f| {
        !fix_rule(f.rule)
            && !matches!(
                f.rule,
                Rule::LockfileStale
                    | Rule::LockfileMissing
                    | Rule::ToolchainUnpinned
                    | Rule::ExemptionExpired
                    | Rule::CiCargoInstall
                    | Rule::CiToolchain
                    | Rule::CiActionRef
                    | Rule::ContainerImage
                    | Rule::Yanked
                    | Rule::Denied
                    | Rule::Unvetted
                    | Rule::TooNew
            )
    });
    say(&mut rest, other, "other finding", "other findings");

    // CI files have their own line: `fix` edits some offline, `fix --ci`
    // more, and which it can depends on more than the finding says.
    let total = deny.len() - ci;
    let mut out = Vec::new();
    let what = if ci > 0 {
        format!("{} outside CI files", plural(total, "deny-level finding"))
    } else {
        plural(total, "deny-level finding")
    };
    let first = match (fixable, rest.is_empty()) {
        (0, _) => format!(
            "`cargo pin fix` pins none of the {what}: {}",
            rest.join(", ")
        ),
        (n, true) if n == total && total == 1 => {
            format!("run `{command}` to pin it to what Cargo.lock locks")
        }
        (n, true) if n == total => {
            format!("run `{command}` to pin all {total} to what Cargo.lock locks")
        }
        (n, true) => format!("run `{command}` to pin {n} of the {what}"),
        (n, false) => format!(
            "run `{command}` to pin {n} of the {what} to what Cargo.lock locks; the rest: {}",
            rest.join(", ")
        ),
    };
    let no_lock = report
        .findings
        .iter()
        .any(|f| f.rule == Rule::LockfileMissing);
    if no_lock {
        // `fix` refuses to run without a lockfile: that comes first.
        let pinnable = count(&|f| fix_rule(f.rule));
        out.push(format!(
            "run `cargo generate-lockfile` first (and commit Cargo.lock): with none, `cargo pin fix` has no locked version to pin {} to",
            if pinnable == 1 {
                "the requirement".to_string()
            } else {
                format!("the {pinnable} requirements")
            }
        ));
    } else if total > 0 {
        out.push(first);
    }
    if ci > 0 {
        out.push(format!(
            "run `cargo pin fix --ci` for the {ci} in CI files: it pins what it can, and says why it leaves the rest"
        ));
    }

    let back: BTreeSet<&str> = deny
        .iter()
        .filter(|f| matches!(f.rule, Rule::Yanked | Rule::Denied))
        .filter_map(|f| f.package.as_deref())
        .collect();
    if !back.is_empty() {
        out.push(format!(
            "run `cargo pin rollback {}` to move the {bad} {} back to the last good release",
            back.iter().copied().collect::<Vec<_>>().join(" "),
            if back.len() == 1 {
                "locked version"
            } else {
                "locked versions"
            }
        ));
    }
    let unvetted: BTreeSet<String> = deny
        .iter()
        .filter(|f| f.rule == Rule::Unvetted)
        .filter_map(|f| {
            Some(format!(
                "{}@{}",
                f.package.as_deref()?,
                f.locked.as_deref()?
            ))
        })
        .collect();
    if !unvetted.is_empty() {
        const SHOWN: usize = 3;
        let mut shown: Vec<&str> = unvetted.iter().take(SHOWN).map(String::as_str).collect();
        let more = unvetted.len().saturating_sub(SHOWN);
        if more > 0 {
            shown.push("…");
        }
        out.push(format!(
            "once reviewed, `cargo pin allow {} --reason \"...\"` records the vetted releases{}",
            shown.join(" "),
            if more > 0 {
                format!(" ({more} more: see the rows above)")
            } else {
                String::new()
            }
        ));
    }
    out
}
