use super::*;
use crate::audit::finding::Summary;

fn dep(manifest: &str, line: usize, table: &str, rule: Rule, name: &str) -> Finding {
    Finding {
        rule,
        level: rule.default_level(),
        manifest: manifest.into(),
        line: Some(line),
        table: Some(table.into()),
        name: Some(name.into()),
        package: Some(name.into()),
        requirement: Some("0.12".into()),
        locked: Some("0.12.2".into()),
        fix: Some("=0.12.2".into()),
        message: "`0.12` accepts any semver-compatible release; pin `=0.12.2`".into(),
    }
}

fn report(findings: Vec<Finding>) -> Report {
    let deny = findings.iter().filter(|f| f.level == Level::Deny).count();
    Report {
        summary: Summary {
            deny,
            warn: findings.len() - deny,
            requirements: findings.len(),
            manifests: 2,
            ..Summary::default()
        },
        findings,
    }
}

/// Long paths, long names and requirements, a git commit, a target table.
fn sample() -> Report {
    let sha = "21419eb785cb583ead180f25a9685fa16de7f326";
    let mut git = dep(
        "crates/nu-command-with-a-long-name/Cargo.toml",
        63,
        "target.cfg(target_os = \"macos\").dependencies",
        Rule::GitBranch,
        "wasi-experimental-http-wasmtime",
    );
    git.requirement = Some("git = \"https://github.com/lapce/wasi-experimental-http\"".into());
    git.fix = Some(format!("rev = \"{sha}\""));
    let mut stale = dep(
        "Cargo.toml",
        24,
        "dependencies",
        Rule::LockfileStale,
        "toml",
    );
    stale.fix = None;
    let mut tag = dep("Cargo.toml", 10, "dependencies", Rule::GitTag, "tagged");
    tag.level = Level::Warn;
    report(vec![
        dep(
            "Cargo.toml",
            357,
            "workspace.dependencies",
            Rule::Caret,
            "simplelog",
        ),
        dep(
            "Cargo.toml",
            135,
            "workspace.dependencies",
            Rule::Caret,
            "anyhow",
        ),
        dep(
            "Cargo.toml",
            358,
            "workspace.dependencies",
            Rule::Wildcard,
            "toml",
        ),
        stale,
        tag,
        git,
        dep(
            "crates/nu-command-with-a-long-name/Cargo.toml",
            12,
            "dev-dependencies",
            Rule::Tilde,
            "pretty_assertions",
        ),
        Finding::file(
            Rule::ToolchainUnpinned,
            "rust-toolchain.toml",
            Some(2),
            "the toolchain file names channel `stable`, which moves with every release".into(),
        ),
    ])
}

fn at(width: u16) -> Style {
    Style {
        color: false,
        width: Some(width),
        verbose: false,
    }
}

#[test]
fn a_location_is_never_split_at_any_width() {
    let r = sample();
    for width in 20..=200u16 {
        let text = check(&r, &at(width));
        let lines: Vec<&str> = text.lines().collect();
        for f in &r.findings {
            let location = f.location();
            if width < WIDE || f.name.is_none() {
                // The whole `file:line` starts a line.
                assert!(
                    lines
                        .iter()
                        .any(|l| l.starts_with(&format!("{location}  "))),
                    "{width}: {location} not whole at the start of a line:\n{text}"
                );
            } else {
                // The manifest in a heading, the line whole in its cell.
                let line = f.line.unwrap_or_default();
                assert!(
                    lines.iter().any(|l| l.starts_with(f.manifest.as_str())),
                    "{width}: no heading for {}:\n{text}",
                    f.manifest
                );
                assert!(
                    lines.iter().any(|l| l
                        .strip_prefix('│')
                        .is_some_and(|c| c.trim_start().starts_with(&format!("{line} ┆")))),
                    "{width}: line {line} split:\n{text}"
                );
            }
        }
        // Nothing is wider than the terminal (20 columns is the least
        // `$COLUMNS` counts) but what cannot be cut: a
        // location with its level and rule, a heading's manifest or
        // table, one word or requirement.
        let whole: Vec<String> = r
            .findings
            .iter()
            .flat_map(|f| {
                [
                    format!("{}  {}  {}", f.location(), f.level, f.rule),
                    f.manifest.clone(),
                    f.table.as_deref().map(table_header).unwrap_or_default(),
                    short_revs(f.requirement.as_deref().unwrap_or_default()),
                    short_revs(f.fix.as_deref().unwrap_or_default()),
                ]
            })
            .collect();
        for l in &lines {
            let w = textwrap::core::display_width(l);
            let t = l.trim().trim_end_matches(" →").trim();
            // A `code span` (a command) is one word too.
            let bare = t.trim_matches(|c: char| !c.is_alphanumeric() && c != '`');
            let span =
                bare.starts_with('`') && bare.ends_with('`') && bare.matches('`').count() == 2;
            let uncut = span
                || !t.contains(' ')
                || whole.iter().any(|u| {
                    t.contains(u.as_str()) && !t.replacen(u.as_str(), "", 1).trim().contains(' ')
                });
            assert!(w <= width as usize || uncut, "{width}: {l}\n{text}");
        }
    }
}

