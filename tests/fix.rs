//! `cargo pin fix` through the real binary, on temporary copies of fixtures.

mod support;

use std::path::Path;
use std::process::Command as StdCommand;

use support::{Copy, pin, run_ok, snapshot_tree};

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let before = snapshot_tree(ws);
    pin()
        .current_dir(ws)
        .args(["pin", "fix", "--dry-run"])
        .redact_root(ws)
        .code(0)
        .stdout_eq(snapbox::file!["snapshots/fix-all-rules-dry-run.txt"]);
    assert_eq!(before, snapshot_tree(ws));
}

#[test]
fn fix_pins_everything_it_can_and_nothing_else() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    pin()
        .current_dir(ws)
        .args(["fix"])
        .redact_root(ws)
        .code(0)
        .stdout_eq(snapbox::file!["snapshots/fix-all-rules.txt"]);
    snapbox::assert_data_eq!(
        read(&ws.join("app/Cargo.toml")),
        snapbox::file!["snapshots/fix-all-rules-app.toml"]
    );
    snapbox::assert_data_eq!(
        read(&ws.join("Cargo.toml")),
        snapbox::file!["snapshots/fix-all-rules-root.toml"]
    );
    // Only the git sources of pinned packages moved in Cargo.lock.
    let lock = read(&ws.join("Cargo.lock"));
    let orig = read(&support::fixture("check/all-rules/Cargo.lock"));
    let changed: Vec<(&str, &str)> = orig
        .lines()
        .zip(lock.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 3, "{changed:?}");
    for (a, b) in changed {
        assert!(
            a.starts_with("source = \"git+") && b.contains("?rev="),
            "{a} -> {b}"
        );
        let commit = b.rsplit('#').next().unwrap().trim_end_matches('"');
        assert!(b.contains(&format!("?rev={commit}#{commit}")), "{b}");
    }
    // Afterwards, check finds nothing at deny that could have been pinned.
    let v = pin()
        .current_dir(ws)
        .args(["check", "--format", "json"])
        .json(1);
    let left: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == "deny")
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        left,
        [
            ("caret", "unused"),
            ("caret", "toml"),
            ("lockfile-stale", "toml")
        ]
    );
}

