//! Writes lose nothing (issue 12), through the real binary on copies of
//! `fixtures/check/all-rules`, which `fix` edits in three files (two
//! manifests and Cargo.lock): files changed on disk while a run waits for
//! the workspace lock, symlinks, hard links, owner and mode, `--output` to
//! special files, and SIGTERM in the write phase.
#![cfg(unix)]

mod support;

use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{Copy, pin, snapshot_tree};

/// The files `fix` edits in `check/all-rules`.
const EDITED: [&str; 3] = ["Cargo.toml", "app/Cargo.toml", "Cargo.lock"];

/// Every temporary file of ours left under `dir`.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let ty = e.file_type().unwrap();
        if ty.is_dir() {
            out.extend(temp_files(&e.path()));
        } else if e.file_name().to_string_lossy().starts_with(".cargo-pin.") {
            out.push(e.path());
        }
    }
    out
}

/// The binary, started in the background in the tests' fixed environment.
fn spawn(dir: &Path, cache: &Path, args: &[&str]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-pin"));
    support::fixed_env_std(&mut cmd, cache)
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cargo-pin")
}

/// Polls `cond` for up to a minute.
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn mkfifo(path: &Path) {
    support::run_ok(Command::new("mkfifo").arg(path));
}

#[test]
fn a_file_changed_while_the_run_waits_for_the_lock_stops_it_and_keeps_the_change() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let cache = copy.dir.path().join("cache");
    // Another writer holds the workspace lock.
    let held = std::fs::File::open(ws).unwrap();
    held.lock().unwrap();
    let child = spawn(ws, &cache, &["pin", "fix"]);
    // The run has read the workspace and waits for the lock (a blocked
    // flock shows in /proc/locks as `->`).
    let pid = child.id().to_string();
    wait_for("the run to wait for the lock", || {
        std::fs::read_to_string("/proc/locks")
            .unwrap()
            .lines()
            .any(|l| l.contains("->") && l.split_whitespace().nth(5) == Some(pid.as_str()))
    });
    let edited = format!("{}# edited meanwhile\n", copy.read("app/Cargo.toml"));
    copy.write("app/Cargo.toml", &edited);
    let before = snapshot_tree(ws);
    drop(held);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("app/Cargo.toml changed on disk"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(
        before,
        snapshot_tree(ws),
        "the other edit is kept, nothing else written"
    );
    assert_eq!(temp_files(ws), Vec::<PathBuf>::new());
    // Run again, it pins on top of the other edit.
    pin().current_dir(ws).arg("fix").code(0);
    let after = copy.read("app/Cargo.toml");
    assert!(after.ends_with("# edited meanwhile\n"), "{after}");
    assert_ne!(after, edited);
}

#[test]
fn symlinked_manifests_are_edited_at_their_target_and_stay_links() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let elsewhere = copy.dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let real = elsewhere.join("app.toml");
    std::fs::rename(ws.join("app/Cargo.toml"), &real).unwrap();
    std::os::unix::fs::symlink(&real, ws.join("app/Cargo.toml")).unwrap();
    let before = std::fs::read_to_string(&real).unwrap();
    pin().current_dir(ws).arg("fix").code(0);
    let link = std::fs::symlink_metadata(ws.join("app/Cargo.toml")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let after = std::fs::read_to_string(&real).unwrap();
    assert_ne!(before, after, "the target was edited");
    assert_eq!(temp_files(copy.dir.path()), Vec::<PathBuf>::new());
}

#[test]
fn mode_and_owner_are_kept() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let manifest = ws.join("app/Cargo.toml");
    std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o640)).unwrap();
    let root = std::fs::metadata(ws).unwrap().uid() == 0;
    if root {
        std::os::unix::fs::chown(&manifest, Some(4321), Some(4322)).unwrap();
    }
    let before = std::fs::metadata(&manifest).unwrap();
    pin().current_dir(ws).arg("fix").code(0);
    let after = std::fs::metadata(&manifest).unwrap();
    assert_ne!(before.ino(), after.ino(), "replaced, atomically");
    assert_eq!(after.mode() & 0o7777, 0o640);
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
}

