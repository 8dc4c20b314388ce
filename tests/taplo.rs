//! `schema/pin.schema.json` as editors use it: taplo (npm `@taplo/cli`,
//! installed by `.ci/run`) checks every policy in the fixtures and the
//! files `init` writes against it, and finds the mistakes in a bad one.
//! The repository's `.taplo.toml` gives every pin.toml in it the schema.
//! Locally the test skips, with a note, when taplo is not installed; on CI
//! (`CI=true`) it fails.

// Where taplo is comes from the environment, and a note says when it is
// missing: this test binary reads and prints what the library may not.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{Copy, pin};

/// The environment variable naming taplo's executable.
const TOOL_VAR: &str = "CARGO_PIN_TAPLO";

fn taplo() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(TOOL_VAR) {
        let p = PathBuf::from(p);
        assert!(p.is_file(), "{TOOL_VAR}={} is not a file", p.display());
        return Some(p);
    }
    // Where .ci/run installs it, for a local run after .ci/run.
    let local = support::repo().join("target/taplo/node_modules/.bin/taplo");
    if local.is_file() {
        return Some(local);
    }
    let ci = std::env::var("CI").unwrap_or_default();
    assert!(
        ci.is_empty() || ci == "false" || ci == "0",
        "CI={ci} but taplo is missing: .ci/run installs @taplo/cli and sets {TOOL_VAR}"
    );
    eprintln!(
        "note: taplo checks skipped: set {TOOL_VAR} to taplo (bash .ci/run installs it into target/taplo)"
    );
    None
}

/// `taplo check` of `files`, with the schema given (`schema`), or as each
/// file's `#:schema` directive says.
fn check(tool: &Path, schema: bool, files: &[PathBuf]) -> Output {
    let mut cmd = Command::new(tool);
    cmd.args(["check", "--no-auto-config", "--colors", "never"]);
    if schema {
        let path = support::repo().join("schema/pin.schema.json");
        cmd.arg("--schema")
            .arg(format!("file://{}", path.display()));
    }
    cmd.args(files)
        .env("RUST_LOG", "error")
        .output()
        .expect("run taplo")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn taplo_finds_every_policy_valid_and_a_bad_one_not() {
    let Some(tool) = taplo() else { return };
    let repo = support::repo();
    let mut files = vec![
        repo.join("pin.toml"),
        repo.join("fixtures/check/policy/pin.toml"),
        repo.join("fixtures/registry-basic/pin.toml"),
    ];
    // What `init` writes, in both profiles.
    let dir = tempfile::tempdir().unwrap();
    for (name, fixture) in [
        ("library", "check/all-rules"),
        ("application", "check/pinned"),
    ] {
        let copy = Copy::of(fixture);
        let args = ["init", "--dry-run", "--profile", name];
        let written = pin().current_dir(copy.root()).args(args).stdout(0);
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, written).unwrap();
        files.push(path);
    }
    let out = check(&tool, true, &files);
    assert!(out.status.success(), "{}", text(&out));

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[rules]\ncarret = \"deny\"\n\n[registry]\nrequire-vetted = \"some\"\n",
    )
    .unwrap();
    let out = check(&tool, true, std::slice::from_ref(&bad));
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("'carret' was unexpected"), "{said}");
    assert!(said.contains("bad.toml:5:18"), "{said}");
}

#[test]
fn taplo_follows_the_schema_directive() {
    let Some(tool) = taplo() else { return };
    let dir = tempfile::tempdir().unwrap();
    let schema = support::repo().join("schema/pin.schema.json");
    let policy = dir.path().join("pin.toml");
    // A relative `#:schema` path, as a repository vendoring the schema
    // would write it.
    std::fs::copy(&schema, dir.path().join("pin.schema.json")).unwrap();
    std::fs::write(
        &policy,
        "#:schema ./pin.schema.json\n[rules]\ncaret = \"forbid\"\n",
    )
    .unwrap();
    let out = check(&tool, false, std::slice::from_ref(&policy));
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("\"forbid\""), "{said}");
}

#[test]
fn the_repository_s_taplo_config_gives_every_pin_toml_the_schema() {
    let Some(tool) = taplo() else { return };
    let repo = support::repo();
    for file in [
        "pin.toml",
        "fixtures/check/policy/pin.toml",
        "fixtures/registry-basic/pin.toml",
    ] {
        let out = Command::new(&tool)
            .args(["check", "--colors", "never", file])
            .current_dir(&repo)
            .env("RUST_LOG", "debug")
            .output()
            .expect("run taplo");
        let said = text(&out);
        assert!(out.status.success(), "{file}: {said}");
        assert!(
            said.contains("using schema") && said.contains("schema/pin.schema.json"),
            "{file}: .taplo.toml does not give it the schema: {said}"
        );
    }
}
