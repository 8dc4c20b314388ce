//! `outdated`, `check --registry` and `allow` through the real binary,
//! against the loopback registry serving `fixtures/registry`, reached by
//! source replacement in each fixture's `.cargo/config.toml`. The clock is
//! fixed at 2026-06-01 (`CARGO_PIN_NOW`); the fixture's cooldown is 7 days.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use snapbox::cmd::Command;
use support::server::{Fault, Server};
use support::{assert_in, copy_dir, fixture, pin, snapshot_tree};

const NOW: &str = "2026-06-01T00:00:00Z";

/// A fixture workspace copied to a temporary directory and pointed at a
/// fresh server, with its own cache and cargo home.
struct Ws {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    cache: PathBuf,
    home: PathBuf,
    server: Server,
}

impl Ws {
    fn new(name: &str) -> Ws {
        Ws::with_index(name, &fixture("registry"))
    }

    fn with_index(name: &str, index: &Path) -> Ws {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("ws");
        copy_dir(&fixture(name), &root);
        let server = Server::start(index);
        for file in [".cargo/config.toml", "Cargo.lock"] {
            let p = root.join(file);
            let text = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&p, text.replace("PORT", &server.port().to_string())).unwrap();
        }
        let cache = tmp.path().join("cache");
        let home = tmp.path().join("cargo-home");
        std::fs::create_dir_all(&home).unwrap();
        Ws {
            _tmp: tmp,
            root,
            cache,
            home,
            server,
        }
    }

    fn cmd(&self) -> Command {
        let mut c = pin()
            .current_dir(&self.root)
            .env("CARGO_PIN_NOW", NOW)
            .env("CARGO_PIN_CACHE_DIR", &self.cache)
            .env("CARGO_HOME", &self.home);
        for var in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
            "CARGO_REGISTRY_TOKEN",
            "CARGO_REGISTRIES_CORP_TOKEN",
            "CARGO_HTTP_TIMEOUT",
            "CARGO_NET_RETRY",
            "CARGO_NET_OFFLINE",
        ] {
            c = c.env_remove(var);
        }
        c
    }

    fn json(&self, args: &[&str]) -> Value {
        support::json(self.cmd().args(args))
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.root.join(rel), text).unwrap();
    }
}

fn entry<'a>(v: &'a Value, manifest: &str, name: &str) -> &'a Value {
    v["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["manifest"] == manifest && e["name"] == name)
        .unwrap_or_else(|| panic!("no entry {manifest} {name}"))
}

