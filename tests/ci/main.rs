//! The CI surface through the real binary: what `check` finds in the files
//! of `fixtures/ci/repo` (workflows, a composite action, `.gitlab-ci.yml`,
//! a multi-stage Dockerfile), where, at which level, and what turns it off;
//! `fix` and `fix --ci` on them in `fix.rs`.

#[path = "../support/mod.rs"]
mod support;

mod fix;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use support::{Copy, copy_dir, fixture, pin, schema};

/// `fixtures/ci/repo` copied into a git repository at `repo/`, with the
/// workspace at `repo/SUB`: the fixture's CI files at the repository's
/// root, its workspace files in `SUB`. Files stored as `NAME_` get their
/// real names back (fixtures/ci/README.md says why).
fn repo(sub: &str) -> (Copy, std::path::PathBuf) {
    let copy = Copy::empty("repo");
    let root = copy.root().to_path_buf();
    copy_dir(&fixture("ci/repo"), &root);
    std::fs::create_dir(root.join(".git")).unwrap();
    rename_stored(&root);
    let ws = root.join(sub);
    if !sub.is_empty() {
        std::fs::create_dir_all(&ws).unwrap();
        for f in ["Cargo.toml", "Cargo.lock", "rust-toolchain.toml", "src"] {
            std::fs::rename(root.join(f), ws.join(f)).unwrap();
        }
    }
    (copy, ws)
}

fn rename_stored(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rename_stored(&p);
        } else if let Some(name) = p.file_name().and_then(|n| n.to_str())
            && let Some(real) = name.strip_suffix('_')
        {
            std::fs::rename(&p, p.with_file_name(real)).unwrap();
        }
    }
}

/// What the fixture's comments say `check` must find: (rule, file, line)
/// → how many, read from `# expect: RULE…` at the end of a line and
/// `# expect-next: RULE…` on the line before.
fn expected(repo: &Path, prefix: &str) -> BTreeMap<(String, String, u64), usize> {
    let mut out = BTreeMap::new();
    let mut files = Vec::new();
    support::snapshot_tree(repo)
        .into_iter()
        .for_each(|(p, bytes)| files.push((p, String::from_utf8(bytes).unwrap())));
    for (path, text) in files {
        let rel = path
            .strip_prefix(repo)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with(".git/") || rel.ends_with(".md") {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            let (at, rules) = if let Some((_, r)) = line.split_once("# expect-next:") {
                (i + 2, r)
            } else if let Some((_, r)) = line.split_once("# expect:") {
                (i + 1, r)
            } else {
                continue;
            };
            for rule in rules.split_whitespace() {
                *out.entry((rule.to_string(), format!("{prefix}{rel}"), at as u64))
                    .or_default() += 1;
            }
        }
    }
    out
}

/// The CI findings of a report, counted like [`expected`].
fn found(report: &Value) -> BTreeMap<(String, String, u64), usize> {
    let mut out = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let rule = f["rule"].as_str().unwrap();
        if !(rule.starts_with("ci-") || rule == "container-image") {
            continue;
        }
        let key = (
            rule.to_string(),
            f["manifest"].as_str().unwrap().to_string(),
            f["line"].as_u64().unwrap(),
        );
        *out.entry(key).or_default() += 1;
    }
    out
}

fn check(ws: &Path, extra: &[&str]) -> Value {
    pin()
        .current_dir(ws)
        .args(["check", "--format", "json"])
        .args(extra)
        .check_json()
}

#[test]
fn every_expected_finding_and_no_other() {
    let (copy, ws) = repo("");
    let report = check(&ws, &[]);
    assert_eq!(found(&report), expected(copy.root(), ""));
    let validator = schema::validator("check.schema.json");
    schema::assert_valid(&validator, &report, "check report");
    // Levels are the rules' defaults; packages are what exemptions name.
    let f = |rule: &str, line: u64, file: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule && f["line"] == line && f["manifest"] == file)
            .unwrap_or_else(|| panic!("{rule} {file}:{line}"))
            .clone()
    };
    let checkout = f("ci-action-ref", 23, ".github/workflows/ci.yml");
    assert_eq!(checkout["level"], "warn");
    assert_eq!(checkout["package"], "actions/checkout");
    let nextest = f("ci-cargo-install", 30, ".github/workflows/ci.yml");
    assert_eq!(nextest["level"], "deny");
    assert_eq!(nextest["package"], "cargo-nextest");
    let msrv = f("ci-toolchain", 67, ".github/workflows/ci.yml");
    let m = msrv["message"].as_str().unwrap();
    assert!(m.contains("1.80.0") && m.contains("1.85.0"), "{m}");
    let image = f("container-image", 4, "docker/app.Dockerfile");
    assert_eq!(image["package"], "rust");
    assert!(
        image["message"]
            .as_str()
            .unwrap()
            .contains("rust:1.85.0-bookworm")
    );
    assert_eq!(report["summary"]["deny"], 16);
    assert_eq!(report["summary"]["warn"], 14);
}

#[test]
fn a_workspace_in_a_subfolder_names_files_from_its_root() {
    let (copy, ws) = repo("crates/app");
    let report = check(&ws, &[]);
    assert_eq!(found(&report), expected(copy.root(), "../../"));
    // Annotations and SARIF name files from the repository's root.
    let gh = pin()
        .current_dir(&ws)
        .args(["check", "--format", "github"])
        .stdout(1);
    assert!(
        gh.contains("file=.github/workflows/ci.yml,line=23,"),
        "{gh}"
    );
    assert!(!gh.contains(".."), "{gh}");
    let sarif = pin()
        .current_dir(&ws)
        .args(["check", "--format", "sarif"])
        .stdout(1);
    assert!(
        sarif.contains("\"uri\": \"docker/app.Dockerfile\""),
        "{sarif}"
    );
}

