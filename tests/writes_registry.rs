//! Writes lose nothing (issue 12) for the commands that ask the registry,
//! `upgrade` and `allow`, on copies of `fixtures/registry-basic` against
//! the loopback registry: an interrupt while cargo relocks, `--output`
//! found unwritable before any file changes, CRLF kept in Cargo.lock and
//! pin.toml, a symlinked pin.toml; and no false "clean" from the
//! registry's answers (an index file without the crate's releases).
#![cfg(unix)]

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::registry::{NOW, Ws};
use support::snapshot_tree;

fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// Every line of `text` ends with CRLF.
fn all_crlf(text: &str) -> bool {
    text.matches('\n').count() == text.matches("\r\n").count() && text.contains("\r\n")
}

#[test]
fn sigterm_while_cargo_relocks_puts_every_file_back() {
    let ws = Ws::new("registry-basic");
    let before = snapshot_tree(&ws.root);
    // A cargo that runs `metadata` for real, and for `update` garbles the
    // lockfile, says so, and hangs.
    let mark = ws.copy.dir.path().join("cargo-is-updating");
    let fake = ws.copy.dir.path().join("fake-cargo");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nif [ \"$1\" = update ]; then\n  printf garbage > Cargo.lock\n  touch '{}'\n  exec sleep 60\nfi\nexec '{}' \"$@\"\n",
            mark.display(),
            support::CARGO
        ),
    )
    .unwrap();
    support::run_ok(Command::new("chmod").arg("755").arg(&fake));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-pin"));
    let child = support::fixed_env_std(&mut cmd, &ws.cache)
        .env("CARGO", &fake)
        .env("CARGO_HOME", &ws.home)
        .env("CARGO_PIN_NOW", NOW)
        .current_dir(&ws.root)
        .args(["pin", "upgrade", "alpha"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !mark.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "cargo update never ran"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_ne!(
        before,
        snapshot_tree(&ws.root),
        "the manifests were written, the lock garbled"
    );
    support::run_ok(Command::new("kill").args(["-TERM", &child.id().to_string()]));
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(128 + 15), "{stderr}");
    assert!(stderr.contains("interrupted by SIGTERM"), "{stderr}");
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert_eq!(before, snapshot_tree(&ws.root), "every file put back");
}

#[test]
fn upgrade_finds_an_unwritable_output_before_changing_anything() {
    let ws = Ws::new("registry-basic");
    let before = snapshot_tree(&ws.root);
    let missing = ws.copy.dir.path().join("no/such/dir/report.txt");
    for output in [Path::new("/dev/full"), &missing] {
        let err = ws
            .cmd()
            .args(["upgrade", "alpha", "--output"])
            .arg(output)
            .stderr(2);
        assert!(err.contains("nothing was written"), "{err}");
        assert_eq!(before, snapshot_tree(&ws.root), "{}", output.display());
    }
    let err = ws
        .cmd()
        .args(["upgrade", "alpha", "--output", "Cargo.lock"])
        .stderr(2);
    assert!(err.contains("names a file this command edits"), "{err}");
    assert_eq!(before, snapshot_tree(&ws.root));
    // A writable one gets the report, after the relock.
    let report = ws.copy.dir.path().join("report.txt");
    ws.cmd()
        .args(["upgrade", "alpha", "--output"])
        .arg(&report)
        .code(0);
    assert!(std::fs::read_to_string(&report).unwrap().contains("alpha"));
}

#[test]
fn crlf_survives_cargos_relock_and_allow() {
    let ws = Ws::new("registry-basic");
    for file in ["Cargo.lock", "pin.toml", "app/Cargo.toml"] {
        ws.copy.write(file, &crlf(&ws.copy.read(file)));
    }
    ws.cmd()
        .args(["allow", "q@0.6.0", "--reason", "read it"])
        .code(0);
    let policy = ws.copy.read("pin.toml");
    assert!(policy.contains("\"0.6.0\""), "{policy}");
    assert!(all_crlf(&policy), "{policy:?}");
    ws.cmd().args(["upgrade", "alpha"]).code(0);
    let lock = ws.copy.read("Cargo.lock");
    assert!(
        lock.contains("name = \"alpha\"\r\nversion = \"1.2.1\""),
        "{lock}"
    );
    assert!(all_crlf(&lock), "the lockfile cargo rewrote is CRLF again");
    assert!(all_crlf(&ws.copy.read("app/Cargo.toml")));
}

