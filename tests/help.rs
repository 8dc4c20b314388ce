//! `--help` of the binary and of every subcommand, against the snapshots
//! in `tests/snapshots/help/`. After changing help text, regenerate them:
//! `SNAPSHOTS=overwrite cargo test --test help`.

mod support;

use std::path::PathBuf;

use support::pin;

/// The subcommands of `cargo pin`, in the order `--help` lists them.
const SUBCOMMANDS: [&str; 11] = [
    "check",
    "fix",
    "outdated",
    "allow",
    "upgrade",
    "deny",
    "rollback",
    "review",
    "init",
    "completions",
    "man",
];

/// The subcommands `cargo-pin pin --help` lists (clap's own `help` left
/// out): the first word of each line of its `Commands:` section.
fn listed_subcommands() -> Vec<String> {
    let help = pin().args(["pin", "--help"]).stdout(0);
    let section = help
        .split_once("\nCommands:\n")
        .unwrap_or_else(|| panic!("no Commands: section in\n{help}"))
        .1;
    section
        .lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect()
}

fn snapshot(name: &str) -> PathBuf {
    support::repo()
        .join("tests/snapshots/help")
        .join(format!("{name}.txt"))
}

/// `cargo-pin ARGS`, which must exit 0 and print what `name`'s snapshot
/// holds, with nothing on stderr.
fn assert_help(args: &[&str], name: &str) {
    let out = pin().args(args).output(0);
    assert!(
        out.stderr.is_empty(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.contains("Usage: "), "{args:?}: {text}");
    support::snapshots().eq(text, snapbox::Data::read_from(&snapshot(name), None));
}

#[test]
fn the_binary_lists_exactly_the_known_subcommands() {
    assert_eq!(
        listed_subcommands(),
        SUBCOMMANDS,
        "a subcommand was added or removed: update SUBCOMMANDS and run \
         SNAPSHOTS=overwrite cargo test --test help"
    );
}

#[test]
fn help_of_every_command_matches_its_snapshot() {
    assert_help(&["--help"], "cargo-pin");
    assert_help(&["pin", "--help"], "pin");
    // The subcommands as the binary lists them, so a new one without a
    // snapshot fails here too (its snapshot file is missing).
    let subcommands = listed_subcommands();
    for cmd in &subcommands {
        assert_help(&[cmd, "--help"], cmd);
        // `cargo pin CMD --help` is the same text.
        let direct = pin().args([cmd.as_str(), "--help"]).stdout(0);
        let through_pin = pin().args(["pin", cmd.as_str(), "--help"]).stdout(0);
        assert_eq!(direct, through_pin, "{cmd}");
    }
    // And no snapshot is left behind by a removed subcommand.
    let mut expected: Vec<String> = ["cargo-pin", "pin"]
        .into_iter()
        .chain(subcommands.iter().map(String::as_str))
        .map(|n| format!("{n}.txt"))
        .collect();
    expected.sort();
    let mut found: Vec<String> = std::fs::read_dir(support::repo().join("tests/snapshots/help"))
        .expect("tests/snapshots/help")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(found, expected, "stale or missing help snapshots");
}
