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
    fixed_env(&mut cmd);
    cmd
}

/// The environment [`bin`] runs in, for a program that runs cargo-pin.
pub fn fixed_env(cmd: &mut Command) {
    cmd.env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("CARGO_PIN_NOW", "2026-01-15")
        .env_remove("CARGO_TERM_COLOR")
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_SHA");
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

/// A workspace in a temporary directory, to change: a copy of a fixture,
/// or one written by a test.
pub struct Copy {
    /// Removed on drop.
    pub dir: tempfile::TempDir,
    /// The workspace root: `dir` or a folder in it.
    ws: PathBuf,
}

impl Copy {
    /// An empty workspace folder at `sub` in a new temporary directory.
    pub fn empty(sub: &str) -> Copy {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = dir.path().join(sub);
        std::fs::create_dir_all(&ws).expect("mkdir");
        Copy { dir, ws }
    }

    pub fn of(name: &str) -> Copy {
        let c = Copy::empty("");
        copy_dir(&repo().join("fixtures").join(name), c.root());
        c
    }

    pub fn root(&self) -> &Path {
        &self.ws
    }

    pub fn manifest(&self) -> PathBuf {
        self.root().join("Cargo.toml")
    }

    /// Writes `text` to `rel` in the workspace, making folders as needed.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root().join(rel)).expect("remove");
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
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

    out.push(("hostile text and paths".into(), hostile()));
    out
}

/// A workspace in a folder with spaces, inside a git repository, whose
/// manifest holds text that Markdown, SARIF and workflow commands must
/// escape: `|`, `,`, `:`, `%`, backticks, HTML and a line break followed
/// by a workflow command.
pub fn hostile() -> Copy {
    let c = Copy::empty("sub dir/ws");
    std::fs::create_dir(c.dir.path().join(".git")).expect(".git");
    c.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"my crate\"]\nresolver = \"2\"\n",
    );
    c.write(
        "my crate/Cargo.toml",
        "[package]\nname = \"my-crate\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\n\
         weird = { git = \"https://example.com/a%20b\", branch = \"x|y,z:%`*_<i>&amp;\\n::error::boom\" }\n\
         pipes = \"1.0, <2 \"\n",
    );
    c.write("my crate/src/lib.rs", "");
    c
}

/// A workspace with `n` caret requirements and no lockfile: `n + 2`
/// findings, for reports that must stay usable when long.
pub fn big(n: usize) -> Copy {
    let c = Copy::empty("");
    let mut manifest = String::from(
        "[package]\nname = \"big\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n",
    );
    for i in 0..n {
        manifest.push_str(&format!("dep-{i} = \"1.{i}\"\n"));
    }
    c.write("Cargo.toml", &manifest);
    c.write("src/lib.rs", "");
    c
}
