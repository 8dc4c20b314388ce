//! No false "clean" (issue 12): answers that must not say pinned or up to
//! date when they are not, through the real binary.

mod support;

use serde_json::Value;
use support::{Copy, pin};

/// `(rule, name, requirement)` of every finding about git dependencies.
fn git_findings(v: &Value) -> Vec<(String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"].as_str().is_some_and(|n| n.starts_with("dep-")))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["name"].as_str().unwrap().to_string(),
                f["requirement"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_rev_that_is_not_a_commit_id_floats_and_fix_pins_it() {
    let copy = Copy::of("check/all-rules");
    let commit = "89abcde0000000000000000000000000000000ff";
    // `dep-rev` asks for rev "main" (a branch name), and is locked so.
    let app = copy.read("app/Cargo.toml");
    copy.write(
        "app/Cargo.toml",
        &app.replace("rev = \"89abcde\"", "rev = \"main\""),
    );
    let lock = copy.read("Cargo.lock");
    copy.write(
        "Cargo.lock",
        &lock.replace("dep-rev?rev=89abcde#", "dep-rev?rev=main#"),
    );
    let v = pin()
        .current_dir(copy.root())
        .args(["check", "--format", "json"])
        .check_json();
    let found = git_findings(&v);
    assert!(
        found.contains(&(
            "git-branch".into(),
            "dep-rev".into(),
            "rev = \"main\"".into()
        )),
        "{found:?}"
    );
    pin().current_dir(copy.root()).arg("fix").code(0);
    assert!(copy.read("app/Cargo.toml").contains(&format!(
        "dep-rev = {{ git = \"https://github.com/example/dep-rev\", rev = \"{commit}\" }}"
    )),);
    assert!(
        copy.read("Cargo.lock")
            .contains(&format!("dep-rev?rev={commit}#{commit}"))
    );
    let v = pin()
        .current_dir(copy.root())
        .args(["check", "--format", "json"])
        .check_json();
    assert!(
        !git_findings(&v).iter().any(|(_, n, _)| n == "dep-rev"),
        "pinned now"
    );

    // A tag's ref name is a tag; a 7-digit hex prefix is pinned.
    for (rev, rule) in [
        ("refs/tags/v1.0.0", Some("git-tag")),
        ("v1.0", Some("git-tag")),
        ("refs/heads/dev", Some("git-branch")),
        ("89abcde", None),
        ("abc", Some("git-branch")),
    ] {
        copy.write(
            "app/Cargo.toml",
            &app.replace("rev = \"89abcde\"", &format!("rev = \"{rev}\"")),
        );
        let v = pin()
            .current_dir(copy.root())
            .args(["check", "--format", "json"])
            .check_json();
        let rules: Vec<String> = git_findings(&v)
            .into_iter()
            .filter(|(_, n, _)| n == "dep-rev")
            .map(|(r, _, _)| r)
            .collect();
        assert_eq!(
            rules,
            rule.into_iter().map(String::from).collect::<Vec<_>>(),
            "{rev}"
        );
    }
}

#[test]
fn a_channel_without_a_patch_number_floats_and_a_stray_path_is_an_error() {
    let copy = Copy::of("check/all-rules");
    copy.write("rust-toolchain.toml", "[toolchain]\nchannel = \"1.95\"\n");
    let v = pin()
        .current_dir(copy.root())
        .args(["check", "--format", "json"])
        .check_json();
    let toolchain: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "toolchain-unpinned")
        .collect();
    assert_eq!(toolchain.len(), 1, "{v:#}");
    assert_eq!(toolchain[0]["manifest"], "rust-toolchain.toml");
    assert!(
        toolchain[0]["message"]
            .as_str()
            .unwrap()
            .contains("without a patch number"),
        "{v:#}"
    );
    copy.write("rust-toolchain.toml", "[toolchain]\nchannel = \"1.95.0\"\n");
    let v = pin()
        .current_dir(copy.root())
        .args(["check", "--format", "json"])
        .check_json();
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "toolchain-unpinned")
    );

    copy.write(
        "rust-toolchain.toml",
        "[toolchain]\ncomponents = []\nchannel = \"/opt/rust/1.95\"\n",
    );
    for cmd in ["check", "fix"] {
        let err = pin().current_dir(copy.root()).arg(cmd).stderr(2);
        assert!(
            err.contains("rust-toolchain.toml:3: channel `/opt/rust/1.95` is not a toolchain name"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn a_requirement_replaced_by_a_patch_is_pinned_to_the_patchs_locked_version() {
    let copy = Copy::of("check/all-rules");
    let app = copy.read("app/Cargo.toml");
    copy.write(
        "app/Cargo.toml",
        &app.replace("anyhow = \"=1.0.86\"", "anyhow = \"1.0\""),
    );
    let lock = copy.read("Cargo.lock");
    let finding = |v: &Value| -> Value {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "anyhow" && f["manifest"] == "app/Cargo.toml")
            .cloned()
            .unwrap_or_else(|| panic!("no anyhow finding: {v:#}"))
    };
    let v = pin()
        .current_dir(copy.root())
        .args(["check", "--format", "json"])
        .check_json();
    let f = finding(&v);
    assert_eq!(f["rule"], "caret");
    assert_eq!(f["fix"], "=1.0.86");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("replaced by [patch.crates-io] at Cargo.toml:12 (locked 1.0.86)"),
        "{message}"
    );
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "lockfile-stale" && f["name"] == "anyhow")
    );
    let out = pin().current_dir(copy.root()).arg("fix").stdout(0);
    assert!(
        out.contains(
            "app/Cargo.toml:18 anyhow: replaced by [patch.crates-io] at Cargo.toml:12 (locked 1.0.86)"
        ),
        "{out}"
    );
    assert!(
        copy.read("app/Cargo.toml")
            .contains("anyhow = \"=1.0.86\"\n")
    );
    assert_eq!(
        copy.read("Cargo.lock").matches("anyhow").count(),
        lock.matches("anyhow").count()
    );

    // A patch whose locked version does not satisfy the requirement: named,
    // and left as it is.
    copy.write(
        "app/Cargo.toml",
        &app.replace("anyhow = \"=1.0.86\"", "anyhow = \"2\""),
    );
    let v = pin()
        .current_dir(copy.root())
        .args(["check", "--format", "json"])
        .check_json();
    let f = finding(&v);
    assert!(f["fix"].is_null(), "{f:#}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("replaced by [patch.crates-io] at Cargo.toml:12, whose locked version does not satisfy `2`"),
        "{f:#}"
    );
    let v = pin()
        .current_dir(copy.root())
        .args(["fix", "--dry-run", "--format", "json"])
        .json(0);
    let left = v["left"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "anyhow")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(
        left["reason"],
        "replaced by [patch.crates-io] at Cargo.toml:12, whose locked version does not satisfy `2`"
    );
}
