//! Helpers shared by the report tests: running the binary with a fixed
//! environment, and copies of fixture workspaces to vary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root (where Cargo.toml is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture workspace's root manifest.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("fixtures").join(name).join("Cargo.toml")
}

/// The binary, in a fixed environment: no colour, 100 columns, a fixed
/// "now", and none of GitHub's variables (they add links to reports).
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-pin"));
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("CARGO_PIN_NOW", "2026-01-15")
        .env_remove("CARGO_TERM_COLOR")
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_SHA");
    cmd
}

/// Runs `cargo pin check --manifest-path MANIFEST ARGS...`.
pub fn check(manifest: &Path, args: &[&str]) -> Output {
    let out = bin()
        .args(["pin", "check", "--manifest-path"])
        .arg(manifest)
        .args(args)
        .output()
        .expect("run cargo-pin");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "cargo-pin failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `check --format json`, parsed.
pub fn check_json(manifest: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = check(manifest, &all);
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// A copy of a fixture workspace in a temporary directory, to change.
pub struct Copy {
    pub dir: tempfile::TempDir,
}

impl Copy {
    pub fn of(name: &str) -> Copy {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_dir(&repo().join("fixtures").join(name), dir.path());
        Copy { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn manifest(&self) -> PathBuf {
        self.root().join("Cargo.toml")
    }

    pub fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.root().join(rel), text).expect("write");
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root().join(rel)).expect("remove");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Workspaces that between them produce every kind of finding `check`
/// reports today: every fixture under `fixtures/check`, and copies of
/// `all-rules` with no lockfile or toolchain file, with an expired
/// exemption, allowed and exempted findings, and made clean.
pub fn variants() -> Vec<(String, Copy)> {
    let mut out = Vec::new();
    let mut fixtures: Vec<String> = std::fs::read_dir(repo().join("fixtures/check"))
        .expect("fixtures/check")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    fixtures.sort();
    assert!(fixtures.len() > 1, "{fixtures:?}");
    for name in fixtures {
        let copy = Copy::of(&format!("check/{name}"));
        out.push((name, copy));
    }

    let c = Copy::of("check/all-rules");
    c.remove("Cargo.lock");
    c.remove("rust-toolchain.toml");
    out.push(("no lockfile, no toolchain file".into(), c));

    let c = Copy::of("check/all-rules");
    c.write(
        "pin.toml",
        "[rules]\ncaret = \"allow\"\ngit-tag = \"deny\"\n\n\
         [[exempt]]\ncrate = \"rand\"\nreason = \"chosen elsewhere\"\n\n\
         [[exempt]]\ncrate = \"bytes\"\nrules = [\"range\"]\nreason = \"old\"\nexpires = \"2025-01-01\"\n",
    );
    out.push(("policy with an expired exemption".into(), c));

    let c = Copy::of("check/all-rules");
    c.write(
        "app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nserde.workspace = true\nlog = { workspace = true }\n",
    );
    c.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\", \"lib\"]\nresolver = \"2\"\n\n\
         [workspace.dependencies]\nserde = \"=1.0.209\"\nlog = \"=0.4.22\"\n",
    );
    c.write("rust-toolchain.toml", "[toolchain]\nchannel = \"1.95.0\"\n");
    out.push(("clean".into(), c));
    out
}
