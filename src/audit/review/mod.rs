//! `cargo pin review`: what a pull request changes in Cargo.lock and the
//! manifests, and the gate on what it introduces.
//!
//! - [`diff`]: the lockfile diff, pure.

// Used by the command once it is wired (next commit).
#[allow(dead_code)]
pub(crate) mod diff;
