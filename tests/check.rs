//! `cargo pin check` through the real binary, on the fixtures.

mod support;

use support::{fixture, pin};

/// A day the policy fixture's exemption of `log` (expiring 2026-01-31)
/// still applies; the tests' clock (`support::NOW`) is past it.
const BEFORE_EXPIRY: &str = "2026-01-15";

fn manifest(name: &str) -> String {
    fixture(&format!("check/{name}/Cargo.toml"))
        .display()
        .to_string()
}

#[test]
fn all_rules_json() {
    let root = fixture("check/all-rules");
    pin()
        .args(["pin", "check", "--format", "json", "--manifest-path"])
        .arg(manifest("all-rules"))
        .redact_root(&root)
        .code(1)
        .stdout_eq(snapbox::file!["snapshots/check-all-rules.json"]);
}

#[test]
fn all_rules_human() {
    let root = fixture("check/all-rules");
    pin()
        .args(["pin", "check", "--manifest-path"])
        .arg(manifest("all-rules"))
        .redact_root(&root)
        .code(1)
        .stdout_eq(snapbox::file!["snapshots/check-all-rules.txt"]);
}

/// The human report at a terminal's common widths: one finding per line at
/// 60 and 80 columns, tables at 120; and `--format short`, the same at any.
#[test]
fn all_rules_human_at_60_80_120_columns_and_short() {
    let root = fixture("check/all-rules");
    let run = |width: usize, format: &str| {
        pin()
            .columns(width)
            .args(["pin", "check", "--format", format, "--manifest-path"])
            .arg(manifest("all-rules"))
            .redact_root(&root)
            .code(1)
    };
    run(60, "human").stdout_eq(snapbox::file!["snapshots/check-all-rules-60.txt"]);
    run(80, "human").stdout_eq(snapbox::file!["snapshots/check-all-rules-80.txt"]);
    run(120, "human").stdout_eq(snapbox::file!["snapshots/check-all-rules-120.txt"]);
    for width in [40, 200] {
        run(width, "short").stdout_eq(snapbox::file!["snapshots/check-all-rules-short.txt"]);
    }
}

#[test]
fn every_dependency_finding_names_its_table() {
    let v = pin()
        .args(["check", "--format", "json", "--manifest-path"])
        .arg(manifest("all-rules"))
        .json(1);
    let mut tables: Vec<&str> = Vec::new();
    for f in v["findings"].as_array().unwrap() {
        if f["manifest"].as_str().unwrap().ends_with("Cargo.toml") {
            let t = f["table"]
                .as_str()
                .unwrap_or_else(|| panic!("no table: {f}"));
            if !tables.contains(&t) {
                tables.push(t);
            }
        }
    }
    tables.sort_unstable();
    assert_eq!(
        tables,
        [
            "build-dependencies",
            "dependencies",
            "dev-dependencies",
            "patch.crates-io",
            "target.cfg(unix).dependencies",
            "workspace.dependencies"
        ]
    );
}

#[test]
fn short_is_for_check_only() {
    let out = pin()
        .args(["pin", "fix", "--format", "short", "--manifest-path"])
        .arg(manifest("all-rules"))
        .stderr(2);
    assert!(out.contains("invalid value 'short'"), "{out}");
}

