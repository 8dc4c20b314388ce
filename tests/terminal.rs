//! The terminal through the real binary: colour (`--color`,
//! `CARGO_TERM_COLOR`, `NO_COLOR`, `CLICOLOR_FORCE`, `TERM=dumb`, a pipe),
//! `-q` and `-v`, on `outdated`, `upgrade` and `check`. Registry commands run
//! against the loopback registry (`support::registry::Ws`).

mod support;

use support::registry::Ws;
use support::{fixture, pin};

const ESC: char = '\u{1b}';

fn all_rules() -> std::path::PathBuf {
    fixture("check/all-rules/Cargo.toml")
}

#[test]
fn outdated_colour_follows_the_flag_then_the_environment() {
    let ws = Ws::new("registry-basic");
    // The harness sets NO_COLOR=1 and runs on a pipe.
    let plain = ws.cmd().arg("outdated").stdout(0);
    assert!(!plain.contains(ESC), "{plain}");
    let always = ws.cmd().args(["outdated", "--color", "always"]).stdout(0);
    assert!(always.contains(ESC), "--color always wins over NO_COLOR");
    // The same report under the colour.
    assert_eq!(strip(&always), plain);
    let never = ws
        .cmd()
        .env("CARGO_TERM_COLOR", "always")
        .args(["outdated", "--color", "never"])
        .stdout(0);
    assert!(
        !never.contains(ESC),
        "--color never wins over CARGO_TERM_COLOR"
    );
    let env_always = ws
        .cmd()
        .env("CARGO_TERM_COLOR", "always")
        .arg("outdated")
        .stdout(0);
    assert!(env_always.contains(ESC));
    let forced = ws
        .cmd()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .arg("outdated")
        .stdout(0);
    assert!(forced.contains(ESC), "CLICOLOR_FORCE colours a pipe");
    let no_color_beats_force = ws
        .cmd()
        .env("CLICOLOR_FORCE", "1")
        .arg("outdated")
        .stdout(0);
    assert!(!no_color_beats_force.contains(ESC));
    let dumb = ws
        .cmd()
        .env_remove("NO_COLOR")
        .env("TERM", "dumb")
        .args(["outdated", "--color", "auto"])
        .stdout(0);
    assert!(!dumb.contains(ESC));
    let piped = ws.cmd().env_remove("NO_COLOR").arg("outdated").stdout(0);
    assert!(!piped.contains(ESC), "a pipe is not a terminal");
}

#[test]
fn outdated_in_colour_snapshot() {
    let ws = Ws::new("registry-basic");
    let out = ws.cmd().args(["outdated", "--color", "always"]).stdout(0);
    // Status cells: the vetted move green, unvetted yellow; the commands
    // to copy bold.
    assert!(
        out.contains("\u{1b}[38;5;10m → 1.2.1 vetted \u{1b}[39m"),
        "{out:?}"
    );
    assert!(out.contains("\u{1b}[38;5;11m unvetted: 0.4.0"), "{out:?}");
    support::snapshots().eq(
        out.replace(ESC, "<ESC>"),
        snapbox::file!["snapshots/outdated-basic.color.txt"],
    );
}

#[test]
fn upgrade_dry_run_diff_is_coloured_like_git() {
    let ws = Ws::new("registry-basic");
    let out = ws
        .cmd()
        .args(["upgrade", "--dry-run", "--color", "always"])
        .stdout(0);
    assert!(
        out.contains("\u{1b}[31m-alpha = \"1.1\"\u{1b}[0m"),
        "{out:?}"
    );
    assert!(
        out.contains("\u{1b}[32m+alpha = \"=1.2.1\"\u{1b}[0m"),
        "{out:?}"
    );
    assert!(
        out.contains("\u{1b}[36m@@ -7,7 +7,7 @@\u{1b}[0m"),
        "{out:?}"
    );
    let plain = ws.cmd().args(["upgrade", "--dry-run"]).stdout(0);
    assert_eq!(strip(&out), plain);
}

#[test]
fn upgrade_lockfile_changes_are_coloured_and_next_steps_come_last() {
    let ws = Ws::new("registry-basic");
    let out = ws.cmd().args(["upgrade", "--color", "always"]).stdout(0);
    assert!(out.contains("\u{1b}[36mupgraded\u{1b}[0m alpha"), "{out:?}");
    let plain = strip(&out);
    let lock = plain.find("Cargo.lock: ").expect("lockfile changes");
    let next = plain.find("To vet the newest").expect("next steps");
    assert!(lock < next, "{plain}");
    assert!(
        plain.ends_with(
            "  cargo pin allow bravo@0.4.0 q@0.6.0 --reason \"<why they are trusted>\"\n"
        ),
        "{plain}"
    );
}