#[test]
fn allow_edits_a_symlinked_pin_toml_at_its_target() {
    let ws = Ws::new("registry-basic");
    let real = ws.copy.dir.path().join("shared-pin.toml");
    std::fs::rename(ws.root.join("pin.toml"), &real).unwrap();
    std::os::unix::fs::symlink(&real, ws.root.join("pin.toml")).unwrap();
    ws.cmd()
        .args(["allow", "q@0.6.0", "--reason", "read it"])
        .code(0);
    assert!(
        std::fs::symlink_metadata(ws.root.join("pin.toml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("\"0.6.0\"")
    );
}

#[test]
fn an_index_file_without_the_crates_releases_is_an_error_in_every_command() {
    for body in [
        "",
        "\n",
        "{\"name\":\"other\",\"vers\":\"9.0.0\",\"deps\":[],\"cksum\":\"00\",\"features\":{}}\n",
    ] {
        let index = tempfile::tempdir().unwrap();
        support::copy_dir(&support::fixture("registry"), index.path());
        std::fs::write(index.path().join("al/ph/alpha"), body).unwrap();
        let ws = Ws::with_index("registry-basic", index.path());
        let before = snapshot_tree(&ws.root);
        for args in [
            &["outdated"][..],
            &["check", "--registry"][..],
            &["upgrade", "alpha"][..],
            &["allow", "alpha@1.2.0", "--reason", "read it"][..],
        ] {
            let err = ws.cmd().args(args).stderr(2);
            assert!(
                err.contains("the index file of crate `alpha`")
                    && err.contains("lists no release of `alpha`")
                    && err.contains("/al/ph/alpha"),
                "{body:?} {args:?}: {err}"
            );
        }
        assert_eq!(before, snapshot_tree(&ws.root));
    }
}

#[test]
fn a_release_without_publish_time_is_age_unknown_and_fails_closed_when_required() {
    let index = tempfile::tempdir().unwrap();
    support::copy_dir(&support::fixture("registry"), index.path());
    let alpha = index.path().join("al/ph/alpha");
    let text = std::fs::read_to_string(&alpha).unwrap();
    let stripped: String = text
        .lines()
        .map(|l| {
            if l.contains("\"vers\":\"1.2.1\"") || l.contains("\"vers\":\"1.1.0\"") {
                let at = l.find(",\"pubtime\"").unwrap();
                format!("{}}}\n", &l[..at])
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&alpha, stripped).unwrap();
    let ws = Ws::with_index("registry-basic", index.path());

    // By default an unknown age is not "too new", and every report says
    // the age is unknown.
    let md = ws
        .cmd()
        .args(["outdated", "--format", "markdown"])
        .stdout(0);
    assert!(
        md.lines()
            .any(|l| l.contains("`1.2.1`") && l.contains("age unknown")),
        "{md}"
    );
    let plan = ws.cmd().args(["upgrade", "alpha", "--dry-run"]).stdout(0);
    assert!(plan.contains("alpha would move 1.1.0 -> 1.2.1"), "{plan}");

    // Required: it counts as too new.
    let policy = ws
        .copy
        .read("pin.toml")
        .replace("[registry]\n", "[registry]\nrequire-publish-time = true\n");
    ws.copy.write("pin.toml", &policy);
    let plan = ws.cmd().args(["upgrade", "alpha", "--dry-run"]).stdout(0);
    assert!(plan.contains("alpha would move 1.1.0 -> 1.2.0"), "{plan}");
    assert!(plan.contains("1.2.1 too-new (age unknown)"), "{plan}");
    let human = ws.cmd().args(["outdated"]).stdout(0);
    assert!(
        human.contains("too-new: 1.2.1 (age unknown), 1.3.0"),
        "{human}"
    );
    let v = ws
        .cmd()
        .args(["check", "--registry", "--format", "json"])
        .check_json();
    let too_new: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "too-new")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        too_new
            .iter()
            .any(|m| m.contains("`alpha 1.1.0`") && m.contains("age unknown")),
        "{too_new:?}"
    );
}

#[test]
fn upgrade_stops_when_cargo_lock_changed_while_it_waited_for_the_lock() {
    let ws = Ws::new("registry-basic");
    let held = std::fs::File::open(&ws.root).unwrap();
    held.lock().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-pin"));
    let child = support::fixed_env_std(&mut cmd, &ws.cache)
        .env("CARGO_HOME", &ws.home)
        .env("CARGO_PIN_NOW", NOW)
        .current_dir(&ws.root)
        .args(["pin", "upgrade", "alpha"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let start = Instant::now();
    while !std::fs::read_to_string("/proc/locks")
        .unwrap()
        .lines()
        .any(|l| l.contains("->") && l.split_whitespace().nth(5) == Some(pid.as_str()))
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "never waited for the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let lock = format!("{}# touched meanwhile\n", ws.copy.read("Cargo.lock"));
    ws.copy.write("Cargo.lock", &lock);
    let before = snapshot_tree(&ws.root);
    drop(held);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Cargo.lock changed on disk"), "{stderr}");
    assert_eq!(before, snapshot_tree(&ws.root));
}
