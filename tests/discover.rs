//! Finding one's way in: `--version`, shell completions (sourced into a
//! real bash), the man pages, and `init`'s commented pin.toml.

mod support;

use std::process::Command;

use support::{Copy, pin};

#[test]
fn version_answers_directly_and_through_cargo() {
    let expected = format!("cargo-pin {}\n", env!("CARGO_PKG_VERSION"));
    for args in [&["--version"][..], &["pin", "--version"], &["-V"]] {
        assert_eq!(pin().args(args).stdout(0), expected, "{args:?}");
    }
}

#[test]
fn no_arguments_is_the_usage_of_cargo_pin() {
    let stderr = pin().stderr(2);
    assert!(
        stderr.contains("Usage: cargo pin [OPTIONS] <COMMAND>"),
        "{stderr}"
    );
}

/// What bash completes for `words` (the last one being completed), with
/// the script of `cargo pin completions bash` sourced.
fn bash_complete(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        r#"source '{script}' || exit 9
COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"; COMP_POINT=${{#COMP_LINE}}
spec=$(complete -p "${{COMP_WORDS[0]}}") || exit 8
[[ $spec =~ -F\ ([^ ]+) ]] || exit 7
"${{BASH_REMATCH[1]}}" "${{COMP_WORDS[0]}}" "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script = script.display(),
        words = quoted.join(" ")
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{words:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_cargo_pin_and_cargo_dash_pin() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("cargo-pin.bash");
    std::fs::write(&script, pin().args(["completions", "bash"]).stdout(0)).unwrap();

    for first in [
        &["cargo", "pin"][..],
        &["cargo", "+1.95.0", "pin"],
        &["cargo-pin"],
    ] {
        let words = |rest: &[&'static str]| -> Vec<&str> {
            first.iter().copied().chain(rest.iter().copied()).collect()
        };
        let subs = bash_complete(&script, &words(&[""]));
        for sub in ["check", "fix", "outdated", "init", "completions", "man"] {
            assert!(subs.iter().any(|s| s == sub), "{first:?}: {subs:?}");
        }
        assert_eq!(bash_complete(&script, &words(&["ou"])), ["outdated"]);
        assert_eq!(
            bash_complete(&script, &words(&["check", "--form"])),
            ["--format"]
        );
        let formats = bash_complete(&script, &words(&["check", "--format", ""]));
        assert!(formats.iter().any(|f| f == "sarif"), "{formats:?}");
        assert_eq!(
            bash_complete(&script, &words(&["completions", "fi"])),
            ["fish"]
        );
    }
    // `cargo <TAB>` still offers `pin` when cargo has no completion loaded.
    assert_eq!(bash_complete(&script, &["cargo", "pi"]), ["pin"]);
}

#[test]
fn bash_hands_other_cargo_commands_to_cargo_s_completion() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("both.bash");
    // A stand-in for rustup's cargo completion, loaded first.
    let mut text =
        String::from("_cargo() { COMPREPLY=(from-cargo-completion); }\ncomplete -F _cargo cargo\n");
    let ours = pin().args(["completions", "bash"]).stdout(0);
    text.push_str(&ours);
    // Sourced twice (from ~/.bashrc, then by bash-completion for
    // `cargo-pin`): cargo's completion is still the one handed to.
    text.push_str(&ours);
    std::fs::write(&script, text).unwrap();
    assert_eq!(
        bash_complete(&script, &["cargo", "bu"]),
        ["from-cargo-completion"]
    );
    assert_eq!(
        bash_complete(&script, &["cargo", "pin", "ro"]),
        ["rollback"]
    );
}

