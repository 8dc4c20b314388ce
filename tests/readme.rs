//! The README's usage examples (its ```console blocks) run as tests with
//! trycmd: each command runs from the repository's root, in the tests'
//! fixed environment, and must print what the README shows and exit as it
//! says (`? 1`; no `?` line means 0). Synopses are ```text blocks and are
//! not run. After changing the output, `TRYCMD=overwrite cargo test --test
//! readme` rewrites the README's blocks.

// The library reads no environment variable; it builds the fixed environment its cases run in.
#![allow(clippy::disallowed_methods)]

mod support;

use std::ffi::OsString;

#[test]
fn readme_examples() {
    let cache = tempfile::tempdir().expect("temp cache dir");
    let env = support::fixed_env(cache.path());

    // trycmd runs a Markdown case in this process's environment plus what
    // `TestCases::env` adds: a Markdown case cannot ask for a cleared one
    // (`env.inherit = false` is for `.toml` cases). So clear this
    // process's environment down to the fixed one, keeping only `TRYCMD`,
    // trycmd's own switch (overwrite, dump).
    let keep: Vec<OsString> = env
        .iter()
        .map(|(k, _)| k.clone())
        .chain([OsString::from("TRYCMD")])
        .collect();
    for (key, _) in std::env::vars_os() {
        if !keep.contains(&key) {
            // SAFETY: this is the only test of this binary and trycmd has
            // not started: no other thread reads or writes the environment.
            unsafe { std::env::remove_var(&key) };
        }
    }

    let cases = trycmd::TestCases::new();
    for (key, value) in &env {
        // `COLUMNS` is inherited rather than added, so that an example can
        // set its own (`$ COLUMNS=80 cargo-pin check`): what `env` adds
        // wins over a case's own variables.
        if key == "COLUMNS" {
            // SAFETY: as above, no other thread touches the environment.
            unsafe { std::env::set_var(key, value) };
            continue;
        }
        cases.env(
            key.to_str().expect("UTF-8 variable name"),
            value.to_str().expect("UTF-8 value"),
        );
    }
    cases
        .register_bin("cargo-pin", trycmd::cargo::cargo_bin!("cargo-pin"))
        .case("README.md");
    let fixtures = support::snapshot_tree(&support::fixture(""));
    cases.run();
    // The examples read the fixtures, never write them.
    assert!(
        fixtures == support::snapshot_tree(&support::fixture("")),
        "a README example changed fixtures/"
    );
}
