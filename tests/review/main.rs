//! `cargo pin review` through the real binary, on real git repositories
//! built in temporary folders (commits, branches, a clone, a shallow
//! clone), against the loopback registry serving `fixtures/registry`. The
//! clock is 2026-06-01; the fixture's cooldown is 7 days.

#[path = "../support/mod.rs"]
mod support;

mod gate;
mod git;
mod reports;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::server::Server;
use support::{Copy, Pin, fixture, md_tables, pin, run_ok, schema};

const NOW: &str = "2026-06-01T00:00:00Z";
const IO: &str = "registry+https://github.com/rust-lang/crates.io-index";
const COMMIT_A: &str = "1111111111111111111111111111111111111111";

/// `registry-basic` in a git repository: its first commit is the base.
struct Repo {
    copy: Copy,
    root: PathBuf,
    cache: PathBuf,
    home: PathBuf,
    _server: Server,
}

fn git(dir: &Path, args: &[&str]) -> String {
    let mut cmd = std::process::Command::new("git");
    support::fixed_env_std(&mut cmd, Path::new("/nonexistent"))
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args);
    run_ok(&mut cmd).trim().to_string()
}

impl Repo {
    fn new() -> Repo {
        let copy = Copy::at("registry-basic", "ws");
        let root = copy.root().to_path_buf();
        let server = Server::start(fixture("registry"));
        let config = copy.read(".cargo/config.toml");
        copy.write(
            ".cargo/config.toml",
            &config.replace("PORT", &server.port().to_string()),
        );
        let cache = copy.dir.path().join("cache");
        let home = copy.dir.path().join("cargo-home");
        std::fs::create_dir_all(&home).unwrap();
        git(&root, &["init", "-q"]);
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-qm", "base"]);
        Repo {
            copy,
            root,
            cache,
            home,
            _server: server,
        }
    }

    fn cmd(&self) -> Pin {
        pin()
            .current_dir(&self.root)
            .now(NOW)
            .cache_dir(&self.cache)
            .cargo_home(&self.home)
            .arg("review")
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.copy.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.copy.write(rel, &text.replacen(from, to, 1));
    }

    /// Moves `name` from `from` to `to` in Cargo.lock.
    fn relock(&self, name: &str, from: &str, to: &str) {
        self.edit(
            "Cargo.lock",
            &format!("name = \"{name}\"\nversion = \"{from}\"\n"),
            &format!("name = \"{name}\"\nversion = \"{to}\"\n"),
        );
    }

    fn commit(&self, message: &str) -> String {
        git(&self.root, &["commit", "-qam", message]);
        git(&self.root, &["rev-parse", "HEAD"])
    }

    /// The pull request of most tests: an upgrade to a fresh release, a
    /// downgrade, a transitive crate moved to git, a requirement rewritten.
    fn gate_changes(&self) {
        self.relock("alpha", "1.1.0", "1.3.0");
        self.relock("bravo", "0.3.1", "0.3.0");
        self.relock("q", "0.5.0", "0.6.0");
        self.edit(
            "Cargo.lock",
            &format!("name = \"xy\"\nversion = \"1.0.0\"\nsource = \"{IO}\""),
            &format!(
                "name = \"xy\"\nversion = \"1.0.0\"\nsource = \"git+https://github.com/o/xy?branch=main#{COMMIT_A}\""
            ),
        );
        self.edit("app/Cargo.toml", "alpha = \"1.1\"", "alpha = \"1.3\"");
    }
}

fn change<'a>(v: &'a Value, package: &str) -> &'a Value {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["package"] == package)
        .unwrap_or_else(|| panic!("no change of {package}: {v:#}"))
}

fn rules(v: &Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["level"].as_str().unwrap().to_string(),
                f["package"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn triples(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

/// A clone of `r`, as CI has it (origin/main and origin/HEAD), on a branch
/// `pr` whose one commit moves q from 0.5.0 to 0.6.0.
fn pull_request(r: &Repo) -> PathBuf {
    let clone = r.copy.dir.path().join("clone");
    git(
        r.copy.dir.path(),
        &["clone", "-q", r.root.to_str().unwrap(), "clone"],
    );
    git(&clone, &["checkout", "-qb", "pr"]);
    let text = std::fs::read_to_string(clone.join("Cargo.lock")).unwrap();
    std::fs::write(
        clone.join("Cargo.lock"),
        text.replace(
            "name = \"q\"\nversion = \"0.5.0\"",
            "name = \"q\"\nversion = \"0.6.0\"",
        ),
    )
    .unwrap();
    git(&clone, &["commit", "-qam", "bump q"]);
    clone
}
