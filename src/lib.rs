//! cargo-pin: audit how exactly a Rust workspace pins its dependencies, and
//! pin them.
//!
//! The library holds all the logic; `main.rs` only calls [`cli::main_with_args`].
//! Modules are named after what they hold: [`manifest`], [`lockfile`],
//! [`requirement`], [`policy`], [`rule`], [`report`], and one module per
//! command ([`check`]).

pub mod allow;
pub mod cargo_config;
pub mod check;
pub mod cli;
pub mod edit;
pub mod finding;
pub mod fix;
pub mod lockfile;
pub mod manifest;
pub mod outdated;
pub mod policy;
pub mod progress;
pub mod registry;
pub mod registry_check;
pub mod release_status;
pub mod report;
pub mod requirement;
pub mod rule;
pub mod sources;
pub mod text;
pub mod toolchain;
pub mod upgrade;
pub mod workspace;
pub mod write;