#[test]
fn every_shell_gets_a_script() {
    for (shell, needle) in [
        ("bash", "complete -F _cargo__pin"),
        ("zsh", "#compdef cargo-pin"),
        ("fish", "complete -c cargo-pin"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[cargo-pin]"),
    ] {
        let script = pin().args(["completions", shell]).stdout(0);
        assert!(
            script.contains(needle),
            "{shell}: {needle:?} not in\n{script}"
        );
        assert!(script.contains("outdated"), "{shell}");
    }
    let stderr = pin().args(["completions", "tcsh"]).stderr(2);
    assert!(stderr.contains("possible values"), "{stderr}");
}

#[test]
fn man_prints_a_page_and_writes_one_per_command() {
    let page = pin().arg("man").stdout(0);
    assert!(page.contains(".TH CARGO-PIN 1"), "{page}");
    assert!(page.contains("cargo\\-pin\\-check(1)"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let stdout = pin().args(["man", "--dir"]).arg(&out).stdout(0);
    assert!(stdout.contains("man pages into"), "{stdout}");
    let check = std::fs::read_to_string(out.join("cargo-pin-check.1")).unwrap();
    assert!(check.contains(".TH CARGO-PIN-CHECK 1"), "{check}");
    assert!(check.contains("cargo pin check"), "{check}");
    assert!(check.contains("\\-\\-format"), "{check}");
    for name in [
        "cargo-pin",
        "cargo-pin-outdated",
        "cargo-pin-init",
        "cargo-pin-man",
    ] {
        assert!(out.join(format!("{name}.1")).is_file(), "{name}");
    }
    // Where groff is installed (man's formatter), every page renders
    // without a warning.
    let pages: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(pages.len(), 12, "{pages:?}");
    if Command::new("groff").arg("--version").output().is_ok() {
        for page in &pages {
            let run = Command::new("groff")
                .args(["-man", "-Tutf8", "-ww", "-z"])
                .arg(page)
                .output()
                .unwrap();
            assert!(run.status.success(), "{}", page.display());
            assert!(
                run.stderr.is_empty(),
                "{}: {}",
                page.display(),
                String::from_utf8_lossy(&run.stderr)
            );
        }
    }
}

#[test]
fn init_writes_the_library_profile_for_a_published_library() {
    let copy = Copy::of("check/all-rules");
    let ws = copy.root();
    let stdout = pin().current_dir(ws).arg("init").stdout(0);
    assert!(
        stdout.contains("wrote pin.toml: the library profile (`lib` is a library published"),
        "{stdout}"
    );
    let text = copy.read("pin.toml");
    assert!(text.starts_with("#:schema https://"), "{text}");
    assert!(text.contains("\ncaret = \"warn\""), "{text}");
    // The policy applies: carets warn, the wildcards still deny.
    let report = pin()
        .current_dir(ws)
        .args(["check", "--format", "json"])
        .json(1);
    let findings = report["findings"].as_array().unwrap();
    let level = |rule: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == rule)
            .map(|f| f["level"].as_str().unwrap().to_string())
    };
    assert_eq!(level("caret").as_deref(), Some("warn"));
    assert_eq!(level("wildcard").as_deref(), Some("deny"));

    // Never over an existing policy.
    let before = copy.tree();
    let stderr = pin().current_dir(ws).arg("init").stderr(2);
    assert!(stderr.contains("pin.toml already exists"), "{stderr}");
    assert_eq!(before, copy.tree());
}

#[test]
fn init_writes_the_application_profile_otherwise() {
    let copy = Copy::empty("app");
    copy.write(
        "Cargo.toml",
        "[package]\nname = \"tool\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    copy.write("src/main.rs", "fn main() {}\n");
    let ws = copy.root();
    let printed = pin().current_dir(ws).args(["init", "--dry-run"]).stdout(0);
    assert!(!copy.path("pin.toml").exists(), "--dry-run wrote");
    assert!(printed.contains("application profile"), "{printed}");
    assert!(printed.contains("# caret = \"deny\""), "{printed}");
    pin().current_dir(ws).arg("init").stdout(0);
    assert_eq!(copy.read("pin.toml"), printed);
    // A library that is not published is an application too, and
    // --profile overrides what is detected.
    let lib = Copy::empty("lib");
    lib.write(
        "Cargo.toml",
        "[package]\nname = \"internal\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
    );
    lib.write("src/lib.rs", "");
    let out = pin()
        .current_dir(lib.root())
        .args(["init", "--dry-run"])
        .stdout(0);
    assert!(out.contains("application profile"), "{out}");
    let out = pin()
        .current_dir(lib.root())
        .args(["init", "--dry-run", "--profile", "library"])
        .stdout(0);
    assert!(out.contains("library profile"), "{out}");
}
