//! What holds for every format: the exit code, and `--output`.

use crate::common;

const FORMATS: [&str; 5] = ["human", "json", "markdown", "sarif", "github"];

#[test]
fn exit_code_does_not_depend_on_the_format() {
    for (what, ws) in common::variants() {
        let json = common::check(&ws.manifest(), &["--format", "json"]);
        let expected = json.status.code();
        let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
        let deny = report["summary"]["deny"].as_u64().expect("deny");
        assert_eq!(expected, Some(if deny > 0 { 1 } else { 0 }), "{what}");
        for format in FORMATS {
            let out = common::check(&ws.manifest(), &["--format", format]);
            assert_eq!(out.status.code(), expected, "{what}: --format {format}");
        }
    }
}

#[test]
fn output_writes_the_file_and_nothing_to_stdout() {
    let manifest = common::fixture("check/all-rules");
    let dir = tempfile::tempdir().expect("tempdir");
    for format in FORMATS {
        let stdout = common::check(&manifest, &["--format", format]);
        let file = dir.path().join(format!("report.{format}"));
        let out = common::check(
            &manifest,
            &[
                "--format",
                format,
                "--output",
                file.to_str().expect("utf-8"),
            ],
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
    let manifest = common::fixture("check/all-rules");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.md");
    std::fs::write(
        &file,
        "old report, much longer than nothing at all ".repeat(500),
    )
    .expect("write");
    common::check(
        &manifest,
        &[
            "--format",
            "markdown",
            "--output",
            file.to_str().expect("utf-8"),
        ],
    );
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.starts_with("## "), "{text}");
    assert!(!text.contains("old report"));
    let dash = common::check(&manifest, &["--format", "markdown", "--output", "-"]);
    assert_eq!(String::from_utf8_lossy(&dash.stdout), text);
}

#[test]
fn output_into_a_missing_directory_is_an_error() {
    let out = common::bin()
        .args(["pin", "check", "--manifest-path"])
        .arg(common::fixture("check/all-rules"))
        .args([
            "--format",
            "sarif",
            "--output",
            "/nonexistent/dir/report.sarif",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/dir/report.sarif"), "{err}");
}
