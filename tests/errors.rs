//! Bad input and hostile sizes, through the real binary: exit 2 with a
//! message naming the culprit, no panic, and no file changed.

mod support;

use std::path::Path;

use support::{Copy, pin, snapshot_tree};

/// Runs `args` in `ws`, expects exit 2 with `needle` in stderr, no panic,
/// and every file under `ws` unchanged.
fn fails_cleanly(ws: &Path, args: &[&str], needle: &str) {
    let before = snapshot_tree(ws);
    let stderr = pin().current_dir(ws).args(args).stderr(2);
    assert!(
        stderr.contains(needle),
        "{args:?}: expected {needle:?} in {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(before, snapshot_tree(ws), "{args:?} changed a file");
}

#[test]
fn malformed_member_manifest_names_file_and_line() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let app = ws.join("app/Cargo.toml");
    let mut text = std::fs::read_to_string(&app).unwrap();
    text.push_str("\n[dependencies\nbroken = 1\n");
    std::fs::write(&app, text).unwrap();
    fails_cleanly(ws, &["check"], "app/Cargo.toml:38:14: invalid TOML");
    fails_cleanly(ws, &["fix"], "app/Cargo.toml:38:14: invalid TOML");
}

#[test]
fn invalid_requirement_names_the_dependency() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let app = ws.join("app/Cargo.toml");
    let text = std::fs::read_to_string(&app)
        .unwrap()
        .replace("regex = \"1.10\"", "regex = \"one.ten\"");
    std::fs::write(&app, text).unwrap();
    fails_cleanly(
        ws,
        &["fix"],
        "app/Cargo.toml:11: dependency `regex`: invalid version requirement",
    );
}

#[test]
fn corrupt_lockfile() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    std::fs::write(ws.join("Cargo.lock"), "version = 3\n[[package]\n").unwrap();
    fails_cleanly(ws, &["check"], "Cargo.lock:2:");
    fails_cleanly(ws, &["fix"], "Cargo.lock:2:");
    std::fs::write(ws.join("Cargo.lock"), "").unwrap();
    fails_cleanly(
        ws,
        &["check"],
        "Cargo.lock:1: no `version` and no [[package]] entries",
    );
    // What cargo writes for a workspace with no dependencies is a lockfile:
    // here, one that no longer locks what the manifests require.
    std::fs::write(ws.join("Cargo.lock"), "version = 3\n").unwrap();
    let out = pin().current_dir(ws).args(["check"]).stdout(1);
    assert!(out.contains("lockfile-stale"), "{out}");
    std::fs::write(
        ws.join("Cargo.lock"),
        "version = 7\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
    )
    .unwrap();
    fails_cleanly(ws, &["check"], "unsupported lockfile format version 7");
}

#[test]
fn unreadable_lockfile() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    // A directory where the file should be: unreadable even for root.
    std::fs::remove_file(ws.join("Cargo.lock")).unwrap();
    std::fs::create_dir(ws.join("Cargo.lock")).unwrap();
    fails_cleanly(ws, &["check"], "cannot read Cargo.lock");
}

#[test]
fn member_glob_matching_nothing() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let root = ws.join("Cargo.toml");
    let text = std::fs::read_to_string(&root).unwrap().replace(
        "members = [\"app\", \"lib\"]",
        "members = [\"app\", \"lib\", \"crates/*\"]",
    );
    std::fs::write(&root, text).unwrap();
    fails_cleanly(
        ws,
        &["check"],
        "Cargo.toml:2: workspace.members entry `crates/*` matches no package",
    );
}

#[test]
fn missing_manifest_path() {
    let empty = Copy::empty("");
    fails_cleanly(
        empty.root(),
        &["check", "--manifest-path", "nope/Cargo.toml"],
        "`nope/Cargo.toml` does not exist",
    );
    fails_cleanly(empty.root(), &["check"], "could not find `Cargo.toml`");
}

