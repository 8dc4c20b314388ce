//! What holds for every format: the exit code, and `--output`.

use crate::{support, workspaces};

const FORMATS: [&str; 6] = ["human", "short", "json", "markdown", "sarif", "github"];

#[test]
fn exit_code_does_not_depend_on_the_format() {
    for (what, ws) in workspaces::variants() {
        // Asserts the exit code is 1 exactly when there is a deny finding.
        let report = crate::check_json(&ws.manifest(), &[]);
        let deny = report["summary"]["deny"].as_u64().expect("deny");
        let expected = if deny > 0 { 1 } else { 0 };
        assert_eq!(support::check_code(&report), expected, "{what}");
        for format in FORMATS {
            let out = crate::check(&ws.manifest(), &["--format", format], expected);
            assert_eq!(
                out.status.code(),
                Some(expected),
                "{what}: --format {format}"
            );
        }
    }
}

#[test]
fn output_writes_the_file_and_nothing_to_stdout() {
    let manifest = support::fixture_manifest("check/all-rules");
    let dir = tempfile::tempdir().expect("tempdir");
    for format in FORMATS {
        let stdout = crate::check(&manifest, &["--format", format], 1);
        let file = dir.path().join(format!("report.{format}"));
        let out = crate::check(
            &manifest,
            &[
                "--format",
                format,
                "--output",
                file.to_str().expect("utf-8"),
            ],
            1,
        );
        assert_eq!(out.status.code(), stdout.status.code(), "{format}");
        assert!(
            out.stdout.is_empty(),
            "{format} printed to stdout with --output"
        );
        let written = std::fs::read_to_string(&file).expect("the report file");
        assert!(!written.is_empty(), "{format}");
        assert_eq!(
            written,
            String::from_utf8_lossy(&stdout.stdout),
            "{format}: file and stdout differ"
        );
    }
    // Only the reports are left: the writes went through temporary files.
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        FORMATS.len()
    );
}

#[test]
fn output_replaces_an_existing_file_and_dash_is_stdout() {
    let manifest = support::fixture_manifest("check/all-rules");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.md");
    std::fs::write(
        &file,
        "old report, much longer than nothing at all ".repeat(500),
    )
    .expect("write");
    crate::check(
        &manifest,
        &[
            "--format",
            "markdown",
            "--output",
            file.to_str().expect("utf-8"),
        ],
        1,
    );
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.starts_with("## "), "{text}");
    assert!(!text.contains("old report"));
    let dash = crate::check(&manifest, &["--format", "markdown", "--output", "-"], 1);
    assert_eq!(String::from_utf8_lossy(&dash.stdout), text);
}

#[test]
fn output_into_a_missing_directory_is_an_error() {
    let out = crate::bin()
        .args(["pin", "check", "--manifest-path"])
        .arg(support::fixture_manifest("check/all-rules"))
        .args([
            "--format",
            "sarif",
            "--output",
            "/nonexistent/dir/report.sarif",
        ])
        .output(2);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/dir/report.sarif"), "{err}");
}

/// Every workspace variant, plus one with 2,000 findings.
fn with_a_long_one() -> Vec<(String, support::Copy)> {
    let mut all = workspaces::variants();
    all.push(("2,000 findings".into(), workspaces::big(2000)));
    all
}

/// The workspace root relative to the repository around it, as the CI
/// formats prefix paths.
fn repo_prefix(root: &std::path::Path) -> String {
    let repo = root
        .ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(root);
    let rel = root
        .strip_prefix(repo)
        .expect("inside")
        .to_string_lossy()
        .into_owned();
    if rel.is_empty() { rel } else { rel + "/" }
}

