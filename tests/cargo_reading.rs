//! Reading the workspace as cargo does: `cargo metadata` run in the
//! workspace (its toolchain file applies), an uninstalled pinned toolchain,
//! `cargo-features`, the manifest cargo blames, members outside the root,
//! and the lockfile cargo writes for a workspace with no dependencies.

// A test that needs rustup (or a nightly) and finds none says it skipped;
// asking rustup runs it from the system's temporary directory, where no
// toolchain file applies.
#![allow(clippy::print_stderr, clippy::disallowed_methods)]

mod support;

use std::path::Path;

use support::{Copy, pin};

/// Writes `files` (path, text) under a fresh temporary directory.
fn workspace(files: &[(&str, &str)]) -> Copy {
    let copy = Copy::empty("ws");
    for (path, text) in files {
        copy.write(path, text);
    }
    copy
}

fn package(name: &str, extra: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{extra}")
}

/// Whether rustup is on PATH (it is wherever the toolchain came from it).
fn rustup(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("rustup")
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_member_outside_the_root_is_named_with_dot_dot() {
    let copy = Copy::empty("out");
    copy.write(
        "root/Cargo.toml",
        &format!(
            "[workspace]\nmembers = [\"../other\"]\n\n{}",
            package("r", "[dependencies]\nserde = \"1\"\n")
        ),
    );
    copy.write("root/src/lib.rs", "");
    copy.write(
        "other/Cargo.toml",
        &package(
            "o",
            "workspace = \"../root\"\n\n[dependencies]\nlog = \"0.4\"\n",
        ),
    );
    copy.write("other/src/lib.rs", "");
    let root = copy.path("root");
    let report = pin()
        .current_dir(&root)
        .args(["check", "--format", "json"])
        .json(1);
    let manifests: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["manifest"].as_str())
        .collect();
    assert!(manifests.contains(&"../other/Cargo.toml"), "{manifests:?}");

    let sarif = pin()
        .current_dir(&root)
        .args(["check", "--format", "sarif"])
        .json(1);
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(&"../other/Cargo.toml"), "{uris:?}");
    // Relative references: no scheme, no authority, no absolute path.
    for uri in uris {
        assert!(!uri.starts_with('/') && !uri.contains("://"), "{uri}");
    }
}

#[test]
fn the_lockfile_cargo_writes_without_dependencies_is_valid() {
    for files in [
        vec![(
            "Cargo.toml",
            "[workspace]\nmembers = []\nresolver = \"2\"\n".to_string(),
        )],
        vec![
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"a\"]\nresolver = \"2\"\n".to_string(),
            ),
            ("a/Cargo.toml", package("a", "")),
            ("a/src/lib.rs", String::new()),
        ],
    ] {
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let copy = workspace(&files);
        support::run_ok(
            support::cargo(None)
                .args(["generate-lockfile", "--offline"])
                .current_dir(copy.root()),
        );
        copy.write("rust-toolchain.toml", "[toolchain]\nchannel = \"1.95.0\"\n");
        let report = pin()
            .current_dir(copy.root())
            .args(["check", "--format", "json"])
            .json(0);
        assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report}");
    }
}

#[test]
fn cargo_s_failure_names_the_manifest_cargo_names() {
    // `edition = "2099"` is TOML cargo-pin reads, and cargo refuses.
    let copy = workspace(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
        (
            "crates/a/Cargo.toml",
            &package("a", "[dependencies]\nserde = \"1\"\n"),
        ),
        ("crates/a/src/lib.rs", ""),
        (
            "crates/b/Cargo.toml",
            "[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2099\"\n",
        ),
        ("crates/b/src/lib.rs", ""),
    ]);
    let stderr = pin().current_dir(copy.root()).args(["check"]).stderr(2);
    assert!(
        stderr.contains("crates/b/Cargo.toml: cargo cannot read this manifest"),
        "{stderr}"
    );
    assert!(stderr.contains("2099"), "{stderr}");
    // Run from the member, the same manifest is named, relative to the root.
    let stderr = pin()
        .current_dir(copy.path("crates/a"))
        .args(["check"])
        .stderr(2);
    assert!(stderr.contains("crates/b/Cargo.toml:"), "{stderr}");

    // A manifest cargo cannot parse that cargo-pin can: its `file:line`.
    copy.write(
        "crates/b/Cargo.toml",
        &package("b", "[dependencies]\nlog = { workspace = true }\n"),
    );
    let stderr = pin().current_dir(copy.root()).args(["check"]).stderr(2);
    assert!(
        stderr.contains("crates/b/Cargo.toml: cargo cannot read this manifest")
            && stderr.contains("workspace.dependencies"),
        "{stderr}"
    );
}