#[test]
fn bad_policy_files_name_the_key() {
    let copy = Copy::of("check/pinned");
    let ws = copy.root();
    for (policy, needle) in [
        ("[rule]\ncaret = \"warn\"\n", "unknown field `rule`"),
        (
            "[rules]\ncarret = \"warn\"\n",
            "pin.toml:2:1: [rules] unknown rule `carret`",
        ),
        ("[rules]\ncaret = 1\n", "pin.toml:2"),
        (
            "[rules]\ncaret = \"forbid\"\n",
            "pin.toml:2:9: [rules] caret = \"forbid\"",
        ),
        (
            "[registry]\nmin-release-age = \"7 dayz\"\n",
            "pin.toml:2:19: [registry] min-release-age: \"7 dayz\": unknown unit",
        ),
        ("[registry]\nmin-release-age = 7\n", "pin.toml:2"),
        (
            "[[exempt]]\ncrate = \"a\"\nreason = \"r\"\nexpires = \"next week\"\n",
            "pin.toml:4:11: [[exempt]] expires = \"next week\"",
        ),
        ("[[exempt]]\ncrate = \"a\"\n", "missing field `reason`"),
        (
            "[[exempt]]\ncrate = \"a\"\nreason = \"r\"\nrules = [\"tidle\"]\n",
            "unknown rule `tidle`",
        ),
    ] {
        std::fs::write(ws.join("pin.toml"), policy).unwrap();
        fails_cleanly(ws, &["check"], needle);
        fails_cleanly(ws, &["fix"], needle);
    }
    std::fs::remove_file(ws.join("pin.toml")).unwrap();
    fails_cleanly(
        ws,
        &["check", "--policy", "missing.toml"],
        "cannot read missing.toml",
    );
}

#[test]
fn hostile_sizes_do_not_crash() {
    let copy = Copy::empty("");
    let ws = copy.root();
    copy.write("src/lib.rs", "");
    let n = 3000;
    let deps: String = (0..n).map(|i| format!("dep{i} = \"1.{i}\"\n")).collect();
    let big = "x".repeat(5_000_000);
    // A UTF-8 byte order mark, a 5 MB string and thousands of dependencies.
    let manifest = format!(
        "\u{feff}[package]\nname = \"h\"\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = \"{big}\"\n\n[dependencies]\n{deps}"
    );
    copy.write("Cargo.toml", &manifest);
    let mut lock = String::from("version = 4\n\n[[package]]\nname = \"h\"\nversion = \"0.1.0\"\n");
    for i in 0..n {
        lock.push_str(&format!(
            "\n[[package]]\nname = \"dep{i}\"\nversion = \"1.{i}.7\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ));
    }
    copy.write("Cargo.lock", &lock);
    pin()
        .current_dir(ws)
        .args(["check", "--format", "json"])
        .code(1);
    pin().current_dir(ws).args(["fix"]).code(0);
    let after = std::fs::read_to_string(ws.join("Cargo.toml")).unwrap();
    assert!(after.starts_with('\u{feff}'), "the BOM survives");
    assert!(after.contains("dep2999 = \"=1.2999.7\"\n"));
    assert_eq!(after.len(), manifest.len() + 3 * n);
    pin().current_dir(ws).args(["check"]).code(0);

    // Deeply nested inline tables and arrays: a clear error, not a stack
    // overflow.
    for (open, close) in [("{a = ", "}"), ("[", "]")] {
        let deep = format!(
            "[package]\nname = \"h\"\nversion = \"0.1.0\"\n\n[package.metadata]\nx = {}1{}\n",
            open.repeat(20_000),
            close.repeat(20_000)
        );
        copy.write("Cargo.toml", &deep);
        fails_cleanly(ws, &["check"], "Cargo.toml:6:");
    }
}

#[test]
fn fix_with_an_unwritable_report_writes_nothing() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    fails_cleanly(
        ws,
        &["fix", "--output", "no/such/dir/report.txt"],
        "nothing was written (report: no/such/dir/report.txt)",
    );
}