#[test]
fn a_hard_linked_manifest_is_refused_before_anything_is_written() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    std::fs::hard_link(ws.join("app/Cargo.toml"), copy.dir.path().join("twin.toml")).unwrap();
    let before = snapshot_tree(copy.dir.path());
    let err = pin().current_dir(ws).arg("fix").stderr(2);
    assert!(err.contains("app/Cargo.toml has 2 hard links"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(before, snapshot_tree(copy.dir.path()));
}

#[test]
fn output_is_written_into_symlinks_fifos_and_devices() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let out = copy.dir.path().join("out");
    std::fs::create_dir(&out).unwrap();

    // A symlink: the target gets the report, the link stays.
    std::fs::write(out.join("real.txt"), "old").unwrap();
    std::os::unix::fs::symlink(out.join("real.txt"), out.join("link.txt")).unwrap();
    pin()
        .current_dir(ws)
        .args(["fix", "--dry-run", "--output"])
        .arg(out.join("link.txt"))
        .code(0);
    assert!(
        std::fs::symlink_metadata(out.join("link.txt"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let report = std::fs::read_to_string(out.join("real.txt")).unwrap();
    assert!(report.contains("app/Cargo.toml"), "{report}");

    // A symlink to a file not there yet: created, the link kept.
    std::os::unix::fs::symlink(out.join("new.txt"), out.join("to-new.txt")).unwrap();
    pin()
        .current_dir(ws)
        .args(["fix", "--dry-run", "--output"])
        .arg(out.join("to-new.txt"))
        .code(0);
    assert_eq!(
        std::fs::read_to_string(out.join("new.txt")).unwrap(),
        report
    );

    // /dev/stdout: the report comes out on stdout.
    let stdout = pin()
        .current_dir(ws)
        .args(["fix", "--dry-run", "--output", "/dev/stdout"])
        .stdout(0);
    assert_eq!(stdout, report);

    // A FIFO: a reader gets the report; the FIFO stays a FIFO.
    let fifo = out.join("fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    pin()
        .current_dir(ws)
        .args(["fix", "--dry-run", "--output"])
        .arg(&fifo)
        .code(0);
    assert_eq!(reader.join().unwrap(), report);
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(
        &std::fs::symlink_metadata(&fifo).unwrap().file_type()
    ));

    // /dev/full: the write fails, and no workspace file changes.
    let before = snapshot_tree(ws);
    let err = pin()
        .current_dir(ws)
        .args(["fix", "--output", "/dev/full"])
        .stderr(2);
    assert!(err.contains("cannot write /dev/full"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(before, snapshot_tree(ws));
    assert_eq!(temp_files(ws), Vec::<PathBuf>::new());
}

#[test]
fn an_output_naming_a_file_the_command_edits_is_refused() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let before = snapshot_tree(ws);
    for args in [
        &["fix", "--output", "app/Cargo.toml"][..],
        &["fix", "--output", "./app/../Cargo.lock"][..],
        &["fix", "--dry-run", "--output", "Cargo.toml"][..],
        // Not edited this time, or not there yet: still the workspace's.
        &["fix", "--output", "lib/Cargo.toml"][..],
        &["fix", "--output", "pin.toml"][..],
    ] {
        let err = pin().current_dir(ws).args(args).stderr(2);
        assert!(
            err.contains("names a file this command edits"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(before, snapshot_tree(ws));
}

#[test]
fn sigint_or_sigterm_in_the_write_phase_writes_nothing_and_leaves_no_temporary_file() {
    for (signal, number) in [("TERM", 15), ("INT", 2)] {
        interrupted_in_the_write_phase(signal, number);
    }
}

fn interrupted_in_the_write_phase(signal: &str, number: i32) {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let before = snapshot_tree(ws);
    let fifo = copy.dir.path().join("report.fifo");
    mkfifo(&fifo);
    let cache = copy.dir.path().join("cache");
    // With the report going to a FIFO nobody reads yet, the run stops in
    // its write phase: every file staged, none renamed.
    let child = spawn(
        ws,
        &cache,
        &["pin", "fix", "--output", fifo.to_str().unwrap()],
    );
    wait_for("every file to be staged", || {
        temp_files(ws).len() == EDITED.len()
    });
    std::thread::sleep(Duration::from_millis(200));
    support::run_ok(Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]));
    // A reader lets the write phase go on: it must then stop.
    let _reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(0o4000) // O_NONBLOCK: never wait for a writer
        .open(&fifo)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(128 + number), "{signal}: {stderr}");
    assert!(
        stderr.contains(&format!("interrupted by SIG{signal}")),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(before, snapshot_tree(ws), "no file changed");
    assert_eq!(temp_files(ws), Vec::<PathBuf>::new());
}

#[test]
fn crlf_survives_fix_in_manifests_and_cargo_lock() {
    let copy = Copy::of("check/all-rules");
    for file in EDITED {
        let text = copy.read(file).replace('\n', "\r\n");
        copy.write(file, &text);
    }
    pin().current_dir(copy.root()).arg("fix").code(0);
    for file in EDITED {
        let text = copy.read(file);
        assert_eq!(
            text.matches('\n').count(),
            text.matches("\r\n").count(),
            "{file}: {text:?}"
        );
    }
    assert!(
        copy.read("Cargo.lock").contains("?rev="),
        "the lock was edited"
    );
}

#[test]
fn a_run_waiting_for_a_fifos_reader_still_stops_on_sigint() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let before = snapshot_tree(ws);
    let fifo = copy.dir.path().join("nobody-reads");
    mkfifo(&fifo);
    let cache = copy.dir.path().join("cache");
    let mut child = spawn(
        ws,
        &cache,
        &["pin", "fix", "--output", fifo.to_str().unwrap()],
    );
    wait_for("every file to be staged", || {
        temp_files(ws).len() == EDITED.len()
    });
    std::thread::sleep(Duration::from_millis(200));
    support::run_ok(Command::new("kill").args(["-INT", &child.id().to_string()]));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the run hangs on the FIFO"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    assert_eq!(before, snapshot_tree(ws));
    assert_eq!(temp_files(ws), Vec::<PathBuf>::new());
}
