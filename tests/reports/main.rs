//! Integration tests of the reports (JSON, Markdown, SARIF, GitHub
//! annotations) and the CI recipes: the real binary, run on the fixtures.

// The library reads no environment variable; tests find external validators through variables .ci/run sets.
#![allow(clippy::disallowed_methods)]
// The print lints guard the library; this is tests say on stderr which external validators they skipped.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../support/mod.rs"]
mod support;

mod ci;
mod formats;
mod sarif;
mod schema;
mod snapshots;
mod workspaces;

use std::path::Path;
use std::process::Output;

use support::Pin;

/// The instant the report tests run at, not [`support::NOW`]: on this day
/// the `policy` fixture's dated exemption (of `log`, until 2026-01-31)
/// still applies, so the variants cover an exemption that expires later
/// beside one that has expired.
pub const NOW: &str = "2026-01-15";

/// The binary, in the fixed environment, at [`NOW`].
pub(crate) fn bin() -> Pin {
    support::pin().now(NOW)
}

/// `cargo pin check --manifest-path MANIFEST ARGS...`, which must exit
/// with `code`.
pub fn check(manifest: &Path, args: &[&str], code: i32) -> Output {
    bin()
        .args(["pin", "check"])
        .manifest(manifest)
        .args(args)
        .output(code)
}

/// `check --format json`, parsed; the exit code must be the one the
/// report owes (1 with a deny-level finding, else 0).
pub fn check_json(manifest: &Path, args: &[&str]) -> serde_json::Value {
    bin()
        .args(["pin", "check", "--format", "json"])
        .manifest(manifest)
        .args(args)
        .check_json()
}