#[test]
fn rows_of_a_manifest_are_in_line_order_under_their_table() {
    let text = check(&sample(), &at(80));
    let pos = |s: &str| text.find(s).unwrap_or_else(|| panic!("no {s} in\n{text}"));
    assert!(pos("Cargo.toml:135 ") < pos("Cargo.toml:357 "));
    assert!(pos("Cargo.toml:357 ") < pos("Cargo.toml:358 "));
    assert!(pos("Cargo.toml [dependencies]\n") < pos("Cargo.toml:10 "));
    assert!(pos("Cargo.toml:24 ") < pos("Cargo.toml [workspace.dependencies]\n"));
    // Too long for one line at 80 columns: the table goes below, whole.
    assert!(text.contains(
        "crates/nu-command-with-a-long-name/Cargo.toml\n  [target.'cfg(target_os = \"macos\")'.dependencies]\n"
    ), "{text}");
    // The commit is short here, whole in the finding.
    assert!(text.contains("rev = \"21419eb785cb\""), "{text}");
    assert!(!text.contains("21419eb785cb5"), "{text}");
}

#[test]
fn short_is_one_line_per_finding_at_any_width() {
    let r = sample();
    for width in [40, 80, 200] {
        let text = check_short(&r, &at(width));
        assert_eq!(text.lines().count(), r.findings.len() + 1, "{text}");
        assert!(text.contains(
            "Cargo.toml:357  deny  caret           simplelog 0.12 → =0.12.2  [workspace.dependencies]\n"
        ), "{text}");
    }
}

#[test]
fn help_counts_what_fix_pins_and_names_the_rest() {
    let r = sample();
    let text = check(&r, &at(200));
    assert!(
        text.contains("deny: caret 2, wildcard 1, tilde 1, git-branch 1, lockfile-stale 1\n"),
        "{text}"
    );
    assert!(
        text.contains("warn: git-tag 1, toolchain-unpinned 1\n"),
        "{text}"
    );
    assert_eq!(
        next_steps(&r),
        [
            "run `cargo pin fix` to pin 5 of the 6 deny-level findings to what Cargo.lock locks; the rest: 1 not in Cargo.lock (`cargo update -p toml`)"
        ]
    );
    let mut all = report(vec![dep("Cargo.toml", 3, "dependencies", Rule::Caret, "a")]);
    assert_eq!(
        next_steps(&all),
        ["run `cargo pin fix` to pin it to what Cargo.lock locks"]
    );
    all.findings
        .push(dep("Cargo.toml", 4, "dependencies", Rule::Caret, "b"));
    assert_eq!(
        next_steps(&all),
        ["run `cargo pin fix` to pin all 2 to what Cargo.lock locks"]
    );
    assert!(next_steps(&report(vec![])).is_empty());
}

#[test]
fn help_suggests_rollback_and_allow_for_locked_versions() {
    let locked = |rule: Rule, name: &str| {
        let mut f = Finding::file(
            rule,
            "Cargo.lock",
            Some(40),
            format!("`{name} 1.0.1` is locked"),
        );
        f.name = Some(name.into());
        f.package = Some(name.into());
        f.locked = Some("1.0.1".into());
        f
    };
    let r = report(vec![
        locked(Rule::Yanked, "b"),
        locked(Rule::Denied, "a"),
        locked(Rule::Denied, "a"),
        locked(Rule::Unvetted, "c"),
    ]);
    assert_eq!(
        next_steps(&r),
        [
            "`cargo pin fix` pins none of the 4 deny-level findings: 3 yanked or denied locked versions, 1 unvetted locked version",
            "run `cargo pin rollback a b` to move the yanked or denied locked versions back to the last good release",
            "once reviewed, `cargo pin allow c@1.0.1 --reason \"...\"` records the vetted releases",
        ]
    );
}

#[test]
fn help_sends_ci_findings_to_fix_ci() {
    let ci = Finding::file(
        Rule::CiToolchain,
        ".github/workflows/ci.yml",
        Some(26),
        "`toolchain: stable` names a channel that moves with every release".into(),
    );
    let r = report(vec![ci.clone()]);
    assert_eq!(
        next_steps(&r),
        [
            "run `cargo pin fix --ci` for the 1 in CI files: it pins what it can, and says why it leaves the rest"
        ]
    );
    let r = report(vec![
        ci,
        dep("Cargo.toml", 3, "dependencies", Rule::Caret, "a"),
    ]);
    assert_eq!(
        next_steps(&r)[0],
        "run `cargo pin fix` to pin it to what Cargo.lock locks"
    );
    assert_eq!(next_steps(&r).len(), 2);
}

#[test]
fn help_asks_for_a_lockfile_first() {
    let mut caret = dep("Cargo.toml", 3, "dependencies", Rule::Caret, "a");
    caret.fix = None;
    let missing = Finding::file(
        Rule::LockfileMissing,
        "Cargo.lock",
        None,
        "no Cargo.lock".into(),
    );
    assert_eq!(
        next_steps(&report(vec![caret, missing])),
        [
            "run `cargo generate-lockfile` first (and commit Cargo.lock): with none, `cargo pin fix` has no locked version to pin the requirement to"
        ]
    );
}
