//! The CI recipes: `.pre-commit-hooks.yaml` is a valid pre-commit manifest
//! whose hooks run cargo-pin and fail on findings, checked with pre-commit
//! itself (installed by `.ci/run`, which passes it in CARGO_PIN_PRE_COMMIT).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support;

const TOOL_VAR: &str = "CARGO_PIN_PRE_COMMIT";

/// pre-commit, or `None` with a note when not installed outside CI; on CI
/// (`CI=true`) a missing pre-commit fails the test.
fn pre_commit() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(TOOL_VAR) {
        let p = PathBuf::from(p);
        assert!(p.is_file(), "{TOOL_VAR}={} is not a file", p.display());
        return Some(p);
    }
    let local = support::repo().join("target/pre-commit/bin/pre-commit");
    if local.is_file() {
        return Some(local);
    }
    let ci = std::env::var("CI").unwrap_or_default();
    assert!(
        ci.is_empty() || ci == "false" || ci == "0",
        "CI={ci} but pre-commit is missing: .ci/run installs it and sets {TOOL_VAR}"
    );
    eprintln!("note: pre-commit checks skipped: set {TOOL_VAR} (bash .ci/run installs it)");
    None
}

/// The hooks file's text.
fn hooks() -> String {
    std::fs::read_to_string(support::repo().join(".pre-commit-hooks.yaml")).expect("hooks file")
}

/// `(id, entry, language)` of each hook, read line by line: the file keeps
/// one `key: value` per line, which pre-commit's own check below confirms
/// is what it reads.
fn hook_entries() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String, String)> = None;
    for line in hooks().lines() {
        let line = line.trim_end();
        if let Some(id) = line.strip_prefix("- id: ") {
            out.extend(current.take());
            current = Some((id.trim().into(), String::new(), String::new()));
        } else if let Some(c) = current.as_mut() {
            if let Some(v) = line.trim_start().strip_prefix("entry: ") {
                c.1 = v.trim().into();
            } else if let Some(v) = line.trim_start().strip_prefix("language: ") {
                c.2 = v.trim().into();
            }
        }
    }
    out.extend(current);
    out
}

/// The arguments cargo-pin receives for a hook's entry: `cargo-pin ARGS`
/// directly, or `cargo pin ARGS` through cargo (which passes `pin` on).
fn binary_args(entry: &str) -> Vec<String> {
    let words: Vec<String> = entry.split_whitespace().map(String::from).collect();
    match words.first().map(String::as_str) {
        Some("cargo-pin") => words[1..].to_vec(),
        Some("cargo") => {
            assert_eq!(words.get(1).map(String::as_str), Some("pin"), "{entry}");
            words[1..].to_vec()
        }
        _ => panic!("the entry `{entry}` does not run cargo-pin"),
    }
}

#[test]
fn every_hook_runs_cargo_pin_check_and_fails_on_findings() {
    let cargo_toml: toml::Table = support::repo()
        .join("Cargo.toml")
        .to_str()
        .map(|p| std::fs::read_to_string(p).expect("Cargo.toml"))
        .expect("path")
        .parse()
        .expect("Cargo.toml parses");
    let bins: Vec<&str> = cargo_toml["bin"]
        .as_array()
        .expect("[[bin]]")
        .iter()
        .filter_map(|b| b["name"].as_str())
        .collect();
    let hooks = hook_entries();
    let ids: Vec<&str> = hooks.iter().map(|h| h.0.as_str()).collect();
    assert_eq!(ids, ["cargo-pin-check", "cargo-pin-check-system"]);
    for (id, entry, language) in &hooks {
        assert!(
            ["rust", "system"].contains(&language.as_str()),
            "{id}: {language}"
        );
        if entry.starts_with("cargo-pin") {
            assert!(
                bins.contains(&"cargo-pin"),
                "{id}: no binary cargo-pin in {bins:?}"
            );
        }
        let args = binary_args(entry);
        assert_eq!(args[..2], ["pin", "check"], "{id}");
        // Run it as pre-commit does: from the repository root, no file names.
        for (fixture, code) in [("check/all-rules", 1), ("check/pinned", 0)] {
            let out = crate::bin()
                .args(&args)
                .current_dir(support::fixture(fixture))
                .output(code);
            assert_eq!(out.status.code(), Some(code), "{id} on {fixture}");
        }
    }
}

/// Makes `dir` a git repository with everything in it committed.
fn git_repo(dir: &Path, what: &str) {
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", what]);
}

fn run_pre_commit(tool: &Path, home: &Path, cwd: &Path, args: &[&str]) -> Output {
    // `cargo pin` needs cargo and cargo-pin on PATH.
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_cargo-pin"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let mut path = vec![bin_dir];
    path.extend(Path::new(support::CARGO).parent().map(Path::to_path_buf));
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    // pre-commit runs cargo-pin: in the fixed environment, at the report
    // tests' instant.
    let cache = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(tool);
    support::fixed_env_std(&mut cmd, cache.path());
    cmd.current_dir(cwd)
        .env("CARGO_PIN_NOW", crate::NOW)
        .env("PATH", std::env::join_paths(path).expect("PATH"))
        .env("PRE_COMMIT_HOME", home)
        .env("PRE_COMMIT_COLOR", "never")
        .env_remove("SKIP")
        .args(args)
        .output()
        .expect("run pre-commit")
}

