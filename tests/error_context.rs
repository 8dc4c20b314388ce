//! Errors that show where: a TOML syntax error in any file cargo-pin reads
//! names `file:line:col` and shows the line with a caret under the column
//! (as cargo does); a mistyped rule id suggests the rule meant.

mod support;

use support::{Copy, pin};

/// `cargo-pin ARGS` in `copy` exits 2 with `expected` as the whole of
/// stderr (after `error: `), and no file changed.
fn fails_with(copy: &Copy, args: &[&str], expected: &str) {
    let before = copy.tree();
    let stderr = pin().current_dir(copy.root()).args(args).stderr(2);
    assert_eq!(stderr, format!("error: {expected}\n"), "{args:?}");
    assert_eq!(before, copy.tree(), "{args:?} changed a file");
}

#[test]
fn a_manifest_syntax_error_shows_the_line_and_a_caret() {
    let copy = Copy::of("check/policy");
    let manifest = copy.read("Cargo.toml");
    let line = manifest.lines().position(|l| l.starts_with("log")).unwrap() + 1;
    copy.write(
        "Cargo.toml",
        &manifest.replace("log = \"0.4\"", "log = \"0.4"),
    );
    let pad = " ".repeat(line.to_string().len());
    fails_with(
        &copy,
        &["check"],
        &format!(
            "Cargo.toml:{line}:11: invalid TOML: invalid basic string, expected `\"`\n\
             {pad} |\n{line} | log = \"0.4\n{pad} |           ^"
        ),
    );
}

#[test]
fn a_dependency_of_the_wrong_type_shows_its_value_with_a_caret() {
    let copy = Copy::of("check/policy");
    let manifest = copy.read("Cargo.toml");
    let line = manifest.lines().position(|l| l.starts_with("log")).unwrap() + 1;
    let pad = " ".repeat(line.to_string().len());
    copy.write(
        "Cargo.toml",
        &manifest.replace("log = \"0.4\"", "log = 0.4"),
    );
    fails_with(
        &copy,
        &["check"],
        &format!(
            "Cargo.toml:{line}:7: dependency `log` in `dependencies` must be a version string \
             or a table, found float\n{pad} |\n{line} | log = 0.4\n{pad} |       ^^^"
        ),
    );
    copy.write(
        "Cargo.toml",
        &manifest.replace("log = \"0.4\"", "log = { version = \"0.4\", package = 3 }"),
    );
    fails_with(
        &copy,
        &["check"],
        &format!(
            "Cargo.toml:{line}:36: `log.package` in `dependencies` must be a string\n\
             {pad} |\n{line} | log = {{ version = \"0.4\", package = 3 }}\n\
             {pad} |                                    ^"
        ),
    );
}

#[test]
fn a_member_manifest_error_names_the_member() {
    let copy = Copy::of("check/all-rules");
    let text = copy.read("app/Cargo.toml");
    copy.write("app/Cargo.toml", &format!("{text}\n[dependencies\n"));
    let stderr = pin().current_dir(copy.root()).arg("fix").stderr(2);
    assert!(
        stderr.contains("app/Cargo.toml:38:14: invalid TOML: unclosed table, expected `]`\n   |\n38 | [dependencies\n   |              ^\n"),
        "{stderr}"
    );
}

#[test]
fn a_policy_error_shows_the_key_with_a_caret() {
    let copy = Copy::of("check/policy");
    copy.write("pin.toml", "[registry]\nmin-relase-age = \"7 days\"\n");
    fails_with(
        &copy,
        &["check"],
        "pin.toml:2:1: unknown field `min-relase-age`, expected one of `min-release-age`, \
         `require-publish-time`, `require-vetted`: did you mean `min-release-age`?\n  |\n2 | min-relase-age = \"7 days\"\n  | ^^^^^^^^^^^^^^",
    );
    copy.write("pin.toml", "[rules\ncaret = \"warn\"\n");
    fails_with(
        &copy,
        &["check"],
        "pin.toml:1:7: unclosed table, expected `]`\n  |\n1 | [rules\n  |       ^",
    );
}

#[test]
fn a_lockfile_and_a_toolchain_file_error_show_a_caret() {
    let copy = Copy::of("check/policy");
    let lock = copy.read("Cargo.lock");
    let line = lock.lines().position(|l| l.starts_with("name = ")).unwrap() + 1;
    let name_line = lock.lines().nth(line - 1).unwrap().to_string();
    let bare = name_line.replace('"', "");
    copy.write("Cargo.lock", &lock.replacen(&name_line, &bare, 1));
    let pad = " ".repeat(line.to_string().len());
    let carets = "^".repeat(bare.len() - "name = ".len());
    fails_with(
        &copy,
        &["check"],
        &format!(
            "Cargo.lock:{line}:8: string values must be quoted, expected literal string\n\
             {pad} |\n{line} | {bare}\n{pad} |        {carets}"
        ),
    );
    copy.write("Cargo.lock", &lock);
    copy.write("rust-toolchain.toml", "[toolchain]\nchannel = stable\n");
    fails_with(
        &copy,
        &["check"],
        "rust-toolchain.toml:2:11: invalid TOML: string values must be quoted, expected literal string\n  |\n2 | channel = stable\n  |           ^^^^^^",
    );
}

#[test]
fn a_mistyped_rule_suggests_the_closest() {
    let copy = Copy::of("check/policy");
    for flag in ["-D", "-W", "-A"] {
        let stderr = pin()
            .current_dir(copy.root())
            .args(["check", flag, "carret"])
            .stderr(2);
        assert!(
            stderr.contains("invalid value 'carret'")
                && stderr.contains("tip: a similar value exists: 'caret'")
                && stderr.contains("[possible values: wildcard, caret,"),
            "{flag}: {stderr}"
        );
    }
    // Nothing close: the list, and no tip.
    let stderr = pin()
        .current_dir(copy.root())
        .args(["check", "-D", "serde"])
        .stderr(2);
    assert!(
        !stderr.contains("tip:") && stderr.contains("possible values"),
        "{stderr}"
    );

    // The same in pin.toml, as a level and in an exemption.
    copy.write("pin.toml", "[rules]\ncarret = \"warn\"\n");
    let stderr = pin().current_dir(copy.root()).arg("check").stderr(2);
    assert!(
        stderr.starts_with("error: pin.toml:2:1: [rules] unknown rule `carret`: did you mean `caret`? (known rules: wildcard, caret,"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("\n  |\n2 | carret = \"warn\"\n  | ^^^^^^\n"),
        "{stderr}"
    );
    copy.write(
        "pin.toml",
        "[[exempt]]\ncrate = \"log\"\nrules = [\"git_tag\"]\nreason = \"r\"\n",
    );
    let stderr = pin().current_dir(copy.root()).arg("check").stderr(2);
    assert!(
        stderr.contains(
            "pin.toml:3:10: [[exempt]] rules: unknown rule `git_tag`: did you mean `git-tag`?"
        ),
        "{stderr}"
    );
}