#[test]
fn an_uninstalled_pinned_toolchain_is_read_with_the_default() {
    let Some(_) = rustup(&["--version"]) else {
        eprintln!("skipped: no rustup on PATH, so no toolchain file applies");
        return;
    };
    let copy = workspace(&[
        (
            "Cargo.toml",
            &package("a", "[dependencies]\nserde = \"=1.0.0\"\n"),
        ),
        ("src/lib.rs", ""),
        // No rustup has this one installed.
        ("rust-toolchain.toml", "[toolchain]\nchannel = \"1.0.0\"\n"),
    ]);
    // Without $CARGO (run directly, as in CI), cargo is rustup's proxy run
    // in the workspace: the toolchain file applies, and names a toolchain
    // rustup does not have. The default toolchain reads it instead.
    let report = pin()
        .env_remove("CARGO")
        .env_remove("RUSTUP_TOOLCHAIN")
        .current_dir(copy.root())
        .args(["check", "--format", "json", "--no-ci"])
        .json(1);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert_eq!(rules, ["lockfile-missing"], "{report}");
    // -v says which toolchain read it, and why.
    let stderr = pin()
        .env_remove("CARGO")
        .env_remove("RUSTUP_TOOLCHAIN")
        .current_dir(copy.root())
        .args(["-v", "check", "--format", "json", "--no-ci"])
        .stderr(1);
    assert!(
        stderr.contains("note: toolchain `1.0.0")
            && stderr.contains("is not installed: read the workspace with rustup's default"),
        "{stderr}"
    );
}

/// A manifest with `cargo-features` needs a nightly cargo.
fn nightly_workspace() -> Copy {
    workspace(&[
        (
            "Cargo.toml",
            &format!(
                "cargo-features = [\"codegen-backend\"]\n\n{}",
                package("a", "[dependencies]\nserde = \"1\"\n")
            ),
        ),
        ("src/lib.rs", ""),
    ])
}

#[test]
fn cargo_features_without_a_nightly_say_what_to_install() {
    if rustup(&["--version"]).is_none() {
        eprintln!("skipped: no rustup on PATH");
        return;
    }
    let copy = nightly_workspace();
    // An empty rustup home has no toolchains at all; $CARGO (the stable
    // cargo building the tests) still runs.
    let empty = tempfile::tempdir().unwrap();
    let stderr = pin()
        .env("RUSTUP_HOME", empty.path())
        .current_dir(copy.root())
        .args(["check"])
        .stderr(2);
    assert!(
        stderr.contains("uses `cargo-features` (`codegen-backend`)")
            && stderr.contains("rustup toolchain install nightly"),
        "{stderr}"
    );
    assert!(stderr.contains("Cargo.toml"), "{stderr}");
}

#[test]
fn cargo_features_are_read_with_an_installed_nightly() {
    let has_nightly =
        rustup(&["toolchain", "list"]).is_some_and(|l| l.lines().any(|t| t.starts_with("nightly")));
    if !has_nightly {
        eprintln!("skipped: no nightly toolchain installed");
        return;
    }
    let copy = nightly_workspace();
    let report = pin()
        .current_dir(copy.root())
        .args(["check", "--format", "json", "--no-ci"])
        .json(1);
    let caret: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "caret")
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(caret, ["serde"], "{report}");
    let stderr = pin()
        .current_dir(copy.root())
        .args(["check", "-v", "--format", "json", "--no-ci"])
        .stderr(1);
    assert!(
        stderr.contains("note:") && stderr.contains("read the workspace with `nightly"),
        "{stderr}"
    );
}

/// The manifest path as given, when it is the member's: cargo runs there.
#[test]
fn a_member_manifest_path_reads_the_whole_workspace() {
    let copy = workspace(&[
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
        ),
        (
            "a/Cargo.toml",
            &package("a", "[dependencies]\nserde = \"1\"\n"),
        ),
        ("a/src/lib.rs", ""),
        (
            "b/Cargo.toml",
            &package("b", "[dependencies]\nlog = \"0.4\"\n"),
        ),
        ("b/src/lib.rs", ""),
    ]);
    let report = pin()
        .current_dir(Path::new("/"))
        .args(["check", "--format", "json", "--no-ci", "--manifest-path"])
        .arg(copy.path("a/Cargo.toml"))
        .json(1);
    let mut manifests: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "caret")
        .filter_map(|f| f["manifest"].as_str())
        .collect();
    manifests.sort();
    assert_eq!(manifests, ["a/Cargo.toml", "b/Cargo.toml"], "{report}");
}