#[test]
fn pre_commit_accepts_the_hooks_and_runs_them() {
    let Some(tool) = pre_commit() else {
        return;
    };
    let out = Command::new(&tool)
        .arg("validate-manifest")
        .arg(support::repo().join(".pre-commit-hooks.yaml"))
        .output()
        .expect("run pre-commit");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // A hook repository holding only our hooks file, as pre-commit clones it.
    let tmp = tempfile::tempdir().expect("tempdir");
    let hook_repo = tmp.path().join("hooks");
    std::fs::create_dir(&hook_repo).expect("mkdir");
    std::fs::write(hook_repo.join(".pre-commit-hooks.yaml"), hooks()).expect("write");
    git_repo(&hook_repo, "hooks");
    let home = tmp.path().join("pre-commit-home");
    let hook_repo = hook_repo.to_str().expect("utf-8");

    for (fixture, passes) in [("check/all-rules", false), ("check/pinned", true)] {
        let project = tmp.path().join(fixture.replace('/', "-"));
        support::copy_dir(&support::fixture(fixture), &project);
        std::fs::write(project.join("README.md"), "# a project\n").expect("write");
        git_repo(&project, fixture);
        let out = run_pre_commit(
            &tool,
            &home,
            &project,
            &[
                "try-repo",
                hook_repo,
                "cargo-pin-check-system",
                "--all-files",
            ],
        );
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.success(), passes, "{fixture}: {text}");
        if passes {
            assert!(text.contains("Passed"), "{fixture}: {text}");
        } else {
            assert!(text.contains("Failed"), "{fixture}: {text}");
            assert!(text.contains("exit code: 1"), "{fixture}: {text}");
            // The report names the manifest above its table, then the line.
            assert!(
                text.contains("app/Cargo.toml [dependencies]"),
                "{fixture}: {text}"
            );
        }
        // Only manifests, lockfiles, pin.toml and toolchain files run it.
        let out = run_pre_commit(
            &tool,
            &home,
            &project,
            &[
                "try-repo",
                hook_repo,
                "cargo-pin-check-system",
                "--files",
                "README.md",
            ],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("Skipped"),
            "{fixture}: {text}"
        );
    }
}

/// The fenced blocks of the README's "CI integration" section, with their
/// info string.
fn readme_ci_blocks() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(support::repo().join("README.md")).expect("README");
    let start = readme
        .find("\n## CI integration")
        .expect("a CI integration section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut blocks = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((info.to_string(), body.join("\n") + "\n"));
        }
    }
    blocks
}

#[test]
fn readme_ci_recipes_use_this_version_and_real_options() {
    let blocks = readme_ci_blocks();
    assert!(blocks.len() >= 3, "{blocks:#?}");
    let version = env!("CARGO_PKG_VERSION");
    let text: String = blocks.iter().map(|b| b.1.as_str()).collect();
    let installs = text
        .matches("cargo install --locked cargo-pin --version ")
        .count();
    assert!(installs >= 2, "the recipes install a pinned cargo-pin");
    assert_eq!(
        installs,
        text.matches(&format!(
            "cargo install --locked cargo-pin --version {version}\n"
        ))
        .count(),
        "the recipes install another version than {version}"
    );
    assert!(text.contains(&format!("rev: v{version}")), "pre-commit rev");
    // Every `cargo pin check` the recipes run parses and runs: exit 0 or 1,
    // never 2 (a bad option).
    let out_dir = tempfile::tempdir().expect("tempdir");
    let mut runs = 0;
    for line in text.lines() {
        let Some(at) = line.find("cargo pin check") else {
            continue;
        };
        let command = line[at..]
            .split(['|', '>', '#'])
            .next()
            .unwrap_or_default()
            .replace("\"$GITHUB_STEP_SUMMARY\"", "summary.md");
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        for (fixture, code) in [("check/all-rules", 1), ("check/pinned", 0)] {
            let out = crate::bin()
                .args(&args)
                .arg("--manifest-path")
                .arg(support::fixture_manifest(fixture))
                .current_dir(out_dir.path())
                .output(code);
            assert_eq!(
                out.status.code(),
                Some(code),
                "`{command}` on {fixture}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            runs += 1;
        }
    }
    assert!(runs >= 8, "only {runs} runs");
    for file in ["cargo-pin.sarif", "cargo-pin.md"] {
        assert!(
            out_dir.path().join(file).is_file(),
            "{file} was not written"
        );
    }
}

#[test]
fn readme_ci_yaml_parses_and_names_real_hooks() {
    let Some(tool) = pre_commit() else {
        return;
    };
    // PyYAML comes with pre-commit, in the same environment.
    let python = tool.with_file_name("python");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut configs = 0;
    for (i, (info, body)) in readme_ci_blocks().into_iter().enumerate() {
        if info != "yaml" {
            continue;
        }
        let file = dir.path().join(format!("{i}.yaml"));
        std::fs::write(&file, &body).expect("write");
        let out = Command::new(&python)
            .args([
                "-c",
                "import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); \
                 assert isinstance(d, dict) and d, d",
            ])
            .arg(&file)
            .output()
            .expect("python");
        assert!(
            out.status.success(),
            "{body}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if body.starts_with("# .pre-commit-config.yaml") {
            configs += 1;
            let out = Command::new(&tool)
                .arg("validate-config")
                .arg(&file)
                .output()
                .expect("pre-commit");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
            let ids: Vec<String> = hook_entries().into_iter().map(|h| h.0).collect();
            for line in body.lines() {
                if let Some(id) = line
                    .trim_start()
                    .trim_start_matches("# ")
                    .strip_prefix("- id: ")
                {
                    let id = id.split_whitespace().next().unwrap_or_default();
                    assert!(ids.iter().any(|i| i == id), "no hook {id} in {ids:?}");
                }
            }
        }
    }
    assert_eq!(configs, 1);
}