#[test]
fn without_git_the_workspace_root_is_the_repository() {
    let (copy, ws) = repo("app");
    // No `.git`: only what is under the workspace is read, and nothing is.
    std::fs::remove_dir(copy.root().join(".git")).unwrap();
    let report = check(&ws, &[]);
    assert!(found(&report).is_empty(), "{report:#}");
    // A workflow at the workspace root is read.
    let wf = ws.join(".github/workflows");
    std::fs::create_dir_all(&wf).unwrap();
    std::fs::write(
        wf.join("ci.yaml"),
        "jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n",
    )
    .unwrap();
    let report = check(&ws, &[]);
    let keys: Vec<_> = found(&report).into_keys().collect();
    assert_eq!(
        keys,
        [(
            "ci-action-ref".into(),
            ".github/workflows/ci.yaml".into(),
            4
        )]
    );
}

#[test]
fn no_ci_and_scan_false_turn_it_off() {
    let (_copy, ws) = repo("");
    let report = check(&ws, &["--no-ci"]);
    assert!(found(&report).is_empty());
    assert_eq!(report["summary"]["deny"], 0);
    std::fs::write(ws.join("pin.toml"), "[ci]\nscan = false\n").unwrap();
    let report = check(&ws, &[]);
    assert!(found(&report).is_empty());
    std::fs::write(ws.join("pin.toml"), "[ci]\nscan = true\n").unwrap();
    assert!(!found(&check(&ws, &[])).is_empty());
    // A typo in the table is an error, as for every pin.toml key.
    std::fs::write(ws.join("pin.toml"), "[ci]\nscna = false\n").unwrap();
    let err = pin().current_dir(&ws).arg("check").stderr(2);
    assert!(err.contains("scna"), "{err}");
}

#[test]
fn levels_and_exemptions_apply_as_to_every_rule() {
    let (_copy, ws) = repo("");
    let count = |r: &Value, rule: &str, level: &str| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule && f["level"] == level)
            .count()
    };
    let r = check(
        &ws,
        &[
            "-A",
            "ci-action-ref",
            "-D",
            "container-image",
            "-W",
            "ci-toolchain",
        ],
    );
    assert_eq!(count(&r, "ci-action-ref", "warn"), 0);
    assert_eq!(count(&r, "container-image", "deny"), 5);
    assert_eq!(count(&r, "ci-toolchain", "warn"), 8);
    assert_eq!(r["summary"]["allowed"], 9);
    std::fs::write(
        ws.join("pin.toml"),
        r#"[rules]
ci-cargo-install = "warn"

[[exempt]]
crate = "actions/checkout"
reason = "GitHub's own"

[[exempt]]
crate = "rust"
rules = ["container-image"]
reason = "the official image"

[[exempt]]
crate = "cargo-nextest"
reason = "installed from its own release page next"
"#,
    )
    .unwrap();
    let r = check(&ws, &[]);
    assert_eq!(count(&r, "ci-cargo-install", "deny"), 0);
    assert_eq!(count(&r, "ci-cargo-install", "warn"), 7);
    let packages: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["package"].as_str())
        .collect();
    for gone in ["actions/checkout", "rust", "cargo-nextest"] {
        assert!(
            !packages.contains(&gone),
            "{gone} is exempted: {packages:?}"
        );
    }
    // rust:latest, rust:1.85.0-slim and rust:1.85.0-bookworm.
    assert_eq!(r["summary"]["exempted"], 5);
}

#[test]
fn every_format_reports_ci_findings() {
    let (_copy, ws) = repo("");
    let human = pin().current_dir(&ws).arg("check").stdout(1);
    assert!(
        human
            .lines()
            .any(|l| l.starts_with(".github/workflows/ci.yml:30 ")
                && l.contains(" deny  ci-cargo-install  ")),
        "{human}"
    );
    let md = pin()
        .current_dir(&ws)
        .args(["check", "--format", "markdown"])
        .stdout(1);
    assert!(
        md.contains("ci-toolchain") && md.contains(".gitlab-ci.yml"),
        "{md}"
    );
    support::md_tables(&md);
    let gh = pin()
        .current_dir(&ws)
        .args(["check", "--format", "github"])
        .stdout(1);
    assert!(
        gh.lines().any(|l| l.starts_with("::warning")
            && l.contains("file=.github/workflows/ci.yml")
            && l.contains("line=23")),
        "{gh}"
    );
    let sarif: Value = pin()
        .current_dir(&ws)
        .args(["check", "--format", "sarif"])
        .json(1);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "container-image"));
}

#[test]
fn a_malformed_workflow_is_an_error_naming_file_and_line() {
    let (_copy, ws) = repo("");
    std::fs::write(
        ws.join(".github/workflows/bad.yml"),
        "jobs:\n  a:\n    steps:\n\t- run: cargo install x\n",
    )
    .unwrap();
    let err = pin().current_dir(&ws).arg("check").stderr(2);
    assert!(err.contains(".github/workflows/bad.yml:4"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // `--no-ci` is the way past it.
    pin().current_dir(&ws).args(["check", "--no-ci"]).code(0);
}