/// Undoes the runner's escaping of a workflow command value.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_prints_one_well_formed_annotation_per_finding() {
    for (what, ws) in with_a_long_one() {
        let json = crate::check_json(&ws.manifest(), &[]);
        let findings = json["findings"].as_array().expect("findings");
        let code = support::check_code(&json);
        let out = crate::check(&ws.manifest(), &["--format", "github"], code);
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), findings.len(), "{what}");
        assert!(text.is_empty() || text.ends_with('\n'));
        let prefix = repo_prefix(ws.root());
        for (line, f) in lines.iter().zip(findings) {
            let rest = line.strip_prefix("::").expect("a workflow command");
            let (command, rest) = rest.split_once(' ').expect("properties");
            let (props, message) = rest.split_once("::").expect("a message");
            let expected = match f["level"].as_str() {
                Some("deny") => "error",
                _ => "warning",
            };
            assert_eq!(command, expected, "{what}: {line}");
            let mut file = None;
            let mut number = None;
            for prop in props.split(',') {
                let (k, v) = prop.split_once('=').expect("key=value");
                assert!(!v.contains(':') && !v.contains('\r'), "{what}: {line}");
                for (i, _) in v.match_indices('%') {
                    assert!(
                        ["%25", "%0D", "%0A", "%3A", "%2C"]
                            .iter()
                            .any(|e| v[i..].starts_with(e)),
                        "{what}: {line}"
                    );
                }
                match k {
                    "file" => file = Some(unescape(v)),
                    "line" => number = Some(v.parse::<u64>().expect("a line number")),
                    "title" => assert_eq!(
                        unescape(v),
                        format!("cargo-pin {}", f["rule"].as_str().expect("rule"))
                    ),
                    other => panic!("{what}: unknown property {other}"),
                }
            }
            assert_eq!(
                file.expect("file"),
                format!("{prefix}{}", f["manifest"].as_str().expect("manifest")),
                "{what}"
            );
            assert_eq!(number, f["line"].as_u64(), "{what}");
            let message = unescape(message);
            assert!(
                message.ends_with(f["message"].as_str().expect("message")),
                "{what}: {message}"
            );
        }
    }
}

#[test]
fn markdown_has_proper_tables_and_collapses_when_long() {
    for (what, ws) in with_a_long_one() {
        let json = crate::check_json(&ws.manifest(), &[]);
        let findings = json["findings"].as_array().expect("findings");
        let code = support::check_code(&json);
        let out = crate::check(&ws.manifest(), &["--format", "markdown"], code);
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let deny = json["summary"]["deny"].as_u64().expect("deny");
        let headline = text.lines().next().expect("a headline");
        assert!(headline.starts_with("## "), "{what}: {headline}");
        assert_eq!(headline.contains("❌"), deny > 0, "{what}: {headline}");
        let mut finding_rows = 0;
        // Each table well formed: a delimiter row, rows, as many cells in
        // every row as in the header (`md_tables` asserts it).
        for table in support::md_tables(&text) {
            if table[0][0] == "line" {
                finding_rows += table.len() - 1;
            }
            // Backticks are code spans, never shown escaped (`\``), but
            // inside an HTML code element (text with a `|`).
            for cell in table.iter().flatten() {
                assert!(
                    !cell.contains("\\`") || cell.starts_with("<code>"),
                    "{what}: {cell}"
                );
            }
        }
        // No count of zero is spelled out (`11 deny, 0 warn`).
        let zero = text
            .match_indices("0 warn")
            .any(|(i, _)| !text[..i].ends_with(|c: char| c.is_ascii_digit()));
        assert!(!zero, "{what}: {text}");
        let dependency_findings = findings.iter().filter(|f| !f["name"].is_null()).count();
        assert_eq!(finding_rows, dependency_findings, "{what}");
        let collapsed = text.matches("<details><summary>").count();
        assert_eq!(collapsed, text.matches("</details>").count(), "{what}");
        // Only a section (a manifest's dependency table) of more than 25
        // rows is collapsed.
        let mut sections = std::collections::HashMap::new();
        for f in findings.iter().filter(|f| !f["name"].is_null()) {
            *sections
                .entry((f["manifest"].to_string(), f["table"].to_string()))
                .or_insert(0) += 1;
        }
        let long = sections.values().filter(|n| **n > 25).count();
        assert_eq!(collapsed, long, "{what}");
        if findings.len() >= 2000 {
            // GitHub's job summary takes up to 1 MiB.
            assert!(text.len() < 1024 * 1024, "{what}: {} bytes", text.len());
            for i in [0, 999, 1999] {
                assert!(text.contains(&format!("| `dep-{i}` |")), "{what}: dep-{i}");
            }
        }
    }
}

#[test]
fn markdown_links_files_to_the_commit_in_github_actions() {
    let ws = support::Copy::of("check/all-rules");
    let out = crate::bin()
        .args(["pin", "check", "--format", "markdown", "--manifest-path"])
        .arg(ws.manifest())
        .env("GITHUB_SERVER_URL", "https://github.example")
        .env("GITHUB_REPOSITORY", "o/r")
        .env("GITHUB_SHA", "abc123")
        .output(1);
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        text.contains("| [11](https://github.example/o/r/blob/abc123/app/Cargo.toml#L11) |"),
        "{text}"
    );
    // Without GitHub's variables, no links.
    let plain = crate::check(&ws.manifest(), &["--format", "markdown"], 1);
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("/blob/"));
}