#[test]
fn second_run_changes_nothing() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    pin().current_dir(ws).args(["fix"]).code(0);
    let once = snapshot_tree(ws);
    pin()
        .current_dir(ws)
        .args(["fix"])
        .code(0)
        .stdout_eq(snapbox::str![[r#"
...
pinned 0 requirements in 0 files, left 3

"#]]);
    assert_eq!(once, snapshot_tree(ws));
}

#[test]
fn json_report_lists_edits_and_what_was_left() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    pin()
        .current_dir(ws)
        .args(["fix", "--dry-run", "--format", "json"])
        .redact_root(ws)
        .code(0)
        .stdout_eq(snapbox::file!["snapshots/fix-all-rules.json"]);
}

#[test]
fn crate_and_member_filters() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let v = pin()
        .current_dir(ws)
        .args(["fix", "regex", "json", "--format", "json"])
        .json(0);
    let names: Vec<&str> = v["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["regex", "json"]);
    assert!(read(&ws.join("app/Cargo.toml")).contains("regex = \"=1.10.6\""));
    assert!(read(&ws.join("app/Cargo.toml")).contains("rand = \"*\""));
    // `lib` writes no requirement of its own; the root's workspace entries
    // belong to no member.
    let v = pin()
        .current_dir(ws)
        .args(["fix", "-p", "lib", "--format", "json"])
        .json(0);
    assert_eq!(v["summary"]["edited"], 0);
    pin()
        .current_dir(ws)
        .args(["fix", "no-such-crate"])
        .code(2)
        .stderr_eq(snapbox::str![[r#"
error: no dependency named `no-such-crate` in the workspace

"#]]);
    pin().current_dir(ws).args(["fix", "-p", "nobody"]).code(2);
}

#[test]
fn tags_are_pinned_only_when_denied() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    pin().current_dir(ws).args(["fix", "dep-tag"]).code(0);
    assert!(read(&ws.join("app/Cargo.toml")).contains("tag = \"v1.0.0\""));
    pin()
        .current_dir(ws)
        .args(["fix", "-D", "git-tag", "dep-tag"])
        .code(0);
    assert!(read(&ws.join("app/Cargo.toml")).contains(
        "dep-tag = { git = \"https://github.com/example/dep-tag\", rev = \"4444444444444444444444444444444444444444\" }"
    ));
    assert!(
        read(&ws.join("Cargo.lock"))
            .contains("dep-tag?rev=4444444444444444444444444444444444444444#4444")
    );
}

#[test]
fn crlf_manifests_stay_crlf() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let app = ws.join("app/Cargo.toml");
    let crlf = read(&app).replace('\n', "\r\n");
    std::fs::write(&app, &crlf).unwrap();
    pin().current_dir(ws).args(["fix"]).code(0);
    let after = read(&app);
    assert!(after.contains("regex = \"=1.10.6\"\r\n"));
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
    assert_eq!(after.lines().count(), crlf.lines().count());
}

#[test]
fn without_a_lockfile_fix_is_an_error() {
    let copy = Copy::of("check/no-lockfile");
    let ws = copy.root();
    pin()
        .current_dir(ws)
        .args(["fix"])
        .redact_root(ws)
        .code(2)
        .stderr_eq(snapbox::str![[r#"
error: [ROOT] has no Cargo.lock, so there is no locked version to pin to; run `cargo generate-lockfile` first

"#]]);
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = StdCommand::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A local git repository holding crate `dep`, one commit on `main`:
/// its path, its `file://` URL and the commit.
fn git_dep_repo(dir: &Path) -> (std::path::PathBuf, String, String) {
    let repo = dir.join("dep");
    std::fs::create_dir_all(repo.join("src")).unwrap();
    std::fs::write(
        repo.join("Cargo.toml"),
        "[package]\nname = \"dep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(repo.join("src/lib.rs"), "").unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "one"]);
    let commit = git(&repo, &["rev-parse", "HEAD"]);
    let url = format!("file://{}", repo.display());
    (repo, url, commit)
}

/// A real git dependency (a local repository) following a branch: after
/// `fix`, cargo accepts the manifests with `--locked` and no network.
#[test]
fn git_branch_pin_keeps_cargo_locked_happy() {
    let tmp = Copy::empty("");
    let (repo, url, commit) = git_dep_repo(tmp.root());

    let app = tmp.root().join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(app.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        app.join("Cargo.toml"),
        format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n# from git\ndep = {{ git = \"{url}\", branch = \"main\" }}\n"
        ),
    )
    .unwrap();
    let cargo_home = tmp.root().join("cargo-home");
    let run = |args: &[&str]| {
        run_ok(
            support::cargo(Some(&cargo_home))
                .current_dir(&app)
                .args(args),
        );
    };
    run(&["generate-lockfile"]);
    // A new commit on the branch: the pin must keep the locked one.
    std::fs::write(repo.join("src/lib.rs"), "// two\n").unwrap();
    git(&repo, &["commit", "-qam", "two"]);

    pin().current_dir(&app).args(["fix"]).code(0);
    let manifest = read(&app.join("Cargo.toml"));
    assert!(
        manifest.contains(&format!("dep = {{ git = \"{url}\", rev = \"{commit}\" }}")),
        "{manifest}"
    );
    assert!(manifest.contains("# from git"));
    run(&["metadata", "--locked", "--offline", "--format-version", "1"]);
    let lock = read(&app.join("Cargo.lock"));
    assert!(lock.contains(&format!("?rev={commit}#{commit}")), "{lock}");
}

#[test]
fn markdown_report_to_a_file() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let out = ws.join("fix.md");
    pin()
        .current_dir(ws)
        .args(["fix", "--dry-run", "--format", "markdown", "--output"])
        .arg(&out)
        .code(0)
        .stdout_eq("");
    let md = read(&out);
    snapbox::assert_data_eq!(md.clone(), snapbox::file!["snapshots/fix-all-rules.md"]);
    // A proper table: a header, a rule line, then one row per edit.
    let rows: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("| location"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(rows[1], "| --- | --- | --- | --- | --- |");
    assert_eq!(rows.len(), 2 + 17);
    assert!(
        rows.iter().all(|r| r.matches(" | ").count() == 4),
        "{rows:?}"
    );
    // Every table well formed; the edits' table has a row per edit.
    let tables = support::md_tables(&md);
    let edits = tables
        .iter()
        .find(|t| t[0][0] == "location")
        .expect("edits");
    assert_eq!((edits[0].len(), edits.len()), (5, 1 + 17));
    // The dry run wrote nothing but the report.
    assert!(read(&ws.join("app/Cargo.toml")).contains("regex = \"1.10\""));
}

/// Two members follow the same branch of one repository. Pinning only one
/// of them would leave Cargo.lock matching neither, so `-p a` leaves both,
/// saying why, and `cargo --locked` stays happy; a full `fix` pins both.
#[test]
fn a_shared_git_source_is_pinned_together_or_not_at_all() {
    let tmp = Copy::empty("");
    let (_repo, url, commit) = git_dep_repo(tmp.root());

    let ws = &tmp.root().join("ws");
    std::fs::create_dir_all(ws).unwrap();
    std::fs::write(
        ws.join("Cargo.toml"),
        "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
    )
    .unwrap();
    for member in ["a", "b"] {
        std::fs::create_dir_all(ws.join(member).join("src")).unwrap();
        std::fs::write(ws.join(member).join("src/lib.rs"), "").unwrap();
        std::fs::write(
            ws.join(member).join("Cargo.toml"),
            format!("[package]\nname = \"{member}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ndep = {{ git = \"{url}\", branch = \"main\" }}\n"),
        )
        .unwrap();
    }
    let cargo_home = tmp.root().join("cargo-home");
    let run = |args: &[&str]| {
        run_ok(support::cargo(Some(&cargo_home)).current_dir(ws).args(args));
    };
    run(&["generate-lockfile"]);

    let before = snapshot_tree(ws);
    let v = pin()
        .current_dir(ws)
        .args(["fix", "-p", "a", "--format", "json"])
        .json(0);
    assert_eq!(v["summary"]["edited"], 0, "{v}");
    assert!(
        v["left"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("b/Cargo.toml:7"),
        "{v}"
    );
    assert_eq!(before, snapshot_tree(ws));

    pin().current_dir(ws).args(["fix"]).code(0);
    for member in ["a", "b"] {
        assert!(read(&ws.join(member).join("Cargo.toml")).contains(&format!("rev = \"{commit}\"")));
    }
    run(&["metadata", "--locked", "--offline", "--format-version", "1"]);
}