#[test]
fn quiet_prints_nothing_and_keeps_the_exit_code() {
    let ws = Ws::new("registry-basic");
    let out = ws.cmd().args(["outdated", "-q"]).output(0);
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A report asked for in a machine format is output, not chatter.
    let json = ws
        .cmd()
        .args(["outdated", "--quiet", "--format", "json"])
        .json(0);
    assert_eq!(json["schema_version"], 1);
    // Deny findings: exit 1 still, and silence.
    let out = pin()
        .args(["check", "-q", "--manifest-path"])
        .arg(all_rules())
        .output(1);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.is_empty());
    // Errors still say what went wrong.
    let err = pin()
        .args(["check", "-q", "--manifest-path", "/nonexistent/Cargo.toml"])
        .stderr(2);
    assert!(err.starts_with("error: "), "{err}");
    // A dry run under -q writes nothing and says nothing.
    let before = ws.read("app/Cargo.toml");
    let out = ws.cmd().args(["upgrade", "--dry-run", "-q"]).output(0);
    assert!(out.stdout.is_empty());
    assert_eq!(ws.read("app/Cargo.toml"), before);
}

#[test]
fn quiet_and_verbose_conflict() {
    let err = pin().args(["check", "-q", "-v"]).stderr(2);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn verbose_lists_every_place_and_release() {
    let ws = Ws::new("registry-basic");
    let out = ws.cmd().args(["outdated", "-v"]).stdout(0);
    assert!(out.contains("required at:\n"), "{out}");
    assert!(
        out.contains("  alpha: app/Cargo.toml:10, tool/Cargo.toml:9 (as a2)\n"),
        "{out}"
    );
    let plain = ws.cmd().arg("outdated").stdout(0);
    assert!(!plain.contains("required at:"), "{plain}");
    // Global: before the command too, run as cargo runs it or directly.
    assert_eq!(ws.cmd().args(["--verbose", "outdated"]).stdout(0), out);
    assert_eq!(ws.cmd().args(["pin", "-v", "outdated"]).stdout(0), out);
    let up = ws.cmd().args(["upgrade", "--dry-run", "-v"]).stdout(0);
    assert!(
        up.contains("cat stays at 0.1.1: the newest release\n"),
        "{up}"
    );
}

#[test]
fn errors_are_coloured_on_request_and_a_bad_cargo_term_color_is_named() {
    let err = pin()
        .args([
            "check",
            "--color",
            "always",
            "--manifest-path",
            "/nonexistent/Cargo.toml",
        ])
        .stderr(2);
    assert!(
        err.starts_with("\u{1b}[1m\u{1b}[31merror:\u{1b}[0m "),
        "{err:?}"
    );
    let err = pin()
        .env("CARGO_TERM_COLOR", "sometimes")
        .args(["check", "--manifest-path"])
        .arg(all_rules())
        .stderr(2);
    assert!(err.contains("CARGO_TERM_COLOR=\"sometimes\""), "{err}");
}

#[test]
fn outdated_and_upgrade_fit_the_terminal_but_commands_stay_whole() {
    let ws = Ws::new("registry-basic");
    for width in [60usize, 80, 120] {
        for args in [
            &["outdated"][..],
            &["outdated", "-v"],
            &["upgrade", "--dry-run"],
        ] {
            let text = ws.cmd().columns(width).args(args).stdout(0);
            for line in text.lines() {
                if line.starts_with("  cargo pin ") {
                    continue;
                }
                // The dry run's diff is the files' own lines; cargo's
                // command is to copy too.
                if line.starts_with(['+', '-', ' ', '@']) || line.starts_with("would run: ") {
                    continue;
                }
                assert!(
                    line.chars().count() <= width,
                    "{args:?} wider than {width}: {line}"
                );
            }
            assert!(
                text.contains("\n  cargo pin allow bravo@0.4.0 q@0.6.0 --reason"),
                "{text}"
            );
        }
    }
}

/// `text` without its ANSI escapes (`ESC [ … m`).
fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut esc = false;
    for c in text.chars() {
        match (esc, c) {
            (_, ESC) => esc = true,
            (true, 'm') => esc = false,
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}