fn statuses(e: &Value) -> Vec<(String, String)> {
    e["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["version"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn outdated_snapshots() {
    let ws = Ws::new("registry-basic");
    ws.cmd()
        .arg("outdated")
        .assert()
        .success()
        .stdout_eq(snapbox::file!["snapshots/outdated-basic.txt"]);
    assert_in(&ws.root).eq(
        ws.cmd()
            .args(["outdated", "--format", "json"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap(),
        snapbox::file!["snapshots/outdated-basic.json"],
    );
    ws.cmd()
        .args(["outdated", "--format", "markdown"])
        .assert()
        .success()
        .stdout_eq(snapbox::file!["snapshots/outdated-basic.md"]);
}

#[test]
fn outdated_lists_requirements_as_written_with_statuses() {
    let ws = Ws::new("registry-basic");
    let v = ws.json(&["outdated", "--format", "json"]);
    assert_eq!(v["schema_version"], 1);
    let names: Vec<(String, String)> = v["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["manifest"].as_str().unwrap().to_string(),
                e["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The workspace entry, not the inheriting member; no path dependency.
    assert_eq!(
        names,
        pairs(&[
            ("Cargo.toml", "cat"),
            ("app/Cargo.toml", "alpha"),
            ("app/Cargo.toml", "bravo"),
            ("app/Cargo.toml", "q"),
            ("app/Cargo.toml", "DeltaCase"),
            ("tool/Cargo.toml", "a2"),
            ("tool/Cargo.toml", "bravo"),
        ])
    );
    let alpha = entry(&v, "app/Cargo.toml", "alpha");
    assert_eq!(alpha["locked"], "1.1.0");
    // 1.3.0 was published last and 2.1.0 is higher, but yanked: latest
    // goes by semver order among releases neither yanked nor prereleases.
    assert_eq!(alpha["latest"], "2.0.0");
    assert_eq!(
        statuses(alpha),
        pairs(&[
            ("1.2.0", "vetted"),
            ("1.2.1", "vetted"),
            ("1.3.0-beta.1", "prerelease"),
            ("1.3.0", "too-new"),
            ("2.0.0", "incompatible-rust"),
            ("2.1.0", "yanked"),
        ])
    );
    let a2 = entry(&v, "tool/Cargo.toml", "a2");
    assert_eq!(a2["package"], "alpha");
    assert_eq!(a2["requirement"], "=1.1.0");
    let q = entry(&v, "app/Cargo.toml", "q");
    assert_eq!(statuses(q), pairs(&[("0.6.0", "unvetted")]));
    let delta = entry(&v, "app/Cargo.toml", "DeltaCase");
    assert_eq!(delta["latest"], "1.0.0");
    assert_eq!(delta["releases"].as_array().unwrap().len(), 0);
    assert!(
        ws.server
            .hits()
            .iter()
            .any(|h| h.path == "/de/lt/deltacase")
    );
}

#[test]
fn cargo_min_publish_age_applies_without_a_policy_cooldown() {
    let ws = Ws::new("registry-basic");
    ws.write(
        "pin.toml",
        "[[vetted]]\ncrate = \"alpha\"\nversions = [\"1.2.0\", \"1.2.1\"]\nreason = \"r\"\n",
    );
    let mut config = ws.read(".cargo/config.toml");
    config.push_str("\n[registry]\nglobal-min-publish-age = \"60 days\"\n");
    ws.write(".cargo/config.toml", &config);
    let v = ws.json(&["outdated", "--format", "json"]);
    // 1.2.1 is 42 days old: too new for 60 days.
    assert_eq!(
        statuses(entry(&v, "app/Cargo.toml", "alpha"))[..2],
        pairs(&[("1.2.0", "vetted"), ("1.2.1", "too-new")])[..]
    );
    // A policy cooldown wins over cargo's.
    ws.write(
        "pin.toml",
        "[registry]\nmin-release-age = \"1 day\"\n[[vetted]]\ncrate = \"alpha\"\nversions = [\"1.2.1\"]\nreason = \"r\"\n",
    );
    let v = ws.json(&["outdated", "--format", "json"]);
    assert_eq!(
        statuses(entry(&v, "app/Cargo.toml", "alpha"))[1],
        ("1.2.1".to_string(), "vetted".to_string())
    );
}

#[test]
fn a_warm_run_revalidates_and_offline_uses_the_cache() {
    let ws = Ws::new("registry-basic");
    let cold = ws.json(&["outdated", "--format", "json"]);
    let fetched = ws.server.hits();
    assert_eq!(fetched.len(), 5, "{fetched:?}");
    assert!(fetched.iter().all(|h| h.status == 200));
    ws.server.clear_hits();
    let warm = ws.json(&["outdated", "--format", "json"]);
    assert_eq!(cold, warm);
    let hits = ws.server.hits();
    assert_eq!(hits.len(), 5);
    assert!(
        hits.iter().all(|h| h.status == 304 && h.bytes == 0),
        "{hits:?}"
    );
    ws.server.clear_hits();
    let offline = ws.json(&["outdated", "--format", "json", "--offline"]);
    assert_eq!(cold, offline);
    assert!(ws.server.hits().is_empty());
}

#[test]
fn offline_without_a_cache_fails_clearly() {
    let ws = Ws::new("registry-basic");
    let out = ws.cmd().args(["outdated", "--offline"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--offline") && stderr.contains("alpha"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert!(ws.server.hits().is_empty());
}

#[test]
fn a_crate_the_registry_lacks_is_an_error_not_up_to_date() {
    let ws = Ws::new("registry-missing");
    for args in [&["outdated"][..], &["check", "--registry"][..]] {
        let out = ws.cmd().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("`ghost` not found"), "{stderr}");
        assert!(stderr.contains(&ws.server.url()), "{stderr}");
        assert!(stderr.contains("404"), "{stderr}");
        assert!(out.stdout.is_empty(), "nothing is reported as up to date");
    }
}

#[test]
fn registry_faults_end_in_bounded_time_with_exit_2() {
    let ws = Ws::new("registry-basic");
    ws.server.fault("/al/", Fault::Status(500));
    let start = Instant::now();
    let out = ws
        .cmd()
        .env("CARGO_NET_RETRY", "1")
        .arg("outdated")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("500") && stderr.contains("alpha"),
        "{stderr}"
    );
    assert!(stderr.contains(&ws.server.url()), "{stderr}");
    ws.server.clear_faults();

    ws.server.fault("/br/", Fault::Hang);
    let out = ws
        .cmd()
        .env("CARGO_HTTP_TIMEOUT", "1")
        .env("CARGO_NET_RETRY", "0")
        .arg("outdated")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no answer within 1s") && stderr.contains("bravo"),
        "{stderr}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn check_without_registry_stays_offline() {
    let ws = Ws::new("registry-basic");
    ws.cmd().arg("check").assert().code(1);
    assert!(ws.server.hits().is_empty());
}

fn findings(v: &Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["manifest"] == "Cargo.lock")
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["package"].as_str().unwrap().to_string(),
                f["locked"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn triples(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn check_registry_reports_yanked_and_too_new_locked_versions() {
    let ws = Ws::new("registry-basic");
    let out = ws
        .cmd()
        .args(["check", "--registry", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings(&v),
        triples(&[("yanked", "bravo", "0.3.1"), ("too-new", "cat", "0.1.1")])
    );
    let yanked = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "yanked")
        .unwrap();
    assert_eq!(yanked["level"], "deny");
    assert_eq!(yanked["line"], 30);
    ws.cmd()
        .args(["check", "--registry"])
        .assert()
        .code(1)
        .stdout_eq(snapbox::file!["snapshots/check-registry.txt"]);

    // Levels and exemptions apply as to any rule.
    let v = ws.json(&["check", "--registry", "--format", "json", "-A", "too-new"]);
    assert_eq!(findings(&v), triples(&[("yanked", "bravo", "0.3.1")]));
}

#[test]
fn check_registry_requires_vetting_of_direct_dependencies_only() {
    let ws = Ws::new("registry-basic");
    let mut policy = ws.read("pin.toml");
    policy = policy.replace(
        "min-release-age = \"7 days\"",
        "min-release-age = \"7 days\"\nrequire-vetted = true",
    );
    policy
        .push_str("\n[[vetted]]\ncrate = \"q\"\nversions = [\"0.5.0\"]\nreason = \"old friend\"\n");
    ws.write("pin.toml", &policy);
    let v = ws.json(&["check", "--registry", "--format", "json"]);
    // xy is only a dependency of bravo: never asked to be vetted.
    assert_eq!(
        findings(&v),
        triples(&[
            ("unvetted", "DeltaCase", "1.0.0"),
            ("unvetted", "alpha", "1.1.0"),
            ("yanked", "bravo", "0.3.1"),
            ("unvetted", "bravo", "0.3.1"),
            ("too-new", "cat", "0.1.1"),
            ("unvetted", "cat", "0.1.1"),
        ])
    );
}

#[test]
fn allow_records_releases_keeping_comments() {
    let ws = Ws::new("registry-basic");
    let before = ws.read("pin.toml");
    ws.cmd()
        .args(["allow", "q@0.6.0", "alpha@1.3.0", "bravo@0.4.0", "--reason", "read the diffs"])
        .assert()
        .success()
        .stdout_eq(
            "vetted q@0.6.0 in pin.toml\nalpha@1.3.0 was already vetted in pin.toml\nvetted bravo@0.4.0 in pin.toml\n",
        );
    let after = ws.read("pin.toml");
    assert!(after.starts_with(&before), "existing text kept:\n{after}");
    assert_eq!(
        &after[before.len()..],
        "\n[[vetted]]\ncrate = \"q\"\nversions = [\"0.6.0\"]\nreason = \"read the diffs\"\n\n[[vetted]]\ncrate = \"bravo\"\nversions = [\"0.4.0\"]\nreason = \"read the diffs\"\n"
    );
    let v = ws.json(&["outdated", "--format", "json"]);
    assert_eq!(
        statuses(entry(&v, "app/Cargo.toml", "q")),
        pairs(&[("0.6.0", "vetted")])
    );
    // Again: nothing changes.
    ws.cmd()
        .args(["allow", "q@0.6.0", "--reason", "read the diffs"])
        .assert()
        .success();
    assert_eq!(ws.read("pin.toml"), after);
}

#[test]
fn allow_creates_pin_toml() {
    let ws = Ws::new("registry-basic");
    std::fs::remove_file(ws.root.join("pin.toml")).unwrap();
    ws.cmd()
        .args(["allow", "cat@0.1.1", "--reason", "ours"])
        .assert()
        .success();
    assert_eq!(
        ws.read("pin.toml"),
        "[[vetted]]\ncrate = \"cat\"\nversions = [\"0.1.1\"]\nreason = \"ours\"\n"
    );
}

#[test]
fn allow_refuses_releases_the_registry_does_not_have() {
    let ws = Ws::new("registry-basic");
    let before = snapshot_tree(&ws.root);
    for (arg, needle) in [
        (
            "alpha@9.9.9",
            "has no release 9.9.9 of `alpha` (its latest release is 2.0.0)",
        ),
        ("ghost@1.0.0", "`ghost` not found"),
        ("alpha@2.1.0", "yanked"),
        ("alpha@1.2", "not a full version"),
        ("alpha", "CRATE@VERSION"),
    ] {
        let out = ws
            .cmd()
            .args(["allow", arg, "--reason", "typo"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{arg}: {stderr}");
        assert!(stderr.contains(needle), "{arg}: {stderr}");
    }
    assert_eq!(before, snapshot_tree(&ws.root), "nothing written");
}

#[test]
fn auth_required_registry_gets_the_token_which_never_shows() {
    let ws = Ws::new("registry-auth");
    ws.server.require_token("t0k3n-s3cret");
    let v = support::json(
        ws.cmd()
            .env("CARGO_REGISTRIES_CORP_TOKEN", "t0k3n-s3cret")
            .args(["outdated", "--format", "json"]),
    );
    assert_eq!(entry(&v, "Cargo.toml", "alpha")["latest"], "2.0.0");
    let hits = ws.server.hits();
    assert!(
        hits.iter()
            .filter(|h| h.path != "/config.json")
            .all(|h| h.authorization.as_deref() == Some("t0k3n-s3cret"))
    );

    for token in [None, Some("wr0ng-t0ken")] {
        let mut c = ws.cmd().args(["check", "--registry"]);
        if let Some(t) = token {
            c = c.env("CARGO_REGISTRIES_CORP_TOKEN", t);
        }
        let out = c.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("CARGO_REGISTRIES_CORP_TOKEN"), "{stderr}");
        assert!(stderr.contains(&ws.server.url()), "{stderr}");
        if let Some(t) = token {
            assert!(
                !stderr.contains(t) && !stdout.contains(t),
                "token leaked: {stderr}"
            );
        }
    }
}

fn locked(ws: &Ws, name: &str) -> Vec<String> {
    let lock = ws.read("Cargo.lock");
    let mut out = Vec::new();
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == format!("name = \"{name}\"")
            && let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = "))
        {
            out.push(v.trim_matches('"').to_string());
        }
    }
    out
}

#[test]
fn allow_then_upgrade_moves_pin_and_lock_to_the_vetted_release_only() {
    let ws = Ws::new("registry-basic");
    // Only 1.2.0 is vetted: 1.2.1 (newer, unvetted) must not be taken.
    ws.write("pin.toml", "[registry]\nmin-release-age = \"7 days\"\n");
    ws.cmd()
        .args(["allow", "alpha@1.2.0", "--reason", "read the diff"])
        .assert()
        .success();
    ws.cmd().args(["upgrade", "alpha"]).assert().success();
    assert!(ws.read("app/Cargo.toml").contains("alpha = \"=1.2.0\"\n"));
    assert!(
        ws.read("tool/Cargo.toml")
            .contains("a2 = { package = \"alpha\", version = \"=1.2.0\" }\n")
    );
    assert_eq!(locked(&ws, "alpha"), ["1.2.0"]);
    // Nothing else moved.
    assert_eq!(locked(&ws, "q"), ["0.5.0"]);
    assert_eq!(locked(&ws, "bravo"), ["0.3.1"]);
    // cargo agrees the lockfile is complete.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(&ws.root)
        .env("CARGO_HOME", &ws.home)
        .args(["update", "--workspace", "--locked"])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );

    // Vetting a newer release lets the next upgrade take it; a second run
    // then has nothing to do.
    ws.cmd()
        .args([
            "allow",
            "alpha@1.2.1",
            "q@0.6.0",
            "--reason",
            "read the diff",
        ])
        .assert()
        .success();
    let v = ws.json(&["upgrade", "--format", "json"]);
    let moves: Vec<(String, String, String)> = v["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["package"].as_str().unwrap().to_string(),
                m["from"].as_str().unwrap().to_string(),
                m["to"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        triples(&[("alpha", "1.2.0", "1.2.1"), ("q", "0.5.0", "0.6.0")])
    );
    assert_eq!(locked(&ws, "alpha"), ["1.2.1"]);
    assert_eq!(locked(&ws, "q"), ["0.6.0"]);
    let again = ws.json(&["upgrade", "--format", "json"]);
    assert_eq!(again["moves"].as_array().unwrap().len(), 0);
}

#[test]
fn upgrade_dry_run_writes_nothing() {
    let ws = Ws::new("registry-basic");
    let before = snapshot_tree(&ws.root);
    ws.cmd()
        .args(["upgrade", "--dry-run"])
        .assert()
        .success()
        .stdout_eq(snapbox::file!["snapshots/upgrade-dry-run.txt"]);
    assert_eq!(before, snapshot_tree(&ws.root));
}

#[test]
fn upgrade_errors_change_nothing() {
    let ws = Ws::new("registry-basic");
    let before = snapshot_tree(&ws.root);
    let out = ws.cmd().args(["upgrade", "nosuch"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`nosuch`"));

    // Our cache is warm, cargo's own is empty: `--offline` lets the plan
    // succeed and `cargo update --offline` fail; every file is restored.
    ws.cmd().arg("outdated").assert().success();
    let out = ws
        .cmd()
        .args(["upgrade", "alpha", "--offline"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cargo update -p alpha@1.1.0 --precise 1.2.1"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert_eq!(before, snapshot_tree(&ws.root), "files restored");
}