#[test]
fn every_rule_is_found_on_the_line_of_its_key() {
    let v = pin()
        .args(["check", "--format", "json", "--manifest-path"])
        .arg(manifest("all-rules"))
        .json(1);
    let found: Vec<(String, String, String, u64)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"].is_string())
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["manifest"].as_str().unwrap().to_string(),
                f["name"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // An independent reading of the fixture: each key's line, by search.
    let text = std::fs::read_to_string(fixture("check/all-rules/app/Cargo.toml")).unwrap();
    let line_of = |key: &str| {
        text.lines()
            .position(|l| {
                l.starts_with(&format!("{key} =")) || l == format!("[dependencies.{key}]")
            })
            .map(|i| i as u64 + 1)
            .unwrap()
    };
    for (rule, name) in [
        ("wildcard", "rand"),
        ("wildcard", "itoa"),
        ("caret", "regex"),
        ("caret", "memchr"),
        ("tilde", "smallvec"),
        ("range", "bytes"),
        ("range", "either"),
        ("partial-exact", "once_cell"),
        ("caret", "json"),
        ("git-branch", "dep-branch"),
        ("git-branch", "dep-default"),
        ("git-tag", "dep-tag"),
        ("lockfile-stale", "toml"),
        ("caret", "hex"),
        ("caret", "tempfile"),
        ("caret", "cc"),
        ("caret", "libc"),
    ] {
        let want = (
            rule.to_string(),
            "app/Cargo.toml".to_string(),
            name.to_string(),
            line_of(name),
        );
        assert!(found.contains(&want), "missing {want:?} in {found:?}");
    }
    // Pinned, path and inherited entries have no finding of their own.
    for name in ["anyhow", "lib", "dep-rev", "serde", "log"] {
        assert!(
            !found
                .iter()
                .any(|(_, m, n, _)| m == "app/Cargo.toml" && n == name),
            "{name} should have no finding in app/Cargo.toml"
        );
    }
    // The workspace entry carries the inherited requirement's finding; an
    // unused one is not stale; the patch following a branch is found.
    assert!(found.contains(&("caret".into(), "Cargo.toml".into(), "serde".into(), 7)));
    assert!(
        !found
            .iter()
            .any(|(r, _, n, _)| r == "lockfile-stale" && n == "unused")
    );
    assert!(found.contains(&(
        "git-branch".into(),
        "Cargo.toml".into(),
        "anyhow".into(),
        12
    )));
}

#[test]
fn renamed_and_target_dependencies_carry_table_and_package() {
    let v = pin()
        .args(["check", "--format", "json", "--manifest-path"])
        .arg(manifest("all-rules"))
        .json(1);
    let f = v["findings"].as_array().unwrap();
    let json_dep = f.iter().find(|f| f["name"] == "json").unwrap();
    assert_eq!(json_dep["package"], "serde_json");
    assert_eq!(json_dep["locked"], "1.0.127");
    assert_eq!(json_dep["fix"], "=1.0.127");
    let libc = f.iter().find(|f| f["name"] == "libc").unwrap();
    assert_eq!(libc["table"], "target.cfg(unix).dependencies");
    let cc = f.iter().find(|f| f["name"] == "cc").unwrap();
    assert_eq!(cc["table"], "build-dependencies");
}

#[test]
fn pinned_workspace_passes_even_with_an_uninstalled_toolchain() {
    // Without $CARGO the binary runs `cargo` from PATH (rustup's proxy);
    // the fixture's toolchain file names 1.61.0, which is not installed.
    let root = fixture("check/pinned");
    pin()
        .env_remove("CARGO")
        .current_dir(&root)
        .args(["pin", "check"])
        .redact_root(&root)
        .code(0)
        .stdout_eq(snapbox::str![[r#"
ok: 0 deny, 0 warn — 4 requirements in 2 manifests, 3 pinned

"#]]);
}

#[test]
fn missing_lockfile_and_legacy_toolchain_file() {
    let v = pin()
        .args(["check", "--format", "json", "--manifest-path"])
        .arg(manifest("no-lockfile"))
        .json(1);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0]["rule"], "lockfile-missing");
    assert_eq!(f[0]["manifest"], "Cargo.lock");
    assert!(f[0]["line"].is_null());
    assert_eq!(f[1]["rule"], "toolchain-unpinned");
    assert_eq!(f[1]["manifest"], "rust-toolchain");
    assert_eq!(f[1]["level"], "warn");
    assert_eq!(v["summary"]["deny"], 1);
}

#[test]
fn policy_levels_exemptions_and_expiry() {
    let root = fixture("check/policy");
    pin()
        .args(["check", "--format", "json", "--manifest-path"])
        .arg(manifest("policy"))
        .redact_root(&root)
        .code(1)
        .stdout_eq(snapbox::file!["snapshots/check-policy.json"]);
}

#[test]
fn exemption_before_its_expiry_applies() {
    let v = pin()
        .now(BEFORE_EXPIRY)
        .args(["check", "--format", "json", "--manifest-path"])
        .arg(manifest("policy"))
        .json(1);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["tilde", "git-tag"]);
    assert_eq!(v["summary"]["exempted"], 2);
}

#[test]
fn command_line_levels_override_the_policy() {
    // git-tag is deny in pin.toml; -W makes it a warning, -A silences
    // the rest, so nothing is left at deny.
    pin()
        .now(BEFORE_EXPIRY)
        .args(["check", "-W", "git-tag", "--manifest-path"])
        .arg(manifest("policy"))
        .code(0);
    pin()
        .now(BEFORE_EXPIRY)
        .args(["check", "-D", "tilde", "-A", "git-tag", "--manifest-path"])
        .arg(manifest("policy"))
        .code(1);
}

#[test]
fn unknown_rule_on_the_command_line_is_exit_2() {
    pin()
        .args(["check", "-D", "carret", "--manifest-path"])
        .arg(manifest("pinned"))
        .code(2)
        .stderr_eq(snapbox::str![[r#"
error: invalid value 'carret' for '--deny <RULE>'
...
"#]]);
}

#[test]
fn excluded_folders_are_not_audited() {
    let v = pin()
        .args(["check", "--format", "json", "--manifest-path"])
        .arg(manifest("excluded"))
        .json(0);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(v["summary"]["manifests"], 2);
}

#[test]
fn lockfile_v1_is_read() {
    let v = pin()
        .args(["check", "--format", "json", "--manifest-path"])
        .arg(manifest("lock-v1"))
        .json(1);
    let f = v["findings"].as_array().unwrap();
    let log = f.iter().find(|f| f["name"] == "log").unwrap();
    assert_eq!(log["locked"], "0.4.8");
    // libc = "0.2.60" but 0.2.58 is locked: stale.
    assert!(
        f.iter()
            .any(|f| f["name"] == "libc" && f["rule"] == "lockfile-stale")
    );
}

#[test]
fn finds_the_workspace_from_a_member_directory() {
    let v = pin()
        .current_dir(fixture("check/all-rules/app"))
        .args(["check", "--format", "json"])
        .json(1);
    assert!(v["workspace_root"].as_str().unwrap().ends_with("all-rules"));
    assert_eq!(v["summary"]["manifests"], 3);
}

#[test]
fn missing_manifest_path_is_exit_2() {
    pin()
        .args(["check", "--manifest-path", "no/such/Cargo.toml"])
        .code(2)
        .stderr_eq(snapbox::str![[r#"
error: manifest path `no/such/Cargo.toml` does not exist

"#]]);
}

#[test]
fn direct_invocation_matches_cargo_invocation() {
    let a = pin()
        .args(["pin", "check", "--format", "json", "--manifest-path"])
        .arg(manifest("all-rules"))
        .output(1);
    let b = pin()
        .args(["check", "--format", "json", "--manifest-path"])
        .arg(manifest("all-rules"))
        .output(1);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.status.code(), Some(1));
    assert_eq!(b.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&b.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 22);
}

#[test]
fn human_output_fits_the_terminal_width() {
    for width in [60usize, 80, 120] {
        let text = pin()
            .columns(width)
            .args(["check", "--manifest-path"])
            .arg(manifest("all-rules"))
            .stdout(1);
        for line in text.lines() {
            assert!(line.chars().count() <= width, "wider than {width}: {line}");
        }
        assert!(!text.contains('\u{1b}'), "no colour with NO_COLOR");
    }
}

#[test]
fn colour_only_when_asked_and_an_explicit_choice_beats_no_color() {
    let run = |term_color: Option<&str>, no_color: bool| {
        let mut cmd = pin()
            .args(["check", "--manifest-path"])
            .arg(manifest("all-rules"));
        if let Some(c) = term_color {
            cmd = cmd.env("CARGO_TERM_COLOR", c);
        }
        if !no_color {
            cmd = cmd.env_remove("NO_COLOR");
        }
        cmd.stdout(1)
    };
    assert!(run(Some("always"), false).contains("\u{1b}["));
    // As in cargo: CARGO_TERM_COLOR=always is a choice NO_COLOR does not undo.
    assert!(run(Some("always"), true).contains("\u{1b}["));
    assert!(!run(None, true).contains('\u{1b}'));
    assert!(
        !run(None, false).contains('\u{1b}'),
        "a pipe is not a terminal"
    );
}
